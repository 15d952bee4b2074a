//! Messages shaped as mail clients send them — Outlook in windows-1251 and with a `winmail.dat`,
//! Thunderbird with a
//! Cyrillic RFC 2231 file name, Apple Mail's inline image, raw 8-bit headers, broken MIME,
//! spam and an auto-reply — and CPython's email test corpus, which must read without a panic.

use reglament_mail::{Automatic, MailError, SpamVerdict, parse, trim_quoted};

fn message(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/messages/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn an_outlook_reply_in_windows_1251_keeps_its_thread_and_loses_its_script() {
    let m = parse(&message("outlook_cp1251.eml")).unwrap();
    let from = m.from.unwrap();
    assert_eq!(from.email, "ivanov@romashka.ru");
    assert_eq!(from.name.as_deref(), Some("Иванов Иван"));
    assert_eq!(m.subject, "RE: [Заявка #2026-00042] Отчёт");
    assert_eq!(m.cc[0].email, "petrova@romashka.ru");
    assert_eq!(
        m.message_id.as_deref(),
        Some("0A1B2C@EXCH01.romashka.local")
    );
    assert_eq!(m.in_reply_to, vec!["r2026-00042.1@desk.example.ru"]);
    assert_eq!(m.references.len(), 2);
    assert!(
        m.text.starts_with("Отчёт по-прежнему не выгружается."),
        "{}",
        m.text
    );
    assert_eq!(trim_quoted(&m.text), "Отчёт по-прежнему не выгружается.");
    let html = m.html.unwrap();
    assert!(html.contains("Отчёт по-прежнему"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    // The remote image stays in the message; the ticket page blocks it until an agent asks
    // (crates/web/tests/pages.rs, `…remote_images_blocked_until_asked_for`).
    assert!(html.contains("tracker.example"), "{html}");
    assert_eq!(m.automatic, None);
    assert_eq!(m.spam, SpamVerdict::Unknown);
}

#[test]
fn a_thunderbird_attachment_keeps_its_cyrillic_rfc_2231_name() {
    let m = parse(&message("thunderbird_rfc2231.eml")).unwrap();
    assert_eq!(m.subject, "Скриншот ошибки");
    assert_eq!(m.text.trim(), "Прикладываю скриншот.");
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!(a.name, "ошибка.png");
    assert_eq!(a.content_type, "image/png");
    assert!(a.data.starts_with(b"\x89PNG"));
}

#[test]
fn an_apple_mail_inline_image_is_kept_as_a_file_and_the_text_as_the_body() {
    let m = parse(&message("apple_related.eml")).unwrap();
    assert_eq!(m.text.trim(), "See the picture");
    assert_eq!(m.attachments.len(), 1, "{:?}", m.attachments);
    assert_eq!(m.attachments[0].name, "screen.png");
}

#[test]
fn an_outlook_winmail_dat_gives_up_the_files_inside_it_and_the_body_stays() {
    let m = parse(&message("outlook_winmail_dat.eml")).unwrap();
    assert_eq!(m.subject, "Отчёт за ноябрь");
    assert!(m.text.starts_with("Добрый день!"), "{}", m.text);
    let files: Vec<(&str, usize)> = m
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.data.len()))
        .collect();
    // The files Outlook packed, not the package.
    assert_eq!(
        files,
        vec![("zappa_av1.jpg", 2937), ("bookmark.htm", 85805)]
    );
    assert_eq!(&m.attachments[0].data[..3], b"\xff\xd8\xff", "a JPEG");
}

#[test]
fn raw_8_bit_windows_1251_headers_and_body_are_read() {
    let m = parse(&message("raw_8bit_cp1251.eml")).unwrap();
    assert_eq!(m.from.as_ref().unwrap().email, "sidorov@romashka.ru");
    assert_eq!(m.text.trim(), "Сайт не открывается.");
    // The headers have no charset of their own: the body's is theirs.
    assert_eq!(m.subject, "Срочно: сайт не работает");
    assert_eq!(m.from.unwrap().name.as_deref(), Some("Сидоров"));
}

#[test]
fn broken_mime_is_read_as_far_as_it_goes() {
    let m = parse(&message("broken_mime.eml")).unwrap();
    assert_eq!(m.from.unwrap().email, "b@romashka.ru");
    assert!(m.subject.starts_with("Проблема"), "{}", m.subject);
    assert!(m.text.contains("body without an end"), "{}", m.text);
}

#[test]
fn spam_and_auto_replies_are_marked() {
    assert_eq!(
        parse(&message("spamassassin_spam.eml")).unwrap().spam,
        SpamVerdict::Spam
    );
    assert_eq!(
        parse(&message("out_of_office.eml")).unwrap().automatic,
        Some(Automatic::AutoSubmitted)
    );
}

#[test]
fn bytes_that_are_not_a_message_are_refused_with_a_reason() {
    assert!(matches!(parse(b""), Err(MailError::Unparseable(_))));
    assert!(matches!(parse(b"\r\n\r\n"), Err(MailError::Unparseable(_))));
    assert_eq!(
        parse(b"Subject: no sender\r\n\r\nbody"),
        Err(MailError::NoSender)
    );
}

/// CPython's email test messages (Debian `libpython3.11-testsuite`): each reads, or is refused
/// with a reason; none panics. The test fails when the corpus is missing, so that CI installs
/// it.
#[test]
fn the_cpython_email_corpus_reads_without_a_panic() {
    let dir = std::path::Path::new("/usr/lib/python3.11/test/test_email/data");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; apt-get install libpython3.11-testsuite (.ci/run does)",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("msg_"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{} messages", files.len());
    let (mut read, mut refused) = (0, 0);
    for f in &files {
        let raw = std::fs::read(f).unwrap();
        match std::panic::catch_unwind(|| parse(&raw)) {
            Ok(Ok(m)) => {
                read += 1;
                assert!(m.from.is_some(), "{}", f.display());
            }
            Ok(Err(e)) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
            Err(_) => panic!("{} panicked", f.display()),
        }
    }
    assert!(read > refused, "read {read}, refused {refused}");
}

#[test]
fn a_postfix_bounce_names_the_message_it_returns_and_why_each_recipient_failed() {
    let m = parse(&message("postfix_bounce.eml")).unwrap();
    assert_eq!(m.automatic, Some(reglament_mail::Automatic::AutoSubmitted));
    let report = m.report.expect("a delivery report");
    assert_eq!(
        report.original_message_id.as_deref(),
        Some("outbox-7@saveit.pro")
    );
    assert_eq!(report.recipients.len(), 1, "{:?}", report.recipients);
    let r = &report.recipients[0];
    assert_eq!(r.address, "ivanov@romashka.ru");
    assert_eq!(r.status, "5.1.1");
    assert!(r.failed());
    assert_eq!(
        r.diagnostic.as_deref(),
        Some(
            "550 5.1.1 <ivanov@romashka.ru>: Recipient address rejected: User unknown in virtual mailbox table"
        )
    );
    // An ordinary message is no report.
    assert_eq!(parse(&message("outlook_cp1251.eml")).unwrap().report, None);
}

#[test]
fn a_mime_tree_the_parser_cannot_follow_is_refused_with_a_reason_not_a_crash() {
    // Found by `cargo fuzz run mail_intake`: mail-parser panics on it.
    let raw = message("fuzz_parser_panic.eml");
    match parse(&raw) {
        Err(MailError::Unparseable(why)) => assert!(why.contains("MIME"), "{why}"),
        other => panic!("{other:?}"),
    }
}
