//! What INSERT, UPDATE and DELETE have in common: counting written rows, evaluating
//! RETURNING and building the [`Output`] with PostgreSQL's command tag.

use std::sync::Arc;

use crate::error::Result;
use crate::sql::command_tag::CommandTag;
use crate::sql::plan::Returning;
use crate::txn::VisibleRow;
use crate::types::Row;

use super::expr::Scope;
use super::scan::row_of;
use super::Output;

/// The rows a DML statement wrote, and their RETURNING values.
pub(crate) struct Written<'p> {
    returning: Option<&'p Returning>,
    count: u64,
    rows: Vec<Row>,
}

impl<'p> Written<'p> {
    pub fn new(returning: Option<&'p Returning>) -> Written<'p> {
        Written { returning, count: 0, rows: Vec::new() }
    }

    /// Counts one written row; with RETURNING, evaluates it over `row` (the inserted or new
    /// version for INSERT and UPDATE, the deleted one for DELETE) as a scan row.
    pub fn record(&mut self, scope: &Scope<'_>, row: &VisibleRow) -> Result<()> {
        self.count += 1;
        if let Some(returning) = self.returning {
            self.rows.push(scope.eval_all(&returning.exprs, &row_of(row))?);
        }
        Ok(())
    }

    /// The statement's output; `tag` is the command tag before the count (`INSERT 0`, `UPDATE`).
    pub fn finish(self, tag: &'static str) -> Output {
        Output {
            columns: self.returning.map_or_else(|| Arc::from([]), |r| r.columns.clone()),
            rows: self.rows,
            tag: CommandTag::Counted(tag, self.count),
            affected: self.count,
        }
    }
}
