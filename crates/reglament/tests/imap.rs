//! A real Dovecot (Debian `dovecot-imapd`, which `.ci/run` installs) on 127.0.0.1, and
//! `serve --demo` polling its mailbox: messages become tickets, are marked `\Seen` only once
//! stored, a message that arrives while the server waits in IDLE is taken at once, and the
//! same `Message-ID` twice is stored once.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{Killed, free_port};

fn deliver(maildir: &Path, name: &str, id: &str, subject: &str) {
    let msg = format!(
        "From: Клиент <client@romashka.ru>\r\nTo: support@test\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nТекст письма\r\n"
    );
    let tmp = maildir.join("tmp").join(name);
    std::fs::write(&tmp, msg).unwrap();
    std::fs::rename(&tmp, maildir.join("new").join(name)).unwrap();
}

fn inbound(db: &Path) -> Vec<(String, String)> {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT source, state FROM inbound ORDER BY id")
        .output();
    match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| l.split_once('|'))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn until(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn mail_polled_from_dovecot_becomes_tickets_once_and_is_marked_seen_after_it_is_stored() {
    assert!(
        Path::new("/usr/sbin/dovecot").exists(),
        "/usr/sbin/dovecot is missing: apt-get install dovecot-imapd (.ci/run does)"
    );
    assert!(
        Command::new("sqlite3").arg("-version").output().is_ok(),
        "sqlite3 is missing: apt-get install sqlite3 (.ci/run does)"
    );
    let dir = std::env::temp_dir().join(format!("reglament-imap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for d in [
        "run",
        "state",
        "home/support/Maildir/new",
        "home/support/Maildir/cur",
        "home/support/Maildir/tmp",
    ] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    // Dovecot reads the mail as `nobody`.
    Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(dir.join("home"))
        .status()
        .unwrap();
    Command::new("chmod")
        .args(["a+rx"])
        .arg(&dir)
        .status()
        .unwrap();
    let port = free_port();
    let d = dir.display();
    std::fs::write(dir.join("users"), "support@test:{PLAIN}imap-secret\n").unwrap();
    std::fs::write(
        dir.join("dovecot.conf"),
        format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\nssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nmail_location = maildir:{d}/home/%n/Maildir\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={d}/home/%n\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service pop3-login {{\n  inet_listener pop3 {{\n    port = 0\n  }}\n}}\n"
        ),
    )
    .unwrap();
    let maildir = dir.join("home/support/Maildir");
    deliver(&maildir, "1.eml", "imap-1@romashka.ru", "Первое письмо");
    deliver(&maildir, "2.eml", "imap-2@romashka.ru", "Второе письмо");
    let _dovecot = Killed(
        Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    until("dovecot", 10, || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    std::fs::write(
        dir.join("reglament.toml"),
        format!(
            "[[mail.imap]]\nname = \"support\"\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nusername = \"support@test\"\npassword = \"imap-secret\"\n"
        ),
    )
    .unwrap();
    let _server = Killed(
        Command::new(env!("CARGO_BIN_EXE_reglament"))
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--config"])
            .arg(dir.join("reglament.toml"))
            .current_dir(&dir)
            .env_remove("REGLAMENT_DATABASE__URL")
            .env_remove("REGLAMENT_SERVER__REGULATION")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let db = dir.join("reglament-data/reglament.db");
    // Stored first, then read: wait until both are past `pending`.
    until("the two messages, read", 30, || {
        let rows = inbound(&db);
        rows.len() >= 2 && rows.iter().all(|(_, state)| state != "pending")
    });
    let rows = inbound(&db);
    assert!(rows.iter().all(|(s, _)| s == "imap:support"), "{rows:?}");
    // The demo customer wrote them: each opened a ticket.
    assert!(rows.iter().all(|(_, state)| state == "ticket"), "{rows:?}");
    // Marked seen on the server once stored: Dovecot moves them to cur/ with the S flag.
    until("the \\Seen flags", 15, || {
        std::fs::read_dir(maildir.join("cur"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with('S'))
                    .count()
                    >= 2
            })
            .unwrap_or(false)
    });
    // A message that arrives while the poller waits in IDLE is taken; the same Message-ID
    // again is stored once.
    deliver(&maildir, "3.eml", "imap-3@romashka.ru", "Третье письмо");
    deliver(&maildir, "4.eml", "imap-1@romashka.ru", "Первое письмо");
    until("the third message", 40, || inbound(&db).len() >= 3);
    std::thread::sleep(Duration::from_secs(2));
    let rows = inbound(&db);
    assert_eq!(rows.len(), 3, "{rows:?}");
}
