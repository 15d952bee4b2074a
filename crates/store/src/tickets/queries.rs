//! Reading tickets: the queue in its order, logged time for billing, recomputation under a
//! changed regulation, and the pending timers and outbox.

use super::projection::{NO_DEADLINE, project};
use super::*;

/// The columns of a queue row, in the order [`queue_item`] reads them.
pub(super) const QUEUE_COLUMNS: &str = "id, number, subject, status, priority, out_of_turn, next_due, next_target, next_warn, received_at, organization_id, assignee_id";

/// A queue row read from [`QUEUE_COLUMNS`].
pub(super) fn queue_item(r: &sqlx::any::AnyRow) -> std::result::Result<QueueItem, sqlx::Error> {
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
        next_target: r.try_get("next_target")?,
        next_warn: r.try_get::<Option<i64>, _>("next_warn")?.map(ts),
        received_at: ts(r.try_get("received_at")?),
        organization: r.try_get::<Option<i64>, _>("organization_id")?.map(OrgId),
        assignee: r.try_get::<Option<i64>, _>("assignee_id")?.map(AgentId),
    })
}

/// A value bound to a dynamically built query.
enum Bind {
    Int(i64),
    Text(String),
}

impl Store {
    /// The queue: critical tickets out of turn first, then the nearest deadline, then arrival.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn queue(&self, filter: &QueueFilter, viewer: Viewer) -> Result<Vec<QueueItem>> {
        let (org, contact) = match self.seen(viewer).await? {
            Seen::Organization(o) => (Some(o), None),
            Seen::Own(o, c) => (Some(o), Some(c)),
            Seen::All => (filter.organization, None),
        };
        // Only the filters in use become predicates, so the planner walks `tickets_queue` in
        // order and stops after the page instead of sorting every open ticket.
        let mut sql = format!("SELECT {QUEUE_COLUMNS} FROM tickets WHERE ");
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
        if let Some(c) = contact {
            param(&mut conditions, "contact_id", Bind::Int(c.0));
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
        if let Some(c) = &filter.category {
            param(&mut conditions, "category", Bind::Text(c.clone()));
        }
        if let Some(t) = filter.due_before {
            binds.push(Bind::Int(t.as_second()));
            conditions.push(format!("next_due < ${}", binds.len()));
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
            .map(queue_item)
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The work time that started in `[from, to)`, for one organization or all: the input of a
    /// billing statement. An entry starts when it was logged, or at the start the agent gave
    /// (at most [`MAX_BACKDATED`](reglament_domain::MAX_BACKDATED) before). Each entry
    /// carries its ticket's number, level and priority.
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
            "SELECT j.ticket_id, t.number, t.level, t.priority, j.at, j.event FROM journal j JOIN tickets t ON t.id = j.ticket_id \
             WHERE j.event LIKE '{\"type\":\"time_logged\"%' AND j.at >= $1 AND j.at < $2 \
             AND ($3 = 0 OR t.organization_id = $4) ORDER BY j.at, j.ticket_id, j.seq",
        )
        .bind(from.as_second())
        .bind(to.as_second() + reglament_domain::MAX_BACKDATED.as_secs())
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
                seconds,
                started,
                description,
            } = serde_json::from_str(&event).map_err(bad)?
            {
                // Work counts in the month it started, which a start given by the agent can
                // put before the month it was logged in.
                let at = started.unwrap_or(ts(r.try_get("at")?));
                if at < from || at >= to {
                    continue;
                }
                out.push((
                    TicketId(r.try_get("ticket_id")?),
                    reglament_regulation::TimeEntry {
                        at,
                        duration: jiff::SignedDuration::from_secs(
                            i64::from(minutes) * 60 + i64::from(seconds),
                        ),
                        activity,
                        ticket: r.try_get("number")?,
                        description,
                        level: r.try_get("level")?,
                        priority: r.try_get("priority")?,
                    },
                ));
            }
        }
        out.sort_by_key(|(_, e)| e.at);
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

    /// The ticket with a registration number, as a viewer may see it.
    ///
    /// # Errors
    ///
    /// [`crate::StoreError::NotFound`] when there is none, or the viewer may not see it.
    pub async fn ticket_by_number(&self, number: &str, viewer: Viewer) -> Result<TicketId> {
        let seen = self.seen(viewer).await?;
        let row: Option<(i64, Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT id, organization_id, contact_id FROM tickets WHERE number = $1")
                .bind(number)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some((id, org, contact)) if seen.sees(org, contact) => Ok(TicketId(id)),
            _ => Err(crate::StoreError::NotFound),
        }
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
