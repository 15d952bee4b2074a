//! Tickets: the journal, and the projections kept in step with it in one transaction — the
//! ticket row, the SLA clock rows, the timer jobs and the outbox.

use jiff::Timestamp;
use reglament_domain::{
    Actor, AgentId, Command, ContactId, JournalEntry, OrgId, Outcome, Ticket, TicketEvent,
    TicketId, TicketNumberFormat, sla_events,
};
use reglament_regulation::sla::{self, Clock, ClockState};
use reglament_regulation::{BaseStatus, Regulation};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};

use crate::{Result, Store, StoreError, flag, next_value};

/// Who is looking: staff see every ticket, a customer contact only their organization's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// Support staff or the system.
    Staff,
    /// A contact of this organization.
    Customer(OrgId),
}

/// A ticket with its id, projection and clocks.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketView {
    /// The id.
    pub id: TicketId,
    /// The projection.
    pub ticket: Ticket,
    /// The SLA clocks as of the last change.
    pub clocks: Vec<StoredClock>,
}

/// A clock row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredClock {
    /// The target id.
    pub target: String,
    /// `pending`, `running`, `paused`, `met` or `breached`.
    pub state: String,
    /// The deadline.
    pub due: Option<Timestamp>,
    /// When the warning fires.
    pub warn_at: Option<Timestamp>,
}

/// One row of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// The id.
    pub id: TicketId,
    /// The registration number.
    pub number: Option<String>,
    /// The subject.
    pub subject: String,
    /// The status id.
    pub status: String,
    /// The priority id.
    pub priority: Option<String>,
    /// Worked out of turn.
    pub out_of_turn: bool,
    /// The nearest running deadline.
    pub next_due: Option<Timestamp>,
    /// When it arrived.
    pub received_at: Timestamp,
    /// The organization.
    pub organization: Option<OrgId>,
    /// The assignee.
    pub assignee: Option<AgentId>,
}

/// What the queue shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Closed and rejected tickets too.
    pub include_closed: bool,
    /// Only this organization's.
    pub organization: Option<OrgId>,
    /// Only this agent's.
    pub assignee: Option<AgentId>,
    /// Only tickets in this status.
    pub status: Option<String>,
    /// Only tickets of this priority.
    pub priority: Option<String>,
    /// Only tickets on this line.
    pub line: Option<String>,
    /// At most this many rows (default 50).
    pub limit: Option<i64>,
    /// Skip this many rows.
    pub offset: Option<i64>,
}

/// A timer job, due at an exact instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The id.
    pub id: i64,
    /// `warn`, `breach`, `interim` or `auto_close`.
    pub kind: String,
    /// The ticket.
    pub ticket: TicketId,
    /// The target, for clock jobs.
    pub target: Option<String>,
    /// When it is due.
    pub due_at: Timestamp,
}

/// A message waiting to be delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The id.
    pub id: i64,
    /// The ticket.
    pub ticket: Option<TicketId>,
    /// What it is: `registered`, `reply`, `completed`, `extended`, `warning`, `breach`,
    /// `interim`, `closed`.
    pub kind: String,
    /// `contact:<id>`, `agent:<id>` or `supervisors`.
    pub recipient: String,
    /// JSON details.
    pub payload: serde_json::Value,
}

fn ts(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn bad(e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(e.to_string())
}

impl Store {
    /// Creates a ticket from its `Received` entry and returns its id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Other`] when the entry is not `Received`; any storage error.
    pub async fn create_ticket(
        &self,
        reg: &Regulation,
        received: JournalEntry,
        now: Timestamp,
    ) -> Result<TicketId> {
        Ok(self.create_ticket_with(reg, received, None, now).await?.0)
    }

    /// Creates a ticket and registers it with the next number of the format, in one
    /// transaction: the intake path of the portal and the API.
    ///
    /// # Errors
    ///
    /// As for [`Store::create_ticket`].
    pub async fn create_and_register(
        &self,
        reg: &Regulation,
        received: JournalEntry,
        numbers: &TicketNumberFormat,
        now: Timestamp,
    ) -> Result<TicketId> {
        Ok(self
            .create_ticket_with(reg, received, Some(numbers), now)
            .await?
            .0)
    }

    /// Like [`Store::create_and_register`], and returns the journal it wrote too, so the caller
    /// can answer without reading it back.
    ///
    /// # Errors
    ///
    /// As for [`Store::create_ticket`].
    pub async fn create_and_register_with_journal(
        &self,
        reg: &Regulation,
        received: JournalEntry,
        numbers: &TicketNumberFormat,
        now: Timestamp,
    ) -> Result<(TicketId, Vec<JournalEntry>)> {
        self.create_ticket_with(reg, received, Some(numbers), now)
            .await
    }

    async fn create_ticket_with(
        &self,
        reg: &Regulation,
        received: JournalEntry,
        numbers: Option<&TicketNumberFormat>,
        now: Timestamp,
    ) -> Result<(TicketId, Vec<JournalEntry>)> {
        if !matches!(received.event, TicketEvent::Received { .. }) {
            return Err(bad("a ticket starts with a `received` event"));
        }
        let mut tx = self.begin().await?;
        let id = TicketId(next_value(&mut tx, "tickets").await?);
        let ticket = insert_ticket_row(&mut tx, id, &received).await?;
        let mut entries = vec![received];
        if let Some(numbers) = numbers {
            let number = next_number(&mut tx, reg, numbers, now).await?;
            let registered = ticket
                .decide(
                    &entries,
                    Command::Register { number },
                    Actor::System,
                    reg,
                    now,
                )
                .map_err(StoreError::Refused)?;
            if let Outcome::Events(events) = registered {
                entries.extend(
                    events
                        .into_iter()
                        .map(|e| JournalEntry::new(now, Actor::System, e)),
                );
            }
        }
        append_in(&mut tx, reg, id, 0, &[], entries.clone(), now).await?;
        tx.commit().await?;
        Ok((id, entries))
    }

    /// The journal of a ticket, oldest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when the ticket does not exist or the viewer may not see it.
    pub async fn journal(&self, id: TicketId, viewer: Viewer) -> Result<Vec<JournalEntry>> {
        self.check_visible(id, viewer).await?;
        load_journal(&self.pool, id).await
    }

    async fn check_visible(&self, id: TicketId, viewer: Viewer) -> Result<()> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT organization_id FROM tickets WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        match (row, viewer) {
            (None, _) => Err(StoreError::NotFound),
            (Some(_), Viewer::Staff) => Ok(()),
            (Some((Some(org),)), Viewer::Customer(o)) if org == o.0 => Ok(()),
            // Another organization's ticket answers exactly as a missing one.
            (Some(_), Viewer::Customer(_)) => Err(StoreError::NotFound),
        }
    }

    /// A ticket with its clocks.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when the ticket does not exist or the viewer may not see it.
    pub async fn ticket(&self, id: TicketId, viewer: Viewer) -> Result<TicketView> {
        let journal = self.journal(id, viewer).await?;
        let ticket = Ticket::replay(&journal)?;
        let clocks = sqlx::query(
            "SELECT target, state, due, warn_at FROM clocks WHERE ticket_id = $1 ORDER BY target",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(StoredClock {
                target: r.try_get("target")?,
                state: r.try_get("state")?,
                due: r.try_get::<Option<i64>, _>("due")?.map(ts),
                warn_at: r.try_get::<Option<i64>, _>("warn_at")?.map(ts),
            })
        })
        .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?;
        Ok(TicketView { id, ticket, clocks })
    }

    /// Runs a command on a ticket as an actor: decides it under the regulation, and appends the
    /// resulting events with their projections in one transaction. `Register` gets the next
    /// number of the format, whatever number the command carries.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when the actor may not see the ticket; [`StoreError::Refused`]
    /// with the domain's reason when the command is refused; [`StoreError::Conflict`] when the
    /// ticket changed meanwhile; any storage error.
    // Each argument is a separate concern the caller decides (who acts, who may see, when).
    #[allow(clippy::too_many_arguments)]
    pub async fn execute(
        &self,
        reg: &Regulation,
        id: TicketId,
        actor: Actor,
        viewer: Viewer,
        command: Command,
        numbers: &TicketNumberFormat,
        now: Timestamp,
    ) -> Result<Outcome> {
        self.check_visible(id, viewer).await?;
        let mut tx = self.begin().await?;
        let command = match command {
            Command::Register { .. } => Command::Register {
                number: next_number(&mut tx, reg, numbers, now).await?,
            },
            other => other,
        };
        let outcome = decide_in(&mut tx, reg, id, actor, command, now).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Links two tickets both ways (`relation` as seen from `id`), in one transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for a ticket the viewer may not see; [`StoreError::Refused`]
    /// when the domain refuses (a customer, an existing link, a finished ticket).
    #[allow(clippy::too_many_arguments)]
    pub async fn link(
        &self,
        reg: &Regulation,
        id: TicketId,
        other: TicketId,
        relation: reglament_domain::Relation,
        actor: Actor,
        viewer: Viewer,
        now: Timestamp,
    ) -> Result<()> {
        self.check_pair(id, other, viewer).await?;
        let mut tx = self.begin().await?;
        let link = |ticket, relation| Command::Link { ticket, relation };
        decide_in(&mut tx, reg, id, actor, link(other, relation), now).await?;
        decide_in(
            &mut tx,
            reg,
            other,
            actor,
            link(id, relation.inverse()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merges a duplicate into another ticket: the duplicate is closed and linked as merged into
    /// the other, which records the duplicate as merged from — one transaction. Both must belong
    /// to the same organization.
    ///
    /// # Errors
    ///
    /// As for [`Store::link`]; [`StoreError::Conflict`] across organizations.
    pub async fn merge(
        &self,
        reg: &Regulation,
        duplicate: TicketId,
        into: TicketId,
        actor: Actor,
        viewer: Viewer,
        now: Timestamp,
    ) -> Result<()> {
        self.check_pair(duplicate, into, viewer).await?;
        let mut tx = self.begin().await?;
        let orgs: Vec<(Option<i64>,)> =
            sqlx::query_as("SELECT organization_id FROM tickets WHERE id = $1 OR id = $2")
                .bind(duplicate.0)
                .bind(into.0)
                .fetch_all(&mut **tx)
                .await?;
        if orgs.len() == 2 && orgs[0] != orgs[1] {
            return Err(StoreError::Conflict(
                "tickets of different organizations cannot be merged".into(),
            ));
        }
        let merged_from = Command::Link {
            ticket: duplicate,
            relation: reglament_domain::Relation::MergedFrom,
        };
        decide_in(&mut tx, reg, into, actor, merged_from, now).await?;
        decide_in(
            &mut tx,
            reg,
            duplicate,
            actor,
            Command::MergeInto { ticket: into },
            now,
        )
        .await?;
        // The ticket that carries on keeps the more urgent priority of the two.
        let dup = Ticket::replay(&load_journal(&mut **tx, duplicate).await?)?;
        let kept = Ticket::replay(&load_journal(&mut **tx, into).await?)?;
        if let Some(p) = dup.priority.as_deref()
            && reg.more_urgent(p, kept.priority.as_deref())
        {
            let reason = format!(
                "объединена с более срочной заявкой {}",
                dup.number
                    .as_ref()
                    .map_or(String::new(), |n| n.as_str().to_string())
            );
            let change = Command::ChangePriority {
                priority: p.to_string(),
                reason,
            };
            decide_in(&mut tx, reg, into, actor, change, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Splits a new ticket off an open one: the new ticket takes the original's channel,
    /// organization, contact, category, level, priority and fields with its own subject and
    /// description, is registered with the next number, and the two are linked — one
    /// transaction. Returns the new ticket's id.
    ///
    /// # Errors
    ///
    /// As for [`Store::link`].
    #[allow(clippy::too_many_arguments)]
    pub async fn split(
        &self,
        reg: &Regulation,
        id: TicketId,
        subject: String,
        description: String,
        actor: Actor,
        viewer: Viewer,
        numbers: &TicketNumberFormat,
        now: Timestamp,
    ) -> Result<TicketId> {
        self.check_visible(id, viewer).await?;
        let mut tx = self.begin().await?;
        let new_id = spawn_linked(
            &mut tx,
            reg,
            id,
            Some(subject),
            description,
            (actor, actor),
            reglament_domain::Relation::SplitInto,
            numbers,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(new_id)
    }

    /// Opens the new ticket a regulation calls for when a customer writes to a closed ticket:
    /// the message becomes its description, it keeps the closed ticket's subject, organization,
    /// contact and category, it is registered, and the two are linked as a follow-up — one
    /// transaction. Returns the new ticket's id.
    ///
    /// # Errors
    ///
    /// As for [`Store::link`].
    #[allow(clippy::too_many_arguments)]
    pub async fn follow_up(
        &self,
        reg: &Regulation,
        closed: TicketId,
        message: String,
        actor: Actor,
        viewer: Viewer,
        numbers: &TicketNumberFormat,
        now: Timestamp,
    ) -> Result<TicketId> {
        self.check_visible(closed, viewer).await?;
        let mut tx = self.begin().await?;
        let new_id = spawn_linked(
            &mut tx,
            reg,
            closed,
            None,
            message,
            (actor, Actor::System),
            reglament_domain::Relation::FollowedUpBy,
            numbers,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(new_id)
    }

    /// Offers the files of one message for a ticket. The regulation's policy decides each file:
    /// accepted files are stored with an `attached` entry, refused ones get an
    /// `attachment_rejected` entry whose reason goes to the sender. Either way the ticket and the
    /// other files are kept. Returns the events written.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when the viewer may not see the ticket; [`StoreError::Refused`]
    /// when a customer attaches to a closed ticket.
    pub async fn attach(
        &self,
        reg: &Regulation,
        id: TicketId,
        files: Vec<NewFile>,
        actor: Actor,
        viewer: Viewer,
        now: Timestamp,
    ) -> Result<Vec<TicketEvent>> {
        self.check_visible(id, viewer).await?;
        let mut tx = self.begin().await?;
        let mut metas = Vec::with_capacity(files.len());
        for f in &files {
            metas.push(reglament_domain::FileMeta {
                attachment: next_value(&mut tx, "attachments").await?,
                name: f.name.clone(),
                content_type: f.content_type.clone(),
                size: f.data.len() as u64,
                detected: f.detected.clone(),
            });
        }
        let outcome = decide_in(
            &mut tx,
            reg,
            id,
            actor,
            Command::Attach {
                files: metas.clone(),
            },
            now,
        )
        .await?;
        let Outcome::Events(events) = outcome else {
            return Err(bad("attaching files opened no linked ticket"));
        };
        for (meta, file) in metas.iter().zip(files) {
            let accepted = events.iter().any(
                |e| matches!(e, TicketEvent::Attached { attachment, .. } if *attachment == meta.attachment),
            );
            if accepted {
                sqlx::query("INSERT INTO attachments (id, ticket_id, name, content_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(meta.attachment)
                    .bind(id.0)
                    .bind(&meta.name)
                    .bind(&meta.content_type)
                    .bind(meta.size as i64)
                    .bind(file.data)
                    .bind(now.as_second())
                    .execute(&mut **tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(events)
    }

    /// An attachment's metadata and content.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when the attachment does not exist, or its ticket is not the
    /// given one or is hidden from the viewer.
    pub async fn attachment(
        &self,
        ticket: TicketId,
        attachment: i64,
        viewer: Viewer,
    ) -> Result<(reglament_domain::FileMeta, Vec<u8>)> {
        self.check_visible(ticket, viewer).await?;
        let row = sqlx::query("SELECT name, content_type, size, data FROM attachments WHERE id = $1 AND ticket_id = $2")
            .bind(attachment)
            .bind(ticket.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((
            reglament_domain::FileMeta {
                attachment,
                name: row.try_get("name")?,
                content_type: row.try_get("content_type")?,
                size: row.try_get::<i64, _>("size")? as u64,
                detected: None,
            },
            row.try_get("data")?,
        ))
    }

    async fn check_pair(&self, a: TicketId, b: TicketId, viewer: Viewer) -> Result<()> {
        if a == b {
            return Err(StoreError::Conflict(
                "a ticket cannot be linked or merged with itself".into(),
            ));
        }
        self.check_visible(a, viewer).await?;
        self.check_visible(b, viewer).await
    }

    /// The queue: critical tickets out of turn first, then the nearest deadline, then arrival.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn queue(&self, filter: &QueueFilter, viewer: Viewer) -> Result<Vec<QueueItem>> {
        let org = match viewer {
            Viewer::Customer(o) => Some(o),
            Viewer::Staff => filter.organization,
        };
        // Only the filters in use become predicates, so the planner walks `tickets_queue` in
        // order and stops after the page instead of sorting every open ticket.
        let mut sql = String::from(
            "SELECT id, number, subject, status, priority, out_of_turn, next_due, received_at, organization_id, assignee_id FROM tickets WHERE ",
        );
        let mut conditions: Vec<String> = Vec::new();
        let mut binds: Vec<Bind> = Vec::new();
        let mut param = |conditions: &mut Vec<String>, column: &str, value: Bind| {
            binds.push(value);
            conditions.push(format!("{column} = ${}", binds.len()));
        };
        if !(filter.include_closed || filter.status.is_some()) {
            conditions.push("open = 1".into());
        }
        if let Some(o) = org {
            param(&mut conditions, "organization_id", Bind::Int(o.0));
        }
        if let Some(a) = filter.assignee {
            param(&mut conditions, "assignee_id", Bind::Int(a.0));
        }
        if let Some(st) = &filter.status {
            param(&mut conditions, "status", Bind::Text(st.clone()));
        }
        if let Some(p) = &filter.priority {
            param(&mut conditions, "priority", Bind::Text(p.clone()));
        }
        if let Some(l) = &filter.line {
            param(&mut conditions, "line", Bind::Text(l.clone()));
        }
        if conditions.is_empty() {
            conditions.push("1 = 1".into());
        }
        sql.push_str(&conditions.join(" AND "));
        sql.push_str(&format!(
            " ORDER BY out_of_turn DESC, next_due, received_at, id LIMIT {} OFFSET {}",
            filter.limit.unwrap_or(50).clamp(1, 500),
            filter.offset.unwrap_or(0).max(0)
        ));
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = match b {
                Bind::Int(i) => query.bind(i),
                Bind::Text(t) => query.bind(t),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(QueueItem {
                    id: TicketId(r.try_get("id")?),
                    number: r.try_get("number")?,
                    subject: r.try_get("subject")?,
                    status: r.try_get("status")?,
                    priority: r.try_get("priority")?,
                    out_of_turn: r.try_get::<i64, _>("out_of_turn")? != 0,
                    next_due: r
                        .try_get::<Option<i64>, _>("next_due")?
                        .filter(|d| *d != NO_DEADLINE)
                        .map(ts),
                    received_at: ts(r.try_get("received_at")?),
                    organization: r.try_get::<Option<i64>, _>("organization_id")?.map(OrgId),
                    assignee: r.try_get::<Option<i64>, _>("assignee_id")?.map(AgentId),
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The work time logged on tickets in `[from, to)`, oldest first, for one organization or
    /// all: the input of a billing statement. Each entry carries its ticket's number.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn time_entries(
        &self,
        organization: Option<OrgId>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(TicketId, reglament_regulation::TimeEntry)>> {
        let rows = sqlx::query(
            "SELECT j.ticket_id, t.number, j.at, j.event FROM journal j JOIN tickets t ON t.id = j.ticket_id \
             WHERE j.event LIKE '{\"type\":\"time_logged\"%' AND j.at >= $1 AND j.at < $2 \
             AND ($3 = 0 OR t.organization_id = $4) ORDER BY j.at, j.ticket_id, j.seq",
        )
        .bind(from.as_second())
        .bind(to.as_second())
        .bind(flag(organization.is_some()))
        .bind(organization.map_or(0, |o| o.0))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let event: String = r.try_get("event")?;
            if let TicketEvent::TimeLogged {
                activity,
                minutes,
                description,
            } = serde_json::from_str(&event).map_err(bad)?
            {
                out.push((
                    TicketId(r.try_get("ticket_id")?),
                    reglament_regulation::TimeEntry {
                        at: ts(r.try_get("at")?),
                        duration: jiff::SignedDuration::from_mins(i64::from(minutes)),
                        activity,
                        ticket: r.try_get("number")?,
                        description,
                    },
                ));
            }
        }
        Ok(out)
    }

    /// Recomputes the projections of every open ticket — row, clocks, timers — when the
    /// regulation differs from the one they were computed under (by `fingerprint`, such as a
    /// hash of the file). The journals are not touched and nobody is notified. Returns how many
    /// tickets were recomputed; 0 when the regulation is unchanged.
    ///
    /// # Errors
    ///
    /// Any storage error; a ticket whose journal no longer evaluates under the regulation
    /// (an instant outside the calendar's years) fails the run, and the fingerprint is not
    /// recorded, so the next start tries again.
    pub async fn reproject_if_changed(
        &self,
        reg: &Regulation,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<u64> {
        let stored: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE name = 'regulation_fingerprint'")
                .fetch_optional(&self.pool)
                .await?;
        if stored.as_ref().is_some_and(|(f,)| f == fingerprint) {
            return Ok(0);
        }
        let mut done = 0u64;
        let mut after = 0i64;
        loop {
            let ids: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM tickets WHERE open = 1 AND id > $1 ORDER BY id LIMIT 200",
            )
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            let Some(&(last,)) = ids.last() else { break };
            let mut tx = self.begin().await?;
            for (id,) in &ids {
                let journal = load_journal(&mut **tx, TicketId(*id)).await?;
                project(&mut tx, reg, TicketId(*id), &journal, now).await?;
            }
            tx.commit().await?;
            done += ids.len() as u64;
            after = last;
        }
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM settings WHERE name = 'regulation_fingerprint'")
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO settings (name, value) VALUES ('regulation_fingerprint', $1)")
            .bind(fingerprint)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(done)
    }

    /// How many tickets are not closed or rejected.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn open_ticket_count(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tickets WHERE open = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Pending timer jobs of a ticket, by due time.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn pending_jobs(&self, id: TicketId) -> Result<Vec<Job>> {
        let rows = sqlx::query("SELECT id, kind, ticket_id, target, due_at FROM jobs WHERE ticket_id = $1 AND done_at IS NULL ORDER BY due_at, id")
            .bind(id.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Job {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    ticket: TicketId(r.try_get("ticket_id")?),
                    target: r.try_get("target")?,
                    due_at: ts(r.try_get("due_at")?),
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Undelivered outbox messages, oldest first.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn pending_outbox(&self, limit: i64) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query("SELECT id, ticket_id, kind, recipient, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let payload: String = r.try_get("payload")?;
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    ticket: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
                    kind: r.try_get("kind")?,
                    recipient: r.try_get("recipient")?,
                    payload: serde_json::from_str(&payload)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }
}

/// `next_due` of a ticket with no running deadline: sorts after every real one.
const NO_DEADLINE: i64 = i64::MAX;

/// A value bound to a dynamically built query.
enum Bind {
    Int(i64),
    Text(String),
}

/// A file as it arrives, before the regulation's policy decides on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    /// The file name.
    pub name: String,
    /// The media type.
    pub content_type: String,
    /// The content.
    pub data: Vec<u8>,
    /// The type its content shows, as an extension, when recognised.
    pub detected: Option<String>,
}

/// Inserts the row a new ticket's projection updates, and returns the projection of `received`.
async fn insert_ticket_row(
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

/// Creates a registered ticket from another one's facts and links the two: `relation` is how
/// the original relates to the new ticket. `actors` are who files the new ticket and who links
/// them. The subject defaults to the original's.
#[allow(clippy::too_many_arguments)]
async fn spawn_linked(
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
            contact: original.contact,
            category: original.category.clone(),
            level: original.level.clone(),
            priority: original.priority.clone(),
            fields: original.fields.clone(),
        },
    );
    insert_ticket_row(tx, new_id, &received).await?;
    let number = next_number(tx, reg, numbers, now).await?;
    let entries = vec![
        received,
        JournalEntry::new(now, Actor::System, TicketEvent::Registered { number }),
        JournalEntry::new(
            now,
            linker,
            TicketEvent::Linked {
                ticket: original_id,
                relation: relation.inverse(),
            },
        ),
    ];
    append_in(tx, reg, new_id, 0, &[], entries, now).await?;
    Ok(new_id)
}

/// Decides a command on a ticket inside a transaction and appends what it leads to.
async fn decide_in(
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
async fn next_number(
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
async fn project(
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
    let next_due = clocks
        .iter()
        .filter(|c| {
            matches!(c.state, ClockState::Running | ClockState::Breached) && c.stopped_at.is_none()
        })
        .filter_map(|c| c.due)
        .min();
    let out_of_turn = ticket
        .priority
        .as_deref()
        .and_then(|p| reg.priority(p))
        .is_some_and(|p| p.out_of_turn);
    sqlx::query("UPDATE tickets SET number = $1, status = $2, open = $3, channel = $4, subject = $5, organization_id = $6, contact_id = $7, category = $8, level = $9, priority = $10, out_of_turn = $11, line = $12, assignee_id = $13, next_due = $14, updated_at = $15, closed_at = $16, rating = $17, journal_len = $18 WHERE id = $19")
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
