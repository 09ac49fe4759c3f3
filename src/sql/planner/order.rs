//! ORDER BY and GROUP BY items: ordinals, output names and expressions (PostgreSQL's rules).
//!
//! - ORDER BY `n` (an integer literal) is the n-th select-list column (42P10 outside it); any
//!   other constant is 42601 "non-integer constant in ORDER BY". A bare name equal to an
//!   output column's name is that column (42702 when two output columns of that name differ).
//!   Anything else is an expression over the input: an equal select-list column is reused,
//!   otherwise it becomes a hidden column of the projection (with DISTINCT that is 42P10).
//! - GROUP BY `n` is the n-th select-list expression; a bare name is an input column when the
//!   query's FROM has one of that name, else an output column of that name; anything else is
//!   an expression over the input.

use crate::error::{Error, Result};
use crate::sql::ast;
use crate::sql::plan::{Expr, SortKey};
use crate::types::Value;

use super::expr::{Clause, Cx, Mode};
use super::rewrite::expr_eq;
use super::select::Target;
use super::{syntax, Planner};

/// The select-list position an ordinal names, 1-based as written.
fn ordinal(n: i64, targets: &[Target<'_>], clause: &str) -> Result<usize> {
    match usize::try_from(n) {
        Ok(n) if n >= 1 && n <= targets.len() => Ok(n - 1),
        _ => Err(Error::InvalidColumnReference(format!("{clause} position {n} is not in select list"))),
    }
}

impl Planner<'_> {
    /// Resolves ORDER BY: returns the hidden columns to project after the select list and the
    /// sort keys over the projection. `exprs` is the bound select list.
    pub(super) fn order_by(
        &mut self,
        items: &[ast::OrderByItem],
        targets: &[Target<'_>],
        exprs: &[Expr],
        distinct: bool,
        mode: Mode,
    ) -> Result<(Vec<Expr>, Vec<SortKey>)> {
        let mut hidden: Vec<Expr> = Vec::new();
        let mut keys = Vec::new();
        for item in items {
            let position = match &item.expr {
                ast::Expr::Literal(Value::Integer(n)) => ordinal(*n, targets, "ORDER BY")?,
                ast::Expr::Literal(_) => return Err(syntax("non-integer constant in ORDER BY")),
                ast::Expr::Column { table: None, name } if targets.iter().any(|t| t.name == *name) => {
                    let mut named = targets.iter().enumerate().filter(|(_, t)| t.name == *name).map(|(k, _)| k);
                    let first = named.next().unwrap_or_default();
                    if named.any(|k| !matches!((exprs.get(k), exprs.get(first)), (Some(a), Some(b)) if expr_eq(a, b))) {
                        return Err(Error::AmbiguousColumn(name.clone()));
                    }
                    first
                }
                e => {
                    let bound = self.bind(e, Cx { clause: Clause::OrderBy, mode })?;
                    match exprs.iter().chain(&hidden).position(|x| expr_eq(x, &bound)) {
                        Some(p) => p,
                        None if distinct => {
                            return Err(Error::InvalidColumnReference(
                                "for SELECT DISTINCT, ORDER BY expressions must appear in select list".into(),
                            ))
                        }
                        None => {
                            hidden.push(bound);
                            exprs.len() + hidden.len() - 1
                        }
                    }
                }
            };
            keys.push(SortKey {
                expr: Expr::Column(position),
                descending: item.descending,
                // PostgreSQL: NULLs sort as larger than every value.
                nulls_first: item.nulls_first.unwrap_or(item.descending),
            });
        }
        Ok((hidden, keys))
    }

    /// Binds GROUP BY over the input row.
    pub(super) fn group_by(&mut self, items: &[ast::Expr], targets: &[Target<'_>]) -> Result<Vec<Expr>> {
        let cx = Cx::plain(Clause::GroupBy);
        let mut groups = Vec::with_capacity(items.len());
        for item in items {
            let bound = match item {
                ast::Expr::Literal(Value::Integer(n)) => {
                    let position = ordinal(*n, targets, "GROUP BY")?;
                    self.bind_target(&targets[position], cx)?
                }
                ast::Expr::Column { table: None, name } if self.current()?.lookup(None, name)?.is_none() => {
                    match targets.iter().find(|t| t.name == *name) {
                        Some(target) => self.bind_target(target, cx)?,
                        None => self.bind(item, cx)?,
                    }
                }
                other => self.bind(other, cx)?,
            };
            groups.push(bound);
        }
        Ok(groups)
    }
}
