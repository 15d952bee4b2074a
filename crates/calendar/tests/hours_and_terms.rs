//! Parsing tables for times of day, ranges, day hours, weekly patterns, day selectors and terms,
//! including errors that must name the bad value.

use jiff::SignedDuration;
use jiff::civil::Weekday::{self, *};
use reglament_calendar::{
    DayHours, Error, Term, TermPart, TimeOfDay, TimeRange, WeeklyPattern, parse_day_selector,
    parse_weekday,
};

/// Asserts a parse error whose text names `needle`.
fn assert_error_names<T: std::fmt::Debug>(what: &str, r: Result<T, Error>, needle: &str) {
    match r {
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.contains(needle),
                "{what}: error `{text}` does not name `{needle}`"
            );
        }
        Ok(v) => panic!("{what}: expected an error naming `{needle}`, got {v:?}"),
    }
}

#[test]
fn times_of_day_parse_to_minutes_since_midnight() {
    let table = [
        ("00:00", 0, "00:00"),
        ("09:00", 540, "09:00"),
        ("09:30", 570, "09:30"),
        ("9:05", 545, "09:05"),
        (" 18:00 ", 1080, "18:00"),
        ("23:59", 1439, "23:59"),
        ("24:00", 1440, "24:00"),
    ];
    for (s, minutes, shown) in table {
        let t: TimeOfDay = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(t.minutes(), minutes, "{s}");
        assert_eq!(t.to_string(), shown, "{s}");
    }
    assert_eq!(TimeOfDay::MIDNIGHT.minutes(), 0);
    assert_eq!(TimeOfDay::END_OF_DAY.to_string(), "24:00");
    assert_eq!(
        TimeOfDay::from_minutes(1440).unwrap(),
        TimeOfDay::END_OF_DAY
    );
}

#[test]
fn bad_times_of_day_are_rejected_naming_the_value() {
    for s in [
        "25:00", "24:01", "24:30", "12:60", "1200", "12:5", "12:500", "123:00", ":30", "12:",
        "ab:cd", "-1:00", "", "12:00:00", "noon",
    ] {
        assert_error_names(s, s.parse::<TimeOfDay>(), &format!("`{s}`"));
    }
    assert_error_names("1441 minutes", TimeOfDay::from_minutes(1441), "1441");
}

#[test]
fn times_of_day_with_a_sign_are_rejected() {
    for s in ["+9:00", "12:+5"] {
        assert_error_names(s, s.parse::<TimeOfDay>(), &format!("`{s}`"));
    }
}

#[test]
fn time_ranges_parse_and_measure_their_length() {
    let table = [
        ("09:00-18:00", 540, "09:00-18:00"),
        ("00:00-24:00", 1440, "00:00-24:00"),
        (" 10:00 - 20:00 ", 600, "10:00-20:00"),
        ("13:00-13:01", 1, "13:00-13:01"),
    ];
    for (s, minutes, shown) in table {
        let r: TimeRange = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(r.minutes(), minutes, "{s}");
        assert_eq!(r.to_string(), shown, "{s}");
    }
    let r: TimeRange = "10:00-20:00".parse().unwrap();
    assert_eq!((r.start().minutes(), r.end().minutes()), (600, 1200));
}

#[test]
fn bad_time_ranges_are_rejected_naming_the_value() {
    let table = [
        ("18:00-09:00", "18:00-09:00"),
        ("09:00-09:00", "09:00-09:00"),
        ("09:00", "`09:00`"),
        ("09:00-25:00", "`25:00`"),
        ("9am-6pm", "`9am`"),
        ("09:00–18:00", "`09:00–18:00`"),
        ("", "``"),
    ];
    for (s, needle) in table {
        assert_error_names(s, s.parse::<TimeRange>(), needle);
    }
}

#[test]
fn day_hours_parse_sort_and_merge_ranges() {
    let table = [
        ("09:00-18:00", 540, "09:00-18:00"),
        ("09:00-13:00, 14:00-18:00", 480, "09:00-13:00, 14:00-18:00"),
        ("14:00-18:00,09:00-13:00", 480, "09:00-13:00, 14:00-18:00"),
        ("09:00-12:00, 12:00-18:00", 540, "09:00-18:00"),
        ("00:00-06:00, 22:00-24:00", 480, "00:00-06:00, 22:00-24:00"),
        ("off", 0, "off"),
        ("OFF", 0, "off"),
        ("-", 0, "off"),
        ("", 0, "off"),
    ];
    for (s, minutes, shown) in table {
        let h: DayHours = s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(h.minutes(), minutes, "{s:?}");
        assert_eq!(h.to_string(), shown, "{s:?}");
        assert_eq!(h.is_empty(), minutes == 0, "{s:?}");
    }
    let h: DayHours = "09:00-13:00, 14:00-18:00".parse().unwrap();
    assert_eq!(h.ranges().len(), 2);
    assert_eq!(h.closing().unwrap().to_string(), "18:00");
    assert_eq!(DayHours::off().closing(), None);
}

#[test]
fn bad_day_hours_are_rejected_naming_the_value() {
    let table = [
        (
            "09:00-13:00, 12:00-18:00",
            "`09:00-13:00` and `12:00-18:00`",
        ),
        (
            "09:00-18:00, 10:00-11:00",
            "`09:00-18:00` and `10:00-11:00`",
        ),
        ("09:00-13:00, 14:00-25:00", "`25:00`"),
        ("09:00-13:00,", "``"),
        ("closed", "`closed`"),
    ];
    for (s, needle) in table {
        assert_error_names(s, s.parse::<DayHours>(), needle);
    }
}

#[test]
fn shortening_cuts_minutes_from_the_end_of_the_day() {
    let table = [
        ("09:00-18:00", 60, "09:00-17:00"),
        ("09:00-13:00, 14:00-18:00", 60, "09:00-13:00, 14:00-17:00"),
        ("09:00-13:00, 17:30-18:00", 60, "09:00-12:30"),
        ("09:00-13:00, 14:00-15:00", 60, "09:00-13:00"),
        ("09:00-09:30", 60, "off"),
        ("00:00-24:00", 60, "00:00-23:00"),
        ("09:00-18:00", 0, "09:00-18:00"),
        ("off", 60, "off"),
    ];
    for (s, minutes, shown) in table {
        let h: DayHours = s.parse().unwrap();
        assert_eq!(h.shortened(minutes).to_string(), shown, "{s} - {minutes}");
    }
}

#[test]
fn weekday_names_parse_in_english_and_russian() {
    let table = [
        ("mon", Monday),
        ("Tue", Tuesday),
        ("WEDNESDAY", Wednesday),
        (" thu ", Thursday),
        ("friday", Friday),
        ("сб", Saturday),
        ("ВС", Sunday),
        ("пн", Monday),
    ];
    for (s, wd) in table {
        assert_eq!(
            parse_weekday(s).unwrap_or_else(|e| panic!("{s}: {e}")),
            wd,
            "{s}"
        );
    }
    for s in ["fryday", "mo", "", "7", "суббота"] {
        assert_error_names(s, parse_weekday(s), &format!("`{s}`"));
    }
}

#[test]
fn day_selectors_expand_to_weekdays_in_order() {
    let table: [(&str, &[Weekday]); 11] = [
        ("mon-fri", &[Monday, Tuesday, Wednesday, Thursday, Friday]),
        (
            "daily",
            &[
                Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
            ],
        ),
        (
            "all",
            &[
                Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
            ],
        ),
        (
            "every day",
            &[
                Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
            ],
        ),
        ("weekdays", &[Monday, Tuesday, Wednesday, Thursday, Friday]),
        ("weekends", &[Saturday, Sunday]),
        ("sat-mon", &[Saturday, Sunday, Monday]),
        ("mon-wed, sat", &[Monday, Tuesday, Wednesday, Saturday]),
        ("fri", &[Friday]),
        ("mon, mon-tue", &[Monday, Tuesday]),
        ("пн-пт", &[Monday, Tuesday, Wednesday, Thursday, Friday]),
    ];
    for (s, days) in table {
        assert_eq!(
            parse_day_selector(s).unwrap_or_else(|e| panic!("{s}: {e}")),
            days,
            "{s}"
        );
    }
}

#[test]
fn bad_day_selectors_are_rejected_naming_the_bad_part() {
    let table = [
        ("mon-fry", "`fry`"),
        ("mon-", "``"),
        ("", "``"),
        ("mon-fri-sat", "`fri-sat`"),
        ("mon, funday", "`funday`"),
        ("workdays", "`workdays`"),
    ];
    for (s, needle) in table {
        assert_error_names(s, parse_day_selector(s), needle);
    }
}

#[test]
fn weekly_patterns_combine_selectors_and_hours() {
    let w = WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap();
    assert_eq!(w.weekly_minutes(), 5 * 540);
    assert!(w.day(Saturday).is_empty() && w.day(Sunday).is_empty());
    let w = WeeklyPattern::parse("daily", "06:00-20:00").unwrap();
    assert_eq!(w.weekly_minutes(), 7 * 14 * 60);
    let mut w = WeeklyPattern::parse("mon-fri", "09:00-13:00, 14:00-18:00").unwrap();
    w.set("sat", "10:00-14:00".parse().unwrap()).unwrap();
    w.set("fri", "09:00-16:45".parse().unwrap()).unwrap();
    assert_eq!(w.day(Friday).to_string(), "09:00-16:45");
    assert_eq!(w.day(Saturday).minutes(), 240);
    assert_eq!(w.weekly_minutes(), 4 * 480 + 465 + 240);
    w.set("sat", DayHours::off()).unwrap();
    assert!(w.day(Saturday).is_empty());
    assert_eq!(WeeklyPattern::always().weekly_minutes(), 7 * 1440);
    assert_eq!(WeeklyPattern::empty().weekly_minutes(), 0);
    assert_eq!(
        WeeklyPattern::parse("daily", "00:00-24:00").unwrap(),
        WeeklyPattern::always()
    );
}

#[test]
fn bad_weekly_patterns_name_the_bad_days_or_hours() {
    assert_error_names(
        "days",
        WeeklyPattern::parse("mon-fry", "09:00-18:00"),
        "`fry`",
    );
    assert_error_names(
        "hours",
        WeeklyPattern::parse("mon-fri", "09:00-28:00"),
        "`28:00`",
    );
    assert_error_names(
        "empty",
        WeeklyPattern::parse("mon-fri", "18:00-09:00"),
        "18:00-09:00",
    );
    let mut w = WeeklyPattern::empty();
    assert_error_names("set", w.set("saturday-", DayHours::off()), "``");
}

fn h(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

fn m(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

#[test]
fn terms_parse_every_unit() {
    use TermPart::*;
    let table: &[(&str, TermPart, Option<TermPart>, &str)] = &[
        ("4 working hours", Working(h(4)), None, "4 working hours"),
        ("1 working hour", Working(h(1)), None, "1 working hour"),
        (
            "90 working minutes",
            Working(m(90)),
            None,
            "90 working minutes",
        ),
        ("60 working minutes", Working(h(1)), None, "1 working hour"),
        ("1 working minute", Working(m(1)), None, "1 working minute"),
        (
            "1.5 working hours",
            Working(m(90)),
            None,
            "90 working minutes",
        ),
        (
            "1,5 working hours",
            Working(m(90)),
            None,
            "90 working minutes",
        ),
        (
            "0 working minutes",
            Working(SignedDuration::ZERO),
            None,
            "0 working minutes",
        ),
        ("5 working days", WorkingDays(5), None, "5 working days"),
        ("1 working day", WorkingDays(1), None, "1 working day"),
        ("3 hours", Calendar(h(3)), None, "3 hours"),
        ("2 calendar hours", Calendar(h(2)), None, "2 hours"),
        ("45 minutes", Calendar(m(45)), None, "45 minutes"),
        ("1 minute", Calendar(m(1)), None, "1 minute"),
        ("2 days", CalendarDays(2), None, "2 days"),
        ("1 day", CalendarDays(1), None, "1 day"),
        ("10 calendar days", CalendarDays(10), None, "10 days"),
        ("5 weekdays", Weekdays(5), None, "5 weekdays"),
        ("1 weekday", Weekdays(1), None, "1 weekday"),
        (
            "5 calendar days excluding weekends",
            Weekdays(5),
            None,
            "5 weekdays",
        ),
        (
            "  8   Working   Hours ",
            Working(h(8)),
            None,
            "8 working hours",
        ),
        (
            "24 working hours, at most 5 weekdays",
            Working(h(24)),
            Some(Weekdays(5)),
            "24 working hours, at most 5 weekdays",
        ),
        (
            "24 working hours, at most 5 calendar days excluding weekends",
            Working(h(24)),
            Some(Weekdays(5)),
            "24 working hours, at most 5 weekdays",
        ),
        (
            "8 working hours; at most 2 days",
            Working(h(8)),
            Some(CalendarDays(2)),
            "8 working hours, at most 2 days",
        ),
        (
            "3 working days AT MOST 7 days",
            WorkingDays(3),
            Some(CalendarDays(7)),
            "3 working days, at most 7 days",
        ),
    ];
    for (s, primary, at_most, shown) in table {
        let t: Term = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(t.primary, *primary, "{s}");
        assert_eq!(t.at_most, *at_most, "{s}");
        assert_eq!(t.to_string(), *shown, "{s}");
        // What is displayed parses back to the same term.
        assert_eq!(shown.parse::<Term>().unwrap(), t, "{shown}");
    }
}

#[test]
fn bad_terms_are_rejected_naming_the_bad_number_or_unit() {
    let table = [
        ("5 workdays", "unknown unit `workdays`"),
        ("5 fortnights", "`fortnights`"),
        ("five working hours", "`five` is not a number"),
        ("working hours", "`working` is not a number"),
        ("4", "`4`"),
        ("", "``"),
        ("-1 working hours", "`-1`"),
        ("1.5 working days", "`1.5`"),
        // Terms are whole minutes: a regulation promises nothing in seconds.
        (
            "0.5 working minutes",
            "`0.5 working minutes` is not a whole number of minutes",
        ),
        ("NaN hours", "`NaN` is not a finite number"),
        ("99999999999 days", "is too large"),
        ("2.5 days", "`2.5`"),
        ("0.5 weekdays", "`0.5`"),
        ("NaN working hours", "`NaN`"),
        ("inf working minutes", "`inf`"),
        ("99999999999 working days", "`99999999999`"),
        ("24 working hours, at most 5 workdays", "`workdays`"),
        ("at most 5 days", "``"),
    ];
    for (s, needle) in table {
        assert_error_names(s, s.parse::<Term>(), needle);
    }
}

#[test]
fn a_term_reports_its_working_amount_only_for_working_time() {
    let t: Term = "8 working hours, at most 2 days".parse().unwrap();
    assert_eq!(t.working_amount(), Some(h(8)));
    assert_eq!(
        "5 working days".parse::<Term>().unwrap().working_amount(),
        None
    );
    assert_eq!("3 hours".parse::<Term>().unwrap().working_amount(), None);
    assert_eq!(Term::working(m(30)).to_string(), "30 working minutes");
    assert_eq!(Term::working(m(30)).at_most, None);
}

#[test]
fn a_term_with_characters_that_change_length_when_lowercased_is_an_error_not_a_panic() {
    for s in ["\u{212A} at most 5 days", "\u{130} at most\u{65E5}"] {
        let r = std::panic::catch_unwind(|| s.parse::<Term>()).expect("parse must not panic");
        assert!(r.is_err(), "{s:?}: {r:?}");
    }
}
