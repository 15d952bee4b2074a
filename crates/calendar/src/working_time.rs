//! The compiled schedule: working intervals as sorted instants with prefix sums, so that adding
//! working time and measuring it are binary searches.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::explain::{CountedInterval, Explanation, SkippedDay};
use crate::{Error, Schedule, Term, TermPart};

/// One local day in the compiled range.
#[derive(Clone, Copy, Debug)]
struct DayRec {
    /// The instant of local midnight.
    midnight: i64,
    /// Index of the day's first interval, or of the next interval if the day has none.
    first: u32,
    /// How many intervals the day has.
    count: u32,
    /// The UTC offset is the same all day, so local time is `midnight + seconds`.
    uniform: bool,
}

/// A compiled [`Schedule`]: all its working intervals within a range of years, ready for
/// arithmetic.
///
/// Instants are handled with one-second precision; sub-second parts of inputs are dropped.
/// Every operation fails with [`Error::OutOfRange`] rather than guess beyond the compiled years.
///
/// # Example
///
/// ```
/// use jiff::{SignedDuration, Timestamp};
/// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
///
/// let wt = Schedule::new(
///     jiff::tz::TimeZone::get("Europe/Moscow")?,
///     WeeklyPattern::parse("mon-fri", "09:00-18:00")?,
/// )
/// .with_calendar(ProductionCalendar::russia())
/// .compile()?;
/// // 8 May 2026 closes at 17:00 and 9–11 May are off.
/// let start: Timestamp = "2026-05-08T16:30:00+03:00".parse()?;
/// let due = wt.add(start, SignedDuration::from_mins(60))?;
/// assert_eq!(due.to_string(), "2026-05-12T06:30:00Z");
/// assert_eq!(wt.between(start, due)?, SignedDuration::from_mins(60));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct WorkingTime {
    schedule: Schedule,
    from_year: i16,
    to_year: i16,
    first_date: Date,
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Working seconds from the range start to the end of each interval.
    cum_end: Vec<i64>,
    day_of: Vec<u32>,
    days: Vec<DayRec>,
    /// Indices into `days` of the days that have working time.
    working_days: Vec<u32>,
    range: (i64, i64),
    /// Instants outside this range depend on years the calendar does not know.
    known: (i64, i64),
}

impl WorkingTime {
    pub(crate) fn compile(schedule: Schedule, from_year: i16, to_year: i16) -> Result<Self, Error> {
        if from_year > to_year {
            return Err(Error::Invalid(format!(
                "year range `{from_year}..={to_year}` is empty"
            )));
        }
        let first_date = Date::new(from_year, 1, 1).map_err(|e| Error::Invalid(e.to_string()))?;
        let end_date = Date::new(to_year, 12, 31)
            .map_err(|e| Error::Invalid(e.to_string()))?
            .tomorrow()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let tz = schedule.time_zone().clone();
        let at = |d: Date, minutes: u16| -> Result<i64, Error> { local_instant(&tz, d, minutes) };

        let n_days = usize::try_from(first_date.until(end_date).map_err(jiff_err)?.get_days())
            .expect("positive day count");
        let mut wt = WorkingTime {
            from_year,
            to_year,
            first_date,
            starts: Vec::with_capacity(n_days),
            ends: Vec::with_capacity(n_days),
            cum_end: Vec::with_capacity(n_days),
            day_of: Vec::with_capacity(n_days),
            days: Vec::with_capacity(n_days),
            working_days: Vec::new(),
            range: (at(first_date, 0)?, at(end_date, 0)?),
            known: (i64::MIN, i64::MAX),
            schedule,
        };
        let offset = |t: i64| -> Result<jiff::tz::Offset, Error> {
            Ok(tz.to_offset(Timestamp::from_second(t).map_err(jiff_err)?))
        };
        let mut total = 0i64;
        let mut date = first_date;
        let mut next_midnight = wt.range.0;
        let mut midnight_offset = offset(next_midnight)?;
        // Whether this day's midnight never happened (a gap at midnight, or a date the zone
        // skipped): its "midnight" is then the moment the clocks jumped, and the day is placed
        // in the zone.
        let mut midnight_skipped = skipped(&tz, first_date)?;
        for i in 0..n_days {
            let midnight = next_midnight;
            let tomorrow = date.tomorrow().map_err(jiff_err)?;
            // Nearly every day is 24 hours in one offset: tomorrow's midnight is a day later and
            // each local time is midnight plus its minutes, with no time zone lookup. A day
            // with a transition (the offset a day later differs) is placed in the zone.
            let a_day_later = midnight + 86_400;
            let later_offset = offset(a_day_later)?;
            let transition = later_offset != midnight_offset;
            let uniform = if !transition && !midnight_skipped {
                next_midnight = a_day_later;
                true
            } else {
                next_midnight = at(tomorrow, 0)?;
                !midnight_skipped
                    && midnight_offset == offset(next_midnight - 1)?
                    && next_midnight - midnight == 86_400
            };
            // Only a day with a transition in it can lead to a midnight that never happens.
            midnight_skipped = (transition || !uniform) && skipped(&tz, tomorrow)?;
            midnight_offset = if next_midnight == a_day_later {
                later_offset
            } else {
                offset(next_midnight)?
            };
            let place = |minutes: u16| -> Result<i64, Error> {
                if uniform {
                    Ok(midnight + i64::from(minutes) * 60)
                } else {
                    at(date, minutes)
                }
            };
            let hours = wt.schedule.hours_on(date);
            let first = u32::try_from(wt.starts.len()).expect("fits");
            for r in hours.ranges() {
                let s = place(r.start().minutes())?;
                let e = place(r.end().minutes())?;
                // A range inside a DST gap can collapse to nothing.
                if e <= s {
                    continue;
                }
                if let Some(&prev) = wt.ends.last()
                    && s < prev
                {
                    return Err(Error::Invalid(format!(
                        "working hours on {date} overlap the previous day's in `{}`",
                        tz.iana_name().unwrap_or("the time zone")
                    )));
                }
                total += e - s;
                wt.starts.push(s);
                wt.ends.push(e);
                wt.cum_end.push(total);
                wt.day_of.push(u32::try_from(i).expect("fits"));
            }
            let count = u32::try_from(wt.starts.len()).expect("fits") - first;
            if count > 0 {
                wt.working_days.push(u32::try_from(i).expect("fits"));
            }
            wt.days.push(DayRec {
                midnight,
                first,
                count,
                uniform,
            });
            date = tomorrow;
        }
        if let Some(cal) = wt.schedule.calendar() {
            wt.known = match cal.known_years() {
                Some((a, b)) => {
                    let a = Date::new(a, 1, 1).map_err(jiff_err)?;
                    let b = Date::new(b, 12, 31)
                        .map_err(jiff_err)?
                        .tomorrow()
                        .map_err(jiff_err)?;
                    (at(a, 0)?, at(b, 0)?)
                }
                None => (i64::MAX, i64::MIN),
            };
        }
        Ok(wt)
    }

    /// The schedule this was compiled from.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).compile_years(2026, 2026)?;
    /// assert_eq!(wt.schedule().weekly(), &WeeklyPattern::always());
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The first and last compiled year.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).compile_years(2020, 2030)?;
    /// assert_eq!(wt.years(), (2020, 2030));
    /// # Ok::<(), reglament_calendar::Error>(())
    /// ```
    pub fn years(&self) -> (i16, i16) {
        (self.from_year, self.to_year)
    }

    fn sec(&self, t: Timestamp) -> Result<i64, Error> {
        let s = t.as_second();
        if s < self.range.0 || s >= self.range.1 {
            return Err(self.out_of_range(t));
        }
        Ok(s)
    }

    fn out_of_range(&self, t: Timestamp) -> Error {
        Error::OutOfRange {
            instant: t.to_string(),
            from: self.from_year,
            to: self.to_year,
        }
    }

    /// A result that would lie after the last compiled instant: the error names the first
    /// instant past the range, since the result itself cannot be computed.
    fn beyond_range(&self) -> Error {
        self.out_of_range(self.ts(self.range.1))
    }

    fn ts(&self, s: i64) -> Timestamp {
        Timestamp::from_second(s).expect("compiled instants are valid timestamps")
    }

    /// Index of the first interval that ends after `s`.
    #[inline]
    fn interval_after(&self, s: i64) -> usize {
        self.ends.partition_point(|&e| e <= s)
    }

    /// Working seconds from the start of the compiled range to `s`.
    #[inline]
    fn cum(&self, s: i64) -> i64 {
        let i = self.interval_after(s);
        if i == self.starts.len() {
            return self.cum_end.last().copied().unwrap_or(0);
        }
        let before = self.cum_end[i] - (self.ends[i] - self.starts[i]);
        before + (s - self.starts[i]).max(0)
    }

    /// Whether an instant is within working hours (opening inclusive, closing exclusive).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .compile_years(2026, 2026)?;
    /// assert!(wt.is_working("2026-11-23T09:00:00Z".parse()?)?);
    /// assert!(!wt.is_working("2026-11-23T18:00:00Z".parse()?)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_working(&self, t: Timestamp) -> Result<bool, Error> {
        let s = self.sec(t)?;
        let i = self.interval_after(s);
        Ok(i < self.starts.len() && self.starts[i] <= s)
    }

    /// The instant itself if it is within working hours, otherwise the next opening.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] outside the compiled years, or when no opening follows within them.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .compile_years(2026, 2026)?;
    /// // Friday evening opens on Monday morning.
    /// let t = wt.next_opening("2026-11-20T18:00:00Z".parse()?)?;
    /// assert_eq!(t.to_string(), "2026-11-23T09:00:00Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_opening(&self, t: Timestamp) -> Result<Timestamp, Error> {
        let s = self.sec(t)?;
        let i = self.interval_after(s);
        if i == self.starts.len() {
            return Err(self.beyond_range());
        }
        Ok(self.ts(self.starts[i].max(s)))
    }

    /// Adds working time: the earliest instant at which `duration` of working time has passed
    /// since `start`.
    ///
    /// A start outside working hours begins at the next opening. A deadline that falls exactly
    /// on a closing time stays there. Adding zero returns `start`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a negative duration; [`Error::OutOfRange`] when the start or the
    /// result is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::SignedDuration;
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .compile_years(2026, 2026)?;
    /// let due = wt.add("2026-11-23T14:00:00Z".parse()?, SignedDuration::from_hours(4))?;
    /// assert_eq!(due.to_string(), "2026-11-23T18:00:00Z"); // closing time, not next morning
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(&self, start: Timestamp, duration: SignedDuration) -> Result<Timestamp, Error> {
        let s = self.sec(start)?;
        let d = non_negative(duration)?;
        if d == 0 {
            return Ok(self.ts(s));
        }
        let Some(target) = self.cum(s).checked_add(d) else {
            return Err(self.beyond_range());
        };
        let j = self.cum_end.partition_point(|&c| c < target);
        if j == self.cum_end.len() {
            return Err(self.beyond_range());
        }
        Ok(self.ts(self.ends[j] - (self.cum_end[j] - target)))
    }

    /// Subtracts working time: the earliest instant from which `duration` of working time
    /// ends at `end`. It is the inverse of [`add`](WorkingTime::add), used for warnings such as
    /// "one working hour before the deadline".
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a negative duration; [`Error::OutOfRange`] when `end` or the
    /// result is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::SignedDuration;
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .compile_years(2026, 2026)?;
    /// // One working hour before Monday 09:30 is Friday 17:30.
    /// let t = wt.subtract("2026-11-23T09:30:00Z".parse()?, SignedDuration::from_hours(1))?;
    /// assert_eq!(t.to_string(), "2026-11-20T17:30:00Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subtract(&self, end: Timestamp, duration: SignedDuration) -> Result<Timestamp, Error> {
        let s = self.sec(end)?;
        let d = non_negative(duration)?;
        if d == 0 {
            return Ok(self.ts(s));
        }
        let target = self.cum(s) - d;
        if target < 0 {
            return Err(self.out_of_range(end));
        }
        // The first interval whose end reaches the target holds the answer; a target that is
        // exactly a closing time resolves to that closing time, the earliest such instant.
        let j = self.cum_end.partition_point(|&c| c < target);
        let len = self.ends[j] - self.starts[j];
        let into = target - (self.cum_end[j] - len);
        Ok(self.ts(self.starts[j] + into))
    }

    /// The working time between two instants; negative when `to` is before `from`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when either instant is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::SignedDuration;
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .compile_years(2026, 2026)?;
    /// // Friday 17:00 to Monday 10:00 is two working hours.
    /// let d = wt.between("2026-11-20T17:00:00Z".parse()?, "2026-11-23T10:00:00Z".parse()?)?;
    /// assert_eq!(d, SignedDuration::from_hours(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn between(&self, from: Timestamp, to: Timestamp) -> Result<SignedDuration, Error> {
        let a = self.sec(from)?;
        let b = self.sec(to)?;
        Ok(SignedDuration::from_secs(self.cum(b) - self.cum(a)))
    }

    /// Adds working days: the same local time on the `n`-th next working day, capped at that
    /// day's closing time. The start is first moved into working hours; a start at a day's
    /// opening counts that day whole, so the result is the close of the last day counted
    /// rather than the next day's opening, the same working instant.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when the start or the result is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(
    ///     jiff::tz::TimeZone::get("Europe/Moscow")?,
    ///     WeeklyPattern::parse("mon-fri", "09:00-18:00")?,
    /// )
    /// .with_calendar(ProductionCalendar::russia())
    /// .compile()?;
    /// // Thursday 7 May 2026, 17:30 + 1 working day: Friday 8 May closes at 17:00.
    /// let due = wt.add_working_days("2026-05-07T17:30:00+03:00".parse()?, 1)?;
    /// assert_eq!(due.to_string(), "2026-05-08T14:00:00Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_working_days(&self, start: Timestamp, n: u32) -> Result<Timestamp, Error> {
        let s = self.sec(start)?;
        let i = self.interval_after(s);
        if i == self.starts.len() {
            return Err(self.beyond_range());
        }
        let s = self.starts[i].max(s);
        if n == 0 {
            // The start moved into working hours. Reading its local time back would be
            // ambiguous in the hour a clock falls back, and could land before the start.
            return Ok(self.ts(s));
        }
        let di = self.day_of[i];
        let day = self.days[di as usize];
        let local = if day.uniform {
            s - day.midnight
        } else {
            let dt = self.schedule.time_zone().to_datetime(self.ts(s));
            i64::from(dt.hour()) * 3600 + i64::from(dt.minute()) * 60 + i64::from(dt.second())
        };
        let p = self
            .working_days
            .binary_search(&di)
            .expect("a day with an interval is a working day");
        let Some(&ti) = self.working_days.get(p + n as usize) else {
            return Err(self.beyond_range());
        };
        let target = self.days[ti as usize];
        let x = if target.uniform {
            target.midnight + local
        } else {
            let date = self.date_of(ti as usize);
            let secs = i32::try_from(local).expect("seconds of a day");
            let time = Time::midnight()
                .checked_add(SignedDuration::from_secs(secs.into()))
                .map_err(jiff_err)?;
            let dt = DateTime::from_parts(date, time);
            self.schedule
                .time_zone()
                .to_ambiguous_timestamp(dt)
                .compatible()
                .map_err(jiff_err)?
                .as_second()
        };
        let (first, last) = (
            target.first as usize,
            (target.first + target.count - 1) as usize,
        );
        let x = if x >= self.ends[last] {
            self.ends[last]
        } else if x < self.starts[first] {
            self.starts[first]
        } else {
            // Inside the day: keep it, or pull it back to the end of the range before a gap.
            let k = first + self.ends[first..=last].partition_point(|&e| e <= x);
            if x < self.starts[k] {
                self.ends[k - 1]
            } else {
                x
            }
        };
        // A result at the day's opening is the same working instant as the previous working
        // day's close, and the earliest such instant is the deadline — as for working hours:
        // from Saturday, 3 working days are Monday to Wednesday, due at Wednesday's close.
        let x = if x == self.starts[first] && first > 0 {
            self.ends[first - 1]
        } else {
            x
        };
        Ok(self.ts(x))
    }

    /// Adds calendar days: the same local time `n` days later, in the schedule's time zone.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when the result is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::get("Europe/Berlin")?, WeeklyPattern::always())
    ///     .compile_years(2026, 2026)?;
    /// // Across the end of summer time, a day is 25 hours long.
    /// let due = wt.add_calendar_days("2026-10-24T12:00:00+02:00".parse()?, 1)?;
    /// assert_eq!(due.to_string(), "2026-10-25T11:00:00Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_calendar_days(&self, start: Timestamp, n: u32) -> Result<Timestamp, Error> {
        self.sec(start)?;
        let z = start.to_zoned(self.schedule.time_zone().clone());
        let due = z.checked_add(i64::from(n).days()).map_err(jiff_err)?;
        let due = due.timestamp();
        self.sec(due)?;
        Ok(due)
    }

    /// Adds calendar days excluding weekends: the same local time on the `n`-th following day
    /// that is not a Saturday or Sunday. Holidays are not excluded. A start on a weekend counts
    /// from the following Monday at 00:00.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when the result is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).compile_years(2026, 2026)?;
    /// // Thursday + 5 weekdays = next Thursday.
    /// let due = wt.add_weekdays("2026-11-19T15:00:00Z".parse()?, 5)?;
    /// assert_eq!(due.to_string(), "2026-11-26T15:00:00Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_weekdays(&self, start: Timestamp, n: u32) -> Result<Timestamp, Error> {
        self.sec(start)?;
        let tz = self.schedule.time_zone();
        let mut dt = tz.to_datetime(start);
        while is_weekend(dt.date().weekday()) {
            dt = DateTime::from_parts(dt.date().tomorrow().map_err(jiff_err)?, Time::midnight());
        }
        let mut date = dt.date();
        let mut left = n;
        while left > 0 {
            date = date.tomorrow().map_err(jiff_err)?;
            if !is_weekend(date.weekday()) {
                left -= 1;
            }
        }
        let due = tz
            .to_ambiguous_timestamp(DateTime::from_parts(date, dt.time()))
            .compatible()
            .map_err(jiff_err)?;
        self.sec(due)?;
        Ok(due)
    }

    fn part_deadline(&self, start: Timestamp, part: &TermPart) -> Result<Timestamp, Error> {
        match *part {
            TermPart::Working(d) => self.add(start, d),
            TermPart::WorkingDays(n) => self.add_working_days(start, n),
            TermPart::Calendar(d) => {
                let due = start.checked_add(d).map_err(jiff_err)?;
                self.sec(due)?;
                Ok(due)
            }
            TermPart::CalendarDays(n) => self.add_calendar_days(start, n),
            TermPart::Weekdays(n) => self.add_weekdays(start, n),
            TermPart::WorkingDayHours(d) => self.add_on_working_days(start, d),
        }
    }

    /// Adds calendar time counted only on working days: each working day of the schedule (a day
    /// with any working hours, after the production calendar) counts whole, from 00:00 to
    /// 24:00, and days off do not count. «24 часа по рабочим дням» from Friday 15:00 is
    /// Monday 15:00.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when the start or the result is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::SignedDuration;
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::get("Europe/Moscow")?, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .with_calendar(ProductionCalendar::russia())
    ///     .compile_years(2026, 2026)?;
    /// let day = SignedDuration::from_hours(24);
    /// // Friday 15:00 + 24 hours on working days: the weekend does not count.
    /// let due = wt.add_on_working_days("2026-11-20T15:00:00+03:00".parse()?, day)?;
    /// assert_eq!(due.to_string(), "2026-11-23T12:00:00Z");
    /// // From Saturday the count starts on Monday at 00:00.
    /// let due = wt.add_on_working_days("2026-11-21T10:00:00+03:00".parse()?, day)?;
    /// assert_eq!(due.to_string(), "2026-11-23T21:00:00Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_on_working_days(
        &self,
        start: Timestamp,
        d: SignedDuration,
    ) -> Result<Timestamp, Error> {
        self.sec(start)?;
        let tz = self.schedule.time_zone();
        let (_, last) = self.years();
        let mut left = d;
        let mut at = start;
        let mut date = tz.to_datetime(start).date();
        loop {
            if date.year() > last {
                return Err(self.beyond_range());
            }
            let next = date.tomorrow().map_err(jiff_err)?;
            let day_end = tz
                .to_ambiguous_timestamp(next.to_datetime(Time::midnight()))
                .compatible()
                .map_err(jiff_err)?;
            if !self.schedule.day(date).hours.is_empty() {
                let here = day_end.duration_since(at);
                if left <= here {
                    let due = at.checked_add(left).map_err(jiff_err)?;
                    self.sec(due)?;
                    return Ok(due);
                }
                left -= here;
            }
            at = day_end;
            date = next;
        }
    }

    /// The deadline of a [`Term`] from a start: the primary part, or the bound if it comes first.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when the start or the result is outside the compiled years.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{ProductionCalendar, Schedule, Term, WeeklyPattern};
    ///
    /// let wt = Schedule::new(
    ///     jiff::tz::TimeZone::get("Europe/Moscow")?,
    ///     WeeklyPattern::parse("mon-fri", "09:00-18:00")?,
    /// )
    /// .with_calendar(ProductionCalendar::russia())
    /// .compile()?;
    /// let term: Term = "24 working hours, at most 5 weekdays".parse()?;
    /// let d = wt.deadline("2026-11-23T10:00:00+03:00".parse()?, &term)?;
    /// assert_eq!(d.at.to_string(), "2026-11-25T13:00:00Z"); // Wednesday 16:00 in Moscow
    /// assert!(!d.bounded && !d.provisional);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deadline(&self, start: Timestamp, term: &Term) -> Result<Deadline, Error> {
        self.sec(start)?;
        let primary = self.part_deadline(start, &term.primary);
        let (at, bounded) = match &term.at_most {
            None => (primary?, false),
            // The start is in range, so a part that fails lies beyond the range, after the
            // other part: whichever part succeeds is the earlier one.
            Some(bound) => match (primary, self.part_deadline(start, bound)) {
                (Ok(p), Ok(b)) if b < p => (b, true),
                (Ok(p), _) => (p, false),
                (Err(_), Ok(b)) => (b, true),
                (Err(e), Err(_)) => return Err(e),
            },
        };
        Ok(Deadline {
            at,
            bounded,
            provisional: self.is_provisional(start, at),
        })
    }

    /// Whether anything between two instants depends on a year the calendar does not know.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always())
    ///     .with_calendar(ProductionCalendar::russia())
    ///     .compile()?;
    /// assert!(!wt.is_provisional("2027-12-30T00:00:00Z".parse()?, "2027-12-31T00:00:00Z".parse()?));
    /// assert!(wt.is_provisional("2027-12-30T00:00:00Z".parse()?, "2028-01-02T00:00:00Z".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_provisional(&self, from: Timestamp, to: Timestamp) -> bool {
        let (a, b) = (
            from.as_second().min(to.as_second()),
            from.as_second().max(to.as_second()),
        );
        a < self.known.0 || b >= self.known.1
    }

    fn date_of(&self, day_index: usize) -> Date {
        let n = i32::try_from(day_index).expect("fits");
        self.first_date
            .checked_add(n.days())
            .expect("inside the compiled range")
    }

    fn day_index(&self, s: i64) -> usize {
        self.days
            .partition_point(|d| d.midnight <= s)
            .saturating_sub(1)
    }

    /// Explains the working time between two instants: the intervals counted, and the days in
    /// between that had no working time, with the reason for each.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when either instant is outside the compiled years;
    /// [`Error::Invalid`] when `to` is before `from`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};
    ///
    /// let wt = Schedule::new(
    ///     jiff::tz::TimeZone::get("Europe/Moscow")?,
    ///     WeeklyPattern::parse("mon-fri", "09:00-18:00")?,
    /// )
    /// .with_calendar(ProductionCalendar::russia())
    /// .compile()?;
    /// let e = wt.explain("2026-05-08T16:30:00+03:00".parse()?, "2026-05-12T09:30:00+03:00".parse()?)?;
    /// assert_eq!(e.counted.len(), 2);
    /// assert_eq!(e.skipped.len(), 3); // 9, 10 and 11 May
    /// assert_eq!(e.working.as_mins(), 60);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, from: Timestamp, to: Timestamp) -> Result<Explanation, Error> {
        let a = self.sec(from)?;
        let b = self.sec(to)?;
        if b < a {
            return Err(Error::Invalid(format!(
                "cannot explain from `{from}` back to `{to}`"
            )));
        }
        let tz = self.schedule.time_zone().clone();
        let mut counted = Vec::new();
        let mut skipped = Vec::new();
        let first_day = self.day_index(a);
        let last_day = self.day_index(b);
        let mut effective_start = None;
        for di in first_day..=last_day {
            let day = self.days[di];
            let date = self.date_of(di);
            let plan = self.schedule.day(date);
            if day.count == 0 {
                if di != first_day || a == day.midnight {
                    skipped.push(SkippedDay {
                        date,
                        reason: plan.to_string(),
                        plan,
                    });
                }
                continue;
            }
            let note = match plan.reason {
                crate::DayReason::Pattern => None,
                _ => Some(plan.to_string()),
            };
            for k in day.first..day.first + day.count {
                let (s, e) = (self.starts[k as usize].max(a), self.ends[k as usize].min(b));
                if s < e {
                    effective_start.get_or_insert(s);
                    counted.push(CountedInterval {
                        from: self.ts(s).to_zoned(tz.clone()),
                        to: self.ts(e).to_zoned(tz.clone()),
                        note: note.clone(),
                    });
                }
            }
        }
        Ok(Explanation {
            from: from.to_zoned(tz.clone()),
            effective_start: self
                .ts(effective_start
                    .unwrap_or(b.min(self.next_opening(from).map_or(b, |t| t.as_second()))))
                .to_zoned(tz.clone()),
            to: to.to_zoned(tz),
            working: SignedDuration::from_secs(self.cum(b) - self.cum(a)),
            counted,
            skipped,
            provisional: self.is_provisional(from, to),
            notes: Vec::new(),
        })
    }

    /// Computes a deadline and explains it.
    ///
    /// # Errors
    ///
    /// As for [`deadline`](WorkingTime::deadline).
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::{Schedule, Term, WeeklyPattern};
    ///
    /// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::parse("mon-fri", "09:00-18:00")?)
    ///     .compile_years(2026, 2026)?;
    /// let (d, e) = wt.explain_deadline("2026-11-20T17:00:00Z".parse()?, &"2 working hours".parse::<Term>()?)?;
    /// assert_eq!(d.at.to_string(), "2026-11-23T10:00:00Z");
    /// assert_eq!(e.skipped.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain_deadline(
        &self,
        start: Timestamp,
        term: &Term,
    ) -> Result<(Deadline, Explanation), Error> {
        let d = self.deadline(start, term)?;
        let mut e = self.explain(start, d.at)?;
        e.notes.push(format!("term: {term}"));
        if d.bounded
            && let Some(b) = &term.at_most
        {
            e.notes.push(format!("capped by the bound of {b}"));
        }
        Ok((d, e))
    }
}

/// A computed deadline.
///
/// # Example
///
/// ```
/// use reglament_calendar::{Schedule, Term, WeeklyPattern};
///
/// let wt = Schedule::new(jiff::tz::TimeZone::UTC, WeeklyPattern::always()).compile_years(2026, 2026)?;
/// let d = wt.deadline("2026-11-23T10:00:00Z".parse()?, &"3 hours".parse::<Term>()?)?;
/// assert_eq!(d.at.to_string(), "2026-11-23T13:00:00Z");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The deadline instant.
    pub at: Timestamp,
    /// The term's `at most` bound came first and set the deadline.
    pub bounded: bool,
    /// The deadline depends on a year the calendar does not know.
    pub provisional: bool,
}

/// The seconds of a working duration, which must not be negative.
fn non_negative(duration: SignedDuration) -> Result<i64, Error> {
    let d = duration.as_secs();
    if d < 0 {
        return Err(Error::Invalid(format!(
            "working duration `{duration:#}` is negative"
        )));
    }
    Ok(d)
}

fn is_weekend(w: Weekday) -> bool {
    matches!(w, Weekday::Saturday | Weekday::Sunday)
}

fn jiff_err(e: jiff::Error) -> Error {
    Error::Invalid(e.to_string())
}

/// The instant of a local date and minute of the day (1440 is the next midnight). Local times
/// in a DST gap or overlap resolve with jiff's "compatible" rule: the later instant in a gap, the
/// earlier in an overlap.
/// Whether a date's midnight is a local time the zone skipped.
fn skipped(tz: &TimeZone, date: Date) -> Result<bool, Error> {
    let midnight = DateTime::from_parts(date, Time::midnight());
    Ok(matches!(
        tz.to_ambiguous_timestamp(midnight).offset(),
        jiff::tz::AmbiguousOffset::Gap { .. }
    ))
}

fn local_instant(tz: &TimeZone, date: Date, minutes: u16) -> Result<i64, Error> {
    let (date, minutes) = if minutes >= 1440 {
        (date.tomorrow().map_err(jiff_err)?, minutes - 1440)
    } else {
        (date, minutes)
    };
    let time = Time::new(
        i8::try_from(minutes / 60).expect("hour"),
        i8::try_from(minutes % 60).expect("minute"),
        0,
        0,
    )
    .map_err(jiff_err)?;
    let local = DateTime::from_parts(date, time);
    let ambiguous = tz.to_ambiguous_timestamp(local);
    // A time the clocks skip (inside a DST gap, or a whole date a zone dropped) is placed at the
    // moment they skip it: a range that begins or ends in the gap keeps the part that exists.
    if let jiff::tz::AmbiguousOffset::Gap { before, .. } = ambiguous.offset() {
        let late = before.to_timestamp(local).map_err(jiff_err)?;
        let after_it = late
            .checked_add(SignedDuration::from_secs(1))
            .map_err(jiff_err)?;
        if let Some(t) = tz.preceding(after_it).next() {
            return Ok(t.timestamp().as_second());
        }
    }
    Ok(ambiguous.compatible().map_err(jiff_err)?.as_second())
}
