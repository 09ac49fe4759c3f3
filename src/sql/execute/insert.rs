//! INSERT.
//!
//! Each source row (VALUES expressions evaluated without a current row, or a query's rows
//! mapped to the table's columns through `InsertColumn`) is converted to the column types
//! (`coerce.rs`: assignment casts, VARCHAR limits, NOT NULL) and handed to
//! `Transaction::insert`, which checks the primary key and unique indexes. A query source is
//! streamed while inserting: the statement's snapshot and command id hide its own inserts
//! from it, so `INSERT INTO t SELECT * FROM t` copies each row once.

use crate::error::{Error, Result};
use crate::sql::plan::{InsertColumn, InsertPlan, InsertSource};
use crate::types::Value;

use super::coerce::coerce_row;
use super::node::Executor;
use super::write::Written;
use super::Output;

/// Runs an INSERT.
pub(crate) fn insert(ex: &Executor<'_>, plan: &InsertPlan) -> Result<Output> {
    let table = ex.table(&plan.table)?;
    let schema = &plan.table.schema;
    let scope = ex.scope(None);
    let mut written = Written::new(plan.returning.as_ref());
    let mut write = |values: Vec<Value>| -> Result<()> {
        ex.txn.check_interrupt()?;
        let inserted = ex.txn.insert(table, coerce_row(schema, values)?)?;
        written.record(&scope, &inserted)
    };
    match &plan.source {
        InsertSource::Values(rows) => {
            for exprs in rows {
                write(scope.eval_all(exprs, &[])?)?;
            }
        }
        InsertSource::Query { root, columns } => {
            for row in ex.start(root, &None)? {
                let row = row?;
                let values = columns
                    .iter()
                    .map(|c| match c {
                        InsertColumn::FromQuery(i) => row
                            .get(*i)
                            .cloned()
                            .ok_or_else(|| Error::Internal(format!("INSERT source has no column {i}"))),
                        InsertColumn::Default(v) => Ok(v.clone()),
                    })
                    .collect::<Result<Vec<Value>>>()?;
                write(values)?;
            }
        }
    }
    Ok(written.finish("INSERT 0"))
}
