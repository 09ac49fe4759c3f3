//! SQL comparison (`=`, `<>`, `<`, ...), truth values and `IN (list)`.
//!
//! Comparison is three-valued: NULL on either side gives NULL. Values of one type class
//! compare by [`Value`]'s total order (integers and reals by numeric value, text bytewise,
//! `false < true`, NaN equal to itself and above every number, as in PostgreSQL).
//!
//! Mixed types: PostgreSQL types a quoted literal compared with a number as that number's type
//! before the query runs (`id = '7'` is `id = 7`, and `id = 'x'` fails with 22P02). Values carry
//! no "unknown literal" type here, so the evaluator does the same at run time: **text compared
//! with a number is read as that number's type** ([`parse_as`]), and text compared with a
//! boolean is read as a boolean. A number compared with a boolean has no operator in
//! PostgreSQL; that is 42804 `operator does not exist: integer = boolean` here (PostgreSQL's own
//! SQLSTATE for it is 42883).

use std::cmp::Ordering;

use crate::error::{Error, Result};
use crate::sql::ast::BinaryOp;
use crate::types::{DataType, Value};

use super::cast::{parse_as, parse_bool};

/// The type name of a value for messages (`unknown` for NULL, as PostgreSQL says of a bare
/// NULL literal).
pub(crate) fn type_name(v: &Value) -> &'static str {
    v.data_type().map_or("unknown", DataType::sql_name)
}

/// 42804 `operator does not exist: integer = boolean`.
pub(crate) fn no_operator(op: &str, a: &Value, b: &Value) -> Error {
    Error::DatatypeMismatch(format!("operator does not exist: {} {op} {}", type_name(a), type_name(b)))
}

/// Brings two non-NULL values to comparable types: text beside a number or a boolean is read
/// as that type. `op` only names the operator in the error for incomparable types.
pub(crate) fn unify(op: &str, a: &Value, b: &Value) -> Result<(Value, Value)> {
    let numeric = |v: &Value| matches!(v, Value::Integer(_) | Value::Real(_));
    match (a, b) {
        (Value::Text(s), other) | (other, Value::Text(s)) if !matches!(other, Value::Text(_)) => {
            let target = other.data_type().ok_or_else(|| no_operator(op, a, b))?;
            let parsed = parse_as(s, target)?;
            Ok(if matches!(a, Value::Text(_)) { (parsed, b.clone()) } else { (a.clone(), parsed) })
        }
        _ if numeric(a) && numeric(b) => Ok((a.clone(), b.clone())),
        _ if a.data_type() == b.data_type() => Ok((a.clone(), b.clone())),
        _ => Err(no_operator(op, a, b)),
    }
}

/// Compares two values as SQL does: `None` when either is NULL.
pub(crate) fn compare(op: BinaryOp, a: &Value, b: &Value) -> Result<Option<Ordering>> {
    if a.is_null() || b.is_null() {
        return Ok(None);
    }
    if a.data_type() == b.data_type() {
        return Ok(Some(a.cmp(b)));
    }
    let (a, b) = unify(op.symbol(), a, b)?;
    Ok(Some(a.cmp(&b)))
}

/// `a = b` in three-valued logic.
pub(crate) fn sql_eq(a: &Value, b: &Value) -> Result<Option<bool>> {
    Ok(compare(BinaryOp::Eq, a, b)?.map(Ordering::is_eq))
}

/// A comparison operator applied to two values: a boolean, or NULL.
pub(crate) fn comparison(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    let Some(ord) = compare(op, a, b)? else { return Ok(Value::Null) };
    let result = match op {
        BinaryOp::Eq => ord.is_eq(),
        BinaryOp::NotEq => ord.is_ne(),
        BinaryOp::Lt => ord.is_lt(),
        BinaryOp::LtEq => ord.is_le(),
        BinaryOp::Gt => ord.is_gt(),
        BinaryOp::GtEq => ord.is_ge(),
        other => return Err(Error::Internal(format!("{other:?} is not a comparison"))),
    };
    Ok(Value::Boolean(result))
}

/// The truth value of `v` where a boolean is required (`WHERE`, `AND`, `NOT`, ...): `None` for
/// NULL. Text is read as a boolean (a quoted literal would be typed boolean by PostgreSQL);
/// anything else is 42804 `argument of WHERE must be type boolean, not type integer`.
pub(crate) fn truth(v: &Value, context: &str) -> Result<Option<bool>> {
    match v {
        Value::Null => Ok(None),
        Value::Boolean(b) => Ok(Some(*b)),
        Value::Text(s) => parse_bool(s).map(Some),
        other => Err(Error::DatatypeMismatch(format!(
            "argument of {context} must be type boolean, not type {}",
            type_name(other)
        ))),
    }
}

/// Three-valued OR over the outcomes of `x = item` for each item, as `x IN (list)` is defined:
/// TRUE if any is TRUE, else NULL if any is NULL, else FALSE. Stops at the first TRUE.
pub(crate) fn any_equal<I>(x: &Value, items: I) -> Result<Option<bool>>
where
    I: IntoIterator<Item = Result<Value>>,
{
    if x.is_null() {
        // NULL IN (...) is NULL, and FALSE for an empty list (an empty subquery result).
        let mut any = false;
        for item in items {
            item?;
            any = true;
        }
        return Ok(if any { None } else { Some(false) });
    }
    let mut saw_null = false;
    for item in items {
        match sql_eq(x, &item?)? {
            Some(true) => return Ok(Some(true)),
            Some(false) => {}
            None => saw_null = true,
        }
    }
    Ok(if saw_null { None } else { Some(false) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(op: BinaryOp, a: impl Into<Value>, b: impl Into<Value>) -> Result<Value> {
        comparison(op, &a.into(), &b.into())
    }

    #[test]
    fn numbers_compare_by_value_and_null_gives_null() {
        assert_eq!(cmp(BinaryOp::Eq, 1, 1.0).unwrap(), Value::Boolean(true));
        assert_eq!(cmp(BinaryOp::Lt, 1, 1.5).unwrap(), Value::Boolean(true));
        assert_eq!(cmp(BinaryOp::GtEq, 2.0, 3).unwrap(), Value::Boolean(false));
        assert_eq!(cmp(BinaryOp::NotEq, "a", "b").unwrap(), Value::Boolean(true));
        assert!(cmp(BinaryOp::Eq, Value::Null, 1).unwrap().is_null());
        assert!(cmp(BinaryOp::Eq, Value::Null, Value::Null).unwrap().is_null());
        assert_eq!(cmp(BinaryOp::Eq, f64::NAN, f64::NAN).unwrap(), Value::Boolean(true));
        assert_eq!(cmp(BinaryOp::Gt, f64::NAN, i64::MAX).unwrap(), Value::Boolean(true));
    }

    #[test]
    fn text_beside_a_number_is_read_as_that_number() {
        assert_eq!(cmp(BinaryOp::Eq, 7, " 7 ").unwrap(), Value::Boolean(true));
        assert_eq!(cmp(BinaryOp::Lt, "6", 7).unwrap(), Value::Boolean(true));
        assert_eq!(cmp(BinaryOp::Eq, 1.5, "1.5").unwrap(), Value::Boolean(true));
        let err = cmp(BinaryOp::Eq, 1, "1.5").unwrap_err();
        assert_eq!(err.to_string(), "invalid input syntax for type integer: \"1.5\"");
        assert_eq!(cmp(BinaryOp::Eq, 1, "x").unwrap_err().sqlstate(), "22P02");
        assert_eq!(cmp(BinaryOp::Eq, true, "t").unwrap(), Value::Boolean(true));
        assert_eq!(cmp(BinaryOp::Eq, "false", true).unwrap(), Value::Boolean(false));
    }

    #[test]
    fn number_and_boolean_have_no_operator() {
        let err = cmp(BinaryOp::Eq, 1, true).unwrap_err();
        assert_eq!(err.sqlstate(), "42804");
        assert_eq!(err.to_string(), "operator does not exist: integer = boolean");
        let err = cmp(BinaryOp::Lt, false, 2.5).unwrap_err();
        assert_eq!(err.to_string(), "operator does not exist: boolean < double precision");
    }

    #[test]
    fn truth_values() {
        assert_eq!(truth(&Value::Boolean(true), "WHERE").unwrap(), Some(true));
        assert_eq!(truth(&Value::Null, "WHERE").unwrap(), None);
        assert_eq!(truth(&Value::text("f"), "WHERE").unwrap(), Some(false));
        let err = truth(&Value::Integer(1), "WHERE").unwrap_err();
        assert_eq!(err.to_string(), "argument of WHERE must be type boolean, not type integer");
    }

    #[test]
    fn in_list_null_semantics() {
        let list = |vs: Vec<Value>| vs.into_iter().map(Ok).collect::<Vec<_>>();
        let one = Value::Integer(1);
        assert_eq!(any_equal(&one, list(vec![2.into(), 1.into()])).unwrap(), Some(true));
        assert_eq!(any_equal(&one, list(vec![1.into(), Value::Null])).unwrap(), Some(true));
        assert_eq!(any_equal(&Value::Integer(3), list(vec![1.into(), Value::Null])).unwrap(), None);
        assert_eq!(any_equal(&Value::Integer(3), list(vec![1.into(), 2.into()])).unwrap(), Some(false));
        assert_eq!(any_equal(&Value::Null, list(vec![1.into()])).unwrap(), None);
        assert_eq!(any_equal(&Value::Null, list(vec![])).unwrap(), Some(false));
        assert!(any_equal(&one, list(vec![true.into()])).is_err());
    }
}
