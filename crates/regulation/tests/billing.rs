//! The second edition of billing: where a minimum and a rounding apply (per entry, ticket or
//! month), work written off by the contract's price, rates by the ticket's level and priority,
//! time windows with their own rates that cross midnight or stand outside a schedule alone,
//! work split at their boundaries, and phone calls priced by tiers on their real duration
//! rounded up to a quantum. Dates cross the 4 November holiday, the shortened 3 November and
//! the working Saturday of 1 November 2025.

use std::sync::LazyLock;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use reglament_regulation::{
    BillingError, Granularity, Money, Regulation, Terms, TimeEntry, billing, render,
};

const FILE: &str = r#"
[regulation]
name = "Второе издание"
timezone = "Europe/Moscow"

[schedules.office]
title = "Рабочее время"
hours = { "mon-fri" = "09:00-18:00" }

[[priorities]]
id = "critical"
title = "Критический"

[[priorities]]
id = "normal"
title = "Обычный"
default = true

[[levels]]
id = "fast"
title = "Ускоренный"
tariffs = ["Быстрый"]

[[levels]]
id = "standard"
title = "Стандартный"

[billing.activities.work]
title = "Работы"
rate = 2500
minimum = "1 hour"
rounding = "30 minutes"
per = "ticket"
rate_by_level = { fast = 3000 }

[billing.activities.consult]
title = "Консультация"
rate = 2000
minimum = "30 minutes"

[billing.activities.care]
title = "Сопровождение"
rate = 1000
rounding = "1 hour"
per = "month"

[billing.activities.fact]
title = "Работы по факту"
rate = "contract"
unit = "человеко-час"

[billing.activities.phone]
title = "Звонок"
tiers = [ { up_to = "5 minutes", price = 200 }, { up_to = "15 minutes", price = 500 } ]
rate = 2400
rounding = "1 minute"

[billing.activities.timed]
title = "Работы по времени суток"
rate = 2500

[[billing.multipliers]]
title = "Ночь"
hours = "22:00-07:00"
rate = 4500
activities = ["timed"]

[[billing.multipliers]]
title = "Нерабочее время"
outside = "office"
rate = 3500
activities = ["timed"]

[[billing.multipliers]]
title = "Критические обращения"
factor = 2
priorities = ["critical"]
activities = ["consult"]
"#;

static REG: LazyLock<Regulation> =
    LazyLock::new(|| Regulation::parse(FILE).unwrap_or_else(|e| panic!("{e}")));

fn msk(s: &str) -> Timestamp {
    let dt: DateTime = s.parse().unwrap_or_else(|e| panic!("bad time {s}: {e}"));
    dt.to_zoned(TimeZone::get("Europe/Moscow").expect("tz"))
        .expect("local time")
        .timestamp()
}

/// An entry of `secs` seconds on ticket `ticket`.
fn entry(at: &str, secs: i64, activity: &str, ticket: &str) -> TimeEntry {
    TimeEntry {
        ticket: Some(ticket.into()),
        ..TimeEntry::new(msk(at), SignedDuration::from_secs(secs), activity)
    }
}

fn mins(at: &str, m: i64, activity: &str, ticket: &str) -> TimeEntry {
    entry(at, m * 60, activity, ticket)
}

fn month_of(e: &TimeEntry) -> Date {
    e.at.to_zoned(REG.timezone.clone()).date().first_of_month()
}

fn total(entries: &[TimeEntry], terms: &Terms<'_>) -> Money {
    billing::bill_for(&REG, month_of(&entries[0]), terms, entries)
        .unwrap_or_else(|e| panic!("{e}"))
        .total
}

/// A time of 23 November 2026, minutes, and a ticket.
type Logged = (&'static str, i64, &'static str);

#[test]
fn a_minimum_and_a_rounding_per_ticket_apply_to_the_ticket_s_sum_not_to_each_entry() {
    let cases: &[(&str, &[Logged], i64)] = &[
        (
            "20 + 20 minutes is one hour",
            &[("10:00", 20, "T-1"), ("14:00", 20, "T-1")],
            2500,
        ),
        (
            "20 + 70 + 61 minutes is three hours",
            &[
                ("10:00", 20, "T-1"),
                ("11:00", 70, "T-1"),
                ("15:00", 61, "T-1"),
            ],
            7500,
        ),
        (
            "two tickets of 20 minutes are an hour each",
            &[("10:00", 20, "T-1"), ("11:00", 20, "T-2")],
            5000,
        ),
        ("61 minutes round up to 90", &[("10:00", 61, "T-1")], 3750),
    ];
    let mut failures = Vec::new();
    for (what, logged, rubles) in cases {
        let entries: Vec<TimeEntry> = logged
            .iter()
            .map(|(t, m, ticket)| mins(&format!("2026-11-23T{t}"), *m, "work", ticket))
            .collect();
        let got = total(&entries, &Terms::default());
        if got != Money::from_rubles(*rubles) {
            failures.push(format!("{what}: expected {rubles} ₽, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_top_up_of_a_ticket_goes_on_its_last_entry_and_the_line_says_per_ticket() {
    let entries = [
        mins("2026-11-23T10:00", 20, "work", "T-1"),
        mins("2026-11-24T10:00", 20, "work", "T-1"),
    ];
    let s = billing::bill(
        &REG,
        entries[0].at.to_zoned(REG.timezone.clone()).date(),
        None,
        &entries,
    )
    .expect("bills");
    let billed: Vec<i64> = s.lines.iter().map(|l| l.billed.as_mins()).collect();
    assert_eq!(billed, [20, 40]);
    assert_eq!(
        s.lines[1].note,
        "минимум 60 мин на обращение (всего 40 мин); 2 500 ₽/ч"
    );
    assert_eq!(s.total, Money::from_rubles(2500));
}

#[test]
fn a_minimum_per_entry_still_applies_to_each_entry() {
    let entries = [
        mins("2026-11-23T10:00", 20, "consult", "T-1"),
        mins("2026-11-23T14:00", 20, "consult", "T-1"),
    ];
    assert_eq!(total(&entries, &Terms::default()), Money::from_rubles(2000));
}

#[test]
fn a_rounding_per_month_rounds_the_month_s_sum_across_tickets() {
    let entries = [
        mins("2026-11-02T10:00", 10, "care", "T-1"),
        mins("2026-11-13T10:00", 10, "care", "T-2"),
        mins("2026-11-30T10:00", 10, "care", "T-3"),
    ];
    let s = billing::bill(&REG, Date::constant(2026, 11, 1), None, &entries).expect("bills");
    assert_eq!(s.billed_time, SignedDuration::from_hours(1));
    assert_eq!(s.total, Money::from_rubles(1000));
    assert!(s.lines[2].note.contains("за месяц"), "{}", s.lines[2].note);
}

#[test]
fn work_written_off_by_fact_is_priced_by_the_contract_and_refused_without_one() {
    let e = [mins("2026-11-23T10:00", 90, "fact", "T-1")];
    let terms = Terms {
        plan: None,
        contract_rate: Some(Money::from_rubles(1800)),
    };
    let s = billing::bill_for(&REG, Date::constant(2026, 11, 1), &terms, &e).expect("bills");
    assert_eq!(s.total, Money::from_rubles(2700));
    assert_eq!(s.lines[0].note, "1 800 ₽/ч по договору");
    assert_eq!(
        billing::bill(&REG, Date::constant(2026, 11, 1), None, &e),
        Err(BillingError::NoContractRate("fact".into()))
    );
}

#[test]
fn a_ticket_of_a_faster_level_pays_its_level_s_rate() {
    let mut e = mins("2026-11-23T10:00", 60, "work", "T-1");
    assert_eq!(
        total(std::slice::from_ref(&e), &Terms::default()),
        Money::from_rubles(2500)
    );
    e.level = Some("fast".into());
    let s = billing::bill(&REG, Date::constant(2026, 11, 1), None, &[e]).expect("bills");
    assert_eq!(s.total, Money::from_rubles(3000));
    assert_eq!(s.lines[0].note, "3 000 ₽/ч (уровень «Ускоренный»)");
}

#[test]
fn a_factor_window_for_critical_tickets_doubles_only_those() {
    let mut e = mins("2026-11-23T10:00", 60, "consult", "T-1");
    assert_eq!(
        total(std::slice::from_ref(&e), &Terms::default()),
        Money::from_rubles(2000)
    );
    e.priority = Some("critical".into());
    assert_eq!(total(&[e], &Terms::default()), Money::from_rubles(4000));
}

#[test]
fn time_windows_price_each_part_of_the_work_at_its_own_rate() {
    // Working time 2 500 ₽/h, outside the office 3 500 ₽/h, at night 4 500 ₽/h.
    let cases = [
        (
            "a weekday morning in the office",
            "2026-11-23T10:00",
            60,
            2500,
        ),
        (
            "the office's close at 18:00 splits the hour",
            "2026-11-23T17:30",
            60,
            1250 + 1750,
        ),
        (
            "the night begins at 22:00",
            "2026-11-23T21:30",
            60,
            1750 + 2250,
        ),
        ("the night crosses midnight", "2026-11-23T23:30", 60, 4500),
        (
            "night until 07:00, then out of hours until 09:00, then the office",
            "2026-11-24T06:30",
            180,
            2250 + 7000 + 1250,
        ),
        (
            "4 November is a holiday: out of hours all day",
            "2026-11-04T10:00",
            60,
            3500,
        ),
        (
            "3 November is shortened: the office closes at 17:00",
            "2026-11-03T16:30",
            60,
            1250 + 1750,
        ),
        (
            "1 November 2025 is a working Saturday, shortened to 17:00",
            "2025-11-01T16:00",
            120,
            2500 + 3500,
        ),
        ("a Saturday is out of hours", "2026-11-28T12:00", 30, 1750),
    ];
    let mut failures = Vec::new();
    for (what, at, m, rubles) in cases {
        let e = [mins(at, m, "timed", "T-1")];
        let got = total(&e, &Terms::default());
        if got != Money::from_rubles(rubles) {
            failures.push(format!("{what}: expected {rubles} ₽, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_split_line_names_each_part_with_its_window_and_rate() {
    let e = [mins("2026-11-23T21:30", 60, "timed", "T-1")];
    let s = billing::bill(&REG, Date::constant(2026, 11, 1), None, &e).expect("bills");
    assert_eq!(
        s.lines[0].note,
        "21:30–22:00 — 3 500 ₽/ч (Нерабочее время), 22:00–22:30 — 4 500 ₽/ч (Ночь)"
    );
    let windows: Vec<Option<&str>> = s.lines[0]
        .parts
        .iter()
        .map(|p| p.window.as_deref())
        .collect();
    assert_eq!(windows, [Some("Нерабочее время"), Some("Ночь")]);
}

#[test]
fn phone_calls_are_priced_by_tiers_on_their_real_duration_rounded_up_to_the_quantum() {
    let cases = [
        ("4:59 rounds to 5 minutes, the first tier", 4 * 60 + 59, 200),
        ("5:01 rounds to 6 minutes, the second tier", 5 * 60 + 1, 500),
        ("15:00 is still the second tier", 15 * 60, 500),
        (
            "15:20 rounds to 16 minutes, past the tiers: 16 minutes at 2 400 ₽/h",
            15 * 60 + 20,
            640,
        ),
    ];
    let mut failures = Vec::new();
    for (what, secs, rubles) in cases {
        let e = [entry("2026-11-23T10:00", secs, "phone", "T-1")];
        let got = total(&e, &Terms::default());
        if got != Money::from_rubles(rubles) {
            failures.push(format!("{what}: expected {rubles} ₽, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_document_publishes_the_granularity_the_contract_unit_the_class_rates_and_the_windows() {
    let doc = render::markdown(&REG);
    for phrase in [
        "Работы: 2 500 ₽ в час; для обращений уровня «Ускоренный» — 3 000 ₽ в час; учитывается не менее 1 часа на обращение; с округлением вверх до 30 минут на обращение",
        "Сопровождение: 1 000 ₽ в час; с округлением вверх до 1 часа за месяц",
        "Работы по факту: по ставке договора за человеко-час",
        "Ночь: Работы по времени суток — 4 500 ₽ в час за работу с 22:00 до 07:00",
        "Нерабочее время: Работы по времени суток — 3 500 ₽ в час за работу вне графика «Рабочее время»",
        "Критические обращения: Консультация — 4 000 ₽ в час за работу по обращениям с приоритетом «Критический»",
        "Работа, пересекающая границу периода, оплачивается по частям",
    ] {
        assert!(doc.contains(phrase), "{phrase:?} missing from:\n{doc}");
    }
}

#[test]
fn badly_written_second_edition_billing_is_refused_at_its_line() {
    let cases = [
        (
            "[billing.activities.a]\ntitle = \"A\"\nrate = 1\nper = \"answer\"\n",
            "`per = \"answer\"` is not known",
        ),
        (
            "[billing.activities.a]\ntitle = \"A\"\nrate = 1\nrate_by_level = { gold = 2 }\n",
            "names unknown level `gold`",
        ),
        (
            "[billing.activities.a]\ntitle = \"A\"\nper = \"ticket\"\ntiers = [ { up_to = \"5 minutes\", price = 1 } ]\n",
            "tiers price each call on its own",
        ),
        (
            "[billing.activities.a]\ntitle = \"A\"\nrate = 1\n[[billing.multipliers]]\ntitle = \"W\"\nfactor = 2\n",
            "applies to nothing in particular",
        ),
        (
            "[billing.activities.a]\ntitle = \"A\"\nrate = 1\n[[billing.multipliers]]\ntitle = \"W\"\nhours = \"22:00-07:00\"\nfactor = 2\nrate = 5\n",
            "has both `factor` and `rate`",
        ),
        (
            "[billing.activities.a]\ntitle = \"A\"\nrate = 1\n[[billing.multipliers]]\ntitle = \"W\"\nhours = \"22:00\"\nrate = 5\n",
            "hours `22:00` are not valid",
        ),
        (
            "[billing.activities.a]\ntitle = \"A\"\nrate = 1\n[[billing.multipliers]]\ntitle = \"W\"\nhours = \"22:00-07:00\"\n",
            "has neither `factor` nor `rate`",
        ),
    ];
    for (snippet, expected) in cases {
        let text = format!("[regulation]\nname = \"R\"\n{snippet}");
        let err = Regulation::parse(&text).expect_err(snippet);
        let d = &err.diagnostics[0];
        assert!(d.message.contains(expected), "{snippet}: {}", d.message);
        assert!(d.line > 2, "{snippet}: reported at line {}", d.line);
    }
}

#[test]
fn the_granularity_defaults_to_each_entry() {
    let b = REG.billing.as_ref().expect("billing");
    assert_eq!(b.activities["consult"].per, Granularity::Entry);
    assert_eq!(b.activities["work"].per, Granularity::Ticket);
}

proptest! {
    /// However work falls across the windows, its parts are contiguous, cover it exactly, and
    /// their amounts add up to the line's, between the lowest and the highest rate.
    #[test]
    fn split_work_is_covered_exactly_once_and_priced_between_the_rates(
        start in 0i64..(30 * 24 * 60 * 60),
        secs in 0i64..(12 * 60 * 60),
    ) {
        let at = msk("2026-11-01T00:00").checked_add(SignedDuration::from_secs(start)).expect("in range");
        let e = TimeEntry::new(at, SignedDuration::from_secs(secs), "timed");
        let s = billing::bill(&REG, Date::constant(2026, 11, 1), None, &[e]).expect("bills");
        let line = &s.lines[0];
        prop_assert_eq!(line.parts.first().map(|p| p.from), Some(at));
        prop_assert_eq!(line.parts.last().map(|p| p.to), Some(at + SignedDuration::from_secs(secs)));
        for w in line.parts.windows(2) {
            prop_assert_eq!(w[0].to, w[1].from);
            prop_assert!(w[0].window != w[1].window);
        }
        let billed: SignedDuration = line.parts.iter().map(|p| p.billed).sum();
        prop_assert_eq!(billed, line.billed);
        let amount = line.parts.iter().fold(Money::ZERO, |a, p| a + p.amount);
        prop_assert_eq!(amount, line.amount);
        let d = SignedDuration::from_secs(secs);
        let slack = line.parts.len() as i64;
        prop_assert!(line.amount.kopecks() + slack >= Money::from_rubles(2500).per_hour(d).kopecks());
        prop_assert!(line.amount.kopecks() <= Money::from_rubles(4500).per_hour(d).kopecks() + slack);
    }
}
