//! Invariants of working-time arithmetic on random starts in 2019–2027 and random durations up
//! to 300 working hours, over several schedules:
//!
//! 0. the Russian calendar, Mon–Fri 09:00–18:00, Europe/Moscow;
//! 1. a split day in Europe/Berlin (Mon–Fri 08:00–12:00, 13:00–17:30; Sat 10:00–14:00), with
//!    daylight saving time;
//! 2. a night line in Europe/Berlin (daily 01:00–03:30 and 22:00–24:00), whose hours cross the
//!    DST transitions themselves.

use std::sync::OnceLock;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use proptest::prelude::*;
use reglament_calendar::{ProductionCalendar, Schedule, Term, WeeklyPattern, WorkingTime};

/// 2019-01-01T00:00:00Z and 2028-01-01T00:00:00Z.
const LO: i64 = 1_546_300_800;
const HI: i64 = 1_830_297_600;
/// 300 working hours, in seconds.
const MAX_D: i64 = 300 * 3600;

fn schedules() -> &'static [WorkingTime] {
    static WT: OnceLock<Vec<WorkingTime>> = OnceLock::new();
    WT.get_or_init(|| {
        let moscow = TimeZone::get("Europe/Moscow").unwrap();
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let ru = Schedule::new(
            moscow,
            WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
        )
        .with_calendar(ProductionCalendar::russia());
        let mut split = WeeklyPattern::parse("mon-fri", "08:00-12:00, 13:00-17:30").unwrap();
        split.set("sat", "10:00-14:00".parse().unwrap()).unwrap();
        let split = Schedule::new(berlin.clone(), split);
        let night = Schedule::new(
            berlin,
            WeeklyPattern::parse("daily", "01:00-03:30, 22:00-24:00").unwrap(),
        );
        [ru, split, night]
            .iter()
            .map(|s| s.compile_years(2018, 2029).unwrap())
            .collect()
    })
}

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap()
}

fn secs(s: i64) -> SignedDuration {
    SignedDuration::from_secs(s)
}

fn schedule_index() -> impl Strategy<Value = usize> {
    0..3usize
}

fn start() -> impl Strategy<Value = i64> {
    LO..HI
}

/// Local midnight of a date and of the next date.
fn day_bounds(wt: &WorkingTime, d: Date) -> (Timestamp, Timestamp) {
    let tz = wt.schedule().time_zone().clone();
    let a = d.to_zoned(tz.clone()).unwrap().timestamp();
    let b = d.tomorrow().unwrap().to_zoned(tz).unwrap().timestamp();
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn more_working_time_never_gives_an_earlier_deadline(
        k in schedule_index(), s in start(), a in 0..=MAX_D, b in 0..=MAX_D,
    ) {
        let wt = &schedules()[k];
        let (small, large) = (a.min(b), a.max(b));
        let d1 = wt.add(at(s), secs(small)).unwrap();
        let d2 = wt.add(at(s), secs(large)).unwrap();
        prop_assert!(d1 <= d2, "{small}s -> {d1}, {large}s -> {d2}");
        // Strictly later once both are positive and differ.
        if small > 0 && small < large {
            prop_assert!(d1 < d2);
        }
    }

    #[test]
    fn the_working_time_between_a_start_and_its_deadline_is_the_duration_added(
        k in schedule_index(), s in start(), d in 0..=MAX_D,
    ) {
        let wt = &schedules()[k];
        let due = wt.add(at(s), secs(d)).unwrap();
        prop_assert_eq!(wt.between(at(s), due).unwrap(), secs(d));
        // The same through a term.
        let dl = wt.deadline(at(s), &Term::working(secs(d))).unwrap();
        prop_assert_eq!(dl.at, due);
        prop_assert!(!dl.bounded);
    }

    #[test]
    fn a_deadline_is_within_working_hours_or_exactly_at_a_closing_time(
        k in schedule_index(), s in start(), d in 1..=MAX_D,
    ) {
        let wt = &schedules()[k];
        let due = wt.add(at(s), secs(d)).unwrap();
        prop_assert!(due > at(s));
        prop_assert!(
            wt.is_working(at(due.as_second() - 1)).unwrap(),
            "{} - 1s is not working", due
        );
    }

    #[test]
    fn adding_in_two_steps_is_adding_the_sum(
        k in schedule_index(), s in start(), a in 1..=MAX_D / 2, b in 0..=MAX_D / 2,
    ) {
        let wt = &schedules()[k];
        let step = wt.add(wt.add(at(s), secs(a)).unwrap(), secs(b)).unwrap();
        prop_assert_eq!(step, wt.add(at(s), secs(a + b)).unwrap());
    }

    #[test]
    fn between_is_additive_and_antisymmetric(
        k in schedule_index(), x in start(), y in start(), z in start(),
    ) {
        let wt = &schedules()[k];
        let mut v = [x, y, z];
        v.sort_unstable();
        let [a, b, c] = v.map(at);
        let ab = wt.between(a, b).unwrap();
        let bc = wt.between(b, c).unwrap();
        prop_assert_eq!(ab + bc, wt.between(a, c).unwrap());
        prop_assert!(ab >= SignedDuration::ZERO);
        prop_assert_eq!(wt.between(b, a).unwrap(), -ab);
    }

    #[test]
    fn each_further_working_day_gives_a_later_deadline(
        k in schedule_index(), s in start(), n in 0u32..40,
    ) {
        let wt = &schedules()[k];
        let d0 = wt.add_working_days(at(s), n).unwrap();
        let d1 = wt.add_working_days(at(s), n + 1).unwrap();
        prop_assert!(d1 > d0, "{n}: {d0}, {}: {d1}", n + 1);
        // Both are within working hours or at a closing time.
        for d in [d0, d1] {
            prop_assert!(
                wt.is_working(d).unwrap() || wt.is_working(at(d.as_second() - 1)).unwrap(),
                "{d} is neither working nor a closing time"
            );
        }
        // Zero working days is the start moved into working hours.
        prop_assert_eq!(wt.add_working_days(at(s), 0).unwrap(), wt.next_opening(at(s)).unwrap());
    }

    #[test]
    fn an_explanation_counts_exactly_the_working_time_and_skips_only_days_without_any(
        k in schedule_index(), s in start(), d in 0..=MAX_D,
    ) {
        let wt = &schedules()[k];
        let from = at(s);
        let to = wt.add(from, secs(d)).unwrap();
        let e = wt.explain(from, to).unwrap();
        let between = wt.between(from, to).unwrap();
        let sum = e
            .counted
            .iter()
            .map(|c| c.duration())
            .fold(SignedDuration::ZERO, |x, y| x + y);
        prop_assert_eq!(sum, between);
        prop_assert_eq!(e.working, between);
        // Counted stretches are in order, inside [from, to], and working.
        let mut last = from;
        for c in &e.counted {
            let (a, b) = (c.from.timestamp(), c.to.timestamp());
            prop_assert!(last <= a && a < b && b <= to, "{c}");
            prop_assert!(wt.is_working(a).unwrap(), "{c}");
            prop_assert_eq!(wt.between(a, b).unwrap(), c.duration());
            last = b;
        }
        // Skipped days have no working time, and every day without working time strictly
        // between the first and the last day is skipped.
        let tz = wt.schedule().time_zone().clone();
        let first = from.to_zoned(tz.clone()).date();
        let final_day = to.to_zoned(tz).date();
        for sk in &e.skipped {
            let (a, b) = day_bounds(wt, sk.date);
            prop_assert_eq!(wt.between(a, b).unwrap(), SignedDuration::ZERO, "{}", sk.reason);
            prop_assert!(!sk.reason.is_empty());
        }
        for day in first.series(1.day()).skip(1).take_while(|x| *x < final_day) {
            let (a, b) = day_bounds(wt, day);
            if wt.between(a, b).unwrap().is_zero() {
                prop_assert!(
                    e.skipped.iter().any(|sk| sk.date == day),
                    "{day} has no working time but is not listed as skipped"
                );
            }
        }
        // Counting starts at the next opening (or at `to` if nothing is counted).
        if d > 0 {
            prop_assert_eq!(e.effective_start.timestamp(), wt.next_opening(from).unwrap());
        }
    }

    #[test]
    fn the_next_opening_is_not_earlier_and_is_working(k in schedule_index(), s in start()) {
        let wt = &schedules()[k];
        let t = at(s);
        let o = wt.next_opening(t).unwrap();
        prop_assert!(o >= t);
        prop_assert!(wt.is_working(o).unwrap());
        prop_assert_eq!(wt.between(t, o).unwrap(), SignedDuration::ZERO);
        if wt.is_working(t).unwrap() {
            prop_assert_eq!(o, t);
        } else {
            // Nothing in between is working: the opening is the first working second.
            prop_assert!(o == t || !wt.is_working(at(o.as_second() - 1)).unwrap());
        }
    }
}
