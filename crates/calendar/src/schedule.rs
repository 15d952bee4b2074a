//! Schedules: a time zone, a weekly pattern and date overrides, and what they make of each date.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

use crate::{DayHours, DayOverride, Error, ProductionCalendar, WeeklyPattern, WorkingTime};

/// A working schedule: a time zone, a weekly pattern, an optional production calendar and the
/// schedule's own date overrides.
///
/// A schedule is a description. [`Schedule::compile`] turns it into a [`WorkingTime`], which
/// does the arithmetic.
///
/// # Example
///
/// ```
/// use jiff::civil::date;
/// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
///
/// let s = Schedule::new(
///     jiff::tz::TimeZone::get("Europe/Moscow")?,
///     WeeklyPattern::parse("mon-fri", "09:00-18:00")?,
/// )
/// .with_calendar(ProductionCalendar::russia());
/// // 8 May 2026 is a shortened pre-holiday day.
/// assert_eq!(s.day(date(2026, 5, 8)).hours.to_string(), "09:00-17:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Schedule {
    tz: TimeZone,
    weekly: WeeklyPattern,
    calendar: Option<Arc<ProductionCalendar>>,
    overrides: BTreeMap<Date, DayOverride>,
    presidential_working: bool,
    shorten_pre_holiday: bool,
    weekend_hours_from: Weekday,
}

/// Why a date has the hours it has.
///
/// # Example
///
/// ```
/// use jiff::civil::date;
/// use reglament_calendar::{DayReason, Schedule, WeeklyPattern};
///
/// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?);
/// assert_eq!(s.day(date(2026, 11, 21)).reason, DayReason::Pattern);
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayReason {
    /// The weekly pattern applies unchanged.
    Pattern,
    /// The production calendar overrides the pattern.
    Calendar(DayOverride),
    /// The schedule's own override applies.
    Schedule(DayOverride),
}

/// The hours of one date under a schedule, and why.
///
/// # Example
///
/// ```
/// use jiff::civil::date;
/// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
///
/// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
///     .with_calendar(ProductionCalendar::russia());
/// let day = s.day(date(2026, 6, 12));
/// assert!(day.hours.is_empty());
/// assert_eq!(day.to_string(), "2026-06-12 (Friday): public holiday (День России)");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayPlan {
    /// The date.
    pub date: Date,
    /// The working hours that day; empty for a day off.
    pub hours: DayHours,
    /// Why the day has these hours.
    pub reason: DayReason,
    /// The date lies in a year the calendar does not know.
    pub provisional: bool,
}

impl fmt::Display for DayPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:?}): ", self.date, self.date.weekday())?;
        match &self.reason {
            DayReason::Pattern if self.hours.is_empty() => match self.date.weekday() {
                Weekday::Saturday | Weekday::Sunday => f.write_str("weekend")?,
                _ => f.write_str("not a working day of the schedule")?,
            },
            DayReason::Pattern => f.write_str("working day")?,
            DayReason::Calendar(o @ DayOverride::Presidential { .. }) if !self.hours.is_empty() => {
                write!(f, "{o}, counted as working")?
            }
            DayReason::Calendar(o) => write!(f, "{o}")?,
            DayReason::Schedule(o) => write!(f, "{o}, by the schedule")?,
        }
        if self.provisional {
            f.write_str(" (provisional)")?;
        }
        Ok(())
    }
}

impl Schedule {
    /// A schedule with a time zone and weekly pattern, and no calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always());
    /// assert!(s.calendar().is_none());
    /// ```
    pub fn new(tz: TimeZone, weekly: WeeklyPattern) -> Schedule {
        Schedule {
            tz,
            weekly,
            calendar: None,
            overrides: BTreeMap::new(),
            presidential_working: false,
            shorten_pre_holiday: true,
            weekend_hours_from: Weekday::Monday,
        }
    }

    /// Uses a production calendar for holidays, transfers and shortened days.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always())
    ///     .with_calendar(ProductionCalendar::russia());
    /// assert!(s.calendar().is_some());
    /// ```
    pub fn with_calendar(mut self, calendar: Arc<ProductionCalendar>) -> Schedule {
        self.calendar = Some(calendar);
        self
    }

    /// Adds the schedule's own override for a date. It wins over the calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{DayOverride, Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .with_override(date(2026, 12, 30), DayOverride::Hours {
    ///         hours: "09:00-15:00".parse()?,
    ///         reason: "корпоратив".into(),
    ///     });
    /// assert_eq!(s.day(date(2026, 12, 30)).hours.minutes(), 360);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn with_override(mut self, date: Date, day: DayOverride) -> Schedule {
        self.overrides.insert(date, day);
        self
    }

    /// Whether the Presidential non-working days of 2020–2021 count as working days. They do
    /// not by default.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .with_calendar(ProductionCalendar::russia());
    /// assert!(s.day(date(2020, 4, 15)).hours.is_empty());
    /// let s = s.count_presidential_days(true);
    /// assert_eq!(s.day(date(2020, 4, 15)).hours.minutes(), 540);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn count_presidential_days(mut self, working: bool) -> Schedule {
        self.presidential_working = working;
        self
    }

    /// Whether shortened pre-holiday days end one hour earlier. They do by default; a 24/7
    /// line may turn it off.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .with_calendar(ProductionCalendar::russia())
    ///     .shorten_pre_holiday_days(false);
    /// assert_eq!(s.day(date(2026, 5, 8)).hours.minutes(), 540);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn shorten_pre_holiday_days(mut self, shorten: bool) -> Schedule {
        self.shorten_pre_holiday = shorten;
        self
    }

    /// Whether the calendar's pre-holiday days are an hour shorter here.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always());
    /// assert!(s.shortens_pre_holiday_days());
    /// assert!(!s.shorten_pre_holiday_days(false).shortens_pre_holiday_days());
    /// ```
    pub fn shortens_pre_holiday_days(&self) -> bool {
        self.shorten_pre_holiday
    }

    /// Which weekday's hours a working Saturday or Sunday uses when the weekly pattern has no
    /// hours on that day. Monday by default.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::{date, Weekday};
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let mut w = WeeklyPattern::parse("mon-thu", "09:00-18:00")?;
    /// w.set("fri", "09:00-16:45".parse()?)?;
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, w)
    ///     .with_calendar(ProductionCalendar::russia())
    ///     .working_weekend_hours(Weekday::Friday);
    /// assert_eq!(s.day(date(2024, 4, 27)).hours.to_string(), "09:00-16:45");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn working_weekend_hours(mut self, weekday: Weekday) -> Schedule {
        self.weekend_hours_from = weekday;
        self
    }

    /// The schedule's time zone.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always());
    /// assert_eq!(s.time_zone(), &jiff::tz::TimeZone::UTC);
    /// ```
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The schedule's weekly pattern.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always());
    /// assert_eq!(s.weekly().weekly_minutes(), 10080);
    /// ```
    pub fn weekly(&self) -> &WeeklyPattern {
        &self.weekly
    }

    /// The schedule's production calendar, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// assert!(Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).calendar().is_none());
    /// ```
    pub fn calendar(&self) -> Option<&Arc<ProductionCalendar>> {
        self.calendar.as_ref()
    }

    /// The schedule's own overrides, in date order.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// assert_eq!(Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).overrides().count(), 0);
    /// ```
    pub fn overrides(&self) -> impl Iterator<Item = (Date, &DayOverride)> {
        self.overrides.iter().map(|(d, o)| (*d, o))
    }

    /// Whether a date lies beyond the years the schedule's calendar knows. A schedule with no
    /// calendar is never provisional.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always())
    ///     .with_calendar(ProductionCalendar::russia());
    /// assert!(s.is_provisional(date(2028, 3, 1)));
    /// ```
    pub fn is_provisional(&self, date: Date) -> bool {
        self.calendar
            .as_ref()
            .is_some_and(|c| c.is_provisional(date))
    }

    /// The hours of a date and why.
    ///
    /// Precedence: the schedule's own override, then the calendar, then the weekly pattern.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::date;
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "10:00-18:00")?)
    ///     .with_calendar(ProductionCalendar::russia());
    /// // A working Saturday that is also a shortened day.
    /// assert_eq!(s.day(date(2025, 11, 1)).hours.to_string(), "10:00-17:00");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn day(&self, date: Date) -> DayPlan {
        let provisional = self.is_provisional(date);
        let (reason, over) = if let Some(o) = self.overrides.get(&date) {
            (DayReason::Schedule(o.clone()), Some(o))
        } else if let Some(o) = self.calendar.as_ref().and_then(|c| c.get(date)) {
            // A schedule that keeps pre-holiday days whole says so: the day is no shorter.
            let told = match o {
                DayOverride::Working {
                    weekend,
                    shortened: true,
                } if !self.shorten_pre_holiday => DayOverride::Working {
                    weekend: *weekend,
                    shortened: false,
                },
                other => other.clone(),
            };
            (DayReason::Calendar(told), Some(o))
        } else {
            (DayReason::Pattern, None)
        };
        let hours = match over {
            None => self.weekly.day(date.weekday()).clone(),
            Some(o) => self.override_hours(date, o),
        };
        debug_assert_eq!(&hours, &*self.hours_on(date));
        DayPlan {
            date,
            hours,
            reason,
            provisional,
        }
    }

    /// The working hours of a date, as [`Schedule::day`] gives them, without the reason: what
    /// compiling needs for every day of forty years, borrowed on a day the pattern decides.
    pub(crate) fn hours_on(&self, date: Date) -> std::borrow::Cow<'_, DayHours> {
        let over = self
            .overrides
            .get(&date)
            .or_else(|| self.calendar.as_ref().and_then(|c| c.get(date)));
        match over {
            None => std::borrow::Cow::Borrowed(self.weekly.day(date.weekday())),
            Some(o) => std::borrow::Cow::Owned(self.override_hours(date, o)),
        }
    }

    fn override_hours(&self, date: Date, o: &DayOverride) -> DayHours {
        let own = self.weekly.day(date.weekday());
        let working = |shortened: bool| {
            let base = if own.is_empty() {
                self.weekly.day(self.weekend_hours_from)
            } else {
                own
            };
            if shortened && self.shorten_pre_holiday {
                base.shortened(60)
            } else {
                base.clone()
            }
        };
        match o {
            DayOverride::Holiday { .. }
            | DayOverride::TransferredDayOff { .. }
            | DayOverride::NonWorking { .. } => DayHours::off(),
            // Counted as working, a Presidential day is the working day it replaced; on a
            // Saturday or Sunday it replaced nothing, so it keeps the weekend's own hours.
            DayOverride::Presidential { shortened, .. } => {
                if self.presidential_working && !own.is_empty() {
                    working(*shortened)
                } else {
                    DayHours::off()
                }
            }
            DayOverride::Working { shortened, .. } => working(*shortened),
            DayOverride::Hours { hours, .. } => hours.clone(),
        }
    }

    /// Compiles the schedule for the default range of years, 2010–2049.
    ///
    /// # Errors
    ///
    /// Returns an error if a local time cannot be placed in the time zone.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).compile()?;
    /// assert_eq!(wt.years(), (2010, 2049));
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn compile(&self) -> Result<WorkingTime, Error> {
        WorkingTime::compile(self.clone(), 2010, 2049)
    }

    /// Compiles the schedule for the years `from..=to`.
    ///
    /// # Errors
    ///
    /// Returns an error if `from > to`, a year is out of the supported range, or a local time
    /// cannot be placed in the time zone.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let s = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always());
    /// assert_eq!(s.compile_years(2026, 2027)?.years(), (2026, 2027));
    /// assert!(s.compile_years(2027, 2026).is_err());
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn compile_years(&self, from: i16, to: i16) -> Result<WorkingTime, Error> {
        WorkingTime::compile(self.clone(), from, to)
    }
}
