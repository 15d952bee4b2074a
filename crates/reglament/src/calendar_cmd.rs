//! `reglament calendar show|import`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use reglament_calendar::{DayOverride, ProductionCalendar};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// List a year's non-working days, shortened days and working weekend days.
    Show {
        /// `ru` (built-in) or a calendar file.
        #[arg(long, default_value = "ru")]
        calendar: String,
        /// The year.
        #[arg(long)]
        year: i16,
    },
    /// Import an xmlcalendar, data.gov.ru CSV or iCalendar file and report what was read.
    Import {
        /// The calendar file.
        file: String,
    },
}

pub fn run(c: Command, out: &mut impl Write) -> Result<ExitCode> {
    match c {
        Command::Show { calendar, year } => {
            let Some(cal) = crate::load_calendar(&calendar)? else {
                bail!("`--calendar none` has no days to show");
            };
            show(&cal, year, out)?;
        }
        Command::Import { file } => {
            let text = crate::read_text(std::path::Path::new(&file), "calendar file")?;
            let report = reglament_calendar::import::detect_and_import(&text)
                .with_context(|| format!("cannot import `{file}`"))?;
            write!(out, "{report}")?;
            for &y in &report.years {
                writeln!(out)?;
                show(&report.calendar, y, out)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(cal: &ProductionCalendar, year: i16, out: &mut impl Write) -> Result<()> {
    let first = Date::new(year, 1, 1).with_context(|| format!("`{year}` is not a year"))?;
    let (mut off, mut short, mut weekend) = (Vec::new(), Vec::new(), Vec::new());
    let (mut days, mut hours) = (0u32, 0u32);
    for date in first.series(1.day()).take_while(|d| d.year() == year) {
        let is_weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        let line =
            |o: &DayOverride| format!("  {} {:<9} {o}", date, format!("{:?}", date.weekday()));
        match cal.get(date) {
            Some(
                o @ DayOverride::Working {
                    weekend: w,
                    shortened,
                },
            ) => {
                days += 1;
                hours += if *shortened { 7 } else { 8 };
                if *shortened {
                    short.push(line(o));
                }
                if *w {
                    weekend.push(line(o));
                }
            }
            Some(o @ DayOverride::Hours { hours: h, .. }) => {
                if !h.is_empty() {
                    days += 1;
                    hours += h.minutes() / 60;
                }
                off.push(line(o));
            }
            Some(o) => off.push(line(o)),
            None if is_weekend => {}
            None => {
                days += 1;
                hours += 8;
            }
        }
    }
    let status = if cal.is_provisional(first) {
        " (provisional: only the fixed holidays are known)"
    } else {
        ""
    };
    writeln!(out, "{} {year}{status}", cal.name())?;
    if let Some(b) = cal.year(year).and_then(|y| y.basis.as_deref()) {
        writeln!(out, "basis: {b}")?;
    }
    writeln!(out, "non-working days ({}):", off.len())?;
    for l in off {
        writeln!(out, "{l}")?;
    }
    writeln!(out, "shortened days ({}):", short.len())?;
    for l in short {
        writeln!(out, "{l}")?;
    }
    writeln!(out, "working weekend days ({}):", weekend.len())?;
    for l in weekend {
        writeln!(out, "{l}")?;
    }
    writeln!(
        out,
        "working days: {days}; hours for a 40-hour week: {hours} (Presidential days counted as off)"
    )?;
    Ok(())
}
