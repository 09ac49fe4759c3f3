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
pub trait Params: Sized {
    fn into_values(self) -> Vec<Value>;

    /// Calls `f` with the values. The statement APIs use this: the provided forms lend their
    /// values without copying them into a new vector.
    fn with_values<R>(self, f: impl FnOnce(&[Value]) -> R) -> R {
        f(&self.into_values())
    }
}

impl Params for () {
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }

    fn with_values<R>(self, f: impl FnOnce(&[Value]) -> R) -> R {
        f(&[])
    }
}

impl Params for &[Value] {
    fn into_values(self) -> Vec<Value> {
        self.to_vec()
    }

    fn with_values<R>(self, f: impl FnOnce(&[Value]) -> R) -> R {
        f(self)
    }
}

impl Params for Vec<Value> {
    fn into_values(self) -> Vec<Value> {
        self
    }

    fn with_values<R>(self, f: impl FnOnce(&[Value]) -> R) -> R {
        f(&self)
    }
}

impl Params for &Vec<Value> {
    fn into_values(self) -> Vec<Value> {
        self.clone()
    }

    fn with_values<R>(self, f: impl FnOnce(&[Value]) -> R) -> R {
        f(self)
    }
}

impl<const N: usize> Params for [Value; N] {
    fn into_values(self) -> Vec<Value> {
        self.into()
    }

    fn with_values<R>(self, f: impl FnOnce(&[Value]) -> R) -> R {
        f(&self)
    }
}

impl<const N: usize> Params for &[Value; N] {
    fn into_values(self) -> Vec<Value> {
        self.to_vec()
    }

    fn with_values<R>(self, f: impl FnOnce(&[Value]) -> R) -> R {
        f(self)
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
