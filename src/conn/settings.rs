//! Session settings: what `SET` changes and `SHOW` prints.
//!
//! | parameter                       | values                                              |
//! |---------------------------------|-----------------------------------------------------|
//! | `default_transaction_isolation` | `read committed`, `read uncommitted` (= read committed), `repeatable read` / `snapshot` (snapshot isolation), `serializable`, `two phase locking` |
//! | `transaction_isolation`         | the same words; for the current transaction only    |
//! | `default_transaction_read_only` | `on` / `off` (also `true`/`false`, `1`/`0`)         |
//! | `transaction_read_only`         | the same; for the current transaction only          |
//! | `lock_timeout`                  | milliseconds, or a number with `ms`, `s`, `min`; `0` = wait for ever |
//!
//! An unknown parameter is 42704 and a bad value 22023, as in PostgreSQL: nothing is accepted
//! and ignored.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::sql::ast::{IsolationLevelName, SetValue};
use crate::txn::{IsolationLevel, TxnOptions};
use crate::types::Value;

/// The settings of one session.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Settings {
    /// What a transaction starts with unless BEGIN or SET TRANSACTION say otherwise.
    pub defaults: TxnOptions,
}

/// The scheme an SQL level word selects.
pub(crate) fn level_of(name: IsolationLevelName) -> IsolationLevel {
    match name {
        IsolationLevelName::ReadUncommitted | IsolationLevelName::ReadCommitted => IsolationLevel::ReadCommitted,
        IsolationLevelName::RepeatableRead | IsolationLevelName::Snapshot => IsolationLevel::Snapshot,
        IsolationLevelName::Serializable => IsolationLevel::Serializable,
    }
}

/// The scheme a level name given as text selects (`SET default_transaction_isolation = ...`).
pub(crate) fn parse_level(parameter: &str, text: &str) -> Result<IsolationLevel> {
    let words: Vec<String> = text.split(|c: char| c.is_whitespace() || c == '_').map(str::to_lowercase).collect();
    match words.join(" ").as_str() {
        "read committed" | "read uncommitted" => Ok(IsolationLevel::ReadCommitted),
        "repeatable read" | "snapshot" => Ok(IsolationLevel::Snapshot),
        "serializable" => Ok(IsolationLevel::Serializable),
        "two phase locking" | "2pl" => Ok(IsolationLevel::TwoPhaseLocking),
        _ => Err(invalid_value(parameter, text)),
    }
}

fn invalid_value(parameter: &str, text: &str) -> Error {
    Error::InvalidParameterValue(format!("invalid value for parameter \"{parameter}\": \"{text}\""))
}

fn text_of(value: &Value) -> String {
    value.to_text()
}

fn parse_bool(parameter: &str, value: &Value) -> Result<bool> {
    match value {
        Value::Boolean(b) => Ok(*b),
        Value::Integer(1) => Ok(true),
        Value::Integer(0) => Ok(false),
        other => match text_of(other).to_lowercase().as_str() {
            "on" | "true" | "yes" | "1" | "t" => Ok(true),
            "off" | "false" | "no" | "0" | "f" => Ok(false),
            _ => Err(invalid_value(parameter, &text_of(other))),
        },
    }
}

fn parse_duration(parameter: &str, value: &Value) -> Result<Option<Duration>> {
    let text = text_of(value);
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number.parse().map_err(|_| invalid_value(parameter, &text))?;
    let millis = match unit.trim() {
        "" | "ms" => number,
        "s" => number * 1000.0,
        "min" => number * 60_000.0,
        _ => return Err(invalid_value(parameter, &text)),
    };
    if !(0.0..=2_147_483_647.0).contains(&millis) {
        return Err(invalid_value(parameter, &text));
    }
    Ok((millis > 0.0).then(|| Duration::from_micros((millis * 1000.0) as u64)))
}

/// How `SHOW lock_timeout` prints a timeout: in the largest unit that divides it, as
/// PostgreSQL does (`1500ms`, `2s`, `1min`).
fn show_duration(timeout: Option<Duration>) -> String {
    const UNITS: [(u128, &str); 5] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "min"), (1000, "s"), (1, "ms")];
    let Some(millis) = timeout.map(|d| d.as_millis()) else { return "0".into() };
    let (size, unit) = UNITS.iter().find(|(size, _)| millis % size == 0).copied().unwrap_or((1, "ms"));
    format!("{}{unit}", millis / size)
}

fn show_bool(b: bool) -> String {
    if b { "on" } else { "off" }.into()
}

/// Applies `SET name = value` to transaction options `options` (the session defaults or the
/// current transaction's), `transaction` telling which.
pub(crate) fn apply(options: &mut TxnOptions, name: &str, value: &SetValue) -> Result<()> {
    let defaults = TxnOptions::default();
    let value = match value {
        SetValue::Default => None,
        SetValue::Value(v) => Some(v),
    };
    match name {
        "default_transaction_isolation" | "transaction_isolation" => {
            options.level = match value {
                None => defaults.level,
                Some(v) => parse_level(name, &text_of(v))?,
            };
        }
        "default_transaction_read_only" | "transaction_read_only" => {
            options.read_only = match value {
                None => defaults.read_only,
                Some(v) => parse_bool(name, v)?,
            };
        }
        "lock_timeout" => {
            options.lock_timeout = match value {
                None => defaults.lock_timeout,
                Some(v) => parse_duration(name, v)?,
            };
        }
        _ => return Err(Error::UnrecognizedParameter(name.to_string())),
    }
    Ok(())
}

/// Whether `name` is a setting of the current transaction rather than of the session.
pub(crate) fn is_transaction_setting(name: &str) -> bool {
    matches!(name, "transaction_isolation" | "transaction_read_only")
}

/// The names `SHOW ALL` lists, in order.
pub(crate) const ALL: [&str; 5] = [
    "default_transaction_isolation",
    "default_transaction_read_only",
    "lock_timeout",
    "transaction_isolation",
    "transaction_read_only",
];

/// The value `SHOW name` prints, given the session defaults and the options of the current
/// transaction (the defaults when there is none).
pub(crate) fn show(name: &str, defaults: &TxnOptions, current: &TxnOptions) -> Result<String> {
    Ok(match name {
        "default_transaction_isolation" => defaults.level.name().into(),
        "transaction_isolation" => current.level.name().into(),
        "default_transaction_read_only" => show_bool(defaults.read_only),
        "transaction_read_only" => show_bool(current.read_only),
        "lock_timeout" => show_duration(current.lock_timeout),
        _ => return Err(Error::UnrecognizedParameter(name.to_string())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_words() {
        assert_eq!(parse_level("x", "READ COMMITTED").unwrap(), IsolationLevel::ReadCommitted);
        assert_eq!(parse_level("x", "repeatable_read").unwrap(), IsolationLevel::Snapshot);
        assert_eq!(parse_level("x", "two phase locking").unwrap(), IsolationLevel::TwoPhaseLocking);
        assert_eq!(parse_level("x", "chaos").unwrap_err().sqlstate(), "22023");
    }

    #[test]
    fn lock_timeouts() {
        let mut o = TxnOptions::default();
        apply(&mut o, "lock_timeout", &SetValue::Value(Value::text("1.5s"))).unwrap();
        assert_eq!(o.lock_timeout, Some(Duration::from_millis(1500)));
        assert_eq!(show_duration(o.lock_timeout), "1500ms");
        apply(&mut o, "lock_timeout", &SetValue::Value(Value::Integer(2000))).unwrap();
        assert_eq!(show("lock_timeout", &o, &o).unwrap(), "2s");
        apply(&mut o, "lock_timeout", &SetValue::Value(Value::text("1min"))).unwrap();
        assert_eq!(show("lock_timeout", &o, &o).unwrap(), "1min");
        apply(&mut o, "lock_timeout", &SetValue::Value(Value::Integer(0))).unwrap();
        assert_eq!(o.lock_timeout, None);
        assert!(apply(&mut o, "lock_timeout", &SetValue::Value(Value::text("soon"))).is_err());
        assert_eq!(apply(&mut o, "nope", &SetValue::Default).unwrap_err().sqlstate(), "42704");
    }
}
