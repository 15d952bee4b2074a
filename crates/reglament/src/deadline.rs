//! `reglament deadline`: one deadline from a schedule given by flags or by a regulation.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use reglament_calendar::{DayHours, Schedule, Term, WeeklyPattern};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The schedule's IANA time zone.
    #[arg(long, default_value = "Europe/Moscow", conflicts_with = "regulation")]
    tz: String,
    /// The working days, e.g. `mon-fri`, `daily`, `mon-thu`.
    #[arg(long, default_value = "mon-fri", conflicts_with = "regulation")]
    days: String,
    /// The working hours on those days, e.g. `09:00-18:00` or `09:00-13:00,14:00-18:00`.
    #[arg(long, default_value = "09:00-18:00", conflicts_with = "regulation")]
    hours: String,
    /// `ru` (the built-in Russian production calendar), `none`, or a calendar file.
    #[arg(long, default_value = "ru")]
    calendar: String,
    /// Count the 2020–2021 Presidential non-working days as working days.
    #[arg(long)]
    presidential_working: bool,
    /// The start, RFC 3339 (`2026-05-08T16:30:00+03:00`) or local time in the zone.
    #[arg(long)]
    start: String,
    /// What to add: `60 working minutes`, `N working hours`, `N working days`, `N hours`,
    /// `N days`, `N weekdays`, optionally `…, at most …`.
    // A value starting with `-` is a term (refused by its own rule), not another option.
    #[arg(long, allow_hyphen_values = true)]
    add: String,
    /// Print how the deadline was computed after the first line.
    #[arg(long)]
    explain: bool,
    /// Take the schedule from this regulation file instead of the flags.
    #[arg(long, requires = "schedule")]
    regulation: Option<String>,
    /// The schedule's id in the regulation file.
    #[arg(long, requires = "regulation")]
    schedule: Option<String>,
    /// An extra calendar the regulation file may name, as `NAME=FILE`.
    #[arg(
        long = "with-calendar",
        value_name = "NAME=FILE",
        requires = "regulation"
    )]
    calendars: Vec<String>,
}

pub fn run(a: Args, out: &mut impl Write) -> Result<ExitCode> {
    let term: Term = a
        .add
        .parse()
        .with_context(|| format!("`--add {}`", a.add))?;
    let working = match (&a.regulation, &a.schedule) {
        (Some(file), Some(name)) => {
            let reg = crate::regulation_cmd::load(file, &a.calendars)?
                .map_err(|errors| anyhow::anyhow!("{errors}"))?;
            let Some(s) = reg.schedule(name) else {
                bail!(
                    "regulation `{file}` has no schedule `{name}`, expected one of: {}",
                    reg.schedules.keys().cloned().collect::<Vec<_>>().join(", ")
                );
            };
            s.working.as_ref().clone()
        }
        _ => {
            let tz =
                TimeZone::get(&a.tz).with_context(|| format!("unknown time zone `{}`", a.tz))?;
            let mut weekly = WeeklyPattern::empty();
            let hours: DayHours = a.hours.parse().context("`--hours`")?;
            weekly.set(&a.days, hours).context("`--days`")?;
            let mut s = Schedule::new(tz, weekly).count_presidential_days(a.presidential_working);
            if let Some(cal) = crate::load_calendar(&a.calendar)? {
                s = s.with_calendar(cal);
            }
            s.compile()?
        }
    };
    let tz = working.schedule().time_zone().clone();
    let start = parse_start(&a.start, &tz)?;
    let (deadline, explanation) = working.explain_deadline(start, &term).map_err(|e| match e {
        reglament_calendar::Error::OutOfRange { instant, from, to } => {
            let local = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string();
            let shown = instant
                .parse::<jiff::Timestamp>()
                .map_or(instant.clone(), local);
            if (from..=to).contains(&start.to_zoned(tz.clone()).year()) {
                anyhow::anyhow!(
                    "the deadline from {} falls after {shown}, outside {from}–{to}, the years Reglament computes deadlines for",
                    local(start)
                )
            } else {
                anyhow::anyhow!(
                    "the start {} lies outside {from}–{to}, the years Reglament computes deadlines for",
                    local(start)
                )
            }
        }
        other => other.into(),
    })?;
    writeln!(
        out,
        "{}",
        deadline.at.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%:z")
    )?;
    if deadline.provisional {
        eprintln!(
            "warning: the deadline is provisional: it lies beyond the years the calendar knows"
        );
    }
    if a.explain {
        write!(out, "{explanation}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_start(s: &str, tz: &TimeZone) -> Result<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let dt: DateTime = s.parse().with_context(|| {
        format!(
            "`--start {s}` is not a time, expected RFC 3339 such as `2026-05-08T16:30:00+03:00`"
        )
    })?;
    Ok(dt.to_zoned(tz.clone())?.timestamp())
}
