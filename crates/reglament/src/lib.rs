//! The `reglament` binary: the command line that wires the pure crates together.
//!
//! - `deadline`: working-time deadlines from flags or a regulation's schedule;
//! - `regulation check|render|diff`: validate, publish and compare regulation files;
//! - `report compliance`: the SLA compliance report from the database;
//! - `calendar show|import`: inspect the built-in production calendar and import files.

mod accounts_cmd;
mod bill_cmd;
mod calendar_cmd;
mod config;
mod deadline;
mod http;
mod imap;
mod mail_cmd;
mod regulation_cmd;
mod report_cmd;
mod serve_cmd;
mod smtp;
mod tls;

use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use reglament_calendar::ProductionCalendar;

/// Reglament: a service desk that runs a technical-support regulation.
#[derive(Parser, Debug)]
#[command(name = "reglament", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compute a deadline in working time.
    Deadline(deadline::Args),
    /// Check or render a regulation file.
    #[command(subcommand)]
    Regulation(regulation_cmd::Command),
    /// Show the production calendar or import a calendar file.
    #[command(subcommand)]
    Calendar(calendar_cmd::Command),
    /// Run the server: the JSON API, health checks and the timer worker.
    Serve(serve_cmd::Args),
    /// Check a running server's health; exit 0 when healthy.
    Healthcheck(serve_cmd::HealthArgs),
    /// Create or upgrade the database schema.
    Migrate(accounts_cmd::Db),
    /// Write a consistent snapshot of a SQLite database (PostgreSQL: prints pg_dump guidance).
    Backup(accounts_cmd::BackupArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(accounts_cmd::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(accounts_cmd::TokenCommand),
    /// Take in mail.
    #[command(subcommand)]
    Mail(mail_cmd::Command),
    /// Print a month's statement for a CSV of time entries under a regulation's billing rules.
    Bill(bill_cmd::Args),
    /// Reports from the database: SLA compliance.
    #[command(subcommand)]
    Report(report_cmd::Command),
}

/// Runs the command line with the given arguments and returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Command::Deadline(a) => deadline::run(a, &mut out),
        Command::Regulation(c) => regulation_cmd::run(c, &mut out),
        Command::Calendar(c) => calendar_cmd::run(c, &mut out),
        Command::Serve(a) => block_on_threads(serve_cmd::run(a, &mut out)),
        Command::Healthcheck(a) => block_on(serve_cmd::healthcheck(a, &mut out)),
        Command::Migrate(db) => block_on(accounts_cmd::migrate(db, &mut out)),
        Command::Backup(a) => block_on(accounts_cmd::backup(a, &mut out)),
        Command::User(c) => block_on(accounts_cmd::user(c, &mut out)),
        Command::Token(c) => block_on(accounts_cmd::token(c, &mut out)),
        Command::Mail(c) => block_on(mail_cmd::run(c, &mut out)),
        Command::Bill(a) => bill_cmd::run(a, &mut out),
        Command::Report(c) => block_on(report_cmd::run(c, &mut out)),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a short command — one message, one account, one migration — on this thread: a
/// process per message (a mail server's pipe) pays for every thread it starts and every
/// hand-off between them.
fn block_on<T>(f: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(f)
}

/// Runs the server on a thread per core.
fn block_on_threads<T>(f: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(f)
}

/// A text file's contents; bytes that are not UTF-8 are reported at their line and column.
pub(crate) fn read_text(path: &std::path::Path, what: &str) -> Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read {what} `{}`", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters, as editors show them.
        let column = String::from_utf8_lossy(&good[start..]).chars().count() + 1;
        anyhow::anyhow!(
            "{what} `{}`, line {line}, column {column}: the bytes there are not UTF-8; save the file as UTF-8",
            path.display()
        )
    })
}

/// Resolves `--calendar`: `ru` (built-in), `none`, or a calendar file to import.
fn load_calendar(spec: &str) -> Result<Option<Arc<ProductionCalendar>>> {
    match spec {
        "ru" => Ok(Some(ProductionCalendar::russia())),
        "none" => Ok(None),
        path => {
            let text = read_text(std::path::Path::new(path), "calendar file")?;
            let report = reglament_calendar::import::detect_and_import(&text)
                .with_context(|| format!("cannot import calendar file `{path}`"))?;
            Ok(Some(Arc::new(report.calendar)))
        }
    }
}
