//! Beyond the years the calendar knows, the Russian calendar falls back on the fixed Art. 112
//! holidays and marks results provisional; outside the compiled years, nothing is guessed.

use std::sync::{Arc, OnceLock};

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use reglament_calendar::{
    DayOverride, DayReason, Error, ProductionCalendar, Schedule, Term, WeeklyPattern, WorkingTime,
};

fn moscow() -> TimeZone {
    TimeZone::get("Europe/Moscow").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn term(s: &str) -> Term {
    s.parse().unwrap()
}

fn office() -> Schedule {
    Schedule::new(
        moscow(),
        WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
    )
}

fn ru() -> &'static WorkingTime {
    static WT: OnceLock<WorkingTime> = OnceLock::new();
    WT.get_or_init(|| {
        office()
            .with_calendar(ProductionCalendar::russia())
            .compile_years(2018, 2030)
            .unwrap()
    })
}

#[test]
fn the_first_eight_days_of_2028_are_provisional_holidays() {
    let s = ru().schedule();
    for d in date(2028, 1, 1).series(1.day()).take(8) {
        let plan = s.day(d);
        assert!(plan.hours.is_empty(), "{plan}");
        assert!(plan.provisional, "{plan}");
        assert!(
            matches!(
                plan.reason,
                DayReason::Calendar(DayOverride::Holiday { .. })
            ),
            "{plan}"
        );
        assert!(plan.to_string().ends_with(" (provisional)"), "{plan}");
    }
    // Sun 9 Jan is a weekend; Mon 10 Jan follows the weekly pattern.
    let plan = s.day(date(2028, 1, 10));
    assert_eq!(plan.hours.to_string(), "09:00-18:00");
    assert_eq!(plan.reason, DayReason::Pattern);
    assert!(plan.provisional);
}

#[test]
fn provisional_2028_follows_the_statutory_rules_that_need_no_decree() {
    let s = ru().schedule();
    // Mon 12 June 2028.
    let plan = s.day(date(2028, 6, 12));
    assert!(plan.hours.is_empty(), "{plan}");
    assert!(plan.to_string().contains("День России"), "{plan}");
    // Art. 95 shortens only the working day immediately before a holiday: Sun 11 June is
    // that day, so Fri 9 June keeps its hours; Mon 8 May (before Tue 9 May) is shortened.
    assert_eq!(s.day(date(2028, 6, 9)).hours.to_string(), "09:00-18:00");
    assert_eq!(s.day(date(2028, 5, 8)).hours.to_string(), "09:00-17:00");
    assert!(s.day(date(2028, 5, 8)).provisional);
    // Art. 112 part 2: Sat 4 Nov 2028 moves the day off to Mon 6 Nov.
    assert!(s.day(date(2028, 11, 4)).hours.is_empty());
    let moved = s.day(date(2028, 11, 6));
    assert!(moved.hours.is_empty(), "{moved}");
    assert!(
        moved
            .to_string()
            .contains("transferred day off (from 2028-11-04)"),
        "{moved}"
    );
    // The 1–8 January holidays are moved only by decree: Sat 1 Jan 2028 moves nothing, and
    // Mon 10 Jan works.
    assert_eq!(s.day(date(2028, 1, 10)).hours.to_string(), "09:00-18:00");
}

#[test]
fn the_brief_example_one_year_later_is_provisional_but_still_statutory() {
    // 8 May 2028 ends at 17:00 (Art. 95) and 9 May is a holiday: 30 minutes on Monday, 30 on
    // Wednesday.
    let wt = ru();
    let d = wt
        .deadline(
            ts("2028-05-08T16:30:00+03:00"),
            &"60 working minutes".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(d.at, ts("2028-05-10T09:30:00+03:00"));
    assert!(d.provisional);
}

#[test]
fn deadlines_that_reach_2028_are_provisional() {
    let wt = ru();
    let cases = [
        // Thu 30 Dec 2027: 1 h; 31 Dec is a day off; 1–9 Jan 2028 off: Mon 10 Jan 10:00.
        (
            "2027-12-30T17:00:00+03:00",
            "2 working hours",
            "2028-01-10T10:00:00+03:00",
        ),
        (
            "2027-12-30T10:00:00+03:00",
            "1 working day",
            "2028-01-10T10:00:00+03:00",
        ),
        (
            "2027-12-30T10:00:00+03:00",
            "3 days",
            "2028-01-02T10:00:00+03:00",
        ),
        // Fri 9 June 2028: 1 h; 10–11 weekend; 12 holiday: Tue 13 June 10:00.
        (
            "2028-06-09T17:00:00+03:00",
            "2 working hours",
            "2028-06-13T10:00:00+03:00",
        ),
    ];
    for (start, t, expected) in cases {
        let (d, e) = wt.explain_deadline(ts(start), &term(t)).unwrap();
        assert_eq!(d.at, ts(expected), "{start} + {t}");
        assert!(d.provisional, "{start} + {t}");
        assert!(e.provisional, "{start} + {t}");
        assert!(e.to_string().contains("provisional:"), "{e}");
    }
}

#[test]
fn deadlines_that_start_before_2019_are_provisional() {
    let wt = ru();
    // Fri 28 Dec 2018: 1 h, then Mon 31 Dec 2018 follows the plain week.
    let d = wt
        .deadline(ts("2018-12-28T17:00:00+03:00"), &term("2 working hours"))
        .unwrap();
    assert_eq!(d.at, ts("2018-12-31T10:00:00+03:00"));
    assert!(d.provisional);
}

#[test]
fn deadlines_inside_2019_to_2027_are_not_provisional() {
    let wt = ru();
    let cases = [
        ("2026-05-08T16:30:00+03:00", "60 working minutes"),
        ("2019-01-01T00:00:00+03:00", "1 working hour"),
        ("2027-12-30T17:00:00+03:00", "1 working hour"),
        (
            "2027-12-24T10:00:00+03:00",
            "24 working hours, at most 5 weekdays",
        ),
    ];
    for (start, t) in cases {
        let (d, e) = wt.explain_deadline(ts(start), &term(t)).unwrap();
        assert!(!d.provisional, "{start} + {t} = {}", d.at);
        assert!(!e.provisional, "{start} + {t}");
        assert!(!e.to_string().contains("provisional"), "{e}");
    }
    assert_eq!(
        wt.deadline(ts("2027-12-30T17:00:00+03:00"), &term("1 working hour"))
            .unwrap()
            .at,
        ts("2027-12-30T18:00:00+03:00")
    );
    assert!(!wt.is_provisional(
        ts("2019-01-01T00:00:00+03:00"),
        ts("2027-12-31T23:59:59+03:00")
    ));
    assert!(wt.is_provisional(
        ts("2018-12-31T23:59:59+03:00"),
        ts("2019-01-02T00:00:00+03:00")
    ));
    assert!(wt.is_provisional(
        ts("2027-12-31T12:00:00+03:00"),
        ts("2028-01-01T00:00:01+03:00")
    ));
}

#[test]
fn a_schedule_without_a_calendar_is_never_provisional() {
    let s = office();
    let wt = s.compile_years(2026, 2035).unwrap();
    let d = wt
        .deadline(ts("2031-06-11T17:00:00+03:00"), &term("2 working hours"))
        .unwrap();
    // No holidays at all: Thu 12 June 2031 10:00.
    assert_eq!(d.at, ts("2031-06-12T10:00:00+03:00"));
    assert!(!d.provisional);
    let e = wt
        .explain(
            ts("2026-01-01T00:00:00+03:00"),
            ts("2035-12-31T00:00:00+03:00"),
        )
        .unwrap();
    assert!(!e.provisional);
    assert!(!s.is_provisional(date(2031, 6, 12)));
    assert!(!s.day(date(2031, 6, 12)).provisional);
}

#[test]
fn a_calendar_knows_only_the_years_it_has_data_for() {
    let mut cal = ProductionCalendar::new("Office");
    cal.insert(
        date(2026, 12, 30),
        DayOverride::NonWorking {
            reason: "корпоратив".into(),
        },
    );
    cal.add_fixed_holiday(1, 1, "Новый год");
    let s = office().with_calendar(Arc::new(cal));
    let wt = s.compile_years(2026, 2027).unwrap();
    let d = wt
        .deadline(ts("2026-12-29T17:00:00+03:00"), &term("2 working hours"))
        .unwrap();
    // 30 Dec off by the calendar: Thu 31 Dec 10:00, still 2026.
    assert_eq!(d.at, ts("2026-12-31T10:00:00+03:00"));
    assert!(!d.provisional);
    // Into 2027: 1 Jan is a fixed holiday of an unknown year.
    let d = wt
        .deadline(ts("2026-12-31T17:00:00+03:00"), &term("2 working hours"))
        .unwrap();
    assert_eq!(d.at, ts("2027-01-04T10:00:00+03:00"));
    assert!(d.provisional);
    // An empty calendar knows no year at all.
    let wt = office()
        .with_calendar(Arc::new(ProductionCalendar::new("Empty")))
        .compile_years(2026, 2026)
        .unwrap();
    let d = wt
        .deadline(ts("2026-11-23T10:00:00+03:00"), &term("1 working hour"))
        .unwrap();
    assert!(d.provisional);
}

fn out_of_range<T: std::fmt::Debug>(r: Result<T, Error>) -> (String, i16, i16) {
    match r {
        Err(Error::OutOfRange { instant, from, to }) => (instant, from, to),
        other => panic!("expected OutOfRange, got {other:?}"),
    }
}

#[test]
fn instants_outside_the_compiled_years_are_out_of_range() {
    let wt = office().compile_years(2026, 2026).unwrap();
    let before = ts("2025-12-31T12:00:00+03:00");
    let after = ts("2027-01-01T00:00:00+03:00");
    let inside = ts("2026-06-01T10:00:00+03:00");

    let (instant, from, to) = out_of_range(wt.add(before, SignedDuration::from_hours(1)));
    assert_eq!(
        (instant.as_str(), from, to),
        ("2025-12-31T09:00:00Z", 2026, 2026)
    );
    out_of_range(wt.add(after, SignedDuration::from_hours(1)));
    out_of_range(wt.between(inside, after));
    out_of_range(wt.between(before, inside));
    out_of_range(wt.is_working(after));
    out_of_range(wt.is_working(before));
    out_of_range(wt.next_opening(before));
    out_of_range(wt.add_working_days(before, 1));
    out_of_range(wt.add_calendar_days(before, 1));
    out_of_range(wt.add_weekdays(before, 1));
    out_of_range(wt.explain(inside, after));
    out_of_range(wt.deadline(before, &term("1 working hour")));

    // The last instant of the range is inside it.
    assert!(!wt.is_working(ts("2026-12-31T23:59:59+03:00")).unwrap());

    let err = wt.add(before, SignedDuration::from_hours(1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "instant `2025-12-31T09:00:00Z` is outside the computed years 2026–2026"
    );
}

#[test]
fn results_beyond_the_compiled_years_are_out_of_range() {
    let wt = office().compile_years(2026, 2026).unwrap();
    // Thu 31 Dec 2026 17:00 (no calendar): 1 h fits, 2 h do not.
    let start = ts("2026-12-31T17:00:00+03:00");
    assert_eq!(
        wt.add(start, SignedDuration::from_hours(1)).unwrap(),
        ts("2026-12-31T18:00:00+03:00")
    );
    out_of_range(wt.add(start, SignedDuration::from_hours(2)));
    out_of_range(wt.add_working_days(start, 1));
    out_of_range(wt.next_opening(ts("2026-12-31T19:00:00+03:00")));
    for t in [
        "1 working day",
        "2 working hours",
        "1 day",
        "24 hours",
        "1 weekday",
    ] {
        out_of_range(wt.deadline(start, &term(t)));
    }
}

#[test]
fn a_deadline_inside_the_compiled_years_is_found_even_if_the_other_part_is_outside() {
    let wt = office().compile_years(2026, 2026).unwrap();
    let d = wt
        .deadline(
            ts("2026-12-31T17:00:00+03:00"),
            &term("1 working hour, at most 2 days"),
        )
        .unwrap();
    assert_eq!(d.at, ts("2026-12-31T18:00:00+03:00"));
    assert!(!d.bounded);
    let d = wt
        .deadline(
            ts("2026-12-20T10:00:00+03:00"),
            &term("300 working hours, at most 5 days"),
        )
        .unwrap();
    assert_eq!(d.at, ts("2026-12-25T10:00:00+03:00"));
    assert!(d.bounded);
}

#[test]
fn an_out_of_range_error_names_an_instant_outside_the_compiled_years() {
    let wt = office().compile_years(2026, 2026).unwrap();
    let start = ts("2026-12-31T17:00:00+03:00");
    let results = [
        wt.add(start, SignedDuration::from_hours(2)).map(|_| ()),
        wt.add_working_days(start, 1).map(|_| ()),
        wt.next_opening(ts("2026-12-31T19:00:00+03:00")).map(|_| ()),
    ];
    for r in results {
        let (instant, _, _) = out_of_range(r);
        let t: Timestamp = instant.parse().unwrap();
        assert!(
            wt.is_working(t).is_err(),
            "the error names {instant}, which is inside the compiled years"
        );
    }
}

#[test]
fn explaining_backwards_is_invalid() {
    let wt = ru();
    let r = wt.explain(
        ts("2026-11-24T10:00:00+03:00"),
        ts("2026-11-23T10:00:00+03:00"),
    );
    assert!(matches!(r, Err(Error::Invalid(_))), "{r:?}");
    // between is signed instead.
    assert_eq!(
        wt.between(
            ts("2026-11-24T10:00:00+03:00"),
            ts("2026-11-23T10:00:00+03:00")
        )
        .unwrap(),
        SignedDuration::from_hours(-9)
    );
}

#[test]
fn compiling_an_empty_year_range_is_invalid() {
    let r = office().compile_years(2027, 2026);
    assert!(matches!(r, Err(Error::Invalid(_))), "{r:?}");
    let wt = office().compile_years(2026, 2026).unwrap();
    assert_eq!(wt.years(), (2026, 2026));
}

#[test]
fn provisional_dates_are_exactly_those_outside_the_known_years() {
    let ru = ProductionCalendar::russia();
    let check = |d: Date, p: bool| assert_eq!(ru.is_provisional(d), p, "{d}");
    check(date(2018, 12, 31), true);
    check(date(2019, 1, 1), false);
    check(date(2027, 12, 31), false);
    check(date(2028, 1, 1), true);
}
