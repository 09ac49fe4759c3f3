//! Statement parameters: the values bound to `$1`, `$2`, ...
//!
//! Anything that implements [`Params`] can be passed: `()` for none, a slice or vector of
//! [`Value`]s, or the [`params!`](crate::params) macro, which converts each argument with
//! `Value::from`:
//!
//! ```
//! use isolde::{params, Database};
//! let db = Database::open_in_memory();
//! let conn = db.connect();
//! conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", ()).unwrap();
//! conn.execute("INSERT INTO t VALUES ($1, $2)", params![1, "a"]).unwrap();
//! conn.execute("INSERT INTO t VALUES ($1, $2)", params![2, None::<String>]).unwrap();
//! ```

use crate::types::Value;

/// Values for a statement's `$n` placeholders, in order.
pub trait Params {
    fn into_values(self) -> Vec<Value>;
}

impl Params for () {
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
}

impl Params for &[Value] {
    fn into_values(self) -> Vec<Value> {
        self.to_vec()
    }
}

impl Params for Vec<Value> {
    fn into_values(self) -> Vec<Value> {
        self
    }
}

impl Params for &Vec<Value> {
    fn into_values(self) -> Vec<Value> {
        self.clone()
    }
}

impl<const N: usize> Params for [Value; N] {
    fn into_values(self) -> Vec<Value> {
        self.into()
    }
}

impl<const N: usize> Params for &[Value; N] {
    fn into_values(self) -> Vec<Value> {
        self.to_vec()
    }
}

/// Builds statement parameters from Rust values: `params![1, "a", None::<i64>]`.
#[macro_export]
macro_rules! params {
    () => {
        ()
    };
    ($($value:expr),+ $(,)?) => {
        [$($crate::Value::from($value)),+]
    };
}
