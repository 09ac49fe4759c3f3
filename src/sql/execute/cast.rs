//! Reading text as typed values, and `CAST`.
//!
//! The parsers here are the engine's stand-in for PostgreSQL's typed input functions
//! (`int8in`, `float8in`, `boolin`). They serve three callers: `CAST('12' AS integer)`, the
//! comparison of a number with text (PostgreSQL would have typed the quoted literal as the
//! number's type before running), and the assignment of text to a typed column.
//!
//! | from \ to | integer                 | double precision | text      | boolean                 |
//! |-----------|-------------------------|------------------|-----------|-------------------------|
//! | integer   | =                       | exact/nearest    | `to_text` | non-zero is true        |
//! | real      | round half away, 22003  | =                | `to_text` | 42804 (no such cast)    |
//! | text      | parse, 22P02 / 22003    | parse, 22P02     | =         | parse (`t`, `yes`, ...) |
//! | boolean   | 1 / 0                   | 42804            | `t` / `f` | =                       |
//!
//! PostgreSQL rounds `double precision -> bigint` half to even (`rint`) but `numeric -> bigint`
//! half away from zero; since a literal such as `2.5` is `numeric` in PostgreSQL, the engine
//! rounds half away from zero everywhere.

use crate::error::{Error, Result};
use crate::types::{DataType, Value};

/// A value's text as `CAST(value AS text)` gives it: PostgreSQL's output form, except that a
/// boolean casts to `true`/`false` (its output form, shown in results, is `t`/`f`).
pub(crate) fn cast_text(value: &Value) -> String {
    match value {
        Value::Boolean(b) => b.to_string(),
        other => other.to_text(),
    }
}

/// `CAST(value AS to)`. NULL casts to NULL.
pub(crate) fn cast(value: Value, to: DataType) -> Result<Value> {
    let from = match value.data_type() {
        None => return Ok(Value::Null),
        Some(t) if t == to => return Ok(value),
        Some(t) => t,
    };
    match (value, to) {
        (v, DataType::Text) => Ok(Value::text(cast_text(&v))),
        (Value::Text(s), target) => parse_as(&s, target),
        (Value::Integer(i), DataType::Real) => Ok(Value::Real(i as f64)),
        (Value::Real(r), DataType::Integer) => real_to_integer(r).map(Value::Integer),
        (Value::Boolean(b), DataType::Integer) => Ok(Value::Integer(i64::from(b))),
        (Value::Integer(i), DataType::Boolean) => Ok(Value::Boolean(i != 0)),
        _ => Err(Error::DatatypeMismatch(format!("cannot cast type {from} to {to}"))),
    }
}

/// A float rounded half away from zero to an integer; 22003 when it does not fit (NaN and the
/// infinities never fit).
pub(crate) fn real_to_integer(r: f64) -> Result<i64> {
    let rounded = r.round();
    // 2^63 is exactly representable; every float below it (and >= -2^63) fits in an i64.
    if rounded.is_finite() && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&rounded) {
        Ok(rounded as i64)
    } else {
        Err(Error::NumericOutOfRange("integer"))
    }
}

/// Reads `input` as a value of type `to` (text is taken as is).
pub(crate) fn parse_as(input: &str, to: DataType) -> Result<Value> {
    match to {
        DataType::Integer => parse_integer(input).map(Value::Integer),
        DataType::Real => parse_real(input).map(Value::Real),
        DataType::Boolean => parse_bool(input).map(Value::Boolean),
        DataType::Text => Ok(Value::text(input)),
    }
}

fn invalid(data_type: DataType, input: &str) -> Error {
    Error::InvalidTextRepresentation { data_type, input: input.to_string() }
}

/// An integer in decimal with an optional sign, surrounding whitespace allowed. Digits that
/// do not fit in 64 bits are 22003, anything else that is not an integer is 22P02.
pub(crate) fn parse_integer(input: &str) -> Result<i64> {
    use std::num::IntErrorKind;
    input.trim().parse::<i64>().map_err(|e| match e.kind() {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => Error::NumericOutOfRange("integer"),
        _ => invalid(DataType::Integer, input),
    })
}

/// A float as `float8in` reads it: decimal or exponent notation, `NaN`, `Infinity`, `inf`,
/// any case, surrounding whitespace allowed. A finite spelling too large for a double is 22003.
pub(crate) fn parse_real(input: &str) -> Result<f64> {
    let trimmed = input.trim();
    let lower = trimmed.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    let sign = if lower.starts_with('-') { -1.0 } else { 1.0 };
    // Only one sign character is allowed.
    if lower.len() - unsigned.len() <= 1 {
        match unsigned {
            "nan" if lower.len() == unsigned.len() => return Ok(f64::NAN),
            "infinity" | "inf" => return Ok(sign * f64::INFINITY),
            _ => {}
        }
    }
    // Rust's parser also takes "nan"/"inf" spellings with signs we rejected above, and
    // nothing PostgreSQL refuses otherwise except what we filter here.
    let looks_numeric = !unsigned.is_empty()
        && unsigned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-'))
        && unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match trimmed.parse::<f64>() {
        Ok(r) if looks_numeric && r.is_infinite() => Err(Error::NumericOutOfRange("double precision")),
        Ok(r) if looks_numeric => Ok(r),
        _ => Err(invalid(DataType::Real, input)),
    }
}

/// A boolean as `boolin` reads it: `t`, `true`, `yes`, `on`, `1` and `f`, `false`, `no`,
/// `off`, `0`, any case, any unambiguous prefix of the words, surrounding whitespace allowed.
pub(crate) fn parse_bool(input: &str) -> Result<bool> {
    let s = input.trim().to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| s.len() >= min && word.starts_with(s.as_str());
    if prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || s == "1" {
        Ok(true)
    } else if prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0" {
        Ok(false)
    } else {
        Err(invalid(DataType::Boolean, input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_and_real_casts() {
        assert_eq!(cast(Value::Integer(3), DataType::Real).unwrap(), Value::Real(3.0));
        assert!(matches!(cast(Value::Integer(3), DataType::Real).unwrap(), Value::Real(_)));
        assert!(matches!(cast(Value::Real(2.5), DataType::Integer).unwrap(), Value::Integer(3)));
        assert!(matches!(cast(Value::Real(-2.5), DataType::Integer).unwrap(), Value::Integer(-3)));
        assert!(matches!(cast(Value::Real(2.4), DataType::Integer).unwrap(), Value::Integer(2)));
        for bad in [1e19, -1e19, f64::NAN, f64::INFINITY, 9_223_372_036_854_775_808.0] {
            assert_eq!(cast(Value::Real(bad), DataType::Integer), Err(Error::NumericOutOfRange("integer")));
        }
        assert!(matches!(
            cast(Value::Real(-9_223_372_036_854_775_808.0), DataType::Integer).unwrap(),
            Value::Integer(i64::MIN)
        ));
    }

    #[test]
    fn to_text_and_back() {
        assert_eq!(cast(Value::Boolean(true), DataType::Text).unwrap(), Value::text("true"));
        assert_eq!(cast(Value::Real(1.5), DataType::Text).unwrap(), Value::text("1.5"));
        assert_eq!(cast(Value::text(" 42 "), DataType::Integer).unwrap(), Value::Integer(42));
        assert_eq!(cast(Value::text("+7"), DataType::Integer).unwrap(), Value::Integer(7));
        assert_eq!(cast(Value::text("1e3"), DataType::Real).unwrap(), Value::Real(1000.0));
        assert_eq!(cast(Value::text("yes"), DataType::Boolean).unwrap(), Value::Boolean(true));
        assert_eq!(cast(Value::Null, DataType::Integer).unwrap(), Value::Null);
        let err = cast(Value::text("1.5"), DataType::Integer).unwrap_err();
        assert_eq!(err.sqlstate(), "22P02");
        assert_eq!(err.to_string(), "invalid input syntax for type integer: \"1.5\"");
        assert_eq!(cast(Value::text("99999999999999999999"), DataType::Integer).unwrap_err().sqlstate(), "22003");
        assert_eq!(cast(Value::text("maybe"), DataType::Boolean).unwrap_err().sqlstate(), "22P02");
    }

    #[test]
    fn booleans_and_integers() {
        assert_eq!(cast(Value::Boolean(true), DataType::Integer).unwrap(), Value::Integer(1));
        assert_eq!(cast(Value::Integer(0), DataType::Boolean).unwrap(), Value::Boolean(false));
        assert_eq!(cast(Value::Integer(-3), DataType::Boolean).unwrap(), Value::Boolean(true));
        let err = cast(Value::Real(1.0), DataType::Boolean).unwrap_err();
        assert_eq!(err.sqlstate(), "42804");
        assert_eq!(err.to_string(), "cannot cast type double precision to boolean");
    }

    #[test]
    fn real_spellings() {
        assert!(parse_real("NaN").unwrap().is_nan());
        assert_eq!(parse_real("-Infinity").unwrap(), f64::NEG_INFINITY);
        assert_eq!(parse_real(" inf ").unwrap(), f64::INFINITY);
        assert_eq!(parse_real(".5").unwrap(), 0.5);
        assert_eq!(parse_real("-2.5e-1").unwrap(), -0.25);
        assert_eq!(parse_real("1e400"), Err(Error::NumericOutOfRange("double precision")));
        for bad in ["", "abc", "--1", "-nan", "1.2.3", "0x10", "+-inf", "1 2"] {
            assert_eq!(parse_real(bad).unwrap_err().sqlstate(), "22P02", "{bad:?}");
        }
    }

    #[test]
    fn boolean_spellings() {
        for t in ["t", "TRUE", "tr", "y", "yes", "on", " 1 "] {
            assert_eq!(parse_bool(t), Ok(true), "{t}");
        }
        for f in ["f", "False", "n", "no", "off", "of", "0"] {
            assert_eq!(parse_bool(f), Ok(false), "{f}");
        }
        for bad in ["", "o", "2", "truee", "nope"] {
            assert!(parse_bool(bad).is_err(), "{bad}");
        }
    }
}
