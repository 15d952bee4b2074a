//! The built-in Russian production calendar (`ProductionCalendar::russia()`) against the
//! independently verified reference data in `tests/data/ru-production-calendar.json`, for every
//! date of 2019–2027.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday, date};
use jiff::tz::TimeZone;
use reglament_calendar::{DayOverride, DayReason, ProductionCalendar, Schedule, WeeklyPattern};
use serde_json::Value;

/// What the reference file says about one year.
struct RefYear {
    year: i16,
    holidays: BTreeSet<Date>,
    holidays_art112: BTreeSet<Date>,
    transfers: Vec<(Date, Date)>,
    working_weekends: BTreeSet<Date>,
    shortened: BTreeSet<Date>,
    presidential: BTreeSet<Date>,
    working_days_total: u64,
    working_hours_40h: u64,
}

impl RefYear {
    /// Days off when Presidential non-working days count as working: holidays, the `to` dates
    /// of transfers and weekends, minus working weekends.
    fn is_off_norm(&self, d: Date) -> bool {
        let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
        let transferred_to = self.transfers.iter().any(|(_, to)| *to == d);
        (self.holidays.contains(&d) || transferred_to || weekend)
            && !self.working_weekends.contains(&d)
    }

    /// Days off by default: the above plus COVID and other Presidential non-working days.
    fn is_off_default(&self, d: Date) -> bool {
        self.is_off_norm(d) || self.presidential.contains(&d)
    }

    fn dates(&self) -> impl Iterator<Item = Date> {
        let y = self.year;
        date(y, 1, 1)
            .series(1.day())
            .take_while(move |d| d.year() == y)
    }
}

fn dates(v: &Value) -> BTreeSet<Date> {
    v.as_array()
        .expect("an array of dates")
        .iter()
        .map(|d| d.as_str().expect("a date string").parse().expect("a date"))
        .collect()
}

fn reference() -> Vec<RefYear> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ru-production-calendar.json"
    );
    let text = std::fs::read_to_string(path).expect("reference JSON is readable");
    let json: Value = serde_json::from_str(&text).expect("reference JSON parses");
    let obj = json.as_object().expect("an object keyed by year");
    let mut out = Vec::new();
    for (year, y) in obj {
        let presidential: BTreeSet<Date> = dates(&y["covid_nonworking"])
            .into_iter()
            .chain(
                y["other_presidential_nonworking"]
                    .as_array()
                    .expect("an array")
                    .iter()
                    .map(|p| p["date"].as_str().unwrap().parse::<Date>().unwrap()),
            )
            .collect();
        out.push(RefYear {
            year: year.parse().expect("a year key"),
            holidays: dates(&y["holidays"]),
            holidays_art112: dates(&y["holidays_art112"]),
            transfers: y["transfers"]
                .as_array()
                .expect("an array of transfers")
                .iter()
                .map(|t| {
                    (
                        t["from"].as_str().unwrap().parse().unwrap(),
                        t["to"].as_str().unwrap().parse().unwrap(),
                    )
                })
                .collect(),
            working_weekends: dates(&y["working_weekends"]),
            shortened: dates(&y["shortened"]),
            presidential,
            working_days_total: y["working_days_total"].as_u64().unwrap(),
            working_hours_40h: y["working_hours_40h"].as_u64().unwrap(),
        });
    }
    out.sort_by_key(|y| y.year);
    out
}

fn moscow() -> TimeZone {
    TimeZone::get("Europe/Moscow").unwrap()
}

fn mon_fri(hours: &str) -> Schedule {
    Schedule::new(moscow(), WeeklyPattern::parse("mon-fri", hours).unwrap())
        .with_calendar(ProductionCalendar::russia())
}

#[test]
fn reference_file_covers_exactly_the_years_the_builtin_calendar_knows() {
    let years: Vec<i16> = reference().iter().map(|y| y.year).collect();
    assert_eq!(years, (2019..=2027).collect::<Vec<_>>());
    assert_eq!(
        ProductionCalendar::russia().known_years(),
        Some((2019, 2027))
    );
}

#[test]
fn every_date_of_2019_to_2027_is_working_or_not_as_the_reference_says() {
    let ru = ProductionCalendar::russia();
    let mut mismatches = Vec::new();
    for y in reference() {
        for d in y.dates() {
            let expected_working = !y.is_off_default(d);
            if ru.is_working_day(d) != expected_working {
                mismatches.push(format!(
                    "{d} ({:?}): calendar says working={}, reference says {}",
                    d.weekday(),
                    ru.is_working_day(d),
                    expected_working
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_date_has_the_reference_hours_with_presidential_days_off_by_default() {
    // Mon–Fri 09:00–18:00: 9 h on a working day, 8 h on a shortened one, nothing on a day off.
    let s = mon_fri("09:00-18:00");
    let mut mismatches = Vec::new();
    for y in reference() {
        for d in y.dates() {
            let expected = if y.is_off_default(d) {
                0
            } else if y.shortened.contains(&d) {
                8 * 60
            } else {
                9 * 60
            };
            let plan = s.day(d);
            if plan.hours.minutes() != expected {
                mismatches.push(format!(
                    "{plan}: {} min, expected {expected}",
                    plan.hours.minutes()
                ));
            }
            assert!(!plan.provisional, "{d} is inside the known years");
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_date_has_the_reference_hours_with_presidential_days_counted_as_working() {
    let s = mon_fri("09:00-18:00").count_presidential_days(true);
    let mut mismatches = Vec::new();
    for y in reference() {
        for d in y.dates() {
            let expected = if y.is_off_norm(d) {
                0
            } else if y.shortened.contains(&d) {
                8 * 60
            } else {
                9 * 60
            };
            let plan = s.day(d);
            if plan.hours.minutes() != expected {
                mismatches.push(format!(
                    "{plan}: {} min, expected {expected}",
                    plan.hours.minutes()
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn shortened_days_close_one_hour_early_at_five() {
    let s = mon_fri("09:00-18:00").count_presidential_days(true);
    for y in reference() {
        for d in &y.shortened {
            assert_eq!(s.day(*d).hours.to_string(), "09:00-17:00", "{d}");
        }
    }
}

#[test]
fn a_schedule_that_keeps_pre_holiday_days_whole_neither_shortens_nor_labels_them_shortened() {
    let s = mon_fri("09:00-18:00")
        .count_presidential_days(true)
        .shorten_pre_holiday_days(false);
    for y in reference() {
        for d in &y.shortened {
            let plan = s.day(*d);
            assert_eq!(plan.hours.to_string(), "09:00-18:00", "{d}");
            assert!(!plan.to_string().contains("shortened"), "{plan}");
        }
    }
}

#[test]
fn working_weekends_are_working_days_with_the_weekend_flag() {
    let ru = ProductionCalendar::russia();
    for y in reference() {
        for d in &y.working_weekends {
            assert!(
                matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
                "{d} is a weekend day"
            );
            assert_eq!(
                ru.get(*d),
                Some(&DayOverride::Working {
                    weekend: true,
                    shortened: y.shortened.contains(d),
                }),
                "{d}"
            );
        }
    }
}

#[test]
fn every_override_in_the_builtin_calendar_has_the_kind_the_reference_implies() {
    let ru = ProductionCalendar::russia();
    for y in reference() {
        for d in y.dates() {
            let got = ru.get(d);
            let transfer = y.transfers.iter().find(|(_, to)| *to == d);
            if let Some((from, _)) = transfer {
                assert_eq!(
                    got,
                    Some(&DayOverride::TransferredDayOff { from: Some(*from) }),
                    "{d} is a day off transferred from {from}"
                );
            } else if y.holidays_art112.contains(&d) {
                assert!(
                    matches!(got, Some(DayOverride::Holiday { .. })),
                    "{d} is an Art. 112 holiday, got {got:?}"
                );
            } else if y.presidential.contains(&d) {
                assert!(
                    matches!(got, Some(DayOverride::Presidential { shortened, .. }) if *shortened == y.shortened.contains(&d)),
                    "{d} is a Presidential non-working day, got {got:?}"
                );
            } else if y.working_weekends.contains(&d) || y.shortened.contains(&d) {
                assert!(
                    matches!(got, Some(DayOverride::Working { .. })),
                    "{d} is a working override, got {got:?}"
                );
            } else {
                assert_eq!(got, None, "{d} should follow the plain week");
            }
        }
    }
}

#[test]
fn art112_holidays_are_named() {
    let ru = ProductionCalendar::russia();
    let named = |d: Date| match ru.get(d) {
        Some(DayOverride::Holiday { name }) => name.clone(),
        other => panic!("{d}: {other:?}"),
    };
    assert_eq!(named(date(2026, 6, 12)), "День России");
    assert_eq!(named(date(2025, 1, 7)), "Рождество Христово");
    assert_eq!(named(date(2024, 11, 4)), "День народного единства");
    assert_eq!(named(date(2023, 5, 9)), "День Победы");
}

#[test]
fn yearly_info_matches_the_published_norms() {
    let ru = ProductionCalendar::russia();
    for y in reference() {
        let info = ru.year(y.year).expect("a known year");
        assert_eq!(
            info.working_days.map(u64::from),
            Some(y.working_days_total),
            "{}",
            y.year
        );
        assert_eq!(
            info.hours_40h.map(u64::from),
            Some(y.working_hours_40h),
            "{}",
            y.year
        );
        assert!(info.basis.as_deref().unwrap().contains('№'), "{}", y.year);
    }
}

#[test]
fn a_forty_hour_week_gives_the_published_working_days_and_hours_for_every_year() {
    // The norm ignores Presidential non-working days: count them as working.
    let s = mon_fri("09:00-17:00").count_presidential_days(true);
    let wt = s.compile_years(2019, 2028).unwrap();
    for y in reference() {
        let mut days = 0u64;
        let mut minutes = 0u64;
        for d in y.dates() {
            let m = u64::from(s.day(d).hours.minutes());
            days += u64::from(m > 0);
            minutes += m;
        }
        assert_eq!(days, y.working_days_total, "working days in {}", y.year);
        assert_eq!(minutes % 60, 0);
        assert_eq!(
            minutes / 60,
            y.working_hours_40h,
            "working hours in {}",
            y.year
        );

        // The compiled schedule agrees.
        let a = date(y.year, 1, 1).to_zoned(moscow()).unwrap().timestamp();
        let b = date(y.year + 1, 1, 1)
            .to_zoned(moscow())
            .unwrap()
            .timestamp();
        let between = wt.between(a, b).unwrap();
        assert_eq!(
            u64::try_from(between.as_secs()).unwrap(),
            y.working_hours_40h * 3600,
            "compiled working hours in {}",
            y.year
        );
    }
}

#[test]
fn the_2020_and_2021_norms_count_presidential_days_as_working() {
    // 2020: 248 days, 5 of them shortened (30 Apr and 8 May among them): 248 × 8 − 5 = 1979.
    // 2021: 247 days, 4 shortened (3 Nov among them): 247 × 8 − 4 = 1972.
    let r = reference();
    let y2020 = r.iter().find(|y| y.year == 2020).unwrap();
    let y2021 = r.iter().find(|y| y.year == 2021).unwrap();
    assert_eq!(
        (y2020.working_days_total, y2020.working_hours_40h),
        (248, 1979)
    );
    assert_eq!(
        (y2021.working_days_total, y2021.working_hours_40h),
        (247, 1972)
    );
    assert_eq!(y2020.shortened.len(), 5);
    assert_eq!(y2021.shortened.len(), 4);
    assert_eq!(248 * 8 - 5, 1979);
    assert_eq!(247 * 8 - 4, 1972);
    // 27 COVID weekdays and 2 other Presidential days in 2020; 7 in 2021.
    assert_eq!(y2020.presidential.len(), 29);
    assert_eq!(y2021.presidential.len(), 7);

    // With Presidential days off, 2020 loses 27 ordinary-or-shortened COVID days and 24 Jun and
    // 1 Jul: 29 days, of which 30 Apr and 8 May would have been 7 h, so 27 × 8 + 2 × 7 = 230 h.
    // 2021 loses 1–3 Nov and 4–7 May: 7 days, 3 Nov shortened, so 6 × 8 + 7 = 55 h.
    let s = mon_fri("09:00-17:00");
    for (year, days, hours) in [(2020, 248 - 29, 1979 - 230), (2021, 247 - 7, 1972 - 55)] {
        let (mut d_count, mut minutes) = (0u32, 0u32);
        for d in date(year, 1, 1)
            .series(1.day())
            .take_while(|d| d.year() == year)
        {
            let m = s.day(d).hours.minutes();
            d_count += u32::from(m > 0);
            minutes += m;
        }
        assert_eq!((d_count, minutes / 60), (days, hours), "{year}");
    }
}

#[test]
fn presidential_days_are_off_by_default_and_working_when_counted() {
    let off = mon_fri("09:00-18:00");
    let on = mon_fri("09:00-18:00").count_presidential_days(true);
    for y in reference() {
        for d in &y.presidential {
            let p = off.day(*d);
            assert!(p.hours.is_empty(), "{p}");
            assert!(matches!(
                p.reason,
                DayReason::Calendar(DayOverride::Presidential { .. })
            ));
            let w = on.day(*d);
            assert!(!w.hours.is_empty(), "{w}");
            assert!(w.to_string().ends_with("counted as working"), "{w}");
        }
    }
    // 30 April 2020 and 3 November 2021 would have been shortened days.
    assert_eq!(on.day(date(2020, 4, 30)).hours.to_string(), "09:00-17:00");
    assert_eq!(on.day(date(2020, 5, 8)).hours.to_string(), "09:00-17:00");
    assert_eq!(on.day(date(2021, 11, 3)).hours.to_string(), "09:00-17:00");
    assert_eq!(on.day(date(2020, 4, 15)).hours.to_string(), "09:00-18:00");
}

#[test]
fn russia_returns_one_shared_calendar_every_time() {
    let a = ProductionCalendar::russia();
    let b = ProductionCalendar::russia();
    assert!(Arc::ptr_eq(&a, &b));
}

#[test]
fn art112_holidays_on_weekends_are_holidays_and_transfers_record_their_origin() {
    let ru = ProductionCalendar::russia();
    // 9 May 2026 is a Saturday; its day off moves to Monday 11 May (Art. 112 part 2).
    assert!(matches!(
        ru.get(date(2026, 5, 9)),
        Some(DayOverride::Holiday { .. })
    ));
    assert_eq!(
        ru.get(date(2026, 5, 11)),
        Some(&DayOverride::TransferredDayOff {
            from: Some(date(2026, 5, 9))
        })
    );
    // 31 December 2026 is a day off moved from Sunday 4 January.
    assert_eq!(
        ru.get(date(2026, 12, 31)),
        Some(&DayOverride::TransferredDayOff {
            from: Some(date(2026, 1, 4))
        })
    );
}
