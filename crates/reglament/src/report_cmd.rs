//! `reglament report compliance|distribution|csat|workload`: the SLA reports from the database, as CSV or
//! JSON, for scripts and a monthly mail.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use reglament_desk::{Lang, OPERATOR, ReportQuery};

use crate::accounts_cmd::Db;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Each SLA target's clocks that started in the period: met, breached, running and
    /// cancelled (rejections and merges, counted as neither), with the share met.
    Compliance(ComplianceArgs),
    /// Reaction and resolution times in working time: each target's stopped clocks, with the
    /// median, the 90th percentile and a histogram. `--group-by` is not used.
    Distribution(ComplianceArgs),
    /// Customer satisfaction: the ratings given in the period by group (`--group-by month`
    /// for the trend), their average and the count of each star.
    Csat(ComplianceArgs),
    /// Workload: per agent (or `--group-by line`), the tickets received in the period that
    /// are assigned to it now, how many are still open, and the minutes logged.
    Workload(ComplianceArgs),
}

#[derive(clap::Args, Debug)]
pub struct ComplianceArgs {
    /// The month, `YYYY-MM`, in the regulation's time zone [default: the current month].
    #[arg(long)]
    month: Option<String>,
    /// The first day, `YYYY-MM-DD`, with `--to` instead of `--month`.
    #[arg(long)]
    from: Option<String>,
    /// The last day, included.
    #[arg(long)]
    to: Option<String>,
    /// Rows per target and `month`, `organization`, `priority`, `level`, `line`, `category`
    /// or `agent`.
    #[arg(long = "group-by")]
    group_by: Option<String>,
    /// Only this organization's tickets (its id).
    #[arg(long)]
    organization: Option<i64>,
    /// Only this priority.
    #[arg(long)]
    priority: Option<String>,
    /// Only this level.
    #[arg(long)]
    level: Option<String>,
    /// Only tickets on this line.
    #[arg(long)]
    line: Option<String>,
    /// Only this category.
    #[arg(long)]
    category: Option<String>,
    /// Only tickets assigned to this agent (its id).
    #[arg(long)]
    agent: Option<i64>,
    /// `csv` (a header in Russian, or English with `--lang en`) or `json`.
    #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
    format: String,
    /// The language of the CSV header: `ru` or `en`.
    #[arg(long, default_value = "ru", value_parser = ["ru", "en"])]
    lang: String,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<String>,
    /// The regulation file [default: the server's].
    #[arg(long)]
    regulation: Option<std::path::PathBuf>,
    #[command(flatten)]
    db: Db,
}

pub async fn run(c: Command, out: &mut impl Write) -> Result<ExitCode> {
    let (a, kind) = match c {
        Command::Compliance(a) => (a, "compliance"),
        Command::Distribution(a) => (a, "distribution"),
        Command::Csat(a) => (a, "csat"),
        Command::Workload(a) => (a, "workload"),
    };
    let desk = a.db.desk_under(a.regulation.as_deref()).await?;
    let lang = if a.lang == "en" { Lang::En } else { Lang::Ru };
    let q = ReportQuery {
        month: a.month,
        from: a.from,
        to: a.to,
        group_by: a.group_by,
        organization_id: a.organization,
        priority: a.priority,
        level: a.level,
        line: a.line,
        category: a.category,
        agent_id: a.agent,
    };
    let refused = |e: reglament_desk::DeskError| anyhow::anyhow!("{}", e.render(Lang::En));
    let json = a.format == "json";
    let text = match kind {
        "distribution" => {
            let r = desk
                .distribution_report(OPERATOR, &q)
                .await
                .map_err(refused)?;
            written(json, &r, || r.csv(lang))?
        }
        "workload" => {
            let r = desk.workload_report(OPERATOR, &q).await.map_err(refused)?;
            written(json, &r, || r.csv(lang))?
        }
        "csat" => {
            let r = desk.csat_report(OPERATOR, &q).await.map_err(refused)?;
            written(json, &r, || r.csv(lang))?
        }
        _ => {
            let r = desk
                .compliance_report(OPERATOR, &q)
                .await
                .map_err(refused)?;
            written(json, &r, || r.csv(lang))?
        }
    };
    match a.output {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("cannot write `{path}`"))?
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A report as pretty JSON, or as its CSV.
fn written<T: serde::Serialize>(json: bool, r: &T, csv: impl FnOnce() -> String) -> Result<String> {
    Ok(if json {
        serde_json::to_string_pretty(r)? + "\n"
    } else {
        csv()
    })
}
