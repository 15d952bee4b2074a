//! `reglament bill`: a month's statement for a list of time entries under a regulation's
//! billing rules, without a server — so that a regulation's author can check its prices.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use reglament_regulation::billing::bill_for;
use reglament_regulation::{Money, Regulation, Terms, TimeEntry};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The regulation file.
    #[arg(long)]
    regulation: String,
    /// The time entries: CSV with a header and the columns `ticket,activity,start,minutes`,
    /// optionally `level` and `priority`; `start` is RFC 3339, `minutes` is whole minutes or
    /// `MM:SS` for a call's real duration.
    #[arg(long)]
    entries: String,
    /// The month, `YYYY-MM`.
    #[arg(long)]
    month: String,
    /// The customer's tariff, which chooses the billing plan.
    #[arg(long)]
    tariff: Option<String>,
    /// The contract's price per hour in rubles, for activities with `rate = "contract"`.
    #[arg(long, value_name = "RUBLES")]
    contract_rate: Option<String>,
    /// An extra calendar the regulation file may name, as `NAME=FILE`.
    #[arg(long = "with-calendar", value_name = "NAME=FILE")]
    calendars: Vec<String>,
}

pub fn run(a: Args, out: &mut impl Write) -> Result<ExitCode> {
    let reg = crate::regulation_cmd::load(&a.regulation, &a.calendars)?
        .map_err(|errors| anyhow::anyhow!("{errors}"))?;
    let month: Date = format!("{}-01", a.month)
        .parse()
        .ok()
        .filter(|_| a.month.len() == 7)
        .with_context(|| {
            format!(
                "`--month {}` is not a month, expected e.g. `2026-11`",
                a.month
            )
        })?;
    let Some(billing) = reg.billing.as_ref() else {
        bail!("regulation `{}` has no `[billing]` section", a.regulation);
    };
    let plan = match &a.tariff {
        Some(t) => Some(
            billing
                .plan_for_tariff(t)
                .with_context(|| {
                    format!(
                        "no billing plan names the tariff `{t}`, expected one of: {}",
                        billing
                            .plans_in_order()
                            .flat_map(|p| p.tariffs.iter().cloned())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?
                .id
                .clone(),
        ),
        None => None,
    };
    let text = crate::read_text(std::path::Path::new(&a.entries), "entries file")?;
    let entries = read_entries(&reg, &a.entries, &text)?;
    let contract_rate = match &a.contract_rate {
        Some(r) => Some(
            r.parse::<Money>()
                .ok()
                .filter(|m| m.kopecks() > 0)
                .with_context(|| {
                    format!("`--contract-rate {r}` is not a price in rubles such as `1800` or `1 800,50`")
                })?,
        ),
        None => None,
    };
    let terms = Terms {
        plan: plan.as_deref(),
        contract_rate,
    };
    let statement = bill_for(&reg, month, &terms, &entries)
        .map_err(|e| anyhow::anyhow!("{}: {e}", a.entries))?;
    let tz = &reg.timezone;
    writeln!(
        out,
        "Statement for {} under {}{}",
        month.strftime("%Y-%m"),
        reg.name,
        statement
            .plan
            .as_deref()
            .map(|p| format!(", plan «{p}» ({} a month)", statement.fee))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "{:<16}  {:<14}  {:<28}  {:>7}  {:>7}  {:>14}  note",
        "start", "ticket", "activity", "minutes", "billed", "amount"
    )?;
    for l in &statement.lines {
        let title = billing
            .activities
            .get(&l.activity)
            .map_or(l.activity.as_str(), |x| x.title.as_str());
        writeln!(
            out,
            "{:<16}  {:<14}  {:<28}  {:>7}  {:>7}  {:>14}  {}",
            l.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M"),
            l.ticket.as_deref().unwrap_or("—"),
            title.chars().take(28).collect::<String>(),
            l.actual.as_mins(),
            l.billed.as_mins(),
            l.amount.to_string(),
            l.note
        )?;
    }
    writeln!(
        out,
        "Billed {} minutes ({} covered by the plan). Total: {}",
        statement.billed_time.as_mins(),
        statement.included_time.as_mins(),
        statement.total
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The entries of a CSV file, each checked against the regulation; an error names its line.
fn read_entries(reg: &Regulation, file: &str, text: &str) -> Result<Vec<TimeEntry>> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = csv
        .headers()
        .with_context(|| format!("{file}: cannot read the header line"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut need = Vec::new();
    for name in ["ticket", "activity", "start", "minutes"] {
        if column(name).is_none() {
            need.push(name);
        }
    }
    if !need.is_empty() {
        bail!(
            "{file}, line 1: the header has no column {}, expected `ticket,activity,start,minutes` (and optionally `level`, `priority`)",
            need.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let at = |name: &str| column(name).expect("checked above");
    let billing = reg.billing.as_ref().expect("checked by the caller");
    let mut entries = Vec::new();
    for record in csv.records() {
        let record = record.with_context(|| format!("{file}: not valid CSV"))?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |name: &str| record.get(at(name)).unwrap_or("");
        let activity = get("activity");
        if !billing.activities.contains_key(activity) {
            bail!(
                "{file}, line {line}: unknown activity `{activity}`, expected one of: {}",
                billing
                    .activities_in_order()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let start: jiff::Timestamp = get("start").parse().with_context(|| {
            format!(
                "{file}, line {line}: start `{}` is not an RFC 3339 time such as `2026-11-24T10:00:00+03:00`",
                get("start")
            )
        })?;
        let duration = duration(get("minutes")).with_context(|| {
            format!(
                "{file}, line {line}: minutes `{}` is not a duration from 0:01 to 44640 minutes, expected whole minutes such as `30` or minutes and seconds such as `15:20`",
                get("minutes")
            )
        })?;
        for (name, known) in [
            (
                "level",
                reg.levels.iter().map(|l| l.id.clone()).collect::<Vec<_>>(),
            ),
            (
                "priority",
                reg.priorities.iter().map(|p| p.id.clone()).collect(),
            ),
        ] {
            if let Some(v) = column(name)
                .and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
                && !known.iter().any(|k| k == v)
            {
                bail!(
                    "{file}, line {line}: unknown {name} `{v}`, expected one of: {}",
                    known.join(", ")
                );
            }
        }
        let class = |name: &str| {
            column(name)
                .and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let ticket = get("ticket");
        entries.push(TimeEntry {
            ticket: (!ticket.is_empty()).then(|| ticket.to_string()),
            level: class("level"),
            priority: class("priority"),
            ..TimeEntry::new(start, duration, activity)
        });
    }
    Ok(entries)
}

/// `30` minutes, or `15:20` minutes and seconds; more than zero and at most 31 days.
fn duration(text: &str) -> Option<jiff::SignedDuration> {
    let (m, s) = match text.split_once(':') {
        Some((m, s)) if s.len() == 2 => (m.parse::<i64>().ok()?, s.parse::<i64>().ok()?),
        Some(_) => return None,
        None => (text.parse::<i64>().ok()?, 0),
    };
    let secs = m.checked_mul(60)?.checked_add(s)?;
    ((0..60).contains(&s) && m >= 0 && (1..=24 * 60 * 31 * 60).contains(&secs))
        .then(|| jiff::SignedDuration::from_secs(secs))
}
