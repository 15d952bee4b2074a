//! Inbound mail as it arrived: stored first, decided about after. A message is `pending` until
//! the desk has read it, then `ticket` (it opened one), `reply` (it joined one), `quarantined`
//! (an agent must look: with the reason) or `ignored` (an automatic message that changes
//! nothing, with the reason).

use jiff::Timestamp;
use reglament_domain::TicketId;
use sqlx::Row;

use crate::{Result, Store, StoreError};

/// A stored inbound message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMessage {
    /// The id.
    pub id: i64,
    /// Its `Message-ID`, if it had one.
    pub message_id: Option<String>,
    /// Where it came from: `pipe`, or `imap:<mailbox>`.
    pub source: String,
    /// The bytes as they arrived.
    pub raw: Vec<u8>,
    /// When it was stored.
    pub received_at: Timestamp,
    /// `pending`, `ticket`, `reply`, `quarantined` or `ignored`.
    pub state: String,
    /// The ticket it opened or joined.
    pub ticket: Option<TicketId>,
    /// Why it was quarantined or ignored.
    pub reason: Option<String>,
}

fn message(r: &sqlx::any::AnyRow) -> std::result::Result<InboundMessage, sqlx::Error> {
    Ok(InboundMessage {
        id: r.try_get("id")?,
        message_id: r.try_get("message_id")?,
        source: r.try_get("source")?,
        raw: r.try_get("raw")?,
        received_at: Timestamp::from_second(r.try_get("received_at")?).unwrap_or_default(),
        state: r.try_get("state")?,
        ticket: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
        reason: r.try_get("reason")?,
    })
}

const COLUMNS: &str = "id, message_id, source, raw, received_at, state, ticket_id, reason";

impl Store {
    /// Stores a message as it arrived, once: the second delivery of the same `Message-ID` (or,
    /// for a message without one, of the same bytes) stores nothing and answers the first one's
    /// id with `false`.
    ///
    /// # Errors
    ///
    /// Storage errors; [`StoreError::Unavailable`] when the database is down, which the MTA
    /// must hear as "try again later".
    pub async fn store_inbound(
        &self,
        message_id: Option<&str>,
        source: &str,
        raw: &[u8],
        now: Timestamp,
    ) -> Result<(i64, bool)> {
        use sha2::Digest;
        let key = match message_id {
            Some(m) => format!("mid:{}", m.to_lowercase()),
            None => {
                let digest = sha2::Sha256::digest(raw);
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                format!("sha256:{hex}")
            }
        };
        let dedupe_key = key.as_str();
        let mut tx = self.begin().await?;
        let existing: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM inbound WHERE dedupe_key = $1")
                .bind(dedupe_key)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some((id,)) = existing {
            return Ok((id, false));
        }
        let id = crate::next_value(&mut tx, "inbound").await?;
        let inserted = sqlx::query("INSERT INTO inbound (id, dedupe_key, message_id, source, raw, received_at, state) VALUES ($1, $2, $3, $4, $5, $6, 'pending')")
            .bind(id)
            .bind(dedupe_key)
            .bind(message_id)
            .bind(source)
            .bind(raw.to_vec())
            .bind(now.as_second())
            .execute(&mut **tx)
            .await;
        match inserted {
            Ok(_) => {
                tx.commit().await?;
                Ok((id, true))
            }
            // Another node stored it between the look and the insert.
            Err(e) => match StoreError::from(e) {
                StoreError::Conflict(_) => {
                    drop(tx);
                    let (id,): (i64,) =
                        sqlx::query_as("SELECT id FROM inbound WHERE dedupe_key = $1")
                            .bind(dedupe_key)
                            .fetch_one(&self.pool)
                            .await?;
                    Ok((id, false))
                }
                other => Err(other),
            },
        }
    }

    /// One stored message.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown id.
    pub async fn inbound(&self, id: i64) -> Result<InboundMessage> {
        let r = sqlx::query(&format!("SELECT {COLUMNS} FROM inbound WHERE id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        Ok(message(&r)?)
    }

    /// The messages that opened or joined a ticket, oldest first (at most 200).
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn inbound_of_ticket(&self, ticket: TicketId) -> Result<Vec<InboundMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM inbound WHERE ticket_id = $1 ORDER BY id LIMIT 200"
        ))
        .bind(ticket.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| message(r).map_err(Into::into))
            .collect()
    }

    /// Messages in a state, oldest first.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn inbound_in(&self, state: &str, limit: i64) -> Result<Vec<InboundMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM inbound WHERE state = $1 ORDER BY id LIMIT {}",
            limit.clamp(1, 1000)
        ))
        .bind(state)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(message)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Into::into)
    }

    /// Records what was decided about a pending message. A message already decided (by
    /// another node) is left as it is, and `false` says so.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn finish_inbound(
        &self,
        id: i64,
        state: &str,
        ticket: Option<TicketId>,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query("UPDATE inbound SET state = $1, ticket_id = $2, reason = $3, processed_at = $4 WHERE id = $5 AND state = 'pending'")
            .bind(state)
            .bind(ticket.map(|t| t.0))
            .bind(reason)
            .bind(now.as_second())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The ticket an earlier message with one of these `Message-ID`s joined or opened: how a
    /// reply that quotes no number finds its thread.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn ticket_of_message_ids(&self, ids: &[String]) -> Result<Option<TicketId>> {
        for id in ids.iter().rev().take(20) {
            let found: Option<(Option<i64>,)> = sqlx::query_as(
                "SELECT ticket_id FROM inbound WHERE message_id = $1 AND ticket_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            if let Some((Some(t),)) = found {
                return Ok(Some(TicketId(t)));
            }
        }
        Ok(None)
    }

    /// Puts a held message back to be read again — once its sender has been added as a
    /// contact, say. Only a quarantined or ignored message can be; `false` otherwise.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn retry_inbound(&self, id: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE inbound SET state = 'pending', reason = NULL, processed_at = NULL WHERE id = $1 AND state IN ('quarantined', 'ignored')")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a held message discarded: it stays stored, and leaves the quarantine.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn discard_inbound(&self, id: i64, now: Timestamp) -> Result<bool> {
        let done = sqlx::query("UPDATE inbound SET state = 'discarded', processed_at = $1 WHERE id = $2 AND state IN ('quarantined', 'ignored')")
            .bind(now.as_second())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims a mailbox for this node until `until`, so that two nodes never poll it at once;
    /// a node renews its own claim. `false` when another node holds it.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn claim_mailbox(
        &self,
        mailbox: &str,
        node: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool> {
        let key = format!("imap-claim:{mailbox}");
        let value = format!("{:020}|{node}", until.as_second());
        let done = sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $3 WHERE settings.value < $4 OR settings.value LIKE $5")
            .bind(&key)
            .bind(&value)
            .bind(&value)
            .bind(format!("{:020}", now.as_second()))
            .bind(format!("%|{node}"))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The last UID read from a mailbox, with its UIDVALIDITY.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn mailbox_position(&self, mailbox: &str) -> Result<Option<(u32, u32)>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE name = $1")
            .bind(format!("imap-uid:{mailbox}"))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(|(v,)| {
            let (a, b) = v.split_once(':')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        }))
    }

    /// Records the last UID read from a mailbox.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn set_mailbox_position(&self, mailbox: &str, validity: u32, uid: u32) -> Result<()> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $3")
            .bind(format!("imap-uid:{mailbox}"))
            .bind(format!("{validity}:{uid}"))
            .bind(format!("{validity}:{uid}"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
