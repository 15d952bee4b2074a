//! Explanations: the working intervals that were counted, and the days skipped and why.

use std::fmt;

use jiff::civil::Date;
use jiff::{SignedDuration, Zoned};

/// A stretch of working time that was counted.
///
/// # Example
///
/// ```
/// use reglament_calendar::{Schedule, WeeklyPattern};
///
/// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
///     .compile_years(2026, 2026)?;
/// let e = wt.explain("2026-11-23T17:00:00Z".parse()?, "2026-11-24T10:00:00Z".parse()?)?;
/// assert_eq!(e.counted[0].to_string(), "2026-11-23 17:00–18:00 (1 h)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountedInterval {
    /// Start of the stretch, in the schedule's time zone.
    pub from: Zoned,
    /// End of the stretch, in the schedule's time zone.
    pub to: Zoned,
    /// Why the day differs from the weekly pattern, if it does.
    pub note: Option<String>,
}

impl CountedInterval {
    /// The working time in the stretch.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).compile_years(2026, 2026)?;
    /// let e = wt.explain("2026-11-23T10:00:00Z".parse()?, "2026-11-23T10:30:00Z".parse()?)?;
    /// assert_eq!(e.counted[0].duration().as_mins(), 30);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn duration(&self) -> SignedDuration {
        self.from.duration_until(&self.to)
    }
}

impl fmt::Display for CountedInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}–{} ({})",
            self.from.date(),
            self.from.strftime("%H:%M"),
            if self.to.date() != self.from.date() && self.to.time() == jiff::civil::Time::midnight()
            {
                "24:00".to_string()
            } else {
                self.to.strftime("%H:%M").to_string()
            },
            human(self.duration())
        )?;
        if let Some(n) = &self.note {
            write!(f, " — {n}")?;
        }
        Ok(())
    }
}

/// A day with no working time between the start and the end, and why.
///
/// # Example
///
/// ```
/// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
///
/// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
///     .with_calendar(ProductionCalendar::russia())
///     .compile()?;
/// let e = wt.explain("2026-06-11T10:00:00Z".parse()?, "2026-06-15T10:00:00Z".parse()?)?;
/// assert_eq!(e.skipped[0].reason, "2026-06-12 (Friday): public holiday (День России)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedDay {
    /// The date.
    pub date: Date,
    /// Why it had no working time.
    pub reason: String,
    /// The day's plan under the schedule, for explanations in other words and languages.
    pub plan: crate::DayPlan,
}

/// How a stretch of working time, or a deadline, was computed.
///
/// # Example
///
/// ```
/// use reglament_calendar::{Schedule, WeeklyPattern};
///
/// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
///     .compile_years(2026, 2026)?;
/// let e = wt.explain("2026-11-20T17:00:00Z".parse()?, "2026-11-23T10:00:00Z".parse()?)?;
/// let text = e.to_string();
/// assert!(text.contains("skipped 2026-11-21 (Saturday): weekend"));
/// assert!(text.contains("working time: 2 h"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The instant asked about.
    pub from: Zoned,
    /// Where counting began: the first working instant at or after `from`.
    pub effective_start: Zoned,
    /// The end.
    pub to: Zoned,
    /// The working time counted.
    pub working: SignedDuration,
    /// The stretches counted, in order.
    pub counted: Vec<CountedInterval>,
    /// The days with no working time, in order.
    pub skipped: Vec<SkippedDay>,
    /// Some of it depends on years the calendar does not know.
    pub provisional: bool,
    /// Further remarks, such as the term and whether a bound applied.
    pub notes: Vec<String>,
}

/// Formats a duration as hours and minutes, e.g. `2 h 30 min`.
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
///
/// assert_eq!(reglament_calendar::human(SignedDuration::from_mins(150)), "2 h 30 min");
/// assert_eq!(reglament_calendar::human(SignedDuration::from_mins(-5)), "-5 min");
/// ```
pub fn human(d: SignedDuration) -> String {
    let s = d.as_secs();
    let sign = if s < 0 { "-" } else { "" };
    let s = s.unsigned_abs();
    let (h, m) = (s / 3600, (s % 3600) / 60);
    match (h, m) {
        (0, m) => format!("{sign}{m} min"),
        (h, 0) => format!("{sign}{h} h"),
        (h, m) => format!("{sign}{h} h {m} min"),
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "from: {}", self.from.strftime("%Y-%m-%dT%H:%M:%S%:z"))?;
        if self.effective_start.timestamp() != self.from.timestamp() {
            writeln!(
                f,
                "counting starts at the next opening: {}",
                self.effective_start.strftime("%Y-%m-%dT%H:%M:%S%:z")
            )?;
        }
        writeln!(f, "to: {}", self.to.strftime("%Y-%m-%dT%H:%M:%S%:z"))?;
        let mut skipped = self.skipped.iter().peekable();
        for c in &self.counted {
            while let Some(s) = skipped.next_if(|s| s.date < c.from.date()) {
                writeln!(f, "  skipped {}", s.reason)?;
            }
            writeln!(f, "  counted {c}")?;
        }
        for s in skipped {
            writeln!(f, "  skipped {}", s.reason)?;
        }
        writeln!(f, "working time: {}", human(self.working))?;
        for n in &self.notes {
            writeln!(f, "{n}")?;
        }
        if self.provisional {
            writeln!(
                f,
                "provisional: beyond the years the calendar knows, only the weekly pattern and the fixed holidays were used"
            )?;
        }
        Ok(())
    }
}
