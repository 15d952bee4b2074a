//! Storage for Reglament: one implementation over SQLite (the default, in a local data
//! directory) and PostgreSQL (for several nodes), through sqlx's `Any` driver with one schema and
//! one set of queries using `$1` placeholders. The backend is chosen once, from the URL.
//!
//! - [`Store::connect`] opens (and for SQLite creates) the database; [`Store::migrate`] applies the
//!   embedded migrations.
//! - [`accounts`] holds argon2id passwords, sessions and API tokens.
//! - [`directory`] holds organizations, contacts and agents.
//! - [`jobs`] fires due timers exactly once, on any number of nodes.
//! - [`tickets`] appends journal events and keeps the ticket row, SLA clock rows, timer jobs and
//!   outbox rows in step with them, in one transaction.
//!
//! Errors are neutral ([`StoreError`]): not found, conflict, unavailable (the database has gone
//! away: retry later) or other.

pub mod accounts;
mod batch;
pub mod changes;
pub mod delivery;
pub mod directory;
pub mod jobs;
pub mod mail;
pub mod reports;
pub mod tickets;

use std::path::Path;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Transaction};

/// Which database a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file in a local data directory.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A storage failure, in terms the layers above can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist, or the viewer may not see it.
    #[error("not found")]
    NotFound,
    /// A unique value is taken, or the row changed meanwhile; the kind says which.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The domain refused the command; the error keeps its kind (invalid, forbidden, state or
    /// transition) for the caller to answer accordingly.
    #[error("{0}")]
    Refused(reglament_domain::DomainError),
    /// The database cannot be reached; nothing was written. Retry later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Anything else.
    #[error("storage error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_) => StoreError::Unavailable(cause_chain(&e)),
            sqlx::Error::Database(db) => {
                if db.is_unique_violation() {
                    StoreError::Conflict(unique_what(db.message()))
                } else if db
                    .code()
                    .as_deref()
                    .is_some_and(|c| unavailable_code(backend_of(db.as_ref()), c))
                {
                    StoreError::Unavailable(database_cause(db.as_ref()))
                } else {
                    StoreError::Other(database_cause(db.as_ref()))
                }
            }
            _ => StoreError::Other(cause_chain(&e)),
        }
    }
}

/// An error and each error under it, outermost first, joined by `: ` — the whole story for
/// the log, where `to_string` alone often tells only the outermost part ("error communicating
/// with database" without the reset that caused it).
///
/// # Example
///
/// ```
/// let io = std::io::Error::other("connection reset by peer");
/// let e = sqlx::Error::Io(io);
/// assert_eq!(
///     reglament_store::cause_chain(&e),
///     "error communicating with database: connection reset by peer"
/// );
/// ```
pub fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        // Many errors repeat their source in their own text; say each part once.
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

/// A database's error with its code and the constraint or table it names, when it names one.
fn database_cause(db: &dyn sqlx::error::DatabaseError) -> String {
    let mut out = db.message().to_string();
    if let Some(code) = db.code() {
        out.push_str(&format!(" (code {code}"));
        if let Some(c) = db.constraint() {
            out.push_str(&format!(", constraint {c}"));
        }
        if let Some(t) = db.table() {
            out.push_str(&format!(", table {t}"));
        }
        out.push(')');
    }
    out
}

/// How long a PostgreSQL statement may run: longer than any query of a healthy database, short
/// enough that a stalled one frees its requests well before clients give up.
pub const STATEMENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// How long a request waits for a free connection, or for a new one to open, before it is
/// answered "unavailable".
const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Error codes that mean the database cannot serve now, though the request was fine: retrying
/// later can succeed.
fn unavailable_code(backend: Backend, code: &str) -> bool {
    match backend {
        // PostgreSQL: connection exceptions (08), insufficient resources (53), operator
        // intervention such as a shutdown or a statement timeout (57), and a database that is
        // not there (3D000). Data exceptions (22…) and privileges (42…) are the request's fault.
        Backend::Postgres => {
            code.starts_with("08")
                || code.starts_with("53")
                || code.starts_with("57")
                || code == "3D000"
        }
        // SQLite: busy or locked past the busy timeout, I/O errors, a full disk, a file that
        // cannot be opened (primary result codes 5, 6, 10, 13, 14; extended codes keep them in
        // the low byte).
        Backend::Sqlite => code
            .parse::<u32>()
            .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13 | 14)),
    }
}

/// Which backend raised a database error. Their codes overlap as strings — PostgreSQL's
/// SQLSTATE `22021` read as a SQLite code would be "busy" — so each is read by its own rules.
fn backend_of(db: &dyn sqlx::error::DatabaseError) -> Backend {
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        Backend::Sqlite
    } else {
        Backend::Postgres
    }
}

#[cfg(test)]
mod unavailable_tests {
    use super::{Backend, unavailable_code};

    #[test]
    fn each_backend_reads_only_its_own_codes_as_unavailable() {
        let table = [
            (Backend::Postgres, "08006", true),
            (Backend::Postgres, "53300", true),
            (Backend::Postgres, "57014", true),
            (Backend::Postgres, "57P01", true),
            (Backend::Postgres, "3D000", true),
            // Data exceptions and privileges: the request's fault, not an outage.
            (Backend::Postgres, "22021", false),
            (Backend::Postgres, "22022", false),
            (Backend::Postgres, "22026", false),
            (Backend::Postgres, "22030", false),
            (Backend::Postgres, "42501", false),
            (Backend::Postgres, "23505", false),
            (Backend::Sqlite, "5", true),
            (Backend::Sqlite, "517", true),
            (Backend::Sqlite, "10", true),
            (Backend::Sqlite, "13", true),
            (Backend::Sqlite, "14", true),
            (Backend::Sqlite, "19", false),
            (Backend::Sqlite, "2067", false),
        ];
        for (backend, code, unavailable) in table {
            assert_eq!(
                unavailable_code(backend, code),
                unavailable,
                "{backend:?} {code}"
            );
        }
    }
}

/// A stored value that no longer parses as a domain value is a storage fault, not user input.
impl From<reglament_domain::DomainError> for StoreError {
    fn from(e: reglament_domain::DomainError) -> StoreError {
        StoreError::Other(e.to_string())
    }
}

/// Names the taken value from a backend's unique-violation message, for the user.
fn unique_what(message: &str) -> Conflict {
    for (needle, what) in [
        ("contacts_email", Conflict::ContactEmailTaken),
        ("contacts.email", Conflict::ContactEmailTaken),
        ("agents_email", Conflict::AgentEmailTaken),
        ("agents.email", Conflict::AgentEmailTaken),
        ("organizations_name", Conflict::OrganizationNameTaken),
        ("organizations.name", Conflict::OrganizationNameTaken),
        ("tickets_number", Conflict::TicketNumberTaken),
        ("tickets.number", Conflict::TicketNumberTaken),
        ("journal", Conflict::ChangedMeanwhile),
    ] {
        if message.contains(needle) {
            return what;
        }
    }
    Conflict::ValueTaken
}

/// What a write conflicts with.
///
/// # Example
///
/// ```
/// use reglament_store::Conflict;
///
/// assert_eq!(Conflict::ContactEmailTaken.to_string(), "a contact with this email already exists");
/// assert_eq!(Conflict::ContactEmailTaken.id(), "store-contact-email-taken");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Another write changed the ticket between reading and writing it.
    #[error("the ticket changed meanwhile; reload and try again")]
    ChangedMeanwhile,
    /// A contact has this email address.
    #[error("a contact with this email already exists")]
    ContactEmailTaken,
    /// An agent has this email address.
    #[error("an agent with this email already exists")]
    AgentEmailTaken,
    /// An organization has this name.
    #[error("an organization with this name already exists")]
    OrganizationNameTaken,
    /// A ticket has this number.
    #[error("this ticket number is taken")]
    TicketNumberTaken,
    /// Another unique value is taken.
    #[error("a unique value is taken")]
    ValueTaken,
    /// A ticket linked or merged with itself.
    #[error("a ticket cannot be linked or merged with itself")]
    SameTicket,
    /// Tickets of two organizations linked or merged.
    #[error("tickets of different organizations cannot be linked or merged")]
    OtherOrganization,
    /// An inbound message already read (by another node, or before a crash).
    #[error("the message was read already")]
    MessageRead,
}

impl Conflict {
    /// The id of the message that tells a person about it, in the desk's Fluent files.
    pub fn id(self) -> &'static str {
        match self {
            Conflict::ChangedMeanwhile => "store-changed-meanwhile",
            Conflict::ContactEmailTaken => "store-contact-email-taken",
            Conflict::AgentEmailTaken => "store-agent-email-taken",
            Conflict::OrganizationNameTaken => "store-organization-name-taken",
            Conflict::TicketNumberTaken => "store-ticket-number-taken",
            Conflict::ValueTaken => "store-value-taken",
            Conflict::SameTicket => "store-same-ticket",
            Conflict::OtherOrganization => "store-other-organization",
            Conflict::MessageRead => "store-message-read",
        }
    }
}

/// The result type of storage operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The schema's migrations, embedded at build time from `migrations/`: one set for SQLite and
/// PostgreSQL, applied in order and recorded in `_sqlx_migrations` with their checksums.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The database: a pool and its backend.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// PostgreSQL's `statement_timeout` on every pooled connection, in milliseconds.
    statement_timeout_ms: u128,
    url: String,
    /// On SQLite, the turn of this process's writers.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Which tickets changed, for live pages.
    feed: std::sync::Arc<changes::Feed>,
}

/// A write transaction, holding this process's writer turn on SQLite until it ends.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Commits the transaction and gives up the writer turn.
    pub(crate) async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Store {
    /// Connects to `sqlite:PATH` (the file and its directory are created) or
    /// `postgres://…`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the database cannot be reached; [`StoreError::Other`] for
    /// an unsupported URL.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, STATEMENT_TIMEOUT).await
    }

    /// As [`Store::connect`], with the longest a PostgreSQL statement may run before the
    /// server cancels it — a stalled database then answers "unavailable" instead of holding
    /// the request. SQLite's wait for the write lock is bounded by its busy timeout instead.
    ///
    /// # Errors
    ///
    /// As for [`Store::connect`].
    pub async fn connect_with(url: &str, statement_timeout: std::time::Duration) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            let file = path.split('?').next().unwrap_or(path);
            if let Some(dir) = Path::new(file)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Unavailable(format!(
                        "cannot create the data directory `{}`: {e}",
                        dir.display()
                    ))
                })?;
            }
            (Backend::Sqlite, format!("sqlite://{file}?mode=rwc"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError::Other(format!(
                "database URL `{}` is not supported, expected `sqlite:PATH` or `postgres://…`",
                redact(url)
            )));
        };
        let statement_timeout_ms = statement_timeout.as_millis().max(1);
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            // A SQLite connection is a file handle in this process: testing it with a ping on
            // every acquire is one more hand-off to its thread and tells nothing. A PostgreSQL
            // connection can have died with the server, so it is tested.
            .test_before_acquire(backend == Backend::Postgres)
            .acquire_timeout(ACQUIRE_TIMEOUT);
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            })
        } else {
            let ms = statement_timeout_ms;
            options.after_connect(move |conn, _| {
                Box::pin(async move {
                    use sqlx::Executor;
                    // A statement past the limit is cancelled, and so is a session that
                    // leaves its transaction idle that long — a node cut off mid-transaction
                    // would otherwise hold its row locks until the server noticed it gone.
                    // The server's own keepalive probes notice a vanished node within a
                    // minute rather than the system's default two hours.
                    conn.execute(
                        format!(
                            "SET statement_timeout = {ms}; \
                             SET idle_in_transaction_session_timeout = {ms}; \
                             SET tcp_keepalives_idle = 30; \
                             SET tcp_keepalives_interval = 10; \
                             SET tcp_keepalives_count = 3"
                        )
                        .as_str(),
                    )
                    .await?;
                    Ok(())
                })
            })
        };
        let pool = options
            .connect(&url)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Other(m) => StoreError::Unavailable(m),
                other => other,
            })?;
        Ok(Store {
            pool,
            backend,
            statement_timeout_ms,
            url,
            writer: Default::default(),
            feed: Default::default(),
        })
    }

    /// Opens a second, independent pool on the same database, as another node would.
    ///
    /// # Errors
    ///
    /// As for [`Store::connect`].
    pub async fn clone_as_new_node(&self) -> Result<Store> {
        Store::connect(&self.url).await
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for backend-specific queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the migrations that have not been applied yet, each in its own transaction.
    ///
    /// # Errors
    ///
    /// Any storage error; a failed migration leaves the database as it was before it.
    pub async fn migrate(&self) -> Result<()> {
        self.adopt_earlier_migrations().await?;
        // A migration may rebuild an index of a million tickets: no statement timeout for it.
        let mut conn = self.unbounded().await?;
        let ran = MIGRATOR.run(&mut *conn).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(e) => StoreError::from(e),
            other => StoreError::Other(format!("cannot migrate the database: {other}")),
        });
        self.bounded_again(conn).await?;
        ran?;
        self.ensure_search().await
    }

    /// As [`Store::migrate`], but first asks in one query whether every embedded migration is
    /// applied with its checksum, and then does nothing more: the cheap start a short-lived
    /// process needs (`mail ingest` runs once per message).
    ///
    /// # Errors
    ///
    /// As for [`Store::migrate`].
    pub async fn migrate_if_behind(&self) -> Result<()> {
        let applied: Vec<(i64, Vec<u8>)> =
            match sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
            {
                Ok(rows) => rows,
                // No table yet: a new database.
                Err(_) => return self.migrate().await,
            };
        let current = MIGRATOR.iter().all(|m| {
            applied
                .iter()
                .any(|(v, c)| *v == m.version && c.as_slice() == &*m.checksum)
        });
        if current {
            Ok(())
        } else {
            self.migrate().await
        }
    }

    /// Databases made before the migrations were embedded recorded them in
    /// `schema_migrations`; their versions are entered in `_sqlx_migrations` with the embedded
    /// checksums once, so they are not applied again.
    async fn adopt_earlier_migrations(&self) -> Result<()> {
        use sqlx::migrate::Migrate;
        let Ok(earlier) = sqlx::query_as::<_, (i64,)>("SELECT version FROM schema_migrations")
            .fetch_all(&self.pool)
            .await
        else {
            return Ok(());
        };
        let mut conn = self.pool.acquire().await?;
        conn.ensure_migrations_table()
            .await
            .map_err(|e| StoreError::Other(format!("cannot migrate the database: {e}")))?;
        let known: Vec<(i64,)> = sqlx::query_as("SELECT version FROM _sqlx_migrations")
            .fetch_all(&mut *conn)
            .await?;
        for m in MIGRATOR.iter() {
            let applied = earlier.iter().any(|(v,)| *v == m.version);
            if applied && !known.iter().any(|(v,)| *v == m.version) {
                sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, $2, $3, $4, 0)")
                    .bind(m.version)
                    .bind(m.description.to_string())
                    .bind(true)
                    .bind(m.checksum.to_vec())
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// The longest one piece of work may wait for the database: a connection from the pool,
    /// the statement timeout, and a margin. The client end of a PostgreSQL connection has no
    /// TCP keepalive (sqlx 0.8 cannot set one), so a server that vanished without closing the
    /// connection would otherwise be waited for indefinitely.
    pub fn work_limit(&self) -> std::time::Duration {
        ACQUIRE_TIMEOUT
            + std::time::Duration::from_millis(self.statement_timeout_ms as u64)
            + std::time::Duration::from_secs(1)
    }

    /// Runs `work` for at most [`Store::work_limit`], for work that no request deadline
    /// bounds: timers, the outbox, mail polling, the command line.
    ///
    /// # Errors
    ///
    /// `work`'s own, or [`StoreError::Unavailable`] when the limit passes first; the work is
    /// then dropped, and its transaction with it.
    pub async fn within_limit<T, E: From<StoreError>>(
        &self,
        work: impl std::future::Future<Output = std::result::Result<T, E>>,
    ) -> std::result::Result<T, E> {
        let limit = self.work_limit();
        match tokio::time::timeout(limit, work).await {
            Ok(done) => done,
            Err(_) => Err(StoreError::Unavailable(format!(
                "the database did not answer within {} s",
                limit.as_secs()
            ))
            .into()),
        }
    }

    /// Whether the database answers.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when it does not.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A connection with no statement timeout, for work that may run long; give it back with
    /// [`Store::bounded_again`].
    async fn unbounded(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET statement_timeout = 0")
                .execute(&mut *conn)
                .await?;
        }
        Ok(conn)
    }

    /// Puts the statement timeout back on a connection from [`Store::unbounded`] before it
    /// returns to the pool.
    async fn bounded_again(&self, mut conn: sqlx::pool::PoolConnection<Any>) -> Result<()> {
        if self.backend == Backend::Postgres {
            let set = format!("SET statement_timeout = {}", self.statement_timeout_ms);
            if let Err(e) = sqlx::query(&set).execute(&mut *conn).await {
                // A connection that cannot be bounded again must not serve anyone else.
                conn.detach();
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a write transaction. On SQLite it takes the write lock first: a deferred
    /// transaction that reads and then writes fails with "database is locked" when another
    /// writer is active, instead of waiting its turn.
    pub(crate) async fn begin(&self) -> Result<WriteTx> {
        // SQLite has one writer at a time. Writers of this process queue here, in order, instead
        // of polling the file lock with SQLite's busy handler, which sleeps between tries.
        // Other processes (the CLI, a backup) still meet the file lock and its busy timeout.
        let guard = self.writer_turn().await;
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Sqlite {
            sqlx::query("INSERT INTO counters (name, value) VALUES ('write_lock', 0) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1")
                .execute(&mut *tx)
                .await?;
        }
        Ok(WriteTx { tx, _guard: guard })
    }

    /// As [`Store::begin`], reserving values of named counters as the transaction's first
    /// statement (see [`reserve`]); on SQLite that write is what takes the write lock, so the
    /// transaction costs no statement of its own.
    pub(crate) async fn begin_reserving(
        &self,
        counts: &[(&str, i64)],
    ) -> Result<(WriteTx, Vec<i64>)> {
        let guard = self.writer_turn().await;
        let mut tx = self.pool.begin().await?;
        let firsts = reserve(&mut tx, counts).await?;
        Ok((WriteTx { tx, _guard: guard }, firsts))
    }

    /// This process's writer turn on SQLite (none is needed on PostgreSQL).
    async fn writer_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.clone().lock_owned().await),
            Backend::Postgres => None,
        }
    }
}

/// The upsert that adds to named counters, for `rows` `(name, n)` pairs.
pub(crate) fn add_to_counters_sql(rows: usize) -> String {
    format!(
        "INSERT INTO counters (name, value) VALUES {} ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value",
        placeholders(rows, 2)
    )
}

/// The next value of a named counter, inside a transaction. Used for ids and ticket numbers, so
/// that both backends allocate them the same way.
pub(crate) async fn next_value(tx: &mut Transaction<'static, Any>, name: &str) -> Result<i64> {
    // One atomic upsert: concurrent first uses of a counter must not both insert it.
    let (v,): (i64,) = sqlx::query_as(
        "INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(name)
    .fetch_one(&mut **tx)
    .await?;
    Ok(v)
}

/// Reserves `n` consecutive values of each named counter in one statement, and returns the
/// first value of each range in the order asked (0 for a count of 0, which reserves nothing).
/// The rows are locked in name order, so two transactions reserving the same counters cannot
/// deadlock on PostgreSQL.
pub(crate) async fn reserve(
    tx: &mut Transaction<'static, Any>,
    counts: &[(&str, i64)],
) -> Result<Vec<i64>> {
    let mut asked: Vec<(&str, i64)> = counts.iter().copied().filter(|(_, n)| *n > 0).collect();
    if asked.is_empty() {
        return Ok(vec![0; counts.len()]);
    }
    asked.sort_unstable();
    let sql = format!("{} RETURNING name, value", add_to_counters_sql(asked.len()));
    let mut q = sqlx::query_as::<_, (String, i64)>(&sql);
    for (name, n) in &asked {
        q = q.bind(*name).bind(*n);
    }
    let lasts = q.fetch_all(&mut **tx).await?;
    counts
        .iter()
        .map(|(name, n)| {
            if *n <= 0 {
                return Ok(0);
            }
            lasts
                .iter()
                .find(|(got, _)| got == name)
                .map(|(_, last)| last - n + 1)
                .ok_or_else(|| StoreError::Other(format!("counter {name} was not reserved")))
        })
        .collect()
}

/// `($1, $2, …), (…)`: the placeholders of a multi-row `VALUES` of `rows` rows of `cols` values.
pub(crate) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Writes a consistent snapshot of a SQLite database to a new file (`VACUUM INTO`), while
    /// other connections keep reading and writing.
    ///
    /// # Errors
    ///
    /// [`StoreError::Other`] on PostgreSQL (use `pg_dump`) or when the file cannot be written.
    pub async fn backup_sqlite(&self, path: &Path) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Other(
                "snapshots are for SQLite; use pg_dump for PostgreSQL".into(),
            ));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Other("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// Runs one raw statement, for administration such as creating a test database.
///
/// # Errors
///
/// Any storage error.
pub async fn raw_execute(store: &Store, sql: &str) -> Result<()> {
    sqlx::query(sql).execute(&store.pool).await?;
    Ok(())
}

/// As [`raw_execute`], with no statement timeout: for maintenance that may run long, such as
/// filling a benchmark database.
///
/// # Errors
///
/// Any storage error.
pub async fn raw_execute_unbounded(store: &Store, sql: &str) -> Result<()> {
    let mut conn = store.unbounded().await?;
    let done = sqlx::query(sql).execute(&mut *conn).await;
    store.bounded_again(conn).await?;
    done?;
    Ok(())
}
