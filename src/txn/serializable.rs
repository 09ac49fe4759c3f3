//! SERIALIZABLE: serializable snapshot isolation, wired into the read and write paths.
//!
//! A SERIALIZABLE transaction runs exactly as SNAPSHOT does (one snapshot, first updater
//! wins) and in addition tells the conflict tracker (`ssi/`) what it reads and writes:
//!
//! * every scan leaves a SIREAD marker on what it covered: the primary-key or index range it
//!   scanned, gaps included, or the whole table for a scan without bounds;
//! * every chain a scan examines is checked for versions the snapshot cannot see because a
//!   concurrent transaction created or superseded them: an rw-antidependency from the reader
//!   to each such transaction, creator and deleter alike (the bug Jepsen found in PostgreSQL
//!   12.3 was forgetting the creator);
//! * every write reports the keys it touches (primary key, and the row's key in every secondary
//!   index, before and after), so that the tracker finds the markers of concurrent readers,
//!   whichever index they found the row through; it reports them under the table's write lock,
//!   before the version goes in (a marker goes in before its scan reads: one of the two
//!   paths always sees the other);
//! * commit runs the tracker's pre-commit check first; abort drops every marker and edge.
//!
//! The tracker decides when a dangerous structure must abort whom; see `ssi/mod.rs`. Only
//! SERIALIZABLE transactions take part: edges to or from transactions at other levels are not
//! recorded, as in PostgreSQL, so mixing levels weakens the guarantee.

use std::ops::Bound;

use crate::error::{Result, TxnId};
use crate::storage::{Chain, Table, NO_TXN};
use crate::types::{Key, Value};

use super::describe;
use super::read::ScanRange;
use super::snapshot::Snapshot;
use super::ssi::{ReadTarget, WriteTarget};
use super::transaction::Transaction;
use super::visibility::TxnStatus;
use super::IsolationLevel;

impl Transaction {
    pub(super) fn is_serializable(&self) -> bool {
        self.level() == IsolationLevel::Serializable
    }

    /// Leaves a SIREAD marker on the range a scan covers (`index` None = the primary key).
    pub(super) fn ssi_mark_scan(&self, table: &Table, index: Option<u32>, range: &ScanRange) {
        let target = match (index, &range.lower, &range.upper) {
            (None, Bound::Unbounded, Bound::Unbounded) => ReadTarget::Table(table.id),
            _ => ReadTarget::Range { table: table.id, index, lower: range.lower.clone(), upper: range.upper.clone() },
        };
        self.engine.ssi.record_read(self.id, target);
    }

    /// The transactions whose versions in `chain` this reader's snapshot cannot see although
    /// they are there: concurrent creators and deleters (not aborted, not this transaction).
    pub(super) fn ssi_invisible_writers(&self, chain: &Chain, snapshot: &Snapshot) -> Vec<TxnId> {
        let concurrent =
            |t: TxnId| t != NO_TXN && t != self.id && !snapshot.includes(t) && self.status(t) != TxnStatus::Aborted;
        let mut writers = Vec::new();
        for version in &chain.versions {
            for t in [version.xmin, version.xmax] {
                if concurrent(t) && !writers.contains(&t) {
                    writers.push(t);
                }
            }
        }
        writers
    }

    /// Records reader -rw-> writer for each writer a scan found in the chain of `key`.
    pub(super) fn ssi_read_conflicts(&self, table: &Table, found: Vec<(Key, Vec<TxnId>)>) -> Result<()> {
        let schema = table.schema();
        for (key, writers) in found {
            let object = describe::row(&schema, &key);
            for writer in writers {
                self.engine.ssi.read_conflict(self.id, writer, &object)?;
            }
        }
        Ok(())
    }

    /// Reports a write of the row `key` of `table`: its primary key, and its key in every
    /// secondary index, old and new (an INSERT has no `old`, a DELETE no `new`). An unchanged
    /// index key is reported too: a reader that found the row through that index read the row.
    ///
    /// Call it with the table's write lock held, before the new version goes in. A reader
    /// leaves its marker before it takes the read lock, so either the marker is there for this
    /// check (write path), or the reader reads after the version is in and sees it as invisible
    /// (read path). Reported before taking the write lock, a reader could mark and read in
    /// between, and the edge would be lost on both paths.
    pub(super) fn ssi_note_write(
        &self,
        table: &Table,
        key: &Key,
        old: Option<&[Value]>,
        new: Option<&[Value]>,
    ) -> Result<()> {
        if !self.is_serializable() {
            return Ok(());
        }
        let schema = table.schema();
        let mut targets = vec![WriteTarget { table: table.id, index: None, key: key.clone() }];
        for (position, index) in schema.indexes.iter().enumerate() {
            let key_of = |data: &[Value]| Key::of_columns(data, &index.columns);
            let (before, after) = (old.map(key_of), new.map(key_of));
            let after = after.filter(|a| before.as_ref() != Some(a));
            for index_key in [before, after].into_iter().flatten() {
                targets.push(WriteTarget { table: table.id, index: Some(position as u32), key: index_key });
            }
        }
        // Described only if a conflict is recorded.
        self.engine.ssi.write_conflict(self.id, &targets, &|| describe::row(&schema, key))
    }
}
