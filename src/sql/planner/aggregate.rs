//! Aggregation: binding in grouped mode and the rewrite onto the aggregate's row.
//!
//! An [`Aggregate`](crate::sql::plan::Node::Aggregate) node outputs its group values followed
//! by its aggregate results. Expressions above it (select list, HAVING, ORDER BY) are bound
//! in [`Mode::Grouped`]:
//!
//! - an aggregate call binds its argument over the input row ([`Mode::InAggregate`], where a
//!   nested call is 42803), joins the level's list of calls (an identical call reuses its
//!   slot) and becomes `Column(groups + k)`;
//! - a subexpression without aggregate calls is bound over the input row and then
//!   [`regrouped`](Planner::regroup): a part equal to a GROUP BY expression becomes
//!   `Column(g)` (so `GROUP BY a` allows `a + 1`, and `GROUP BY a + 1` allows `a + 1`), a
//!   column left over is 42803, and the outer references subqueries make to this level are
//!   renumbered onto the group columns (a subquery may only read grouped columns).
//!
//! Subexpressions with aggregates are rebuilt node by node by the binder itself.

use crate::error::{Error, Result};
use crate::sql::ast;
use crate::sql::plan::{AggregateCall, AggregateFunction, Expr};

use super::expr::{aggregate_function, Cx, Mode};
use super::rewrite::{children_mut, expr_eq, subquery_of};
use super::Planner;

/// Whether `e` calls an aggregate at its own level (subqueries are not looked into).
pub(super) fn contains_aggregate(e: &ast::Expr) -> bool {
    use ast::Expr as A;
    match e {
        A::Column { .. } | A::Literal(_) | A::Parameter(_) | A::Default => false,
        A::Exists { .. } | A::ScalarSubquery(_) => false,
        A::Function { name, args, .. } => aggregate_function(name).is_some() || args.iter().any(contains_aggregate),
        A::Unary { expr, .. } | A::IsNull { expr, .. } | A::IsBool { expr, .. } | A::Cast { expr, .. } => {
            contains_aggregate(expr)
        }
        A::InSubquery { expr, .. } => contains_aggregate(expr),
        A::Binary { left, right, .. } => contains_aggregate(left) || contains_aggregate(right),
        A::Between { expr, low, high, .. } => {
            contains_aggregate(expr) || contains_aggregate(low) || contains_aggregate(high)
        }
        A::InList { expr, list, .. } => contains_aggregate(expr) || list.iter().any(contains_aggregate),
        A::Like { expr, pattern, .. } => contains_aggregate(expr) || contains_aggregate(pattern),
        A::Case { operand, branches, else_result } => {
            operand.as_deref().is_some_and(contains_aggregate)
                || branches.iter().any(|(w, t)| contains_aggregate(w) || contains_aggregate(t))
                || else_result.as_deref().is_some_and(contains_aggregate)
        }
    }
}

impl Planner<'_> {
    /// Binds an aggregate call in grouped mode: registers it and returns its output column.
    pub(super) fn bind_aggregate(
        &mut self,
        name: &str,
        function: AggregateFunction,
        args: &[ast::Expr],
        distinct: bool,
        star: bool,
        cx: Cx,
    ) -> Result<Expr> {
        let inner = Cx { mode: Mode::InAggregate, ..cx };
        let call = match (function, star, args) {
            (AggregateFunction::Count, true, []) if !distinct => {
                AggregateCall { function: AggregateFunction::CountStar, arg: None, distinct: false }
            }
            (_, false, [arg]) => AggregateCall { function, arg: Some(self.bind(arg, inner)?), distinct },
            (_, true, _) => return Err(Error::UndefinedFunction(format!("{name}(*)"))),
            (_, false, _) => {
                let bound = args.iter().map(|a| self.bind(a, inner)).collect::<Result<Vec<_>>>()?;
                return Err(self.undefined_function(name, &bound, Mode::InAggregate));
            }
        };
        let aggregation = self
            .current_mut()?
            .aggregation
            .as_mut()
            .ok_or_else(|| Error::Internal("aggregate bound outside an aggregation".into()))?;
        let same = |a: &AggregateCall| {
            a.function == call.function
                && a.distinct == call.distinct
                && match (&a.arg, &call.arg) {
                    (Some(x), Some(y)) => expr_eq(x, y),
                    (None, None) => true,
                    _ => false,
                }
        };
        let slot = match aggregation.aggregates.iter().position(same) {
            Some(k) => k,
            None => {
                aggregation.aggregates.push(call);
                aggregation.aggregates.len() - 1
            }
        };
        Ok(Expr::Column(aggregation.groups.len() + slot))
    }

    /// Moves `e`, bound over the input row of the current (aggregated) level, onto the
    /// aggregate's output row.
    pub(super) fn regroup(&mut self, e: Expr) -> Result<Expr> {
        let level = self.current()?;
        let groups = level
            .aggregation
            .as_ref()
            .ok_or_else(|| Error::Internal("grouped binding outside an aggregation".into()))?
            .groups
            .clone();
        let names: Vec<String> = (0..level.width()).map(|i| level.column_name(i)).collect();
        self.regroup_with(e, &groups, &names)
    }

    fn regroup_with(&mut self, mut e: Expr, groups: &[Expr], names: &[String]) -> Result<Expr> {
        if let Some(g) = groups.iter().position(|x| expr_eq(x, &e)) {
            return Ok(Expr::Column(g));
        }
        if let Expr::Column(i) = e {
            let name = names.get(i).map_or("?column?", String::as_str);
            return Err(Error::GroupingError(format!(
                "column \"{name}\" must appear in the GROUP BY clause or be used in an aggregate function"
            )));
        }
        if let Some(s) = subquery_of(&e) {
            // Outer references from the subquery to this level must be group columns.
            self.map_subquery(s, 1, &mut |i| {
                groups.iter().position(|g| matches!(g, Expr::Column(c) if *c == i)).ok_or_else(|| {
                    let name = names.get(i).map_or("?column?", String::as_str);
                    Error::GroupingError(format!("subquery uses ungrouped column \"{name}\" from outer query"))
                })
            })?;
        }
        for child in children_mut(&mut e) {
            let taken = std::mem::replace(child, Expr::Literal(crate::types::Value::Null));
            *child = self.regroup_with(taken, groups, names)?;
        }
        Ok(e)
    }
}
