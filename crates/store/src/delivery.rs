//! Delivering the outbox at most once: claim a row for a while, mark it just before sending,
//! mark it sent; a claim that ran out after the mark before sending is a message that may
//! have gone, which fails visibly instead of going twice.

use jiff::{SignedDuration, Timestamp};
use reglament_domain::TicketId;
use sqlx::Row;

use crate::tickets::OutboxMessage;
use crate::{Result, Store};

/// How long a claim lasts: longer than any SMTP conversation.
const LEASE: SignedDuration = SignedDuration::from_mins(5);
/// Tries before a message fails for good.
pub const MAX_ATTEMPTS: i64 = 8;

impl Store {
    /// Claims the next message due for delivery, if any. Interrupted sends found on the way
    /// fail for good, with the reason.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn claim_outbox(&self, now: Timestamp) -> Result<Option<(OutboxMessage, i64)>> {
        let t = now.as_second();
        // A claim that ran out after its message was handed to SMTP: it may have gone.
        sqlx::query("UPDATE outbox SET failed_at = $1, last_error = 'the delivery was interrupted after the message was handed to the mail server; it may have been delivered, so it is not sent again' WHERE sent_at IS NULL AND failed_at IS NULL AND sending_at IS NOT NULL AND claimed_until < $2")
            .bind(t)
            .bind(t)
            .execute(&self.pool)
            .await?;
        for _ in 0..5 {
            let candidate: Option<(i64,)> = sqlx::query_as("SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY id LIMIT 1")
                .bind(t)
                .bind(t)
                .fetch_optional(&self.pool)
                .await?;
            let Some((id,)) = candidate else {
                return Ok(None);
            };
            // Whoever changes the row first has it; another node finds it claimed.
            let claimed = sqlx::query("UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 WHERE id = $2 AND sent_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)")
                .bind((now + LEASE).as_second())
                .bind(id)
                .bind(t)
                .execute(&self.pool)
                .await?;
            if claimed.rows_affected() == 1 {
                let r = sqlx::query("SELECT id, ticket_id, kind, recipient, payload, attempts FROM outbox WHERE id = $1")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                let payload: String = r.try_get("payload")?;
                let m = OutboxMessage {
                    id,
                    ticket: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
                    kind: r.try_get("kind")?,
                    recipient: r.try_get("recipient")?,
                    payload: serde_json::from_str(&payload)
                        .map_err(|e| crate::StoreError::Other(e.to_string()))?,
                };
                return Ok(Some((m, r.try_get("attempts")?)));
            }
        }
        Ok(None)
    }

    /// Marks a claimed message as being handed to the mail server, just before it is.
    ///
    /// # Errors
    ///
    /// Storage errors: the message must then not be sent.
    pub async fn outbox_sending(&self, id: i64, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE outbox SET sending_at = $1 WHERE id = $2")
            .bind(now.as_second())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks a message delivered.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn outbox_sent(&self, id: i64, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1, claimed_until = NULL WHERE id = $2")
            .bind(now.as_second())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed try: the message waits and is tried again, with the wait doubling from
    /// a minute, or after [`MAX_ATTEMPTS`] (or a permanent refusal) it fails for good.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn outbox_failed(
        &self,
        id: i64,
        attempts: i64,
        error: &str,
        permanent: bool,
        now: Timestamp,
    ) -> Result<()> {
        if permanent || attempts >= MAX_ATTEMPTS {
            sqlx::query("UPDATE outbox SET failed_at = $1, last_error = $2, claimed_until = NULL, sending_at = NULL WHERE id = $3")
                .bind(now.as_second())
                .bind(error)
                .bind(id)
                .execute(&self.pool)
                .await?;
        } else {
            let wait = 60i64 << (attempts - 1).clamp(0, 10);
            sqlx::query("UPDATE outbox SET next_attempt_at = $1, last_error = $2, claimed_until = NULL, sending_at = NULL WHERE id = $3")
                .bind(now.as_second() + wait)
                .bind(error)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// A ticket's mail that failed for good, or is failing and will be tried again, oldest
    /// first: what staff must know, since the customer may not have heard.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn undelivered(&self, ticket: TicketId) -> Result<Vec<Undelivered>> {
        let rows: Vec<UndeliveredRow> = sqlx::query_as(
            "SELECT kind, recipient, last_error, attempts, failed_at, next_attempt_at FROM outbox \
             WHERE ticket_id = $1 AND (failed_at IS NOT NULL OR (sent_at IS NULL AND last_error IS NOT NULL)) ORDER BY id",
        )
        .bind(ticket.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(kind, recipient, error, attempts, failed, next)| Undelivered {
                    kind,
                    recipient,
                    error: error.unwrap_or_default(),
                    attempts,
                    failed_at: failed.and_then(|s| Timestamp::from_second(s).ok()),
                    next_attempt_at: next.and_then(|s| Timestamp::from_second(s).ok()),
                },
            )
            .collect())
    }

    /// A message the outbox sent: its ticket and its recipient (`contact:N`, …), or `None` when
    /// there is no such message or it has not gone out.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn sent_message(&self, outbox: i64) -> Result<Option<(Option<TicketId>, String)>> {
        let row: Option<(Option<i64>, String)> = sqlx::query_as(
            "SELECT ticket_id, recipient FROM outbox WHERE id = $1 AND sent_at IS NOT NULL",
        )
        .bind(outbox)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(t, r)| (t.map(TicketId), r)))
    }

    /// Records that a sent message came back undelivered to `addresses` (each with the
    /// report's words): it fails with them, and the contacts at those addresses are marked as
    /// returning mail. The caller has checked that they are the message's own recipients.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn outbox_bounced(
        &self,
        outbox: i64,
        addresses: &[(String, String)],
        now: Timestamp,
    ) -> Result<()> {
        let reason = addresses
            .iter()
            .map(|(a, why)| format!("{a}: {why}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE outbox SET failed_at = $1, last_error = $2 WHERE id = $3 AND sent_at IS NOT NULL",
        )
        .bind(now.as_second())
        .bind(&reason)
        .bind(outbox)
        .execute(&mut *tx)
        .await?;
        for (address, why) in addresses {
            sqlx::query("UPDATE contacts SET bounced = $1 WHERE email = $2")
                .bind(why)
                .bind(address)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records the addresses a stored message copied; they count for the ticket it opens or
    /// joins from the moment it does.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn add_copies(&self, inbound: i64, emails: &[String]) -> Result<()> {
        for email in emails.iter().take(MAX_PARTICIPANTS as usize) {
            sqlx::query("INSERT INTO inbound_copies (inbound_id, email) VALUES ($1, $2) ON CONFLICT (inbound_id, email) DO NOTHING")
                .bind(inbound)
                .bind(email)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// The addresses copied on a ticket's messages, in the order they first came (at most
    /// [`MAX_PARTICIPANTS`]).
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn participants(&self, ticket: TicketId) -> Result<Vec<String>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT c.email, MIN(c.inbound_id) AS first FROM inbound_copies c \
             JOIN inbound i ON i.id = c.inbound_id WHERE i.ticket_id = $1 \
             GROUP BY c.email ORDER BY first, c.email LIMIT {MAX_PARTICIPANTS}"
        ))
        .bind(ticket.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(e, _)| e).collect())
    }

    /// Clears a contact's returned-mail mark: mail came from the address, so it works.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn clear_bounced(&self, contact: reglament_domain::ContactId) -> Result<()> {
        sqlx::query("UPDATE contacts SET bounced = NULL WHERE id = $1 AND bounced IS NOT NULL")
            .bind(contact.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The `Message-ID` of the first message a ticket came with, for the replies' threading.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn first_message_id(&self, ticket: TicketId) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT message_id FROM inbound WHERE ticket_id = $1 AND message_id IS NOT NULL ORDER BY id LIMIT 1",
        )
        .bind(ticket.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(m,)| m))
    }

    /// Queues a message to an address that is nobody's account yet — the answer to an
    /// unknown sender, say: recipient `email:<address>`.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn enqueue_mail(
        &self,
        kind: &str,
        address: &str,
        payload: &serde_json::Value,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = crate::next_value(&mut tx, "outbox").await?;
        sqlx::query("INSERT INTO outbox (id, ticket_id, kind, recipient, payload, created_at) VALUES ($1, NULL, $2, $3, $4, $5)")
            .bind(id)
            .bind(kind)
            .bind(format!("email:{}", address.to_lowercase()))
            .bind(payload.to_string())
            .bind(now.as_second())
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// How many messages were queued to an address since an instant: the automatic answers'
    /// rate limit.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn mail_to_address_since(&self, address: &str, since: Timestamp) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND created_at >= $2")
                .bind(format!("email:{}", address.to_lowercase()))
                .bind(since.as_second())
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }
}

/// The most addresses a ticket keeps as copied participants.
pub const MAX_PARTICIPANTS: i64 = 20;

/// kind, recipient, last error, attempts, failed at, next attempt at.
type UndeliveredRow = (
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
);

/// A ticket's message that has not reached its recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undelivered {
    /// What it is: `registered`, `reply`, `status`, …
    pub kind: String,
    /// `contact:<id>`, `agent:<id>`, …
    pub recipient: String,
    /// The mail server's last answer, or why it could not be written.
    pub error: String,
    /// How many times it was tried.
    pub attempts: i64,
    /// When it failed for good; `None` while it is still being retried.
    pub failed_at: Option<Timestamp>,
    /// When it is tried next, while it is retried.
    pub next_attempt_at: Option<Timestamp>,
}
