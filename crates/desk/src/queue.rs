//! The ticket list: the queue in its order (out of turn, nearest deadline, arrival), filtered
//! and paged, as one principal may see it.

use reglament_domain::Principal;
use reglament_store::tickets::{QueueFilter, QueueItem};
use serde::Serialize;

use crate::permissions::{self, Action, viewer};
use crate::{Desk, DeskError, Problem, Result, Text};

/// What part of the queue to show: the store's filter, taken as the channel parsed it. A limit
/// of `None` is 50.
pub type QueueQuery = QueueFilter;

/// One page of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueuePage {
    /// The rows.
    pub items: Vec<QueueItem>,
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
        let items = self.store.queue(&filter, viewer(who)).await?;
        let next_offset = (items.len() as i64 == limit).then_some(offset + limit);
        Ok(QueuePage {
            items,
            limit,
            offset,
            next_offset,
        })
    }
}
