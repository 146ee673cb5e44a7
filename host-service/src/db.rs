//! The one place that owns SQLite connections.
//!
//! * **Writes** go to a dedicated writer thread that owns the only read-write connection. It
//!   takes every job waiting in its queue, runs them inside one `BEGIN IMMEDIATE` transaction
//!   (each in its own `SAVEPOINT`, so a failing job rolls back only itself), `COMMIT`s once and only
//!   then answers every job. This is group commit: 16 concurrent reports cost one fsync, there is
//!   never a second writer to get `SQLITE_BUSY`, and a caller (so an HTTP `201`) hears "done" only
//!   after the data is durable (`synchronous=FULL`).
//! * **Reads** use a small pool of read-only connections inside `spawn_blocking`; in WAL mode they
//!   never block the writer nor wait for it.
//! * **Migrations** are SQL files embedded in the binary, versioned by `PRAGMA user_version` and
//!   applied when the database is opened.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

/// The embedded migrations; the N-th entry brings the schema to `user_version` N+1.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_open311.sql"),
    include_str!("../migrations/0003_map.sql"),
    include_str!("../migrations/0004_sso.sql"),
    include_str!("../migrations/0005_cabinet_indexes.sql"),
    include_str!("../migrations/0006_map_months.sql"),
    include_str!("../migrations/0007_deadlines.sql"),
    include_str!("../migrations/0008_mail.sql"),
    include_str!("../migrations/0009_agencies.sql"),
    include_str!("../migrations/0010_photos.sql"),
    include_str!("../migrations/0011_control.sql"),
    include_str!("../migrations/0012_mail_channel.sql"),
    include_str!("../migrations/0013_support_email.sql"),
    include_str!("../migrations/0014_analyst.sql"),
    include_str!("../migrations/0015_working_days.sql"),
    include_str!("../migrations/0016_answer_templates.sql"),
    include_str!("../migrations/0017_merge.sql"),
    include_str!("../migrations/0018_districts.sql"),
    include_str!("../migrations/0019_stats.sql"),
    include_str!("../migrations/0020_district_list.sql"),
];

/// How long a connection waits for a lock held by another process (e.g. the `site add`
/// command run while the server is up) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read-only connections: at most this many reads run at once, each on a connection kept for
/// reuse. A read beyond them waits for one; opening a connection per read instead (parsing the
/// whole schema each time) was most of a report's cost under load.
const READERS: usize = 8;

/// Prepared statements each connection keeps (rusqlite's default is 16; the report's path
/// alone uses about ten on the writer).
const STATEMENT_CACHE: usize = 128;

/// At most this many jobs share one transaction, so one commit never grows without bound.
const MAX_BATCH: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The batch this job was part of failed to commit; nothing of it was stored.
    #[error("commit failed: {0}")]
    Commit(String),
    /// The writer thread is gone (the job panicked, or the service is shutting down).
    #[error("database writer unavailable")]
    WriterGone,
    #[error("blocking task failed: {0}")]
    Join(String),
}

/// What the writer calls once the batch's fate is known: `None` means committed.
type Finish = Box<dyn FnOnce(Option<&str>) + Send>;
/// A queued write. `None` means the transaction could not even begin.
type Job = Box<dyn FnOnce(Option<&mut Transaction<'_>>) -> Finish + Send>;

/// A handle to the database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<mpsc::Sender<Job>>,
    readers: Mutex<Vec<Connection>>,
    /// One permit per reader connection ([`READERS`]).
    read_slots: Arc<tokio::sync::Semaphore>,
    /// Jobs sent to the writer and not yet taken into a transaction (`/metrics`).
    queued: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens (creating if needed) the database at `path`, applies pending migrations and starts
    /// the writer thread.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        // WAL is a property of the database file; setting it once on the writer is enough.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        anyhow::ensure!(
            mode.eq_ignore_ascii_case("wal"),
            "could not switch {path:?} to WAL, got {mode}"
        );
        migrate(&mut conn)?;

        let (tx, rx) = mpsc::channel::<Job>();
        let queued = Arc::new(AtomicUsize::new(0));
        let taken = queued.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx, &taken))?;
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                writer: Mutex::new(tx),
                readers: Mutex::new(Vec::new()),
                read_slots: Arc::new(tokio::sync::Semaphore::new(READERS)),
                queued,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Write jobs waiting for the writer thread right now.
    pub fn queue_depth(&self) -> usize {
        self.inner.queued.load(Ordering::Relaxed)
    }

    /// Runs `job` in the next write transaction and returns its result once that transaction
    /// has committed. An `Err` from the job rolls back only the job's own changes.
    pub async fn write<T, E, F>(&self, job: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |txn| {
            let Some(txn) = txn else {
                return Box::new(move |err: Option<&str>| {
                    let msg = err.unwrap_or("could not begin a transaction").to_owned();
                    let _ = reply.send(Err(DbError::Commit(msg).into()));
                });
            };
            let conn: &Connection = txn;
            let outcome = match run_cached(conn, "SAVEPOINT job") {
                Err(e) => Err(E::from(DbError::from(e))),
                Ok(()) => {
                    // A panicking job must not take the writer thread down with it.
                    match catch_unwind(AssertUnwindSafe(|| job(conn))) {
                        Ok(Ok(value)) => match run_cached(conn, "RELEASE job") {
                            Ok(()) => Ok(value),
                            Err(e) => Err(E::from(DbError::from(e))),
                        },
                        Ok(Err(e)) => {
                            roll_back_job(conn);
                            Err(e)
                        }
                        Err(_) => {
                            roll_back_job(conn);
                            tracing::error!(
                                "a database job panicked; its changes were rolled back"
                            );
                            Err(E::from(DbError::WriterGone))
                        }
                    }
                }
            };
            Box::new(move |commit_error: Option<&str>| {
                let result = match (outcome, commit_error) {
                    (Ok(_), Some(msg)) => Err(E::from(DbError::Commit(msg.to_owned()))),
                    (outcome, _) => outcome,
                };
                let _ = reply.send(result);
            })
        });
        self.inner.queued.fetch_add(1, Ordering::Relaxed);
        let sent = match self.inner.writer.lock() {
            Ok(writer) => writer.send(job).is_ok(),
            Err(_) => false,
        };
        if !sent {
            self.inner.queued.fetch_sub(1, Ordering::Relaxed);
            return Err(DbError::WriterGone.into());
        }
        answer.await.map_err(|_| E::from(DbError::WriterGone))?
    }

    /// Runs `query` on a read-only connection in the blocking pool.
    pub async fn read<T, E, F>(&self, query: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        let slot = self
            .inner
            .read_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| E::from(DbError::Join(e.to_string())))?;
        tokio::task::spawn_blocking(move || {
            let conn = db.take_reader().map_err(E::from)?;
            let result = query(&conn);
            db.give_back(conn);
            drop(slot);
            result
        })
        .await
        .map_err(|e| E::from(DbError::Join(e.to_string())))?
    }

    fn take_reader(&self) -> Result<Connection, DbError> {
        if let Some(conn) = self
            .inner
            .readers
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
        {
            return Ok(conn);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&self.inner.path, flags)?;
        configure(&conn)?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut pool) = self.inner.readers.lock()
            && pool.len() < READERS
        {
            pool.push(conn);
        }
    }
}

/// Runs a statement without parameters through the connection's statement cache: each job's
/// savepoint is two or three of these, and parsing them anew for every report cost the writer
/// more than the report's own rows.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// Undoes a failed job's changes and ends its savepoint; the batch's other jobs stay.
fn roll_back_job(conn: &Connection) {
    if let Err(e) =
        run_cached(conn, "ROLLBACK TO job").and_then(|()| run_cached(conn, "RELEASE job"))
    {
        tracing::error!(error = %e, "could not roll a failed job back");
    }
}

/// Per-connection settings the SECURITY.md rules ask for.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let current: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    anyhow::ensure!(
        current <= MIGRATIONS.len(),
        "the database has schema version {current}, newer than this binary ({})",
        MIGRATIONS.len()
    );
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let version = index + 1;
        let txn = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        txn.execute_batch(sql)?;
        txn.pragma_update(None, "user_version", version as i64)?;
        txn.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

fn writer_loop(mut conn: Connection, jobs: mpsc::Receiver<Job>, queued: &AtomicUsize) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        queued.fetch_sub(batch.len(), Ordering::Relaxed);
        let mut finishers = Vec::with_capacity(batch.len());
        let commit_error = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(mut txn) => {
                for job in batch {
                    finishers.push(job(Some(&mut txn)));
                }
                txn.commit().err().map(|e| e.to_string())
            }
            Err(e) => {
                let msg = e.to_string();
                for job in batch {
                    finishers.push(job(None));
                }
                Some(msg)
            }
        };
        if let Some(msg) = &commit_error {
            tracing::error!(error = %msg, jobs = finishers.len(), "write transaction failed");
        }
        // Answer only now: whoever waits on a job learns its outcome after COMMIT returned.
        for finish in finishers {
            finish(commit_error.as_deref());
        }
    }
}

/// The current time as unix seconds, the unit of every timestamp in the database.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
