//! The journal's write path: appending entries and bringing every projection in line with them
//! in the same transaction — the ticket row, the clock rows, the timer jobs and the outbox.

use super::*;
use crate::Conflict;
use crate::batch::{Batch, Value};

/// `next_due` of a ticket with no running deadline: sorts after every real one.
pub(super) const NO_DEADLINE: i64 = i64::MAX;

/// Writes a new ticket from its first entries: the row, already in its projected state (one
/// insert, no update after it), the journal, the clocks, the timers and the notifications — as
/// one [`Batch`].
pub(super) async fn create_in(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    entries: &[JournalEntry],
    now: Timestamp,
) -> Result<()> {
    let Some(received) = entries.first() else {
        return Err(bad("a ticket starts with a `received` event"));
    };
    let p = projection(reg, entries, now)?;
    let mut batch = Batch::new(tx);
    static INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "INSERT INTO tickets ({ROW_COLUMNS}, received_at, id) VALUES {}",
            crate::placeholders(1, ROW_VALUES + 2)
        )
    });
    let mut values = row_values(&p);
    values.push(received.at.as_second().into());
    values.push(id.0.into());
    batch.push(INSERT.as_str(), values);
    journal_statements(&mut batch, id, 0, entries)?;
    effects(&mut batch, reg, id, &p, entries, true);
    batch.run(tx).await
}

/// Registers a new ticket by the state machine, as the system, appending what it decides (the
/// registration, and the hand-over to the first line when the regulation has lines).
pub(super) fn register(
    ticket: &Ticket,
    entries: &mut Vec<JournalEntry>,
    number: reglament_domain::TicketNumber,
    reg: &Regulation,
    now: Timestamp,
) -> Result<()> {
    if let Outcome::Events(events) = ticket
        .decide(
            entries,
            Command::Register { number },
            Actor::System,
            reg,
            now,
        )
        .map_err(StoreError::Refused)?
    {
        entries.extend(
            events
                .into_iter()
                .map(|e| JournalEntry::new(now, Actor::System, e)),
        );
    }
    Ok(())
}

/// Creates a registered ticket from another one's facts and links the two: `relation` is how
/// the original relates to the new ticket. `actors` are who files the new ticket and who links
/// them. The subject defaults to the original's.
#[allow(clippy::too_many_arguments)]
pub(super) async fn spawn_linked(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    original_id: TicketId,
    subject: Option<String>,
    description: String,
    (filer, linker): (Actor, Actor),
    relation: reglament_domain::Relation,
    numbers: &TicketNumberFormat,
    now: Timestamp,
) -> Result<TicketId> {
    let original = Ticket::replay(&load_journal(&mut **tx, original_id).await?)?;
    let new_id = TicketId(next_value(tx, "tickets").await?);
    let link = Command::Link {
        ticket: new_id,
        relation,
    };
    decide_in(tx, reg, original_id, linker, link, now).await?;
    let received = JournalEntry::new(
        now,
        filer,
        TicketEvent::Received {
            channel: original.channel.clone(),
            subject: subject.unwrap_or_else(|| original.subject.clone()),
            description,
            organization: original.organization,
            // A customer's follow-up is theirs; a split stays the original contact's.
            contact: match filer {
                Actor::Contact(c) => Some(c),
                _ => original.contact,
            },
            category: original.category.clone(),
            level: original.level.clone(),
            priority: original.priority.clone(),
            fields: original.fields.clone(),
        },
    );
    let ticket = Ticket::replay(std::slice::from_ref(&received))?;
    let number = next_number(tx, reg, numbers, now).await?;
    // Registered as any new ticket is, so it is put on its line and its clocks start.
    let mut entries = vec![received];
    register(&ticket, &mut entries, number, reg, now)?;
    entries.push(JournalEntry::new(
        now,
        linker,
        TicketEvent::Linked {
            ticket: original_id,
            relation: relation.inverse(),
        },
    ));
    create_in(tx, reg, new_id, &entries, now).await?;
    Ok(new_id)
}

/// Decides a command on a ticket inside a transaction and appends what it leads to.
pub(super) async fn decide_in(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    actor: Actor,
    command: Command,
    now: Timestamp,
) -> Result<Outcome> {
    let journal = load_journal(&mut **tx, id).await?;
    let ticket = Ticket::replay(&journal)?;
    let outcome = ticket
        .decide(&journal, command, actor, reg, now)
        .map_err(StoreError::Refused)?;
    if let Outcome::Events(events) = &outcome {
        let entries = events
            .iter()
            .map(|e| JournalEntry::new(now, actor, e.clone()))
            .collect();
        append_in(tx, reg, id, journal.len() as i64, &journal, entries, now).await?;
    }
    Ok(outcome)
}

/// The next ticket number: a yearly sequence when the format has `{year}`.
pub(super) async fn next_number(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    numbers: &TicketNumberFormat,
    now: Timestamp,
) -> Result<reglament_domain::TicketNumber> {
    let (counter, year) = number_counter(reg, numbers, now);
    let seq = next_value(tx, &counter).await?;
    Ok(numbers.format(year, seq as u64))
}

/// The counter the next ticket number comes from, and the year it is numbered in: a yearly
/// sequence when the format has `{year}`.
pub(super) fn number_counter(
    reg: &Regulation,
    numbers: &TicketNumberFormat,
    now: Timestamp,
) -> (String, i16) {
    let year = reg.timezone.to_datetime(now).year();
    let counter = if numbers.yearly() {
        format!("ticket_number:{year}")
    } else {
        "ticket_number".into()
    };
    (counter, year)
}

pub(crate) async fn load_journal<'e, E>(exec: E, id: TicketId) -> Result<Vec<JournalEntry>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows =
        sqlx::query("SELECT at, actor, event FROM journal WHERE ticket_id = $1 ORDER BY seq")
            .bind(id.0)
            .fetch_all(exec)
            .await?;
    if rows.is_empty() {
        return Err(StoreError::NotFound);
    }
    rows.iter()
        .map(|r| {
            let actor: String = r.try_get("actor")?;
            let event: String = r.try_get("event")?;
            Ok(JournalEntry {
                at: ts(r.try_get("at")?),
                actor: serde_json::from_str(&actor).map_err(bad)?,
                event: serde_json::from_str(&event).map_err(bad)?,
            })
        })
        .collect()
}

/// Appends entries after `len` existing ones and brings every projection up to date. A
/// concurrent append of the same sequence number fails the insert, so two writers never
/// interleave.
pub(crate) async fn append_in(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    len: i64,
    existing: &[JournalEntry],
    entries: Vec<JournalEntry>,
    now: Timestamp,
) -> Result<()> {
    let mut journal = existing.to_vec();
    journal.extend(entries.iter().cloned());
    let p = projection(reg, &journal, now)?;
    let mut batch = Batch::new(tx);
    journal_statements(&mut batch, id, len, &entries)?;
    update_row(&mut batch, id, &p);
    effects(&mut batch, reg, id, &p, &entries, false);
    batch.run(tx).await.map_err(|e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(Conflict::ChangedMeanwhile),
        other => other,
    })
}

/// Journal entries `len..` of a ticket, and their text indexed for search.
fn journal_statements(
    batch: &mut Batch,
    id: TicketId,
    len: i64,
    entries: &[JournalEntry],
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO journal (ticket_id, seq, at, actor, event) VALUES {}",
        crate::placeholders(entries.len(), 5)
    );
    let mut values = Vec::with_capacity(entries.len() * 5);
    for (i, e) in entries.iter().enumerate() {
        values.extend([
            id.0.into(),
            (len + i as i64).into(),
            e.at.as_second().into(),
            serde_json::to_string(&e.actor).map_err(bad)?.into(),
            serde_json::to_string(&e.event).map_err(bad)?.into(),
        ]);
    }
    batch.push(sql, values);
    super::search::index(batch, id, len, entries);
    Ok(())
}

/// Brings the ticket row, the clock rows and the pending timers in line with a journal under
/// a regulation, and returns the projection and clocks. Nothing is notified.
pub(super) async fn project(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    journal: &[JournalEntry],
    now: Timestamp,
) -> Result<(Ticket, Vec<Clock>)> {
    let p = projection(reg, journal, now)?;
    let mut batch = Batch::new(tx);
    update_row(&mut batch, id, &p);
    effects(&mut batch, reg, id, &p, &[], false);
    batch.run(tx).await?;
    Ok((p.ticket, p.clocks))
}

/// What a journal comes to under a regulation at `now`, worked out before anything is written:
/// the ticket, its clocks, the row's derived columns and the timers it needs.
struct Projection {
    ticket: Ticket,
    clocks: Vec<Clock>,
    open: bool,
    out_of_turn: bool,
    /// The nearest running deadline, its target and when that target warns.
    next: Option<(Timestamp, String, Option<Timestamp>)>,
    journal_len: i64,
    /// `(kind, target, due)` of each timer.
    timers: Vec<(&'static str, Option<String>, Timestamp)>,
    updated_at: Timestamp,
}

fn projection(reg: &Regulation, journal: &[JournalEntry], now: Timestamp) -> Result<Projection> {
    let ticket = Ticket::replay(journal)?;
    let clocks = sla::evaluate(reg, &sla_events(journal), now).map_err(bad)?;
    let base = ticket.base_status(reg);
    let open = !matches!(base, BaseStatus::Closed | BaseStatus::Rejected);
    let next = clocks
        .iter()
        .filter(|c| {
            matches!(c.state, ClockState::Running | ClockState::Breached) && c.stopped_at.is_none()
        })
        .filter_map(|c| c.due.map(|due| (due, c)))
        .min_by_key(|(due, _)| *due)
        .map(|(due, c)| (due, c.target.clone(), c.warn_at));
    let out_of_turn = ticket
        .priority
        .as_deref()
        .and_then(|p| reg.priority(p))
        .is_some_and(|p| p.out_of_turn);
    let timers = timers(reg, &ticket, &clocks, now)?;
    Ok(Projection {
        updated_at: ticket.updated_at.unwrap_or(now),
        ticket,
        clocks,
        open,
        out_of_turn,
        next,
        journal_len: journal.len() as i64,
        timers,
    })
}

/// The timers a ticket's clocks and status call for now: warnings, breaches and interim
/// reports of running clocks still ahead, and the auto-close of a completed ticket.
fn timers(
    reg: &Regulation,
    ticket: &Ticket,
    clocks: &[Clock],
    now: Timestamp,
) -> Result<Vec<(&'static str, Option<String>, Timestamp)>> {
    let mut jobs = Vec::new();
    for c in clocks.iter().filter(|c| c.state == ClockState::Running) {
        if let Some(w) = c.warn_at.filter(|w| *w > now) {
            jobs.push(("warn", Some(c.target.clone()), w));
        }
        if let Some(d) = c.due.filter(|d| *d > now) {
            jobs.push(("breach", Some(c.target.clone()), d));
        }
        if let Some(i) = c.interim_at.filter(|i| *i > now) {
            jobs.push(("interim", Some(c.target.clone()), i));
        }
    }
    if ticket.base_status(reg) == BaseStatus::Completed
        && let (Some(term), Some(done), Some(s)) = (
            &reg.lifecycle.auto_close_after,
            ticket.completed_at,
            reg.lifecycle_schedule(),
        )
    {
        let at = s.working.deadline(done, term).map_err(bad)?.at;
        jobs.push(("auto_close", None, at));
    }
    Ok(jobs)
}

/// The ticket row's projected columns, in the order [`row_values`] gives them.
const ROW_COLUMNS: &str = "number, status, open, channel, subject, organization_id, contact_id, category, level, priority, out_of_turn, line, assignee_id, next_due, updated_at, closed_at, rating, journal_len, next_target, next_warn";
const ROW_VALUES: usize = 20;

fn row_values(p: &Projection) -> Vec<Value> {
    let t = &p.ticket;
    vec![
        t.number.as_ref().map(|n| n.as_str().to_string()).into(),
        t.status.clone().into(),
        flag(p.open).into(),
        t.channel.clone().into(),
        t.subject.clone().into(),
        t.organization.map(|o| o.0).into(),
        t.contact.map(|c| c.0).into(),
        t.category.clone().into(),
        t.level.clone().into(),
        t.priority.clone().into(),
        flag(p.out_of_turn).into(),
        t.line.clone().into(),
        t.assignee.map(|a| a.0).into(),
        p.next
            .as_ref()
            .map_or(NO_DEADLINE, |n| n.0.as_second())
            .into(),
        p.updated_at.as_second().into(),
        t.closed_at.map(|t| t.as_second()).into(),
        t.rating.map(|r| i64::from(r.stars())).into(),
        p.journal_len.into(),
        p.next.as_ref().map(|n| n.1.clone()).into(),
        p.next
            .as_ref()
            .and_then(|n| n.2)
            .map(|t| t.as_second())
            .into(),
    ]
}

fn update_row(batch: &mut Batch, id: TicketId, p: &Projection) {
    static UPDATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let sets: Vec<String> = ROW_COLUMNS
            .split(", ")
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        format!(
            "UPDATE tickets SET {} WHERE id = ${}",
            sets.join(", "),
            ROW_VALUES + 1
        )
    });
    let mut values = row_values(p);
    values.push(id.0.into());
    batch.push(UPDATE.as_str(), values);
}

/// What follows from a projection besides the ticket row: the clock rows, the pending timers
/// (replacing the old ones) and the notifications `entries` call for. The timers' and
/// messages' ids are reserved from their counters in one statement and computed by the
/// inserts, so nothing has to come back before the batch runs. A `fresh` ticket has no rows
/// to replace.
fn effects(
    batch: &mut Batch,
    reg: &Regulation,
    id: TicketId,
    p: &Projection,
    entries: &[JournalEntry],
    fresh: bool,
) {
    if !fresh {
        batch.push("DELETE FROM clocks WHERE ticket_id = $1", vec![id.0.into()]);
        batch.push(
            "DELETE FROM jobs WHERE ticket_id = $1 AND done_at IS NULL AND claimed_by IS NULL",
            vec![id.0.into()],
        );
    }
    clock_rows(batch, id, &p.clocks);
    let messages: Vec<(&str, String, serde_json::Value, Timestamp)> = entries
        .iter()
        .flat_map(|e| {
            notifications(reg, &p.ticket, &p.clocks, e)
                .into_iter()
                .map(|(kind, to, payload)| (kind, to, payload, e.at))
        })
        .collect();
    let counts: Vec<(&str, i64)> = [
        ("jobs", p.timers.len() as i64),
        ("outbox", messages.len() as i64),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect();
    if counts.is_empty() {
        return;
    }
    batch.push(
        crate::add_to_counters_sql(counts.len()),
        counts
            .iter()
            .flat_map(|(name, n)| [Value::from(*name), Value::from(*n)])
            .collect(),
    );
    if !p.timers.is_empty() {
        let n = p.timers.len() as i64;
        let rows = counted_rows("jobs", p.timers.len(), 6);
        let mut values = Vec::with_capacity(p.timers.len() * 6);
        for (i, (kind, target, due)) in p.timers.iter().enumerate() {
            values.extend([
                (n - 1 - i as i64).into(),
                (*kind).into(),
                id.0.into(),
                target.clone().into(),
                due.as_second().into(),
                0i64.into(),
            ]);
        }
        batch.push(
            format!(
                "INSERT INTO jobs (id, kind, ticket_id, target, due_at, attempts) VALUES {}",
                rows
            ),
            values,
        );
    }
    if !messages.is_empty() {
        let n = messages.len() as i64;
        let rows = counted_rows("outbox", messages.len(), 6);
        let mut values = Vec::with_capacity(messages.len() * 6);
        for (i, (kind, to, payload, at)) in messages.into_iter().enumerate() {
            values.extend([
                (n - 1 - i as i64).into(),
                id.0.into(),
                kind.into(),
                to.into(),
                payload.to_string().into(),
                at.as_second().into(),
            ]);
        }
        batch.push(
            format!(
                "INSERT INTO outbox (id, ticket_id, kind, recipient, payload, created_at) VALUES {}",
                rows
            ),
            values,
        );
    }
}

/// `VALUES` rows of `cols` placeholders whose first column is an id from `counter`, just
/// reserved: row i of n is bound `n - 1 - i` and takes `last - (n - 1 - i)`, `last` being the
/// counter's value after the reservation.
fn counted_rows(counter: &str, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let rest: Vec<String> = (2..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!(
                "((SELECT value FROM counters WHERE name = '{counter}') - ${}, {})",
                r * cols + 1,
                rest.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn clock_rows(batch: &mut Batch, id: TicketId, clocks: &[Clock]) {
    if clocks.is_empty() {
        return;
    }
    let sql = format!(
        "INSERT INTO clocks (ticket_id, target, state, due, warn_at, started_at, stopped_at, elapsed_s, remaining_s) VALUES {}",
        crate::placeholders(clocks.len(), 9)
    );
    let mut values = Vec::with_capacity(clocks.len() * 9);
    for c in clocks {
        values.extend([
            id.0.into(),
            c.target.clone().into(),
            c.state.to_string().into(),
            c.due.map(|t| t.as_second()).into(),
            c.warn_at.map(|t| t.as_second()).into(),
            c.started_at.map(|t| t.as_second()).into(),
            c.stopped_at.map(|t| t.as_second()).into(),
            c.elapsed.as_secs().into(),
            c.remaining.as_secs().into(),
        ]);
    }
    batch.push(sql, values);
}

/// The notifications an entry calls for: `(kind, recipient, payload)`.
fn notifications(
    reg: &Regulation,
    ticket: &Ticket,
    clocks: &[Clock],
    e: &JournalEntry,
) -> Vec<(&'static str, String, serde_json::Value)> {
    let customer = ticket.contact.map(|ContactId(c)| format!("contact:{c}"));
    let number = ticket.number.as_ref().map(|n| n.as_str().to_string());
    let mut out: Vec<(&'static str, String, serde_json::Value)> = Vec::new();
    match &e.event {
        TicketEvent::Registered { number: n } => {
            if let Some(c) = &customer {
                let deadlines: Vec<serde_json::Value> = clocks
                    .iter()
                    .filter(|c| c.due.is_some() && c.stopped_at.is_none())
                    .map(|c| serde_json::json!({ "target": c.title, "due": c.due.map(|d| d.to_string()) }))
                    .collect();
                out.push((
                    "registered",
                    c.clone(),
                    serde_json::json!({
                        "number": n.as_str(), "subject": ticket.subject, "priority": ticket.priority
                            .as_deref().and_then(|p| reg.priority(p)).map(|p| p.title.clone()),
                        "deadlines": deadlines,
                    }),
                ));
            }
        }
        TicketEvent::Replied { public: true, body } if e.actor.is_staff() => {
            if let Some(c) = &customer {
                out.push(("reply", c.clone(), serde_json::json!({ "number": number, "subject": ticket.subject, "body": body })));
            }
        }
        TicketEvent::Replied { public: true, body } if e.actor.is_customer() => {
            let to = ticket
                .assignee
                .map_or("supervisors".to_string(), |AgentId(a)| format!("agent:{a}"));
            out.push((
                "customer_reply",
                to,
                serde_json::json!({ "number": number, "subject": ticket.subject, "body": body }),
            ));
        }
        TicketEvent::DeadlineExtended { target, by, reason } => {
            if let Some(c) = &customer {
                let due = clocks
                    .iter()
                    .find(|c| &c.target == target)
                    .and_then(|c| c.due)
                    .map(|d| d.to_string());
                out.push(("extended", c.clone(), serde_json::json!({ "number": number, "target": target, "by": by, "reason": reason, "due": due })));
            }
        }
        TicketEvent::StatusChanged { status, reason } => {
            let base = reg.base_status(status);
            if let (
                Some(c),
                Some(
                    BaseStatus::Completed
                    | BaseStatus::Closed
                    | BaseStatus::Deferred
                    | BaseStatus::Rejected
                    | BaseStatus::WaitingCustomer,
                ),
            ) = (&customer, base)
            {
                out.push(("status", c.clone(), serde_json::json!({
                    "number": number, "subject": ticket.subject, "status": status,
                    "title": reg.status(status).map(|s| s.title.clone()),
                    "reason": reason.as_deref().and_then(|r| reg.lifecycle.deferral_reasons.iter().chain(&reg.lifecycle.rejection_reasons).find(|x| x.id == r)).map(|r| r.title.clone()),
                })));
            }
        }
        TicketEvent::HandedOver { line } => {
            out.push((
                "handed_over",
                format!("line:{line}"),
                serde_json::json!({ "number": number, "subject": ticket.subject }),
            ));
        }
        TicketEvent::AttachmentRejected { name, reason, .. } => {
            let to = match e.actor {
                Actor::Contact(ContactId(c)) => Some(format!("contact:{c}")),
                Actor::Agent(AgentId(a)) => Some(format!("agent:{a}")),
                Actor::Token(_) | Actor::System => customer.clone(),
            };
            if let Some(to) = to {
                out.push((
                    "attachment_rejected",
                    to,
                    serde_json::json!({ "number": number, "subject": ticket.subject, "file": name, "reason": reason }),
                ));
            }
        }
        TicketEvent::Assigned { agent } => {
            out.push((
                "assigned",
                format!("agent:{}", agent.0),
                serde_json::json!({ "number": number, "subject": ticket.subject }),
            ));
        }
        _ => {}
    }
    out
}
