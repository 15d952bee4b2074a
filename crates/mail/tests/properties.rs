//! Whatever bytes arrive, reading them answers — a message or a reason — and never panics.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_read_or_are_refused_without_a_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = reglament_mail::parse(&raw);
    }

    #[test]
    fn a_message_with_mangled_headers_still_answers(
        header in "[A-Za-z-]{1,12}",
        value in "\\PC{0,80}",
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut raw = format!("From: a@b.ru\r\n{header}: {value}\r\n\r\n").into_bytes();
        raw.extend(body);
        let m = reglament_mail::parse(&raw);
        prop_assert!(m.is_ok(), "{m:?}");
    }

    #[test]
    fn a_winmail_dat_of_any_bytes_reads_and_loses_nothing(
        tail in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        use base64::Engine;
        // The TNEF signature, then anything: a damaged winmail.dat.
        let mut tnef = vec![0x78, 0x9f, 0x3e, 0x22, 0x01, 0x00];
        tnef.extend(tail);
        let raw = format!(
            "From: a@b.ru\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n\
             --B\r\nContent-Type: text/plain\r\n\r\nText\r\n\
             --B\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--B--\r\n",
            base64::engine::general_purpose::STANDARD.encode(&tnef)
        );
        let m = reglament_mail::parse(raw.as_bytes());
        prop_assert!(m.is_ok(), "{m:?}");
        let m = m.unwrap();
        prop_assert_eq!(m.text.as_str(), "Text");
        // Either the files it held, or the package itself when it gave nothing.
        prop_assert!(
            !m.attachments.is_empty(),
            "{:?}",
            m.attachments
        );
    }

    #[test]
    fn trimming_quotes_never_empties_a_reply_that_has_text(body in "\\PC{1,200}") {
        let t = reglament_mail::trim_quoted(&body);
        prop_assert!(body.trim().is_empty() || !t.is_empty());
    }
}
