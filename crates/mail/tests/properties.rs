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
    fn trimming_quotes_never_empties_a_reply_that_has_text(body in "\\PC{1,200}") {
        let t = reglament_mail::trim_quoted(&body);
        prop_assert!(body.trim().is_empty() || !t.is_empty());
    }
}
