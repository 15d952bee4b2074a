//! Daylight saving time: Europe/Berlin springs forward on Sun 29 March 2026 (02:00 CET →
//! 03:00 CEST) and falls back on Sun 25 October 2026 (03:00 CEST → 02:00 CET).

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use reglament_calendar::{Schedule, Term, WeeklyPattern, WorkingTime};

fn berlin() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn compile(days: &str, hours: &str) -> WorkingTime {
    Schedule::new(berlin(), WeeklyPattern::parse(days, hours).unwrap())
        .compile_years(2026, 2026)
        .unwrap()
}

fn show(t: Timestamp) -> String {
    t.to_zoned(berlin()).strftime("%FT%T%:z").to_string()
}

fn assert_at(got: Timestamp, expected: &str) {
    assert_eq!(got, ts(expected), "got {}, expected {expected}", show(got));
}

#[test]
fn a_whole_day_schedule_has_23_hours_on_the_spring_forward_day() {
    let wt = compile("daily", "00:00-24:00");
    let d = wt
        .between(
            ts("2026-03-29T00:00:00+01:00"),
            ts("2026-03-30T00:00:00+02:00"),
        )
        .unwrap();
    assert_eq!(d, SignedDuration::from_hours(23));
    // The day before and after are ordinary.
    let d = wt
        .between(
            ts("2026-03-28T00:00:00+01:00"),
            ts("2026-03-29T00:00:00+01:00"),
        )
        .unwrap();
    assert_eq!(d, SignedDuration::from_hours(24));
    // The description of the day is unchanged: the hours are local.
    assert_eq!(wt.schedule().day(date(2026, 3, 29)).hours.minutes(), 1440);
}

#[test]
fn a_whole_day_schedule_has_25_hours_on_the_fall_back_day() {
    let wt = compile("daily", "00:00-24:00");
    let d = wt
        .between(
            ts("2026-10-25T00:00:00+02:00"),
            ts("2026-10-26T00:00:00+01:00"),
        )
        .unwrap();
    assert_eq!(d, SignedDuration::from_hours(25));
    let e = wt
        .explain(
            ts("2026-10-25T00:00:00+02:00"),
            ts("2026-10-26T00:00:00+01:00"),
        )
        .unwrap();
    assert_eq!(e.counted.len(), 1);
    assert_eq!(e.counted[0].duration(), SignedDuration::from_hours(25));
    assert_eq!(e.counted[0].to_string(), "2026-10-25 00:00–24:00 (25 h)");
}

#[test]
fn adding_a_whole_day_of_working_time_on_dst_days_ends_at_the_next_midnight() {
    let wt = compile("daily", "00:00-24:00");
    assert_at(
        wt.add(
            ts("2026-03-29T00:00:00+01:00"),
            SignedDuration::from_hours(23),
        )
        .unwrap(),
        "2026-03-30T00:00:00+02:00",
    );
    assert_at(
        wt.add(
            ts("2026-10-25T00:00:00+02:00"),
            SignedDuration::from_hours(25),
        )
        .unwrap(),
        "2026-10-26T00:00:00+01:00",
    );
    // 01:30 CET + 1 h is 03:30 CEST: 02:00–03:00 does not exist.
    assert_at(
        wt.add(
            ts("2026-03-29T01:30:00+01:00"),
            SignedDuration::from_hours(1),
        )
        .unwrap(),
        "2026-03-29T03:30:00+02:00",
    );
    // 02:30 CEST + 1 h is the second 02:30, in CET.
    assert_at(
        wt.add(
            ts("2026-10-25T02:30:00+02:00"),
            SignedDuration::from_hours(1),
        )
        .unwrap(),
        "2026-10-25T02:30:00+01:00",
    );
}

#[test]
fn a_one_to_four_schedule_has_two_hours_on_the_spring_forward_day() {
    let wt = compile("daily", "01:00-04:00");
    // 01:00 CET (00:00Z) to 04:00 CEST (02:00Z).
    let d = wt
        .between(
            ts("2026-03-29T00:00:00+01:00"),
            ts("2026-03-30T00:00:00+02:00"),
        )
        .unwrap();
    assert_eq!(d, SignedDuration::from_hours(2));
    assert_at(
        wt.add(
            ts("2026-03-29T01:00:00+01:00"),
            SignedDuration::from_hours(2),
        )
        .unwrap(),
        "2026-03-29T04:00:00+02:00",
    );
    assert_at(
        wt.add(
            ts("2026-03-29T01:00:00+01:00"),
            SignedDuration::from_hours(1),
        )
        .unwrap(),
        "2026-03-29T03:00:00+02:00",
    );
    // From the day before: 1 h on Saturday (03:00–04:00 CET), 1 h on Sunday.
    assert_at(
        wt.add(
            ts("2026-03-28T03:00:00+01:00"),
            SignedDuration::from_hours(2),
        )
        .unwrap(),
        "2026-03-29T03:00:00+02:00",
    );
    assert!(wt.is_working(ts("2026-03-29T03:00:00+02:00")).unwrap());
    assert!(wt.is_working(ts("2026-03-29T01:59:59+01:00")).unwrap());
    assert!(!wt.is_working(ts("2026-03-29T04:00:00+02:00")).unwrap());
    // And four on the fall-back day: 01:00 CEST (23:00Z) to 04:00 CET (03:00Z).
    let d = wt
        .between(
            ts("2026-10-25T00:00:00+02:00"),
            ts("2026-10-26T00:00:00+01:00"),
        )
        .unwrap();
    assert_eq!(d, SignedDuration::from_hours(4));
    assert_at(
        wt.add(
            ts("2026-10-25T01:00:00+02:00"),
            SignedDuration::from_hours(4),
        )
        .unwrap(),
        "2026-10-25T04:00:00+01:00",
    );
}

#[test]
fn an_hour_inside_the_gap_has_no_working_time_and_the_repeated_hour_has_two() {
    let wt = compile("daily", "02:00-03:00");
    let d = wt
        .between(
            ts("2026-03-29T00:00:00+01:00"),
            ts("2026-03-30T00:00:00+02:00"),
        )
        .unwrap();
    assert_eq!(d, SignedDuration::ZERO);
    assert_at(
        wt.next_opening(ts("2026-03-29T00:00:00+01:00")).unwrap(),
        "2026-03-30T02:00:00+02:00",
    );
    // On 25 October, 02:00 (first, CEST) to 03:00 (CET) is two hours.
    let d = wt
        .between(
            ts("2026-10-25T00:00:00+02:00"),
            ts("2026-10-26T00:00:00+01:00"),
        )
        .unwrap();
    assert_eq!(d, SignedDuration::from_hours(2));
}

#[test]
fn a_range_partly_inside_the_gap_keeps_the_part_that_exists() {
    // 02:30–03:30 on 29 March: 02:30 never happens, 03:00–03:30 CEST does.
    let wt = compile("daily", "02:30-03:30");
    let day = |from: &str, to: &str| wt.between(ts(from), ts(to)).unwrap();
    assert_eq!(
        day("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
        SignedDuration::from_mins(30)
    );
    assert_at(
        wt.next_opening(ts("2026-03-29T00:00:00+01:00")).unwrap(),
        "2026-03-29T03:00:00+02:00",
    );
    // A deadline of 20 working minutes from midnight falls on that day, not the next.
    assert_at(
        wt.add(
            ts("2026-03-29T00:00:00+01:00"),
            SignedDuration::from_mins(20),
        )
        .unwrap(),
        "2026-03-29T03:20:00+02:00",
    );
    // The other days keep their hour.
    assert_eq!(
        day("2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00"),
        SignedDuration::from_hours(1)
    );
}

#[test]
fn a_date_the_zone_skipped_has_no_hours_and_deadlines_go_on_past_it() {
    // Samoa moved across the date line: Friday 30 December 2011 never happened in Apia.
    let apia = TimeZone::get("Pacific/Apia").unwrap();
    let wt = Schedule::new(
        apia,
        WeeklyPattern::parse("fri,sat", "09:00-18:00").unwrap(),
    )
    .compile_years(2011, 2012)
    .unwrap();
    let start = "2011-12-29T10:00:00-10:00".parse::<Timestamp>().unwrap();
    // Thursday 29th is no working day; Friday is missing; Saturday 31st 09:00 +14:00 is next.
    assert_at(
        wt.add(start, SignedDuration::from_hours(2)).unwrap(),
        "2011-12-31T11:00:00+14:00",
    );
}

#[test]
fn working_time_added_across_the_transition_counts_only_working_hours() {
    let wt = compile("mon-fri", "09:00-18:00");
    // Fri 27 March 17:00 CET: 1 h, then Mon 30 March 09:00 CEST + 1 h.
    let start = ts("2026-03-27T17:00:00+01:00");
    let due = wt.add(start, SignedDuration::from_hours(2)).unwrap();
    assert_at(due, "2026-03-30T10:00:00+02:00");
    assert_eq!(
        wt.between(start, due).unwrap(),
        SignedDuration::from_hours(2)
    );
    let start = ts("2026-10-23T17:00:00+02:00");
    let due = wt.add(start, SignedDuration::from_hours(2)).unwrap();
    assert_at(due, "2026-10-26T10:00:00+01:00");
    assert_eq!(
        wt.between(start, due).unwrap(),
        SignedDuration::from_hours(2)
    );

    // 24/7: 24 working hours are 24 real hours, so the wall clock moves by 25 or 23.
    let wt = Schedule::new(berlin(), WeeklyPattern::always())
        .compile_years(2026, 2026)
        .unwrap();
    assert_at(
        wt.add(
            ts("2026-03-28T12:00:00+01:00"),
            SignedDuration::from_hours(24),
        )
        .unwrap(),
        "2026-03-29T13:00:00+02:00",
    );
    assert_at(
        wt.add(
            ts("2026-10-24T12:00:00+02:00"),
            SignedDuration::from_hours(24),
        )
        .unwrap(),
        "2026-10-25T11:00:00+01:00",
    );
}

#[test]
fn adding_working_days_across_dst_keeps_the_local_wall_time() {
    let office = compile("mon-fri", "09:00-18:00");
    let whole = compile("daily", "00:00-24:00");
    let cases = [
        (
            &office,
            "2026-03-27T10:00:00+01:00",
            1,
            "2026-03-30T10:00:00+02:00",
        ),
        (
            &office,
            "2026-10-23T10:00:00+02:00",
            1,
            "2026-10-26T10:00:00+01:00",
        ),
        (
            &office,
            "2026-03-23T17:30:00+01:00",
            5,
            "2026-03-30T17:30:00+02:00",
        ),
        // Onto the DST day, from it, and over it.
        (
            &whole,
            "2026-03-28T12:00:00+01:00",
            1,
            "2026-03-29T12:00:00+02:00",
        ),
        (
            &whole,
            "2026-03-29T12:00:00+02:00",
            1,
            "2026-03-30T12:00:00+02:00",
        ),
        (
            &whole,
            "2026-03-28T23:30:00+01:00",
            2,
            "2026-03-30T23:30:00+02:00",
        ),
        (
            &whole,
            "2026-10-24T12:00:00+02:00",
            1,
            "2026-10-25T12:00:00+01:00",
        ),
        (
            &whole,
            "2026-10-25T12:00:00+01:00",
            1,
            "2026-10-26T12:00:00+01:00",
        ),
        (
            &whole,
            "2026-10-25T00:30:00+02:00",
            1,
            "2026-10-26T00:30:00+01:00",
        ),
        // 02:30 does not exist on 29 March: the later instant, 03:30 CEST.
        (
            &whole,
            "2026-03-28T02:30:00+01:00",
            1,
            "2026-03-29T03:30:00+02:00",
        ),
        // 02:30 happens twice on 25 October: the earlier, CEST.
        (
            &whole,
            "2026-10-24T02:30:00+02:00",
            1,
            "2026-10-25T02:30:00+02:00",
        ),
    ];
    for (wt, start, n, expected) in cases {
        let got = wt.add_working_days(ts(start), n).unwrap();
        assert_eq!(
            got,
            ts(expected),
            "{start} + {n} working days: got {}",
            show(got)
        );
    }
}

#[test]
fn calendar_days_and_weekdays_keep_the_local_wall_time_across_dst() {
    let wt = compile("mon-fri", "09:00-18:00");
    let at = |start: &str, term: &str| {
        wt.deadline(ts(start), &term.parse::<Term>().unwrap())
            .unwrap()
            .at
    };
    assert_at(
        at("2026-10-24T12:00:00+02:00", "1 day"),
        "2026-10-25T12:00:00+01:00",
    );
    assert_at(
        at("2026-03-28T12:00:00+01:00", "1 day"),
        "2026-03-29T12:00:00+02:00",
    );
    assert_at(
        at("2026-03-27T10:00:00+01:00", "1 weekday"),
        "2026-03-30T10:00:00+02:00",
    );
    // Calendar hours are real hours.
    assert_at(
        at("2026-10-24T12:00:00+02:00", "24 hours"),
        "2026-10-25T11:00:00+01:00",
    );
}

#[test]
fn zero_working_days_from_the_repeated_hour_is_the_start_itself_not_its_earlier_twin() {
    // 02:30 CET is the second 02:30 of 25 October; reading it back as a local time would give
    // 02:30 CEST, an hour before the start.
    let wt = compile("daily", "01:00-03:30");
    let start = ts("2026-10-25T02:30:00+01:00");
    assert_at(
        wt.add_working_days(start, 0).unwrap(),
        "2026-10-25T02:30:00+01:00",
    );
    assert!(wt.add_working_days(start, 1).unwrap() > start);
    assert_at(
        wt.add_working_days(start, 1).unwrap(),
        "2026-10-26T02:30:00+01:00",
    );
}
