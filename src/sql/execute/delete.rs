//! DELETE: like UPDATE (see `update.rs` for why the candidates are read first and how each
//! row is locked and re-checked), deleting each locked row. RETURNING is evaluated over the
//! deleted version.

use crate::error::Result;
use crate::sql::plan::DeletePlan;
use crate::txn::RowLockMode;

use super::lock_rows::lock_and_recheck;
use super::node::Executor;
use super::scan::candidates;
use super::write::Written;
use super::Output;

/// Runs a DELETE.
pub(crate) fn delete(ex: &Executor<'_>, plan: &DeletePlan) -> Result<Output> {
    let table = ex.table(&plan.table)?;
    let scope = ex.scope(None);
    let filter = plan.filter.as_ref();
    let mut written = Written::new(plan.returning.as_ref());
    for candidate in candidates(ex, &plan.table, &plan.access, filter, &scope)? {
        ex.txn.check_interrupt()?;
        let Some(current) = lock_and_recheck(ex.txn, table, &candidate, RowLockMode::Update, false, filter, &scope)?
        else {
            continue;
        };
        ex.txn.delete(table, &current)?;
        written.record(&scope, &current)?;
    }
    Ok(written.finish("DELETE"))
}
