//! Visibility: does a reader see a row version? One small pure function.
//!
//! A reader is a transaction (`me`), the command id of its current statement (`cid`) and a
//! snapshot. A version is visible iff its creation is visible and its deletion is not:
//!
//! ```text
//!   creation visible  =  xmin == me  ? cmin < cid             (my earlier statements)
//!                                    : snapshot includes xmin and xmin committed
//!   deletion visible  =  xmax unset  ? false
//!                     :  xmax == me  ? cmax < cid
//!                                    : snapshot includes xmax and xmax committed
//! ```
//!
//! Consequences: a transaction sees its own writes from its next statement on, never its own
//! current statement's (no Halloween problem); nothing of a running or aborted transaction is
//! ever seen (no dirty or aborted reads); a committed transaction is seen by a snapshot only if
//! it ended before the snapshot was taken, and then all of its writes are, at once.
//!
//! The function is tested against a brute-force definition over random histories
//! (`tests::matches_brute_force_definition`).

use crate::error::TxnId;
use crate::storage::{Version, NO_TXN};

use super::snapshot::Snapshot;

/// The state of a transaction in the status table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnStatus {
    InProgress,
    /// Committed, with its position in the global commit order (1, 2, ...).
    Committed(u64),
    Aborted,
}

/// Who is reading: a transaction, its current statement and its snapshot.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub me: TxnId,
    pub cid: u32,
    pub snapshot: &'a Snapshot,
}

/// Whether `reader` sees `version`. `status` reports a transaction's state.
pub fn is_visible(version: &Version, reader: Reader<'_>, status: impl Fn(TxnId) -> TxnStatus) -> bool {
    let effect_seen = |txn: TxnId, cid: u32| {
        if txn == reader.me {
            cid < reader.cid
        } else {
            reader.snapshot.includes(txn) && matches!(status(txn), TxnStatus::Committed(_))
        }
    };
    effect_seen(version.xmin, version.cmin) && !(version.xmax != NO_TXN && effect_seen(version.xmax, version.cmax))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::sync::Arc;

    /// A random history of `n` transactions: each begins at some time, ends at a later time,
    /// commits or aborts. Time is a global event counter.
    #[derive(Clone, Debug)]
    struct History {
        begin: Vec<u32>,
        end: Vec<u32>,
        committed: Vec<bool>,
    }

    fn history() -> impl Strategy<Value = History> {
        proptest::collection::vec((0u32..40, 1u32..20, any::<bool>()), 1..8).prop_map(|txns| {
            let mut begin = Vec::new();
            let mut end = Vec::new();
            let mut committed = Vec::new();
            let mut starts: Vec<_> = txns.iter().map(|t| t.0).collect();
            // Ids are assigned in begin order, as the manager does.
            starts.sort();
            for (i, (_, len, c)) in txns.iter().enumerate() {
                begin.push(starts[i]);
                end.push(starts[i] + len);
                committed.push(*c);
            }
            History { begin, end, committed }
        })
    }

    /// Transaction ids are 1-based positions in begin order.
    fn id(i: usize) -> TxnId {
        TxnId(i as u64 + 1)
    }

    /// The snapshot the manager would take at time `at`.
    fn snapshot_at(h: &History, at: u32) -> Snapshot {
        let started: Vec<usize> = (0..h.begin.len()).filter(|&i| h.begin[i] <= at).collect();
        let running: Vec<TxnId> = started.iter().filter(|&&i| h.end[i] > at).map(|&i| id(i)).collect();
        let xmax = id(started.len());
        let xmin = running.first().copied().unwrap_or(xmax);
        Snapshot { xmin, xmax, running }
    }

    /// Status of each transaction as seen at time `at` (the status table is read at read time,
    /// which may be later than the snapshot).
    fn status_at(h: &History, at: u32, txn: TxnId) -> TxnStatus {
        let i = txn.0 as usize - 1;
        if i >= h.begin.len() || h.end[i] > at {
            TxnStatus::InProgress
        } else if h.committed[i] {
            TxnStatus::Committed(h.end[i] as u64)
        } else {
            TxnStatus::Aborted
        }
    }

    /// The definition, by brute force: a write by another transaction is seen iff that
    /// transaction committed at or before the snapshot time; my own writes iff made by an
    /// earlier statement.
    fn brute_force(h: &History, snapshot_time: u32, me: usize, cid: u32, v: &Version) -> bool {
        let seen = |txn: TxnId, c: u32| {
            if txn == id(me) {
                return c < cid;
            }
            let i = txn.0 as usize - 1;
            i < h.begin.len() && h.committed[i] && h.end[i] <= snapshot_time && h.begin[i] <= snapshot_time
        };
        seen(v.xmin, v.cmin) && !(v.xmax != NO_TXN && seen(v.xmax, v.cmax))
    }

    proptest! {
        #[test]
        fn matches_brute_force_definition(
            h in history(),
            snap_offset in 0u32..60,
            read_delay in 0u32..30,
            me_pick in 0usize..8,
            cid in 0u32..3,
            creator in 0usize..9,
            deleter in 0usize..10,
            cmin in 0u32..3,
            cmax in 0u32..3,
        ) {
            let n = h.begin.len();
            let me = me_pick % n;
            // The reader's snapshot is taken while it runs.
            let snapshot_time = (h.begin[me] + snap_offset % (h.end[me] - h.begin[me])).max(h.begin[me]);
            let read_time = snapshot_time + read_delay;
            let snapshot = snapshot_at(&h, snapshot_time);
            let xmin = id(creator % n);
            let xmax = if deleter >= n { NO_TXN } else { id(deleter) };
            let version = Version { xmin, xmax, cmin, cmax, data: Arc::from(vec![Value::Null]) };
            let reader = Reader { me: id(me), cid, snapshot: &snapshot };
            let got = is_visible(&version, reader, |t| status_at(&h, read_time, t));
            prop_assert_eq!(got, brute_force(&h, snapshot_time, me, cid, &version));
        }
    }

    #[test]
    fn own_writes_visible_from_the_next_statement() {
        let snapshot = Snapshot { xmin: TxnId(5), xmax: TxnId(6), running: vec![TxnId(5)] };
        let v = Version { xmin: TxnId(5), xmax: NO_TXN, cmin: 1, cmax: 0, data: Arc::from(vec![]) };
        let status = |_| TxnStatus::InProgress;
        assert!(!is_visible(&v, Reader { me: TxnId(5), cid: 1, snapshot: &snapshot }, status));
        assert!(is_visible(&v, Reader { me: TxnId(5), cid: 2, snapshot: &snapshot }, status));
        assert!(!is_visible(&v, Reader { me: TxnId(6), cid: 9, snapshot: &snapshot }, status));
    }

    #[test]
    fn aborted_writers_are_never_seen() {
        let snapshot = Snapshot { xmin: TxnId(9), xmax: TxnId(9), running: vec![] };
        let made_by_aborted = Version { xmin: TxnId(3), xmax: NO_TXN, cmin: 0, cmax: 0, data: Arc::from(vec![]) };
        let deleted_by_aborted = Version { xmin: TxnId(2), xmax: TxnId(3), cmin: 0, cmax: 0, data: Arc::from(vec![]) };
        let status = |t: TxnId| if t == TxnId(3) { TxnStatus::Aborted } else { TxnStatus::Committed(1) };
        let reader = Reader { me: TxnId(9), cid: 1, snapshot: &snapshot };
        assert!(!is_visible(&made_by_aborted, reader, status));
        assert!(is_visible(&deleted_by_aborted, reader, status));
    }

    /// Every version in a chain written by a serial history is seen by at most one reader view.
    #[test]
    fn at_most_one_version_of_a_chain_is_visible() {
        let snapshot = Snapshot { xmin: TxnId(4), xmax: TxnId(6), running: vec![TxnId(4)] };
        let chain = [
            Version { xmin: TxnId(1), xmax: TxnId(2), cmin: 0, cmax: 0, data: Arc::from(vec![]) },
            Version { xmin: TxnId(2), xmax: TxnId(4), cmin: 0, cmax: 0, data: Arc::from(vec![]) },
            Version { xmin: TxnId(4), xmax: NO_TXN, cmin: 0, cmax: 0, data: Arc::from(vec![]) },
        ];
        let status = |t: TxnId| if t == TxnId(4) { TxnStatus::Committed(9) } else { TxnStatus::Committed(1) };
        let reader = Reader { me: TxnId(5), cid: 1, snapshot: &snapshot };
        let seen: BTreeSet<usize> = (0..3).filter(|&i| is_visible(&chain[i], reader, status)).collect();
        assert_eq!(seen, BTreeSet::from([1]));
    }
}
