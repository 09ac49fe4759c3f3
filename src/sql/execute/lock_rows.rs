//! SELECT ... FOR UPDATE / FOR SHARE, and the row locking UPDATE and DELETE share.
//!
//! ## Locking a row and the EvalPlanQual re-check
//! A statement reads rows as of its snapshot, but it must change (or lock) the row's
//! *current* version. [`lock_and_recheck`] asks the transaction to lock the version read:
//!
//! * `Locked::Current(r)`: nobody changed the row since; `r` is locked, use it.
//! * `Locked::Changed(r)` (READ COMMITTED only): a concurrent transaction committed a newer
//!   version, which the transaction waited for and has now locked. As PostgreSQL's
//!   EvalPlanQual does, the statement's filter is evaluated again on `r`: the row is used (in
//!   its new version) only if it still qualifies, and skipped otherwise. Uncorrelated subquery
//!   results are not recomputed (PostgreSQL does not re-run InitPlans either).
//! * `Locked::Gone`: deleted concurrently, skip it.
//!
//! Under SNAPSHOT (and stricter levels) a concurrently changed row is a serialization failure,
//! raised by `lock_row` itself.
//!
//! ## FOR UPDATE / FOR SHARE
//! The LockRows node streams: each row the scan returns and the filter accepts is locked
//! when it is pulled, so a LIMIT above it locks only the rows it returns. It emits rows like a
//! scan (values, `xmin`, `xmax`) of the version locked.

use std::sync::Arc;

use crate::error::Result;
use crate::sql::ast::LockStrength;
use crate::sql::plan::{AccessPath, Expr, TableRef};
use crate::storage::Table;
use crate::txn::{Locked, RowLockMode, Transaction, VisibleRow};

use super::expr::{Outer, Scope};
use super::node::Executor;
use super::scan::{row_of, visible_rows};
use super::RowIter;

/// Locks the version `row` and returns the version to use, or `None` to skip the row (it was
/// deleted, or its newer version no longer passes `filter`).
pub(crate) fn lock_and_recheck(
    txn: &Transaction,
    table: &Arc<Table>,
    row: &VisibleRow,
    mode: RowLockMode,
    nowait: bool,
    filter: Option<&Expr>,
    scope: &Scope<'_>,
) -> Result<Option<VisibleRow>> {
    Ok(match txn.lock_row(table, row, mode, nowait)? {
        Locked::Current(r) => Some(r),
        Locked::Changed(r) => scope.passes(filter, &row_of(&r), "WHERE")?.then_some(r),
        Locked::Gone => None,
    })
}

/// The LockRows node: the rows of `access` passing `filter`, each locked as it is returned.
pub(crate) fn lock_rows<'s>(
    ex: &'s Executor<'_>,
    table: &TableRef,
    access: &AccessPath,
    filter: Option<&'s Expr>,
    strength: LockStrength,
    nowait: bool,
    outer: &Outer,
) -> Result<RowIter<'s>> {
    let data = ex.table(table)?;
    let versions = visible_rows(ex, table, access, outer)?;
    let scope = ex.scope(outer.clone());
    let mode = match strength {
        LockStrength::Update => RowLockMode::Update,
        LockStrength::Share => RowLockMode::Share,
    };
    Ok(Box::new(versions.filter_map(move |version| {
        let lock = |version: VisibleRow| -> Result<Option<_>> {
            if !scope.passes(filter, &row_of(&version), "WHERE")? {
                return Ok(None);
            }
            let locked = lock_and_recheck(ex.txn, data, &version, mode, nowait, filter, &scope)?;
            Ok(locked.as_ref().map(row_of))
        };
        version.and_then(lock).transpose()
    })))
}
