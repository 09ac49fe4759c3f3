//! Hand-made histories driving the tracker directly, the way the read and write paths will.
//! `Sim` plays the transaction manager: ids, the running set at each snapshot, commit sequence.

use std::collections::BTreeSet;
use std::ops::Bound::{self, Included};

use super::*;
use crate::error::{ConflictRule, EdgeKind};
use crate::types::Value;

const ACCOUNTS: TableId = TableId(1);

fn t(n: u64) -> TxnId {
    TxnId(n)
}

fn key(values: &[i64]) -> Key {
    Key::from_values(values.iter().map(|&v| Value::Integer(v)).collect())
}

fn range(table: TableId, index: Option<u32>, lower: Bound<Key>, upper: Bound<Key>) -> ReadTarget {
    ReadTarget::Range { table, index, lower, upper }
}

/// A primary-key lookup of `accounts(id=k)`.
fn row(k: i64) -> ReadTarget {
    range(ACCOUNTS, None, Included(key(&[k])), Included(key(&[k])))
}

fn target(table: TableId, index: Option<u32>, k: &[i64]) -> WriteTarget {
    WriteTarget { table, index, key: key(k) }
}

fn name(k: i64) -> String {
    format!("accounts(id={k})")
}

#[derive(Default)]
struct Sim {
    ssi: SsiTracker,
    running: BTreeSet<TxnId>,
    wrote: BTreeSet<TxnId>,
    seq: u64,
}

impl Sim {
    /// BEGIN and first statement (snapshot) at once.
    fn begin(&mut self, n: u64, read_only: bool) {
        self.running.insert(t(n));
        let running: Vec<TxnId> = self.running.iter().copied().collect();
        self.ssi.begin(t(n), &running, read_only);
    }
    fn read(&self, n: u64, k: i64) {
        self.ssi.record_read(t(n), row(k));
    }
    /// `reader` skipped a version of row `k` written by concurrent `writer`.
    fn skip(&self, reader: u64, writer: u64, k: i64) -> Result<()> {
        self.ssi.read_conflict(t(reader), t(writer), &name(k))
    }
    fn write(&mut self, n: u64, k: i64) -> Result<()> {
        self.wrote.insert(t(n));
        self.ssi.write_conflict(t(n), &[target(ACCOUNTS, None, &[k])], &|| name(k))
    }
    fn commit(&mut self, n: u64) -> Result<()> {
        self.ssi.pre_commit(t(n))?;
        self.seq += 1;
        self.running.remove(&t(n));
        self.ssi.committed(t(n), self.seq, self.wrote.contains(&t(n)));
        Ok(())
    }
    fn abort(&mut self, n: u64) {
        self.running.remove(&t(n));
        self.ssi.aborted(t(n));
    }
    fn edges(&self) -> Vec<(u64, u64)> {
        self.ssi.edges().iter().map(|e| (e.from.0, e.to.0)).collect()
    }
}

fn conflict(result: Result<()>) -> Conflict {
    match result {
        Err(Error::SerializationFailure(c)) => *c,
        other => panic!("expected a serialization failure, got {other:?}"),
    }
}

fn rw(from: u64, to: u64, k: i64) -> ConflictEdge {
    ConflictEdge { from: t(from), to: t(to), kind: EdgeKind::ReadWrite, object: name(k) }
}

/// T1 and T2 both read rows 1 and 2 (x and y).
fn write_skew_reads() -> Sim {
    let mut sim = Sim::default();
    sim.begin(1, false);
    sim.begin(2, false);
    for n in [1, 2] {
        sim.read(n, 1);
        sim.read(n, 2);
    }
    sim
}

#[test]
fn write_skew_dooms_the_pivot_when_the_first_commits() {
    let mut sim = write_skew_reads();
    sim.write(1, 1).unwrap();
    sim.write(2, 2).unwrap();
    assert_eq!(sim.edges(), vec![(1, 2), (2, 1)]);
    sim.commit(1).unwrap();
    let c = conflict(sim.ssi.check_doomed(t(2)));
    assert_eq!(c.victim, t(2));
    assert_eq!(c.rule, ConflictRule::DangerousStructureAtCommit);
    assert_eq!(c.edges, vec![rw(1, 2, 2), rw(2, 1, 1)]);
    assert_eq!(conflict(sim.commit(2)), c);
    sim.abort(2);
    assert!(sim.ssi.is_idle());
}

#[test]
fn write_skew_aborts_when_the_first_committed_before_the_second_wrote() {
    let mut sim = write_skew_reads();
    sim.write(1, 1).unwrap();
    sim.commit(1).unwrap();
    let c = conflict(sim.write(2, 2));
    assert_eq!((c.victim, c.rule), (t(2), ConflictRule::DangerousStructure));
    assert_eq!(c.edges, vec![rw(1, 2, 2), rw(2, 1, 1)]);
    sim.abort(2);
    assert!(sim.ssi.is_idle());
}

#[test]
fn write_skew_found_through_a_skipped_version() {
    // T2 reads x only after T1 wrote and committed it: the new version is invisible to T2.
    let mut sim = Sim::default();
    sim.begin(1, false);
    sim.begin(2, false);
    sim.read(1, 1);
    sim.read(1, 2);
    sim.write(1, 1).unwrap();
    sim.commit(1).unwrap();
    sim.skip(2, 1, 1).unwrap();
    sim.read(2, 1);
    sim.read(2, 2);
    let c = conflict(sim.write(2, 2));
    assert_eq!(c.victim, t(2));
    assert_eq!(c.edges, vec![rw(1, 2, 2), rw(2, 1, 1)]);
}

/// Fekete/O'Neil/O'Neil: r2(X) r2(Y) r1(Y) w1(Y) c1 r3(X) r3(Y) c3 w2(X). X = row 1, Y = row 2.
fn read_only_anomaly(t3_read_only: bool, t3_writes: bool) -> Result<()> {
    let mut sim = Sim::default();
    sim.begin(1, false);
    sim.begin(2, false);
    sim.read(2, 1);
    sim.read(2, 2);
    sim.read(1, 2);
    sim.write(1, 2).unwrap();
    sim.commit(1).unwrap();
    sim.begin(3, t3_read_only);
    sim.read(3, 1);
    sim.read(3, 2);
    if t3_writes {
        sim.write(3, 9).unwrap();
    }
    sim.commit(3).unwrap();
    sim.write(2, 1)
}

#[test]
fn read_only_anomaly_aborts_the_pivot() {
    let c = conflict(read_only_anomaly(true, false));
    assert_eq!((c.victim, c.rule), (t(2), ConflictRule::ReadOnlyAnomaly));
    assert_eq!(c.edges, vec![rw(3, 2, 1), rw(2, 1, 2)]);
}

#[test]
fn read_only_anomaly_with_an_undeclared_reader() {
    // T3 is not declared READ ONLY: committing without writing makes it read-only all the same.
    let c = conflict(read_only_anomaly(false, false));
    assert_eq!((c.victim, c.rule), (t(2), ConflictRule::ReadOnlyAnomaly));
    // T3 writes something else: an ordinary dangerous structure.
    let c = conflict(read_only_anomaly(false, true));
    assert_eq!((c.victim, c.rule), (t(2), ConflictRule::DangerousStructure));
    assert_eq!(c.edges, vec![rw(3, 2, 1), rw(2, 1, 2)]);
}

#[test]
fn read_only_rule_spares_a_reader_whose_snapshot_precedes_tout() {
    // As the anomaly, but T3 takes its snapshot before T1 commits: T3, T2, T1 is a serial order.
    let mut sim = Sim::default();
    sim.begin(1, false);
    sim.begin(2, false);
    sim.read(2, 1);
    sim.read(2, 2);
    sim.read(1, 2);
    sim.write(1, 2).unwrap();
    sim.begin(3, true);
    sim.read(3, 1);
    sim.skip(3, 1, 2).unwrap();
    sim.read(3, 2);
    sim.commit(1).unwrap();
    sim.commit(3).unwrap();
    sim.write(2, 1).unwrap();
    assert_eq!(sim.edges(), vec![(2, 1), (3, 1), (3, 2)]);
    sim.commit(2).unwrap();
    assert!(sim.ssi.is_idle());
}

#[test]
fn disjoint_reads_and_writes_never_abort() {
    let mut sim = Sim::default();
    for round in 0..3 {
        let (a, b) = (10 * round + 1, 10 * round + 2);
        sim.begin(a, false);
        sim.begin(b, false);
        sim.read(a, 1);
        sim.read(b, 2);
        sim.write(a, 1).unwrap();
        sim.write(b, 2).unwrap();
        sim.commit(b).unwrap();
        sim.commit(a).unwrap();
    }
    assert!(sim.edges().is_empty());
    assert!(sim.ssi.is_idle());
}

#[test]
fn structure_whose_tout_commits_last_aborts_nobody() {
    // T1 -rw-> T2 (row 1) -rw-> T3 (row 2); committed in the orders T1 T2 T3 and T1 T3 T2.
    for order in [[1, 2, 3], [1, 3, 2]] {
        let mut sim = Sim::default();
        for n in 1..=3 {
            sim.begin(n, false);
        }
        sim.read(1, 1);
        sim.write(2, 1).unwrap();
        sim.read(2, 2);
        sim.write(3, 2).unwrap();
        assert_eq!(sim.edges(), vec![(1, 2), (2, 3)]);
        for n in order {
            sim.commit(n).unwrap();
        }
        assert!(sim.ssi.is_idle());
    }
}

#[test]
fn aborted_transactions_edges_vanish() {
    let mut sim = write_skew_reads();
    sim.write(1, 1).unwrap();
    sim.write(2, 2).unwrap();
    sim.abort(2);
    assert!(sim.edges().is_empty());
    sim.commit(1).unwrap();
    assert!(sim.ssi.is_idle());
}

#[test]
fn doomed_pivot_fails_at_every_next_call() {
    let mut sim = write_skew_reads();
    sim.write(1, 1).unwrap();
    sim.write(2, 2).unwrap();
    sim.commit(1).unwrap();
    let c = conflict(sim.ssi.check_doomed(t(2)));
    assert_eq!(conflict(sim.skip(2, 1, 7)), c);
    assert_eq!(conflict(sim.write(2, 8)), c);
    assert_eq!(conflict(sim.ssi.pre_commit(t(2))), c);
    // A doomed holder's markers give no edges: T3 writes row 2, which doomed T2 read.
    sim.begin(3, false);
    sim.write(3, 2).unwrap();
    assert!(!sim.edges().contains(&(2, 3)));
}

#[test]
fn tout_commit_dooms_a_running_pivot_at_once() {
    // T1 -rw-> T2 (row 1) -rw-> T3 (row 2); T3 commits first: T2 is doomed then, T1 commits.
    for t1_read_only in [false, true] {
        let mut sim = Sim::default();
        for n in 1..=3 {
            sim.begin(n, n == 1 && t1_read_only);
        }
        sim.read(1, 1);
        sim.write(2, 1).unwrap();
        sim.read(2, 2);
        sim.write(3, 2).unwrap();
        sim.commit(3).unwrap();
        if t1_read_only {
            // A read-only T1 took its snapshot before T3 committed: T1, T2, T3 is a serial order.
            sim.ssi.check_doomed(t(2)).unwrap();
            sim.commit(1).unwrap();
            sim.commit(2).unwrap();
        } else {
            let c = conflict(sim.ssi.check_doomed(t(2)));
            assert_eq!((c.victim, c.rule), (t(2), ConflictRule::DangerousStructureAtCommit));
            assert_eq!(c.edges, vec![rw(1, 2, 1), rw(2, 3, 2)]);
            sim.commit(1).unwrap();
            sim.abort(2);
        }
        assert!(sim.ssi.is_idle());
    }
}

#[test]
fn pivot_fails_at_the_read_that_completes_the_structure() {
    // T1 -rw-> T2 exists; T3 wrote row 2 and committed; T2 then skips T3's version of row 2.
    let mut sim = Sim::default();
    for n in 1..=3 {
        sim.begin(n, false);
    }
    sim.read(1, 1);
    sim.write(2, 1).unwrap();
    sim.write(3, 2).unwrap();
    sim.commit(3).unwrap();
    let c = conflict(sim.skip(2, 3, 2));
    assert_eq!((c.victim, c.rule), (t(2), ConflictRule::DangerousStructure));
    assert_eq!(c.edges, vec![rw(1, 2, 1), rw(2, 3, 2)]);
}

#[test]
fn idle_after_a_sequence_of_transactions() {
    let mut sim = Sim::default();
    sim.begin(1, false);
    sim.read(1, 1);
    sim.write(1, 1).unwrap();
    sim.begin(2, false);
    sim.skip(2, 1, 1).unwrap();
    sim.read(2, 1);
    sim.read(2, 2);
    sim.commit(1).unwrap();
    // T1 is kept while T2, which overlapped it, runs; T3 starts after T1 and needs nothing of it.
    sim.begin(3, true);
    sim.read(3, 3);
    assert_eq!(sim.ssi.marker_count(), 4);
    sim.write(2, 2).unwrap();
    sim.commit(2).unwrap();
    // T1 is freed (T3 saw it end); T2 stays while T3, which overlapped it, runs.
    assert_eq!(sim.edges(), vec![]);
    assert_eq!(sim.ssi.marker_count(), 3);
    sim.begin(4, false);
    sim.read(4, 4);
    sim.abort(4);
    sim.commit(3).unwrap();
    assert!(sim.ssi.is_idle());
    assert_eq!(sim.ssi.marker_count(), 0);
    assert!(sim.edges().is_empty());
}

#[test]
fn freed_tout_still_counts_through_the_pivots_summary() {
    // P=2 reads y (row 2), Tout=1 writes y and commits; Tin=3 starts; P writes x and commits;
    // Tout is freed (the only running transaction, Tin, saw its end); Tin then skips P's x.
    for read_only in [true, false] {
        let mut sim = Sim::default();
        sim.begin(1, false);
        sim.begin(2, false);
        sim.read(2, 2);
        sim.write(1, 2).unwrap();
        sim.commit(1).unwrap();
        sim.begin(3, read_only);
        sim.write(2, 1).unwrap();
        sim.commit(2).unwrap();
        assert!(sim.edges().is_empty(), "T1 freed, its edge summarised on T2");
        let c = conflict(sim.skip(3, 2, 1));
        let rule = if read_only { ConflictRule::ReadOnlyAnomaly } else { ConflictRule::PivotCommitted };
        assert_eq!((c.victim, c.rule), (t(3), rule));
        assert_eq!(c.edges, vec![rw(3, 2, 1), rw(2, 1, 2)]);
        sim.abort(3);
        assert!(sim.ssi.is_idle());
    }
}

#[test]
fn commit_reported_late_or_early_relative_to_a_snapshot() {
    // T1 read row 1 and committed before T2's snapshot, but the tracker hears of it after T2 began.
    let ssi = SsiTracker::new();
    ssi.begin(t(1), &[t(1)], false);
    ssi.record_read(t(1), row(1));
    ssi.pre_commit(t(1)).unwrap();
    ssi.begin(t(2), &[t(2)], false);
    ssi.committed(t(1), 1, false);
    ssi.write_conflict(t(2), &[target(ACCOUNTS, None, &[1])], &|| "x".to_string()).unwrap();
    assert!(ssi.edges().is_empty(), "T1 ended before T2's snapshot: no overlap");
    ssi.committed(t(2), 2, true);
    assert!(ssi.is_idle());
    // T3 was running at T4's snapshot, but its commit is reported before T4 begins (T5 keeps T3 alive).
    ssi.begin(t(5), &[t(5)], false);
    ssi.begin(t(3), &[t(3), t(5)], false);
    ssi.record_read(t(3), row(1));
    ssi.pre_commit(t(3)).unwrap();
    ssi.committed(t(3), 3, false);
    ssi.begin(t(4), &[t(3), t(4), t(5)], false);
    ssi.write_conflict(t(4), &[target(ACCOUNTS, None, &[1])], &|| "x".to_string()).unwrap();
    assert_eq!(ssi.edges().len(), 1, "T3 overlapped T4");
}

#[test]
fn non_serializable_transactions_are_ignored() {
    let mut sim = Sim::default();
    sim.begin(1, false);
    sim.read(1, 1);
    sim.ssi.record_read(t(9), row(1));
    sim.skip(1, 9, 1).unwrap();
    sim.ssi.write_conflict(t(9), &[target(ACCOUNTS, None, &[1])], &|| "x".to_string()).unwrap();
    assert!(sim.edges().is_empty());
    assert_eq!(sim.ssi.marker_count(), 1);
    sim.commit(1).unwrap();
    assert!(sim.ssi.is_idle());
}

#[test]
fn the_error_explains_itself() {
    let mut sim = write_skew_reads();
    sim.write(1, 1).unwrap();
    sim.commit(1).unwrap();
    let err = sim.write(2, 2).unwrap_err();
    assert_eq!(err.sqlstate(), "40001");
    assert!(err.is_retryable());
    assert_eq!(err.to_string(), "could not serialize access due to read/write dependencies among transactions");
    let detail = err.detail().unwrap();
    assert!(detail.starts_with("T2 aborted by rule: dangerous structure"), "{detail}");
    assert!(detail.contains("T1 -rw-> T2 on accounts(id=2); T2 -rw-> T1 on accounts(id=1)"), "{detail}");
}

#[test]
fn tracker_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<SsiTracker>();
}

#[test]
fn write_skew_with_a_write_between_the_others_check_and_commit_aborts_one() {
    let ssi = SsiTracker::new();
    let (a, b) = (t(1), t(2));
    ssi.begin(a, &[a, b], false);
    ssi.begin(b, &[a, b], false);
    for k in [0, 1] {
        ssi.record_read(a, row(k));
        ssi.record_read(b, row(k));
    }
    ssi.write_conflict(a, &[target(ACCOUNTS, None, &[0])], &|| name(0)).unwrap();
    ssi.pre_commit(a).unwrap();
    let w = ssi.write_conflict(b, &[target(ACCOUNTS, None, &[1])], &|| name(1));
    ssi.committed(a, 1, true);
    let c = ssi.pre_commit(b);
    assert!(w.is_err() || c.is_err(), "write skew committed: write {w:?} commit {c:?}");
}

#[test]
fn write_skew_read_after_the_others_commit_aborts_one() {
    // b reads k0 after a wrote it and committed (a was not in b's snapshot); b writes k1 that a
    // read.
    let ssi = SsiTracker::new();
    let (a, b) = (t(1), t(2));
    ssi.begin(a, &[a], false);
    ssi.begin(b, &[a, b], false);
    ssi.record_read(a, row(0));
    ssi.record_read(a, row(1));
    ssi.record_read(b, row(1));
    ssi.write_conflict(a, &[target(ACCOUNTS, None, &[0])], &|| name(0)).unwrap();
    ssi.pre_commit(a).unwrap();
    ssi.committed(a, 1, true);
    ssi.record_read(b, row(0));
    let r = ssi.read_conflict(b, a, &name(0));
    let w = ssi.write_conflict(b, &[target(ACCOUNTS, None, &[1])], &|| name(1));
    let c = if r.is_ok() && w.is_ok() { ssi.pre_commit(b) } else { Ok(()) };
    assert!(r.is_err() || w.is_err() || c.is_err(), "write skew committed");
}
