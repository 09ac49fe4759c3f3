//! [`Database`]: the shared handle to one store, and the introspection the shell and the
//! anomaly suite read (sessions, lock waits, held locks, version counts).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::Mutex;

use crate::conn::{Connection, SessionInfo, SessionShared, StatementCache, Transaction};
use crate::error::{ConflictEdge, Error, Result, TxnId};
use crate::storage::Catalog;
use crate::txn::{vacuum, Engine, HeldLock, IsolationLevel, LockWait};
use crate::types::TableSchema;

/// How many times [`Database::run_transaction`] tries a transaction that keeps failing with a
/// retryable error.
pub const MAX_TRANSACTION_ATTEMPTS: u32 = 10;

/// How many statement caches [`Database::run_transaction`] keeps between calls: one per thread
/// that calls it at once, up to this many.
const KEPT_STATEMENT_CACHES: usize = 16;

/// A database. Cheap to clone; clones share one store. `Send + Sync`.
#[derive(Clone)]
pub struct Database {
    pub(crate) inner: Arc<DbInner>,
}

pub(crate) struct DbInner {
    pub catalog: Arc<Catalog>,
    pub engine: Arc<Engine>,
    sessions: Mutex<BTreeMap<u64, Weak<SessionShared>>>,
    next_session: AtomicU64,
    /// Statement caches of finished [`Database::run_transaction`] calls, for the next ones.
    statement_caches: Mutex<Vec<StatementCache>>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").finish_non_exhaustive()
    }
}

impl Database {
    /// A new, empty database that lives in memory.
    pub fn open_in_memory() -> Database {
        let catalog = Arc::new(Catalog::new());
        let engine = Engine::new(catalog.clone());
        Database {
            inner: Arc::new(DbInner {
                catalog,
                engine,
                sessions: Mutex::new(BTreeMap::new()),
                next_session: AtomicU64::new(1),
                statement_caches: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Opens a new session.
    pub fn connect(&self) -> Connection {
        self.connect_with(StatementCache::default())
    }

    fn connect_with(&self, cache: StatementCache) -> Connection {
        let id = self.inner.next_session.fetch_add(1, Ordering::Relaxed);
        let shared = Arc::new(SessionShared::new(id));
        self.inner.sessions.lock().insert(id, Arc::downgrade(&shared));
        Connection::new(self.clone(), shared, cache)
    }

    pub(crate) fn forget_session(&self, id: u64) {
        self.inner.sessions.lock().remove(&id);
    }

    /// Runs `body` in a transaction at `level` and commits it, retrying the whole transaction
    /// when it fails with a retryable error (serialization failure 40001, deadlock 40P01), up
    /// to [`MAX_TRANSACTION_ATTEMPTS`] times with exponential backoff. Every application of
    /// snapshot isolation or SSI needs this loop.
    pub fn run_transaction<T>(
        &self,
        level: IsolationLevel,
        mut body: impl FnMut(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        // A session of its own, with a statement cache kept from an earlier call: the same
        // transaction run again and again is not parsed and planned again each time.
        let cache = self.inner.statement_caches.lock().pop().unwrap_or_default();
        let mut conn = self.connect_with(cache);
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            let tx = match conn.transaction(level) {
                Ok(tx) => tx,
                Err(e) => break Err(e),
            };
            let result = body(&tx).and_then(|value| tx.commit().map(|()| value));
            match result {
                Err(e) if e.is_retryable() && attempt < MAX_TRANSACTION_ATTEMPTS => {
                    std::thread::sleep(backoff(attempt));
                }
                other => break other,
            }
        };
        let mut caches = self.inner.statement_caches.lock();
        if caches.len() < KEPT_STATEMENT_CACHES {
            caches.push(conn.take_statement_cache());
        }
        result
    }

    /// Every open session, by id.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        let sessions = self.inner.sessions.lock();
        sessions.values().filter_map(Weak::upgrade).map(|s| s.info()).collect()
    }

    /// The session running transaction `txn`, if any.
    pub fn session_of(&self, txn: TxnId) -> Option<SessionInfo> {
        self.sessions().into_iter().find(|s| s.txn == Some(txn))
    }

    /// Every transaction waiting in the lock manager, with what it waits for and whom.
    pub fn lock_waits(&self) -> Vec<LockWait> {
        self.inner.engine.locks.waits()
    }

    /// What transaction `txn` waits for, if it waits.
    pub fn waiting_for(&self, txn: TxnId) -> Option<LockWait> {
        self.inner.engine.locks.waiting_for(txn)
    }

    /// Every granted lock.
    pub fn locks_held(&self) -> Vec<HeldLock> {
        self.inner.engine.locks.held()
    }

    /// The rw-antidependencies the SSI tracker currently knows, between SERIALIZABLE
    /// transactions (running, or committed and still overlapping a running one).
    pub fn rw_edges(&self) -> Vec<ConflictEdge> {
        self.inner.engine.ssi.edges()
    }

    /// Whether the SSI tracker holds nothing: no transaction record, SIREAD marker or edge.
    /// True whenever no SERIALIZABLE transaction runs and none that ran overlaps a running one.
    pub fn ssi_is_idle(&self) -> bool {
        self.inner.engine.ssi.is_idle()
    }

    /// The running transactions, in id order.
    pub fn running_transactions(&self) -> Vec<TxnId> {
        self.inner.engine.manager.running()
    }

    /// The names of every table, sorted.
    pub fn table_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.inner.catalog.snapshot().tables().map(|t| t.name()).collect();
        names.sort();
        names
    }

    /// The schema of table `name`: columns, primary key, indexes (for `\d` and completion).
    pub fn table_schema(&self, name: &str) -> Result<Arc<TableSchema>> {
        let catalog = self.inner.catalog.snapshot();
        let table = catalog.table(name).ok_or_else(|| Error::UndefinedTable(name.to_string()))?;
        Ok(table.schema())
    }

    /// How many row versions (live and dead) table `name` holds.
    pub fn version_count(&self, name: &str) -> Result<usize> {
        let catalog = self.inner.catalog.snapshot();
        let table = catalog.table(name).ok_or_else(|| Error::UndefinedTable(name.to_string()))?;
        let count = table.read().version_count();
        Ok(count)
    }

    /// Removes every version no snapshot can see any more, in every table (or in `table`).
    /// Returns how many versions were removed.
    pub fn vacuum(&self, table: Option<&str>) -> Result<usize> {
        let engine = &self.inner.engine;
        let catalog = self.inner.catalog.snapshot();
        let mut removed = engine.vacuum.run(engine);
        match table {
            Some(name) => {
                let t = catalog.table(name).ok_or_else(|| Error::UndefinedTable(name.to_string()))?;
                removed += vacuum::vacuum_table(t, engine);
            }
            None => {
                for t in catalog.tables() {
                    removed += vacuum::vacuum_table(t, engine);
                }
            }
        }
        Ok(removed)
    }
}

/// The pause before retry number `attempt + 1`: 1 ms doubling to at most 64 ms, with a spread
/// derived from the thread so that two conflicting retriers do not stay in step.
fn backoff(attempt: u32) -> Duration {
    let base = 1u64 << attempt.min(6);
    let spread = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::thread::current().id().hash(&mut h);
        attempt.hash(&mut h);
        h.finish() % 1000
    };
    Duration::from_micros(base * 1000 + spread * base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_transaction_keeps_its_statement_cache_for_the_next_call() {
        let db = Database::open_in_memory();
        db.connect().execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY)").unwrap();
        let count = |tx: &Transaction<'_>| tx.query_row("SELECT count(*) FROM t", (), |r| r.get::<i64>(0));
        assert_eq!(db.run_transaction(IsolationLevel::Snapshot, count).unwrap(), 0);
        let cached = |db: &Database| {
            let caches = db.inner.statement_caches.lock();
            caches.iter().map(|c| c.get("SELECT count(*) FROM t").map(Arc::clone)).collect::<Vec<_>>()
        };
        let first = cached(&db);
        assert!(matches!(first.as_slice(), [Some(_)]), "one cache, holding the statement");
        // The next call takes that cache: the same prepared statement, not a new one.
        db.run_transaction(IsolationLevel::Snapshot, |tx| tx.execute("INSERT INTO t VALUES (1)", ())).unwrap();
        assert_eq!(db.run_transaction(IsolationLevel::Snapshot, count).unwrap(), 1);
        let again = cached(&db);
        assert!(Arc::ptr_eq(first[0].as_ref().unwrap(), again[0].as_ref().unwrap()));
        // The cache is only statements: the sessions themselves are gone.
        assert!(db.sessions().is_empty());
    }

    #[test]
    fn a_transaction_that_only_reads_never_enters_the_lock_table() {
        let db = Database::open_in_memory();
        db.connect().execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)").unwrap();
        let mut conn = db.connect();
        let tx = conn.transaction(IsolationLevel::Snapshot).unwrap();
        assert_eq!(tx.query("SELECT * FROM t", ()).unwrap().len(), 1);
        assert!(db.inner.engine.locks.is_idle(), "a snapshot reader holds nothing");
        tx.execute("UPDATE t SET id = 2 WHERE id = 1", ()).unwrap();
        assert!(!db.inner.engine.locks.is_idle(), "a writer holds its row lock and the end of its transaction");
        tx.commit().unwrap();
        assert!(db.inner.engine.locks.is_idle());
    }
}
