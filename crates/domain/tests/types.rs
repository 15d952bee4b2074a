//! Newtypes: ticket number formats (including finding numbers in subjects), email addresses,
//! roles, ratings and reproducibility.

use proptest::prelude::*;
use reglament_domain::*;

#[test]
fn ticket_number_formats_render_numbers() {
    let cases = [
        ("{year}-{seq:5}", 2026, 42, "2026-00042"),
        ("SUP-{seq}", 2026, 7, "SUP-7"),
        ("[#{seq:4}]", 2027, 12345, "[#12345]"),
        ("Т-{year}/{seq:3}", 2026, 5, "Т-2026/005"),
    ];
    for (fmt, year, seq, want) in cases {
        let f: TicketNumberFormat = fmt.parse().unwrap();
        assert_eq!(f.format(year, seq).as_str(), want, "{fmt}");
    }
}

#[test]
fn bad_ticket_number_formats_are_rejected_naming_the_problem() {
    let cases = [
        ("{year}", "has no `{seq}`"),
        ("SUP-{seq", "`{` is not closed"),
        ("{id}", "unknown placeholder `{id}`"),
        ("{seq:99}", "unknown placeholder `{seq:99}`"),
    ];
    for (fmt, says) in cases {
        let e = fmt.parse::<TicketNumberFormat>().unwrap_err().to_string();
        assert!(e.contains(says), "{fmt}: {e}");
    }
}

#[test]
fn ticket_numbers_are_found_in_subjects_but_not_inside_longer_numbers() {
    let f = TicketNumberFormat::default();
    let cases = [
        ("Re: [2026-00042] Не работает корзина", Some("2026-00042")),
        ("Fwd: RE: заявка 2026-00042", Some("2026-00042")),
        ("2026-00042", Some("2026-00042")),
        ("Счёт 12026-00042", None),
        ("Заказ 2026-000421", Some("2026-000421")),
        ("Заказ 2026-0042", None),
        ("Нет номера", None),
    ];
    for (subject, want) in cases {
        assert_eq!(
            f.find_in(subject).as_ref().map(TicketNumber::as_str),
            want,
            "{subject}"
        );
    }
}

proptest! {
    #[test]
    fn every_formatted_number_is_found_again_in_a_subject(year in 2019i16..2100, seq in 1u64..10_000_000, prefix in "[а-яa-z :]{0,20}") {
        let f = TicketNumberFormat::default();
        let n = f.format(year, seq);
        let subject = format!("{prefix} [{n}] тема");
        prop_assert_eq!(f.find_in(&subject), Some(n.clone()));
        prop_assert_eq!(f.parse_number(n.as_str()), Some(n));
    }
}

#[test]
fn email_addresses_are_validated_and_domains_lowercased() {
    for (input, want) in [
        ("ivanov@Example.RU", "ivanov@example.ru"),
        ("  a.b+c@почта.рф ", "a.b+c@почта.рф"),
    ] {
        assert_eq!(input.parse::<EmailAddress>().unwrap().as_str(), want);
    }
    for bad in [
        "",
        "ivanov",
        "@example.ru",
        "a@b",
        "a@.ru",
        "a b@c.ru",
        "a@b.ru.",
        "<a@b.ru>",
    ] {
        let e = bad.parse::<EmailAddress>().unwrap_err().to_string();
        assert!(e.contains(&format!("`{}`", bad.trim())), "{bad}: {e}");
    }
}

#[test]
fn roles_ratings_and_reproducibility_parse_their_ids() {
    assert_eq!("admin".parse::<Role>().unwrap(), Role::Admin);
    assert!(
        "root"
            .parse::<Role>()
            .unwrap_err()
            .to_string()
            .contains("`root`")
    );
    assert!(Rating::new(1).is_ok() && Rating::new(5).is_ok());
    assert!(Rating::new(6).unwrap_err().to_string().contains("`6`"));
    for r in Reproducibility::ALL {
        assert_eq!(r.as_str().parse::<Reproducibility>().unwrap(), r);
        assert_eq!(r.title_ru().parse::<Reproducibility>().unwrap(), r);
    }
}
