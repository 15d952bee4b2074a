//! The crash test: 1,000 messages piped into `reglament mail ingest`, some of the processes
//! killed with SIGKILL at random points. Every message that got exit 0 is stored exactly once;
//! the MTA's retries of the others store them once too; once the server has read what was left
//! pending, every stored message is decided and no message made two tickets.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: usize = 1000;
/// Processes at once, as an MTA's pipe transport would run them.
const AT_ONCE: usize = 4;

fn sql(db: &std::path::Path, q: &str) -> String {
    let o = Command::new("sqlite3")
        .arg(db)
        .arg(q)
        .output()
        .expect("sqlite3 (.ci/run installs it)");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Message `i`: the odd ones answer the first ticket, by its number in the subject.
fn message(i: usize, first: &str) -> String {
    let subject = if i % 2 == 1 {
        format!("Re: [Заявка #{first}] Письмо {i}")
    } else {
        format!("Письмо {i}")
    };
    format!(
        "From: Иванов <ivanov@pochta.test>\r\nTo: support@pass24.test\r\nSubject: {subject}\r\nMessage-ID: <crash-{i}@pochta.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nТекст письма {i}\r\n"
    )
}

/// A small deterministic generator: the same kills on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn messages_acknowledged_before_a_sigkill_are_stored_exactly_once_and_retries_lose_nothing() {
    let dir = std::env::temp_dir().join(format!("reglament-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let regulation = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/regulations/pass24.toml"
    );
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_reglament"))
            .args(args)
            .current_dir(&dir)
            .env_remove("REGLAMENT_DATABASE__URL")
            .env_remove("REGLAMENT_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if let Some(s) = stdin {
            c.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        drop(c.stdin.take());
        c
    };
    let o = run(
        &[
            "user",
            "create",
            "--customer",
            "--organization",
            "ООО «Почта»",
            "--email",
            "ivanov@pochta.test",
            "--name",
            "Иванов",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    )
    .wait()
    .unwrap();
    assert!(o.success());

    // The first ticket, which the odd messages answer.
    let db = dir.join("reglament-data/reglament.db");
    let first = "From: Иванов <ivanov@pochta.test>\r\nSubject: Первое\r\nMessage-ID: <crash-first@pochta.test>\r\n\r\nНачало\r\n";
    let o = run(&["mail", "ingest", "--regulation", regulation], Some(first))
        .wait()
        .unwrap();
    assert!(o.success());
    let number = sql(&db, "SELECT number FROM tickets WHERE id = 1");
    assert!(!number.is_empty(), "the first message opened no ticket");
    let mut rng = Lcg(2026);
    // `Some(true)`: exit 0; `Some(false)`: killed or told to retry.
    let mut acked = vec![false; MESSAGES];
    let mut pending: Vec<usize> = (0..MESSAGES).collect();
    let mut killed = 0;
    // The first round kills about one process in four; the MTA then retries until all are in.
    for round in 0..20 {
        let mut next = Vec::new();
        for chunk in pending.chunks(AT_ONCE) {
            let mut running: Vec<(usize, std::process::Child, Option<Duration>)> = chunk
                .iter()
                .map(|&i| {
                    let kill = (round == 0 && rng.next().is_multiple_of(4))
                        .then(|| Duration::from_millis(rng.next() % 40));
                    let args = ["mail", "ingest", "--regulation", regulation];
                    (i, run(&args, Some(&message(i, &number))), kill)
                })
                .collect();
            let start = Instant::now();
            for (i, child, kill) in running.iter_mut() {
                if let Some(after) = kill {
                    let wait = after.saturating_sub(start.elapsed());
                    std::thread::sleep(wait);
                    let _ = child.kill();
                }
                let status = child.wait().unwrap();
                if status.code() == Some(0) {
                    acked[*i] = true;
                } else {
                    if kill.is_some() {
                        killed += 1;
                    }
                    next.push(*i);
                }
            }
        }
        // After each round, what was acknowledged is stored exactly once.
        for (i, ok) in acked.iter().enumerate() {
            if *ok {
                let n = sql(
                    &db,
                    &format!(
                        "SELECT COUNT(*) FROM inbound WHERE message_id = 'crash-{i}@pochta.test'"
                    ),
                );
                assert_eq!(n, "1", "message {i} acknowledged but stored {n} times");
            }
        }
        pending = next;
        if pending.is_empty() {
            break;
        }
    }
    assert!(
        pending.is_empty(),
        "{} messages never stored",
        pending.len()
    );
    assert!(killed > 50, "only {killed} processes were killed");
    assert_eq!(
        sql(&db, "SELECT COUNT(*) FROM inbound"),
        (MESSAGES + 1).to_string()
    );
    // The server reads what a kill left pending.
    let mut server = run(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--regulation",
            regulation,
        ],
        None,
    );
    let start = Instant::now();
    while sql(&db, "SELECT COUNT(*) FROM inbound WHERE state = 'pending'") != "0" {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "pending mail was not read"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = server.kill();
    let _ = server.wait();
    // No message made two tickets, and no ticket came from two messages.
    let opened = sql(&db, "SELECT COUNT(*) FROM inbound WHERE state = 'ticket'");
    let distinct = sql(
        &db,
        "SELECT COUNT(DISTINCT ticket_id) FROM inbound WHERE state = 'ticket'",
    );
    assert_eq!(opened, distinct);
    let tickets = sql(&db, "SELECT COUNT(*) FROM tickets");
    assert_eq!(
        tickets, opened,
        "{tickets} tickets, {opened} messages that opened one"
    );
    // And no message replied twice: the first ticket has one reply per message that joined it.
    let joined = sql(
        &db,
        "SELECT COUNT(*) FROM inbound WHERE state = 'reply' AND ticket_id = 1",
    );
    let replies = sql(
        &db,
        "SELECT COUNT(*) FROM journal WHERE ticket_id = 1 AND event LIKE '{\"type\":\"replied\"%'",
    );
    assert_eq!(
        replies, joined,
        "{replies} replies, {joined} messages that joined"
    );
    assert!(joined.parse::<i64>().unwrap() > 100, "{joined}");
}
