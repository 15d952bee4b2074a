//! What the tests that run real servers share: a child process stopped when dropped, and a
//! free port on 127.0.0.1.

// Each test binary uses a part of this module.
#![allow(dead_code)]

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

/// Starts a server command with `--listen 127.0.0.1:0` (the caller adds it) and returns the
/// process and the port it chose, read from its banner — so parallel tests never race for a
/// port picked in advance. Waits at most thirty seconds for the banner.
pub fn spawn_on_own_port(mut command: std::process::Command) -> (Killed, u16) {
    command.stderr(std::process::Stdio::null());
    spawn_with_its_stderr(command)
}

/// As [`spawn_on_own_port`], with the server's log (its standard error) written to `log`.
pub fn spawn_logging_to(
    mut command: std::process::Command,
    log: &std::path::Path,
) -> (Killed, u16) {
    command.stderr(std::fs::File::create(log).unwrap());
    spawn_with_its_stderr(command)
}

fn spawn_with_its_stderr(mut command: std::process::Command) -> (Killed, u16) {
    use std::io::BufRead;
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = Killed(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok);
        let _ = tx.send(first);
        // Keep reading, so the server never blocks on a full pipe.
        for _ in lines {}
    });
    let banner = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .ok()
        .flatten()
        .expect("the server printed no banner");
    let port = banner
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("no port in the banner: {banner}"));
    (child, port)
}

/// `reglament serve --listen 127.0.0.1:0` in a fresh directory of its own (named by `tag`),
/// on the embedded defaults: a new SQLite database and the default regulation. The caller adds
/// its settings and starts it with [`spawn_on_own_port`].
pub fn serve_in_fresh_dir(tag: &str) -> (std::process::Command, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("reglament-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_reglament"));
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(&dir)
        .env_remove("REGLAMENT_DATABASE__URL")
        .env_remove("REGLAMENT_SERVER__REGULATION");
    (command, dir)
}

/// An aiosmtpd sink on 127.0.0.1 writing what it receives into the maildir `maildir`; the
/// process and its port. Waits at most ten seconds for it to listen.
pub fn smtp_sink(maildir: &std::path::Path) -> (Killed, u16) {
    let port = free_port();
    let sink = Killed(
        std::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd; .ci/run does)"),
    );
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "aiosmtpd did not listen: is it installed?"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (sink, port)
}
