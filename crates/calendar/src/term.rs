//! Terms: the durations a regulation promises, such as `4 working hours` or
//! `24 working hours, at most 5 weekdays`.

use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;

use crate::Error;

/// One measure of time in a [`Term`].
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
/// use reglament_calendar::TermPart;
///
/// assert_eq!("90 working minutes".parse::<TermPart>()?, TermPart::Working(SignedDuration::from_mins(90)));
/// assert_eq!("5 working days".parse::<TermPart>()?, TermPart::WorkingDays(5));
/// assert_eq!("24 hours on working days".parse::<TermPart>()?, TermPart::WorkingDayHours(SignedDuration::from_hours(24)));
/// assert_eq!(TermPart::WorkingDayHours(SignedDuration::from_hours(24)).to_string(), "24 hours on working days");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TermPart {
    /// Working time: `N working minutes` or `N working hours`.
    Working(SignedDuration),
    /// `N working days`: the same local time on the N-th next working day.
    WorkingDays(u32),
    /// Calendar time: `N minutes` or `N hours`.
    Calendar(SignedDuration),
    /// `N days`: the same local time N calendar days later.
    CalendarDays(u32),
    /// `N weekdays`: calendar days excluding Saturdays and Sundays.
    Weekdays(u32),
    /// `N hours on working days`: calendar time, counted whole day long on the schedule's
    /// working days and not at all on its days off.
    WorkingDayHours(SignedDuration),
}

/// A term: a primary measure, optionally capped by a second one, whichever comes first.
///
/// The syntax is `<N> <unit>[, at most <N> <unit>]`, where the unit is one of
/// `working minutes`, `working hours`, `working days`, `minutes`, `hours`, `days`,
/// `calendar days`, `weekdays` (also `calendar days excluding weekends`), and `hours on working
/// days` (also `minutes on working days`). Singular forms are
/// accepted, and minutes and hours may be fractional (`1.5 working hours`).
///
/// # Errors
///
/// Parsing fails with a message naming the bad number or unit.
///
/// # Example
///
/// ```
/// use reglament_calendar::{Term, TermPart};
///
/// let t: Term = "24 working hours, at most 5 calendar days excluding weekends".parse()?;
/// assert_eq!(t.at_most, Some(TermPart::Weekdays(5)));
/// assert_eq!(t.to_string(), "24 working hours, at most 5 weekdays");
/// let err = "5 workdays".parse::<Term>().unwrap_err();
/// assert!(err.to_string().contains("unknown unit `workdays`"));
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Term {
    /// The main measure.
    pub primary: TermPart,
    /// A bound that wins when it comes first.
    pub at_most: Option<TermPart>,
}

impl Term {
    /// A term of working time.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::SignedDuration;
    /// use reglament_calendar::Term;
    ///
    /// assert_eq!(Term::working(SignedDuration::from_hours(4)).to_string(), "4 working hours");
    /// ```
    pub fn working(d: SignedDuration) -> Term {
        Term {
            primary: TermPart::Working(d),
            at_most: None,
        }
    }

    /// Whether the term counts working time only in its primary part (minutes or hours), so it
    /// can be scaled and extended as a plain amount of working time.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::Term;
    ///
    /// assert_eq!("8 working hours".parse::<Term>()?.working_amount().unwrap().as_hours(), 8);
    /// assert!("5 working days".parse::<Term>()?.working_amount().is_none());
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn working_amount(&self) -> Option<SignedDuration> {
        match self.primary {
            TermPart::Working(d) => Some(d),
            _ => None,
        }
    }
}

const UNITS: &str = "`working minutes`, `working hours`, `working days`, `minutes`, `hours`, `days`, `calendar days`, `weekdays`, `hours on working days`";

impl FromStr for TermPart {
    type Err = Error;

    fn from_str(s: &str) -> Result<TermPart, Error> {
        let t = s.trim();
        let (num, unit) = t.split_once(char::is_whitespace).ok_or_else(|| {
            Error::parse(format!(
                "duration `{t}` is not valid, expected a number and a unit such as `4 working hours`"
            ))
        })?;
        let unit = unit
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let frac: f64 = num
            .replace(',', ".")
            .parse()
            .map_err(|_| Error::parse(format!("duration `{t}`: `{num}` is not a number")))?;
        if !frac.is_finite() {
            return Err(Error::parse(format!(
                "duration `{t}`: `{num}` is not a finite number"
            )));
        }
        if frac < 0.0 {
            return Err(Error::parse(format!(
                "duration `{t}`: `{num}` must be zero or more"
            )));
        }
        let whole = || -> Result<u32, Error> {
            if frac.fract() != 0.0 {
                return Err(Error::parse(format!(
                    "duration `{t}`: days must be a whole number, not `{num}`"
                )));
            }
            if frac > 100_000.0 {
                return Err(Error::parse(format!(
                    "duration `{t}`: `{num}` days is too large, expected at most 100000"
                )));
            }
            Ok(frac as u32)
        };
        let secs = |per: f64| SignedDuration::from_secs((frac * per).round() as i64);
        if unit.contains("minute") || unit.contains("hour") {
            let s = frac * if unit.contains("hour") { 3600.0 } else { 60.0 };
            if s > 1e12 {
                return Err(Error::parse(format!(
                    "duration `{t}` is too large, expected at most 1000000000 minutes"
                )));
            }
            if s.round() % 60.0 != 0.0 {
                return Err(Error::parse(format!(
                    "duration `{t}` is not a whole number of minutes"
                )));
            }
        }
        let unit = unit.as_str();
        if let Some(u) = unit.strip_suffix(" on working days") {
            return match u.trim_start_matches("calendar ") {
                "minute" | "minutes" => Ok(TermPart::WorkingDayHours(secs(60.0))),
                "hour" | "hours" => Ok(TermPart::WorkingDayHours(secs(3600.0))),
                other => Err(Error::parse(format!(
                    "duration `{t}`: `{other} on working days` is not a unit, expected `hours on working days` or `minutes on working days`"
                ))),
            };
        }
        Ok(match unit {
            "working minute" | "working minutes" => TermPart::Working(secs(60.0)),
            "working hour" | "working hours" => TermPart::Working(secs(3600.0)),
            "working day" | "working days" => TermPart::WorkingDays(whole()?),
            "minute" | "minutes" => TermPart::Calendar(secs(60.0)),
            "hour" | "hours" | "calendar hour" | "calendar hours" => {
                TermPart::Calendar(secs(3600.0))
            }
            "day" | "days" | "calendar day" | "calendar days" => TermPart::CalendarDays(whole()?),
            "weekday"
            | "weekdays"
            | "calendar day excluding weekends"
            | "calendar days excluding weekends" => TermPart::Weekdays(whole()?),
            other => {
                return Err(Error::parse(format!(
                    "duration `{t}`: unknown unit `{other}`, expected one of {UNITS}"
                )));
            }
        })
    }
}

impl FromStr for Term {
    type Err = Error;

    fn from_str(s: &str) -> Result<Term, Error> {
        let at_most = s.char_indices().map(|(i, _)| i).find(|&i| {
            s.get(i..i + 7)
                .is_some_and(|w| w.eq_ignore_ascii_case("at most"))
        });
        match at_most {
            Some(pos) => {
                let head = s[..pos].trim().trim_end_matches([',', ';']).trim();
                let tail = &s[pos + "at most".len()..];
                Ok(Term {
                    primary: head.parse()?,
                    at_most: Some(tail.parse()?),
                })
            }
            None => Ok(Term {
                primary: s.parse()?,
                at_most: None,
            }),
        }
    }
}

fn plural(n: impl fmt::Display + PartialEq<u32>, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn fmt_amount(d: SignedDuration, prefix: &str) -> String {
    let s = d.as_secs();
    if s % 3600 == 0 && s != 0 {
        plural(
            (s / 3600) as u32,
            &format!("{prefix}hour"),
            &format!("{prefix}hours"),
        )
    } else if s % 60 == 0 {
        plural(
            (s / 60) as u32,
            &format!("{prefix}minute"),
            &format!("{prefix}minutes"),
        )
    } else {
        format!("{} {prefix}minutes", s as f64 / 60.0)
    }
}

impl fmt::Display for TermPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match *self {
            TermPart::Working(d) => fmt_amount(d, "working "),
            TermPart::WorkingDays(n) => plural(n, "working day", "working days"),
            TermPart::Calendar(d) => fmt_amount(d, ""),
            TermPart::CalendarDays(n) => plural(n, "day", "days"),
            TermPart::Weekdays(n) => plural(n, "weekday", "weekdays"),
            TermPart::WorkingDayHours(d) => format!("{} on working days", fmt_amount(d, "")),
        };
        f.write_str(&s)
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.primary)?;
        if let Some(b) = &self.at_most {
            write!(f, ", at most {b}")?;
        }
        Ok(())
    }
}
