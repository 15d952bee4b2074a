//! Table-driven deadline cases, 2019–2027, with the Russian production calendar in Moscow, and
//! a second table for other schedules. Every expected deadline was worked out by hand from the
//! calendar (see the comment on each row), not taken from the engine.

use std::sync::{Arc, OnceLock};

use jiff::Timestamp;
use jiff::civil::{Weekday, date};
use jiff::tz::TimeZone;
use reglament_calendar::{
    DayOverride, ProductionCalendar, Schedule, Term, WeeklyPattern, WorkingTime,
};

fn moscow() -> TimeZone {
    TimeZone::get("Europe/Moscow").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn show(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%FT%T%:z").to_string()
}

/// Mon–Fri 09:00–18:00 on the Russian calendar in Moscow.
fn ru() -> &'static WorkingTime {
    static WT: OnceLock<WorkingTime> = OnceLock::new();
    WT.get_or_init(|| {
        Schedule::new(
            moscow(),
            WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
        )
        .with_calendar(ProductionCalendar::russia())
        .compile_years(2018, 2029)
        .unwrap()
    })
}

/// Runs a table, collecting every mismatch.
fn run(wt: &WorkingTime, name: &str, rows: &[(&str, &str, &str)]) {
    let tz = wt.schedule().time_zone().clone();
    let mut failures = Vec::new();
    for (start, term, expected) in rows {
        let t: Term = term.parse().unwrap_or_else(|e| panic!("{term}: {e}"));
        match wt.deadline(ts(start), &t) {
            Ok(d) if d.at == ts(expected) => {}
            Ok(d) => failures.push(format!(
                "{name}: {start} + {term}: got {}, expected {expected}",
                show(d.at, &tz)
            )),
            Err(e) => failures.push(format!("{name}: {start} + {term}: error {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// Start, term, expected deadline: Mon–Fri 09:00–18:00, RU calendar, Europe/Moscow.
#[rustfmt::skip]
const RU_ROWS: &[(&str, &str, &str)] = &[
    // The brief's case: Fri 8 May 2026 is shortened to 17:00 (30 min left), 9–10 May are the
    // weekend, 11 May the day off moved from Sat 9 May; Tue 12 May 09:00 + 30 min.
    ("2026-05-08T16:30:00+03:00", "60 working minutes", "2026-05-12T09:30:00+03:00"),
    // Before opening: counting starts at 09:00.
    ("2026-11-23T07:15:00+03:00", "2 working hours", "2026-11-23T11:00:00+03:00"),
    // At opening, a whole day lands exactly on closing time and stays there.
    ("2026-11-23T09:00:00+03:00", "9 working hours", "2026-11-23T18:00:00+03:00"),
    ("2026-11-23T09:00:00+03:00", "8 working hours", "2026-11-23T17:00:00+03:00"),
    // At closing: nothing left today.
    ("2026-11-23T18:00:00+03:00", "1 working hour", "2026-11-24T10:00:00+03:00"),
    // After closing.
    ("2026-11-23T21:40:00+03:00", "30 working minutes", "2026-11-24T09:30:00+03:00"),
    // Saturday start: Monday 09:00 + 4 h.
    ("2026-11-21T12:00:00+03:00", "4 working hours", "2026-11-23T13:00:00+03:00"),
    // Fri 12 June 2026 is День России: Monday 15 June.
    ("2026-06-12T10:00:00+03:00", "1 working hour", "2026-06-15T10:00:00+03:00"),
    // Landing on closing time on a Friday stays on Friday.
    ("2026-11-20T14:00:00+03:00", "4 working hours", "2026-11-20T18:00:00+03:00"),
    ("2026-11-20T17:59:00+03:00", "1 working minute", "2026-11-20T18:00:00+03:00"),
    ("2026-11-20T17:59:00+03:00", "2 working minutes", "2026-11-23T09:01:00+03:00"),
    // Thu 30 April 2026 is shortened: 13:00 + 4 h is exactly its 17:00 closing.
    ("2026-04-30T13:00:00+03:00", "4 working hours", "2026-04-30T17:00:00+03:00"),
    // One more hour: 1–3 May off, Mon 4 May 10:00.
    ("2026-04-30T13:00:00+03:00", "5 working hours", "2026-05-04T10:00:00+03:00"),
    // Thu 11 June 2026 is shortened to 17:00.
    ("2026-06-11T16:00:00+03:00", "1 working hour", "2026-06-11T17:00:00+03:00"),
    // Fractional hours: 1 h on Friday, 30 min on Monday.
    ("2026-11-20T17:00:00+03:00", "1.5 working hours", "2026-11-23T09:30:00+03:00"),
    // A week with the shortened 3 Nov and the 4 Nov holiday: Mon 9 + Tue 8 + Thu 9 + Fri 9 = 35,
    // then 5 h on Mon 9 Nov.
    ("2026-11-02T09:00:00+03:00", "40 working hours", "2026-11-09T14:00:00+03:00"),
    // 23 Feb 2026 is a Monday holiday.
    ("2026-02-20T17:00:00+03:00", "2 working hours", "2026-02-24T10:00:00+03:00"),
    // Sun 8 March 2026 moves to Mon 9 March.
    ("2026-03-06T17:30:00+03:00", "1 working hour", "2026-03-10T09:30:00+03:00"),
    // New Year holidays.
    // 2019: 1–8 Jan (Tue–Tue) off; Wed 9 Jan.
    ("2019-01-01T10:00:00+03:00", "1 working hour", "2019-01-09T10:00:00+03:00"),
    // Tue 31 Dec 2019 is shortened (1 h left); 1–8 Jan 2020 off; Thu 9 Jan.
    ("2019-12-31T16:00:00+03:00", "2 working hours", "2020-01-09T10:00:00+03:00"),
    // Thu 31 Dec 2020 closes at 17:00; 1–10 Jan 2021 off; Mon 11 Jan.
    ("2020-12-31T17:00:00+03:00", "1 working hour", "2021-01-11T10:00:00+03:00"),
    // Fri 31 Dec 2021 is a day off moved from 3 Jan; 1–9 Jan 2022 off; Mon 10 Jan.
    ("2021-12-30T17:00:00+03:00", "2 working hours", "2022-01-10T10:00:00+03:00"),
    // Fri 30 Dec 2022, a full day: 6 h, then Mon 9 Jan 2023 09:00 + 2 h.
    ("2022-12-30T12:00:00+03:00", "8 working hours", "2023-01-09T11:00:00+03:00"),
    // Fri 29 Dec 2023 at closing: moved to Tue 9 Jan 2024 09:00, plus one working day — that
    // day whole, due at its close.
    ("2023-12-29T18:00:00+03:00", "1 working day", "2024-01-09T18:00:00+03:00"),
    // Sat 28 Dec 2024 is a full working Saturday (1 h left); 30–31 Dec moved days off;
    // 1–8 Jan 2025 off; Thu 9 Jan 09:00 + 2 h.
    ("2024-12-28T17:00:00+03:00", "3 working hours", "2025-01-09T11:00:00+03:00"),
    // Wed 31 Dec 2025 is a day off; 1–8 Jan 2026 holidays; Fri 9 Jan moved day off; Mon 12 Jan.
    ("2025-12-30T15:00:00+03:00", "1 working day", "2026-01-12T15:00:00+03:00"),
    ("2026-01-08T12:00:00+03:00", "1 working minute", "2026-01-12T09:01:00+03:00"),
    // Thu 31 Dec 2026 is a day off moved from 4 Jan; 1–10 Jan 2027 off; Mon 11 Jan.
    ("2026-12-30T17:30:00+03:00", "4 working hours", "2027-01-11T12:30:00+03:00"),
    // Working Saturdays.
    // Sat 20 Feb 2021, shortened: 1 h on Friday, 2 h on Saturday.
    ("2021-02-19T17:00:00+03:00", "3 working hours", "2021-02-20T11:00:00+03:00"),
    // 2 h to its 17:00 closing, then 21 Sun, 22 moved day off, 23 holiday: Wed 24 Feb 10:00.
    ("2021-02-20T15:00:00+03:00", "3 working hours", "2021-02-24T10:00:00+03:00"),
    // Sat 5 March 2022, shortened: exactly its 8 h, ending at 17:00.
    ("2022-03-04T18:00:00+03:00", "8 working hours", "2022-03-05T17:00:00+03:00"),
    // Sat 27 April 2024, full: 1 h Friday + 9 h Saturday ends at 18:00.
    ("2024-04-26T17:00:00+03:00", "10 working hours", "2024-04-27T18:00:00+03:00"),
    // 1 h on Saturday, then 28 Sun, 29–30 moved days off, 1 May holiday: Thu 2 May 10:00.
    ("2024-04-27T17:00:00+03:00", "2 working hours", "2024-05-02T10:00:00+03:00"),
    // Sat 2 Nov 2024, shortened: 17:30 the day before + 1 working day is capped at 17:00.
    ("2024-11-01T17:30:00+03:00", "1 working day", "2024-11-02T17:00:00+03:00"),
    // From that Saturday: 3 Sun, 4 holiday, Tue 5 Nov at the same time.
    ("2024-11-02T12:00:00+03:00", "1 working day", "2024-11-05T12:00:00+03:00"),
    // Sat 1 Nov 2025, shortened.
    ("2025-10-31T17:30:00+03:00", "1 working day", "2025-11-01T17:00:00+03:00"),
    // 1 h to 17:00, then 2 Sun, 3 moved day off, 4 holiday: Wed 5 Nov 10:00.
    ("2025-11-01T16:00:00+03:00", "2 working hours", "2025-11-05T10:00:00+03:00"),
    // Sat 20 Feb 2027, shortened.
    ("2027-02-19T18:00:00+03:00", "1 working hour", "2027-02-20T10:00:00+03:00"),
    ("2027-02-20T16:30:00+03:00", "1 working hour", "2027-02-24T09:30:00+03:00"),
    // Transferred days off: Fri 2 May 2025 (after the shortened Wed 30 Apr and the 1 May holiday).
    ("2025-04-30T16:00:00+03:00", "2 working hours", "2025-05-05T10:00:00+03:00"),
    // N working days.
    // Thu 7 May 2026 17:30 + 1 working day: Fri 8 May closes at 17:00.
    ("2026-05-07T17:30:00+03:00", "1 working day", "2026-05-08T17:00:00+03:00"),
    // Mon 2 Nov 2026 17:45: Tue 3 Nov is shortened.
    ("2026-11-02T17:45:00+03:00", "1 working day", "2026-11-03T17:00:00+03:00"),
    // Tue 3 Nov 12:00: Wed 4 Nov is a holiday, Thu 5 Nov 12:00.
    ("2026-11-03T12:00:00+03:00", "1 working day", "2026-11-05T12:00:00+03:00"),
    ("2026-11-23T10:15:00+03:00", "5 working days", "2026-11-30T10:15:00+03:00"),
    // A Saturday start is first moved to Monday 09:00; counting Monday whole, one working
    // day is due at Monday's close, the same working instant as Tuesday 09:00.
    ("2026-11-21T11:00:00+03:00", "1 working day", "2026-11-23T18:00:00+03:00"),
    ("2026-11-21T11:00:00+03:00", "0 working days", "2026-11-23T09:00:00+03:00"),
    // Filed on Saturday, 3 working days: Monday to Wednesday, due at the close of Wednesday.
    ("2026-11-21T11:00:00+03:00", "3 working days", "2026-11-25T18:00:00+03:00"),
    // Filed at Monday's opening, the same.
    ("2026-11-23T09:00:00+03:00", "3 working days", "2026-11-25T18:00:00+03:00"),
    // Inside the day the convention stands: the same local time, 3 working days later.
    ("2026-11-23T09:01:00+03:00", "3 working days", "2026-11-26T09:01:00+03:00"),
    // Sat 31 Oct 2026: Mon 2 Nov whole, then Tue 3 Nov, shortened before the 4 November holiday.
    ("2026-10-31T10:00:00+03:00", "2 working days", "2026-11-03T17:00:00+03:00"),
    // A holiday start: moved to Mon 12 Jan 2026 09:00, then one working day, Monday whole.
    ("2026-01-01T10:00:00+03:00", "1 working day", "2026-01-12T18:00:00+03:00"),
    // Calendar hours and days ignore the schedule.
    ("2026-05-08T16:30:00+03:00", "3 hours", "2026-05-08T19:30:00+03:00"),
    ("2026-11-20T20:00:00+03:00", "24 hours", "2026-11-21T20:00:00+03:00"),
    ("2026-11-20T20:00:00+03:00", "90 minutes", "2026-11-20T21:30:00+03:00"),
    ("2026-12-30T10:00:00+03:00", "3 days", "2027-01-02T10:00:00+03:00"),
    // Weekdays skip Saturdays and Sundays only: Thu + 5 = next Thu.
    ("2026-11-19T15:00:00+03:00", "5 weekdays", "2026-11-26T15:00:00+03:00"),
    // Holidays are weekdays: Wed 30 Dec + 2 = Fri 1 Jan.
    ("2026-12-30T10:00:00+03:00", "2 weekdays", "2027-01-01T10:00:00+03:00"),
    // A Saturday start counts from Monday 00:00.
    ("2026-11-21T15:00:00+03:00", "1 weekday", "2026-11-24T00:00:00+03:00"),
    // 24 working hours, at most 5 weekdays.
    // From Mon 23 Nov 10:00: 8 + 9 + 7 h ends Wed 16:00, before Mon 30 Nov 10:00.
    ("2026-11-23T10:00:00+03:00", "24 working hours, at most 5 weekdays", "2026-11-25T16:00:00+03:00"),
    // From Tue 29 Dec 2026 10:00: 8 + 9 h, then 7 h on Mon 11 Jan 2027 = 16:00; but 5 weekdays
    // are Wed 30, Thu 31, Fri 1, Mon 4, Tue 5 Jan: the bound wins.
    ("2026-12-29T10:00:00+03:00", "24 working hours, at most 5 weekdays", "2027-01-05T10:00:00+03:00"),
    // From Thu 30 Apr 2026 10:00: 7 + 9 + 8 h ends Tue 5 May 17:00, before Thu 7 May 10:00.
    ("2026-04-30T10:00:00+03:00", "24 working hours, at most 5 weekdays", "2026-05-05T17:00:00+03:00"),
    // Presidential non-working days are off by default.
    // Fri 27 Mar 2020 17:00: 1 h, then 30 Mar–30 Apr, 1–11 May off: Tue 12 May 10:00.
    ("2020-03-27T17:00:00+03:00", "2 working hours", "2020-05-12T10:00:00+03:00"),
    ("2020-04-15T10:00:00+03:00", "1 working hour", "2020-05-12T10:00:00+03:00"),
    // Wed 24 June 2020 (Victory parade).
    ("2020-06-23T17:00:00+03:00", "2 working hours", "2020-06-25T10:00:00+03:00"),
    // 1–3 Nov 2021 Presidential, 4 holiday, 5 moved day off: Mon 8 Nov.
    ("2021-10-29T17:00:00+03:00", "2 working hours", "2021-11-08T10:00:00+03:00"),
    ("2021-10-29T17:00:00+03:00", "1 working hour", "2021-10-29T18:00:00+03:00"),
];

#[test]
fn deadlines_on_the_russian_calendar_in_moscow_match_the_table() {
    assert!(RU_ROWS.len() >= 40);
    run(ru(), "RU Mon–Fri 09–18", RU_ROWS);
}

/// Start, term, expected: calendar hours counted whole on working days and not on days off.
#[rustfmt::skip]
const WORKING_DAY_HOURS: &[(&str, &str, &str)] = &[
    // Friday 15:00 + 24 h: the weekend does not count, so Monday 15:00.
    ("2026-11-20T15:00:00+03:00", "24 hours on working days", "2026-11-23T15:00:00+03:00"),
    // A Saturday start counts from Monday 00:00: the whole Monday, to its 24:00.
    ("2026-11-21T10:00:00+03:00", "24 hours on working days", "2026-11-24T00:00:00+03:00"),
    // Evening hours count too, unlike working hours: Monday 20:00 + 10 h is Tuesday 06:00.
    ("2026-11-23T20:00:00+03:00", "10 hours on working days", "2026-11-24T06:00:00+03:00"),
    // Tue 3 Nov 2026 is shortened and still a working day, whole; Wed 4 Nov is a holiday:
    // Tue 12:00 + 24 h is Thu 5 Nov 12:00.
    ("2026-11-03T12:00:00+03:00", "24 hours on working days", "2026-11-05T12:00:00+03:00"),
    // Sat 1 Nov 2025 is a working Saturday, Mon 3 and Tue 4 Nov 2025 days off: Fri 31 Oct
    // 18:00 + 24 h is 6 h of Friday, all of Saturday, so Sat 1 Nov 18:00.
    ("2025-10-31T18:00:00+03:00", "24 hours on working days", "2025-11-01T18:00:00+03:00"),
    // … and 48 h reach past the two days off: Sat 1 Nov 18:00 + 24 h is Wed 5 Nov 18:00.
    ("2025-10-31T18:00:00+03:00", "48 hours on working days", "2025-11-05T18:00:00+03:00"),
    // The New Year holidays of 2027 (1–8 January) do not count: Thu 31 Dec 2026 is a day off
    // (moved from Sat 3 Jan), so Wed 30 Dec 12:00 + 24 h is Mon 11 Jan 12:00.
    ("2026-12-30T12:00:00+03:00", "24 hours on working days", "2027-01-11T12:00:00+03:00"),
    // A bound in working days still wins when it comes first.
    ("2026-11-20T15:00:00+03:00", "72 hours on working days, at most 1 working day", "2026-11-23T15:00:00+03:00"),
];

#[test]
fn calendar_hours_on_working_days_skip_the_days_off_and_count_working_days_whole() {
    run(ru(), "hours on working days", WORKING_DAY_HOURS);
}

#[test]
fn shortened_friday_before_may_holidays_closes_at_five() {
    let wt = ru();
    let plan = wt.schedule().day(date(2026, 5, 8));
    assert_eq!(plan.hours.to_string(), "09:00-17:00");
    assert!(wt.is_working(ts("2026-05-08T16:59:59+03:00")).unwrap());
    assert!(!wt.is_working(ts("2026-05-08T17:00:00+03:00")).unwrap());
}

#[test]
fn the_bound_is_reported_only_when_it_wins() {
    let wt = ru();
    let term: Term = "24 working hours, at most 5 weekdays".parse().unwrap();
    let d = wt.deadline(ts("2026-12-29T10:00:00+03:00"), &term).unwrap();
    assert!(d.bounded);
    assert!(!d.provisional);
    let d = wt.deadline(ts("2026-11-23T10:00:00+03:00"), &term).unwrap();
    assert!(!d.bounded);
    let (_, e) = wt
        .explain_deadline(ts("2026-12-29T10:00:00+03:00"), &term)
        .unwrap();
    assert!(
        e.notes
            .iter()
            .any(|n| n == "term: 24 working hours, at most 5 weekdays"),
        "{:?}",
        e.notes
    );
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("capped by the bound of 5 weekdays")),
        "{:?}",
        e.notes
    );
}

#[test]
fn the_brief_case_explains_two_counted_stretches_and_three_skipped_days() {
    let wt = ru();
    let (d, e) = wt
        .explain_deadline(
            ts("2026-05-08T16:30:00+03:00"),
            &"60 working minutes".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(d.at, ts("2026-05-12T09:30:00+03:00"));
    assert_eq!(e.working.as_mins(), 60);
    let counted: Vec<String> = e.counted.iter().map(ToString::to_string).collect();
    assert_eq!(counted.len(), 2);
    assert!(
        counted[0].starts_with("2026-05-08 16:30–17:00 (30 min)"),
        "{counted:?}"
    );
    assert!(
        counted[0].contains("shortened pre-holiday day"),
        "{counted:?}"
    );
    assert_eq!(counted[1], "2026-05-12 09:00–09:30 (30 min)");
    let skipped: Vec<String> = e.skipped.iter().map(|s| s.date.to_string()).collect();
    assert_eq!(skipped, ["2026-05-09", "2026-05-10", "2026-05-11"]);
    assert!(
        e.skipped[0].reason.contains("public holiday (День Победы)"),
        "{:?}",
        e.skipped
    );
    assert!(e.skipped[1].reason.ends_with("weekend"), "{:?}", e.skipped);
    assert!(
        e.skipped[2]
            .reason
            .contains("transferred day off (from 2026-05-09)"),
        "{:?}",
        e.skipped
    );
}

#[test]
#[rustfmt::skip]
fn presidential_days_count_as_working_when_the_schedule_says_so() {
    let wt = Schedule::new(
        moscow(),
        WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
    )
    .with_calendar(ProductionCalendar::russia())
    .count_presidential_days(true)
    .compile_years(2019, 2022)
    .unwrap();
    run(
        &wt,
        "RU with Presidential days working",
        &[
            // Wed 29 Apr 2020 17:00: 1 h, then Thu 30 Apr would have been shortened: 10:00.
            ("2020-04-29T17:00:00+03:00", "2 working hours", "2020-04-30T10:00:00+03:00"),
            // It closes at 17:00: 1–5 May off, Wed 6 May 09:00.
            ("2020-04-30T16:00:00+03:00", "2 working hours", "2020-05-06T10:00:00+03:00"),
            ("2020-03-27T17:00:00+03:00", "2 working hours", "2020-03-30T10:00:00+03:00"),
            // Tue 2 Nov 2021 17:30 + 1 working day: Wed 3 Nov (shortened) caps at 17:00.
            ("2021-11-02T17:30:00+03:00", "1 working day", "2021-11-03T17:00:00+03:00"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn pre_holiday_days_keep_full_hours_when_shortening_is_turned_off() {
    let wt = Schedule::new(
        moscow(),
        WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
    )
    .with_calendar(ProductionCalendar::russia())
    .shorten_pre_holiday_days(false)
    .compile_years(2026, 2026)
    .unwrap();
    run(
        &wt,
        "RU without shortening",
        &[
            ("2026-05-08T16:30:00+03:00", "60 working minutes", "2026-05-08T17:30:00+03:00"),
            ("2026-05-08T17:30:00+03:00", "60 working minutes", "2026-05-12T09:30:00+03:00"),
            ("2026-05-07T17:30:00+03:00", "1 working day", "2026-05-08T17:30:00+03:00"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn other_schedules_match_the_table() {
    let ru_cal = ProductionCalendar::russia();
    // 10:00–20:00 Mon–Fri on the RU calendar: a shortened day closes at 19:00.
    let late = Schedule::new(
        moscow(),
        WeeklyPattern::parse("mon-fri", "10:00-20:00").unwrap(),
    )
    .with_calendar(ru_cal.clone())
    .compile_years(2025, 2027)
    .unwrap();
    run(
        &late,
        "10:00-20:00",
        &[
            ("2026-05-08T18:30:00+03:00", "60 working minutes", "2026-05-12T10:30:00+03:00"),
            ("2026-11-23T08:00:00+03:00", "10 working hours", "2026-11-23T20:00:00+03:00"),
            // At closing: the next day whole, due at its close.
            ("2026-11-23T20:00:00+03:00", "1 working day", "2026-11-24T20:00:00+03:00"),
            ("2026-11-23T19:30:00+03:00", "1 working day", "2026-11-24T19:30:00+03:00"),
            ("2026-11-02T19:30:00+03:00", "1 working day", "2026-11-03T19:00:00+03:00"),
            ("2026-11-23T09:00:00+03:00", "30 working minutes", "2026-11-23T10:30:00+03:00"),
        ],
    );

    // A daily 06:00–20:00 line with no calendar: holidays are ordinary days.
    let daily = Schedule::new(
        moscow(),
        WeeklyPattern::parse("daily", "06:00-20:00").unwrap(),
    )
    .compile_years(2025, 2027)
    .unwrap();
    run(
        &daily,
        "daily 06:00-20:00, calendar none",
        &[
            ("2026-01-01T05:00:00+03:00", "14 working hours", "2026-01-01T20:00:00+03:00"),
            ("2026-01-01T19:00:00+03:00", "2 working hours", "2026-01-02T07:00:00+03:00"),
            ("2026-11-21T10:00:00+03:00", "1 working day", "2026-11-22T10:00:00+03:00"),
            // No shortened days without a calendar.
            ("2026-05-08T16:30:00+03:00", "60 working minutes", "2026-05-08T17:30:00+03:00"),
            ("2026-06-12T21:00:00+03:00", "1 working day", "2026-06-13T20:00:00+03:00"),
            ("2026-12-31T19:30:00+03:00", "1 working hour", "2027-01-01T06:30:00+03:00"),
        ],
    );

    // 24/7.
    let always = Schedule::new(moscow(), WeeklyPattern::always())
        .compile_years(2025, 2027)
        .unwrap();
    run(
        &always,
        "24/7",
        &[
            ("2026-12-31T23:30:00+03:00", "1 working hour", "2027-01-01T00:30:00+03:00"),
            ("2026-11-23T10:00:00+03:00", "48 working hours", "2026-11-25T10:00:00+03:00"),
            ("2026-11-23T23:30:00+03:00", "1 working day", "2026-11-24T23:30:00+03:00"),
            ("2026-11-23T00:00:00+03:00", "24 working hours", "2026-11-24T00:00:00+03:00"),
            ("2026-11-21T12:00:00+03:00", "24 working hours, at most 5 weekdays", "2026-11-22T12:00:00+03:00"),
            ("2026-11-21T12:00:00+03:00", "1 working day", "2026-11-22T12:00:00+03:00"),
        ],
    );

    // A split day with lunch, on the RU calendar: a shortened day is 09:00–13:00, 14:00–17:00.
    let split = Schedule::new(
        moscow(),
        WeeklyPattern::parse("mon-fri", "09:00-13:00, 14:00-18:00").unwrap(),
    )
    .with_calendar(ru_cal)
    .compile_years(2025, 2027)
    .unwrap();
    run(
        &split,
        "09:00-13:00,14:00-18:00",
        &[
            // A deadline at the start of lunch stays at 13:00.
            ("2026-11-23T11:00:00+03:00", "2 working hours", "2026-11-23T13:00:00+03:00"),
            ("2026-11-23T09:00:00+03:00", "4 working hours", "2026-11-23T13:00:00+03:00"),
            ("2026-11-23T12:30:00+03:00", "1 working hour", "2026-11-23T14:30:00+03:00"),
            // Started during lunch: counting starts at 14:00.
            ("2026-11-23T13:30:00+03:00", "1 working hour", "2026-11-23T15:00:00+03:00"),
            ("2026-11-23T09:00:00+03:00", "8 working hours", "2026-11-23T18:00:00+03:00"),
            ("2026-05-08T16:00:00+03:00", "1 working hour", "2026-05-08T17:00:00+03:00"),
            ("2026-05-08T16:00:00+03:00", "2 working hours", "2026-05-12T10:00:00+03:00"),
            // 13:00 is moved to the 14:00 opening before adding a working day.
            ("2026-11-23T13:00:00+03:00", "1 working day", "2026-11-24T14:00:00+03:00"),
            ("2026-11-23T12:30:00+03:00", "1 working day", "2026-11-24T12:30:00+03:00"),
            ("2026-05-07T17:30:00+03:00", "1 working day", "2026-05-08T17:00:00+03:00"),
        ],
    );
}

#[test]
fn a_working_day_landing_in_a_lunch_gap_is_pulled_back_to_the_start_of_the_gap() {
    // Thursday is a plain day; Friday has a long break 12:00–15:00. Thu 13:00 + 1 working day
    // is Fri 13:00, inside the break: the deadline is the end of the morning, 12:00.
    let mut w = WeeklyPattern::parse("mon-thu", "09:00-18:00").unwrap();
    w.set("fri", "09:00-12:00, 15:00-18:00".parse().unwrap())
        .unwrap();
    let wt = Schedule::new(moscow(), w)
        .compile_years(2026, 2026)
        .unwrap();
    let due = wt
        .add_working_days(ts("2026-11-19T13:00:00+03:00"), 1)
        .unwrap();
    assert_eq!(due, ts("2026-11-20T12:00:00+03:00"));
}

#[test]
fn a_working_weekend_uses_the_configured_weekday_hours() {
    // Fri 09:00–16:45; Sat 27 April 2024 is a working Saturday with Friday's hours.
    let mut w = WeeklyPattern::parse("mon-thu", "09:00-18:00").unwrap();
    w.set("fri", "09:00-16:45".parse().unwrap()).unwrap();
    let wt = Schedule::new(moscow(), w)
        .with_calendar(ProductionCalendar::russia())
        .working_weekend_hours(Weekday::Friday)
        .compile_years(2024, 2024)
        .unwrap();
    let term: Term = "8 working hours".parse().unwrap();
    // Fri 26 Apr 16:00: 45 min, then Sat 27 Apr 09:00 + 7 h 15 min = 16:15.
    let d = wt.deadline(ts("2024-04-26T16:00:00+03:00"), &term).unwrap();
    assert_eq!(d.at, ts("2024-04-27T16:15:00+03:00"));
}

#[test]
#[rustfmt::skip]
fn a_schedule_override_wins_over_the_calendar() {
    // The company closes at 15:00 on Wed 30 Dec 2026 and works on the Thu 31 Dec day off.
    let s = Schedule::new(
        moscow(),
        WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
    )
    .with_calendar(ProductionCalendar::russia())
    .with_override(
        date(2026, 12, 30),
        DayOverride::Hours {
            hours: "09:00-15:00".parse().unwrap(),
            reason: "корпоратив".into(),
        },
    )
    .with_override(
        date(2026, 12, 31),
        DayOverride::Working {
            weekend: false,
            shortened: true,
        },
    );
    let wt = s.compile_years(2026, 2027).unwrap();
    run(
        &wt,
        "with overrides",
        &[
            // 1 h to 15:00 on the 30th, then 09:00–10:00 on the 31st.
            ("2026-12-30T14:00:00+03:00", "2 working hours", "2026-12-31T10:00:00+03:00"),
            // The 31st closes at 17:00; then Mon 11 Jan 2027.
            ("2026-12-31T16:00:00+03:00", "2 working hours", "2027-01-11T10:00:00+03:00"),
        ],
    );
    let e = wt
        .explain(
            ts("2026-12-30T14:00:00+03:00"),
            ts("2026-12-30T15:00:00+03:00"),
        )
        .unwrap();
    assert!(
        e.counted[0]
            .note
            .as_deref()
            .unwrap()
            .ends_with("hours 09:00-15:00 (корпоратив), by the schedule"),
        "{:?}",
        e.counted[0].note
    );
}

#[test]
fn adding_zero_working_time_returns_the_start_itself() {
    let wt = ru();
    for s in ["2026-11-21T12:00:00+03:00", "2026-11-23T10:00:00+03:00"] {
        assert_eq!(wt.add(ts(s), jiff::SignedDuration::ZERO).unwrap(), ts(s));
    }
}

#[test]
fn a_negative_working_duration_is_invalid() {
    let wt = ru();
    let r = wt.add(
        ts("2026-11-23T10:00:00+03:00"),
        jiff::SignedDuration::from_mins(-1),
    );
    assert!(
        matches!(r, Err(reglament_calendar::Error::Invalid(_))),
        "{r:?}"
    );
}

#[test]
fn sub_second_parts_of_the_start_are_dropped() {
    let wt = ru();
    let due = wt
        .add(
            ts("2026-11-23T10:00:00.750+03:00"),
            jiff::SignedDuration::from_hours(1),
        )
        .unwrap();
    assert_eq!(due, ts("2026-11-23T11:00:00+03:00"));
}

#[test]
fn an_enormous_working_duration_is_out_of_range_not_a_panic() {
    let wt = ru();
    let start = ts("2026-11-23T10:00:00+03:00");
    let r = std::panic::catch_unwind(|| wt.add(start, jiff::SignedDuration::MAX))
        .expect("add must not panic");
    assert!(
        matches!(r, Err(reglament_calendar::Error::OutOfRange { .. })),
        "{r:?}"
    );
    // Absurd terms are refused when parsed, naming the problem.
    let err = "1e300 working hours"
        .parse::<Term>()
        .unwrap_err()
        .to_string();
    assert!(err.contains("`1e300 working hours` is too large"), "{err}");
    // The largest term that parses still ends in a clean out-of-range error.
    let term: Term = "16000000 working hours".parse().unwrap();
    let r =
        std::panic::catch_unwind(|| wt.deadline(start, &term)).expect("deadline must not panic");
    assert!(
        matches!(r, Err(reglament_calendar::Error::OutOfRange { .. })),
        "{r:?}"
    );
}

#[test]
fn the_compiled_schedule_shares_the_builtin_calendar() {
    let wt = ru();
    assert!(Arc::ptr_eq(
        wt.schedule().calendar().unwrap(),
        &ProductionCalendar::russia()
    ));
}
