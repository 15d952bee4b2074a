//! Mail throughput, end to end through the real binary: parse, thread, store, clocks and the
//! acknowledgment in the outbox.
//!
//! 1. `reglament mail ingest`, one process per message as an MTA's pipe runs it, four at a time;
//! 2. `reglament mail ingest --dir`, a directory of messages in one process;
//! 3. the outbox delivered by `serve` over SMTP to an aiosmtpd sink on 127.0.0.1, reusing its
//!    connection.
//!
//! ```sh
//! cargo bench -p reglament --bench mail                 # SQLite, 1,000 messages each way
//! cargo bench -p reglament --bench mail -- postgres     # PostgreSQL (REGLAMENT_TEST_POSTGRES)
//! cargo bench -p reglament --bench mail -- --messages 300
//! ```
//!
//! Under `cargo test` it runs the same path over 20 messages as a smoke test and reports,
//! without judging any timing.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{database, drop_database, serve_with, stop};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench");
    let postgres = args.iter().any(|a| a == "postgres");
    let n: usize = args
        .iter()
        .position(|a| a == "--messages")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { 1_000 } else { 20 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = rt.block_on(database("mail", postgres));
    // The demo's customer, client@romashka.ru, writes every message.
    let (mut server, _) = serve_with(&url, &["--demo"], &[]);
    stop(&mut server);
    let store = rt.block_on(reglament_store::Store::connect(&url)).unwrap();
    let count = |sql: &str| -> i64 {
        rt.block_on(async {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(store.pool()).await.unwrap();
            n
        })
    };
    let tickets_before = count("SELECT COUNT(*) FROM tickets");
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };

    // 1. One process per message, four at a time.
    let messages: Vec<Vec<u8>> = (0..n).map(|k| message(&format!("pipe-{k}"))).collect();
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(raw) = messages.get(k) else { break };
                    pipe(&url, raw);
                }
            });
        }
    });
    let pipe_secs = started.elapsed().as_secs_f64();
    let opened = count("SELECT COUNT(*) FROM tickets") - tickets_before;
    assert_eq!(opened, n as i64, "every piped message opened a ticket");
    println!(
        "{backend}: mail ingest, a process per message, 4 at a time: {n} messages in {pipe_secs:.2} s = {:.0} messages/s",
        n as f64 / pipe_secs
    );

    // 2. A directory in one process.
    let dir = std::env::temp_dir().join(format!("reglament-mail-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for k in 0..n {
        std::fs::write(
            dir.join(format!("{k:06}.eml")),
            message(&format!("dir-{k}")),
        )
        .unwrap();
    }
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["mail", "ingest", "--database-url", &url, "--dir"])
        .arg(&dir)
        .env_remove("REGLAMENT_CONFIG")
        .output()
        .unwrap();
    let dir_secs = started.elapsed().as_secs_f64();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let opened = count("SELECT COUNT(*) FROM tickets") - tickets_before;
    assert_eq!(
        opened,
        2 * n as i64,
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    println!(
        "{backend}: mail ingest --dir, one process: {n} messages in {dir_secs:.2} s = {:.0} messages/s",
        n as f64 / dir_secs
    );
    let _ = std::fs::remove_dir_all(&dir);

    // 3. The outbox over SMTP to a sink that discards what it gets.
    let pending_sql = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL";
    let pending = count(pending_sql);
    let port = free_port();
    let mut sink = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Sink"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
    let wait = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            wait.elapsed() < Duration::from_secs(10),
            "aiosmtpd did not listen"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let envs = [
        ("REGLAMENT_MAIL__FROM", "support@demo.test".to_string()),
        ("REGLAMENT_MAIL__SMTP__HOST", "127.0.0.1".to_string()),
        ("REGLAMENT_MAIL__SMTP__PORT", port.to_string()),
        ("REGLAMENT_MAIL__SMTP__SECURITY", "none".to_string()),
    ];
    let (mut server, _) = serve_with(&url, &[], &envs);
    // From the first message out to the last.
    let wait = Instant::now();
    while count(pending_sql) == pending {
        assert!(wait.elapsed() < Duration::from_secs(30), "nothing was sent");
        std::thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    let first_left = count(pending_sql);
    let deadline = Instant::now() + Duration::from_secs(600);
    while count(pending_sql) > 0 {
        assert!(Instant::now() < deadline, "the outbox did not empty");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out_secs = started.elapsed().as_secs_f64();
    stop(&mut server);
    let _ = sink.kill();
    let _ = sink.wait();
    let failed = count("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL");
    assert_eq!(failed, 0, "no message failed");
    println!(
        "{backend}: outbound over SMTP to aiosmtpd: {first_left} messages in {out_secs:.2} s = {:.0} messages/s ({pending} in the outbox in all)",
        first_left as f64 / out_secs
    );
    rt.block_on(store.close());
    rt.block_on(drop_database(&url, postgres));
}

/// A new customer message, as a mail client sends it.
fn message(id: &str) -> Vec<u8> {
    format!(
        "From: Иван Клиентов <client@romashka.ru>\r\nTo: support@demo.test\r\n\
         Subject: Не открывается отчёт {id}\r\nMessage-ID: <{id}@romashka.ru>\r\n\
         Date: Tue, 01 Dec 2026 10:00:00 +0300\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Здравствуйте! После обновления отчёт по продажам не открывается: ошибка 500.\r\n\
         С уважением, Иван\r\n"
    )
    .into_bytes()
}

/// `reglament mail ingest` with the message on stdin; it must store it.
fn pipe(url: &str, raw: &[u8]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["mail", "ingest", "--database-url", url])
        .env_remove("REGLAMENT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
