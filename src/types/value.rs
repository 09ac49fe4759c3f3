//! `Value`: one SQL value, and the total order the engine sorts and indexes by.
//!
//! Four types exist (see [`DataType`]): 64-bit integers, 64-bit floats, text and booleans,
//! plus `NULL`. Text is reference counted (`Arc<str>`) so that copying a row out of the version
//! store costs a counter increment per text column, not an allocation.
//!
//! Ordering ([`Ord`]) is total, because indexes and `ORDER BY` need one:
//!
//! ```text
//!   NULL  <  false < true  <  numbers (integers and reals compared by value)  <  text
//! ```
//!
//! SQL comparison (`=`, `<`, ... with NULL giving NULL) lives in the expression evaluator; this
//! order is only for sorting and keys. Integers and reals compare by numeric value, so `1 = 1.0`
//! and an index on a REAL column can be probed with an integer literal. `NaN` sorts above every
//! other number and equals itself, as in PostgreSQL.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::DataType;

/// One SQL value.
#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(Arc<str>),
    Boolean(bool),
}

impl Value {
    /// A text value from anything string-like.
    pub fn text(s: impl AsRef<str>) -> Value {
        Value::Text(Arc::from(s.as_ref()))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value's type, or `None` for NULL (which belongs to every type).
    pub fn data_type(&self) -> Option<DataType> {
        match self {
            Value::Null => None,
            Value::Integer(_) => Some(DataType::Integer),
            Value::Real(_) => Some(DataType::Real),
            Value::Text(_) => Some(DataType::Text),
            Value::Boolean(_) => Some(DataType::Boolean),
        }
    }

    /// Rank of the value's type class in the total order.
    fn class(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Boolean(_) => 1,
            Value::Integer(_) | Value::Real(_) => 2,
            Value::Text(_) => 3,
        }
    }

    /// The value as PostgreSQL's text output would show it (`t`/`f` for booleans,
    /// empty for NULL).
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Integer(i) => i.to_string(),
            Value::Real(r) => format_real(*r),
            Value::Text(s) => s.to_string(),
            Value::Boolean(b) => if *b { "t" } else { "f" }.to_string(),
        }
    }
}

/// Formats a float the way PostgreSQL prints `double precision`: the shortest digits that
/// read back as the same value, in exponent form (`1e+20`, `1.5e-05`) when the decimal
/// exponent is below -4 or at least 15, and `Infinity`/`-Infinity`/`NaN` spelled out.
pub fn format_real(r: f64) -> String {
    if r.is_nan() {
        return "NaN".into();
    }
    if r.is_infinite() {
        return if r > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // `{:e}` gives the shortest round-trip digits: "1.2345e20", "-2.5e-10", "0e0".
    let scientific = format!("{r:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("{:e} has an exponent");
    let exponent: i32 = exponent.parse().expect("{:e} exponent is a number");
    if r != 0.0 && !(-4..15).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        format!("{r}")
    }
}

fn compare_numbers(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
        (Value::Integer(x), Value::Real(y)) => compare_int_real(*x, *y),
        (Value::Real(x), Value::Integer(y)) => compare_int_real(*y, *x).reverse(),
        (Value::Real(x), Value::Real(y)) => compare_reals(*x, *y),
        _ => unreachable!("compare_numbers called on non-numbers"),
    }
}

/// Orders floats with NaN above everything and equal to itself.
fn compare_reals(x: f64, y: f64) -> Ordering {
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => x.partial_cmp(&y).expect("non-NaN floats are ordered"),
    }
}

/// Compares an integer with a float exactly (no rounding of large integers).
fn compare_int_real(i: i64, r: f64) -> Ordering {
    if r.is_nan() {
        return Ordering::Less;
    }
    // i64 -> f64 may round; compare in the integer domain when r is within range.
    // `i64::MAX as f64` is 2^63, one above i64::MAX; `i64::MIN as f64` is exact.
    if r >= i64::MAX as f64 {
        return Ordering::Less;
    }
    if r < i64::MIN as f64 {
        return Ordering::Greater;
    }
    let floor = r.floor();
    match i.cmp(&(floor as i64)) {
        Ordering::Equal if r > floor => Ordering::Less,
        other => other,
    }
}

impl Ord for Value {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        // The common case of keys first, inline everywhere: two integers.
        if let (Value::Integer(a), Value::Integer(b)) = (self, other) {
            return a.cmp(b);
        }
        self.cmp_general(other)
    }
}

impl Value {
    /// [`Ord::cmp`] for everything but two integers: by class, then within it.
    #[inline(never)]
    fn cmp_general(&self, other: &Self) -> Ordering {
        match self.class().cmp(&other.class()) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Boolean(a), Value::Boolean(b)) => a.cmp(b),
            (Value::Text(a), Value::Text(b)) => a.cmp(b),
            _ => compare_numbers(self, other),
        }
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.class().hash(state);
        match self {
            Value::Null => {}
            Value::Boolean(b) => b.hash(state),
            Value::Text(s) => s.hash(state),
            // Equal numbers must hash alike: integral reals hash as their integer.
            Value::Integer(i) => i.hash(state),
            Value::Real(r) => {
                if r.is_nan() {
                    u64::MAX.hash(state)
                } else if r.fract() == 0.0 && r.abs() < 9.2e18 {
                    (*r as i64).hash(state)
                } else {
                    r.to_bits().hash(state)
                }
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            other => f.write_str(&other.to_text()),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Integer(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Integer(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Integer(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Boolean(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::text(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Arc::from(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::text(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash(v: &Value) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    #[test]
    fn classes_order_null_bool_number_text() {
        let mut vs = vec![
            Value::text("a"),
            Value::Integer(3),
            Value::Boolean(true),
            Value::Null,
            Value::Real(2.5),
            Value::Boolean(false),
        ];
        vs.sort();
        assert_eq!(
            vs,
            vec![
                Value::Null,
                Value::Boolean(false),
                Value::Boolean(true),
                Value::Real(2.5),
                Value::Integer(3),
                Value::text("a"),
            ]
        );
    }

    #[test]
    fn integers_and_reals_compare_by_value_and_hash_alike() {
        assert_eq!(Value::Integer(1), Value::Real(1.0));
        assert_eq!(hash(&Value::Integer(1)), hash(&Value::Real(1.0)));
        assert!(Value::Integer(1) < Value::Real(1.5));
        assert!(Value::Real(-0.5) < Value::Integer(0));
        assert!(Value::Integer(i64::MAX) < Value::Real(1e19));
        assert!(Value::Integer(i64::MIN) > Value::Real(-1e19));
        assert!(Value::Real(f64::NAN) > Value::Integer(i64::MAX));
        assert_eq!(Value::Real(f64::NAN), Value::Real(f64::NAN));
    }

    #[test]
    fn text_output_matches_postgres() {
        assert_eq!(Value::Boolean(true).to_text(), "t");
        assert_eq!(Value::Real(1.0).to_text(), "1");
        assert_eq!(Value::Real(0.1).to_text(), "0.1");
        assert_eq!(Value::Real(f64::INFINITY).to_text(), "Infinity");
        assert_eq!(Value::Real(1e20).to_text(), "1e+20");
        assert_eq!(Value::Real(1e15).to_text(), "1e+15");
        assert_eq!(Value::Real(123456789012345.0).to_text(), "123456789012345");
        assert_eq!(Value::Real(0.00001).to_text(), "1e-05");
        assert_eq!(Value::Real(0.0001).to_text(), "0.0001");
        assert_eq!(Value::Real(-2.5e-10).to_text(), "-2.5e-10");
        assert_eq!(Value::Real(1.2345678901234568e20).to_text(), "1.2345678901234568e+20");
        assert_eq!(Value::Real(-0.0).to_text(), "-0");
        assert_eq!(Value::Real(0.0).to_text(), "0");
        assert_eq!(Value::Null.to_string(), "NULL");
    }
}
