//! Transactions: ids, status, snapshots, visibility, locks and the concurrency-control schemes.
//!
//! ```text
//!   manager.rs             ids, running set, status table + commit order, snapshots, horizon
//!   snapshot.rs            which transactions' effects a snapshot includes
//!   visibility.rs          does a reader see a version? (one pure function, property-tested)
//!   lock_manager.rs        every wait: row locks, "wait for transaction T", deadlock detection
//!   interrupt.rs           cancelling a running statement (57014): the flag its loops check
//!   transaction.rs         one transaction: statements, savepoints, commit, abort
//!   read.rs                scans and probes through a snapshot
//!   write.rs               insert / lock / update / delete, unique checks
//!   read_committed.rs      what a READ COMMITTED writer does with a row changed under it
//!   snapshot_isolation.rs  first-updater-wins for SNAPSHOT writers
//!   two_phase_locking.rs   strict 2PL: next-key locks on every read, insert intentions
//!   ssi/, serializable.rs  SSI: SIREAD markers, rw-antidependencies, dangerous structures
//!   undo.rs                the undo log that abort and ROLLBACK TO replay
//!   vacuum.rs              reclaiming versions no snapshot can see
//! ```
//!
//! `txn` sees no SQL: the executor calls [`Transaction`]'s methods with tables, keys and rows.

mod deadlock;
pub mod describe;
pub mod interrupt;
pub mod lock_manager;
pub mod manager;
mod read;
mod read_committed;
mod serializable;
pub mod snapshot;
mod snapshot_isolation;
pub mod ssi;
mod transaction;
mod two_phase_locking;
mod undo;
pub mod vacuum;
pub mod visibility;
mod write;

use std::fmt;
use std::sync::Arc;

pub use interrupt::Interrupt;
pub use lock_manager::{HeldLock, LockManager, LockMode, LockTarget, LockWait, WaitPolicy};
pub use manager::TxnManager;
pub use read::{IndexScan, ScanRange, TableScan, VisibleRow};
pub use snapshot::Snapshot;
pub use transaction::{Savepoint, Transaction, TxnOptions};
pub use two_phase_locking::StatementIntent;
pub use visibility::{Explanation, TxnStatus};
pub use write::{Locked, RowLockMode};

use crate::storage::Catalog;

/// The concurrency-control scheme of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    /// PostgreSQL's READ COMMITTED: a snapshot per statement; writers wait for concurrent
    /// writers and re-check their WHERE clause on the newest version.
    ReadCommitted,
    /// Snapshot isolation (PostgreSQL's REPEATABLE READ): one snapshot per transaction;
    /// first updater wins.
    Snapshot,
    /// Strict two-phase locking with index-range (next-key) locks and deadlock detection.
    TwoPhaseLocking,
    /// Serializable snapshot isolation: snapshot isolation plus detection of dangerous
    /// structures of rw-antidependencies.
    Serializable,
}

impl IsolationLevel {
    /// The name `SHOW transaction_isolation` prints.
    pub fn name(self) -> &'static str {
        match self {
            IsolationLevel::ReadCommitted => "read committed",
            IsolationLevel::Snapshot => "repeatable read",
            IsolationLevel::TwoPhaseLocking => "two phase locking",
            IsolationLevel::Serializable => "serializable",
        }
    }

    /// A short label for prompts and tables.
    pub fn short_name(self) -> &'static str {
        match self {
            IsolationLevel::ReadCommitted => "RC",
            IsolationLevel::Snapshot => "SI",
            IsolationLevel::TwoPhaseLocking => "2PL",
            IsolationLevel::Serializable => "SSI",
        }
    }
}

impl fmt::Display for IsolationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The transaction machinery one database shares: the manager, the lock manager, the vacuum
/// queue and the SSI conflict tracker.
#[derive(Debug)]
pub struct Engine {
    pub manager: TxnManager,
    pub locks: LockManager,
    pub vacuum: vacuum::VacuumQueue,
    pub ssi: ssi::SsiTracker,
    /// Makes "take a snapshot, register with the SSI tracker" and "pre-commit check, commit,
    /// tell the tracker" atomic with respect to each other for SERIALIZABLE transactions, so
    /// that the tracker never frees a transaction a new snapshot still overlaps, never misjudges
    /// who started or committed before whom, and never lets two commits check each other
    /// half-way.
    pub(crate) ssi_sequence: parking_lot::Mutex<()>,
}

impl Engine {
    /// The engine of a database whose tables are in `catalog` (lock descriptions name them).
    pub fn new(catalog: Arc<Catalog>) -> Arc<Engine> {
        let describe = Box::new(move |target: &LockTarget| describe::lock_target(&catalog, target));
        Arc::new(Engine {
            manager: TxnManager::new(),
            locks: LockManager::new(describe),
            vacuum: vacuum::VacuumQueue::default(),
            ssi: ssi::SsiTracker::new(),
            ssi_sequence: parking_lot::Mutex::new(()),
        })
    }
}
