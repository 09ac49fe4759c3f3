//! The transaction manager: ids, the set of running transactions, the status table, commit
//! order, snapshots and the garbage-collection horizon.
//!
//! One mutex (`registry`) orders the events that snapshots depend on: assigning an id, taking a
//! snapshot, and a transaction leaving the running set at commit or abort. It is held for a few
//! instructions each time, never across a statement.
//!
//! ## The status table
//! `status(t)` answers in progress / committed (with commit order) / aborted. Entries are kept
//! from the oldest running transaction upwards; every id below that base has ended, and is
//! reported as committed: an aborted transaction physically removes its versions (undo)
//! *before* it leaves the running set, so no version of an aborted transaction outlives its
//! entry. That is PostgreSQL's "frozen" idea, and it keeps the table bounded.
//!
//! ## The horizon
//! `horizon()` is the oldest snapshot `xmin` any running transaction uses (or may still take).
//! A version whose deleter committed with an id below the horizon is invisible to every
//! present and future snapshot, so vacuum may remove it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Mutex, RwLock};

use crate::error::TxnId;

use super::snapshot::Snapshot;
use super::visibility::TxnStatus;

/// How far the status table may grow past the oldest running transaction before it is
/// trimmed.
const STATUS_TRIM_SLACK: usize = 4096;

#[derive(Debug)]
struct Registry {
    next_id: u64,
    /// Running transactions, by id, and the `xmin` of the snapshot each uses (its own id until
    /// it takes one). A sorted vector: a new transaction has the largest id, so it goes at the
    /// end, and the set is small (one entry per running transaction), so removal is a short
    /// shift; unlike a map, it allocates nothing once it has grown.
    running: Vec<(TxnId, TxnId)>,
}

impl Registry {
    /// The snapshot of this instant: who runs, and the next id.
    fn snapshot(&self) -> Snapshot {
        let xmax = TxnId(self.next_id);
        let running: Vec<TxnId> = self.running.iter().map(|&(id, _)| id).collect();
        let xmin = running.first().copied().unwrap_or(xmax);
        Snapshot { xmin, xmax, running }
    }

    fn position(&self, txn: TxnId) -> Option<usize> {
        self.running.binary_search_by_key(&txn, |&(id, _)| id).ok()
    }

    fn remove(&mut self, txn: TxnId) {
        if let Some(i) = self.position(txn) {
            self.running.remove(i);
        }
    }

    /// The oldest snapshot `xmin` in use or still possible; see the module documentation.
    fn horizon(&self) -> TxnId {
        self.running.iter().map(|&(_, xmin)| xmin).min().unwrap_or(TxnId(self.next_id))
    }
}

#[derive(Debug)]
struct StatusTable {
    /// Id of `entries[0]`; every id below it has ended and counts as committed.
    base: u64,
    entries: VecDeque<TxnStatus>,
}

/// See the module documentation.
#[derive(Debug)]
pub struct TxnManager {
    registry: Mutex<Registry>,
    status: RwLock<StatusTable>,
    commit_seq: AtomicU64,
}

impl Default for TxnManager {
    fn default() -> Self {
        TxnManager::new()
    }
}

impl TxnManager {
    pub fn new() -> TxnManager {
        TxnManager {
            registry: Mutex::new(Registry { next_id: 1, running: Vec::new() }),
            status: RwLock::new(StatusTable { base: 1, entries: VecDeque::new() }),
            commit_seq: AtomicU64::new(0),
        }
    }

    /// Starts a transaction: assigns the next id and registers it as running.
    pub fn begin(&self) -> TxnId {
        let mut registry = self.registry.lock();
        let id = TxnId(registry.next_id);
        registry.next_id += 1;
        registry.running.push((id, id));
        let mut status = self.status.write();
        debug_assert_eq!(status.base + status.entries.len() as u64, id.0);
        status.entries.push_back(TxnStatus::InProgress);
        id
    }

    /// Takes a snapshot for `reader` (a running transaction) and records its `xmin` for the
    /// horizon.
    pub fn snapshot(&self, reader: TxnId) -> Snapshot {
        let mut registry = self.registry.lock();
        let snapshot = registry.snapshot();
        if let Some(i) = registry.position(reader) {
            registry.running[i].1 = snapshot.xmin;
        }
        snapshot
    }

    /// A snapshot of this instant for an observer that is not a transaction (introspection:
    /// "what would a new statement see"). Nothing is recorded, so the horizon does not wait for
    /// it: read the versions it judges under the table's read lock taken *before* it, so that
    /// vacuum cannot remove one of them in between.
    pub fn unregistered_snapshot(&self) -> Snapshot {
        self.registry.lock().snapshot()
    }

    /// The state of transaction `txn`.
    pub fn status(&self, txn: TxnId) -> TxnStatus {
        let status = self.status.read();
        if txn.0 < status.base {
            return TxnStatus::Committed(0);
        }
        status.entries.get((txn.0 - status.base) as usize).copied().unwrap_or(TxnStatus::InProgress)
    }

    /// Marks `txn` committed and removes it from the running set, atomically with respect to
    /// snapshots. Returns its position in the commit order and the horizon after it left.
    pub fn commit(&self, txn: TxnId) -> (u64, TxnId) {
        let mut registry = self.registry.lock();
        let seq = self.commit_seq.fetch_add(1, Ordering::AcqRel) + 1;
        registry.remove(txn);
        self.set_status_and_trim(&registry, txn, TxnStatus::Committed(seq));
        (seq, registry.horizon())
    }

    /// Marks `txn` aborted. It stays in the running set (invisible to new snapshots) until
    /// [`finish_abort`](Self::finish_abort), after its versions have been removed.
    pub fn mark_aborted(&self, txn: TxnId) {
        let registry = self.registry.lock();
        self.set_status_and_trim(&registry, txn, TxnStatus::Aborted);
    }

    /// Removes an aborted transaction from the running set once its undo is complete. Returns
    /// the horizon after it left.
    pub fn finish_abort(&self, txn: TxnId) -> TxnId {
        let mut registry = self.registry.lock();
        registry.remove(txn);
        registry.horizon()
    }

    /// Sets the status of `txn`, then drops entries below the oldest running transaction if
    /// the table has grown: one write lock of the status table for both.
    fn set_status_and_trim(&self, registry: &Registry, txn: TxnId, value: TxnStatus) {
        let mut status = self.status.write();
        let base = status.base;
        if let Some(slot) = txn.0.checked_sub(base).and_then(|i| status.entries.get_mut(i as usize)) {
            *slot = value;
        }
        let oldest = registry.running.first().map_or(registry.next_id, |(t, _)| t.0);
        if status.entries.len() < STATUS_TRIM_SLACK || oldest <= status.base {
            return;
        }
        let drop = (oldest - status.base) as usize;
        status.entries.drain(..drop);
        status.base = oldest;
    }

    /// The oldest snapshot `xmin` in use or still possible; see the module documentation.
    pub fn horizon(&self) -> TxnId {
        self.registry.lock().horizon()
    }

    /// The running transactions, in id order.
    pub fn running(&self) -> Vec<TxnId> {
        self.registry.lock().running.iter().map(|&(id, _)| id).collect()
    }

    /// How many commits have happened.
    pub fn commit_count(&self) -> u64 {
        self.commit_seq.load(Ordering::Acquire)
    }

    /// Size of the status table, for tests of boundedness.
    pub fn status_table_len(&self) -> usize {
        self.status.read().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_sees_running_set() {
        let m = TxnManager::new();
        let t1 = m.begin();
        let t2 = m.begin();
        m.commit(t1);
        let t3 = m.begin();
        let s = m.snapshot(t3);
        assert_eq!(s.running, vec![t2, t3]);
        assert_eq!(s.xmin, t2);
        assert_eq!(s.xmax, TxnId(4));
        assert!(s.includes(t1) && !s.includes(t2));
        assert_eq!(m.status(t1), TxnStatus::Committed(1));
        assert_eq!(m.status(t2), TxnStatus::InProgress);
    }

    #[test]
    fn an_unregistered_snapshot_does_not_hold_the_horizon() {
        let m = TxnManager::new();
        let t1 = m.begin();
        let t2 = m.begin();
        let s = m.unregistered_snapshot();
        assert_eq!((s.xmin, s.xmax, s.running), (t1, TxnId(3), vec![t1, t2]));
        m.commit(t1);
        // Nobody uses xmin T1 any more: the observer's snapshot does not count.
        assert_eq!(m.horizon(), t2);
        // A transaction's own snapshot does.
        let t3 = m.begin();
        let _ = m.snapshot(t3);
        m.commit(t2);
        assert_eq!(m.horizon(), t2);
    }

    #[test]
    fn horizon_follows_oldest_snapshot() {
        let m = TxnManager::new();
        let t1 = m.begin();
        let t2 = m.begin();
        assert_eq!(m.horizon(), t1);
        m.commit(t1);
        let _ = m.snapshot(t2);
        assert_eq!(m.horizon(), t2);
        m.mark_aborted(t2);
        assert_eq!(m.status(t2), TxnStatus::Aborted);
        m.finish_abort(t2);
        assert_eq!(m.horizon(), TxnId(3));
    }

    #[test]
    fn status_table_stays_bounded() {
        let m = TxnManager::new();
        for _ in 0..20_000 {
            let t = m.begin();
            m.commit(t);
        }
        assert!(m.status_table_len() <= STATUS_TRIM_SLACK);
        assert!(matches!(m.status(TxnId(5)), TxnStatus::Committed(_)));
    }
}
