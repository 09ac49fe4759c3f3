//! [`IndexEntries`]: the entries of one secondary index, ordered by index key, then primary
//! key.
//!
//! The common index is on one INTEGER column of a table whose primary keys are integers (see
//! `row_map.rs`): its keys are integers or NULL, its primary keys integers. Such an index keeps
//! `(key, primary key)` pairs of `i64`s, 16 bytes instead of a 48-byte [`IndexEntry`] of two
//! `Key`s, compared as integers, and the entries with a NULL key apart (NULL sorts before every
//! number). Any other index keeps a `BTreeSet<IndexEntry>`.
//!
//! The interface speaks [`IndexEntry`]s either way; a bound is translated by `Value`'s order,
//! as for the row map.

use std::borrow::Cow;
use std::collections::{btree_set, BTreeSet};
use std::ops::Bound;

use crate::error::{Error, Result};
use crate::types::{Key, Value};

use super::row_map::integer_start;
use super::table::IndexEntry;

/// The entries of one index; see the module documentation.
#[derive(Clone, Debug)]
pub enum IndexEntries {
    /// One INTEGER column over integer primary keys.
    Integer {
        /// The primary keys of the entries whose key is NULL.
        nulls: BTreeSet<i64>,
        /// `(key, primary key)` of the others.
        values: BTreeSet<(i64, i64)>,
    },
    General(BTreeSet<IndexEntry>),
}

/// An entry of an integer index: its key (`None` for NULL) and primary key.
type IntegerEntry = (Option<i64>, i64);

impl IndexEntries {
    /// No entries; `integer` for an index of one INTEGER column over integer primary keys.
    pub fn new(integer: bool) -> IndexEntries {
        if integer {
            IndexEntries::Integer { nulls: BTreeSet::new(), values: BTreeSet::new() }
        } else {
            IndexEntries::General(BTreeSet::new())
        }
    }

    /// Adds `entry` (nothing if it is there). Fails only if an integer index is given an entry
    /// that is not integers or NULL: an internal error, since the column's values are.
    pub fn insert(&mut self, entry: IndexEntry) -> Result<()> {
        match self {
            IndexEntries::Integer { nulls, values } => match integer_entry(&entry) {
                Some((None, pk)) => nulls.insert(pk),
                Some((Some(key), pk)) => values.insert((key, pk)),
                None => {
                    return Err(Error::Internal(format!(
                        "index entry ({}, {}) in an index of integers",
                        entry.key, entry.pk
                    )))
                }
            },
            IndexEntries::General(set) => set.insert(entry),
        };
        Ok(())
    }

    /// Removes `entry`; whether it was there.
    pub fn remove(&mut self, entry: &IndexEntry) -> bool {
        match self {
            IndexEntries::Integer { nulls, values } => match integer_entry(entry) {
                Some((None, pk)) => nulls.remove(&pk),
                Some((Some(key), pk)) => values.remove(&(key, pk)),
                None => false,
            },
            IndexEntries::General(set) => set.remove(entry),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            IndexEntries::Integer { nulls, values } => nulls.len() + values.len(),
            IndexEntries::General(set) => set.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every entry, in order.
    pub fn iter(&self) -> Entries<'_> {
        self.range_from(Bound::Unbounded)
    }

    /// The entries from `start` on, in order.
    pub fn range_from(&self, start: Bound<&IndexEntry>) -> Entries<'_> {
        match self {
            IndexEntries::Integer { nulls, values } => {
                let from = integer_entry_start(start);
                Entries::Integer {
                    nulls: from.nulls.map(|s| nulls.range((s, Bound::Unbounded))),
                    values: from.values.map(|s| values.range((s, Bound::Unbounded))),
                }
            }
            IndexEntries::General(set) => Entries::General(set.range((start, Bound::Unbounded))),
        }
    }
}

/// Entries in order: see [`IndexEntries::range_from`].
pub enum Entries<'a> {
    /// The NULL part first, then the integer part; `None` for a part the walk skips.
    Integer {
        nulls: Option<btree_set::Range<'a, i64>>,
        values: Option<btree_set::Range<'a, (i64, i64)>>,
    },
    General(btree_set::Range<'a, IndexEntry>),
}

impl<'a> Iterator for Entries<'a> {
    /// The entry: built for an integer index, where it costs nothing.
    type Item = Cow<'a, IndexEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        let int = |i: i64| Key::One(Value::Integer(i));
        match self {
            Entries::Integer { nulls, values } => {
                if let Some(&pk) = nulls.as_mut().and_then(Iterator::next) {
                    return Some(Cow::Owned(IndexEntry { key: Key::One(Value::Null), pk: int(pk) }));
                }
                *nulls = None;
                let &(key, pk) = values.as_mut()?.next()?;
                Some(Cow::Owned(IndexEntry { key: int(key), pk: int(pk) }))
            }
            Entries::General(range) => range.next().map(Cow::Borrowed),
        }
    }
}

/// `entry` as an integer index's entry, if it is one.
fn integer_entry(entry: &IndexEntry) -> Option<IntegerEntry> {
    let pk = match entry.pk {
        Key::One(Value::Integer(pk)) => pk,
        _ => return None,
    };
    match entry.key {
        Key::One(Value::Null) => Some((None, pk)),
        Key::One(Value::Integer(key)) => Some((Some(key), pk)),
        _ => None,
    }
}

/// Where a walk begins in each part of an integer index; `None` for a part it skips entirely.
struct IntegerStart {
    nulls: Option<Bound<i64>>,
    values: Option<Bound<(i64, i64)>>,
}

/// Where a walk from `start` begins in each part of an integer index.
fn integer_entry_start(start: Bound<&IndexEntry>) -> IntegerStart {
    let start_at = |nulls, values| IntegerStart { nulls, values };
    let (entry, inclusive) = match start {
        Bound::Unbounded => return start_at(Some(Bound::Unbounded), Some(Bound::Unbounded)),
        Bound::Included(entry) => (entry, true),
        Bound::Excluded(entry) => (entry, false),
    };
    let pk_start = |pk: &Key| integer_start(if inclusive { Bound::Included(pk) } else { Bound::Excluded(pk) });
    let Some(value) = entry.key.values().first() else {
        return start_at(Some(Bound::Unbounded), Some(Bound::Unbounded));
    };
    match value {
        Value::Null => start_at(pk_start(&entry.pk), Some(Bound::Unbounded)),
        // Above NULL, below every number.
        Value::Boolean(_) => start_at(None, Some(Bound::Unbounded)),
        Value::Text(_) => start_at(None, None),
        Value::Integer(_) | Value::Real(_) => {
            let Some(key_start) = integer_start(Bound::Included(&entry.key)) else { return start_at(None, None) };
            let exact = matches!(key_start, Bound::Included(k) if Value::Integer(k) == *value);
            let values_start = match key_start {
                Bound::Unbounded => Bound::Unbounded,
                // Entries with this very key: the primary key decides where they start.
                Bound::Included(key) if exact => match pk_start(&entry.pk) {
                    Some(Bound::Unbounded) => Bound::Included((key, i64::MIN)),
                    Some(Bound::Included(pk)) => Bound::Included((key, pk)),
                    Some(Bound::Excluded(pk)) => Bound::Excluded((key, pk)),
                    // Past every primary key of this key: the next key on.
                    None => Bound::Excluded((key, i64::MAX)),
                },
                Bound::Included(key) | Bound::Excluded(key) => Bound::Included((key, i64::MIN)),
            };
            start_at(None, Some(values_start))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: Value, pk: i64) -> IndexEntry {
        IndexEntry { key: Key::One(key), pk: Key::One(Value::Integer(pk)) }
    }

    /// An integer index and a general one holding the same entries walk alike from every start
    /// (the general one is the definition).
    #[test]
    fn an_integer_index_walks_as_the_general_one() {
        let entries = [
            entry(Value::Null, 3),
            entry(Value::Null, 7),
            entry(Value::Integer(i64::MIN), 1),
            entry(Value::Integer(-2), 5),
            entry(Value::Integer(4), 2),
            entry(Value::Integer(4), 9),
            entry(Value::Integer(6), 1),
            entry(Value::Integer(i64::MAX), i64::MAX),
        ];
        let mut integer = IndexEntries::new(true);
        let mut general = IndexEntries::new(false);
        for e in &entries {
            integer.insert(e.clone()).unwrap();
            general.insert(e.clone()).unwrap();
        }
        let keys = [
            Value::Null,
            Value::Boolean(false),
            Value::Integer(i64::MIN),
            Value::Integer(4),
            Value::Integer(5),
            Value::Integer(i64::MAX),
            Value::Real(3.5),
            Value::Real(4.0),
            Value::Real(-1e300),
            Value::Real(1e300),
            Value::Real(f64::NAN),
            Value::text("x"),
        ];
        let pks = [Key::Many(Box::new([])), Key::One(Value::Integer(2)), Key::One(Value::Integer(i64::MAX))];
        let walk = |index: &IndexEntries, start: Bound<&IndexEntry>| -> Vec<IndexEntry> {
            index.range_from(start).map(Cow::into_owned).collect()
        };
        assert_eq!(walk(&integer, Bound::Unbounded), entries.to_vec());
        for key in &keys {
            for pk in &pks {
                let start = IndexEntry { key: Key::One(key.clone()), pk: pk.clone() };
                for bound in [Bound::Included(&start), Bound::Excluded(&start)] {
                    assert_eq!(walk(&integer, bound), walk(&general, bound), "from {bound:?}");
                }
            }
        }
        assert!(integer.remove(&entries[1]) && !integer.remove(&entries[1]));
        assert!(integer.remove(&entries[4]));
        assert_eq!(integer.len(), entries.len() - 2);
        assert!(integer.insert(entry(Value::text("a"), 1)).is_err());
        assert!(!integer.remove(&entry(Value::text("a"), 1)));
    }
}
