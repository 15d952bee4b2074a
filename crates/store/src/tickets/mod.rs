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

mod projection;
mod search;

pub use search::stems;
mod queries;

pub(crate) use projection::{append_in, load_journal};
use projection::{create_in, decide_in, next_number, number_counter, register, spawn_linked};

/// Who is looking: staff see every ticket, a customer contact only their organization's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// Support staff or the system.
    Staff,
    /// Anyone of this organization: all of its tickets.
    Customer(OrgId),
    /// This contact of this organization: all of its tickets, or only the ones the contact
    /// filed when the organization is `own_tickets_only` and the contact is not its owner.
    Contact(OrgId, ContactId),
}

/// What a viewer sees, once the directory has been asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// Every ticket.
    All,
    /// This organization's tickets.
    Organization(OrgId),
    /// This organization's tickets that this contact filed.
    Own(OrgId, ContactId),
}

impl Seen {
    /// Whether a ticket of this organization, filed by this contact, is seen.
    pub(crate) fn sees(self, org: Option<i64>, contact: Option<i64>) -> bool {
        match self {
            Seen::All => true,
            Seen::Organization(o) => org == Some(o.0),
            Seen::Own(o, c) => org == Some(o.0) && contact == Some(c.0),
        }
    }
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
    /// The target whose deadline that is.
    pub next_target: Option<String>,
    /// When that target warns.
    pub next_warn: Option<Timestamp>,
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
    /// Only tickets in this category.
    pub category: Option<String>,
    /// Only tickets whose nearest running deadline is before this instant: breached ones
    /// (`now`) or those due today (the end of the day).
    pub due_before: Option<Timestamp>,
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
        Ok(self
            .create_ticket_with(reg, received, None, None, now)
            .await?
            .0)
    }

    /// Creates a ticket and registers it with the next number of the format, in one
    /// transaction — the intake path of every channel — and returns its id and the journal it
    /// wrote, so the caller can answer without reading it back.
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
        self.create_ticket_with(reg, received, Some(numbers), None, now)
            .await
    }

    /// As [`Store::create_and_register_with_journal`], for a ticket an inbound message opens:
    /// the message is marked as having opened it in the same transaction, so a crash can never
    /// leave a ticket whose message is still pending (and would open a second one).
    ///
    /// # Errors
    ///
    /// As for [`Store::create_ticket`]; [`StoreError::Conflict`] when the message was already
    /// read (by another node, or before a crash), and nothing is written.
    pub async fn create_from_inbound(
        &self,
        reg: &Regulation,
        received: JournalEntry,
        numbers: &TicketNumberFormat,
        inbound: i64,
        now: Timestamp,
    ) -> Result<(TicketId, Vec<JournalEntry>)> {
        self.create_ticket_with(reg, received, Some(numbers), Some(inbound), now)
            .await
    }

    async fn create_ticket_with(
        &self,
        reg: &Regulation,
        received: JournalEntry,
        numbers: Option<&TicketNumberFormat>,
        inbound: Option<i64>,
        now: Timestamp,
    ) -> Result<(TicketId, Vec<JournalEntry>)> {
        if !matches!(received.event, TicketEvent::Received { .. }) {
            return Err(bad("a ticket starts with a `received` event"));
        }
        // The ticket's id and number come in the transaction's first statement.
        let numbering = numbers.map(|n| (n, number_counter(reg, n, now)));
        let mut counts = vec![("tickets", 1)];
        if let Some((_, (counter, _))) = &numbering {
            counts.push((counter.as_str(), 1));
        }
        let (mut tx, firsts) = self.begin_reserving(&counts).await?;
        let id = TicketId(firsts[0]);
        let ticket = Ticket::replay(std::slice::from_ref(&received))?;
        let mut entries = vec![received];
        if let Some((numbers, (_, year))) = numbering {
            let number = numbers.format(year, firsts[1] as u64);
            register(&ticket, &mut entries, number, reg, now)?;
        }
        create_in(&mut tx, reg, id, &entries, now).await?;
        if let Some(message) = inbound {
            mark_inbound(&mut tx, message, "ticket", id, now).await?;
        }
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

    /// What a viewer sees: for a contact, the directory says whether it is the whole
    /// organization's tickets or only their own. A contact that is gone sees only their own.
    pub(crate) async fn seen(&self, viewer: Viewer) -> Result<Seen> {
        match viewer {
            Viewer::Staff => Ok(Seen::All),
            Viewer::Customer(o) => Ok(Seen::Organization(o)),
            Viewer::Contact(o, c) => {
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT o.own_tickets_only, c.owner FROM organizations o JOIN contacts c ON c.organization_id = o.id WHERE o.id = $1 AND c.id = $2",
                )
                .bind(o.0)
                .bind(c.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(match row {
                    Some((0, _)) | Some((_, 1)) => Seen::Organization(o),
                    _ => Seen::Own(o, c),
                })
            }
        }
    }

    async fn check_visible(&self, id: TicketId, viewer: Viewer) -> Result<()> {
        let seen = self.seen(viewer).await?;
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT organization_id, contact_id FROM tickets WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some((org, contact)) if seen.sees(org, contact) => Ok(()),
            // Another organization's (or colleague's) ticket answers exactly as a missing one.
            _ => Err(StoreError::NotFound),
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
        self.execute_marking(reg, id, actor, viewer, command, numbers, None, now)
            .await
    }

    /// As [`Store::execute`]; with an inbound message, the message is marked as having joined
    /// the ticket in the same transaction, so a crash can never journal its reply twice.
    ///
    /// # Errors
    ///
    /// As for [`Store::execute`]; [`StoreError::Conflict`] when the message was read already,
    /// and nothing is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn execute_marking(
        &self,
        reg: &Regulation,
        id: TicketId,
        actor: Actor,
        viewer: Viewer,
        command: Command,
        numbers: &TicketNumberFormat,
        inbound: Option<i64>,
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
        if let (Some(message), Outcome::Events(_)) = (inbound, &outcome) {
            mark_inbound(&mut tx, message, "reply", id, now).await?;
        }
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
    /// the message becomes its description, it keeps the closed ticket's subject, organization
    /// and category, its contact is the customer who wrote, it is registered, and the two are
    /// linked as a follow-up — one transaction. Returns the new ticket's id.
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
        self.follow_up_marking(reg, closed, message, actor, viewer, numbers, None, now)
            .await
    }

    /// As [`Store::follow_up`], marking the inbound message that wrote it in the same
    /// transaction.
    ///
    /// # Errors
    ///
    /// As for [`Store::follow_up`]; [`StoreError::Conflict`] when the message was read already.
    #[allow(clippy::too_many_arguments)]
    pub async fn follow_up_marking(
        &self,
        reg: &Regulation,
        closed: TicketId,
        message: String,
        actor: Actor,
        viewer: Viewer,
        numbers: &TicketNumberFormat,
        inbound: Option<i64>,
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
        if let Some(m) = inbound {
            mark_inbound(&mut tx, m, "reply", new_id, now).await?;
        }
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
            return Err(StoreError::Conflict(crate::Conflict::SameTicket));
        }
        self.check_visible(a, viewer).await?;
        self.check_visible(b, viewer).await?;
        // A link shows each ticket's id on the other: across organizations it would show a
        // customer another organization's ticket.
        let orgs: Vec<(Option<i64>,)> =
            sqlx::query_as("SELECT organization_id FROM tickets WHERE id = $1 OR id = $2")
                .bind(a.0)
                .bind(b.0)
                .fetch_all(&self.pool)
                .await?;
        if orgs.len() == 2 && orgs[0] != orgs[1] {
            return Err(StoreError::Conflict(crate::Conflict::OtherOrganization));
        }
        Ok(())
    }
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

/// Marks a pending inbound message as read into a ticket, inside the write that did it.
async fn mark_inbound(
    tx: &mut crate::WriteTx,
    message: i64,
    state: &str,
    ticket: TicketId,
    now: Timestamp,
) -> Result<()> {
    let marked = sqlx::query("UPDATE inbound SET state = $1, ticket_id = $2, processed_at = $3 WHERE id = $4 AND state = 'pending'")
        .bind(state)
        .bind(ticket.0)
        .bind(now.as_second())
        .bind(message)
        .execute(&mut ***tx)
        .await?;
    if marked.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(crate::Conflict::MessageRead))
    }
}
