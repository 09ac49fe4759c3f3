//! UPDATE.
//!
//! ## Avoiding the Halloween problem
//! The statement first reads **all** candidate rows (access path + filter) to the end, and
//! only then changes them. A scan interleaved with the updates could meet a row the statement
//! itself just moved (a new primary key further along the scan, or a new index key within an
//! index range) and update it twice. The transaction layer guards against that too (a
//! statement never sees its own writes: command ids), and reading first keeps the executor
//! correct whatever order the rows come in.
//!
//! Then, per candidate: lock it (`lock_and_recheck`: skip rows deleted meanwhile, re-check
//! the filter on a newer version under READ COMMITTED), compute the new values by evaluating
//! every assignment over the *old* row (so `SET a = b, b = a` swaps), convert them to the
//! column types (NOT NULL, VARCHAR limits, assignment casts) and write the new version.
//! RETURNING is evaluated over the new version.

use crate::error::{Error, Result};
use crate::sql::plan::UpdatePlan;
use crate::txn::RowLockMode;

use super::coerce::coerce_to_column;
use super::lock_rows::lock_and_recheck;
use super::node::Executor;
use super::scan::{candidates, row_of};
use super::write::Written;
use super::Output;

/// Runs an UPDATE.
pub(crate) fn update(ex: &Executor<'_>, plan: &UpdatePlan) -> Result<Output> {
    let table = ex.table(&plan.table)?;
    let schema = &plan.table.schema;
    let scope = ex.scope(None);
    let filter = plan.filter.as_ref();
    let mut written = Written::new(plan.returning.as_ref());
    for candidate in candidates(ex, &plan.table, &plan.access, filter, &scope)? {
        ex.txn.check_interrupt()?;
        let Some(current) = lock_and_recheck(ex.txn, table, &candidate, RowLockMode::Update, false, filter, &scope)?
        else {
            continue;
        };
        let old = row_of(&current);
        let mut values = current.data.to_vec();
        for (column, expr) in &plan.assignments {
            let (Some(definition), true) = (schema.columns.get(*column), *column < values.len()) else {
                return Err(Error::Internal(format!("table \"{}\" has no column #{column}", schema.name)));
            };
            values[*column] = coerce_to_column(scope.eval(expr, &old)?, definition, &schema.name)?;
        }
        let new = ex.txn.update(table, &current, values)?;
        written.record(&scope, &new)?;
    }
    Ok(written.finish("UPDATE"))
}
