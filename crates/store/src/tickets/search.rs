//! Full-text search over subjects, descriptions and replies, with Russian word forms: on
//! PostgreSQL the `russian` text-search configuration over a GIN index, on SQLite an FTS5 table
//! over text stemmed with the Snowball Russian and English stemmers (`rust-stemmers`), query and
//! documents alike. Internal notes are indexed for staff only.

use super::*;
use crate::Backend;
use crate::batch::{Batch, Value};
use reglament_domain::{JournalEntry, TicketEvent};
use rust_stemmers::{Algorithm, Stemmer};

/// The text an entry makes searchable, and whether a customer may find it.
fn searchable(e: &JournalEntry) -> Option<(String, bool)> {
    match &e.event {
        TicketEvent::Received {
            subject,
            description,
            ..
        } => Some((format!("{subject}\n{description}"), true)),
        TicketEvent::Replied { public, body } => Some((body.clone(), *public)),
        _ => None,
    }
}

/// Words of a text, lowercased and stemmed: `Отчёты не выгружаются` → `отчет не выгружа`.
/// Cyrillic words go through the Russian stemmer, others through the English one; `ё` is `е`.
///
/// # Example
///
/// ```
/// let s = reglament_store::tickets::stems("Выгрузки отчётов");
/// assert_eq!(s, reglament_store::tickets::stems("выгрузка отчёт"));
/// ```
pub fn stems(text: &str) -> String {
    let ru = Stemmer::create(Algorithm::Russian);
    let en = Stemmer::create(Algorithm::English);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase().replace('ё', "е");
            let stem = if w.chars().any(|c| matches!(c, 'а'..='я')) {
                ru.stem(&w)
            } else {
                en.stem(&w)
            };
            stem.into_owned()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Indexes the searchable text of journal entries `len..` of a ticket, in the write's batch.
pub(crate) fn index(batch: &mut Batch, id: TicketId, len: i64, entries: &[JournalEntry]) {
    let docs: Vec<(i64, String, bool)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| searchable(e).map(|(t, p)| (len + i as i64, t, p)))
        .collect();
    if docs.is_empty() {
        return;
    }
    let pg = batch.postgres();
    let table = if pg {
        "search_docs (ticket_id, seq, public, body)"
    } else {
        "search_fts (ticket_id, seq, public, stems)"
    };
    let sql = format!(
        "INSERT INTO {table} VALUES {}",
        crate::placeholders(docs.len(), 4)
    );
    let mut values = Vec::with_capacity(docs.len() * 4);
    for (seq, text, public) in docs {
        let body = if pg { text } else { stems(&text) };
        values.extend([
            Value::from(id.0),
            seq.into(),
            i64::from(public).into(),
            body.into(),
        ]);
    }
    batch.push(sql, values);
}

impl Store {
    /// Creates the full-text structures of this backend if they are missing, and indexes the
    /// journal written before they existed. The shared migrations cannot hold them: an FTS5
    /// table and a `russian` GIN index exist on one backend each.
    pub(crate) async fn ensure_search(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(stems, ticket_id UNINDEXED, seq UNINDEXED, public UNINDEXED, tokenize = 'unicode61')")
                    .execute(&self.pool)
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query("CREATE TABLE IF NOT EXISTS search_docs (ticket_id BIGINT NOT NULL, seq BIGINT NOT NULL, public BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (ticket_id, seq))")
                    .execute(&self.pool)
                    .await?;
                sqlx::query("CREATE INDEX IF NOT EXISTS search_docs_fts ON search_docs USING GIN (to_tsvector('russian', body))")
                    .execute(&self.pool)
                    .await?;
            }
        }
        let done: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE name = 'search_index'")
                .fetch_optional(&self.pool)
                .await?;
        if done.is_some() {
            return Ok(());
        }
        // Index what was written before search existed, a thousand tickets per transaction.
        let mut after = 0i64;
        loop {
            let ids: Vec<(i64,)> =
                sqlx::query_as("SELECT id FROM tickets WHERE id > $1 ORDER BY id LIMIT 1000")
                    .bind(after)
                    .fetch_all(&self.pool)
                    .await?;
            let Some(&(last,)) = ids.last() else { break };
            let mut tx = self.begin().await?;
            for (id,) in ids {
                let journal = super::load_journal(&mut **tx, TicketId(id)).await?;
                let mut batch = Batch::new(&mut tx);
                index(&mut batch, TicketId(id), 0, &journal);
                batch.run(&mut tx).await?;
            }
            tx.commit().await?;
            after = last;
        }
        sqlx::query("INSERT INTO settings (name, value) VALUES ('search_index', '1')")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// One ticket as a queue row, if it exists.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn queue_item(&self, id: TicketId) -> Result<Option<QueueItem>> {
        let sql = format!(
            "SELECT {} FROM tickets WHERE id = $1",
            super::queries::QUEUE_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(super::queries::queue_item).transpose()?)
    }

    /// Tickets whose subject, description or replies match the words of a query in any of
    /// their forms, newest first, as a viewer may see them: a customer finds only their
    /// organization's tickets and never an internal note.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn search(
        &self,
        query: &str,
        viewer: Viewer,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<QueueItem>> {
        let (inner, words) = match self.backend {
            Backend::Sqlite => {
                let terms: Vec<String> = stems(query)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|w| format!("\"{w}\""))
                    .collect();
                (
                    "SELECT ticket_id FROM search_fts WHERE search_fts MATCH $1",
                    terms.join(" "),
                )
            }
            Backend::Postgres => (
                "SELECT ticket_id FROM search_docs WHERE to_tsvector('russian', body) @@ plainto_tsquery('russian', $1)",
                query.to_string(),
            ),
        };
        if words.trim().is_empty() {
            return Ok(Vec::new());
        }
        let (public, org, contact) = match self.seen(viewer).await? {
            Seen::All => ("", None, None),
            Seen::Organization(o) => (" AND public = 1", Some(o), None),
            Seen::Own(o, c) => (" AND public = 1", Some(o), Some(c)),
        };
        let sql = format!(
            "SELECT {} FROM tickets WHERE id IN ({inner}{public}){}{} ORDER BY id DESC LIMIT {} OFFSET {}",
            super::queries::QUEUE_COLUMNS,
            if org.is_some() {
                " AND organization_id = $2"
            } else {
                ""
            },
            if contact.is_some() {
                " AND contact_id = $3"
            } else {
                ""
            },
            limit.clamp(1, 500),
            offset.max(0)
        );
        let mut q = sqlx::query(&sql).bind(words);
        if let Some(o) = org {
            q = q.bind(o.0);
        }
        if let Some(c) = contact {
            q = q.bind(c.0);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(super::queries::queue_item)
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(Into::into)
    }
}
