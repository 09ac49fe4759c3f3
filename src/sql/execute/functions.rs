//! Built-in scalar functions ([`ScalarFunction`]).
//!
//! | function                 | NULL handling                         | notes                             |
//! |--------------------------|---------------------------------------|-----------------------------------|
//! | `abs(x)`                 | NULL -> NULL                          | `abs(i64::MIN)` is 22003          |
//! | `coalesce(a, ...)`       | first non-NULL argument               | evaluated lazily by the evaluator |
//! | `nullif(a, b)`           | NULL if `a = b`, else `a`             |                                   |
//! | `lower(s)`, `upper(s)`   | NULL -> NULL                          | Unicode case mapping              |
//! | `length(s)`              | NULL -> NULL                          | counts characters                 |
//! | `round(x[, n])`          | NULL -> NULL                          | half away from zero (see below)   |
//! | `substr(s, from[, len])` | NULL -> NULL                          | 1-based, PostgreSQL's clamping    |
//! | `greatest`, `least`      | NULLs skipped; NULL only if all NULL  | compared like `<`/`>`             |
//! | `concat(a, ...)`         | NULLs skipped; never NULL             | arguments as text                 |
//!
//! `round` follows PostgreSQL's `numeric` rounding (half away from zero) also for reals, since
//! PostgreSQL types a literal such as `2.5` as numeric: `round(2.5)` is 3. An integer argument
//! stays an integer (`round(15, -1)` is 20). A wrong argument type is 42883
//! `function lower(integer) does not exist`, as in PostgreSQL.

use std::cmp::Ordering;

use crate::error::{Error, Result};
use crate::sql::ast::BinaryOp;
use crate::sql::plan::ScalarFunction;
use crate::types::Value;

use super::cast::parse_integer;
use super::compare::{compare, sql_eq, type_name};

/// 42883 `function f(integer, text) does not exist`.
fn undefined(f: ScalarFunction, args: &[Value]) -> Error {
    let types: Vec<&str> = args.iter().map(type_name).collect();
    Error::UndefinedFunction(format!("{}({})", f.name(), types.join(", ")))
}

/// Calls `f` on already evaluated arguments.
pub(crate) fn call(f: ScalarFunction, args: &[Value]) -> Result<Value> {
    use ScalarFunction as F;
    let arity_ok = match f {
        F::Abs | F::Lower | F::Upper | F::Length => args.len() == 1,
        F::NullIf => args.len() == 2,
        F::Round => matches!(args.len(), 1 | 2),
        F::Substr => matches!(args.len(), 2 | 3),
        F::Coalesce | F::Greatest | F::Least | F::Concat => !args.is_empty(),
    };
    if !arity_ok {
        return Err(undefined(f, args));
    }
    match f {
        F::Coalesce => Ok(args.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null)),
        F::Concat => Ok(Value::from(args.iter().map(Value::to_text).collect::<String>())),
        F::NullIf => Ok(if sql_eq(&args[0], &args[1])? == Some(true) { Value::Null } else { args[0].clone() }),
        F::Greatest => extreme(args, Ordering::Greater),
        F::Least => extreme(args, Ordering::Less),
        _ if args.iter().any(Value::is_null) => Ok(Value::Null),
        F::Abs => match &args[0] {
            Value::Integer(i) => i.checked_abs().map(Value::Integer).ok_or(Error::NumericOutOfRange("integer")),
            Value::Real(r) => Ok(Value::Real(r.abs())),
            _ => Err(undefined(f, args)),
        },
        F::Lower | F::Upper | F::Length => match &args[0] {
            Value::Text(s) if f == F::Lower => Ok(Value::from(s.to_lowercase())),
            Value::Text(s) if f == F::Upper => Ok(Value::from(s.to_uppercase())),
            Value::Text(s) => Ok(Value::Integer(i64::try_from(s.chars().count()).unwrap_or(i64::MAX))),
            _ => Err(undefined(f, args)),
        },
        F::Round => {
            let digits = match args.get(1) {
                None => 0,
                Some(n) => integer_arg(f, args, n)?,
            };
            match &args[0] {
                Value::Integer(i) => round_integer(*i, digits).map(Value::Integer),
                Value::Real(r) => Ok(Value::Real(round_real(*r, digits))),
                _ => Err(undefined(f, args)),
            }
        }
        F::Substr => {
            let Value::Text(s) = &args[0] else { return Err(undefined(f, args)) };
            let start = integer_arg(f, args, &args[1])?;
            let len = args.get(2).map(|n| integer_arg(f, args, n)).transpose()?;
            substr(s, start, len).map(Value::from)
        }
    }
}

/// An integer argument; quoted text is read as an integer (an untyped literal in PostgreSQL).
fn integer_arg(f: ScalarFunction, args: &[Value], v: &Value) -> Result<i64> {
    match v {
        Value::Integer(i) => Ok(*i),
        Value::Text(s) => parse_integer(s),
        _ => Err(undefined(f, args)),
    }
}

/// greatest/least: the extreme non-NULL argument, NULL if all are NULL.
fn extreme(args: &[Value], wanted: Ordering) -> Result<Value> {
    let mut best: Option<&Value> = None;
    for v in args.iter().filter(|v| !v.is_null()) {
        match best {
            Some(b) if compare(BinaryOp::Lt, v, b)? != Some(wanted) => {}
            _ => best = Some(v),
        }
    }
    Ok(best.cloned().unwrap_or(Value::Null))
}

/// Rounds to `digits` decimal places, half away from zero.
fn round_real(r: f64, digits: i64) -> f64 {
    if !r.is_finite() {
        return r;
    }
    // Beyond these, a double has no digits left to round (or everything rounds to zero).
    if digits > 330 {
        return r;
    }
    if digits < -308 {
        return 0.0; // 10^309 is not a finite double; every double rounds to zero there
    }
    let scale = 10f64.powi(digits.unsigned_abs().min(400) as i32);
    if digits >= 0 {
        let scaled = r * scale;
        if !scaled.is_finite() {
            return r;
        }
        scaled.round() / scale
    } else {
        let result = (r / scale).round() * scale;
        if result.is_finite() {
            result
        } else {
            r
        }
    }
}

/// Rounds an integer to `digits` places: a no-op for `digits >= 0`, to tens, hundreds, ... below.
fn round_integer(i: i64, digits: i64) -> Result<i64> {
    if digits >= 0 {
        return Ok(i);
    }
    let Some(scale) = u32::try_from(digits.unsigned_abs()).ok().and_then(|d| 10i64.checked_pow(d)) else {
        // 10^19 and up do not fit: |i| < 10^19 rounds to 0, or to +-10^19 (out of range) when
        // it is at least half of it.
        let to_ten_pow_19 = digits == -19 && i.unsigned_abs() >= 5_000_000_000_000_000_000;
        return if to_ten_pow_19 { Err(Error::NumericOutOfRange("integer")) } else { Ok(0) };
    };
    let rem = i % scale;
    let down = i - rem;
    let half_or_more = rem.unsigned_abs() >= (scale as u64).div_ceil(2);
    if !half_or_more {
        return Ok(down);
    }
    let step = if i < 0 { -scale } else { scale };
    down.checked_add(step).ok_or(Error::NumericOutOfRange("integer"))
}

/// PostgreSQL's `substr`: characters `start .. start + len` (1-based, end exclusive), clamped to
/// the string; a negative length is an error.
fn substr(s: &str, start: i64, len: Option<i64>) -> Result<String> {
    let end = match len {
        Some(n) if n < 0 => {
            // PostgreSQL: 22011 substring_error; the closest variant here is 22023.
            return Err(Error::InvalidParameterValue("negative substring length not allowed".into()));
        }
        Some(n) => Some(start.saturating_add(n)),
        None => None,
    };
    let from = start.max(1);
    let skip = usize::try_from(from - 1).unwrap_or(usize::MAX);
    let out = match end {
        Some(end) if end <= from => String::new(),
        Some(end) => s.chars().skip(skip).take(usize::try_from(end - from).unwrap_or(usize::MAX)).collect(),
        None => s.chars().skip(skip).collect(),
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScalarFunction as F;

    fn c(f: ScalarFunction, args: Vec<Value>) -> Result<Value> {
        call(f, &args)
    }

    fn same(a: Value, b: Value) -> bool {
        a == b && a.data_type() == b.data_type()
    }

    #[test]
    fn abs_and_case_and_length() {
        assert!(same(c(F::Abs, vec![(-3).into()]).unwrap(), 3.into()));
        assert!(same(c(F::Abs, vec![(-2.5).into()]).unwrap(), 2.5.into()));
        assert_eq!(c(F::Abs, vec![i64::MIN.into()]), Err(Error::NumericOutOfRange("integer")));
        assert!(c(F::Abs, vec![Value::Null]).unwrap().is_null());
        assert_eq!(c(F::Upper, vec!["aé".into()]).unwrap(), Value::text("AÉ"));
        assert_eq!(c(F::Lower, vec!["AbC".into()]).unwrap(), Value::text("abc"));
        assert!(same(c(F::Length, vec!["héllo".into()]).unwrap(), 5.into()));
        let err = c(F::Lower, vec![1.into()]).unwrap_err();
        assert_eq!((err.sqlstate(), err.to_string().as_str()), ("42883", "function lower(integer) does not exist"));
        assert_eq!(c(F::Abs, vec![]).unwrap_err().sqlstate(), "42883");
    }

    #[test]
    fn null_handling_functions() {
        assert_eq!(c(F::Coalesce, vec![Value::Null, 2.into(), 3.into()]).unwrap(), 2.into());
        assert!(c(F::Coalesce, vec![Value::Null]).unwrap().is_null());
        assert!(c(F::NullIf, vec![1.into(), 1.into()]).unwrap().is_null());
        assert_eq!(c(F::NullIf, vec![1.into(), 2.into()]).unwrap(), 1.into());
        assert_eq!(c(F::NullIf, vec![1.into(), Value::Null]).unwrap(), 1.into());
        assert_eq!(c(F::Greatest, vec![1.into(), Value::Null, 3.5.into(), 2.into()]).unwrap(), 3.5.into());
        assert_eq!(c(F::Least, vec![Value::Null, 4.into(), 2.into()]).unwrap(), 2.into());
        assert!(c(F::Least, vec![Value::Null, Value::Null]).unwrap().is_null());
        assert_eq!(c(F::Greatest, vec!["b".into(), "a".into()]).unwrap(), "b".into());
        assert_eq!(c(F::Concat, vec!["a".into(), Value::Null, 1.into(), true.into()]).unwrap(), "a1t".into());
        assert_eq!(c(F::Concat, vec![Value::Null]).unwrap(), "".into());
    }

    #[test]
    fn rounding() {
        assert!(same(c(F::Round, vec![2.5.into()]).unwrap(), 3.0.into()));
        assert!(same(c(F::Round, vec![(-2.5).into()]).unwrap(), (-3.0).into()));
        assert!(same(c(F::Round, vec![1.23456.into(), 2.into()]).unwrap(), 1.23.into()));
        assert!(same(c(F::Round, vec![1234.5.into(), (-2).into()]).unwrap(), 1200.0.into()));
        assert!(same(c(F::Round, vec![7.into()]).unwrap(), 7.into()));
        assert!(same(c(F::Round, vec![15.into(), (-1).into()]).unwrap(), 20.into()));
        assert!(same(c(F::Round, vec![(-15).into(), (-1).into()]).unwrap(), (-20).into()));
        assert!(same(c(F::Round, vec![14.into(), (-1).into()]).unwrap(), 10.into()));
        assert!(same(c(F::Round, vec![i64::MAX.into(), (-30).into()]).unwrap(), 0.into()));
        assert!(same(c(F::Round, vec![4_000_000_000_000_000_000i64.into(), (-19).into()]).unwrap(), 0.into()));
        assert_eq!(c(F::Round, vec![i64::MIN.into(), (-19).into()]), Err(Error::NumericOutOfRange("integer")));
        assert!(same(c(F::Round, vec![1e300.into(), (-320).into()]).unwrap(), 0.0.into()));
        let Value::Real(r) = c(F::Round, vec![1.4e300.into(), (-300).into()]).unwrap() else { panic!() };
        assert!((r / 1e300 - 1.0).abs() < 1e-9);
        assert_eq!(c(F::Round, vec![i64::MAX.into(), (-1).into()]), Err(Error::NumericOutOfRange("integer")));
        assert!(same(c(F::Round, vec![1e300.into(), 20.into()]).unwrap(), 1e300.into()));
        assert!(same(c(F::Round, vec![1.5.into(), i64::MIN.into()]).unwrap(), 0.0.into()));
        assert!(same(c(F::Round, vec![1.5.into(), i64::MAX.into()]).unwrap(), 1.5.into()));
        assert!(c(F::Round, vec![1.5.into(), Value::Null]).unwrap().is_null());
        assert_eq!(c(F::Round, vec!["1".into()]).unwrap_err().sqlstate(), "42883");
    }

    #[test]
    fn substrings() {
        let s = |args: Vec<Value>| c(F::Substr, args).unwrap();
        assert_eq!(s(vec!["hello".into(), 2.into()]), "ello".into());
        assert_eq!(s(vec!["hello".into(), 2.into(), 3.into()]), "ell".into());
        assert_eq!(s(vec!["hello".into(), 0.into(), 3.into()]), "he".into());
        assert_eq!(s(vec!["hello".into(), (-5).into(), 3.into()]), "".into());
        assert_eq!(s(vec!["hello".into(), 10.into()]), "".into());
        assert_eq!(s(vec!["héllo".into(), 2.into(), 1.into()]), "é".into());
        assert_eq!(s(vec!["hello".into(), i64::MIN.into(), i64::MAX.into()]), "".into());
        assert_eq!(s(vec!["hello".into(), i64::MAX.into(), i64::MAX.into()]), "".into());
        assert_eq!(s(vec!["hello".into(), "2".into()]), "ello".into());
        assert!(s(vec![Value::Null, 1.into()]).is_null());
        assert_eq!(c(F::Substr, vec!["a".into(), 1.into(), (-1).into()]).unwrap_err().sqlstate(), "22023");
        assert_eq!(c(F::Substr, vec![1.into(), 1.into()]).unwrap_err().sqlstate(), "42883");
    }
}
