//! `Key`: the values of an index's columns, ordered as a tuple.
//!
//! Most keys have one column (an integer primary key), so the one-column case is stored inline
//! and only composite keys allocate.

use std::cmp::Ordering;
use std::fmt;

use super::Value;

/// The values of one index entry's columns, compared lexicographically.
#[derive(Clone, Debug)]
pub enum Key {
    One(Value),
    Many(Box<[Value]>),
}

impl Key {
    pub fn from_values(mut values: Vec<Value>) -> Key {
        if values.len() == 1 {
            Key::One(values.pop().expect("one value"))
        } else {
            Key::Many(values.into_boxed_slice())
        }
    }

    /// The key made of columns `columns` of a row: without allocating for one column.
    pub fn of_columns(data: &[Value], columns: &[usize]) -> Key {
        match columns {
            [c] => Key::One(data[*c].clone()),
            _ => Key::Many(columns.iter().map(|&c| data[c].clone()).collect()),
        }
    }

    pub fn values(&self) -> &[Value] {
        match self {
            Key::One(v) => std::slice::from_ref(v),
            Key::Many(vs) => vs,
        }
    }

    /// Whether any column is NULL (such keys never conflict in a unique index).
    pub fn has_null(&self) -> bool {
        self.values().iter().any(Value::is_null)
    }
}

impl Ord for Key {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Key::One(a), Key::One(b)) => a.cmp(b),
            _ => self.values().cmp(other.values()),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.values().hash(state)
    }
}

impl fmt::Display for Key {
    /// `1` for one column, `(1, 'a')` for several, as PostgreSQL prints keys in messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Value| match v {
            Value::Text(s) => format!("{s}"),
            other => other.to_string(),
        };
        match self {
            Key::One(v) => f.write_str(&show(v)),
            Key::Many(vs) => {
                let parts: Vec<String> = vs.iter().map(show).collect();
                write!(f, "({})", parts.join(", "))
            }
        }
    }
}
