//! [`Statement`]: a prepared statement, parsed and planned once, run many times.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::params::Params;
use crate::rows::{Row, Rows};
use crate::sql::prepared::Prepared;

use super::Connection;

/// A statement prepared on a connection; see [`Connection::prepare`].
pub struct Statement<'conn> {
    conn: &'conn Connection,
    prepared: Arc<Prepared>,
}

impl std::fmt::Debug for Statement<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Statement").field("sql", &self.prepared.text).finish()
    }
}

impl<'conn> Statement<'conn> {
    pub(super) fn new(conn: &'conn Connection, prepared: Arc<Prepared>) -> Statement<'conn> {
        Statement { conn, prepared }
    }

    /// Runs the statement; returns the number of rows affected.
    pub fn execute(&mut self, params: impl Params) -> Result<u64> {
        params.with_values(|values| self.conn.run_prepared(&self.prepared, 0, values)).map(|(_, affected)| affected)
    }

    /// Runs the statement and returns its rows.
    pub fn query(&mut self, params: impl Params) -> Result<Rows> {
        let (result, _) = params.with_values(|values| self.conn.run_prepared(&self.prepared, 0, values))?;
        Ok(Rows::new(result.columns, result.rows))
    }

    /// Runs the statement and maps its first row with `f`; fails with `NoRows` if there is
    /// none.
    pub fn query_row<T>(&mut self, params: impl Params, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        let rows = self.query(params)?;
        f(rows.get(0).ok_or(Error::NoRows)?)
    }

    /// The SQL text the statement was prepared from.
    pub fn sql(&self) -> &str {
        &self.prepared.text
    }
}
