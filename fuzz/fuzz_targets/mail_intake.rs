//! The pure half of mail intake on arbitrary bytes: storing reads the `Message-ID` from the
//! headers alone, then reading parses the whole message — charsets, MIME, files, the spam and
//! automatic-mail guards, delivery reports — and trims the quoted history of its text. None of
//! it may panic, and a parsed message must always name its sender.
#![no_main]

use libfuzzer_sys::fuzz_target;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|raw: &[u8]| {
    // libfuzzer-sys's panic hook aborts even on a panic that is caught on purpose —
    // `reglament_mail::parse` catches mail-parser's own and refuses the message. A panic that
    // escapes is still a crash: libfuzzer-sys aborts when the target unwinds.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = reglament_mail::message_id(raw);
    if let Ok(m) = reglament_mail::parse(raw) {
        assert!(m.from.is_some(), "a parsed message names its sender");
        let _ = reglament_mail::trim_quoted(&m.text);
    }
});
