//! The journal's write path: appending entries and bringing every projection in line with them
//! in the same transaction — the ticket row, the clock rows, the timer jobs and the outbox.

use super::*;

/// `next_due` of a ticket with no running deadline: sorts after every real one.
pub(super) const NO_DEADLINE: i64 = i64::MAX;

/// Inserts the row a new ticket's projection updates, and returns the projection of `received`.
pub(super) async fn insert_ticket_row(
    tx: &mut Transaction<'static, Any>,
    id: TicketId,
    received: &JournalEntry,
) -> Result<Ticket> {
    let ticket = Ticket::replay(std::slice::from_ref(received))?;
    sqlx::query("INSERT INTO tickets (id, status, open, channel, subject, out_of_turn, next_due, received_at, updated_at, journal_len) VALUES ($1, $2, 1, $3, $4, 0, 9223372036854775807, $5, $5, 0)")
        .bind(id.0)
        .bind(&ticket.status)
        .bind(&ticket.channel)
        .bind(&ticket.subject)
        .bind(received.at.as_second())
        .execute(&mut **tx)
        .await?;
    Ok(ticket)
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
    let ticket = insert_ticket_row(tx, new_id, &received).await?;
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
    append_in(tx, reg, new_id, 0, &[], entries, now).await?;
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
    let year = reg.timezone.to_datetime(now).year();
    let counter = if numbers.yearly() {
        format!("ticket_number:{year}")
    } else {
        "ticket_number".into()
    };
    let seq = next_value(tx, &counter).await?;
    Ok(numbers.format(year, seq as u64))
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
    // One statement for all the entries: each round trip to the database costs more than the
    // rows themselves.
    if !entries.is_empty() {
        let sql = format!(
            "INSERT INTO journal (ticket_id, seq, at, actor, event) VALUES {}",
            crate::placeholders(entries.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for (i, e) in entries.iter().enumerate() {
            q = q
                .bind(id.0)
                .bind(len + i as i64)
                .bind(e.at.as_second())
                .bind(serde_json::to_string(&e.actor).map_err(bad)?)
                .bind(serde_json::to_string(&e.event).map_err(bad)?);
        }
        q.execute(&mut **tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(
                    "the ticket changed meanwhile; reload and try again".into(),
                ),
                other => other,
            })?;
    }
    super::search::index(tx, id, len, &entries).await?;
    let mut journal = existing.to_vec();
    journal.extend(entries.iter().cloned());
    let (ticket, clocks) = project_with(tx, reg, id, &journal, now, existing.is_empty()).await?;
    for e in &entries {
        notify(tx, reg, id, &ticket, &clocks, e).await?;
    }
    Ok(())
}

/// Brings the ticket row, the clock rows and the pending timers in line with a journal under
/// a regulation, and returns the projection and clocks.
pub(super) async fn project(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    journal: &[JournalEntry],
    now: Timestamp,
) -> Result<(Ticket, Vec<Clock>)> {
    project_with(tx, reg, id, journal, now, false).await
}

/// As [`project`]; a `fresh` ticket has no clock or timer rows yet to replace.
async fn project_with(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    journal: &[JournalEntry],
    now: Timestamp,
    fresh: bool,
) -> Result<(Ticket, Vec<Clock>)> {
    let ticket = Ticket::replay(journal)?;
    let clocks = sla::evaluate(reg, &sla_events(journal), now).map_err(bad)?;
    let base = ticket.base_status(reg);
    let open = !matches!(base, BaseStatus::Closed | BaseStatus::Rejected);
    let next = clocks
        .iter()
        .filter(|c| {
            matches!(c.state, ClockState::Running | ClockState::Breached) && c.stopped_at.is_none()
        })
        .filter(|c| c.due.is_some())
        .min_by_key(|c| c.due);
    let next_due = next.and_then(|c| c.due);
    let out_of_turn = ticket
        .priority
        .as_deref()
        .and_then(|p| reg.priority(p))
        .is_some_and(|p| p.out_of_turn);
    sqlx::query("UPDATE tickets SET number = $1, status = $2, open = $3, channel = $4, subject = $5, organization_id = $6, contact_id = $7, category = $8, level = $9, priority = $10, out_of_turn = $11, line = $12, assignee_id = $13, next_due = $14, updated_at = $15, closed_at = $16, rating = $17, journal_len = $18, next_target = $19, next_warn = $20 WHERE id = $21")
        .bind(ticket.number.as_ref().map(|n| n.as_str().to_string()))
        .bind(&ticket.status)
        .bind(flag(open))
        .bind(&ticket.channel)
        .bind(&ticket.subject)
        .bind(ticket.organization.map(|o| o.0))
        .bind(ticket.contact.map(|c| c.0))
        .bind(&ticket.category)
        .bind(&ticket.level)
        .bind(&ticket.priority)
        .bind(flag(out_of_turn))
        .bind(&ticket.line)
        .bind(ticket.assignee.map(|a| a.0))
        .bind(next_due.map_or(NO_DEADLINE, |t| t.as_second()))
        .bind(ticket.updated_at.unwrap_or(now).as_second())
        .bind(ticket.closed_at.map(|t| t.as_second()))
        .bind(ticket.rating.map(|r| i64::from(r.stars())))
        .bind(journal.len() as i64)
        .bind(next.map(|c| c.target.clone()))
        .bind(next.and_then(|c| c.warn_at).map(|t| t.as_second()))
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    store_clocks(tx, id, &clocks, fresh).await?;
    schedule_jobs(tx, reg, id, &ticket, &clocks, now, fresh).await?;
    Ok((ticket, clocks))
}

async fn store_clocks(
    tx: &mut Transaction<'static, Any>,
    id: TicketId,
    clocks: &[Clock],
    fresh: bool,
) -> Result<()> {
    if !fresh {
        sqlx::query("DELETE FROM clocks WHERE ticket_id = $1")
            .bind(id.0)
            .execute(&mut **tx)
            .await?;
    }
    if clocks.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO clocks (ticket_id, target, state, due, warn_at, started_at, stopped_at, elapsed_s, remaining_s) VALUES {}",
        crate::placeholders(clocks.len(), 9)
    );
    let mut q = sqlx::query(&sql);
    for c in clocks {
        q = q
            .bind(id.0)
            .bind(&c.target)
            .bind(c.state.to_string())
            .bind(c.due.map(|t| t.as_second()))
            .bind(c.warn_at.map(|t| t.as_second()))
            .bind(c.started_at.map(|t| t.as_second()))
            .bind(c.stopped_at.map(|t| t.as_second()))
            .bind(c.elapsed.as_secs())
            .bind(c.remaining.as_secs());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Replaces the ticket's pending timers with the ones its clocks and status call for now.
async fn schedule_jobs(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    ticket: &Ticket,
    clocks: &[Clock],
    now: Timestamp,
    fresh: bool,
) -> Result<()> {
    if !fresh {
        sqlx::query(
            "DELETE FROM jobs WHERE ticket_id = $1 AND done_at IS NULL AND claimed_by IS NULL",
        )
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    }
    let mut jobs: Vec<(&str, Option<&str>, Timestamp)> = Vec::new();
    for c in clocks.iter().filter(|c| c.state == ClockState::Running) {
        if let Some(w) = c.warn_at.filter(|w| *w > now) {
            jobs.push(("warn", Some(&c.target), w));
        }
        if let Some(d) = c.due.filter(|d| *d > now) {
            jobs.push(("breach", Some(&c.target), d));
        }
        if let Some(i) = c.interim_at.filter(|i| *i > now) {
            jobs.push(("interim", Some(&c.target), i));
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
    if jobs.is_empty() {
        return Ok(());
    }
    let first = crate::next_values(tx, "jobs", jobs.len() as i64).await?;
    let sql = format!(
        "INSERT INTO jobs (id, kind, ticket_id, target, due_at, attempts) VALUES {}",
        crate::placeholders(jobs.len(), 6)
    );
    let mut q = sqlx::query(&sql);
    for (i, (kind, target, due)) in jobs.into_iter().enumerate() {
        q = q
            .bind(first + i as i64)
            .bind(kind)
            .bind(id.0)
            .bind(target)
            .bind(due.as_second())
            .bind(0i64);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Writes the notifications an entry calls for, in the same transaction as the entry.
async fn notify(
    tx: &mut Transaction<'static, Any>,
    reg: &Regulation,
    id: TicketId,
    ticket: &Ticket,
    clocks: &[Clock],
    e: &JournalEntry,
) -> Result<()> {
    let customer = ticket.contact.map(|ContactId(c)| format!("contact:{c}"));
    let number = ticket.number.as_ref().map(|n| n.as_str().to_string());
    let mut out: Vec<(&str, String, serde_json::Value)> = Vec::new();
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
    for (kind, recipient, payload) in out {
        let msg_id = next_value(tx, "outbox").await?;
        sqlx::query("INSERT INTO outbox (id, ticket_id, kind, recipient, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(msg_id)
            .bind(id.0)
            .bind(kind)
            .bind(recipient)
            .bind(payload.to_string())
            .bind(e.at.as_second())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
