//! Vacuum: reclaiming versions that no snapshot can see any more.
//!
//! A version is **dead** when its deleter committed with an id below the horizon (the oldest
//! snapshot `xmin` in use, see `manager.rs`): every present and future snapshot includes the
//! deletion, so nobody can see the version again. Versions of aborted transactions never need
//! vacuum: abort removes them itself (`undo.rs`).
//!
//! Dead versions are removed in three ways:
//! 1. **On write** (like PostgreSQL's page pruning): before a writer appends to a chain it
//!    prunes that chain, so a row updated again and again keeps a short chain.
//! 2. **After commit**: a committed transaction's ended rows go into a queue; once the queue
//!    is long enough, the committing session prunes the entries whose deleter is below the
//!    horizon (rows deleted and never written again are reclaimed this way).
//! 3. **`VACUUM`**: a full pass over a table or all tables.
//!
//! Pruning also drops index entries that only dead versions needed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use crate::error::TxnId;
use crate::storage::{PruneLosses, Table, TableData, TableId, Version, NO_TXN};
use crate::types::Key;

use super::lock_manager::{GapEnd, IndexId, LockTarget};
use super::manager::TxnManager;
use super::two_phase_locking::entry_key;
use super::visibility::TxnStatus;
use super::Engine;

/// How many queued rows make a committing session run the queue.
const QUEUE_RUN_THRESHOLD: usize = 512;

/// Whether `version` is dead with respect to `horizon`.
pub fn is_dead(version: &Version, horizon: TxnId, manager: &TxnManager) -> bool {
    version.xmax != NO_TXN && version.xmax < horizon && matches!(manager.status(version.xmax), TxnStatus::Committed(_))
}

/// Prunes the dead versions of one chain of table `table`. Returns how many were removed.
///
/// A key, or a secondary-index entry, that someone has locked (or whose gap someone has
/// locked) is not removed: two-phase locking's gap locks are named by the entry that ends the
/// gap, and removing it would silently widen the gap under them. The chain is pruned later.
pub fn prune_chain(table: TableId, data: &mut TableData, key: &Key, horizon: TxnId, engine: &Engine) -> usize {
    let dead = |v: &Version| is_dead(v, horizon, &engine.manager);
    let locks = &engine.locks;
    let gap = |index, entry| LockTarget::Gap { table, index, before: GapEnd::Key(entry) };
    // Asked only when the key or an index entry would go: a row whose indexed values did not
    // change loses neither, and is pruned without looking at the lock table.
    let unpinned = |losses: &PruneLosses| {
        let key_pinned = losses.chain_goes
            && (locks.has_locks(&LockTarget::Row { table, key: key.clone() })
                || locks.has_locks(&gap(IndexId::Primary, key.clone())));
        let entry_pinned = losses.entries.iter().any(|(position, entry)| {
            let index = IndexId::Secondary(*position as u32);
            let entry = entry_key(entry);
            locks.has_locks(&LockTarget::IndexRecord { table, index, entry: entry.clone() })
                || locks.has_locks(&gap(index, entry))
        });
        !key_pinned && !entry_pinned
    };
    data.prune(key, dead, unpinned)
}

/// Prunes every chain of `table`. Returns how many versions were removed.
pub fn vacuum_table(table: &Table, engine: &Engine) -> usize {
    let manager = &engine.manager;
    let horizon = manager.horizon();
    let keys: Vec<Key> = table
        .read()
        .rows()
        .iter()
        .filter(|(_, chain)| chain.versions.iter().any(|v| is_dead(v, horizon, manager)))
        .map(|(k, _)| k.into_owned())
        .collect();
    let mut data = table.write();
    keys.iter().map(|k| prune_chain(table.id, &mut data, k, horizon, engine)).sum()
}

struct Pending {
    table: Weak<Table>,
    key: Key,
    deleter: TxnId,
}

/// Rows whose versions were ended by committed transactions, waiting for the horizon to pass.
#[derive(Default)]
pub struct VacuumQueue {
    pending: Mutex<Vec<Pending>>,
    /// The horizon as last computed: a lower bound of the true one, for pruning on write.
    horizon: AtomicU64,
}

impl std::fmt::Debug for VacuumQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VacuumQueue").field("pending", &self.pending.lock().len()).finish()
    }
}

impl VacuumQueue {
    /// Queues the rows a committed transaction `deleter` ended (the queue's lock is not taken
    /// when there are none).
    pub fn push<'a>(&self, deleter: TxnId, rows: impl Iterator<Item = (&'a Arc<Table>, &'a Key)>) {
        let mut rows = rows.peekable();
        if rows.peek().is_none() {
            return;
        }
        let mut pending = self.pending.lock();
        pending.extend(rows.map(|(t, k)| Pending { table: Arc::downgrade(t), key: k.clone(), deleter }));
    }

    /// Records `horizon`, the horizon right after a transaction ended, and runs the queue if
    /// it is long.
    pub fn after_transaction_end(&self, engine: &Engine, horizon: TxnId) {
        self.horizon.store(horizon.0, Ordering::Release);
        if self.pending.lock().len() >= QUEUE_RUN_THRESHOLD {
            self.run(engine);
        }
    }

    /// The last computed horizon (never above the true one).
    pub fn cached_horizon(&self) -> TxnId {
        TxnId(self.horizon.load(Ordering::Acquire))
    }

    /// Prunes every queued row whose deleter is below the horizon; keeps the others.
    /// Returns how many versions were removed.
    pub fn run(&self, engine: &Engine) -> usize {
        let horizon = engine.manager.horizon();
        let ready: Vec<Pending> = {
            let mut pending = self.pending.lock();
            let (ready, waiting): (Vec<_>, Vec<_>) = pending.drain(..).partition(|p| p.deleter < horizon);
            *pending = waiting;
            ready
        };
        let mut removed = 0;
        for p in ready {
            if let Some(table) = p.table.upgrade() {
                removed += prune_chain(table.id, &mut table.write(), &p.key, horizon, engine);
            }
        }
        removed
    }

    /// How many rows wait in the queue.
    pub fn len(&self) -> usize {
        self.pending.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
