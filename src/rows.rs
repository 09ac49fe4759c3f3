//! Query results for the embedded API: [`Rows`], [`Row`], and conversions from [`Value`] to
//! Rust types ([`FromValue`]).
//!
//! Results are owned: a query has run to completion when `query` returns, so holding a
//! `Rows` keeps no snapshot or lock alive.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::types::Value;

/// The rows a query returned, with their column names.
#[derive(Clone, Debug, PartialEq)]
pub struct Rows {
    columns: Arc<[String]>,
    rows: Vec<Row>,
}

impl Rows {
    pub(crate) fn new(columns: Arc<[String]>, rows: Vec<Vec<Value>>) -> Rows {
        let rows = rows.into_iter().map(|values| Row { columns: columns.clone(), values }).collect();
        Rows { columns, rows }
    }

    /// The column names, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&Row> {
        self.rows.get(index)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Row> {
        self.rows.iter()
    }
}

impl IntoIterator for Rows {
    type Item = Row;
    type IntoIter = std::vec::IntoIter<Row>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.into_iter()
    }
}

impl<'a> IntoIterator for &'a Rows {
    type Item = &'a Row;
    type IntoIter = std::slice::Iter<'a, Row>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

/// One result row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// The value of a column, by position or name, converted to `T`.
    pub fn get<T: FromValue>(&self, index: impl RowIndex) -> Result<T> {
        let i = index.position(&self.columns)?;
        T::from_value(self.values[i].clone())
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

/// A way to name a column of a [`Row`]: its position (`usize`) or its name (`&str`).
pub trait RowIndex {
    fn position(&self, columns: &[String]) -> Result<usize>;
}

impl RowIndex for usize {
    fn position(&self, columns: &[String]) -> Result<usize> {
        if *self < columns.len() {
            Ok(*self)
        } else {
            Err(Error::InvalidColumnIndex(format!("column index {self} out of range (the row has {})", columns.len())))
        }
    }
}

impl RowIndex for &str {
    fn position(&self, columns: &[String]) -> Result<usize> {
        columns
            .iter()
            .position(|c| c == self)
            .ok_or_else(|| Error::InvalidColumnIndex(format!("no column named \"{self}\" in the result")))
    }
}

/// Conversion of a result value into a Rust type.
pub trait FromValue: Sized {
    fn from_value(value: Value) -> Result<Self>;
}

fn wrong_type(value: &Value, wanted: &str) -> Error {
    let found = value.data_type().map_or("NULL", |t| t.sql_name());
    Error::DatatypeMismatch(format!("cannot read a {found} value as {wanted}"))
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self> {
        Ok(value)
    }
}

impl FromValue for i64 {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Integer(i) => Ok(i),
            other => Err(wrong_type(&other, "i64")),
        }
    }
}

impl FromValue for i32 {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Integer(i) => i32::try_from(i).map_err(|_| Error::NumericOutOfRange("i32")),
            other => Err(wrong_type(&other, "i32")),
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Real(r) => Ok(r),
            Value::Integer(i) => Ok(i as f64),
            other => Err(wrong_type(&other, "f64")),
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Text(s) => Ok(s.to_string()),
            other => Err(wrong_type(&other, "String")),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Boolean(b) => Ok(b),
            other => Err(wrong_type(&other, "bool")),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_by_position_and_name() {
        let rows = Rows::new(vec!["id".into(), "v".into()].into(), vec![vec![Value::Integer(1), Value::Null]]);
        let row = rows.get(0).unwrap();
        assert_eq!(row.get::<i64>(0).unwrap(), 1);
        assert_eq!(row.get::<Option<String>>("v").unwrap(), None);
        assert_eq!(row.get::<i64>("nope").unwrap_err().sqlstate(), "42703");
        assert_eq!(row.get::<i64>(5).unwrap_err().sqlstate(), "42703");
        assert_eq!(row.get::<String>(0).unwrap_err().sqlstate(), "42804");
        assert_eq!(row.get::<f64>(0).unwrap(), 1.0);
    }
}
