//! Visibility: does a reader see a row version? One small pure decision, and its explanation.
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
//! ## One decision, two uses
//! [`judge`] makes the decision and records, for the creation and (if it matters) the deletion,
//! which branch of the rule above applied ([`WriteSight`]). [`is_visible`], on every read of
//! every scan, is `judge(..).visible()`: no text, and exactly as many status lookups as the
//! rule needs. [`explain`], for `\versions` in the shell, puts the same verdict into words
//! (`created by T5 (committed before the snapshot), not deleted`); it may look a status up
//! once more to say *why* a writer is outside the snapshot (still running, committed after it,
//! aborted), which never changes the verdict.
//!
//! The decision is tested against a brute-force definition over random histories, and the
//! explanation against the decision (`tests::matches_brute_force_definition`).

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

/// How a reader stands towards one write (the creation or the deletion of a version): which
/// branch of the rule decided, and so whether the reader sees the write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteSight {
    /// The reader's own write, made by its command `command`: seen iff an earlier command.
    Own { command: u32, seen: bool },
    /// Another transaction's, which the snapshot includes (it had ended when the snapshot was
    /// taken, or the snapshot is [`Snapshot::LATEST`]): seen iff it committed.
    Included(TxnStatus),
    /// Another transaction's, which the snapshot excludes (running when it was taken, or begun
    /// later): never seen.
    Excluded,
}

impl WriteSight {
    /// Whether the reader sees the write.
    pub fn seen(self) -> bool {
        match self {
            WriteSight::Own { seen, .. } => seen,
            WriteSight::Included(status) => matches!(status, TxnStatus::Committed(_)),
            WriteSight::Excluded => false,
        }
    }
}

/// The decision for one version: how the reader stands towards its creation and, if the
/// creation is seen and the version was deleted, towards its deletion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub creation: WriteSight,
    /// `None` when the version was not deleted, or when its creation is not seen (then the
    /// deletion does not matter and is not looked at).
    pub deletion: Option<WriteSight>,
}

impl Verdict {
    /// Whether the reader sees the version.
    pub fn visible(&self) -> bool {
        self.creation.seen() && !self.deletion.is_some_and(WriteSight::seen)
    }
}

/// How `reader` stands towards the write of transaction `txn` in its command `command`.
#[inline]
fn sight(txn: TxnId, command: u32, reader: Reader<'_>, status: &impl Fn(TxnId) -> TxnStatus) -> WriteSight {
    if txn == reader.me {
        WriteSight::Own { command, seen: command < reader.cid }
    } else if reader.snapshot.includes(txn) {
        WriteSight::Included(status(txn))
    } else {
        WriteSight::Excluded
    }
}

/// The decision: how `reader` stands towards the creation and deletion of `version`. `status`
/// reports a transaction's state.
#[inline]
pub fn judge(version: &Version, reader: Reader<'_>, status: &impl Fn(TxnId) -> TxnStatus) -> Verdict {
    let creation = sight(version.xmin, version.cmin, reader, status);
    let deletion =
        (creation.seen() && version.xmax != NO_TXN).then(|| sight(version.xmax, version.cmax, reader, status));
    Verdict { creation, deletion }
}

/// Whether `reader` sees `version`. `status` reports a transaction's state.
#[inline]
pub fn is_visible(version: &Version, reader: Reader<'_>, status: impl Fn(TxnId) -> TxnStatus) -> bool {
    judge(version, reader, &status).visible()
}

/// A verdict in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub visible: bool,
    /// The rule that decided, e.g. `created by T5 (committed before the snapshot), not
    /// deleted` or `created by T8 (still running: not in the snapshot)`.
    pub reason: String,
}

/// Whether `reader` sees `version`, and why: [`judge`]'s verdict, in words.
pub fn explain(version: &Version, reader: Reader<'_>, status: impl Fn(TxnId) -> TxnStatus) -> Explanation {
    let verdict = judge(version, reader, &status);
    let creation = describe_write("created", version.xmin, verdict.creation, reader, &status);
    let reason = match verdict.deletion {
        _ if !verdict.creation.seen() => creation,
        None => format!("{creation}, not deleted"),
        Some(deletion) => {
            let deleted = describe_write("deleted", version.xmax, deletion, reader, &status);
            if deletion.seen() {
                format!("{creation}, {deleted}")
            } else {
                format!("{creation}, {deleted}: still visible")
            }
        }
    };
    Explanation { visible: verdict.visible(), reason }
}

/// `created by T5 (committed before the snapshot)`, `deleted by this transaction (command 2)`.
fn describe_write(
    verb: &str,
    txn: TxnId,
    sight: WriteSight,
    reader: Reader<'_>,
    status: &impl Fn(TxnId) -> TxnStatus,
) -> String {
    let why = match sight {
        WriteSight::Own { command, seen: true } => return format!("{verb} by this transaction (command {command})"),
        WriteSight::Own { command, seen: false } => {
            let next = command.saturating_add(1);
            return format!("{verb} by this transaction (command {command}, seen from command {next} on)");
        }
        WriteSight::Included(TxnStatus::Committed(_)) if reader.snapshot.is_latest() => "committed",
        WriteSight::Included(TxnStatus::Committed(_)) => "committed before the snapshot",
        WriteSight::Included(TxnStatus::InProgress) => "still running",
        WriteSight::Included(TxnStatus::Aborted) => "aborted",
        // Only the wording depends on this lookup: the writer is outside the snapshot whatever
        // became of it.
        WriteSight::Excluded => match status(txn) {
            TxnStatus::InProgress => "still running: not in the snapshot",
            TxnStatus::Committed(_) => "committed after the snapshot",
            TxnStatus::Aborted => "aborted",
        },
    };
    format!("{verb} by T{txn} ({why})")
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
            let status = |t| status_at(&h, read_time, t);
            let got = is_visible(&version, reader, status);
            prop_assert_eq!(got, brute_force(&h, snapshot_time, me, cid, &version));
            // The explanation gives the same verdict, and names the creator and, when the
            // creation is seen and the version deleted, the deleter.
            let explanation = explain(&version, reader, status);
            prop_assert_eq!(explanation.visible, got);
            let name = |t: TxnId| if t == id(me) { "this transaction".to_string() } else { format!("T{t}") };
            let created_by = format!("created by {}", name(xmin));
            prop_assert!(explanation.reason.starts_with(&created_by), "{}", explanation.reason);
            let creation_seen = judge(&version, reader, &status).creation.seen();
            if creation_seen && xmax != NO_TXN {
                let deleted_by = format!("deleted by {}", name(xmax));
                prop_assert!(explanation.reason.contains(&deleted_by), "{}", explanation.reason);
            }
            if !creation_seen {
                prop_assert!(!explanation.reason.contains("deleted"), "{}", explanation.reason);
            }
        }
    }

    fn version(xmin: u64, cmin: u32, xmax: u64, cmax: u32) -> Version {
        Version { xmin: TxnId(xmin), xmax: TxnId(xmax), cmin, cmax, data: Arc::from(vec![]) }
    }

    /// T2 and T4 committed before the snapshot of T7, T6 committed after it, T8 still runs,
    /// T5 aborted.
    fn statuses(t: TxnId) -> TxnStatus {
        match t.0 {
            5 => TxnStatus::Aborted,
            8 => TxnStatus::InProgress,
            n => TxnStatus::Committed(n),
        }
    }

    #[test]
    fn explanations_name_the_rule_that_decided() {
        let snapshot = Snapshot { xmin: TxnId(6), xmax: TxnId(9), running: vec![TxnId(6), TxnId(7), TxnId(8)] };
        let reader = Reader { me: TxnId(7), cid: 3, snapshot: &snapshot };
        let t2 = "created by T2 (committed before the snapshot)";
        let cases = [
            (version(2, 0, 0, 0), true, format!("{t2}, not deleted")),
            (version(8, 0, 0, 0), false, "created by T8 (still running: not in the snapshot)".into()),
            (version(6, 0, 0, 0), false, "created by T6 (committed after the snapshot)".into()),
            (version(2, 0, 4, 0), false, format!("{t2}, deleted by T4 (committed before the snapshot)")),
            (
                version(7, 2, 6, 0),
                true,
                "created by this transaction (command 2), deleted by T6 (committed after the snapshot): still visible"
                    .into(),
            ),
            (
                version(2, 0, 8, 0),
                true,
                format!("{t2}, deleted by T8 (still running: not in the snapshot): still visible"),
            ),
            (version(2, 0, 7, 2), false, format!("{t2}, deleted by this transaction (command 2)")),
            (version(7, 3, 0, 0), false, "created by this transaction (command 3, seen from command 4 on)".into()),
        ];
        for (v, visible, reason) in cases {
            let explanation = explain(&v, reader, statuses);
            assert_eq!(explanation, Explanation { visible, reason });
            assert_eq!(is_visible(&v, reader, statuses), visible);
        }
        // An aborted writer: excluded here (it ran when the snapshot was taken)...
        let running_then = Snapshot { xmin: TxnId(5), xmax: TxnId(9), running: vec![TxnId(5), TxnId(7)] };
        let reader = Reader { me: TxnId(7), cid: 1, snapshot: &running_then };
        assert_eq!(explain(&version(5, 0, 0, 0), reader, statuses).reason, "created by T5 (aborted)");
        // ... or included (it had ended).
        let ended = Snapshot { xmin: TxnId(7), xmax: TxnId(9), running: vec![TxnId(7)] };
        let reader = Reader { me: TxnId(7), cid: 1, snapshot: &ended };
        let deleted_by_aborted = explain(&version(2, 0, 5, 0), reader, statuses);
        assert_eq!(
            deleted_by_aborted,
            Explanation {
                visible: true,
                reason: "created by T2 (committed before the snapshot), deleted by T5 (aborted): still visible".into()
            }
        );
    }

    #[test]
    fn a_locking_reader_sees_the_latest_committed_versions() {
        let reader = Reader { me: TxnId(7), cid: 1, snapshot: &Snapshot::LATEST };
        let explanation = explain(&version(6, 0, 0, 0), reader, statuses);
        assert_eq!(explanation, Explanation { visible: true, reason: "created by T6 (committed), not deleted".into() });
        let explanation = explain(&version(8, 0, 0, 0), reader, statuses);
        assert_eq!(explanation, Explanation { visible: false, reason: "created by T8 (still running)".into() });
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
