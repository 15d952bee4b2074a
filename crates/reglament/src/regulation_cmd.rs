//! `reglament regulation check|render|diff`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use reglament_regulation::{Calendars, Regulation, render};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Validate a regulation file: exit 0 with a summary, or non-zero with every error.
    Check {
        /// The regulation file.
        file: String,
        /// An extra calendar the file may name, as `NAME=FILE`.
        #[arg(long = "with-calendar", value_name = "NAME=FILE")]
        calendars: Vec<String>,
    },
    /// Render the customer-facing document.
    Render {
        /// The regulation file.
        file: String,
        /// `markdown` or `html`.
        #[arg(long, default_value = "markdown", value_parser = ["markdown", "md", "html"])]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<String>,
        /// An extra calendar the file may name, as `NAME=FILE`.
        #[arg(long = "with-calendar", value_name = "NAME=FILE")]
        calendars: Vec<String>,
    },
    /// What changed for customers between two versions of a regulation: each line of the
    /// published document (hours, channels, terms, prices, …) added, removed or changed. Exits
    /// 0 when nothing changed, 1 when something did, 2 when a file is invalid.
    Diff {
        /// The version in force.
        old: String,
        /// The new version.
        new: String,
        /// An extra calendar the files may name, as `NAME=FILE`.
        #[arg(long = "with-calendar", value_name = "NAME=FILE")]
        calendars: Vec<String>,
    },
}

pub(crate) fn load(
    file: &str,
    extra: &[String],
) -> Result<std::result::Result<Regulation, String>> {
    let text = crate::read_text(std::path::Path::new(file), "regulation file")?;
    let mut calendars = Calendars::new();
    for spec in extra {
        let Some((name, path)) = spec.split_once('=') else {
            bail!("`--with-calendar {spec}` is not `NAME=FILE`");
        };
        if matches!(name, "ru" | "none") {
            bail!(
                "`--with-calendar {spec}`: `{name}` is built in and cannot be replaced; give the file another name (`--with-calendar my-{name}={path}`) and write `calendar = \"my-{name}\"` in the schedule"
            );
        }
        if calendars.contains_key(name) {
            bail!("`--with-calendar {spec}`: a calendar named `{name}` is given twice");
        }
        let cal = crate::load_calendar(path)?
            .with_context(|| format!("`--with-calendar {spec}` names no calendar"))?;
        calendars.insert(name.to_string(), cal);
    }
    Ok(
        Regulation::parse_with_calendars(&text, &calendars).map_err(|e| {
            e.diagnostics
                .iter()
                .map(|d| format!("{file}:{}:{}: {}", d.line, d.column, d.message))
                .collect::<Vec<_>>()
                .join("\n")
        }),
    )
}

pub fn run(c: Command, out: &mut impl Write) -> Result<ExitCode> {
    match c {
        Command::Check { file, calendars } => match load(&file, &calendars)? {
            Ok(reg) => {
                summary(&reg, out)?;
                Ok(ExitCode::SUCCESS)
            }
            Err(errors) => {
                eprintln!("{errors}");
                Ok(ExitCode::FAILURE)
            }
        },
        Command::Render {
            file,
            format,
            output,
            calendars,
        } => {
            let reg = match load(&file, &calendars)? {
                Ok(r) => r,
                Err(errors) => {
                    eprintln!("{errors}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let doc = if format == "html" {
                render::html(&reg)
            } else {
                render::markdown(&reg)
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, doc).with_context(|| format!("cannot write `{path}`"))?
                }
                None => out.write_all(doc.as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            old,
            new,
            calendars,
        } => {
            let (a, b) = match (load(&old, &calendars)?, load(&new, &calendars)?) {
                (Ok(a), Ok(b)) => (a, b),
                (a, b) => {
                    for e in [a.err(), b.err()].into_iter().flatten() {
                        eprintln!("{e}");
                    }
                    return Ok(ExitCode::from(2));
                }
            };
            let changes = render::diff(&a, &b);
            if changes.is_empty() {
                writeln!(out, "No changes for customers between {old} and {new}.")?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut section = "";
            for c in &changes {
                if c.section != section {
                    section = &c.section;
                    writeln!(out, "{section}")?;
                }
                match (&c.old, &c.new) {
                    (Some(was), Some(now)) => writeln!(
                        out,
                        "  ~ {}
      was: {was}
      now: {now}",
                        c.subject
                    )?,
                    (None, Some(now)) if *now == c.subject => writeln!(out, "  + {now}")?,
                    (None, Some(now)) => writeln!(out, "  + {}: {now}", c.subject)?,
                    (Some(was), None) if *was == c.subject => writeln!(out, "  - {was}")?,
                    (Some(was), None) => writeln!(out, "  - {}: {was}", c.subject)?,
                    (None, None) => {}
                }
            }
            writeln!(
                out,
                "{} {} for customers.",
                changes.len(),
                if changes.len() == 1 {
                    "change"
                } else {
                    "changes"
                }
            )?;
            Ok(ExitCode::from(1))
        }
    }
}

fn ids<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

fn summary(reg: &Regulation, out: &mut impl Write) -> Result<()> {
    writeln!(out, "ok: {}", reg.name)?;
    writeln!(out, "schedules: {}", reg.schedules.len())?;
    for s in reg.schedules.values() {
        let sch = s.schedule();
        let days: Vec<String> = (0..7)
            .filter_map(|i| {
                let wd = jiff::civil::Weekday::from_monday_zero_offset(i).ok()?;
                let h = sch.weekly().day(wd);
                (!h.is_empty()).then(|| format!("{wd:?} {h}"))
            })
            .collect();
        writeln!(
            out,
            "  {} ({}), calendar {}, {}: {}",
            s.id,
            s.title,
            s.calendar,
            sch.time_zone().iana_name().unwrap_or("UTC"),
            days.join("; ")
        )?;
    }
    writeln!(
        out,
        "channels: {}",
        ids(reg.channels.iter().map(|c| c.id.as_str()))
    )?;
    writeln!(out, "categories: {}", reg.categories.len())?;
    writeln!(
        out,
        "levels: {}",
        ids(reg.levels.iter().map(|c| c.id.as_str()))
    )?;
    writeln!(
        out,
        "priorities: {}",
        ids(reg.priorities.iter().map(|c| c.id.as_str()))
    )?;
    writeln!(
        out,
        "lines: {}",
        ids(reg.lines.iter().map(|c| c.id.as_str()))
    )?;
    writeln!(out, "targets: {}", reg.targets.len())?;
    for t in &reg.targets {
        let mut terms = Vec::new();
        if let Some(d) = &t.duration {
            terms.push(d.to_string());
        }
        for (p, d) in &t.by_priority {
            terms.push(format!("{p}: {d}"));
        }
        for (l, d) in &t.by_level {
            terms.push(format!("{l}: {d}"));
        }
        for (c, d) in &t.by_category {
            terms.push(format!("{c}: {d}"));
        }
        for (l, cats) in &t.by_level_category {
            for (c, d) in cats {
                terms.push(format!("{l} × {c}: {d}"));
            }
        }
        writeln!(
            out,
            "  {} ({}): {} → {}, schedule {}, {}",
            t.id,
            t.title,
            t.start,
            t.stop
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" | "),
            t.schedule,
            terms.join("; ")
        )?;
    }
    if let Some(b) = &reg.billing {
        writeln!(
            out,
            "billing: {} activities, {} plans, {} multipliers",
            b.activities.len(),
            b.plans.len(),
            b.multipliers.len()
        )?;
    }
    Ok(())
}
