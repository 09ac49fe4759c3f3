//! Snapshots in the PostgreSQL manner.
//!
//! A snapshot is taken from the set of running transactions at one instant:
//!
//! ```text
//!   ids:   ... 3   4   5   6   7   8   9 | 10 ...
//!              ^xmin       ^   ^         ^xmax (next id to be assigned)
//!                          running: {4, 6, 7}      (4 is xmin: the oldest running)
//! ```
//!
//! A transaction's effects are *included* in the snapshot iff its id is below `xmax` and it was
//! not running when the snapshot was taken: it had then already ended, and if it committed its
//! writes are visible. Ids below `xmin` are all included without looking at the list.
//!
//! [`Snapshot::LATEST`] includes every transaction: a locking reader (TWO PHASE LOCKING) uses
//! it, so that the status table alone decides what it sees.

use crate::error::TxnId;

/// Which transactions' effects a reader sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Every id below this one had ended when the snapshot was taken.
    pub xmin: TxnId,
    /// The first id not yet assigned when the snapshot was taken.
    pub xmax: TxnId,
    /// The transactions running when the snapshot was taken, sorted (xmin <= each < xmax).
    pub running: Vec<TxnId>,
}

impl Snapshot {
    /// The snapshot a locking reader (TWO PHASE LOCKING) uses: every transaction included, so
    /// that the status table alone decides: the latest committed version (or the reader's own)
    /// is the one seen.
    pub const LATEST: Snapshot = Snapshot { xmin: TxnId(u64::MAX), xmax: TxnId(u64::MAX), running: Vec::new() };

    /// Whether this is [`Snapshot::LATEST`].
    pub fn is_latest(&self) -> bool {
        *self == Snapshot::LATEST
    }

    /// Whether `txn` had ended when the snapshot was taken, so that its effects count (if it
    /// committed).
    pub fn includes(&self, txn: TxnId) -> bool {
        if txn < self.xmin {
            return true;
        }
        txn < self.xmax && self.running.binary_search(&txn).is_err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_ended_transactions_only() {
        let s = Snapshot { xmin: TxnId(4), xmax: TxnId(10), running: vec![TxnId(4), TxnId(6), TxnId(7)] };
        let included: Vec<u64> = (1..12).filter(|&i| s.includes(TxnId(i))).collect();
        assert_eq!(included, vec![1, 2, 3, 5, 8, 9]);
    }
}
