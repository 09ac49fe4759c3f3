//! One table's data: version chains by primary key, and its secondary indexes.
//!
//! ```text
//!   rows:    RowMap: primary key -> Chain          ordered, one chain per logical row (integer
//!                                                   keys as i64: see row_map.rs)
//!   indexes: [ IndexEntries: (index key, primary key) ] one entry per distinct index key a
//!                                                   version of the row has, so a reader probing
//!                                                   an old value still finds the old version
//!                                                   (integers as i64: index_entries.rs)
//! ```
//!
//! An index entry leads to a chain, never to one version: the reader picks the version its
//! snapshot sees and re-checks that this version really has the key it searched for (an entry
//! may belong to an older or newer version of the row). A row that changed its indexed value
//! has two entries until the version with the old value is pruned.
//!
//! All mutation goes through [`TableData`]'s methods, which keep the indexes in step with the
//! chains. The caller (`Table::write`) holds the table's write lock for one row operation at a
//! time, never for a whole statement.

use crate::error::{Error, Result, TxnId};
use crate::types::{DataType, IndexSchema, Key, TableSchema, Value};

use super::index_entries::IndexEntries;
use super::row_map::RowMap;
use super::version::{Chain, RowData, Version, NO_TXN};

/// One entry of a secondary index: the indexed values and the row's primary key, ordered by
/// the values, then the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub key: Key,
    pub pk: Key,
}

impl Ord for IndexEntry {
    // Inlined into the index's B-tree searches, like `Key`'s comparison.
    #[inline(always)]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key).then_with(|| self.pk.cmp(&other.pk))
    }
}

impl PartialOrd for IndexEntry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl IndexEntry {
    /// The smallest entry with index key `key`, for starting a range scan: an empty primary
    /// key sorts before every real one.
    pub fn first_with(key: Key) -> IndexEntry {
        IndexEntry { key, pk: Key::Many(Box::new([])) }
    }
}

/// A secondary index: its definition and its entries.
#[derive(Clone, Debug)]
pub struct IndexData {
    pub schema: IndexSchema,
    pub entries: IndexEntries,
}

impl IndexData {
    /// An empty index `schema` of `table`, whose primary keys are integers if `integer_rows`.
    fn new(table: &TableSchema, schema: IndexSchema, integer_rows: bool) -> IndexData {
        let integer_column = |c: &usize| table.columns.get(*c).is_some_and(|c| c.data_type == DataType::Integer);
        let integer = integer_rows && matches!(schema.columns.as_slice(), [c] if integer_column(c));
        IndexData { schema, entries: IndexEntries::new(integer) }
    }

    /// The index key of a row.
    pub fn key_of(&self, data: &[Value]) -> Key {
        Key::of_columns(data, &self.schema.columns)
    }

    /// Whether two rows have the same index key, compared in place.
    fn same_key(&self, a: &[Value], b: &[Value]) -> bool {
        self.schema.columns.iter().all(|&c| a[c] == b[c])
    }
}

/// What pruning a chain takes away besides its dead versions.
#[derive(Debug, Default, PartialEq)]
pub struct PruneLosses {
    /// No version is left: the chain goes, and with it the key.
    pub chain_goes: bool,
    /// Index entries (by index position) that only dead versions needed.
    pub entries: Vec<(usize, IndexEntry)>,
}

/// The entries of `indexes` that the versions marked `dead` of the chain `versions` of `key`
/// need and no other version of it does. No allocation when there are none (an UPDATE that
/// left the indexed columns alone).
fn lost_index_entries(
    indexes: &[IndexData],
    key: &Key,
    versions: &[Version],
    dead: &[bool],
) -> Vec<(usize, IndexEntry)> {
    let mut lost: Vec<(usize, IndexEntry)> = Vec::new();
    for (position, index) in indexes.iter().enumerate() {
        for (v, _) in versions.iter().zip(dead).filter(|(_, &d)| d) {
            let needed = versions.iter().zip(dead).any(|(k, &d)| !d && index.same_key(&k.data, &v.data));
            if needed {
                continue;
            }
            let entry = IndexEntry { key: index.key_of(&v.data), pk: key.clone() };
            if !lost.iter().any(|(p, e)| *p == position && *e == entry) {
                lost.push((position, entry));
            }
        }
    }
    lost
}

/// The rows and indexes of one table.
#[derive(Debug)]
pub struct TableData {
    rows: RowMap,
    indexes: Vec<IndexData>,
    next_row_id: i64,
    version_count: usize,
}

impl TableData {
    pub fn new(schema: &TableSchema) -> TableData {
        let integer_keys = match schema.primary_key.as_slice() {
            [] => true,
            [column] => schema.columns.get(*column).is_some_and(|c| c.data_type == DataType::Integer),
            _ => false,
        };
        let indexes = schema.indexes.iter().map(|s| IndexData::new(schema, s.clone(), integer_keys)).collect();
        TableData { rows: RowMap::new(integer_keys), indexes, next_row_id: 1, version_count: 0 }
    }

    /// Every chain, by primary key.
    pub fn rows(&self) -> &RowMap {
        &self.rows
    }

    pub fn chain(&self, key: &Key) -> Option<&Chain> {
        self.rows.get(key)
    }

    pub fn indexes(&self) -> &[IndexData] {
        &self.indexes
    }

    /// How many versions the table holds, live and dead.
    pub fn version_count(&self) -> usize {
        self.version_count
    }

    /// A fresh hidden row id, for tables without a primary key.
    pub fn allocate_row_id(&mut self) -> i64 {
        let id = self.next_row_id;
        self.next_row_id += 1;
        id
    }

    /// Appends a version to the chain of `key` (creating the chain) and indexes it. Fails
    /// (changing nothing) only if `key` cannot be a key of this table: an internal error.
    pub fn append_version(&mut self, key: Key, version: Version) -> Result<()> {
        let pk = key.clone();
        let chain = self
            .rows
            .chain_for_write(key)
            .ok_or_else(|| Error::Internal(format!("key {pk} written to a table whose keys are integers")))?;
        // Most rows only ever have one version: a new chain is allocated for exactly one
        // (a plain `push` would reserve room for four). A longer chain grows as a `Vec` does.
        if chain.versions.is_empty() {
            chain.versions.reserve_exact(1);
        }
        for index in &mut self.indexes {
            // A failure leaves entries in the indexes before it: harmless, as readers re-check
            // the version an entry leads to (see the module documentation).
            index.entries.insert(IndexEntry { key: index.key_of(&version.data), pk: pk.clone() })?;
        }
        chain.versions.push(version);
        self.version_count += 1;
        Ok(())
    }

    /// Ends the newest version of `key`: it was deleted or superseded by `xmax`. Returns false
    /// if there is no version or the newest is already ended.
    pub fn end_newest(&mut self, key: &Key, xmax: TxnId, cmax: u32) -> bool {
        match self.rows.get_mut(key).and_then(|c| c.versions.last_mut()) {
            Some(v) if v.xmax == NO_TXN => {
                v.xmax = xmax;
                v.cmax = cmax;
                true
            }
            _ => false,
        }
    }

    /// An UPDATE that keeps the primary key, in one lookup: ends the newest version of `key`
    /// (its deleter is `version`'s creator) and appends `version`. Index entries are added only
    /// where the indexed values changed (the others already lead to this chain). Returns false,
    /// changing nothing, if there is no version or the newest is already ended; fails as
    /// [`append_version`](Self::append_version) does.
    pub fn replace_newest(&mut self, key: &Key, version: Version) -> Result<bool> {
        let Some(chain) = self.rows.get_mut(key) else { return Ok(false) };
        let Some(newest) = chain.versions.last_mut().filter(|v| v.xmax == NO_TXN) else { return Ok(false) };
        for index in &mut self.indexes {
            if !index.same_key(&newest.data, &version.data) {
                index.entries.insert(IndexEntry { key: index.key_of(&version.data), pk: key.clone() })?;
            }
        }
        newest.xmax = version.xmin;
        newest.cmax = version.cmin;
        chain.versions.push(version);
        self.version_count += 1;
        Ok(true)
    }

    /// Undo of [`append_version`](Self::append_version): removes the newest version of `key`
    /// if `txn` created it. Returns whether one was removed.
    pub fn remove_newest_created_by(&mut self, key: &Key, txn: TxnId) -> bool {
        let Some(chain) = self.rows.get_mut(key) else { return false };
        if chain.newest().map(|v| v.xmin) != Some(txn) {
            return false;
        }
        let removed = chain.versions.pop().expect("chain has a newest version");
        self.version_count -= 1;
        self.forget_index_entries(key, std::slice::from_ref(&removed.data));
        true
    }

    /// Undo of [`end_newest`](Self::end_newest): clears the newest version's deleter if it is
    /// `txn`. Returns whether it did.
    pub fn reopen_newest(&mut self, key: &Key, txn: TxnId) -> bool {
        match self.rows.get_mut(key).and_then(|c| c.versions.last_mut()) {
            Some(v) if v.xmax == txn => {
                v.xmax = NO_TXN;
                v.cmax = 0;
                true
            }
            _ => false,
        }
    }

    /// Removes every version of `key` for which `is_dead` holds, the index entries no
    /// remaining version needs, and the chain once no version is left: all in one lookup of
    /// the chain. When more than versions would go (the chain, or index entries), `allowed`
    /// is asked first, with what would go; if it refuses, nothing is removed. Returns how many
    /// versions went.
    pub fn prune(
        &mut self,
        key: &Key,
        is_dead: impl Fn(&Version) -> bool,
        allowed: impl FnOnce(&PruneLosses) -> bool,
    ) -> usize {
        let Some(chain) = self.rows.get_mut(key) else { return 0 };
        // The common case first: nothing to prune. Each version is judged once.
        let Some(first) = chain.versions.iter().position(&is_dead) else { return 0 };
        let dead: Vec<bool> =
            chain.versions.iter().enumerate().map(|(i, v)| i == first || (i > first && is_dead(v))).collect();
        let dead_count = dead.iter().filter(|&&d| d).count();
        let losses = PruneLosses {
            chain_goes: dead_count == chain.versions.len(),
            entries: lost_index_entries(&self.indexes, key, &chain.versions, &dead),
        };
        if (losses.chain_goes || !losses.entries.is_empty()) && !allowed(&losses) {
            return 0;
        }
        let mut position = 0;
        chain.versions.retain(|_| {
            position += 1;
            !dead[position - 1]
        });
        for (index, entry) in &losses.entries {
            self.indexes[*index].entries.remove(entry);
        }
        if losses.chain_goes {
            self.rows.remove(key);
        }
        self.version_count -= dead_count;
        dead_count
    }

    /// Drops the index entries of `removed` row data that no version left under `key` needs,
    /// and the chain itself once it is empty.
    fn forget_index_entries(&mut self, key: &Key, removed: &[RowData]) {
        let remaining: &[Version] = self.rows.get(key).map_or(&[], |c| &c.versions);
        for index in &mut self.indexes {
            for data in removed {
                if !remaining.iter().any(|v| index.same_key(&v.data, data)) {
                    index.entries.remove(&IndexEntry { key: index.key_of(data), pk: key.clone() });
                }
            }
        }
        if remaining.is_empty() {
            self.rows.remove(key);
        }
    }

    /// Adds secondary index `schema` of `table` and fills it from every version present.
    pub fn add_index(&mut self, table: &TableSchema, schema: IndexSchema) -> Result<()> {
        let mut index = IndexData::new(table, schema, matches!(self.rows, RowMap::Integer(_)));
        for (key, chain) in self.rows.iter() {
            for v in &chain.versions {
                index.entries.insert(IndexEntry { key: index.key_of(&v.data), pk: key.clone().into_owned() })?;
            }
        }
        self.indexes.push(index);
        Ok(())
    }

    /// Removes the secondary index at `position`.
    pub fn remove_index(&mut self, position: usize) {
        self.indexes.remove(position);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ColumnSchema, DataType};
    use std::sync::Arc;

    fn schema() -> TableSchema {
        let col = |name: &str| ColumnSchema {
            name: name.into(),
            data_type: DataType::Integer,
            max_chars: None,
            nullable: true,
            default: Value::Null,
        };
        TableSchema {
            name: "t".into(),
            columns: vec![col("id"), col("k")],
            primary_key: vec![0],
            indexes: vec![IndexSchema { name: "t_k".into(), columns: vec![1], unique: false }],
        }
    }

    fn row(id: i64, k: i64) -> RowData {
        Arc::from(vec![Value::Integer(id), Value::Integer(k)])
    }

    fn key(i: i64) -> Key {
        Key::One(Value::Integer(i))
    }

    fn index_keys(t: &TableData) -> Vec<(i64, i64)> {
        let int = |k: &Key| match k.values()[0] {
            Value::Integer(i) => i,
            _ => unreachable!(),
        };
        t.indexes()[0].entries.iter().map(|e| (int(&e.key), int(&e.pk))).collect()
    }

    #[test]
    fn update_keeps_both_index_entries_until_pruned() {
        let mut t = TableData::new(&schema());
        t.append_version(key(1), Version::new(TxnId(3), 0, row(1, 10))).unwrap();
        assert!(t.end_newest(&key(1), TxnId(5), 0));
        t.append_version(key(1), Version::new(TxnId(5), 0, row(1, 20))).unwrap();
        assert_eq!(index_keys(&t), vec![(10, 1), (20, 1)]);
        assert_eq!(t.version_count(), 2);

        assert_eq!(t.prune(&key(1), |v| v.xmax == TxnId(5), |_| true), 1);
        assert_eq!(index_keys(&t), vec![(20, 1)]);
        assert_eq!(t.version_count(), 1);
    }

    #[test]
    fn undo_restores_the_chain_and_indexes() {
        let mut t = TableData::new(&schema());
        t.append_version(key(1), Version::new(TxnId(3), 0, row(1, 10))).unwrap();
        t.end_newest(&key(1), TxnId(5), 0);
        t.append_version(key(1), Version::new(TxnId(5), 0, row(1, 20))).unwrap();

        assert!(!t.remove_newest_created_by(&key(1), TxnId(4)));
        assert!(t.remove_newest_created_by(&key(1), TxnId(5)));
        assert!(t.reopen_newest(&key(1), TxnId(5)));
        let chain = t.chain(&key(1)).unwrap();
        assert_eq!(chain.versions.len(), 1);
        assert!(!chain.versions[0].is_ended());
        assert_eq!(index_keys(&t), vec![(10, 1)]);
    }

    #[test]
    fn pruning_everything_removes_the_chain() {
        let mut t = TableData::new(&schema());
        t.append_version(key(7), Version::new(TxnId(3), 0, row(7, 1))).unwrap();
        t.end_newest(&key(7), TxnId(4), 0);
        t.prune(&key(7), |_| true, |_| true);
        assert!(t.chain(&key(7)).is_none());
        assert!(index_keys(&t).is_empty());
        assert_eq!(t.version_count(), 0);
    }

    #[test]
    fn same_index_key_on_two_versions_is_one_entry() {
        let mut t = TableData::new(&schema());
        t.append_version(key(1), Version::new(TxnId(3), 0, row(1, 10))).unwrap();
        t.end_newest(&key(1), TxnId(5), 0);
        t.append_version(key(1), Version::new(TxnId(5), 0, row(1, 10))).unwrap();
        t.prune(&key(1), |v| v.xmax == TxnId(5), |_| true);
        assert_eq!(index_keys(&t), vec![(10, 1)]);
    }

    #[test]
    fn pruning_asks_before_taking_an_index_entry_or_the_chain_and_a_refusal_keeps_everything() {
        let mut t = TableData::new(&schema());
        t.append_version(key(1), Version::new(TxnId(3), 0, row(1, 10))).unwrap();
        t.end_newest(&key(1), TxnId(5), 0);
        t.append_version(key(1), Version::new(TxnId(5), 0, row(1, 20))).unwrap();
        let mut asked = None;
        let refuse = |losses: &PruneLosses| {
            asked = Some(losses.entries.len());
            assert!(!losses.chain_goes);
            false
        };
        assert_eq!(t.prune(&key(1), |v| v.xmax == TxnId(5), refuse), 0);
        assert_eq!(asked, Some(1), "the entry (10, 1) would go");
        assert_eq!((index_keys(&t), t.version_count()), (vec![(10, 1), (20, 1)], 2));
        // Same indexed value on both versions: nothing but the version goes, nobody is asked.
        t.append_version(key(2), Version::new(TxnId(3), 0, row(2, 30))).unwrap();
        t.end_newest(&key(2), TxnId(6), 0);
        t.append_version(key(2), Version::new(TxnId(6), 0, row(2, 30))).unwrap();
        assert_eq!(t.prune(&key(2), |v| v.xmax == TxnId(6), |_| panic!("nothing else goes")), 1);
        // The whole chain: asked, with the key.
        t.end_newest(&key(2), TxnId(7), 0);
        let mut chain_goes = false;
        assert_eq!(
            t.prune(
                &key(2),
                |_| true,
                |l| {
                    chain_goes = l.chain_goes;
                    true
                }
            ),
            1
        );
        assert!(chain_goes && t.chain(&key(2)).is_none());
    }

    #[test]
    fn replacing_the_newest_version_indexes_only_changed_keys_and_undoes_cleanly() {
        let mut t = TableData::new(&schema());
        t.append_version(key(1), Version::new(TxnId(3), 0, row(1, 10))).unwrap();
        assert!(t.replace_newest(&key(1), Version::new(TxnId(5), 1, row(1, 10))).unwrap());
        assert_eq!((index_keys(&t), t.version_count()), (vec![(10, 1)], 2));
        let old = &t.chain(&key(1)).unwrap().versions[0];
        assert_eq!((old.xmax, old.cmax), (TxnId(5), 1));
        assert!(!t.replace_newest(&key(2), Version::new(TxnId(5), 1, row(2, 10))).unwrap(), "no such row");
        // The newest is T5's, not ended: T5 replaces it again, with a new k.
        assert!(t.replace_newest(&key(1), Version::new(TxnId(5), 2, row(1, 20))).unwrap());
        assert_eq!(index_keys(&t), vec![(10, 1), (20, 1)]);
        // Undo of the last replacement: the new version and its entry go, the old reopens.
        assert!(t.remove_newest_created_by(&key(1), TxnId(5)));
        assert!(t.reopen_newest(&key(1), TxnId(5)));
        assert_eq!((index_keys(&t), t.version_count()), (vec![(10, 1)], 2));
        assert!(!t.chain(&key(1)).unwrap().newest().unwrap().is_ended());
    }
}
