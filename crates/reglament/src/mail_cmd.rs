//! `reglament mail ingest`: one message on standard input, for an MTA's pipe (Postfix,
//! OpenSMTPD) or fetchmail. It exits 0 once the message is stored — whatever is then decided
//! about it — and 75 (`EX_TEMPFAIL`) when it could not be stored, so that the MTA keeps the
//! message and tries again.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::Result;
use reglament_desk::{DeskError, Lang, MailOutcome};

/// `sysexits.h`: a temporary failure; the MTA queues the message and retries.
pub const EX_TEMPFAIL: u8 = 75;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Read one RFC 5322 message on standard input and store it; exit 75 when it cannot be
    /// stored, so that the MTA retries.
    Ingest(IngestArgs),
    /// Write the built-in mail templates into a directory, to edit and name in `[mail]
    /// templates`; files already there are kept. With `--check`, only check the directory's
    /// templates.
    Templates(TemplatesArgs),
}

#[derive(clap::Args, Debug)]
pub struct TemplatesArgs {
    /// The directory.
    dir: std::path::PathBuf,
    /// Check the templates in the directory instead of writing any.
    #[arg(long)]
    check: bool,
}

#[derive(clap::Args, Debug)]
pub struct IngestArgs {
    #[command(flatten)]
    db: crate::accounts_cmd::Db,
    /// The regulation file; else `REGLAMENT_SERVER__REGULATION` or `[server] regulation`.
    #[arg(long)]
    regulation: Option<std::path::PathBuf>,
    /// Where the message came from, as recorded with it.
    #[arg(long, default_value = "pipe")]
    source: String,
    /// Read every file in this directory as one message instead of standard input (a
    /// maildir's `new`, a folder of `.eml` files), in name order. The files are left as they
    /// are; one stored before is a duplicate and changes nothing.
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

pub async fn run(c: Command, out: &mut impl Write) -> Result<ExitCode> {
    let a = match c {
        Command::Ingest(a) => a,
        Command::Templates(t) => return templates(t, out),
    };
    stay_on_this_cpu();
    if let Some(dir) = a.dir.clone() {
        return ingest_dir(a, &dir, out).await;
    }
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut raw) {
        eprintln!("reglament mail ingest: cannot read the message: {e}");
        return Ok(ExitCode::from(EX_TEMPFAIL));
    }
    // A database that cannot be reached, or a configuration that cannot be read, keeps the
    // message with the MTA: nothing is lost, and the next try may succeed.
    let desk = match a.db.desk_under(a.regulation.as_deref()).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("reglament mail ingest: not stored, try again later: {e:#}");
            return Ok(ExitCode::from(EX_TEMPFAIL));
        }
    };
    let (id, new) = match desk.within_limit(desk.receive_mail(&raw, &a.source)).await {
        Ok(stored) => stored,
        Err(e) => {
            let cause = match &e {
                DeskError::Unavailable(c) | DeskError::Internal(c) => format!(" ({c})"),
                _ => String::new(),
            };
            eprintln!(
                "reglament mail ingest: not stored, try again later: {}{cause}",
                e.render(Lang::En)
            );
            return Ok(ExitCode::from(EX_TEMPFAIL));
        }
    };
    if !new {
        writeln!(
            out,
            "inbound #{id}: a duplicate of a stored message; nothing new"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    // Stored: from here on the message is safe, and a failure leaves it pending for the
    // server's worker.
    match desk.within_limit(desk.process_mail(id)).await {
        Ok(MailOutcome::Opened { ticket, .. }) => {
            writeln!(out, "inbound #{id}: opened ticket {}", ticket.0)?
        }
        Ok(MailOutcome::Joined { ticket, .. }) => {
            writeln!(out, "inbound #{id}: joined ticket {}", ticket.0)?
        }
        Ok(MailOutcome::Quarantined { reason, .. }) => writeln!(
            out,
            "inbound #{id}: quarantined: {}",
            reason.render(Lang::En)
        )?,
        Ok(MailOutcome::Ignored { reason, .. }) => {
            writeln!(out, "inbound #{id}: ignored: {}", reason.render(Lang::En))?
        }
        Ok(MailOutcome::Bounced { ticket, .. }) => match ticket {
            Some(t) => writeln!(out, "inbound #{id}: a bounce of mail on ticket {}", t.0)?,
            None => writeln!(out, "inbound #{id}: a bounce")?,
        },
        Ok(MailOutcome::Duplicate { .. }) => writeln!(out, "inbound #{id}: a duplicate")?,
        Err(e) => eprintln!(
            "reglament mail ingest: inbound #{id} stored; reading it failed and is retried: {}",
            e.render(Lang::En)
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn templates(t: TemplatesArgs, out: &mut impl Write) -> Result<ExitCode> {
    if !t.check {
        std::fs::create_dir_all(&t.dir)?;
        for (name, source) in reglament_desk::MailTemplates::builtin() {
            let path = t.dir.join(name);
            if path.exists() {
                writeln!(out, "kept    {}", path.display())?;
            } else {
                std::fs::write(&path, source)?;
                writeln!(out, "written {}", path.display())?;
            }
        }
    }
    match reglament_desk::MailTemplates::from_dir(&t.dir) {
        Ok(m) => {
            writeln!(
                out,
                "{} templates in force from {}",
                m.overridden().len(),
                t.dir.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// `mail ingest --dir`: every file in a directory, each stored and then read, in one process.
async fn ingest_dir(
    a: IngestArgs,
    dir: &std::path::Path,
    out: &mut impl Write,
) -> Result<ExitCode> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let desk = match a.db.desk_under(a.regulation.as_deref()).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("reglament mail ingest: nothing stored, try again later: {e:#}");
            return Ok(ExitCode::from(EX_TEMPFAIL));
        }
    };
    let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let mut not_stored = 0;
    for path in &files {
        let raw = match std::fs::read(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}: cannot read: {e}", path.display());
                not_stored += 1;
                continue;
            }
        };
        let (id, new) = match desk.within_limit(desk.receive_mail(&raw, &a.source)).await {
            Ok(stored) => stored,
            Err(e) => {
                eprintln!("{}: not stored: {}", path.display(), e.render(Lang::En));
                not_stored += 1;
                continue;
            }
        };
        let kind = if !new {
            "duplicate"
        } else {
            match desk.within_limit(desk.process_mail(id)).await {
                Ok(MailOutcome::Opened { .. }) => "opened",
                Ok(MailOutcome::Joined { .. }) => "joined",
                Ok(MailOutcome::Quarantined { .. }) => "quarantined",
                Ok(MailOutcome::Ignored { .. }) => "ignored",
                Ok(MailOutcome::Bounced { .. }) => "bounced",
                Ok(MailOutcome::Duplicate { .. }) => "duplicate",
                // Stored: the server's worker reads it later.
                Err(_) => "pending",
            }
        };
        *counts.entry(kind).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    writeln!(
        out,
        "{} messages from {}: {}{}",
        files.len(),
        dir.display(),
        if summary.is_empty() {
            "none".to_string()
        } else {
            summary.join(", ")
        },
        if not_stored > 0 {
            format!("; {not_stored} not stored")
        } else {
            String::new()
        }
    )?;
    Ok(if not_stored > 0 {
        ExitCode::from(EX_TEMPFAIL)
    } else {
        ExitCode::SUCCESS
    })
}

/// Keeps this process, and the SQLite worker thread it is about to start, on the CPU it runs
/// on now. Every query is a hand-off between the two threads; on two CPUs each hand-off wakes
/// the other one, which cost a third of `mail ingest --dir`'s time. The scheduler still spreads
/// the processes an MTA starts side by side, since each stays where it began.
fn stay_on_this_cpu() {
    #[cfg(target_os = "linux")]
    {
        let mut here = rustix::thread::CpuSet::new();
        here.set(rustix::thread::sched_getcpu());
        let _ = rustix::thread::sched_setaffinity(None, &here);
    }
}
