//! Strict two-phase locking with index-range (next-key) locks.
//!
//! A TWO PHASE LOCKING transaction takes a lock before every read and every write, and keeps
//! every lock until it commits or aborts. It reads the **latest committed** version of what it
//! has locked (no snapshot: the locks keep what it read from changing).
//!
//! ## What each operation locks
//!
//! | operation                                  | table | records                          | gaps                              |
//! |--------------------------------------------|-------|----------------------------------|-----------------------------------|
//! | read, whole table (no usable index)        | S     | —                                | —                                 |
//! | read through the primary key               | IS    | S on every key examined          | the gap before each key examined, and the gap before the key that ends the range (or after the last key) |
//! | read through a secondary index             | IS    | S on every index entry examined and on its row | as above, in the index   |
//! | UPDATE / DELETE / FOR UPDATE scans         | IX (X for a whole-table scan) | X instead of S | as for reads                   |
//! | INSERT (and an UPDATE's new key or entry)  | IX    | X on the new key / entry         | insert intention on the gap it goes into |
//!
//! A record lock plus the gap lock before it is a *next-key lock*: scanning keys 10, 11, 13
//! for `id BETWEEN 10 AND 12` locks (…, 10], (10, 11], (11, 13): an insert of 12 waits, an
//! insert of 14 does not. An equality lookup of a whole primary key that finds its row locks
//! only that row. Gap locks never wait; an insert's *insert intention* waits while another
//! transaction holds a gap lock on the gap it goes into. That is what stops phantoms.
//!
//! ## Reading and locking without races
//! A scan step reads which key comes next (under the table's read lock, released), locks the
//! gap before it and the key (waiting, if needed, with no table lock held), then checks that
//! the same key still comes next: if another transaction inserted before it in between, the
//! step is retried and locks the new key too. An insert checks for conflicting gap locks and
//! appends its version under the table's write lock without waiting (waiting, if needed,
//! happens outside, then the insert starts over), and the new key's gap inherits the gap
//! locks of the gap it split, so a range locked before the insert stays locked after it.
//!
//! Deadlocks are found by the lock manager on every wait (the request that closes the cycle is
//! refused with 40P01). Vacuum never removes a key that has locks on it or on its gap, so gap
//! locks always stand on real keys.

use std::borrow::Cow;
use std::ops::Bound;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::storage::{IndexEntry, Table, TableData};
use crate::types::Key;

use super::lock_manager::{GapEnd, IndexId, LockMode, LockTarget, WaitPolicy};
use super::read::{visible_version, ScanRange, VisibleRow};
use super::snapshot::Snapshot;
use super::transaction::Transaction;
use super::visibility::Reader;

/// Whether a statement only reads or also writes what it scans; decides S or X record locks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatementIntent {
    #[default]
    Read,
    Write,
}

/// The outcome of one locking scan step.
pub(super) enum Step {
    Row(VisibleRow),
    /// A row, and the scan is complete (an equality lookup that found its key).
    Last(VisibleRow),
    /// The key examined is not returned (not visible, below the lower bound, or the structure
    /// changed and the step must be retried); go on.
    Skip,
    /// The range is exhausted: its end is locked.
    Done,
}

/// The entry key an index record lock names: index key values, then primary-key values.
pub(super) fn entry_key(entry: &IndexEntry) -> Key {
    Key::from_values(entry.key.values().iter().chain(entry.pk.values()).cloned().collect())
}

fn gap(table: &Table, index: IndexId, before: GapEnd) -> LockTarget {
    LockTarget::Gap { table: table.id, index, before }
}

impl Transaction {
    /// The record lock mode scans of the current statement take.
    fn record_mode(&self) -> LockMode {
        match self.intent() {
            StatementIntent::Read => LockMode::Shared,
            StatementIntent::Write => LockMode::Exclusive,
        }
    }

    fn lock(&self, target: LockTarget, mode: LockMode) -> Result<()> {
        self.enter_lock_manager();
        self.engine.locks.acquire(self.id, target, mode, self.wait_policy(false))
    }

    /// Locks the table for a scan: S or X for a whole-table scan (which then needs no row
    /// locks), IS or IX for a range scan.
    pub(super) fn lock_table_for_scan(&self, table: &Table, whole_table: bool) -> Result<()> {
        let mode = match (whole_table, self.intent()) {
            (true, StatementIntent::Read) => LockMode::Shared,
            (true, StatementIntent::Write) => LockMode::Exclusive,
            (false, StatementIntent::Read) => LockMode::IntentionShared,
            (false, StatementIntent::Write) => LockMode::IntentionExclusive,
        };
        self.lock(LockTarget::Table(table.id), mode)
    }

    /// The version of `chain` a locking reader sees: the latest committed one, or its own.
    fn latest_version(&self, key: &Key, data: &TableData) -> Option<VisibleRow> {
        let chain = data.chain(key)?;
        let reader = Reader { me: self.id, cid: self.cid(), snapshot: &Snapshot::LATEST };
        visible_version(chain, reader, &|t| self.status(t)).map(|v| VisibleRow::of(key, v))
    }

    /// One step of a locking primary-key scan; `resume` is where the scan stands.
    pub(super) fn locking_primary_step(
        &self,
        table: &Arc<Table>,
        range: &ScanRange,
        resume: &mut Bound<Key>,
    ) -> Result<Step> {
        let first_at = |data: &TableData| data.rows().range_from(resume.as_ref()).next().map(|(k, _)| k.into_owned());
        // An equality on the whole primary key that finds its key locks only that row.
        if let Some(key) = range.exact_key(table.schema().primary_key.len()) {
            if matches!(resume, Bound::Included(_)) && table.read().chain(&key).is_some() {
                self.lock(LockTarget::Row { table: table.id, key: key.clone() }, self.record_mode())?;
                *resume = Bound::Excluded(key.clone());
                let row = self.latest_version(&key, &table.read());
                return Ok(row.map_or(Step::Done, Step::Last));
            }
        }
        let next = first_at(&table.read());
        let end = next.clone().map_or(GapEnd::Supremum, GapEnd::Key);
        self.lock(gap(table, IndexId::Primary, end), LockMode::Gap)?;
        let in_range = next.as_ref().is_some_and(|k| range.below_upper(k));
        if let (true, Some(key)) = (in_range, &next) {
            self.lock(LockTarget::Row { table: table.id, key: key.clone() }, self.record_mode())?;
        }
        let data = table.read();
        if first_at(&data) != next {
            return Ok(Step::Skip);
        }
        let Some(key) = next.filter(|_| in_range) else { return Ok(Step::Done) };
        *resume = Bound::Excluded(key.clone());
        if !range.above_lower(&key) {
            return Ok(Step::Skip);
        }
        Ok(self.latest_version(&key, &data).map_or(Step::Skip, Step::Row))
    }

    /// One step of a locking scan of secondary index `position`.
    pub(super) fn locking_index_step(
        &self,
        table: &Arc<Table>,
        position: usize,
        range: &ScanRange,
        resume: &mut Bound<IndexEntry>,
    ) -> Result<Step> {
        let index = IndexId::Secondary(position as u32);
        let first_at = |data: &TableData| {
            data.indexes().get(position).and_then(|i| i.entries.range_from(resume.as_ref()).next().map(Cow::into_owned))
        };
        let next = first_at(&table.read());
        let end = next.as_ref().map_or(GapEnd::Supremum, |e| GapEnd::Key(entry_key(e)));
        self.lock(gap(table, index, end), LockMode::Gap)?;
        let in_range = next.as_ref().is_some_and(|e| range.below_upper(&e.key));
        if let (true, Some(entry)) = (in_range, &next) {
            let mode = self.record_mode();
            self.lock(LockTarget::IndexRecord { table: table.id, index, entry: entry_key(entry) }, mode)?;
            self.lock(LockTarget::Row { table: table.id, key: entry.pk.clone() }, mode)?;
        }
        let data = table.read();
        if first_at(&data) != next {
            return Ok(Step::Skip);
        }
        let Some(entry) = next.filter(|_| in_range) else { return Ok(Step::Done) };
        *resume = Bound::Excluded(entry.clone());
        if !range.above_lower(&entry.key) {
            return Ok(Step::Skip);
        }
        let Some(index_data) = data.indexes().get(position) else { return Ok(Step::Done) };
        Ok(match self.latest_version(&entry.pk, &data) {
            // The entry may belong to another version of the row.
            Some(row) if index_data.key_of(&row.data) == entry.key => Step::Row(row),
            _ => Step::Skip,
        })
    }

    /// The locks an insert of `data` under primary key `key` needs, in order, with the gap each
    /// new entry splits (to hand its gap locks on). `old` is the row an UPDATE replaces.
    pub(super) fn insert_locks(
        &self,
        table: &Table,
        rows: &TableData,
        key: &Key,
        data: &[crate::types::Value],
        old: Option<&VisibleRow>,
    ) -> Vec<NewEntryLocks> {
        let mut out = Vec::new();
        if old.is_none_or(|o| &o.key != key) {
            let successor = rows.rows().range_from(Bound::Excluded(key)).next();
            let split =
                gap(table, IndexId::Primary, successor.map_or(GapEnd::Supremum, |(k, _)| GapEnd::Key(k.into_owned())));
            out.push(NewEntryLocks {
                split,
                new_gap: gap(table, IndexId::Primary, GapEnd::Key(key.clone())),
                record: LockTarget::Row { table: table.id, key: key.clone() },
            });
        }
        for (position, index) in rows.indexes().iter().enumerate() {
            let entry = IndexEntry { key: index.key_of(data), pk: key.clone() };
            if old.is_some_and(|o| index.key_of(&o.data) == entry.key && &o.key == key) {
                continue;
            }
            let id = IndexId::Secondary(position as u32);
            let successor = index.entries.range_from(Bound::Excluded(&entry)).next();
            out.push(NewEntryLocks {
                split: gap(table, id, successor.map_or(GapEnd::Supremum, |e| GapEnd::Key(entry_key(&e)))),
                new_gap: gap(table, id, GapEnd::Key(entry_key(&entry))),
                record: LockTarget::IndexRecord { table: table.id, index: id, entry: entry_key(&entry) },
            });
        }
        out
    }

    /// Tries, without waiting, to take every lock an insert needs (table IX, then for each new
    /// entry the insert intention on the gap it splits and X on the entry). Returns the first
    /// lock that would have to wait, for the caller to wait for outside the table lock.
    pub(super) fn try_insert_locks(
        &self,
        table: &Table,
        entries: &[NewEntryLocks],
    ) -> Result<Option<(LockTarget, LockMode)>> {
        let mut wanted = vec![(LockTarget::Table(table.id), LockMode::IntentionExclusive)];
        for e in entries {
            wanted.push((e.split.clone(), LockMode::InsertIntention));
            wanted.push((e.record.clone(), LockMode::Exclusive));
        }
        for (target, mode) in wanted {
            self.enter_lock_manager();
            match self.engine.locks.acquire(self.id, target.clone(), mode, WaitPolicy::NoWait) {
                Ok(()) => {}
                Err(Error::LockNotAvailable(_)) => return Ok(Some((target, mode))),
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    /// Waits for a lock an insert needs (after [`try_insert_locks`](Self::try_insert_locks)
    /// reported it busy), so that the insert can start over.
    pub(super) fn wait_for_lock(&self, target: LockTarget, mode: LockMode) -> Result<()> {
        self.lock(target, mode)
    }

    /// After the insert: each new entry's gap inherits the gap locks of the gap it split.
    pub(super) fn inherit_split_gaps(&self, entries: Vec<NewEntryLocks>) {
        for e in entries {
            self.engine.locks.inherit_gap_locks(&e.split, e.new_gap);
        }
    }
}

/// What inserting one new entry (a primary key or a secondary-index entry) locks.
pub(super) struct NewEntryLocks {
    /// The gap the entry goes into (named by the entry after it).
    split: LockTarget,
    /// The gap before the new entry, once inserted.
    new_gap: LockTarget,
    /// The new entry's record.
    record: LockTarget,
}
