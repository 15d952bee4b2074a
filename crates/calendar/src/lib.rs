//! Working schedules, the Russian production calendar and exact working-time arithmetic.
//!
//! A support regulation promises reaction and resolution times in *working* time: the hours of a
//! schedule, on the days of a production calendar with its holidays, transferred days off,
//! working Saturdays and shortened pre-holiday days. This crate computes such deadlines exactly,
//! explains them, and does it in a few hundred nanoseconds. It does no I/O.
//!
//! ```
//! use jiff::Timestamp;
//! use reglament_calendar::{ProductionCalendar, Schedule, Term, WeeklyPattern};
//!
//! // Monday to Friday, 09:00–18:00 Moscow time, on the Russian production calendar.
//! let schedule = Schedule::new(
//!     jiff::tz::TimeZone::get("Europe/Moscow")?,
//!     WeeklyPattern::parse("mon-fri", "09:00-18:00")?,
//! )
//! .with_calendar(ProductionCalendar::russia());
//! let wt = schedule.compile()?;
//!
//! // 8 May 2026 is shortened to 17:00, and 9–11 May are off.
//! let start: Timestamp = "2026-05-08T16:30:00+03:00".parse()?;
//! let (deadline, why) = wt.explain_deadline(start, &"60 working minutes".parse::<Term>()?)?;
//! assert_eq!(
//!     deadline.at.to_zoned(schedule.time_zone().clone()).strftime("%FT%T%:z").to_string(),
//!     "2026-05-12T09:30:00+03:00",
//! );
//! assert_eq!(why.skipped.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Map
//!
//! - [`TimeOfDay`], [`TimeRange`], [`DayHours`] and [`WeeklyPattern`] describe local hours.
//! - [`ProductionCalendar`] holds per-date [`DayOverride`]s; [`ProductionCalendar::russia`] is
//!   the built-in Russian calendar for 2019–2027, read from `data/ru.toml`.
//! - [`Schedule`] combines a time zone, a pattern, a calendar and overrides, and says what each
//!   date's hours are ([`DayPlan`]).
//! - [`WorkingTime`] is a compiled schedule: [`add`](WorkingTime::add),
//!   [`between`](WorkingTime::between), [`next_opening`](WorkingTime::next_opening),
//!   [`add_working_days`](WorkingTime::add_working_days), calendar days and weekdays, and
//!   [`deadline`](WorkingTime::deadline) for a [`Term`].
//! - [`Explanation`] lists what was counted and skipped.
//! - [`import`] reads xmlcalendar XML, data.gov.ru CSV and iCalendar files.

#![deny(missing_docs)]

mod calendar;
mod error;
mod explain;
mod hours;
pub mod import;
mod schedule;
mod term;
mod working_time;

pub use calendar::{DayOverride, ProductionCalendar, YearInfo};
pub use error::{Error, printable};
pub use explain::{CountedInterval, Explanation, SkippedDay, human};
pub use hours::{DayHours, TimeOfDay, TimeRange, WeeklyPattern, parse_day_selector, parse_weekday};
pub use schedule::{DayPlan, DayReason, Schedule};
pub use term::{Term, TermPart};
pub use working_time::{Deadline, WorkingTime};
