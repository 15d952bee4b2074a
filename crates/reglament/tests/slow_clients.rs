//! The real server against clients that never finish: half-sent request heads and idle
//! connections are closed after the header timeout, an oversized head is refused, and beyond
//! the connection cap new connections are closed at once — while `/healthz` keeps answering.
//! Every loop is bounded, and all traffic goes to 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

mod support;

use support::{Killed, serve_in_fresh_dir, spawn_on_own_port};

/// `reglament serve` on a fresh SQLite database, with the given header timeout and
/// connection cap, once `/healthz` answers.
fn server(header_timeout: u64, max_connections: usize) -> (Killed, u16, std::path::PathBuf) {
    let (mut command, dir) =
        serve_in_fresh_dir(&format!("slow-{header_timeout}-{max_connections}"));
    command
        .env(
            "REGLAMENT_SERVER__HEADER_TIMEOUT_SECONDS",
            header_timeout.to_string(),
        )
        .env(
            "REGLAMENT_SERVER__MAX_CONNECTIONS",
            max_connections.to_string(),
        );
    let (child, port) = spawn_on_own_port(command);
    let start = Instant::now();
    while health(port).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, port, dir)
}

/// The status line of `GET /healthz` on a new connection, if one comes within five seconds.
fn health(port: u16) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    answer.lines().next().map(str::to_string)
}

/// Whether the server closes the connection within `within`: a read returns end of file (or
/// a reset) rather than timing out.
fn closed_within(s: &TcpStream, within: Duration) -> bool {
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 1024];
    let mut reader = s;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return true,
            // Whatever the server says first (a 408, say), the connection must then end.
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn half_sent_heads_and_idle_connections_are_closed_and_health_answers_meanwhile() {
    let (_server, port, dir) = server(2, 1024);
    // Two hundred clients that start a request and never finish its head, and one hundred that
    // connect and say nothing.
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .unwrap();
            s
        })
        .collect();
    slow.extend((0..100).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()));
    assert_eq!(
        health(port).as_deref(),
        Some("HTTP/1.1 200 OK"),
        "/healthz answers while 300 connections hang"
    );
    // Two seconds to send a head: all of them are closed well within ten.
    let open = slow
        .iter()
        .filter(|s| !closed_within(s, Duration::from_secs(10)))
        .count();
    assert_eq!(open, 0, "connections still open after the header timeout");
    assert_eq!(health(port).as_deref(), Some("HTTP/1.1 200 OK"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_request_head_over_64_kib_is_refused() {
    let (_server, port, dir) = server(10, 1024);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let big = "x".repeat(200 * 1024);
    // The server may stop reading once the head is too large; what it managed to read is enough.
    let _ = s.write_all(
        format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {big}\r\n\r\n").as_bytes(),
    );
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "an oversized head must not be served: {}",
        answer.lines().next().unwrap_or_default()
    );
    assert!(!answer.contains("200 OK"));
    assert_eq!(health(port).as_deref(), Some("HTTP/1.1 200 OK"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn beyond_the_connection_cap_new_connections_are_closed_at_once_and_served_again_later() {
    let (_server, port, dir) = server(30, 20);
    // Fill every slot with connections that say nothing (the header timeout is long here). The
    // startup probe's slot may not be free yet: a connection the server closes at once is
    // tried again, a bounded number of times.
    let mut held: Vec<TcpStream> = Vec::new();
    for _ in 0..60 {
        if held.len() == 20 {
            break;
        }
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        if closed_within(&s, Duration::from_millis(200)) {
            std::thread::sleep(Duration::from_millis(100));
        } else {
            held.push(s);
        }
    }
    assert_eq!(held.len(), 20, "twenty connections are served");
    let extra = TcpStream::connect(("127.0.0.1", port)).unwrap();
    assert!(
        closed_within(&extra, Duration::from_secs(5)),
        "a connection over the cap is closed, not queued"
    );
    drop(held);
    // Once the held connections end, the server serves again.
    let start = Instant::now();
    let mut answer = health(port);
    while answer.as_deref() != Some("HTTP/1.1 200 OK") && start.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(100));
        answer = health(port);
    }
    assert_eq!(answer.as_deref(), Some("HTTP/1.1 200 OK"));
    let _ = std::fs::remove_dir_all(dir);
}
