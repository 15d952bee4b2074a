//! The change feed: which tickets changed, so that pages showing them can refresh. On SQLite it
//! is this process's broadcast; on PostgreSQL every change is a `NOTIFY` on one channel, and
//! each node forwards what it hears on it to its own subscribers, so that an agent on node A
//! sees a ticket that changed on node B.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reglament_domain::{OrgId, TicketId};
use tokio::sync::broadcast;

use crate::{Backend, Result, Store};

/// The PostgreSQL channel changes are announced on.
const CHANNEL: &str = "reglament_tickets";

/// How many changes a slow subscriber may fall behind before it misses some (and refreshes
/// anyway).
const BUFFER: usize = 256;

/// A ticket that changed, and whose it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketChange {
    /// The ticket.
    pub ticket: TicketId,
    /// Its organization, so a customer hears only about their own.
    pub organization: Option<OrgId>,
}

impl TicketChange {
    fn payload(self) -> String {
        match self.organization {
            Some(o) => format!("{}:{}", self.ticket.0, o.0),
            None => format!("{}:", self.ticket.0),
        }
    }

    fn parse(payload: &str) -> Option<TicketChange> {
        let (t, o) = payload.split_once(':')?;
        Some(TicketChange {
            ticket: TicketId(t.parse().ok()?),
            organization: if o.is_empty() {
                None
            } else {
                Some(OrgId(o.parse().ok()?))
            },
        })
    }
}

/// The feed shared by the clones of one [`Store`].
#[derive(Debug)]
pub(crate) struct Feed {
    tx: broadcast::Sender<TicketChange>,
    listening: AtomicBool,
}

impl Default for Feed {
    fn default() -> Feed {
        Feed {
            tx: broadcast::channel(BUFFER).0,
            listening: AtomicBool::new(false),
        }
    }
}

impl Store {
    /// Announces that a ticket changed: at once to this process's subscribers on SQLite, and
    /// through `NOTIFY` to every node's on PostgreSQL.
    ///
    /// # Errors
    ///
    /// Storage errors from the `NOTIFY`; the change itself is already committed.
    pub async fn announce(&self, change: TicketChange) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                // No subscriber is no error.
                let _ = self.feed.tx.send(change);
            }
            Backend::Postgres => {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(change.payload())
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// The changes from now on. On PostgreSQL the first subscriber starts this node's
    /// listener, which reconnects by itself when the database comes back.
    pub fn subscribe(&self) -> broadcast::Receiver<TicketChange> {
        let rx = self.feed.tx.subscribe();
        if self.backend == Backend::Postgres && !self.feed.listening.swap(true, Ordering::SeqCst) {
            tokio::spawn(listen(self.url.clone(), Arc::clone(&self.feed)));
        }
        rx
    }
}

/// Forwards `NOTIFY`s to the feed for as long as the process runs.
async fn listen(url: String, feed: Arc<Feed>) {
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut l) => {
                if let Err(e) = l.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "cannot listen for ticket changes");
                } else {
                    // `recv` reconnects on its own after a lost connection.
                    while let Ok(n) = l.recv().await {
                        if let Some(c) = TicketChange::parse(n.payload()) {
                            let _ = feed.tx.send(c);
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(
                error = %crate::redact(&e.to_string()),
                "cannot connect to listen for ticket changes"
            ),
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_survives_its_notify_payload() {
        for c in [
            TicketChange {
                ticket: TicketId(7),
                organization: Some(OrgId(3)),
            },
            TicketChange {
                ticket: TicketId(8),
                organization: None,
            },
        ] {
            assert_eq!(TicketChange::parse(&c.payload()), Some(c));
        }
        assert_eq!(TicketChange::parse("x:1"), None);
    }
}
