//! SIREAD markers: what each serializable transaction read, and which markers cover a written key.
//!
//! Three shapes, all derived from [`ReadTarget`]:
//!
//! ```text
//!   table    Table(t)                                   covers every key of every index of t
//!   point    Range { lower: Included(k), upper: Included(k) }   covers k and every key with prefix k
//!   range    any other Range                            covers the keys between the bounds, gaps included
//! ```
//!
//! Points (the common case: a primary-key lookup, one row read) are kept in one hash map by
//! (table, index, key) and found with one lookup per prefix length of the written key; other
//! ranges are kept in a list per index and tested one by one. A transaction's fine markers on
//! one table are replaced by one table marker when they pass [`COARSEN_THRESHOLD`]: the table
//! marker covers a superset, so no conflict is lost (only false positives are gained), and
//! since everything happens under the tracker's one mutex no writer can look in between.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::BTreeSet;
use std::ops::Bound;

use crate::error::TxnId;
use crate::fast_hash::FastHashMap;
use crate::storage::TableId;
use crate::types::Key;

use super::{ReadTarget, WriteTarget};

/// Fine markers (points and ranges) one transaction may hold on one table before they are
/// replaced by one table marker (PostgreSQL promotes at 31 page/tuple locks per relation).
pub(super) const COARSEN_THRESHOLD: usize = 32;

/// An index of a table: `None` is the primary key.
type IndexOf = (TableId, Option<u32>);

/// A point marker's place: a key of an index of a table.
type Point = (TableId, Option<u32>, Key);

/// A fine marker as its holder remembers it (to find and remove it again).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fine {
    index: Option<u32>,
    lower: Bound<Key>,
    upper: Bound<Key>,
}

impl Fine {
    /// The key of a point marker (`[k, k]`), if this is one.
    fn point(&self) -> Option<&Key> {
        match (&self.lower, &self.upper) {
            (Bound::Included(a), Bound::Included(b)) if a == b => Some(a),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct RangeMarker {
    holder: TxnId,
    lower: Bound<Key>,
    upper: Bound<Key>,
}

/// The markers one transaction holds.
#[derive(Debug, Default)]
struct Held {
    tables: BTreeSet<TableId>,
    fine: FastHashMap<TableId, Vec<Fine>>,
}

/// Every SIREAD marker, indexed both by target (for writers) and by holder (for cleanup).
#[derive(Debug, Default)]
pub(super) struct Markers {
    tables: FastHashMap<TableId, BTreeSet<TxnId>>,
    /// The holders of each point, in the order they came.
    points: FastHashMap<Point, Vec<TxnId>>,
    ranges: FastHashMap<IndexOf, Vec<RangeMarker>>,
    held: FastHashMap<TxnId, Held>,
    count: usize,
}

/// Compares the first `bound.len()` values of `key` with `bound` (as `txn::read::ScanRange`).
fn compare_prefix(key: &Key, bound: &Key) -> Ordering {
    let n = bound.values().len().min(key.values().len());
    key.values()[..n].cmp(bound.values())
}

/// Whether `key` lies between the bounds, comparing prefixes.
fn in_range(key: &Key, lower: &Bound<Key>, upper: &Bound<Key>) -> bool {
    let above = match lower {
        Bound::Unbounded => true,
        Bound::Included(b) => compare_prefix(key, b) != Ordering::Less,
        Bound::Excluded(b) => compare_prefix(key, b) == Ordering::Greater,
    };
    let below = match upper {
        Bound::Unbounded => true,
        Bound::Included(b) => compare_prefix(key, b) != Ordering::Greater,
        Bound::Excluded(b) => compare_prefix(key, b) == Ordering::Less,
    };
    above && below
}

impl Markers {
    /// How many markers are held in all (a table marker counts one, as does each point or range).
    pub(super) fn count(&self) -> usize {
        self.count
    }

    /// Leaves `holder`'s marker on `target`: a no-op if the same marker or a table marker on the
    /// same table is already held; coarsens to a table marker past the threshold.
    pub(super) fn add(&mut self, holder: TxnId, target: ReadTarget) {
        let (table, fine) = match target {
            ReadTarget::Table(table) => return self.add_table(holder, table),
            ReadTarget::Range { table, index, lower, upper } => (table, Fine { index, lower, upper }),
        };
        let held = self.held.entry(holder).or_default();
        if held.tables.contains(&table) {
            return;
        }
        let list = held.fine.entry(table).or_default();
        if list.contains(&fine) {
            return;
        }
        if list.len() >= COARSEN_THRESHOLD {
            // The table marker goes in first, then the fine ones out: nothing is uncovered at any point.
            return self.add_table(holder, table);
        }
        list.push(fine.clone());
        self.count += 1;
        match fine.point() {
            // `list` had no such marker: `holder` is not among the point's holders yet.
            Some(key) => self.points.entry((table, fine.index, key.clone())).or_default().push(holder),
            None => self.ranges.entry((table, fine.index)).or_default().push(RangeMarker {
                holder,
                lower: fine.lower,
                upper: fine.upper,
            }),
        }
    }

    /// A table marker for `holder` on `table`, replacing its fine markers there.
    fn add_table(&mut self, holder: TxnId, table: TableId) {
        let held = self.held.entry(holder).or_default();
        if !held.tables.insert(table) {
            return;
        }
        self.tables.entry(table).or_default().insert(holder);
        self.count += 1;
        let fine = held.fine.remove(&table).unwrap_or_default();
        for marker in fine {
            self.remove_fine(holder, table, &marker);
        }
    }

    fn remove_fine(&mut self, holder: TxnId, table: TableId, fine: &Fine) {
        let at = (table, fine.index);
        match fine.point() {
            Some(key) => {
                if let Entry::Occupied(mut holders) = self.points.entry((table, fine.index, key.clone())) {
                    holders.get_mut().retain(|&h| h != holder);
                    if holders.get().is_empty() {
                        holders.remove();
                    }
                }
            }
            None => {
                if let Some(list) = self.ranges.get_mut(&at) {
                    if let Some(i) =
                        list.iter().position(|r| r.holder == holder && r.lower == fine.lower && r.upper == fine.upper)
                    {
                        list.swap_remove(i);
                    }
                    if list.is_empty() {
                        self.ranges.remove(&at);
                    }
                }
            }
        }
        self.count -= 1;
    }

    /// Drops every marker of `holder`.
    pub(super) fn remove_holder(&mut self, holder: TxnId) {
        let Some(held) = self.held.remove(&holder) else { return };
        for table in held.tables {
            if let Some(holders) = self.tables.get_mut(&table) {
                holders.remove(&holder);
                if holders.is_empty() {
                    self.tables.remove(&table);
                }
            }
            self.count -= 1;
        }
        for (table, list) in held.fine {
            for fine in list {
                self.remove_fine(holder, table, &fine);
            }
        }
    }

    /// The holders of markers covering `target`, in id order, each once (the writer itself
    /// included, if it holds one: the caller skips it). No allocation when there are none.
    pub(super) fn holders(&self, target: &WriteTarget) -> Vec<TxnId> {
        let mut out = Vec::new();
        if let Some(holders) = self.tables.get(&target.table) {
            out.extend(holders);
        }
        if !self.points.is_empty() {
            // A point marker covers the keys it is a prefix of: one lookup per prefix length.
            let values = target.key.values();
            for n in 1..=values.len() {
                let prefix =
                    if n == values.len() { target.key.clone() } else { Key::from_values(values[..n].to_vec()) };
                if let Some(holders) = self.points.get(&(target.table, target.index, prefix)) {
                    out.extend(holders);
                }
            }
        }
        if let Some(list) = self.ranges.get(&(target.table, target.index)) {
            out.extend(list.iter().filter(|r| in_range(&target.key, &r.lower, &r.upper)).map(|r| r.holder));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Bound::{Excluded, Included, Unbounded};

    use super::*;
    use crate::types::Value;

    const ACCOUNTS: TableId = TableId(1);
    const OTHER: TableId = TableId(2);
    const T1: TxnId = TxnId(1);
    const T2: TxnId = TxnId(2);

    fn key(values: &[i64]) -> Key {
        Key::from_values(values.iter().map(|&v| Value::Integer(v)).collect())
    }

    fn range(table: TableId, index: Option<u32>, lower: Bound<Key>, upper: Bound<Key>) -> ReadTarget {
        ReadTarget::Range { table, index, lower, upper }
    }

    fn target(table: TableId, index: Option<u32>, k: &[i64]) -> WriteTarget {
        WriteTarget { table, index, key: key(k) }
    }

    #[test]
    fn range_markers_cover_the_scanned_range_and_its_gaps() {
        let idx = Some(0);
        let cases: Vec<(ReadTarget, WriteTarget, bool)> = vec![
            // Inside and outside a primary-key range; a range that found nothing; the gap after the last key.
            (range(ACCOUNTS, None, Included(key(&[10])), Included(key(&[20]))), target(ACCOUNTS, None, &[15]), true),
            (range(ACCOUNTS, None, Included(key(&[10])), Excluded(key(&[20]))), target(ACCOUNTS, None, &[20]), false),
            (range(ACCOUNTS, None, Excluded(key(&[10])), Included(key(&[20]))), target(ACCOUNTS, None, &[10]), false),
            (range(ACCOUNTS, None, Included(key(&[100])), Included(key(&[200]))), target(ACCOUNTS, None, &[150]), true),
            (range(ACCOUNTS, None, Excluded(key(&[5])), Unbounded), target(ACCOUNTS, None, &[1000]), true),
            (range(ACCOUNTS, None, Unbounded, Excluded(key(&[5]))), target(ACCOUNTS, None, &[-3]), true),
            // Prefix bounds on a secondary index over (a, b).
            (range(ACCOUNTS, idx, Included(key(&[5])), Included(key(&[5]))), target(ACCOUNTS, idx, &[5, 42]), true),
            (range(ACCOUNTS, idx, Included(key(&[5])), Included(key(&[5]))), target(ACCOUNTS, idx, &[6, 0]), false),
            (range(ACCOUNTS, idx, Excluded(key(&[3])), Excluded(key(&[5]))), target(ACCOUNTS, idx, &[4, 9]), true),
            (range(ACCOUNTS, idx, Excluded(key(&[3])), Excluded(key(&[5]))), target(ACCOUNTS, idx, &[3, 100]), false),
            (range(ACCOUNTS, idx, Excluded(key(&[3])), Excluded(key(&[5]))), target(ACCOUNTS, idx, &[5, 0]), false),
            (
                range(ACCOUNTS, idx, Included(key(&[5, 1])), Included(key(&[5, 1]))),
                target(ACCOUNTS, idx, &[5, 1]),
                true,
            ),
            (
                range(ACCOUNTS, idx, Included(key(&[5, 1])), Included(key(&[5, 1]))),
                target(ACCOUNTS, idx, &[5, 2]),
                false,
            ),
            // Another index, another table.
            (range(ACCOUNTS, None, Included(key(&[10])), Included(key(&[20]))), target(ACCOUNTS, idx, &[15]), false),
            (range(ACCOUNTS, None, Included(key(&[10])), Included(key(&[20]))), target(OTHER, None, &[15]), false),
            // Table markers cover every key of every index of their table only.
            (ReadTarget::Table(ACCOUNTS), target(ACCOUNTS, None, &[7]), true),
            (ReadTarget::Table(ACCOUNTS), target(ACCOUNTS, Some(3), &[7, 8]), true),
            (ReadTarget::Table(ACCOUNTS), target(OTHER, None, &[7]), false),
        ];
        for (i, (read, write, expected)) in cases.into_iter().enumerate() {
            let mut markers = Markers::default();
            markers.add(T1, read.clone());
            assert_eq!(markers.holders(&write).contains(&T1), expected, "case {i}: {read:?} vs {write:?}");
            markers.remove_holder(T1);
            assert_eq!(markers.count(), 0);
        }
    }

    #[test]
    fn markers_coalesce_and_coarsen_without_losing_conflicts() {
        let mut markers = Markers::default();
        let row = |k: i64| range(ACCOUNTS, None, Included(key(&[k])), Included(key(&[k])));
        markers.add(T1, row(1));
        markers.add(T1, row(1));
        markers.add(T2, row(1));
        assert_eq!(markers.count(), 2);
        for k in 0..100 {
            markers.add(T1, row(k));
            // T1's rows 0..=k (row 1 from the start) stay fine up to the threshold; T2 holds one point.
            let expected = if k < COARSEN_THRESHOLD as i64 { (k as usize + 1).max(2) + 1 } else { 2 };
            assert_eq!(markers.count(), expected, "after row {k}");
        }
        markers.add(T1, range(OTHER, None, Included(key(&[1])), Unbounded));
        assert_eq!(markers.count(), 3, "T1: a table marker on accounts and a range on the other table; T2: a point");
        let holders = |k: i64| markers.holders(&target(ACCOUNTS, Some(4), &[k])).into_iter().collect::<Vec<_>>();
        assert_eq!(holders(5000), vec![T1]);
        assert_eq!(markers.holders(&target(ACCOUNTS, None, &[1])).into_iter().collect::<Vec<_>>(), vec![T1, T2]);
        markers.remove_holder(T1);
        markers.remove_holder(T2);
        assert_eq!(markers.count(), 0);
        assert!(markers.tables.is_empty() && markers.points.is_empty() && markers.ranges.is_empty());
    }
}
