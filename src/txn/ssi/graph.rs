//! Per-transaction records, rw-antidependency edges and the dangerous-structure rules.
//!
//! Two clocks are used, never mixed:
//!
//! * the engine's commit sequence (`commit_seq`, reported by `committed`) answers "did T commit
//!   before U's snapshot?" ([`Record::saw_end_of`]), which decides overlap, cleanup and the
//!   read-only rule;
//! * the tracker's own event clock orders pre-commit ("prepare") and commit events as the tracker
//!   saw them, and answers "did T_out commit first?" the way PostgreSQL does: T_out's *prepare*
//!   is compared with the others' *commits*. A transaction prepares before it really commits, and
//!   the tracker hears of a commit after it happened, so a real "T_out committed first" is always
//!   judged so (the error, when there is one, is a false positive, never a missed anomaly).

use std::collections::BTreeMap;

use crate::error::{Conflict, ConflictEdge, ConflictRule, EdgeKind, TxnId};

/// What a freed committed out-partner leaves behind on its in-partners: PostgreSQL's
/// "conflict out to a committed transaction" (`earliestOutConflictCommit`). Keeping the earliest
/// prepare and commit of all freed partners is conservative.
#[derive(Clone, Debug)]
struct Summary {
    to: TxnId,
    object: String,
    prepared: u64,
    commit_seq: u64,
}

/// One serializable transaction.
#[derive(Debug)]
pub(super) struct Record {
    id: TxnId,
    /// The highest commit sequence number reported when the snapshot was taken.
    snapshot_seq: u64,
    /// The snapshot's running list (sorted): these ended after the snapshot, whatever their seq.
    running: Vec<TxnId>,
    /// Known transactions that had ended before the snapshot although their commit was not reported yet.
    ended_unreported: Vec<TxnId>,
    /// Known transactions that may or may not have ended before the snapshot (a race between
    /// `begin` and an unreported commit): overlapping for edges and cleanup, ended for the read-only rule.
    unsure: Vec<TxnId>,
    declared_read_only: bool,
    wrote: bool,
    /// Tracker clock at which the pre-commit check passed (or at commit, if it was skipped).
    prepared: Option<u64>,
    /// (commit_seq, tracker clock).
    commit: Option<(u64, u64)>,
    doomed: Option<Box<Conflict>>,
    ins: BTreeMap<TxnId, String>,
    outs: BTreeMap<TxnId, String>,
    summary: Option<Summary>,
}

impl Record {
    fn read_only(&self) -> bool {
        self.declared_read_only || (self.commit.is_some() && !self.wrote)
    }

    /// Whether `other` (committed with `seq`, if reported) had ended when this snapshot was taken.
    fn saw_end_of(&self, other: TxnId, seq: Option<u64>) -> bool {
        self.ended_unreported.contains(&other)
            || (seq.is_some_and(|s| s <= self.snapshot_seq)
                && self.running.binary_search(&other).is_err()
                && !self.unsure.contains(&other))
    }
}

/// The T_out of a structure: a live record, or the summary a freed one left on the pivot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Out {
    Live(TxnId),
    SummaryOf(TxnId),
}

/// What checking one structure decided.
enum Outcome {
    Doom(TxnId, Box<Conflict>),
    Fail(Box<Conflict>),
}

/// The records and edges of every serializable transaction not yet freed.
#[derive(Debug, Default)]
pub(super) struct Graph {
    records: BTreeMap<TxnId, Record>,
    clock: u64,
    last_seq: u64,
}

impl Graph {
    pub(super) fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub(super) fn knows(&self, txn: TxnId) -> bool {
        self.records.contains_key(&txn)
    }

    /// Whether `txn` is known and still running (neither committed nor aborted).
    pub(super) fn is_running(&self, txn: TxnId) -> bool {
        self.records.get(&txn).is_some_and(|r| r.commit.is_none())
    }

    pub(super) fn begin(&mut self, txn: TxnId, running: &[TxnId], read_only: bool) {
        if self.records.contains_key(&txn) {
            return;
        }
        let mut running = running.to_vec();
        running.sort();
        let newest_running = running.last().copied().unwrap_or(txn);
        let (mut ended_unreported, mut unsure) = (Vec::new(), Vec::new());
        for other in self.records.values().filter(|r| r.commit.is_none()) {
            if running.binary_search(&other.id).is_ok() {
                continue;
            }
            // Not running at the snapshot, commit not reported: it ended before the snapshot if its id
            // was assigned before the snapshot; otherwise it may have started after the snapshot.
            if other.id < txn || other.id < newest_running {
                ended_unreported.push(other.id);
            } else {
                unsure.push(other.id);
            }
        }
        let record = Record {
            id: txn,
            snapshot_seq: self.last_seq,
            running,
            ended_unreported,
            unsure,
            declared_read_only: read_only,
            wrote: false,
            prepared: None,
            commit: None,
            doomed: None,
            ins: BTreeMap::new(),
            outs: BTreeMap::new(),
            summary: None,
        };
        self.records.insert(txn, record);
    }

    pub(super) fn doomed(&self, txn: TxnId) -> Option<Box<Conflict>> {
        self.records.get(&txn).and_then(|r| r.doomed.clone())
    }

    pub(super) fn mark_wrote(&mut self, txn: TxnId) {
        if let Some(r) = self.records.get_mut(&txn) {
            r.wrote = true;
        }
    }

    /// Whether a marker of `holder` matters to `writer`: another live, undoomed serializable
    /// transaction, running or committed after the writer's snapshot.
    pub(super) fn overlaps(&self, holder: TxnId, writer: TxnId) -> bool {
        let (Some(h), Some(w)) = (self.records.get(&holder), self.records.get(&writer)) else { return false };
        holder != writer && h.doomed.is_none() && !w.saw_end_of(holder, h.commit.map(|c| c.0))
    }

    /// Records `reader -rw-> writer` and checks the structures it completes. `caller` is the
    /// transaction whose call this is (the reader or the writer).
    pub(super) fn add_edge(
        &mut self,
        reader: TxnId,
        writer: TxnId,
        object: &str,
        caller: TxnId,
    ) -> Result<(), Box<Conflict>> {
        let usable = |t: TxnId| self.records.get(&t).is_some_and(|r| r.doomed.is_none());
        if reader == writer || !usable(reader) || !usable(writer) || self.records[&reader].outs.contains_key(&writer) {
            return Ok(());
        }
        self.records.get_mut(&reader).expect("reader").outs.insert(writer, object.to_string());
        self.records.get_mut(&writer).expect("writer").ins.insert(reader, object.to_string());
        // The new edge first (reader = T_in, writer = pivot), then second (reader = pivot, writer = T_out).
        let mut triples: Vec<(TxnId, TxnId, Out)> = self.outs_of(writer).map(|out| (reader, writer, out)).collect();
        triples.extend(self.records[&reader].ins.keys().map(|&tin| (tin, reader, Out::Live(writer))));
        self.check(triples, caller)
    }

    /// The pre-commit check of `txn`; on success `txn` counts as prepared (it can no longer be
    /// doomed, and it may now be the T_out that committed first).
    pub(super) fn pre_commit(&mut self, txn: TxnId) -> Result<(), Box<Conflict>> {
        let Some(record) = self.records.get(&txn) else { return Ok(()) };
        if let Some(conflict) = &record.doomed {
            return Err(conflict.clone());
        }
        let mut triples = Vec::new();
        // As the pivot, then as T_in (a committed pivot leaves me as the victim), then as T_out
        // (a running pivot is doomed).
        for &tin in record.ins.keys() {
            triples.extend(self.outs_of(txn).map(|out| (tin, txn, out)));
        }
        for &pivot in record.outs.keys() {
            triples.extend(self.outs_of(pivot).map(|out| (txn, pivot, out)));
        }
        for &pivot in record.ins.keys() {
            triples.extend(self.records[&pivot].ins.keys().map(|&tin| (tin, pivot, Out::Live(txn))));
        }
        self.clock += 1;
        let clock = self.clock;
        self.records.get_mut(&txn).expect("txn").prepared = Some(clock);
        let result = self.check(triples, txn);
        if result.is_err() {
            self.records.get_mut(&txn).expect("txn").prepared = None;
        }
        result
    }

    /// `txn` committed; returns the transactions freed by this commit (their markers must go).
    pub(super) fn committed(&mut self, txn: TxnId, commit_seq: u64, wrote: bool) -> Vec<TxnId> {
        self.last_seq = self.last_seq.max(commit_seq);
        self.clock += 1;
        let clock = self.clock;
        if let Some(r) = self.records.get_mut(&txn) {
            r.commit = Some((commit_seq, clock));
            r.wrote |= wrote;
            r.prepared.get_or_insert(clock);
        }
        self.collect_garbage()
    }

    /// `txn` aborted: its record and every edge touching it go at once. Returns the transactions
    /// freed (`txn` first, if known).
    pub(super) fn aborted(&mut self, txn: TxnId) -> Vec<TxnId> {
        let mut freed = Vec::new();
        if let Some(record) = self.records.remove(&txn) {
            self.unlink(&record);
            freed.push(txn);
        }
        freed.extend(self.collect_garbage());
        freed
    }

    /// Every live rw-edge, ordered by (from, to).
    pub(super) fn edges(&self) -> Vec<ConflictEdge> {
        let mut edges = Vec::new();
        for r in self.records.values() {
            for (&to, object) in &r.outs {
                edges.push(ConflictEdge { from: r.id, to, kind: EdgeKind::ReadWrite, object: object.clone() });
            }
        }
        edges
    }

    /// The T_outs reachable from `pivot`: its live out-partners and its summary.
    fn outs_of(&self, pivot: TxnId) -> impl Iterator<Item = Out> + '_ {
        let r = &self.records[&pivot];
        r.outs.keys().map(|&t| Out::Live(t)).chain(r.summary.as_ref().map(|_| Out::SummaryOf(pivot)))
    }

    /// Checks each structure `tin -rw-> pivot -rw-> out` in order; dooms or fails.
    fn check(&mut self, triples: Vec<(TxnId, TxnId, Out)>, caller: TxnId) -> Result<(), Box<Conflict>> {
        for (tin, pivot, out) in triples {
            match self.judge(tin, pivot, out, caller) {
                None => {}
                Some(Outcome::Fail(conflict)) => return Err(conflict),
                Some(Outcome::Doom(victim, conflict)) => {
                    self.records.get_mut(&victim).expect("victim").doomed = Some(conflict);
                }
            }
        }
        Ok(())
    }

    /// Whether the structure is dangerous now, and if so who pays.
    fn judge(&self, tin: TxnId, pivot: TxnId, out: Out, caller: TxnId) -> Option<Outcome> {
        let (t_in, p) = (self.records.get(&tin)?, self.records.get(&pivot)?);
        // T_out as (id, prepare clock, commit seq, doomed, object of the pivot's edge to it).
        let (out_id, out_prepared, out_seq, out_doomed, out_object) = match out {
            Out::Live(t) => {
                let o = self.records.get(&t)?;
                (t, o.prepared, o.commit.map(|c| c.0), o.doomed.is_some(), p.outs.get(&t)?.clone())
            }
            Out::SummaryOf(_) => {
                let s = p.summary.as_ref()?;
                (s.to, Some(s.prepared), Some(s.commit_seq), false, s.object.clone())
            }
        };
        if t_in.doomed.is_some() || p.doomed.is_some() || out_doomed {
            return None;
        }
        // Commit order: T_out prepared before the pivot and T_in committed (if they did).
        let out_prepared = out_prepared?;
        for member in [p, t_in] {
            if member.id != out_id && member.commit.is_some_and(|(_, clock)| clock < out_prepared) {
                return None;
            }
        }
        // Read-only rule (Theorem 3): a read-only T_in counts only if T_out committed before its snapshot.
        let read_only = t_in.read_only();
        if read_only && (tin == out_id || !(t_in.saw_end_of(out_id, out_seq) || t_in.unsure.contains(&out_id))) {
            return None;
        }
        // Victim: the pivot while it can be aborted, else T_in, else the caller.
        let abortable = |r: &Record| r.prepared.is_none() || r.id == caller;
        let victim = if abortable(p) {
            pivot
        } else if abortable(t_in) {
            tin
        } else {
            caller
        };
        let rule = if read_only {
            ConflictRule::ReadOnlyAnomaly
        } else if victim != pivot {
            ConflictRule::PivotCommitted
        } else if caller == out_id {
            ConflictRule::DangerousStructureAtCommit
        } else {
            ConflictRule::DangerousStructure
        };
        let edge = |from, to, object: &str| ConflictEdge { from, to, kind: EdgeKind::ReadWrite, object: object.into() };
        let edges = vec![edge(tin, pivot, p.ins.get(&tin)?), edge(pivot, out_id, &out_object)];
        let conflict = Box::new(Conflict { victim, rule, edges });
        Some(if victim == caller { Outcome::Fail(conflict) } else { Outcome::Doom(victim, conflict) })
    }

    /// Frees every committed record no running transaction overlaps; returns their ids.
    fn collect_garbage(&mut self) -> Vec<TxnId> {
        let running: Vec<&Record> = self.records.values().filter(|r| r.commit.is_none()).collect();
        let freeable: Vec<TxnId> = self
            .records
            .values()
            .filter_map(|c| Some((c.id, c.commit?.0)))
            .filter(|&(id, seq)| running.iter().all(|u| u.saw_end_of(id, Some(seq))))
            .map(|(id, _)| id)
            .collect();
        for &id in &freeable {
            let record = self.records.remove(&id).expect("freeable");
            self.unlink(&record);
        }
        freeable
    }

    /// Removes the edges of a record leaving the graph. A committed record leaves a summary on each
    /// in-partner (it may still be the T_out of a structure through that partner).
    fn unlink(&mut self, record: &Record) {
        for to in record.outs.keys() {
            if let Some(r) = self.records.get_mut(to) {
                r.ins.remove(&record.id);
            }
        }
        for (from, object) in &record.ins {
            let Some(r) = self.records.get_mut(from) else { continue };
            r.outs.remove(&record.id);
            let (Some((seq, _)), Some(prepared)) = (record.commit, record.prepared) else { continue };
            let summary = r.summary.get_or_insert_with(|| Summary {
                to: record.id,
                object: object.clone(),
                prepared,
                commit_seq: seq,
            });
            if seq < summary.commit_seq {
                summary.to = record.id;
                summary.object = object.clone();
            }
            summary.prepared = summary.prepared.min(prepared);
            summary.commit_seq = summary.commit_seq.min(seq);
        }
    }
}
