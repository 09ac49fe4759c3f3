//! Reading through a snapshot: point probes, primary-key scans and index scans.
//!
//! Scans run in batches: each batch takes the table's read lock, examines up to
//! [`BATCH`] chains, copies out the versions the reader sees (an `Arc` clone per row), and
//! releases the lock; the next batch resumes after the last key examined. So a long scan never
//! holds a lock that would stall writers for its whole duration, and what it returns is still
//! exactly what its snapshot sees: versions that appear between batches are invisible to it.
//! Each batch (and each step of a locking scan) first checks the transaction's interrupt, so a
//! cancelled statement stops within one batch, even on a scan that finds no visible row.
//!
//! ## Ranges over key prefixes
//! A [`ScanRange`] bound may hold fewer values than the index has columns; it then bounds the
//! prefix. On an index over `(a, b)`, `lower = Included([5])` starts at the first entry with
//! `a >= 5` and `upper = Included([5])` stops after the last entry with `a = 5`.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;

use crate::error::{Result, TxnId};
use crate::storage::{Chain, IndexEntry, RowData, Table, Version};
use crate::types::{Key, Value};

use super::transaction::Transaction;
use super::two_phase_locking::Step;
use super::visibility::{is_visible, Reader, TxnStatus};
use super::IsolationLevel;

/// How many chains one batch of a scan examines under the table's read lock.
const BATCH: usize = 256;

/// A row as a reader sees it: the version its snapshot selects.
#[derive(Clone, Debug)]
pub struct VisibleRow {
    pub key: Key,
    pub data: RowData,
    /// The transaction that created this version.
    pub xmin: TxnId,
    /// The transaction that deleted or superseded it (one the reader does not see), or 0.
    pub xmax: TxnId,
}

impl VisibleRow {
    pub(super) fn of(key: &Key, version: &Version) -> VisibleRow {
        VisibleRow { key: key.clone(), data: version.data.clone(), xmin: version.xmin, xmax: version.xmax }
    }

    /// Whether `version` is the one this row was read from.
    pub(super) fn is_version(&self, version: &Version) -> bool {
        Arc::ptr_eq(&self.data, &version.data)
    }
}

/// A range of keys; see the module documentation for prefix bounds.
#[derive(Clone, Debug)]
pub struct ScanRange {
    pub lower: Bound<Key>,
    pub upper: Bound<Key>,
}

impl ScanRange {
    /// Every key.
    pub fn all() -> ScanRange {
        ScanRange { lower: Bound::Unbounded, upper: Bound::Unbounded }
    }

    /// Exactly `key` (or every key with prefix `key`).
    pub fn point(key: Key) -> ScanRange {
        ScanRange { lower: Bound::Included(key.clone()), upper: Bound::Included(key) }
    }

    /// Compares the first `bound.len()` values of `key` with `bound`.
    fn compare_prefix(key: &Key, bound: &Key) -> Ordering {
        let n = bound.values().len().min(key.values().len());
        key.values()[..n].cmp(bound.values())
    }

    /// The key of an equality on all `arity` columns, if this range is one.
    pub(super) fn exact_key(&self, arity: usize) -> Option<Key> {
        match (&self.lower, &self.upper) {
            (Bound::Included(a), Bound::Included(b)) if a == b && a.values().len() == arity => Some(a.clone()),
            _ => None,
        }
    }

    fn is_whole(&self) -> bool {
        matches!((&self.lower, &self.upper), (Bound::Unbounded, Bound::Unbounded))
    }

    #[inline]
    pub(super) fn above_lower(&self, key: &Key) -> bool {
        match &self.lower {
            Bound::Unbounded => true,
            Bound::Included(b) => Self::compare_prefix(key, b) != Ordering::Less,
            Bound::Excluded(b) => Self::compare_prefix(key, b) == Ordering::Greater,
        }
    }

    #[inline]
    pub(super) fn below_upper(&self, key: &Key) -> bool {
        match &self.upper {
            Bound::Unbounded => true,
            Bound::Included(b) => Self::compare_prefix(key, b) != Ordering::Greater,
            Bound::Excluded(b) => Self::compare_prefix(key, b) == Ordering::Less,
        }
    }

    /// Where an ordered walk must start: every key above the lower bound is at or after it.
    fn start(&self) -> Bound<Key> {
        match &self.lower {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Included(b) | Bound::Excluded(b) => Bound::Included(b.clone()),
        }
    }
}

/// Transaction statuses for one batch of a scan, remembering the last final one: the rows of a
/// table were mostly written by few transactions (a bulk load by one), so most lookups repeat
/// the previous one. Only final statuses (committed, aborted) are remembered: an in-progress
/// one is looked up again.
struct StatusMemo<'t> {
    txn: &'t Transaction,
    last: std::cell::Cell<Option<(TxnId, TxnStatus)>>,
}

impl<'t> StatusMemo<'t> {
    fn new(txn: &'t Transaction) -> Self {
        StatusMemo { txn, last: std::cell::Cell::new(None) }
    }

    // The hit is inlined into the scan loops; the lookup stays out of line.
    #[inline]
    fn get(&self, t: TxnId) -> TxnStatus {
        match self.last.get() {
            Some((id, status)) if id == t => status,
            _ => self.look_up(t),
        }
    }

    #[inline(never)]
    fn look_up(&self, t: TxnId) -> TxnStatus {
        let status = self.txn.status(t);
        if status != TxnStatus::InProgress {
            self.last.set(Some((t, status)));
        }
        status
    }
}

/// The version of `chain` that `reader` sees, if any (newest first: at most one is visible).
#[inline]
pub(super) fn visible_version<'c>(
    chain: &'c Chain,
    reader: Reader<'_>,
    status: &impl Fn(TxnId) -> TxnStatus,
) -> Option<&'c Version> {
    chain.versions.iter().rev().find(|v| is_visible(v, reader, status))
}

impl Transaction {
    /// The rows in `range` of the primary key, in key order.
    pub fn scan<'a>(&'a self, table: &'a Arc<Table>, range: ScanRange) -> TableScan<'a> {
        if self.is_serializable() {
            self.ssi_mark_scan(table, None, &range);
        }
        let schema = table.schema();
        let exact = if schema.has_hidden_row_id() { None } else { range.exact_key(schema.primary_key.len()) };
        TableScan {
            txn: self,
            table,
            resume: range.start(),
            range,
            exact,
            buffer: VecDeque::new(),
            done: false,
            locking: None,
        }
    }

    /// The rows whose key in secondary index `index` is in `range`, in index order. A row is
    /// returned once, and only if the version this statement sees has a key in the range.
    pub fn index_scan<'a>(&'a self, table: &'a Arc<Table>, index: usize, range: ScanRange) -> IndexScan<'a> {
        if self.is_serializable() {
            self.ssi_mark_scan(table, Some(index as u32), &range);
        }
        let resume = match range.start() {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Included(k) | Bound::Excluded(k) => Bound::Included(IndexEntry::first_with(k)),
        };
        IndexScan { txn: self, table, index, range, resume, buffer: VecDeque::new(), done: false, locked_table: false }
    }
}

/// Runs locking scan steps of `txn` until one yields a row, the range ends (`done`), or an
/// error (an interrupt included) ends the scan.
fn drive_locking_steps(
    txn: &Transaction,
    done: &mut bool,
    mut step: impl FnMut() -> Result<Step>,
) -> Option<Result<VisibleRow>> {
    while !*done {
        match txn.check_interrupt().and_then(|()| step()) {
            Ok(Step::Row(row)) => return Some(Ok(row)),
            Ok(Step::Last(row)) => {
                *done = true;
                return Some(Ok(row));
            }
            Ok(Step::Skip) => {}
            Ok(Step::Done) => *done = true,
            Err(e) => {
                *done = true;
                return Some(Err(e));
            }
        }
    }
    None
}

/// A primary-key range scan; see [`Transaction::scan`].
pub struct TableScan<'a> {
    txn: &'a Transaction,
    table: &'a Arc<Table>,
    range: ScanRange,
    /// The whole primary key when the range is one key: one probe instead of a range walk.
    exact: Option<Key>,
    resume: Bound<Key>,
    buffer: VecDeque<VisibleRow>,
    done: bool,
    /// Under two-phase locking, once the table is locked: whether the scan covers the whole
    /// table (then the table lock covers every row, and rows are read in batches).
    locking: Option<bool>,
}

impl TableScan<'_> {
    /// Reads the next batch of chains under the table's read lock, handing each visible version
    /// to `sink` (compiled into the loop: no call through `dyn` per row); `done` once the range
    /// is exhausted. A whole-table scan tests no bounds per key. Stops at `sink`'s first error.
    fn fill(&mut self, sink: &mut impl FnMut(&Key, &Version) -> Result<()>) -> Result<()> {
        self.txn.check_interrupt()?;
        let status = StatusMemo::new(self.txn);
        let status = |t| status.get(t);
        let serializable = self.txn.is_serializable();
        let range = &self.range;
        let whole = range.is_whole();
        let (resume, done) = (&mut self.resume, &mut self.done);
        let mut conflicts = Vec::new();
        let read = self.txn.with_reader(|reader| {
            let data = self.table.read();
            let mut visit = |key: &Key, chain: &Chain| {
                if serializable {
                    let writers = self.txn.ssi_invisible_writers(chain, reader.snapshot);
                    if !writers.is_empty() {
                        conflicts.push((key.clone(), writers));
                    }
                }
                match visible_version(chain, reader, &status) {
                    Some(v) => sink(key, v),
                    None => Ok(()),
                }
            };
            *done = true;
            if let Some(key) = &self.exact {
                return match data.chain(key) {
                    Some(chain) => visit(key, chain),
                    None => Ok(()),
                };
            }
            for (examined, (key, chain)) in data.rows().range_from(resume.as_ref()).enumerate() {
                if examined == BATCH {
                    *resume = Bound::Included(key.into_owned());
                    *done = false;
                    break;
                }
                if !whole && !range.below_upper(&key) {
                    break;
                }
                if whole || range.above_lower(&key) {
                    visit(&key, chain)?;
                }
            }
            Ok(())
        });
        self.txn.ssi_read_conflicts(self.table, conflicts)?;
        read
    }

    /// Hands the values of every row of the scan to `f`, in key order: for consumers that only
    /// look at values (aggregates). A scan of the whole table reads them in batches where they
    /// are stored, without copying them out; a narrower one reads row by row. Visibility, SSI
    /// markers and conflicts, two-phase locking and cancellation are those of iterating the
    /// scan; `f` runs under the table's read lock (one batch at a time), so it must not call
    /// into the engine. Stops at the first error, `f`'s or the scan's.
    pub fn for_each_row(mut self, mut f: impl FnMut(&[Value]) -> Result<()>) -> Result<()> {
        if !self.range.is_whole() {
            for row in self {
                f(&row?.data)?;
            }
            return Ok(());
        }
        if self.txn.level() == IsolationLevel::TwoPhaseLocking {
            // The table lock covers every row: no row lock to take, rows are read in batches.
            self.txn.lock_table_for_scan(self.table, true)?;
        }
        while !self.done {
            self.fill(&mut |_, version| f(&version.data))?;
        }
        Ok(())
    }
}

impl TableScan<'_> {
    /// The next row under two-phase locking: lock, then read (see `two_phase_locking.rs`).
    fn next_locking(&mut self) -> Option<Result<VisibleRow>> {
        let whole = match self.locking {
            Some(whole) => whole,
            None => {
                let whole = self.range.is_whole();
                if let Err(e) = self.txn.lock_table_for_scan(self.table, whole) {
                    self.done = true;
                    return Some(Err(e));
                }
                self.locking = Some(whole);
                whole
            }
        };
        if whole {
            return self.next_batched();
        }
        let (txn, table, range, resume) = (self.txn, self.table, &self.range, &mut self.resume);
        drive_locking_steps(txn, &mut self.done, || txn.locking_primary_step(table, range, resume))
    }

    fn next_batched(&mut self) -> Option<Result<VisibleRow>> {
        while self.buffer.is_empty() && !self.done {
            let mut buffer = std::mem::take(&mut self.buffer);
            let filled = self.fill(&mut |key, version| {
                buffer.push_back(VisibleRow::of(key, version));
                Ok(())
            });
            self.buffer = buffer;
            if let Err(e) = filled {
                self.done = true;
                return Some(Err(e));
            }
        }
        self.buffer.pop_front().map(Ok)
    }
}

impl Iterator for TableScan<'_> {
    type Item = Result<VisibleRow>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.txn.level() == IsolationLevel::TwoPhaseLocking {
            return self.next_locking();
        }
        self.next_batched()
    }
}

/// A secondary-index range scan; see [`Transaction::index_scan`].
pub struct IndexScan<'a> {
    txn: &'a Transaction,
    table: &'a Arc<Table>,
    index: usize,
    range: ScanRange,
    resume: Bound<IndexEntry>,
    buffer: VecDeque<VisibleRow>,
    done: bool,
    /// Under two-phase locking: whether the table's intention lock is taken.
    locked_table: bool,
}

impl IndexScan<'_> {
    fn fill(&mut self) -> Result<()> {
        self.txn.check_interrupt()?;
        let status = StatusMemo::new(self.txn);
        let status = |t| status.get(t);
        let serializable = self.txn.is_serializable();
        let (range, position) = (&self.range, self.index);
        let (buffer, resume, done) = (&mut self.buffer, &mut self.resume, &mut self.done);
        let mut conflicts = Vec::new();
        self.txn.with_reader(|reader| {
            let data = self.table.read();
            let Some(index) = data.indexes().get(position) else {
                *done = true;
                return;
            };
            for (examined, entry) in index.entries.range_from(resume.as_ref()).enumerate() {
                if examined == BATCH {
                    *resume = Bound::Included(entry.into_owned());
                    return;
                }
                if !range.below_upper(&entry.key) {
                    break;
                }
                if !range.above_lower(&entry.key) {
                    continue;
                }
                let Some(chain) = data.chain(&entry.pk) else { continue };
                if serializable {
                    let writers = self.txn.ssi_invisible_writers(chain, reader.snapshot);
                    if !writers.is_empty() {
                        conflicts.push((entry.pk.clone(), writers));
                    }
                }
                if let Some(v) = visible_version(chain, reader, &status) {
                    // The entry may belong to another version of the row.
                    if index.key_of(&v.data) == entry.key {
                        buffer.push_back(VisibleRow::of(&entry.pk, v));
                    }
                }
            }
            *done = true;
        });
        self.txn.ssi_read_conflicts(self.table, conflicts)
    }
}

impl IndexScan<'_> {
    /// The next row under two-phase locking: lock, then read (see `two_phase_locking.rs`).
    fn next_locking(&mut self) -> Option<Result<VisibleRow>> {
        if !self.locked_table {
            if let Err(e) = self.txn.lock_table_for_scan(self.table, false) {
                self.done = true;
                return Some(Err(e));
            }
            self.locked_table = true;
        }
        let (txn, table, index, range, resume) = (self.txn, self.table, self.index, &self.range, &mut self.resume);
        drive_locking_steps(txn, &mut self.done, || txn.locking_index_step(table, index, range, resume))
    }
}

impl Iterator for IndexScan<'_> {
    type Item = Result<VisibleRow>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.txn.level() == IsolationLevel::TwoPhaseLocking {
            return self.next_locking();
        }
        while self.buffer.is_empty() && !self.done {
            if let Err(e) = self.fill() {
                self.done = true;
                return Some(Err(e));
            }
        }
        self.buffer.pop_front().map(Ok)
    }
}
