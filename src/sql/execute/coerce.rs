//! Assigning values to typed columns (INSERT and UPDATE), PostgreSQL's assignment casts.
//!
//! | value \ column | integer              | double precision | text               | boolean  |
//! |----------------|----------------------|------------------|--------------------|----------|
//! | integer        | =                    | to real          | 42804              | 42804    |
//! | real           | round half away, 22003 | =              | 42804              | 42804    |
//! | text           | parse (22P02)        | parse (22P02)    | = (VARCHAR: 22001) | parse    |
//! | boolean        | 42804                | 42804            | 42804              | =        |
//!
//! Text is parsed because a quoted literal is "unknown"-typed in PostgreSQL and takes the
//! column's type; values carry no such type here, so all text is treated that way. A number
//! or boolean into a text column is refused, as PostgreSQL refuses an integer expression there:
//! 42804 `column "x" is of type text but expression is of type integer`. `VARCHAR(n)` refuses
//! longer text with 22001, except that trailing spaces beyond `n` are cut off silently (the SQL
//! standard rule PostgreSQL follows). NULL into a NOT NULL column is 23502.

use crate::error::{Error, Result};
use crate::types::{ColumnSchema, DataType, TableSchema, Value};

use super::cast::{parse_as, real_to_integer};
use super::compare::type_name;

/// `value` converted for storing in `column` of table `table`.
pub(crate) fn coerce_to_column(value: Value, column: &ColumnSchema, table: &str) -> Result<Value> {
    let mismatch = |v: &Value| {
        Error::DatatypeMismatch(format!(
            "column \"{}\" is of type {} but expression is of type {}",
            column.name,
            column.data_type,
            type_name(v)
        ))
    };
    let value = match (value, column.data_type) {
        (Value::Null, _) if !column.nullable => {
            return Err(Error::NotNullViolation { table: table.to_string(), column: column.name.clone() })
        }
        (Value::Null, _) => Value::Null,
        (v @ Value::Integer(_), DataType::Integer)
        | (v @ Value::Real(_), DataType::Real)
        | (v @ Value::Boolean(_), DataType::Boolean) => v,
        (Value::Integer(i), DataType::Real) => Value::Real(i as f64),
        (Value::Real(r), DataType::Integer) => Value::Integer(real_to_integer(r)?),
        (Value::Text(s), DataType::Text) => Value::Text(s),
        (Value::Text(s), target) => parse_as(&s, target)?,
        (other, _) => return Err(mismatch(&other)),
    };
    if let (Value::Text(s), Some(max)) = (&value, column.max_chars) {
        if let Some(fitted) = fit_varchar(s, max) {
            return fitted.map(Value::from);
        }
    }
    Ok(value)
}

/// `None` when `s` fits in `max` characters; otherwise the truncated text (excess is only
/// spaces) or 22001.
fn fit_varchar(s: &str, max: u32) -> Option<Result<String>> {
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let (cut, _) = s.char_indices().nth(max)?;
    if s[cut..].chars().all(|c| c == ' ') {
        Some(Ok(s[..cut].to_string()))
    } else {
        Some(Err(Error::StringTooLong(u32::try_from(max).unwrap_or(u32::MAX))))
    }
}

/// A whole row converted for storing in `schema`'s table (one value per column, in order),
/// in place.
pub(crate) fn coerce_row(schema: &TableSchema, mut values: Vec<Value>) -> Result<Vec<Value>> {
    if values.len() != schema.columns.len() {
        return Err(Error::Internal(format!(
            "row of {} values for table \"{}\" of {} columns",
            values.len(),
            schema.name,
            schema.columns.len()
        )));
    }
    for (value, column) in values.iter_mut().zip(&schema.columns) {
        let taken = std::mem::replace(value, Value::Null);
        *value = coerce_to_column(taken, column, &schema.name)?;
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(data_type: DataType, max_chars: Option<u32>, nullable: bool) -> ColumnSchema {
        ColumnSchema { name: "x".into(), data_type, max_chars, nullable, default: Value::Null }
    }

    fn co(v: impl Into<Value>, t: DataType) -> Result<Value> {
        coerce_to_column(v.into(), &column(t, None, true), "t")
    }

    #[test]
    fn numbers() {
        assert!(matches!(co(3, DataType::Real).unwrap(), Value::Real(r) if r == 3.0));
        assert!(matches!(co(2.5, DataType::Integer).unwrap(), Value::Integer(3)));
        assert!(matches!(co(-2.5, DataType::Integer).unwrap(), Value::Integer(-3)));
        assert_eq!(co(1e20, DataType::Integer), Err(Error::NumericOutOfRange("integer")));
        assert_eq!(co(f64::NAN, DataType::Integer).unwrap_err().sqlstate(), "22003");
    }

    #[test]
    fn text_is_parsed_for_typed_columns() {
        assert!(matches!(co("12", DataType::Integer).unwrap(), Value::Integer(12)));
        assert!(matches!(co("1.5", DataType::Real).unwrap(), Value::Real(r) if r == 1.5));
        assert_eq!(co("yes", DataType::Boolean).unwrap(), Value::Boolean(true));
        assert_eq!(co("x", DataType::Integer).unwrap_err().sqlstate(), "22P02");
    }

    #[test]
    fn mismatches() {
        let err = co(1, DataType::Text).unwrap_err();
        assert_eq!(err.sqlstate(), "42804");
        assert_eq!(err.to_string(), "column \"x\" is of type text but expression is of type integer");
        assert_eq!(co(true, DataType::Integer).unwrap_err().sqlstate(), "42804");
        assert_eq!(co(1, DataType::Boolean).unwrap_err().sqlstate(), "42804");
        assert_eq!(co(1.5, DataType::Boolean).unwrap_err().sqlstate(), "42804");
    }

    #[test]
    fn not_null_and_varchar() {
        let err = coerce_to_column(Value::Null, &column(DataType::Integer, None, false), "t").unwrap_err();
        assert_eq!(err, Error::NotNullViolation { table: "t".into(), column: "x".into() });
        assert!(coerce_to_column(Value::Null, &column(DataType::Integer, None, true), "t").unwrap().is_null());
        let vc = column(DataType::Text, Some(3), true);
        assert_eq!(coerce_to_column("abc".into(), &vc, "t").unwrap(), Value::text("abc"));
        assert_eq!(coerce_to_column("héé".into(), &vc, "t").unwrap(), Value::text("héé"));
        assert_eq!(coerce_to_column("ab   ".into(), &vc, "t").unwrap(), Value::text("ab "));
        assert_eq!(coerce_to_column("abcd".into(), &vc, "t"), Err(Error::StringTooLong(3)));
        let zero = column(DataType::Text, Some(0), true);
        assert_eq!(coerce_to_column("".into(), &zero, "t").unwrap(), Value::text(""));
    }

    #[test]
    fn rows() {
        let schema = TableSchema {
            name: "t".into(),
            columns: vec![column(DataType::Integer, None, false), column(DataType::Real, None, true)],
            primary_key: vec![0],
            indexes: vec![],
        };
        let row = coerce_row(&schema, vec!["1".into(), 2.into()]).unwrap();
        assert!(matches!(row.as_slice(), [Value::Integer(1), Value::Real(r)] if *r == 2.0));
        assert_eq!(coerce_row(&schema, vec![1.into()]).unwrap_err().sqlstate(), "XX000");
    }
}
