//! Sign-in cannot exhaust the server's memory: each argon2id check takes about 19 MiB, so only
//! as many run at once as there are cores (the rest answer 503 with `Retry-After`), and the
//! memory is given back afterwards. Three bursts of 256 concurrent wrong sign-ins against the
//! real server on 127.0.0.1; its peak and resident memory are read from `/proc`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

mod support;

use support::{serve_in_fresh_dir, spawn_on_own_port};

/// `VmHWM` (peak) and `VmRSS` (now) of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// One wrong sign-in from its own client address; the status code of the answer, or 0 when
/// there was none in 60 seconds.
fn wrong_sign_in(port: u16, n: usize) -> u16 {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
    let body = format!(r#"{{"email": "nobody{n}@example.ru", "password": "wrong password {n}"}}"#);
    let request = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 10.{}.{}.{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        n / 65536 % 256,
        n / 256 % 256,
        n % 256,
        body.len()
    );
    if s.write_all(request.as_bytes()).is_err() {
        return 0;
    }
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn bursts_of_256_concurrent_wrong_sign_ins_peak_under_300_mib_and_leave_little_held() {
    let (mut command, dir) = serve_in_fresh_dir("argon");
    command
        // As many clients behind a proxy: each its own address, so the per-address back-off
        // lets every attempt reach the password check.
        .env("REGLAMENT_SERVER__CLIENT_ADDRESS_HEADER", "X-Forwarded-For");
    let (server, port) = spawn_on_own_port(command);
    let pid = server.0.id();
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "no server");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, before) = memory(pid);
    let mut answered = Vec::new();
    for burst in 0..3 {
        let barrier = Arc::new(Barrier::new(256));
        let clients: Vec<_> = (0..256)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    wrong_sign_in(port, burst * 1000 + i)
                })
            })
            .collect();
        answered.extend(clients.into_iter().map(|c| c.join().unwrap()));
    }
    let (peak, after_bursts) = memory(pid);
    // Every request got an answer: a wrong password (401) or "busy, come back" (503).
    let wrong = answered.iter().filter(|s| **s == 401).count();
    let busy = answered.iter().filter(|s| **s == 503).count();
    assert_eq!(wrong + busy, answered.len(), "statuses: {answered:?}");
    assert!(wrong > 0, "some checks ran");
    assert!(
        peak < 300.0,
        "peak {peak:.0} MiB (started at {before:.0} MiB)"
    );
    // Idle for a moment, the server holds no more than a small multiple of a few hashes'
    // memory (before the fix it kept gigabytes after bursts like these).
    std::thread::sleep(Duration::from_secs(3));
    let (_, idle) = memory(pid);
    assert!(
        idle < 160.0,
        "{idle:.0} MiB resident when idle, {before:.0} MiB at start, {after_bursts:.0} MiB right after"
    );
    eprintln!(
        "sign-in bursts: {wrong} checked, {busy} busy; memory {before:.1} MiB at start, peak {peak:.1} MiB, {after_bursts:.1} MiB after, {idle:.1} MiB idle"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
