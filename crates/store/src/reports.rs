//! Reports over the SLA clocks: how many of each target's clocks were met, breached, are still
//! running or were stopped without being owed, grouped by a ticket's attribute, and the
//! breaches themselves. The counting is done by the database, so a month of a million tickets
//! is read as a few rows.

use jiff::Timestamp;
use reglament_domain::{AgentId, OrgId, TicketId};
use sqlx::Row;

use crate::{Result, Store};

/// Which tickets a report counts, besides its period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// Only this organization's.
    pub organization: Option<OrgId>,
    /// Only this priority.
    pub priority: Option<String>,
    /// Only this service level.
    pub level: Option<String>,
    /// Only tickets now on this line.
    pub line: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only tickets assigned to this agent.
    pub agent: Option<AgentId>,
}

/// What a report's rows are grouped by, besides the target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grouping {
    /// One row per target.
    #[default]
    Target,
    /// The ticket's organization.
    Organization,
    /// Its priority.
    Priority,
    /// Its service level.
    Level,
    /// The line it is on.
    Line,
    /// Its category.
    Category,
    /// Its assignee.
    Agent,
}

impl Grouping {
    /// The ticket column grouped by; a fixed name, never from input.
    fn column(self) -> Option<&'static str> {
        match self {
            Grouping::Target => None,
            Grouping::Organization => Some("t.organization_id"),
            Grouping::Priority => Some("t.priority"),
            Grouping::Level => Some("t.level"),
            Grouping::Line => Some("t.line"),
            Grouping::Category => Some("t.category"),
            Grouping::Agent => Some("t.assignee_id"),
        }
    }
}

/// The clocks of one target in one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComplianceCount {
    /// The target's id.
    pub target: String,
    /// The group's value: an id, or `None` for tickets without one.
    pub group: Option<String>,
    /// Clocks started in the period.
    pub total: i64,
    /// Stopped in time.
    pub met: i64,
    /// Past due, stopped or still running.
    pub breached: i64,
    /// Running or paused, not yet due.
    pub running: i64,
    /// Stopped by a rejection, a merge or a close without work: owed nothing.
    pub cancelled: i64,
}

/// A breached clock, for the report to link to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    /// The ticket.
    pub ticket: TicketId,
    /// Its number.
    pub number: Option<String>,
    /// Its organization.
    pub organization: Option<OrgId>,
    /// The target.
    pub target: String,
    /// When the clock started.
    pub started_at: Timestamp,
    /// Its deadline.
    pub due: Option<Timestamp>,
    /// When it stopped, if it has.
    pub stopped_at: Option<Timestamp>,
}

/// A customer's rating of a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rated {
    /// The ticket.
    pub ticket: TicketId,
    /// Its number.
    pub number: Option<String>,
    /// When the customer rated it.
    pub at: Timestamp,
    /// 1 to 5.
    pub stars: u8,
    /// The customer's comment.
    pub comment: Option<String>,
    /// The ticket's organization.
    pub organization: Option<OrgId>,
    /// Its assignee.
    pub agent: Option<AgentId>,
    /// Its priority.
    pub priority: Option<String>,
    /// Its level.
    pub level: Option<String>,
    /// Its line.
    pub line: Option<String>,
    /// Its category.
    pub category: Option<String>,
}

/// A query with the time (`$1` already bound), the period (`$2`, `$3`) and the filter's values
/// bound in order.
fn bound<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    from: Timestamp,
    to: Timestamp,
    values: Vec<Value>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = q.bind(from.as_second()).bind(to.as_second());
    for v in values {
        q = match v {
            Value::Int(i) => q.bind(i),
            Value::Text(t) => q.bind(t),
        };
    }
    q
}

/// The condition a clock is breached on at `now` (`$1`): stored so, or running past its due.
const BREACHED: &str =
    "(c.state = 'breached' OR (c.state = 'running' AND c.due IS NOT NULL AND c.due < $1))";

/// The conditions for the period of a column (`$2`, `$3`) and the filter, and their values, numbered on
/// from `$4`.
fn conditions(filter: &ReportFilter, period: &str) -> (String, Vec<Value>) {
    let mut sql = format!("{period} IS NOT NULL AND {period} >= $2 AND {period} < $3");
    let mut values = Vec::new();
    let mut add = |column: &str, v: Value| {
        values.push(v);
        sql.push_str(&format!(" AND {column} = ${}", values.len() + 3));
    };
    if let Some(o) = filter.organization {
        add("t.organization_id", Value::Int(o.0));
    }
    if let Some(p) = &filter.priority {
        add("t.priority", Value::Text(p.clone()));
    }
    if let Some(l) = &filter.level {
        add("t.level", Value::Text(l.clone()));
    }
    if let Some(l) = &filter.line {
        add("t.line", Value::Text(l.clone()));
    }
    if let Some(c) = &filter.category {
        add("t.category", Value::Text(c.clone()));
    }
    if let Some(a) = filter.agent {
        add("t.assignee_id", Value::Int(a.0));
    }
    (sql, values)
}

enum Value {
    Int(i64),
    Text(String),
}

impl Store {
    /// Counts each target's clocks that started in `[from, to)`, by state as of `now`, in
    /// groups of `by`, for the tickets the filter keeps. A clock still running past its due
    /// counts as breached; a paused one cannot breach while paused.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn compliance(
        &self,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        filter: &ReportFilter,
        by: Grouping,
    ) -> Result<Vec<ComplianceCount>> {
        let (cond, values) = conditions(filter, "c.started_at");
        // Every group is read as text, so that ids and names come back alike on both databases.
        let (group, keys) = match by.column() {
            Some(c) => (
                format!("CAST({c} AS TEXT)"),
                format!("c.target, CAST({c} AS TEXT)"),
            ),
            None => ("CAST(NULL AS TEXT)".to_string(), "c.target".to_string()),
        };
        let sql = format!(
            "SELECT c.target AS target, {group} AS grp, COUNT(*) AS total, \
             SUM(CASE WHEN c.state = 'met' THEN 1 ELSE 0 END) AS met, \
             SUM(CASE WHEN {BREACHED} THEN 1 ELSE 0 END) AS breached, \
             SUM(CASE WHEN c.state = 'cancelled' THEN 1 ELSE 0 END) AS cancelled \
             FROM clocks c JOIN tickets t ON t.id = c.ticket_id WHERE {cond} \
             GROUP BY {keys} ORDER BY {keys}"
        );
        let rows = bound(sqlx::query(&sql).bind(now.as_second()), from, to, values)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let total: i64 = r.try_get("total")?;
                let met: i64 = r.try_get("met")?;
                let breached: i64 = r.try_get("breached")?;
                let cancelled: i64 = r.try_get("cancelled")?;
                Ok(ComplianceCount {
                    target: r.try_get("target")?,
                    group: r.try_get("grp")?,
                    total,
                    met,
                    breached,
                    running: total - met - breached - cancelled,
                    cancelled,
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The breached clocks that started in `[from, to)` as of `now`, earliest deadline first,
    /// at most `limit` of them.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn breaches(
        &self,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        filter: &ReportFilter,
        limit: i64,
    ) -> Result<Vec<Breach>> {
        let (cond, values) = conditions(filter, "c.started_at");
        let sql = format!(
            "SELECT c.ticket_id, t.number, t.organization_id, c.target, c.started_at, c.due, c.stopped_at \
             FROM clocks c JOIN tickets t ON t.id = c.ticket_id WHERE {cond} AND {BREACHED} \
             ORDER BY c.due, c.ticket_id, c.target LIMIT {}",
            limit.clamp(1, 10_000)
        );
        let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        let rows = bound(sqlx::query(&sql).bind(now.as_second()), from, to, values)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Breach {
                    ticket: TicketId(r.try_get("ticket_id")?),
                    number: r.try_get("number")?,
                    organization: r.try_get::<Option<i64>, _>("organization_id")?.map(OrgId),
                    target: r.try_get("target")?,
                    started_at: ts(r.try_get("started_at")?),
                    due: r.try_get::<Option<i64>, _>("due")?.map(ts),
                    stopped_at: r.try_get::<Option<i64>, _>("stopped_at")?.map(ts),
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }
    /// The working time each stopped clock counted (met or breached, pauses excluded), in
    /// seconds, for the clocks that started in `[from, to)`, by target, shortest first: the
    /// input of the reaction and resolution time distributions.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn stopped_durations(
        &self,
        from: Timestamp,
        to: Timestamp,
        filter: &ReportFilter,
    ) -> Result<Vec<(String, i64)>> {
        let (cond, values) = conditions(filter, "c.started_at");
        // `$1` is a floor of 0, so that the filter numbers its values as elsewhere.
        let sql = format!(
            "SELECT c.target, c.elapsed_s FROM clocks c JOIN tickets t ON t.id = c.ticket_id \
             WHERE {cond} AND c.stopped_at IS NOT NULL AND c.state IN ('met', 'breached') AND c.elapsed_s >= $1 \
             ORDER BY c.target, c.elapsed_s"
        );
        let rows = bound(sqlx::query(&sql).bind(0_i64), from, to, values)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("target")?, r.try_get("elapsed_s")?)))
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }
    /// The ratings customers gave in `[from, to)`, oldest first, with their tickets'
    /// attributes, for the tickets the filter keeps.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn ratings(
        &self,
        from: Timestamp,
        to: Timestamp,
        filter: &ReportFilter,
    ) -> Result<Vec<Rated>> {
        // The period is the rating's, not a clock's: `c` is the journal here.
        let (cond, values) = conditions(filter, "c.at");
        let sql = format!(
            "SELECT c.ticket_id, c.at, c.event, t.number, t.organization_id, t.assignee_id, t.priority, t.level, t.line, t.category \
             FROM journal c JOIN tickets t ON t.id = c.ticket_id \
             WHERE {cond} AND c.event LIKE '{{\"type\":\"rated\"%' AND c.seq >= $1 ORDER BY c.at, c.ticket_id"
        );
        let rows = bound(sqlx::query(&sql).bind(0_i64), from, to, values)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let event: String = r.try_get("event")?;
            let Ok(reglament_domain::TicketEvent::Rated { rating, comment }) =
                serde_json::from_str(&event)
            else {
                continue;
            };
            out.push(Rated {
                ticket: TicketId(r.try_get("ticket_id")?),
                number: r.try_get("number")?,
                at: Timestamp::from_second(r.try_get("at")?).unwrap_or(Timestamp::UNIX_EPOCH),
                stars: rating.stars(),
                comment,
                organization: r.try_get::<Option<i64>, _>("organization_id")?.map(OrgId),
                agent: r.try_get::<Option<i64>, _>("assignee_id")?.map(AgentId),
                priority: r.try_get("priority")?,
                level: r.try_get("level")?,
                line: r.try_get("line")?,
                category: r.try_get("category")?,
            });
        }
        Ok(out)
    }
    /// The tickets received in `[from, to)` that the filter keeps, by their assignee (or line,
    /// with `by_line`): how many, and how many are still open.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn tickets_by(
        &self,
        from: Timestamp,
        to: Timestamp,
        filter: &ReportFilter,
        by_line: bool,
    ) -> Result<Vec<(Option<String>, i64, i64)>> {
        let (cond, values) = conditions(filter, "t.received_at");
        let key = if by_line {
            "t.line"
        } else {
            "CAST(t.assignee_id AS TEXT)"
        };
        let sql = format!(
            "SELECT {key} AS grp, COUNT(*) AS total, SUM(CASE WHEN t.open = 1 THEN 1 ELSE 0 END) AS still_open FROM tickets t \
             WHERE {cond} AND t.id >= $1 GROUP BY {key} ORDER BY {key}"
        );
        let rows = bound(sqlx::query(&sql).bind(0_i64), from, to, values)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("grp")?,
                    r.try_get("total")?,
                    r.try_get("still_open")?,
                ))
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The work time logged on the tickets the filter keeps that started in `[from, to)`: who
    /// logged it, the ticket's line, and the seconds. Work starts when it was logged, or at the
    /// start the agent gave.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn logged_by(
        &self,
        from: Timestamp,
        to: Timestamp,
        filter: &ReportFilter,
    ) -> Result<Vec<(Option<AgentId>, Option<String>, i64)>> {
        let (cond, values) = conditions(filter, "c.at");
        let sql = format!(
            "SELECT c.at, c.actor, c.event, t.line FROM journal c JOIN tickets t ON t.id = c.ticket_id \
             WHERE {cond} AND c.event LIKE '{{\"type\":\"time_logged\"%' AND c.seq >= $1"
        );
        // An entry may start up to a week before it was logged.
        let late = to
            .checked_add(reglament_domain::MAX_BACKDATED)
            .unwrap_or(to);
        let rows = bound(sqlx::query(&sql).bind(0_i64), from, late, values)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let event: String = r.try_get("event")?;
            let actor: String = r.try_get("actor")?;
            let Ok(reglament_domain::TicketEvent::TimeLogged {
                minutes,
                seconds,
                started,
                ..
            }) = serde_json::from_str(&event)
            else {
                continue;
            };
            let logged = Timestamp::from_second(r.try_get("at")?).unwrap_or(Timestamp::UNIX_EPOCH);
            let at = started.unwrap_or(logged);
            if at < from || at >= to {
                continue;
            }
            let agent = match serde_json::from_str::<reglament_domain::Actor>(&actor) {
                Ok(reglament_domain::Actor::Agent(a)) => Some(a),
                _ => None,
            };
            out.push((
                agent,
                r.try_get("line")?,
                i64::from(minutes) * 60 + i64::from(seconds),
            ));
        }
        Ok(out)
    }
}
