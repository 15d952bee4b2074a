//! Production calendars: the dates that differ from the plain working week, with the reason for
//! each, and the built-in Russian production calendar for 2019–2027.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use crate::{DayHours, Error};

/// What a calendar says about one date, overriding the weekly pattern.
///
/// # Example
///
/// ```
/// use reglament_calendar::{DayOverride, ProductionCalendar};
///
/// let ru = ProductionCalendar::russia();
/// let d = jiff::civil::date(2026, 5, 8);
/// assert_eq!(ru.get(d), Some(&DayOverride::Working { weekend: false, shortened: true }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayOverride {
    /// A public holiday (Art. 112 of the Labour Code). Non-working even on a weekend.
    Holiday {
        /// The holiday's name, such as `День России`.
        name: String,
    },
    /// A day off moved here from a weekend or holiday, by decree or by Art. 112 part 2.
    TransferredDayOff {
        /// The date the day off was moved from, when known.
        from: Option<Date>,
    },
    /// A Presidential non-working day (2020–2021). A schedule decides whether it counts as
    /// working; by default it does not.
    Presidential {
        /// The decree that declared it.
        basis: String,
        /// Whether the day would have been a shortened pre-holiday day if worked.
        shortened: bool,
    },
    /// A working day that differs from the pattern: a working Saturday or Sunday, a shortened
    /// pre-holiday day, or both at once.
    Working {
        /// The day is a Saturday or Sunday that is worked.
        weekend: bool,
        /// The day ends one hour earlier (Art. 95 of the Labour Code).
        shortened: bool,
    },
    /// A company day off, for a reason of the company's own.
    NonWorking {
        /// Why the day is off.
        reason: String,
    },
    /// Explicit working hours for the date.
    Hours {
        /// The hours worked that day.
        hours: DayHours,
        /// Why the hours differ.
        reason: String,
    },
}

impl DayOverride {
    /// Whether the override, on its own, makes the day a day off.
    ///
    /// Presidential days answer `true` here; a schedule may still count them as working.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::DayOverride;
    ///
    /// assert!(DayOverride::TransferredDayOff { from: None }.is_day_off());
    /// assert!(!DayOverride::Working { weekend: true, shortened: false }.is_day_off());
    /// ```
    pub fn is_day_off(&self) -> bool {
        match self {
            DayOverride::Holiday { .. }
            | DayOverride::TransferredDayOff { .. }
            | DayOverride::Presidential { .. }
            | DayOverride::NonWorking { .. } => true,
            DayOverride::Working { .. } => false,
            DayOverride::Hours { hours, .. } => hours.is_empty(),
        }
    }
}

impl fmt::Display for DayOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayOverride::Holiday { name } => write!(f, "public holiday ({name})"),
            DayOverride::TransferredDayOff { from: Some(d) } => {
                write!(f, "transferred day off (from {d})")
            }
            DayOverride::TransferredDayOff { from: None } => f.write_str("transferred day off"),
            DayOverride::Presidential { basis, .. } => {
                write!(f, "Presidential non-working day ({basis})")
            }
            DayOverride::Working {
                weekend: true,
                shortened: true,
            } => f.write_str("working weekend day, shortened by one hour"),
            DayOverride::Working { weekend: true, .. } => f.write_str("working weekend day"),
            DayOverride::Working {
                shortened: true, ..
            } => f.write_str("shortened pre-holiday day"),
            DayOverride::Working { .. } => f.write_str("working day"),
            DayOverride::NonWorking { reason } => write!(f, "day off ({reason})"),
            DayOverride::Hours { hours, reason } => write!(f, "hours {hours} ({reason})"),
        }
    }
}

/// A production calendar: per-date overrides for the years it knows, and the fixed holidays to
/// assume for the years it does not.
///
/// Dates outside [`known_years`](ProductionCalendar::known_years) are *provisional*: they follow
/// the weekly pattern plus the fixed holidays, and results that depend on them say so.
///
/// # Example
///
/// ```
/// use jiff::civil::date;
/// use reglament_calendar::ProductionCalendar;
///
/// let ru = ProductionCalendar::russia();
/// assert_eq!(ru.known_years(), Some((2019, 2027)));
/// assert!(ru.get(date(2026, 1, 9)).unwrap().is_day_off());
/// // 2030 is beyond the decrees: only the Art. 112 holidays are known.
/// assert!(ru.get(date(2030, 6, 12)).unwrap().is_day_off());
/// assert!(ru.is_provisional(date(2030, 6, 12)));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductionCalendar {
    name: String,
    days: BTreeMap<Date, DayOverride>,
    years: BTreeMap<i16, YearInfo>,
    fixed_holidays: Vec<(i8, i8, DayOverride)>,
    /// What [`ProductionCalendar::get`] answers, by day, made on first use and dropped by every
    /// change: compiling a schedule asks for every day of forty years.
    by_day: DayIndex,
}

/// A dense index of the answers of [`ProductionCalendar::get`]: slot `n` of a year holds its
/// day `n + 1`, as `0` for "no override" or `k` for `values[k - 1]`.
#[derive(Clone, Debug, Default)]
struct DayIndex(OnceLock<DenseDays>);

/// A cache, not a part of the calendar: two calendars are equal whatever they have looked up.
impl PartialEq for DayIndex {
    fn eq(&self, _: &DayIndex) -> bool {
        true
    }
}

impl Eq for DayIndex {}

#[derive(Clone, Debug, Default)]
struct DenseDays {
    first_year: i16,
    /// The first slot of each year from `first_year` on.
    year_start: Vec<u32>,
    slots: Vec<u32>,
    values: Vec<DayOverride>,
}

/// The most years the dense index spans; a calendar reaching wider answers the rest from its
/// maps.
const DENSE_YEARS: i32 = 200;

impl DenseDays {
    fn slot(&self, date: Date) -> Option<usize> {
        let y = usize::try_from(i32::from(date.year()) - i32::from(self.first_year)).ok()?;
        let start = *self.year_start.get(y)?;
        Some(start as usize + usize::try_from(date.day_of_year()).ok()? - 1)
    }

    fn get(&self, date: Date) -> Option<Option<&DayOverride>> {
        let k = *self.slots.get(self.slot(date)?)?;
        Some(k.checked_sub(1).map(|k| &self.values[k as usize]))
    }
}

/// What a calendar records about one of its known years.
///
/// # Example
///
/// ```
/// use reglament_calendar::ProductionCalendar;
///
/// let ru = ProductionCalendar::russia();
/// let y = ru.year(2026).unwrap();
/// assert_eq!(y.working_days, Some(247));
/// assert_eq!(y.hours_40h, Some(1972));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearInfo {
    /// The legal basis of the year's transfers, such as a government decree.
    pub basis: Option<String>,
    /// The published number of working days, when the source gives one.
    pub working_days: Option<u16>,
    /// The published norm of hours for a 40-hour week, when the source gives one.
    pub hours_40h: Option<u16>,
}

impl ProductionCalendar {
    /// An empty calendar with a name: no overrides and no fixed holidays.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let c = ProductionCalendar::new("Office");
    /// assert_eq!(c.name(), "Office");
    /// assert_eq!(c.known_years(), None);
    /// ```
    pub fn new(name: impl Into<String>) -> ProductionCalendar {
        ProductionCalendar {
            name: name.into(),
            ..ProductionCalendar::default()
        }
    }

    /// The built-in Russian production calendar, 2019–2027, parsed once from the data file
    /// compiled into the binary.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{DayOverride, ProductionCalendar};
    ///
    /// let ru = ProductionCalendar::russia();
    /// // 27 April 2024 was a working Saturday.
    /// assert_eq!(
    ///     ru.get(date(2024, 4, 27)),
    ///     Some(&DayOverride::Working { weekend: true, shortened: false }),
    /// );
    /// ```
    pub fn russia() -> Arc<ProductionCalendar> {
        static RU: OnceLock<Arc<ProductionCalendar>> = OnceLock::new();
        RU.get_or_init(|| {
            let mut ru = parse_builtin(include_str!("../data/ru.toml"))
                .expect("the built-in calendar data file is valid");
            ru.fill_provisional_years(2010, 2049);
            Arc::new(ru)
        })
        .clone()
    }

    /// The calendar's name.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// assert!(ProductionCalendar::russia().name().contains("Российской"));
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sets the override for a date, marking its year as known, and returns the previous one.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{DayOverride, ProductionCalendar};
    ///
    /// let mut c = ProductionCalendar::new("Office");
    /// c.insert(date(2026, 12, 30), DayOverride::NonWorking { reason: "корпоратив".into() });
    /// assert_eq!(c.known_years(), Some((2026, 2026)));
    /// ```
    pub fn insert(&mut self, date: Date, day: DayOverride) -> Option<DayOverride> {
        self.by_day = DayIndex::default();
        self.years.entry(date.year()).or_default();
        self.days.insert(date, day)
    }

    /// Marks a year as known, even if it has no overrides, with what the source says of it.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{ProductionCalendar, YearInfo};
    ///
    /// let mut c = ProductionCalendar::new("Office");
    /// c.set_year(2030, YearInfo::default());
    /// assert_eq!(c.known_years(), Some((2030, 2030)));
    /// ```
    pub fn set_year(&mut self, year: i16, info: YearInfo) {
        self.by_day = DayIndex::default();
        self.years.insert(year, info);
    }

    /// Adds a fixed yearly holiday used for years the calendar does not know.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let mut c = ProductionCalendar::new("Office");
    /// c.add_fixed_holiday(1, 1, "New Year");
    /// assert!(c.get(date(2031, 1, 1)).unwrap().is_day_off());
    /// ```
    pub fn add_fixed_holiday(&mut self, month: i8, day: i8, name: impl Into<String>) {
        self.by_day = DayIndex::default();
        self.fixed_holidays
            .push((month, day, DayOverride::Holiday { name: name.into() }));
    }

    /// Fills the years from `from` to `to` that the calendar does not know with what the law
    /// says without a decree: the fixed holidays; a holiday on a Saturday or Sunday moves the
    /// day off to the next working day (Art. 112 part 2; not the 1–8 January holidays, which
    /// only a decree moves); and the working day just before a holiday is one hour shorter
    /// (Art. 95). The years stay provisional.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{DayOverride, ProductionCalendar};
    ///
    /// let ru = ProductionCalendar::russia();
    /// // 4 November 2028 is a Saturday: the day off moves to Monday 6 November.
    /// assert!(ru.get(date(2028, 11, 6)).unwrap().is_day_off());
    /// // 8 May 2028, before Victory Day, is shortened.
    /// assert_eq!(ru.get(date(2028, 5, 8)), Some(&DayOverride::Working { weekend: false, shortened: true }));
    /// assert!(ru.is_provisional(date(2028, 5, 8)));
    /// ```
    pub fn fill_provisional_years(&mut self, from: i16, to: i16) {
        self.by_day = DayIndex::default();
        for year in from..=to {
            if self.years.contains_key(&year) {
                continue;
            }
            let holidays: Vec<(Date, DayOverride)> = self
                .fixed_holidays
                .iter()
                .filter_map(|(m, d, o)| Some((Date::new(year, *m, *d).ok()?, o.clone())))
                .collect();
            let is_holiday = |d: Date| holidays.iter().any(|(h, _)| *h == d);
            let weekend = |d: Date| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            let mut off: Vec<Date> = Vec::new();
            for (h, o) in &holidays {
                self.days.insert(*h, o.clone());
                if weekend(*h) && !(h.month() == 1 && h.day() <= 8) {
                    let mut d = *h;
                    loop {
                        d = match d.tomorrow() {
                            Ok(t) => t,
                            Err(_) => break,
                        };
                        if !weekend(d) && !is_holiday(d) && !off.contains(&d) {
                            off.push(d);
                            if !self.years.contains_key(&d.year()) {
                                self.days
                                    .insert(d, DayOverride::TransferredDayOff { from: Some(*h) });
                            }
                            break;
                        }
                    }
                }
            }
            for (h, _) in &holidays {
                if let Ok(before) = h.yesterday()
                    && !weekend(before)
                    && !is_holiday(before)
                    && !off.contains(&before)
                    && !self.years.contains_key(&before.year())
                {
                    self.days.insert(
                        before,
                        DayOverride::Working {
                            weekend: false,
                            shortened: true,
                        },
                    );
                }
            }
        }
    }

    /// Copies the fixed holidays of another calendar, e.g. the Art. 112 holidays into an
    /// imported Russian calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let mut c = ProductionCalendar::new("Imported");
    /// c.inherit_fixed_holidays(&ProductionCalendar::russia());
    /// assert!(c.get(date(2035, 11, 4)).unwrap().is_day_off());
    /// ```
    pub fn inherit_fixed_holidays(&mut self, other: &ProductionCalendar) {
        self.by_day = DayIndex::default();
        self.fixed_holidays = other.fixed_holidays.clone();
    }

    /// The first and last year the calendar knows, or `None` for an empty calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// assert_eq!(ProductionCalendar::russia().known_years(), Some((2019, 2027)));
    /// ```
    pub fn known_years(&self) -> Option<(i16, i16)> {
        Some((*self.years.keys().next()?, *self.years.keys().next_back()?))
    }

    /// What the calendar records about a known year.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let ru = ProductionCalendar::russia();
    /// assert!(ru.year(2024).unwrap().basis.as_deref().unwrap().contains("№"));
    /// assert!(ru.year(2031).is_none());
    /// ```
    pub fn year(&self, year: i16) -> Option<&YearInfo> {
        self.years.get(&year)
    }

    /// Whether a date lies in a year the calendar does not know.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let ru = ProductionCalendar::russia();
    /// assert!(!ru.is_provisional(date(2027, 12, 31)));
    /// assert!(ru.is_provisional(date(2028, 1, 1)));
    /// ```
    pub fn is_provisional(&self, date: Date) -> bool {
        !self.years.contains_key(&date.year())
    }

    /// The override for a date: the recorded one in a known year, or a fixed holiday in an
    /// unknown year. `None` means the weekly pattern applies unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let ru = ProductionCalendar::russia();
    /// assert!(ru.get(date(2026, 11, 23)).is_none());
    /// assert!(ru.get(date(2026, 11, 4)).unwrap().is_day_off());
    /// ```
    pub fn get(&self, date: Date) -> Option<&DayOverride> {
        if let Some(answer) = self.by_day.0.get_or_init(|| self.dense()).get(date) {
            return answer;
        }
        self.looked_up(date)
    }

    /// [`ProductionCalendar::get`] from the maps.
    fn looked_up(&self, date: Date) -> Option<&DayOverride> {
        if let Some(d) = self.days.get(&date) {
            return Some(d);
        }
        if self.is_provisional(date) {
            return self.fixed_holiday(date);
        }
        None
    }

    /// The dense index over the years the calendar records or fills (at most
    /// [`DENSE_YEARS`] of them), each day answered as [`ProductionCalendar::looked_up`] does.
    fn dense(&self) -> DenseDays {
        let first = [
            self.days.keys().next().map(|d| d.year()),
            self.years.keys().next().copied(),
        ]
        .into_iter()
        .flatten()
        .min();
        let last = [
            self.days.keys().next_back().map(|d| d.year()),
            self.years.keys().next_back().copied(),
        ]
        .into_iter()
        .flatten()
        .max();
        let (Some(first), Some(last)) = (first, last) else {
            return DenseDays::default();
        };
        if i32::from(last) - i32::from(first) >= DENSE_YEARS {
            return DenseDays::default();
        }
        let mut dense = DenseDays {
            first_year: first,
            ..DenseDays::default()
        };
        let mut total = 0u32;
        for year in first..=last {
            dense.year_start.push(total);
            total += if Date::new(year, 12, 31).map_or(365, |d| d.day_of_year()) == 366 {
                366
            } else {
                365
            };
        }
        dense.slots = vec![0; total as usize];
        // The recorded days first; then, in the years the calendar does not know, the first
        // fixed holiday of each date the records leave free — the order `looked_up` asks in.
        for (d, o) in &self.days {
            if let Some(slot) = dense.slot(*d) {
                dense.values.push(o.clone());
                dense.slots[slot] = dense.values.len() as u32;
            }
        }
        for year in first..=last {
            if self.years.contains_key(&year) {
                continue;
            }
            for (m, day, o) in &self.fixed_holidays {
                let Ok(d) = Date::new(year, *m, *day) else {
                    continue;
                };
                if let Some(slot) = dense.slot(d)
                    && dense.slots[slot] == 0
                {
                    dense.values.push(o.clone());
                    dense.slots[slot] = dense.values.len() as u32;
                }
            }
        }
        dense
    }

    fn fixed_holiday(&self, date: Date) -> Option<&DayOverride> {
        self.fixed_holidays
            .iter()
            .find(|(m, d, _)| *m == date.month() && *d == date.day())
            .map(|(_, _, o)| o)
    }

    /// The override recorded for a date, not counting fixed holidays of unknown years.
    pub(crate) fn get_recorded(&self, date: Date) -> Option<&DayOverride> {
        self.days.get(&date)
    }

    /// Every recorded override, in date order.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let n = ProductionCalendar::russia().iter().filter(|(d, _)| d.year() == 2026).count();
    /// assert!(n > 10);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Date, &DayOverride)> {
        self.days.iter().map(|(d, o)| (*d, o))
    }

    /// Whether a date is a working day for a plain Monday–Friday week under this calendar,
    /// counting Presidential days as days off.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::ProductionCalendar;
    ///
    /// let ru = ProductionCalendar::russia();
    /// assert!(ru.is_working_day(date(2024, 12, 28))); // a working Saturday
    /// assert!(!ru.is_working_day(date(2024, 12, 30)));
    /// ```
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.get(date) {
            Some(o) => !o.is_day_off(),
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuiltin {
    #[allow(dead_code)]
    country: String,
    name: String,
    holidays: Vec<RawHoliday>,
    years: BTreeMap<String, RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    date: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    decree: String,
    #[allow(dead_code)]
    status: String,
    working_days: u16,
    hours_40h: u16,
    days_off: Vec<RawDayOff>,
    shortened: Vec<Date>,
    working_weekends: Vec<Date>,
    #[serde(default)]
    presidential: Vec<RawPresidential>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDayOff {
    date: Date,
    from: Option<Date>,
    #[allow(dead_code)]
    basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPresidential {
    date: Date,
    basis: String,
    #[serde(default)]
    shortened: bool,
}

fn parse_builtin(text: &str) -> Result<ProductionCalendar, Error> {
    let raw: RawBuiltin =
        toml::from_str(text).map_err(|e| Error::parse(format!("calendar data: {e}")))?;
    let mut cal = ProductionCalendar::new(raw.name);
    for h in &raw.holidays {
        let (m, d) = h
            .date
            .split_once('-')
            .and_then(|(m, d)| Some((m.parse().ok()?, d.parse().ok()?)))
            .ok_or_else(|| Error::parse(format!("holiday date `{}` is not `MM-DD`", h.date)))?;
        cal.add_fixed_holiday(m, d, h.name.clone());
    }
    for (year, y) in raw.years {
        let year: i16 = year
            .parse()
            .map_err(|_| Error::parse(format!("year `{year}` is not a number")))?;
        cal.set_year(
            year,
            YearInfo {
                basis: Some(y.decree),
                working_days: Some(y.working_days),
                hours_40h: Some(y.hours_40h),
            },
        );
        for (m, d, holiday) in cal.fixed_holidays.clone() {
            let date = Date::new(year, m, d).map_err(|e| Error::parse(e.to_string()))?;
            cal.insert(date, holiday);
        }
        for off in y.days_off {
            cal.insert(off.date, DayOverride::TransferredDayOff { from: off.from });
        }
        for p in y.presidential {
            cal.insert(
                p.date,
                DayOverride::Presidential {
                    basis: p.basis,
                    shortened: p.shortened,
                },
            );
        }
        for d in &y.working_weekends {
            cal.insert(
                *d,
                DayOverride::Working {
                    weekend: true,
                    shortened: false,
                },
            );
        }
        for d in y.shortened {
            cal.insert(
                d,
                DayOverride::Working {
                    weekend: y.working_weekends.contains(&d),
                    shortened: true,
                },
            );
        }
    }
    Ok(cal)
}

#[cfg(test)]
mod dense_index {
    use super::*;
    use jiff::civil::date;

    /// Every day from `from` to `to`, answered by the index and by the maps alike.
    fn agree(c: &ProductionCalendar, from: Date, to: Date) {
        let mut d = from;
        while d <= to {
            assert_eq!(c.get(d), c.looked_up(d), "{d}");
            d = d.tomorrow().unwrap();
        }
    }

    #[test]
    fn the_index_answers_every_day_as_the_maps_do() {
        let ru = ProductionCalendar::russia();
        agree(&ru, date(2000, 1, 1), date(2060, 12, 31));
        let mut own = ProductionCalendar::new("own");
        own.add_fixed_holiday(2, 29, "Високосный");
        own.add_fixed_holiday(1, 1, "Новый год");
        own.insert(
            date(2026, 1, 1),
            DayOverride::TransferredDayOff { from: None },
        );
        own.set_year(2027, YearInfo::default());
        agree(&own, date(2024, 1, 1), date(2032, 12, 31));
        // A change after a lookup is seen by the next one.
        assert_eq!(own.get(date(2030, 3, 8)), None);
        own.add_fixed_holiday(3, 8, "8 Марта");
        assert!(own.get(date(2030, 3, 8)).is_some());
        agree(&own, date(2024, 1, 1), date(2032, 12, 31));
        assert_eq!(ProductionCalendar::new("empty").get(date(2026, 1, 1)), None);
    }
}
