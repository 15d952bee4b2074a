//! The ticket list: the queue in its order (out of turn, nearest deadline, arrival), filtered
//! and paged, as one principal may see it.

use jiff::Timestamp;
use reglament_domain::Principal;
use reglament_regulation::Regulation;
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
    /// The title of the target whose deadline that is.
    pub next_target: Option<String>,
    /// Working time left to that deadline on its target's schedule, in seconds; negative once
    /// it has passed.
    pub remaining_seconds: Option<i64>,
    /// `ok`, `warning` once the target's warning has fired, `breached` once the deadline has
    /// passed; `none` without a running deadline.
    pub urgency: &'static str,
    /// When it arrived.
    pub received_at: String,
    /// The organization.
    pub organization_id: Option<i64>,
    /// The assigned agent.
    pub assignee_id: Option<i64>,
}

impl QueueRow {
    fn of(i: QueueItem, reg: &Regulation, now: Timestamp) -> QueueRow {
        let tz = &reg.timezone;
        let target = i.next_target.as_deref().and_then(|t| reg.target(t));
        let remaining_seconds = i.next_due.map(|due| {
            target
                .and_then(|t| reg.schedule(&t.schedule))
                .and_then(|s| s.working.between(now, due).ok())
                .unwrap_or_else(|| due.duration_since(now))
                .as_secs()
        });
        let urgency = match (i.next_due, i.next_warn) {
            (None, _) => "none",
            (Some(due), _) if due <= now => "breached",
            (Some(_), Some(warn)) if warn <= now => "warning",
            _ => "ok",
        };
        QueueRow {
            id: i.id.0,
            number: i.number,
            subject: i.subject,
            status: i.status,
            priority: i.priority,
            out_of_turn: i.out_of_turn,
            next_due: i.next_due.map(|t| instant(t, tz)),
            next_target: target.map(|t| t.title.clone()),
            remaining_seconds,
            urgency,
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
            "category",
            &q.category,
            q.category
                .as_deref()
                .is_none_or(|c| reg.category(c).is_some()),
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
        let now = self.now();
        let items: Vec<QueueRow> = self
            .store
            .queue(&filter, viewer(who))
            .await?
            .into_iter()
            .map(|i| QueueRow::of(i, reg, now))
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

/// The agent workspace's views of the queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueView {
    /// Tickets assigned to the agent.
    Mine,
    /// Tickets on the agent's line.
    Line,
    /// Every ticket the principal may see.
    #[default]
    All,
}

impl QueueView {
    /// The view named in a link: `mine`, `line` or `all`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::QueueView;
    ///
    /// assert_eq!(QueueView::parse("line"), Some(QueueView::Line));
    /// assert_eq!(QueueView::parse("everything"), None);
    /// ```
    pub fn parse(s: &str) -> Option<QueueView> {
        match s {
            "mine" => Some(QueueView::Mine),
            "line" => Some(QueueView::Line),
            "all" => Some(QueueView::All),
            _ => None,
        }
    }

    /// The name used in links.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_desk::QueueView::Mine.as_str(), "mine");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            QueueView::Mine => "mine",
            QueueView::Line => "line",
            QueueView::All => "all",
        }
    }
}

/// Which deadlines a queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueFilter {
    /// Deadlines already passed.
    Breached,
    /// Deadlines before the end of today in the regulation's time zone, passed ones included.
    Today,
}

impl Desk {
    /// A page of one of the workspace's views: "mine" is the agent's own tickets, "my line"
    /// the tickets on the agent's line (every line for an agent without one), with the filters
    /// of [`Desk::queue`] and a deadline filter on top.
    ///
    /// # Errors
    ///
    /// As [`Desk::queue`]; [`DeskError::Forbidden`] for "mine" or "my line" asked by anyone
    /// but an agent.
    pub async fn queue_view(
        &self,
        who: Principal,
        view: QueueView,
        due: Option<DueFilter>,
        mut q: QueueQuery,
    ) -> Result<QueuePage> {
        permissions::check(who, Action::ListTickets)?;
        match (view, who) {
            (QueueView::All, _) => {}
            (QueueView::Mine, Principal::Agent(me, _)) => q.assignee = Some(me),
            (QueueView::Line, Principal::Agent(me, _)) => {
                q.line = self.store.agent(me).await?.line.or(q.line);
            }
            _ => return Err(DeskError::Forbidden(Text::new("queue-view-agents-only"))),
        }
        q.due_before = match due {
            None => q.due_before,
            Some(DueFilter::Breached) => Some(self.now()),
            Some(DueFilter::Today) => {
                let tz = self.regulation.timezone.clone();
                let today = self.now().to_zoned(tz.clone()).date();
                today
                    .tomorrow()
                    .ok()
                    .and_then(|d| d.to_zoned(tz).ok())
                    .map(|z| z.timestamp())
            }
        };
        self.queue(who, q).await
    }
}

impl Desk {
    /// Tickets whose subject, description or replies have the words of a query in any of
    /// their forms, newest first, a page of 50 at a time, as a principal may see them. A query
    /// that is a ticket's number or id finds that ticket first.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] for a query longer than 200 characters or a negative offset.
    pub async fn search(&self, who: Principal, query: &str, offset: i64) -> Result<QueuePage> {
        permissions::check(who, Action::ListTickets)?;
        let mut problems = Vec::new();
        if query.chars().count() > 200 {
            problems.push(Problem::new("q", Text::new("search-too-long")));
        }
        if offset < 0 {
            problems.push(Problem::new("offset", Text::new("queue-offset")));
        }
        if !problems.is_empty() {
            return Err(DeskError::Invalid(problems));
        }
        const LIMIT: i64 = 50;
        let reg = &*self.regulation;
        let now = self.now();
        let mut items: Vec<QueueRow> = self
            .store
            .search(query, viewer(who), LIMIT, offset)
            .await?
            .into_iter()
            .map(|i| QueueRow::of(i, reg, now))
            .collect();
        let next_offset = (items.len() as i64 == LIMIT).then_some(offset + LIMIT);
        if offset == 0
            && let Ok(id) = self.find_ticket(who, query).await
            && !items.iter().any(|r| r.id == id.0)
        {
            let found = self
                .store
                .queue_item(id)
                .await?
                .map(|i| QueueRow::of(i, reg, now));
            items.splice(0..0, found);
        }
        Ok(QueuePage {
            items,
            limit: LIMIT,
            offset,
            next_offset,
        })
    }
}
