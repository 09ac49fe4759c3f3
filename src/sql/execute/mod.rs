//! The executor: runs a [`Plan`] against a transaction.
//!
//! ## Entry point
//! [`execute`] checks the parameters, builds the per-execution state and runs the statement:
//! a query returns its rows, INSERT/UPDATE/DELETE return their RETURNING rows (if any) and a
//! count, EXPLAIN returns the plan's text. DDL is executed by the connection, not here. The
//! caller starts the statement on the transaction (`Transaction::begin_statement`) first: the
//! snapshot and command id are the transaction's business, fixed for the whole statement.
//!
//! ## Iterator model
//! Plan nodes become pull iterators of rows (`RowIter`, a boxed
//! `Iterator<Item = Result<Row>>`) built by `node::Executor::start`. Scans stream from the
//! transaction in batches; filter, project, join (over a right side buffered once per
//! execution), limit, distinct and lock-rows stream too, so `LIMIT 1` stops the scan after one
//! row and `FOR UPDATE ... LIMIT 1` locks one row. Sort and aggregate consume their input when
//! they start. An error ends the stream it travels in: consumers stop at the first `Err`.
//! Rows are `Vec<Value>`s of the widths `plan.rs` documents: a scan yields the table's
//! columns, then `xmin` and `xmax`.
//!
//! ## Expressions and subqueries
//! `expr.rs` evaluates plan expressions over the current row in a `Scope` (parameters, outer
//! rows, subquery runner), with SQL's three-valued logic and PostgreSQL's operator and cast
//! rules (`compare.rs`, `arith.rs`, `like.rs`, `cast.rs`, `functions.rs`). Subqueries run
//! through the executor: uncorrelated ones once per execution, cached (an `IN` over a cached
//! result probes a hash set); correlated ones per evaluation, with the current row pushed on
//! the outer-row stack that `Expr::Outer { depth, .. }` reads (`subquery.rs`).
//!
//! ## Writes
//! INSERT converts each row to the column types (`coerce.rs`) and inserts it. UPDATE and
//! DELETE read all candidate rows first, then lock and change them one by one; see
//! `update.rs` (the Halloween problem) and `lock_rows.rs` (the EvalPlanQual re-check of a row
//! changed concurrently under READ COMMITTED).
//!
//! ## Cancellation
//! A statement stops with 57014 once its session's interrupt is requested (`txn::interrupt`).
//! Every loop whose length depends on the data checks it: scans once per batch and locking
//! scans once per step (in `txn::read`), the nested-loop join once per pair it tries (it can
//! run long on buffered rows without pulling any batch), and INSERT, UPDATE and DELETE once per
//! row they write. Everything else consumes one of those (filter, project, sort, aggregate,
//! distinct, limit, subqueries) or is bounded by the statement's text (VALUES). The error
//! travels like any other: the connection undoes the statement.
//!
//! ## Text typed at run time
//! Values carry no "unknown literal" type: where PostgreSQL would type a quoted literal from
//! its context before running (`id = '7'`, `INSERT INTO t(n) VALUES ('7')`, `1 + '2'`), the
//! executor reads the text as the other side's (or the column's) type at run time, failing
//! with 22P02 when it is not one. Text from a column is treated the same way.

mod aggregate;
mod arith;
mod cast;
mod coerce;
mod compare;
mod delete;
mod distinct;
mod expr;
mod functions;
mod insert;
mod join;
mod like;
mod limit;
mod lock_rows;
mod node;
mod scan;
mod sort;
mod subquery;
mod update;
mod write;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::sql::command_tag::CommandTag;
use crate::sql::plan::{Plan, PlannedStatement};
use crate::storage::CatalogSnapshot;
use crate::txn::Transaction;
use crate::types::{Row, Value};

use node::Executor;

/// What a statement runs against.
pub struct ExecContext<'a> {
    pub txn: &'a Transaction,
    pub catalog: &'a CatalogSnapshot,
    /// `$1`, `$2`, ... in order.
    pub params: &'a [Value],
}

/// The result of a statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// Column names of `rows` (a query's columns, RETURNING items, or `QUERY PLAN`); empty
    /// for DML without RETURNING.
    pub columns: Arc<[String]>,
    pub rows: Vec<Row>,
    /// PostgreSQL's command tag: `SELECT 3`, `INSERT 0 1`, `UPDATE 2`, `DELETE 0`, `EXPLAIN`.
    pub tag: CommandTag,
    /// Rows returned by a query, or rows written by INSERT/UPDATE/DELETE.
    pub affected: u64,
}

/// A stream of rows between plan nodes.
pub(crate) type RowIter<'a> = Box<dyn Iterator<Item = Result<Row>> + 'a>;

/// Runs `plan` in `ctx`.
pub fn execute(plan: &Plan, ctx: &ExecContext<'_>) -> Result<Output> {
    check_parameters(plan.parameter_count, ctx.params.len())?;
    let ex = Executor::new(ctx, &plan.subqueries);
    match &plan.statement {
        PlannedStatement::Query(query) => {
            let rows = ex.start(&query.root, &None)?.collect::<Result<Vec<Row>>>()?;
            let count = u64::try_from(rows.len()).unwrap_or(u64::MAX);
            Ok(Output {
                columns: query.columns.clone(),
                rows,
                tag: CommandTag::Counted("SELECT", count),
                affected: count,
            })
        }
        PlannedStatement::Insert(insert) => insert::insert(&ex, insert),
        PlannedStatement::Update(update) => update::update(&ex, update),
        PlannedStatement::Delete(delete) => delete::delete(&ex, delete),
        PlannedStatement::Explain(_) => {
            let rows: Vec<Row> =
                crate::sql::planner::explain(plan).into_iter().map(|line| vec![Value::from(line)]).collect();
            let columns = ["QUERY PLAN".to_string()].into();
            Ok(Output { columns, rows, tag: CommandTag::Fixed("EXPLAIN"), affected: 0 })
        }
        PlannedStatement::CreateTable(_)
        | PlannedStatement::CreateIndex(_)
        | PlannedStatement::DropTable { .. }
        | PlannedStatement::DropIndex { .. } => Err(Error::Internal("DDL is executed by the connection".into())),
    }
}

/// The bind check: exactly as many parameters as the statement uses. Too few is 42P02 for the
/// first missing one (`there is no parameter $2`); too many is 22023 with PostgreSQL's bind
/// message text.
fn check_parameters(required: usize, supplied: usize) -> Result<()> {
    if supplied < required {
        return Err(Error::UndefinedParameter(supplied + 1));
    }
    if supplied > required {
        return Err(Error::InvalidParameterValue(format!(
            "bind message supplies {supplied} parameters, but prepared statement requires {required}"
        )));
    }
    Ok(())
}
