//! The outbox goes out over real SMTP: `serve --demo` with `[mail.smtp]` pointed at an
//! aiosmtpd sink (PyPI `aiosmtpd`, which `.ci/run` installs) on 127.0.0.1 delivers the demo
//! tickets' acknowledgments; each is read back and checked.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{Killed, smtp_sink};

#[test]
fn the_demo_acknowledgments_are_delivered_over_smtp_with_the_number_and_auto_submitted() {
    let dir = std::env::temp_dir().join(format!("reglament-smtp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let maildir = dir.join("maildir");
    let (sink, port) = smtp_sink(&maildir);
    let server = Killed(
        Command::new(env!("CARGO_BIN_EXE_reglament"))
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .current_dir(&dir)
            .env_remove("REGLAMENT_DATABASE__URL")
            .env_remove("REGLAMENT_SERVER__REGULATION")
            .env("REGLAMENT_MAIL__FROM", "support@demo.test")
            .env("REGLAMENT_MAIL__FROM_NAME", "Поддержка")
            .env("REGLAMENT_MAIL__SMTP__HOST", "127.0.0.1")
            .env("REGLAMENT_MAIL__SMTP__PORT", port.to_string())
            .env("REGLAMENT_MAIL__SMTP__SECURITY", "none")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // At most twenty seconds for the acknowledgments to arrive.
    let mut messages = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        messages = std::fs::read_dir(maildir.join("new"))
            .map(|d| {
                d.filter_map(|e| std::fs::read(e.ok()?.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        if messages.len() >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(server);
    drop(sink);
    let read: Vec<reglament_mail::Inbound> = messages
        .iter()
        .map(|m| reglament_mail::parse(m).expect("a message that reads back"))
        .collect();
    let acks: Vec<&reglament_mail::Inbound> = read
        .iter()
        .filter(|m| m.to.iter().any(|t| t.email == "client@romashka.ru"))
        .collect();
    assert!(
        !acks.is_empty(),
        "no acknowledgment among {} messages",
        read.len()
    );
    for m in &acks {
        assert!(m.subject.starts_with("[Заявка #2026-"), "{}", m.subject);
        assert_eq!(m.from.as_ref().unwrap().email, "support@demo.test");
        assert_eq!(m.automatic, Some(reglament_mail::Automatic::AutoSubmitted));
        assert!(
            m.message_id
                .as_deref()
                .is_some_and(|i| i.starts_with("outbox-"))
        );
    }
    let ack = acks
        .iter()
        .find(|m| m.text.contains("зарегистрировано"))
        .expect("an acknowledgment of registration");
    // Russian first, English below, with the deadlines in the regulation's time zone.
    let ru = ack.text.find("зарегистрировано").unwrap();
    let en = ack.text.find("is registered as").expect(&ack.text);
    assert!(ru < en, "{}", ack.text);
    assert!(ack.text.contains("MSK"), "{}", ack.text);
    // The demo regulation has no priorities: no empty «Приоритет» line.
    assert!(!ack.text.contains("Приоритет: ."), "{}", ack.text);
}
