//! The ticket list: the queue in its order (out of turn, nearest deadline, arrival), filtered
//! and paged, as one principal may see it.

use reglament_domain::Principal;
use reglament_store::tickets::{QueueFilter, QueueItem};
use serde::Serialize;

use crate::permissions::{self, Action, viewer};
use crate::view::instant;
use crate::{Desk, DeskError, Problem, Result, Text};

/// What part of the queue to show: the store's filter, taken as the channel parsed it. A limit
/// of `None` is 50.
pub type QueueQuery = QueueFilter;

/// One row of the queue, with times in the regulation's time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueRow {
    /// The ticket's id.
    pub id: i64,
    /// Its registration number.
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
    pub next_due: Option<String>,
    /// When it arrived.
    pub received_at: String,
    /// The organization.
    pub organization_id: Option<i64>,
    /// The assigned agent.
    pub assignee_id: Option<i64>,
}

impl QueueRow {
    fn of(i: QueueItem, tz: &jiff::tz::TimeZone) -> QueueRow {
        QueueRow {
            id: i.id.0,
            number: i.number,
            subject: i.subject,
            status: i.status,
            priority: i.priority,
            out_of_turn: i.out_of_turn,
            next_due: i.next_due.map(|t| instant(t, tz)),
            received_at: instant(i.received_at, tz),
            organization_id: i.organization.map(|o| o.0),
            assignee_id: i.assignee.map(|a| a.0),
        }
    }
}

/// One page of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueuePage {
    /// The rows.
    pub items: Vec<QueueRow>,
    /// The page size asked for.
    pub limit: i64,
    /// The rows skipped.
    pub offset: i64,
    /// The offset of the next page, when there may be one.
    pub next_offset: Option<i64>,
}

impl Desk {
    /// A page of the queue as a principal may see it.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] naming every bad filter: a limit out of 1–500, a negative offset,
    /// a status, priority or line the regulation does not have.
    pub async fn queue(&self, who: Principal, q: QueueQuery) -> Result<QueuePage> {
        permissions::check(who, Action::ListTickets)?;
        let reg = &*self.regulation;
        let mut problems = Vec::new();
        let limit = q.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            problems.push(Problem::new("limit", Text::new("queue-limit")));
        }
        let offset = q.offset.unwrap_or(0);
        if offset < 0 {
            problems.push(Problem::new("offset", Text::new("queue-offset")));
        }
        let unknown = |field: &'static str, value: &Option<String>, known: bool| {
            value
                .as_ref()
                .filter(|_| !known)
                .map(|v| Problem::new(field, Text::new("queue-unknown").arg("value", v.clone())))
        };
        problems.extend(unknown(
            "status",
            &q.status,
            q.status.as_deref().is_none_or(|s| reg.status(s).is_some()),
        ));
        problems.extend(unknown(
            "priority",
            &q.priority,
            q.priority
                .as_deref()
                .is_none_or(|p| reg.priority(p).is_some()),
        ));
        problems.extend(unknown(
            "line",
            &q.line,
            q.line.as_deref().is_none_or(|l| reg.line(l).is_some()),
        ));
        if !problems.is_empty() {
            return Err(DeskError::Invalid(problems));
        }
        let filter = QueueFilter {
            limit: Some(limit),
            offset: Some(offset),
            ..q
        };
        let tz = &self.regulation.timezone;
        let items: Vec<QueueRow> = self
            .store
            .queue(&filter, viewer(who))
            .await?
            .into_iter()
            .map(|i| QueueRow::of(i, tz))
            .collect();
        let next_offset = (items.len() as i64 == limit).then_some(offset + limit);
        Ok(QueuePage {
            items,
            limit,
            offset,
            next_offset,
        })
    }
}
