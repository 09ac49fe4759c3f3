//! The per-execution state ([`Executor`]) and the dispatch from plan nodes to operators.
//!
//! `Executor::start` turns a [`Node`] into a pull iterator of rows ([`RowIter`]). Streaming
//! nodes (scan, filter, project, join over a buffered right side, limit, distinct, lock rows)
//! pull from their input one row at a time; blocking nodes (sort, aggregate) consume their
//! input when the node starts. The iterators borrow the executor, the plan and the
//! transaction; nothing outlives one call of `execute`.
//!
//! The executor is also the [`SubqueryRunner`] expressions call: see `subquery.rs` for the
//! caching rules. The cache is a `RefCell` that is never borrowed while a subquery runs (a
//! subquery may itself evaluate subqueries).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::sql::plan::{Expr, Node, Subquery, TableRef};
use crate::storage::{CatalogSnapshot, Table};
use crate::txn::Transaction;
use crate::types::{Row, Value};

use super::expr::{push_frame, Outer, Scope};
use super::subquery::{SubqueryResult, SubqueryRunner};
use super::{aggregate, distinct, join, limit, lock_rows, scan, sort, ExecContext, RowIter};

/// The state of one execution of one plan.
pub(crate) struct Executor<'a> {
    pub txn: &'a Transaction,
    pub catalog: &'a CatalogSnapshot,
    pub params: &'a [Value],
    subqueries: &'a [Subquery],
    /// Results of uncorrelated subqueries, by subquery index.
    cache: RefCell<Vec<Option<Rc<SubqueryResult>>>>,
}

impl<'a> Executor<'a> {
    pub fn new(ctx: &ExecContext<'a>, subqueries: &'a [Subquery]) -> Executor<'a> {
        Executor {
            txn: ctx.txn,
            catalog: ctx.catalog,
            params: ctx.params,
            subqueries,
            cache: RefCell::new(vec![None; subqueries.len()]),
        }
    }

    /// A scope for expressions of a query whose enclosing rows are `outer`.
    pub fn scope(&self, outer: Outer) -> Scope<'_> {
        Scope::new(self.params, self, outer)
    }

    /// The table a plan refers to; 42P01 if it was dropped since the plan was made.
    pub fn table(&self, table: &TableRef) -> Result<&'a Arc<Table>> {
        self.catalog.table_by_id(table.id).ok_or_else(|| Error::UndefinedTable(table.schema.name.clone()))
    }

    /// Starts `node` and returns its rows.
    pub fn start<'s>(&'s self, node: &'s Node, outer: &Outer) -> Result<RowIter<'s>> {
        let scope = self.scope(outer.clone());
        Ok(match node {
            Node::Scan { table, access, filter } => scan::scan(self, table, access, filter.as_ref(), None, outer)?,
            Node::Values { rows, .. } => Box::new(rows.iter().map(move |exprs| scope.eval_all(exprs, &[]))),
            Node::Filter { input, predicate } => {
                let input = self.start(input, outer)?;
                Box::new(input.filter_map(move |row| {
                    row.and_then(|row| Ok(scope.holds(predicate, &row, "WHERE")?.then_some(row))).transpose()
                }))
            }
            Node::Project { input, exprs } => {
                // Column references over a scan: the scan builds the projected rows itself.
                if let Node::Scan { table, access, filter } = &**input {
                    if let Some(columns) = scan::PlainColumns::of(exprs) {
                        return scan::scan(self, table, access, filter.as_ref(), Some(columns), outer);
                    }
                }
                let input = self.start(input, outer)?;
                // Leading columns in order (`SELECT *`, `SELECT id, k, v`): the input row,
                // shortened, is the output; nothing is built or copied.
                let leading = exprs.iter().enumerate().all(|(i, e)| matches!(e, Expr::Column(c) if *c == i));
                if leading {
                    let width = exprs.len();
                    Box::new(input.map(move |row| {
                        row.map(|mut row| {
                            row.truncate(width);
                            row
                        })
                    }))
                } else {
                    Box::new(input.map(move |row| row.and_then(|row| scope.eval_all(exprs, &row))))
                }
            }
            Node::NestedLoopJoin { left, right, kind, on, right_width } => {
                let (left, right) = (self.start(left, outer)?, self.start(right, outer)?);
                join::nested_loop(left, right, *kind, on.as_ref(), *right_width, scope, self.txn.interrupt())
            }
            Node::Aggregate { input, group_by, aggregates } => {
                match aggregate::over_table(self, input, group_by, aggregates)? {
                    Some(rows) => rows,
                    None => aggregate::aggregate(self.start(input, outer)?, group_by, aggregates, scope)?,
                }
            }
            Node::Sort { input, keys } => sort::sort(self.start(input, outer)?, keys, scope)?,
            Node::Limit { input, limit, offset } => {
                limit::limit(self.start(input, outer)?, limit.as_ref(), offset.as_ref(), &scope)?
            }
            Node::Distinct { input } => distinct::distinct(self.start(input, outer)?),
            Node::LockRows { table, access, filter, strength, nowait } => {
                lock_rows::lock_rows(self, table, access, filter.as_ref(), *strength, *nowait, outer)?
            }
        })
    }

    /// Runs `node` to the end (or to `limit` rows); also says whether it ran to the end.
    fn collect(&self, node: &Node, outer: &Outer, limit: Option<usize>) -> Result<(Vec<Row>, bool)> {
        let rows = self.start(node, outer)?;
        match limit {
            None => Ok((rows.collect::<Result<_>>()?, true)),
            Some(n) => {
                let rows = rows.take(n).collect::<Result<Vec<Row>>>()?;
                let complete = rows.len() < n;
                Ok((rows, complete))
            }
        }
    }
}

impl SubqueryRunner for Executor<'_> {
    fn run(&self, index: usize, row: &[Value], outer: &Outer, limit: Option<usize>) -> Result<Rc<SubqueryResult>> {
        let subquery = self.subqueries.get(index).ok_or_else(|| Error::Internal(format!("no subquery {index}")))?;
        if subquery.correlated {
            let (rows, complete) = self.collect(&subquery.root, &push_frame(row, outer), limit)?;
            return Ok(Rc::new(SubqueryResult::new(rows, complete, false)));
        }
        let cached = self.cache.borrow().get(index).cloned().flatten();
        if let Some(result) = cached.filter(|r| r.satisfies(limit)) {
            return Ok(result);
        }
        // Uncorrelated: reads no outer row, so it runs without any.
        let (rows, complete) = self.collect(&subquery.root, &None, limit)?;
        let result = Rc::new(SubqueryResult::new(rows, complete, true));
        if let Some(slot) = self.cache.borrow_mut().get_mut(index) {
            *slot = Some(result.clone());
        }
        Ok(result)
    }
}
