//! Timers: due jobs fire exactly once. A job is claimed, its effect written and the job marked
//! done in one transaction; on PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so any number of
//! nodes can drain the table without taking the same job, and a crash rolls the whole step back.

use jiff::Timestamp;
use reglament_domain::{Actor, Command, Outcome, Ticket, TicketId};
use reglament_regulation::{BaseStatus, Regulation};
use sqlx::Row;

use crate::tickets::Job;
use crate::{Backend, Result, Store, StoreError, next_value};

/// What running one job did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// The job ran: its notification or status change is written.
    Fired(Job),
    /// The job was due but no longer applied (the ticket moved on); it is marked done.
    Obsolete(Job),
}

impl Store {
    /// Runs the earliest job due at `now`, if any: the worker's `try_execute_task`.
    ///
    /// # Errors
    ///
    /// Any storage error; the job then stays pending and runs again later.
    pub async fn run_due_job(
        &self,
        reg: &Regulation,
        now: Timestamp,
    ) -> Result<Option<JobOutcome>> {
        let mut tx = self.begin().await?;
        let claim = match self.backend() {
            Backend::Postgres => {
                "SELECT id, kind, ticket_id, target, due_at FROM jobs WHERE done_at IS NULL AND due_at <= $1 \
                 ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
            }
            // SQLite has one writer at a time, and `begin` has taken the write lock.
            Backend::Sqlite => {
                "SELECT id, kind, ticket_id, target, due_at FROM jobs WHERE done_at IS NULL AND due_at <= $1 \
                 ORDER BY due_at, id LIMIT 1"
            }
        };
        let Some(row) = sqlx::query(claim)
            .bind(now.as_second())
            .fetch_optional(&mut **tx)
            .await?
        else {
            return Ok(None);
        };
        let job = Job {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            ticket: TicketId(row.try_get("ticket_id")?),
            target: row.try_get("target")?,
            due_at: Timestamp::from_second(row.try_get("due_at")?).unwrap_or(now),
        };
        let journal = crate::tickets::load_journal(&mut **tx, job.ticket).await?;
        let ticket = Ticket::replay(&journal)?;
        let fired = match job.kind.as_str() {
            "auto_close" if ticket.base_status(reg) == BaseStatus::Completed => {
                match ticket
                    .decide(&journal, Command::AutoClose, Actor::System, reg, now)
                    .map_err(|e| StoreError::Other(e.to_string()))?
                {
                    Outcome::Events(events) => {
                        let entries = events
                            .into_iter()
                            .map(|e| reglament_domain::JournalEntry::new(now, Actor::System, e))
                            .collect();
                        crate::tickets::append_in(
                            &mut tx,
                            reg,
                            job.ticket,
                            journal.len() as i64,
                            &journal,
                            entries,
                            now,
                        )
                        .await?;
                        true
                    }
                    Outcome::OpenLinkedTicket => false,
                }
            }
            "warn" | "breach" | "interim" => {
                let clock: Option<(String,)> =
                    sqlx::query_as("SELECT state FROM clocks WHERE ticket_id = $1 AND target = $2")
                        .bind(job.ticket.0)
                        .bind(&job.target)
                        .fetch_optional(&mut **tx)
                        .await?;
                let running = clock.is_some_and(|(s,)| s == "running");
                if running {
                    let recipient = match job.kind.as_str() {
                        "interim" => ticket.contact.map(|c| format!("contact:{}", c.0)),
                        "warn" => Some(
                            ticket
                                .assignee
                                .map_or("supervisors".to_string(), |a| format!("agent:{}", a.0)),
                        ),
                        _ => Some("supervisors".to_string()),
                    };
                    if let Some(to) = recipient {
                        let id = next_value(&mut tx, "outbox").await?;
                        let title = job
                            .target
                            .as_deref()
                            .and_then(|t| reg.target(t))
                            .map(|t| t.title.clone());
                        sqlx::query("INSERT INTO outbox (id, ticket_id, kind, recipient, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                            .bind(id)
                            .bind(job.ticket.0)
                            .bind(&job.kind)
                            .bind(to)
                            .bind(
                                serde_json::json!({
                                    "number": ticket.number.as_ref().map(|n| n.as_str()),
                                    "subject": ticket.subject,
                                    "target": job.target,
                                    "title": title,
                                    "due": job.due_at.to_string(),
                                })
                                .to_string(),
                            )
                            .bind(now.as_second())
                            .execute(&mut **tx)
                            .await?;
                    }
                }
                running
            }
            _ => false,
        };
        sqlx::query("UPDATE jobs SET done_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(now.as_second())
            .bind(job.id)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(Some(if fired {
            JobOutcome::Fired(job)
        } else {
            JobOutcome::Obsolete(job)
        }))
    }

    /// When the next pending job is due, so a worker can sleep until exactly then.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn next_job_due(&self) -> Result<Option<Timestamp>> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT MIN(due_at) FROM jobs WHERE done_at IS NULL")
                .fetch_optional(self.pool())
                .await?;
        Ok(row
            .and_then(|(t,)| t)
            .and_then(|t| Timestamp::from_second(t).ok()))
    }
}
