//! [`RowMap`]: a table's version chains, ordered by primary key.
//!
//! Most tables are keyed by one INTEGER column, or by the hidden row id of a table without a
//! primary key: their keys are `Key::One(Value::Integer(_))`. Those chains are kept in a
//! `BTreeMap<i64, Chain>`: a key is 8 bytes instead of a 24-byte `Key`, so a node's keys fill
//! two cache lines instead of five and compare as plain integers, and every lookup, write and
//! range walk of such a table is cheaper. Other tables (text, real or composite keys) keep a
//! `BTreeMap<Key, Chain>`.
//!
//! The map's interface speaks `Key`s either way. An INTEGER key column only ever holds
//! integers (values are converted to the column type when written), but a probe may be any
//! value the executor compares with the column: `id = 2.0` must find row 2 and `id > 1.5`
//! must start at 2. So a probe or a bound is translated by `Value`'s own order, in which an
//! integer and a real compare by numeric value, NULL and booleans sort below every number and
//! text above.

use std::borrow::Cow;
use std::collections::btree_map;
use std::collections::BTreeMap;
use std::ops::Bound;

use crate::types::{Key, Value};

use super::version::Chain;

/// The chains of one table by primary key; see the module documentation.
#[derive(Debug)]
pub enum RowMap {
    /// Keyed by one INTEGER column or by the hidden row id.
    Integer(BTreeMap<i64, Chain>),
    /// Any other key.
    General(BTreeMap<Key, Chain>),
}

impl RowMap {
    /// An empty map; `integer_keys` for a table whose keys are integers.
    pub fn new(integer_keys: bool) -> RowMap {
        if integer_keys {
            RowMap::Integer(BTreeMap::new())
        } else {
            RowMap::General(BTreeMap::new())
        }
    }

    pub fn get(&self, key: &Key) -> Option<&Chain> {
        match self {
            RowMap::Integer(map) => {
                let i = integer_key(key)?;
                // A key past the last one, as each row of a load in key order is, has no chain:
                // known from the tree's right edge, without a search.
                if map.last_key_value().is_none_or(|(&last, _)| i > last) {
                    return None;
                }
                map.get(&i)
            }
            RowMap::General(map) => map.get(key),
        }
    }

    pub fn get_mut(&mut self, key: &Key) -> Option<&mut Chain> {
        match self {
            RowMap::Integer(map) => map.get_mut(&integer_key(key)?),
            RowMap::General(map) => map.get_mut(key),
        }
    }

    pub fn remove(&mut self, key: &Key) -> Option<Chain> {
        match self {
            RowMap::Integer(map) => map.remove(&integer_key(key)?),
            RowMap::General(map) => map.remove(key),
        }
    }

    /// The chain of `key`, made empty if there was none; `None` if an integer-keyed map is
    /// given a key that is not an integer (written keys come from the key column's values,
    /// which are integers: the caller reports an internal error).
    pub fn chain_for_write(&mut self, key: Key) -> Option<&mut Chain> {
        match self {
            RowMap::Integer(map) => match key {
                Key::One(Value::Integer(i)) => Some(map.entry(i).or_default()),
                _ => None,
            },
            RowMap::General(map) => Some(map.entry(key).or_default()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            RowMap::Integer(map) => map.len(),
            RowMap::General(map) => map.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every chain, in key order.
    pub fn iter(&self) -> Rows<'_> {
        self.range_from(Bound::Unbounded)
    }

    /// The chains from `start` on, in key order.
    pub fn range_from(&self, start: Bound<&Key>) -> Rows<'_> {
        match self {
            RowMap::Integer(map) => match integer_start(start) {
                Some(start) => Rows::Integer(map.range((start, Bound::Unbounded))),
                None => Rows::Empty,
            },
            RowMap::General(map) => Rows::General(map.range((start, Bound::Unbounded))),
        }
    }
}

/// Chains in key order, with their keys: see [`RowMap::range_from`].
pub enum Rows<'a> {
    Integer(btree_map::Range<'a, i64, Chain>),
    General(btree_map::Range<'a, Key, Chain>),
    Empty,
}

impl<'a> Iterator for Rows<'a> {
    /// The key (built for an integer-keyed map: no allocation) and the chain.
    type Item = (Cow<'a, Key>, &'a Chain);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Rows::Integer(range) => range.next().map(|(&i, chain)| (Cow::Owned(Key::One(Value::Integer(i))), chain)),
            Rows::General(range) => range.next().map(|(key, chain)| (Cow::Borrowed(key), chain)),
            Rows::Empty => None,
        }
    }
}

/// The integer equal to `key` in `Value`'s order, if there is one (`2.0` is 2; `2.5`, text or
/// a composite key are none).
fn integer_key(key: &Key) -> Option<i64> {
    match key {
        Key::One(Value::Integer(i)) => Some(*i),
        Key::One(real @ Value::Real(r)) if r.is_finite() => {
            // Saturates outside i64's range; the equality check below decides.
            let i = r.floor() as i64;
            (Value::Integer(i) == *real).then_some(i)
        }
        _ => None,
    }
}

/// The integer bound that starts the same walk as `start` over integer keys; `None` when no
/// integer key lies at or after it (the walk is empty).
pub(super) fn integer_start(start: Bound<&Key>) -> Option<Bound<i64>> {
    let (key, inclusive) = match start {
        Bound::Unbounded => return Some(Bound::Unbounded),
        Bound::Included(key) => (key, true),
        Bound::Excluded(key) => (key, false),
    };
    // A one-column table's bounds have one value; a longer one bounds by its first value.
    let Some(value) = key.values().first() else { return Some(Bound::Unbounded) };
    match value {
        Value::Integer(i) if inclusive => Some(Bound::Included(*i)),
        Value::Integer(i) => Some(Bound::Excluded(*i)),
        // Below every number.
        Value::Null | Value::Boolean(_) => Some(Bound::Unbounded),
        // Above every number.
        Value::Text(_) => None,
        Value::Real(r) if r.is_nan() || *r >= i64::MAX as f64 => None,
        Value::Real(r) if *r < i64::MIN as f64 => Some(Bound::Unbounded),
        Value::Real(r) => {
            let floor = r.floor() as i64;
            if floor as f64 == *r {
                Some(if inclusive { Bound::Included(floor) } else { Bound::Excluded(floor) })
            } else {
                // Strictly between two integers: the next one is the first at or after it.
                floor.checked_add(1).map(Bound::Included)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Key {
        Key::One(Value::Integer(i))
    }

    fn map_of(keys: &[i64]) -> RowMap {
        let mut map = RowMap::new(true);
        for &k in keys {
            map.chain_for_write(int(k)).expect("an integer key");
        }
        map
    }

    fn keys_from(map: &RowMap, start: Bound<&Key>) -> Vec<i64> {
        map.range_from(start)
            .map(|(k, _)| match k.values() {
                [Value::Integer(i)] => *i,
                other => panic!("not an integer key: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn probes_find_the_integer_they_equal() {
        let map = map_of(&[1, 2, 3]);
        assert!(map.get(&int(2)).is_some());
        assert!(map.get(&Key::One(Value::Real(2.0))).is_some());
        assert!(map.get(&Key::One(Value::Real(2.5))).is_none());
        assert!(map.get(&Key::One(Value::text("2"))).is_none());
        assert!(map.get(&Key::One(Value::Real(f64::NAN))).is_none());
        assert!(map.get(&Key::One(Value::Real(1e300))).is_none());
        assert!(map.get(&int(4)).is_none());
    }

    /// Every start over integer keys walks exactly the keys that `Value`'s order puts at or
    /// after it (after it, when excluded), as the general map would.
    #[test]
    fn starts_agree_with_the_order_of_values() {
        let keys = [i64::MIN, -3, -1, 0, 1, 2, 5, i64::MAX];
        let map = map_of(&keys);
        let probes = [
            Value::Null,
            Value::Boolean(true),
            Value::Integer(i64::MIN),
            Value::Integer(-1),
            Value::Integer(2),
            Value::Integer(i64::MAX),
            Value::Real(-1.5),
            Value::Real(-1.0),
            Value::Real(0.5),
            Value::Real(2.0),
            Value::Real(-1e300),
            Value::Real(1e300),
            Value::Real(i64::MAX as f64),
            Value::Real(f64::NAN),
            Value::Real(f64::INFINITY),
            Value::Real(f64::NEG_INFINITY),
            Value::text("a"),
        ];
        for probe in probes {
            let bound = Key::One(probe.clone());
            let included: Vec<i64> = keys.iter().copied().filter(|&k| Value::Integer(k) >= probe).collect();
            let excluded: Vec<i64> = keys.iter().copied().filter(|&k| Value::Integer(k) > probe).collect();
            assert_eq!(keys_from(&map, Bound::Included(&bound)), included, "from {probe:?}");
            assert_eq!(keys_from(&map, Bound::Excluded(&bound)), excluded, "after {probe:?}");
        }
        assert_eq!(keys_from(&map, Bound::Unbounded), keys.to_vec());
    }

    #[test]
    fn general_maps_keep_any_key() {
        let mut map = RowMap::new(false);
        map.chain_for_write(Key::One(Value::text("b"))).expect("any key");
        map.chain_for_write(Key::One(Value::text("a"))).expect("any key");
        assert!(RowMap::new(true).chain_for_write(Key::One(Value::text("a"))).is_none());
        let keys: Vec<Key> = map.iter().map(|(k, _)| k.into_owned()).collect();
        assert_eq!(keys, vec![Key::One(Value::text("a")), Key::One(Value::text("b"))]);
        assert!(map.remove(&Key::One(Value::text("a"))).is_some());
        assert_eq!(map.len(), 1);
    }
}
