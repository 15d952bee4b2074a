//! Local working hours: a time of day with minute precision, ranges of it, the hours of one day
//! and the weekly pattern of hours.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Weekday;

use crate::Error;

/// A local time of day with minute precision, from `00:00` to a true `24:00`.
///
/// `24:00` is the end of the day, so that a range such as `00:00-24:00` covers the whole day.
///
/// # Example
///
/// ```
/// use reglament_calendar::TimeOfDay;
///
/// let t: TimeOfDay = "24:00".parse()?;
/// assert_eq!(t.minutes(), 1440);
/// assert_eq!(t.to_string(), "24:00");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Midnight at the start of the day.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    /// The true end of the day, `24:00`.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(1440);

    /// Creates a time of day from minutes since midnight.
    ///
    /// # Errors
    ///
    /// Returns an error when `minutes` is greater than 1440 (`24:00`).
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::TimeOfDay;
    ///
    /// assert_eq!(TimeOfDay::from_minutes(570)?.to_string(), "09:30");
    /// assert!(TimeOfDay::from_minutes(1441).is_err());
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn from_minutes(minutes: u16) -> Result<TimeOfDay, Error> {
        if minutes > 1440 {
            return Err(Error::parse(format!(
                "time of day `{minutes}` minutes is past `24:00`"
            )));
        }
        Ok(TimeOfDay(minutes))
    }

    /// Minutes since midnight, from 0 to 1440.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::TimeOfDay;
    ///
    /// assert_eq!("18:00".parse::<TimeOfDay>()?.minutes(), 1080);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl FromStr for TimeOfDay {
    type Err = Error;

    fn from_str(s: &str) -> Result<TimeOfDay, Error> {
        let bad = || {
            Error::parse(format!(
                "time of day `{s}` is not valid, expected `HH:MM` from `00:00` to `24:00`"
            ))
        };
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(bad());
        }
        Ok(TimeOfDay(h * 60 + m))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A non-empty local range of working time within one day, `start` inclusive, `end` exclusive.
///
/// # Example
///
/// ```
/// use reglament_calendar::TimeRange;
///
/// let r: TimeRange = "09:00-18:00".parse()?;
/// assert_eq!(r.minutes(), 540);
/// assert!("18:00-09:00".parse::<TimeRange>().is_err());
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeRange {
    start: TimeOfDay,
    end: TimeOfDay,
}

impl TimeRange {
    /// Creates a range.
    ///
    /// # Errors
    ///
    /// Returns an error when `end` is not after `start`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{TimeOfDay, TimeRange};
    ///
    /// let r = TimeRange::new("06:00".parse()?, TimeOfDay::END_OF_DAY)?;
    /// assert_eq!(r.to_string(), "06:00-24:00");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Result<TimeRange, Error> {
        if end <= start {
            return Err(Error::parse(format!(
                "time range `{start}-{end}` is empty, expected the end after the start"
            )));
        }
        Ok(TimeRange { start, end })
    }

    /// The first working minute.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::TimeRange;
    ///
    /// let r: TimeRange = "10:00-20:00".parse()?;
    /// assert_eq!(r.start().to_string(), "10:00");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn start(self) -> TimeOfDay {
        self.start
    }

    /// The closing time (exclusive).
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::TimeRange;
    ///
    /// let r: TimeRange = "10:00-20:00".parse()?;
    /// assert_eq!(r.end().to_string(), "20:00");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn end(self) -> TimeOfDay {
        self.end
    }

    /// The length of the range in minutes.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::TimeRange;
    ///
    /// assert_eq!("00:00-24:00".parse::<TimeRange>()?.minutes(), 1440);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn minutes(self) -> u16 {
        self.end.0 - self.start.0
    }
}

impl FromStr for TimeRange {
    type Err = Error;

    fn from_str(s: &str) -> Result<TimeRange, Error> {
        let (a, b) = s.trim().split_once('-').ok_or_else(|| {
            Error::parse(format!(
                "time range `{s}` is not valid, expected `HH:MM-HH:MM`"
            ))
        })?;
        TimeRange::new(a.parse()?, b.parse()?)
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// The working hours of one day: sorted, non-overlapping ranges. Empty means a day off.
///
/// # Example
///
/// ```
/// use reglament_calendar::DayHours;
///
/// let h: DayHours = "09:00-13:00, 14:00-18:00".parse()?;
/// assert_eq!(h.minutes(), 480);
/// assert_eq!(h.shortened(60).to_string(), "09:00-13:00, 14:00-17:00");
/// assert!("off".parse::<DayHours>()?.is_empty());
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DayHours(Vec<TimeRange>);

impl DayHours {
    /// A day with no working hours.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(reglament_calendar::DayHours::off().is_empty());
    /// ```
    pub fn off() -> DayHours {
        DayHours(Vec::new())
    }

    /// Builds the hours of a day from ranges.
    ///
    /// # Errors
    ///
    /// Returns an error when two ranges overlap. Touching ranges are merged.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::DayHours;
    ///
    /// let h = DayHours::new(vec!["14:00-18:00".parse()?, "09:00-13:00".parse()?])?;
    /// assert_eq!(h.to_string(), "09:00-13:00, 14:00-18:00");
    /// assert!(DayHours::new(vec!["09:00-13:00".parse()?, "12:00-18:00".parse()?]).is_err());
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn new(mut ranges: Vec<TimeRange>) -> Result<DayHours, Error> {
        ranges.sort();
        let mut out: Vec<TimeRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            if let Some(last) = out.last_mut() {
                if r.start < last.end {
                    return Err(Error::parse(format!(
                        "time ranges `{last}` and `{r}` overlap"
                    )));
                }
                if r.start == last.end {
                    last.end = r.end;
                    continue;
                }
            }
            out.push(r);
        }
        Ok(DayHours(out))
    }

    /// The ranges, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::DayHours;
    ///
    /// let h: DayHours = "10:00-18:00".parse()?;
    /// assert_eq!(h.ranges().len(), 1);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn ranges(&self) -> &[TimeRange] {
        &self.0
    }

    /// Whether the day has no working time.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::DayHours;
    ///
    /// assert!(!"10:00-18:00".parse::<DayHours>()?.is_empty());
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The total working minutes of the day.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::DayHours;
    ///
    /// assert_eq!("08:00-16:00".parse::<DayHours>()?.minutes(), 480);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn minutes(&self) -> u32 {
        self.0.iter().map(|r| u32::from(r.minutes())).sum()
    }

    /// The closing time of the day, if it works at all.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::DayHours;
    ///
    /// let h: DayHours = "09:00-13:00, 14:00-18:00".parse()?;
    /// assert_eq!(h.closing().unwrap().to_string(), "18:00");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn closing(&self) -> Option<TimeOfDay> {
        self.0.last().map(|r| r.end)
    }

    /// The same hours, ending `minutes` earlier: the last ranges are cut from the end.
    ///
    /// A pre-holiday day (Art. 95 of the Labour Code) is `shortened(60)`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::DayHours;
    ///
    /// let h: DayHours = "09:00-13:00, 17:30-18:00".parse()?;
    /// assert_eq!(h.shortened(60).to_string(), "09:00-12:30");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn shortened(&self, minutes: u16) -> DayHours {
        let mut left = minutes;
        let mut out = self.0.clone();
        while left > 0 {
            let Some(last) = out.last_mut() else { break };
            let len = last.minutes();
            if len > left {
                last.end = TimeOfDay(last.end.0 - left);
                left = 0;
            } else {
                left -= len;
                out.pop();
            }
        }
        DayHours(out)
    }
}

impl FromStr for DayHours {
    type Err = Error;

    fn from_str(s: &str) -> Result<DayHours, Error> {
        let t = s.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("off") || t == "-" {
            return Ok(DayHours::off());
        }
        let ranges = t
            .split(',')
            .map(|p| p.parse::<TimeRange>())
            .collect::<Result<Vec<_>, _>>()?;
        DayHours::new(ranges)
    }
}

impl fmt::Display for DayHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("off");
        }
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// Working hours for each day of the week, Monday first.
///
/// # Example
///
/// ```
/// use jiff::civil::Weekday;
/// use reglament_calendar::WeeklyPattern;
///
/// let w = WeeklyPattern::parse("mon-fri", "09:00-18:00")?;
/// assert_eq!(w.day(Weekday::Friday).minutes(), 540);
/// assert!(w.day(Weekday::Saturday).is_empty());
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct WeeklyPattern {
    days: [DayHours; 7],
}

impl WeeklyPattern {
    /// A week with no working time at all.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::WeeklyPattern;
    ///
    /// assert_eq!(WeeklyPattern::empty().weekly_minutes(), 0);
    /// ```
    pub fn empty() -> WeeklyPattern {
        WeeklyPattern::default()
    }

    /// A week whose every day is one whole working day: 24/7 support.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::WeeklyPattern;
    ///
    /// assert_eq!(WeeklyPattern::always().weekly_minutes(), 7 * 1440);
    /// ```
    pub fn always() -> WeeklyPattern {
        let whole = DayHours(vec![TimeRange {
            start: TimeOfDay::MIDNIGHT,
            end: TimeOfDay::END_OF_DAY,
        }]);
        WeeklyPattern {
            days: std::array::from_fn(|_| whole.clone()),
        }
    }

    /// A pattern from a day selector such as `mon-fri`, `daily` or `sat,sun`, and hours such as
    /// `09:00-18:00`.
    ///
    /// # Errors
    ///
    /// Returns an error naming the bad day selector or hours.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::WeeklyPattern;
    ///
    /// let w = WeeklyPattern::parse("daily", "06:00-20:00")?;
    /// assert_eq!(w.weekly_minutes(), 7 * 14 * 60);
    /// assert!(WeeklyPattern::parse("mon-fry", "09:00-18:00").is_err());
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn parse(days: &str, hours: &str) -> Result<WeeklyPattern, Error> {
        let mut w = WeeklyPattern::empty();
        w.set(days, hours.parse()?)?;
        Ok(w)
    }

    /// Sets the hours of every day the selector names, replacing what was there.
    ///
    /// # Errors
    ///
    /// Returns an error naming a bad day selector.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::Weekday;
    /// use reglament_calendar::WeeklyPattern;
    ///
    /// let mut w = WeeklyPattern::parse("mon-fri", "09:00-18:00")?;
    /// w.set("sat", "10:00-14:00".parse()?)?;
    /// assert_eq!(w.day(Weekday::Saturday).minutes(), 240);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn set(&mut self, days: &str, hours: DayHours) -> Result<(), Error> {
        for wd in parse_day_selector(days)? {
            self.days[index(wd)] = hours.clone();
        }
        Ok(())
    }

    /// The hours of one weekday.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::civil::Weekday;
    /// use reglament_calendar::WeeklyPattern;
    ///
    /// let w = WeeklyPattern::parse("mon-fri", "10:00-20:00")?;
    /// assert_eq!(w.day(Weekday::Monday).to_string(), "10:00-20:00");
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn day(&self, weekday: Weekday) -> &DayHours {
        &self.days[index(weekday)]
    }

    /// The working minutes in one ordinary week.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::WeeklyPattern;
    ///
    /// assert_eq!(WeeklyPattern::parse("mon-fri", "09:00-18:00")?.weekly_minutes(), 2700);
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn weekly_minutes(&self) -> u32 {
        self.days.iter().map(DayHours::minutes).sum()
    }
}

fn index(wd: Weekday) -> usize {
    usize::from(wd.to_monday_zero_offset().unsigned_abs())
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a weekday name: `mon`…`sun`, also full English names and Russian `пн`…`вс`.
///
/// # Errors
///
/// Returns an error naming the unknown weekday.
///
/// # Example
///
/// ```
/// use jiff::civil::Weekday;
///
/// assert_eq!(reglament_calendar::parse_weekday("Fri")?, Weekday::Friday);
/// assert_eq!(reglament_calendar::parse_weekday("сб")?, Weekday::Saturday);
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn parse_weekday(s: &str) -> Result<Weekday, Error> {
    let l = s.trim().to_lowercase();
    let i = match l.as_str() {
        "mon" | "monday" | "пн" => 0,
        "tue" | "tuesday" | "вт" => 1,
        "wed" | "wednesday" | "ср" => 2,
        "thu" | "thursday" | "чт" => 3,
        "fri" | "friday" | "пт" => 4,
        "sat" | "saturday" | "сб" => 5,
        "sun" | "sunday" | "вс" => 6,
        _ => {
            return Err(Error::parse(format!(
                "unknown weekday `{s}`, expected one of {}",
                DAY_NAMES.join(", ")
            )));
        }
    };
    Ok(Weekday::from_monday_zero_offset(i).expect("index is in 0..7"))
}

/// Parses a day selector: `daily`, `weekdays` (`mon-fri`), `weekends`, a range `mon-fri` (which
/// may wrap, as in `sat-mon`), or a comma-separated list of those.
///
/// # Errors
///
/// Returns an error naming the bad part of the selector.
///
/// # Example
///
/// ```
/// use jiff::civil::Weekday;
///
/// let days = reglament_calendar::parse_day_selector("mon-wed, sat")?;
/// assert_eq!(days, vec![Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Saturday]);
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn parse_day_selector(s: &str) -> Result<Vec<Weekday>, Error> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let p = part.trim().to_lowercase();
        let (a, b) = match p.as_str() {
            "daily" | "every day" | "all" => ("mon", "sun"),
            "weekdays" => ("mon", "fri"),
            "weekends" => ("sat", "sun"),
            other => other.split_once('-').unwrap_or((other, other)),
        };
        let a = parse_weekday(a)?;
        let b = parse_weekday(b)?;
        let mut d = a;
        loop {
            if !out.contains(&d) {
                out.push(d);
            }
            if d == b {
                break;
            }
            d = d.wrapping_add(1);
        }
    }
    if out.is_empty() {
        return Err(Error::parse("empty day selector, expected e.g. `mon-fri`"));
    }
    Ok(out)
}
