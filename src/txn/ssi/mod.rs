//! Serializable snapshot isolation: the rw-antidependency tracker (Cahill, Röhm & Fekete 2008, as
//! implemented in PostgreSQL by Ports & Grittner 2012).
//!
//! A SERIALIZABLE transaction runs exactly as a SNAPSHOT one (one snapshot, first updater wins);
//! [`SsiTracker`] additionally watches the rw-antidependencies between *concurrent serializable*
//! transactions and aborts one transaction of every dangerous structure. Only serializable
//! transactions take markers or get edges (PostgreSQL's mixed-level behaviour).
//!
//! ```text
//!   mod.rs      SsiTracker: the API the read and write paths call, one mutex around the rest
//!   siread.rs   SIREAD markers and "which markers cover this written key"
//!   graph.rs    per-transaction records, rw-edges, the dangerous-structure rules, cleanup
//!   tests.rs, model_tests.rs   hand-made histories; random histories checked for serializability
//! ```
//!
//! ## Markers (SIREAD locks)
//! A serializable reader leaves a marker on what it read ([`SsiTracker::record_read`]); markers
//! never block anyone. What to mark:
//! * a scan without a usable index: [`ReadTarget::Table`] (covers every key of every index);
//! * a primary-key lookup or range scan: a [`ReadTarget::Range`] on `index: None` with the scan's
//!   bounds (`[k, k]` for a lookup). Gaps are included, so a later insert into the range meets the
//!   marker — a lookup that found nothing, an empty range and the gap after the last key too;
//! * a secondary-index scan: the range on `Some(i)` (for phantoms). An UPDATE that leaves index
//!   `i`'s key alone must still meet it: either the write path reports the unchanged index key of
//!   every index too, or the reader adds a primary-key point `[pk, pk]` per row returned
//!   (PostgreSQL's heap tuple lock).
//!
//! Exact duplicates are coalesced; past `COARSEN_THRESHOLD` (32) fine markers on one table, a
//! transaction's markers there become one table marker — a superset, so no conflict is lost.
//!
//! ## When an edge `R -rw-> W` is recorded (R read something W overwrote, so R serializes before W)
//! * **A write meets a marker** ([`SsiTracker::write_conflict`]): every other serializable
//!   transaction holding a marker that covers the written key (same index, or a table marker)
//!   and overlapping the writer in time — still running, or committed after the writer's snapshot —
//!   gets `holder -rw-> writer`. Doomed holders are skipped (they will abort anyway).
//! * **A read meets a version it cannot see** ([`SsiTracker::read_conflict`]): the reader skipped a
//!   version created, or superseded, by a concurrent transaction: `reader -rw-> writer`, for every
//!   such writer in the chain (creator and deleter: PostgreSQL's `update-conflict-out` fix).
//!
//! ## The dangerous structure
//! `T_in -rw-> pivot -rw-> T_out` (T_in may be T_out: write skew). Every cycle of an SI history
//! has one in which T_out is the first of the cycle to commit, so one fires only when
//! * **commit order**: T_out committed (or passed its pre-commit check) before the pivot and T_in
//!   committed — PostgreSQL's formulation: T_out's *prepare* is compared with the others' commits;
//! * **read-only rule** (Theorem 3 of Ports & Grittner): if T_in is read-only (declared READ ONLY,
//!   or committed without writing), T_out also committed before T_in's snapshot;
//! * no member is doomed (it will abort, which breaks the structure anyway).
//!
//! It is checked when an edge appears (the structures in which the new edge is the first or the
//! second) and at [`SsiTracker::pre_commit`] (the committing transaction as pivot, T_in or T_out).
//! Abort nothing until T_out commits: a structure noticed earlier is resolved by T_out's
//! pre-commit, which dooms a running pivot with an in-edge from itself or from a running, non
//! read-only transaction (a read-only one cannot have a snapshot taken after T_out's commit).
//!
//! ## Victim
//! The pivot while it can be aborted (not yet past its pre-commit check): if it is the caller, the
//! call fails; otherwise it is *doomed* and fails at its next `check_doomed`, `read_conflict`,
//! `write_conflict` or `pre_commit` (a retried pivot no longer overlaps the committed T_out).
//! If the pivot has committed, T_in (then always the caller) fails. Every error is
//! `Error::SerializationFailure` naming the victim, the rule
//! ([`ConflictRule`](crate::error::ConflictRule)`::DangerousStructure`, `DangerousStructureAtCommit`,
//! `PivotCommitted`, `ReadOnlyAnomaly`) and the structure's two edges.
//!
//! ## Freeing
//! An aborted transaction's markers, record and edges go at once ([`SsiTracker::aborted`]). A
//! committed transaction's markers and record are kept until every serializable transaction that
//! overlapped it has ended (PostgreSQL's Corollary 2), then freed; a freed transaction that was
//! the out-partner of a surviving one leaves it a summary (earliest such commit), because it may
//! still be the T_out of a structure through that survivor. With no serializable transaction
//! running, everything is freed ([`SsiTracker::is_idle`]).
//!
//! ## Wiring (what the engine calls, for serializable transactions only)
//! ```text
//!   first statement   snapshot = manager.snapshot(id); ssi.begin(id, &snapshot.running, read_only)
//!   every statement   ssi.check_doomed(id)?
//!   reads             ssi.record_read(id, target) per scan / lookup (see Markers);
//!                     ssi.read_conflict(id, w, "t(k)")? for every concurrent w among the creators
//!                     and deleters of the versions the reader skipped or saw with an unseen deleter
//!   writes            ssi.write_conflict(id, &target, "t(k)")? per key written (after the SI check)
//!   COMMIT            ssi.pre_commit(id)? (always, read-only or not); seq = manager.commit(id);
//!                     ssi.committed(id, seq, wrote)
//!   ROLLBACK / error  ssi.aborted(id)
//! ```
//!
//! "T committed before U's snapshot" is judged from the commit sequence numbers reported to
//! `committed` and the running list given to `begin` (see `graph.rs`). A commit reported after a
//! later snapshot was taken is handled (erring towards false positives). What the tracker cannot
//! see is a transaction that took its snapshot but has not called `begin` yet: a committed
//! transaction overlapping only it could be freed too early, and one that both started after that
//! snapshot and committed before that `begin` would be taken for having ended before the snapshot.
//! The engine closes that window: "snapshot + `begin`" and "commit + `committed`" run under one
//! mutex for serializable transactions (`Engine::ssi_sequence`, used in `txn/transaction.rs`).
//! **So make (snapshot + `begin`) and (`manager.commit` + `committed`) of serializable transactions
//! mutually exclusive** — one small mutex, held for a few instructions.
//!
//! ## Left out
//! Safe snapshots and DEFERRABLE (a read-only transaction keeps its markers to the end), the
//! partial clear when only read-only transactions remain, the PostgreSQL read-only shortcut of
//! not recording an edge to a committed writer, dropping one's own marker on a row one writes,
//! summarising under memory pressure (memory is bounded by overlap, not by a fixed pool),
//! subtransactions (markers and edges belong to the top-level transaction and survive ROLLBACK
//! TO) and two-phase commit.

mod graph;
#[cfg(test)]
mod model_tests;
mod siread;
#[cfg(test)]
mod tests;

use std::ops::Bound;

use parking_lot::Mutex;

use crate::error::{Conflict, ConflictEdge, Error, Result, TxnId};
use crate::storage::TableId;
use crate::types::Key;

use graph::Graph;
use siread::Markers;

/// What a serializable transaction read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadTarget {
    /// A whole table (a scan without a usable index).
    Table(TableId),
    /// A range of an index scanned, gaps included: `index` None = the primary key, Some(i) =
    /// secondary index i. Bounds may hold fewer values than the index has columns: they then
    /// bound the prefix (compare the first bound.len() values of a key with the bound, exactly
    /// like `txn::read::ScanRange`).
    Range { table: TableId, index: Option<u32>, lower: Bound<Key>, upper: Bound<Key> },
}

/// What a write touches: one key of one index (the primary key, or an entry's index-key values
/// of a secondary index; an INSERT writes the new keys, a DELETE the old, an UPDATE both the old
/// and the new of every index whose key changed, and the primary key it keeps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteTarget {
    pub table: TableId,
    pub index: Option<u32>,
    pub key: Key,
}

#[derive(Debug, Default)]
struct State {
    graph: Graph,
    markers: Markers,
}

impl State {
    fn free(&mut self, freed: Vec<TxnId>) {
        for txn in freed {
            self.markers.remove_holder(txn);
        }
    }
}

/// The SSI conflict tracker one database shares; see the module documentation.
#[derive(Debug, Default)]
pub struct SsiTracker {
    state: Mutex<State>,
}

fn failure(conflict: Box<Conflict>) -> Error {
    Error::SerializationFailure(conflict)
}

impl SsiTracker {
    pub fn new() -> SsiTracker {
        SsiTracker::default()
    }

    /// A serializable transaction starts its first statement: its snapshot has just been taken;
    /// `running` is the snapshot's running list. `read_only` if declared READ ONLY.
    pub fn begin(&self, txn: TxnId, running: &[TxnId], read_only: bool) {
        self.state.lock().graph.begin(txn, running, read_only);
    }

    /// `reader` read `target`: leave a SIREAD marker (duplicates coalesced, coarsened past a
    /// threshold). Ignored for a transaction the tracker does not know (not serializable).
    pub fn record_read(&self, reader: TxnId, target: ReadTarget) {
        let mut state = self.state.lock();
        if state.graph.is_running(reader) {
            state.markers.add(reader, target);
        }
    }

    /// A read path met a version `reader` cannot see because `writer` created or superseded it
    /// concurrently: records `reader -rw-> writer` on `object`. Err if `reader` is doomed or this
    /// edge makes it the victim of a dangerous structure.
    pub fn read_conflict(&self, reader: TxnId, writer: TxnId, object: &str) -> Result<()> {
        let mut state = self.state.lock();
        if let Some(conflict) = state.graph.doomed(reader) {
            return Err(failure(conflict));
        }
        state.graph.add_edge(reader, writer, object, reader).map_err(failure)
    }

    /// `writer` wrote `targets` (a row and its index entries), which `object` describes for
    /// messages (called only if an edge is recorded): every other serializable transaction
    /// whose marker covers one and that overlaps the writer gets `holder -rw-> writer`. Err if
    /// `writer` is doomed or must abort now.
    pub fn write_conflict(&self, writer: TxnId, targets: &[WriteTarget], object: &dyn Fn() -> String) -> Result<()> {
        let mut state = self.state.lock();
        if let Some(conflict) = state.graph.doomed(writer) {
            return Err(failure(conflict));
        }
        if !state.graph.knows(writer) {
            return Ok(());
        }
        state.graph.mark_wrote(writer);
        let mut described = None;
        for target in targets {
            for holder in state.markers.holders(target) {
                if state.graph.overlaps(holder, writer) {
                    let object = described.get_or_insert_with(object);
                    state.graph.add_edge(holder, writer, object, writer).map_err(failure)?;
                }
            }
        }
        Ok(())
    }

    /// Err if `txn` has been doomed by another transaction's check.
    pub fn check_doomed(&self, txn: TxnId) -> Result<()> {
        match self.state.lock().graph.doomed(txn) {
            Some(conflict) => Err(failure(conflict)),
            None => Ok(()),
        }
    }

    /// The pre-commit check, before the commit becomes visible: Err if `txn` is doomed or is the
    /// victim of a dangerous structure its commit would complete; a running pivot of a structure
    /// `txn` completes as T_out is doomed instead. On success `txn` can no longer be doomed.
    pub fn pre_commit(&self, txn: TxnId) -> Result<()> {
        self.state.lock().graph.pre_commit(txn).map_err(failure)
    }

    /// `txn` committed at position `commit_seq` of the global commit order.
    pub fn committed(&self, txn: TxnId, commit_seq: u64, wrote: bool) {
        let mut state = self.state.lock();
        let freed = state.graph.committed(txn, commit_seq, wrote);
        state.free(freed);
    }

    /// `txn` aborted: its markers and all its edges go at once.
    pub fn aborted(&self, txn: TxnId) {
        let mut state = self.state.lock();
        let freed = state.graph.aborted(txn);
        state.free(freed);
        // Markers of a transaction the graph never knew (none are taken) or already freed.
        state.markers.remove_holder(txn);
    }

    /// True when no record, marker or edge remains.
    pub fn is_idle(&self) -> bool {
        let state = self.state.lock();
        state.graph.is_empty() && state.markers.count() == 0
    }

    /// The current rw-edges, ordered by (from, to).
    pub fn edges(&self) -> Vec<ConflictEdge> {
        self.state.lock().graph.edges()
    }

    /// How many SIREAD markers are held.
    pub fn marker_count(&self) -> usize {
        self.state.lock().markers.count()
    }
}
