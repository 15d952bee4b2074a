//! What the tests that run real servers share: a child process stopped when dropped, and a
//! free port on 127.0.0.1.

use std::process::Child;

/// A child process, killed and reaped when dropped — even when the test panics.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
