//! Arithmetic (`+ - * / %`, unary `-` and `+`) and text concatenation (`||`).
//!
//! * NULL in, NULL out.
//! * integer op integer is an integer, computed with checked arithmetic: overflow is 22003
//!   `integer out of range`; `/` truncates toward zero; `%` takes the dividend's sign.
//! * A real on either side makes the result real. A finite result that does not fit a double
//!   (or a product/quotient of non-zero finite numbers that underflows to zero) is 22003, as in
//!   PostgreSQL's `float8` operators.
//! * `/` or `%` by zero (integer or real) is 22012.
//! * Text beside a number is read as that number's type first (see `compare`'s module doc:
//!   the run-time stand-in for PostgreSQL's typing of quoted literals), so `1 + '2'` is 3.
//! * `||` converts non-text operands to text (`'a' || 1` is `a1`).

use crate::error::{Error, Result};
use crate::sql::ast::{BinaryOp, UnaryOp};
use crate::types::Value;

use super::cast::cast_text;
use super::compare::{no_operator, truth, type_name, unify};

const INTEGER_OUT_OF_RANGE: Error = Error::NumericOutOfRange("integer");
const REAL_OUT_OF_RANGE: Error = Error::NumericOutOfRange("double precision");

/// Applies an arithmetic operator (`+ - * / %`).
pub(crate) fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    let symbol = op.symbol();
    let (a, b) = unify(symbol, a, b)?;
    match (&a, &b) {
        (Value::Integer(x), Value::Integer(y)) => integer_op(op, *x, *y).map(Value::Integer),
        (Value::Integer(_) | Value::Real(_), Value::Integer(_) | Value::Real(_)) => {
            real_op(op, as_real(&a), as_real(&b)).map(Value::Real)
        }
        _ => Err(no_operator(symbol, &a, &b)),
    }
}

fn as_real(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Real(r) => *r,
        _ => f64::NAN,
    }
}

fn integer_op(op: BinaryOp, x: i64, y: i64) -> Result<i64> {
    let result = match op {
        BinaryOp::Add => x.checked_add(y),
        BinaryOp::Subtract => x.checked_sub(y),
        BinaryOp::Multiply => x.checked_mul(y),
        BinaryOp::Divide if y == 0 => return Err(Error::DivisionByZero),
        BinaryOp::Divide => x.checked_div(y),
        BinaryOp::Modulo if y == 0 => return Err(Error::DivisionByZero),
        // i64::MIN % -1 overflows in hardware; mathematically (and in PostgreSQL) it is 0.
        BinaryOp::Modulo if y == -1 => Some(0),
        BinaryOp::Modulo => x.checked_rem(y),
        other => return Err(Error::Internal(format!("{other:?} is not arithmetic"))),
    };
    result.ok_or(INTEGER_OUT_OF_RANGE)
}

fn real_op(op: BinaryOp, x: f64, y: f64) -> Result<f64> {
    let result = match op {
        BinaryOp::Add => x + y,
        BinaryOp::Subtract => x - y,
        BinaryOp::Multiply => x * y,
        BinaryOp::Divide | BinaryOp::Modulo if y == 0.0 => return Err(Error::DivisionByZero),
        BinaryOp::Divide => x / y,
        BinaryOp::Modulo => x % y,
        other => return Err(Error::Internal(format!("{other:?} is not arithmetic"))),
    };
    let overflow = result.is_infinite() && x.is_finite() && y.is_finite();
    let underflow = result == 0.0
        && match op {
            BinaryOp::Multiply => x != 0.0 && y != 0.0,
            BinaryOp::Divide => x != 0.0 && y.is_finite(),
            _ => false,
        };
    if overflow || underflow {
        Err(REAL_OUT_OF_RANGE)
    } else {
        Ok(result)
    }
}

/// Applies a unary operator: `NOT` (three-valued), `-` (checked) or `+`.
pub(crate) fn unary(op: UnaryOp, v: &Value) -> Result<Value> {
    match (op, v) {
        (_, Value::Null) => Ok(Value::Null),
        (UnaryOp::Not, v) => Ok(truth(v, "NOT")?.map_or(Value::Null, |b| Value::Boolean(!b))),
        (UnaryOp::Minus, Value::Integer(i)) => i.checked_neg().map(Value::Integer).ok_or(INTEGER_OUT_OF_RANGE),
        (UnaryOp::Minus, Value::Real(r)) => Ok(Value::Real(-r)),
        (UnaryOp::Plus, Value::Integer(_) | Value::Real(_)) => Ok(v.clone()),
        (UnaryOp::Minus | UnaryOp::Plus, other) => {
            let symbol = if op == UnaryOp::Minus { "-" } else { "+" };
            Err(Error::DatatypeMismatch(format!("operator does not exist: {symbol} {}", type_name(other))))
        }
    }
}

/// `a || b`: NULL if either is NULL, otherwise both cast to text, concatenated.
pub(crate) fn concat(a: &Value, b: &Value) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    let mut s = cast_text(a);
    s.push_str(&cast_text(b));
    Value::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ar(op: BinaryOp, a: impl Into<Value>, b: impl Into<Value>) -> Result<Value> {
        arithmetic(op, &a.into(), &b.into())
    }

    fn is_int(v: Value, expected: i64) -> bool {
        matches!(v, Value::Integer(i) if i == expected)
    }

    fn is_real(v: Value, expected: f64) -> bool {
        matches!(v, Value::Real(r) if r == expected)
    }

    #[test]
    fn integer_arithmetic() {
        assert!(is_int(ar(BinaryOp::Add, 2, 3).unwrap(), 5));
        assert!(is_int(ar(BinaryOp::Divide, 7, 2).unwrap(), 3));
        assert!(is_int(ar(BinaryOp::Divide, -7, 2).unwrap(), -3));
        assert!(is_int(ar(BinaryOp::Modulo, -7, 3).unwrap(), -1));
        assert!(is_int(ar(BinaryOp::Modulo, 7, -3).unwrap(), 1));
        assert!(is_int(ar(BinaryOp::Modulo, i64::MIN, -1).unwrap(), 0));
        assert!(ar(BinaryOp::Subtract, Value::Null, 1).unwrap().is_null());
    }

    #[test]
    fn integer_errors() {
        let overflow = Err(Error::NumericOutOfRange("integer"));
        assert_eq!(ar(BinaryOp::Add, i64::MAX, 1), overflow);
        assert_eq!(ar(BinaryOp::Multiply, i64::MAX, 2), overflow);
        assert_eq!(ar(BinaryOp::Subtract, i64::MIN, 1), overflow);
        assert_eq!(ar(BinaryOp::Divide, i64::MIN, -1), overflow);
        assert_eq!(ar(BinaryOp::Divide, 1, 0), Err(Error::DivisionByZero));
        assert_eq!(ar(BinaryOp::Modulo, 1, 0), Err(Error::DivisionByZero));
        assert_eq!(ar(BinaryOp::Divide, 1, 0).unwrap_err().sqlstate(), "22012");
    }

    #[test]
    fn real_arithmetic() {
        assert!(is_real(ar(BinaryOp::Add, 1, 0.5).unwrap(), 1.5));
        assert!(is_real(ar(BinaryOp::Divide, 1.0, 4).unwrap(), 0.25));
        assert!(is_real(ar(BinaryOp::Modulo, 5.5, 2).unwrap(), 1.5));
        assert_eq!(ar(BinaryOp::Divide, 1.5, 0), Err(Error::DivisionByZero));
        assert_eq!(ar(BinaryOp::Divide, 1, 0.0), Err(Error::DivisionByZero));
        assert_eq!(ar(BinaryOp::Multiply, 1e308, 10), Err(REAL_OUT_OF_RANGE));
        assert_eq!(ar(BinaryOp::Multiply, 1e-300, 1e-300), Err(REAL_OUT_OF_RANGE));
        assert!(is_real(ar(BinaryOp::Add, f64::INFINITY, 1).unwrap(), f64::INFINITY));
    }

    #[test]
    fn text_operands() {
        assert!(is_int(ar(BinaryOp::Add, 1, "2").unwrap(), 3));
        assert!(is_real(ar(BinaryOp::Multiply, "2", 1.5).unwrap(), 3.0));
        assert_eq!(ar(BinaryOp::Add, 1, "2.5").unwrap_err().sqlstate(), "22P02");
        let err = ar(BinaryOp::Add, "1", "2").unwrap_err();
        assert_eq!(err.to_string(), "operator does not exist: text + text");
        let err = ar(BinaryOp::Add, 1, true).unwrap_err();
        assert_eq!(err.to_string(), "operator does not exist: integer + boolean");
    }

    #[test]
    fn unary_operators() {
        assert!(is_int(unary(UnaryOp::Minus, &Value::Integer(5)).unwrap(), -5));
        assert_eq!(unary(UnaryOp::Minus, &Value::Integer(i64::MIN)), Err(Error::NumericOutOfRange("integer")));
        assert!(is_real(unary(UnaryOp::Minus, &Value::Real(1.5)).unwrap(), -1.5));
        assert!(is_int(unary(UnaryOp::Plus, &Value::Integer(5)).unwrap(), 5));
        assert_eq!(unary(UnaryOp::Not, &Value::Boolean(true)).unwrap(), Value::Boolean(false));
        assert!(unary(UnaryOp::Not, &Value::Null).unwrap().is_null());
        assert_eq!(unary(UnaryOp::Minus, &Value::text("a")).unwrap_err().sqlstate(), "42804");
        assert_eq!(unary(UnaryOp::Not, &Value::Integer(1)).unwrap_err().sqlstate(), "42804");
    }

    #[test]
    fn concatenation() {
        assert_eq!(concat(&Value::text("a"), &Value::Integer(1)), Value::text("a1"));
        assert_eq!(concat(&Value::Boolean(true), &Value::text("!")), Value::text("true!"));
        assert!(concat(&Value::text("a"), &Value::Null).is_null());
    }
}
