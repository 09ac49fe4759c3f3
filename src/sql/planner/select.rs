//! SELECT: the select list, aggregation, ORDER BY, DISTINCT, LIMIT and row locking.
//!
//! The node stack of a query, bottom up:
//!
//! ```text
//!   FROM tree (scans with their filters, joins)      or Values (one empty row) without FROM
//!   Filter            WHERE conjuncts that could not go into a scan
//!   Aggregate         group exprs + aggregate calls, when the query aggregates
//!   Filter            HAVING, over the aggregate's row
//!   Project           select list, then hidden ORDER BY columns
//!   Distinct          SELECT DISTINCT
//!   Sort              keys are columns of the projection
//!   Limit
//!   Project           drops the hidden ORDER BY columns, if any
//! ```
//!
//! ORDER BY items resolve as in PostgreSQL: an integer literal is a select-list ordinal, a
//! bare name matching an output column name is that column, anything else is an expression
//! over the input (over the aggregate's row when aggregating) that reuses an equal select-list
//! column or adds a hidden one. GROUP BY items are ordinals, input columns, output names (when
//! no input column has the name) or expressions.

use crate::error::{Error, Result};
use crate::sql::ast::{self, LockStrength};
use crate::sql::plan::{Expr, Node, QueryPlan, SortKey};

use super::aggregate::contains_aggregate;
use super::expr::{output_name, Clause, Cx, Mode};
use super::from::{FromClause, FromTree, Lock, Source};
use super::rewrite::{has_subquery, has_variables, split_conjuncts};
use super::scope::{Aggregation, Level};
use super::{syntax, Planner};

/// One output column of the select list, `*` expanded.
pub(super) struct Target<'q> {
    pub(super) kind: TargetKind<'q>,
    pub name: String,
}

pub(super) enum TargetKind<'q> {
    Expr(&'q ast::Expr),
    /// A column of the level's row (from `*` or `t.*`).
    Column(usize),
}

/// `node` filtered by the conjunction of `conjuncts`.
fn filtered(node: Node, conjuncts: Vec<Expr>) -> Node {
    match super::rewrite::and_all(conjuncts) {
        Some(predicate) => Node::Filter { input: Box::new(node), predicate },
        None => node,
    }
}

impl Planner<'_> {
    /// Plans a query as a new level of the scope stack; also says whether it reads an
    /// enclosing level (is correlated).
    pub(super) fn query(&mut self, query: &ast::Query) -> Result<(QueryPlan, bool)> {
        let FromClause { tree, items, mut sources, correlated } = self.resolve_from(&query.select.from)?;
        self.levels.push(Level::new(items, correlated));
        let result = self.query_body(query, tree.as_ref(), &mut sources);
        let correlated = self.levels.pop().is_some_and(|level| level.correlated);
        Ok((result?, correlated))
    }

    fn query_body(
        &mut self,
        q: &ast::Query,
        tree: Option<&FromTree<'_>>,
        sources: &mut [Option<Source>],
    ) -> Result<QueryPlan> {
        self.current()?.check_duplicate_names()?;
        let select = &q.select;
        let targets = self.targets(&select.projection)?;
        let aggregated = !select.group_by.is_empty()
            || select.having.is_some()
            || targets.iter().any(|t| matches!(t.kind, TargetKind::Expr(e) if contains_aggregate(e)))
            || q.order_by.iter().any(|o| contains_aggregate(&o.expr));
        let lock = self.check_locking(q, tree, sources, aggregated)?;

        let mut conjuncts = Vec::new();
        if let Some(filter) = &select.filter {
            split_conjuncts(self.bind(filter, Cx::plain(Clause::Where))?, &mut conjuncts);
        }
        let mut node = match tree {
            Some(tree) => {
                let (node, above) = self.plan_from(tree, sources, conjuncts, lock)?;
                filtered(node, above)
            }
            None => filtered(Node::Values { rows: vec![Vec::new()], width: 0 }, conjuncts),
        };

        let (exprs, hidden, keys) = if aggregated {
            let groups = self.group_by(&select.group_by, &targets)?;
            self.current_mut()?.aggregation = Some(Aggregation { groups, aggregates: Vec::new() });
            let bound = self.grouped_clauses(q, &targets);
            let aggregation = self.current_mut()?.aggregation.take().unwrap_or_default();
            let (exprs, having, hidden, keys) = bound?;
            node = Node::Aggregate {
                input: Box::new(node),
                group_by: aggregation.groups,
                aggregates: aggregation.aggregates,
            };
            if let Some(predicate) = having {
                node = Node::Filter { input: Box::new(node), predicate };
            }
            (exprs, hidden, keys)
        } else {
            let exprs =
                targets.iter().map(|t| self.bind_target(t, Cx::plain(Clause::Select))).collect::<Result<Vec<_>>>()?;
            let (hidden, keys) = self.order_by(&q.order_by, &targets, &exprs, select.distinct, Mode::Plain)?;
            (exprs, hidden, keys)
        };
        let limit = self.limit_expr(q.limit.as_ref(), Clause::Limit)?;
        let offset = self.limit_expr(q.offset.as_ref(), Clause::Offset)?;

        let width = exprs.len();
        let has_hidden = !hidden.is_empty();
        let mut projection = exprs;
        projection.extend(hidden);
        node = Node::Project { input: Box::new(node), exprs: projection };
        if select.distinct {
            node = Node::Distinct { input: Box::new(node) };
        }
        if !keys.is_empty() {
            node = Node::Sort { input: Box::new(node), keys };
        }
        if limit.is_some() || offset.is_some() {
            node = Node::Limit { input: Box::new(node), limit, offset };
        }
        if has_hidden {
            node = Node::Project { input: Box::new(node), exprs: (0..width).map(Expr::Column).collect() };
        }
        Ok(QueryPlan { root: node, columns: targets.into_iter().map(|t| t.name).collect() })
    }

    /// The select list with `*` and `t.*` expanded, and each column's name.
    fn targets<'q>(&self, projection: &'q [ast::SelectItem]) -> Result<Vec<Target<'q>>> {
        let level = self.current()?;
        let mut targets = Vec::new();
        for item in projection {
            let columns = match item {
                ast::SelectItem::Wildcard => {
                    if level.items.is_empty() {
                        return Err(syntax("SELECT * with no tables specified is not valid"));
                    }
                    level.wildcard(None)?
                }
                ast::SelectItem::QualifiedWildcard(table) => level.wildcard(Some(table))?,
                ast::SelectItem::Expr { expr, alias } => {
                    let name = alias.clone().unwrap_or_else(|| output_name(expr));
                    targets.push(Target { kind: TargetKind::Expr(expr), name });
                    continue;
                }
            };
            targets.extend(columns.into_iter().map(|(i, name)| Target { kind: TargetKind::Column(i), name }));
        }
        Ok(targets)
    }

    /// Binds one select-list column.
    pub(super) fn bind_target(&mut self, target: &Target<'_>, cx: Cx) -> Result<Expr> {
        match target.kind {
            TargetKind::Expr(e) => self.bind(e, cx),
            TargetKind::Column(i) if cx.mode == Mode::Grouped => self.regroup(Expr::Column(i)),
            TargetKind::Column(i) => Ok(Expr::Column(i)),
        }
    }

    /// The select list, HAVING and ORDER BY of an aggregated query, over the aggregate's row.
    #[allow(clippy::type_complexity)]
    fn grouped_clauses(
        &mut self,
        q: &ast::Query,
        targets: &[Target<'_>],
    ) -> Result<(Vec<Expr>, Option<Expr>, Vec<Expr>, Vec<SortKey>)> {
        let grouped = |clause| Cx { clause, mode: Mode::Grouped };
        let exprs = targets.iter().map(|t| self.bind_target(t, grouped(Clause::Select))).collect::<Result<Vec<_>>>()?;
        let having = match &q.select.having {
            Some(h) => Some(self.bind(h, grouped(Clause::Having))?),
            None => None,
        };
        let (hidden, keys) = self.order_by(&q.order_by, targets, &exprs, q.select.distinct, Mode::Grouped)?;
        Ok((exprs, having, hidden, keys))
    }

    /// A LIMIT or OFFSET expression: constant (literals and parameters).
    fn limit_expr(&mut self, e: Option<&ast::Expr>, clause: Clause) -> Result<Option<Expr>> {
        let Some(e) = e else {
            return Ok(None);
        };
        let what = if clause == Clause::Limit { "LIMIT" } else { "OFFSET" };
        let bound = self.bind(e, Cx::plain(clause))?;
        if has_variables(&bound) {
            return Err(Error::InvalidColumnReference(format!("argument of {what} must not contain variables")));
        }
        if has_subquery(&bound) {
            return Err(Error::FeatureNotSupported(format!("subqueries in {what}")));
        }
        Ok(Some(bound))
    }

    /// Checks FOR UPDATE / FOR SHARE: one base table, no grouping, no DISTINCT, and `OF`
    /// naming that table.
    fn check_locking<'q>(
        &self,
        q: &'q ast::Query,
        tree: Option<&FromTree<'_>>,
        sources: &[Option<Source>],
        aggregated: bool,
    ) -> Result<Lock<'q>> {
        let Some(lock) = &q.locking else {
            return Ok(None);
        };
        let what = match lock.strength {
            LockStrength::Update => "FOR UPDATE",
            LockStrength::Share => "FOR SHARE",
        };
        let refuse = |why: &str| Err(Error::FeatureNotSupported(format!("{what} with {why}")));
        if !q.select.group_by.is_empty() {
            return refuse("GROUP BY clause");
        }
        if q.select.having.is_some() {
            return refuse("HAVING clause");
        }
        if aggregated {
            return refuse("aggregate functions");
        }
        if q.select.distinct {
            return refuse("DISTINCT clause");
        }
        let Some(tree) = tree else {
            return refuse("no table in FROM");
        };
        let Some(item) = tree.single_item() else {
            return refuse("joins");
        };
        if !matches!(sources.get(item), Some(Some(Source::Table(_)))) {
            return refuse("subqueries in FROM");
        }
        let name = self.current()?.items.get(item).and_then(|i| i.name.as_deref());
        if let Some(missing) = lock.of.iter().find(|t| Some(t.as_str()) != name) {
            return Err(Error::UndefinedTable(missing.clone()));
        }
        Ok(Some(lock))
    }
}
