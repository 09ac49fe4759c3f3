//! Walking and rewriting bound expressions and plan nodes.
//!
//! Bound expressions address columns by position, so moving an expression to another row (a
//! conjunct pushed from the join row into one table's scan, a select-list expression placed
//! over the aggregate's row) renumbers its columns. The columns of the level being moved are
//! `Column(i)` in the expression itself and `Outer { depth: d }` inside a subquery nested `d`
//! deep in it; [`Planner::map_columns`] renumbers both.

use std::ops::Bound;

use crate::error::{Error, Result};
use crate::sql::ast::BinaryOp;
use crate::sql::plan::{AccessPath, Expr, KeyRange, Node};

use super::Planner;

/// The direct child expressions of `e` (not looking into subquery plans).
pub(super) fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Column(_)
        | Expr::Outer { .. }
        | Expr::Literal(_)
        | Expr::Parameter(_)
        | Expr::Exists { .. }
        | Expr::ScalarSubquery(_) => vec![],
        Expr::Unary(_, x) | Expr::Cast(x, _) => vec![x],
        Expr::IsNull { expr, .. } | Expr::IsBool { expr, .. } | Expr::InSubquery { expr, .. } => vec![expr],
        Expr::Binary(_, l, r) => vec![l, r],
        Expr::Like { expr, pattern, .. } => vec![expr, pattern],
        Expr::InList { expr, list, .. } => std::iter::once(&**expr).chain(list).collect(),
        Expr::Function(_, args) => args.iter().collect(),
        Expr::Case { operand, branches, else_result } => operand
            .iter()
            .map(|o| &**o)
            .chain(branches.iter().flat_map(|(w, t)| [w, t]))
            .chain(else_result.iter().map(|e| &**e))
            .collect(),
    }
}

/// The direct child expressions of `e`, mutably.
pub(super) fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    match e {
        Expr::Column(_)
        | Expr::Outer { .. }
        | Expr::Literal(_)
        | Expr::Parameter(_)
        | Expr::Exists { .. }
        | Expr::ScalarSubquery(_) => vec![],
        Expr::Unary(_, x) | Expr::Cast(x, _) => vec![x],
        Expr::IsNull { expr, .. } | Expr::IsBool { expr, .. } | Expr::InSubquery { expr, .. } => vec![expr],
        Expr::Binary(_, l, r) => vec![l, r],
        Expr::Like { expr, pattern, .. } => vec![expr, pattern],
        Expr::InList { expr, list, .. } => std::iter::once(&mut **expr).chain(list).collect(),
        Expr::Function(_, args) => args.iter_mut().collect(),
        Expr::Case { operand, branches, else_result } => operand
            .iter_mut()
            .map(|o| &mut **o)
            .chain(branches.iter_mut().flat_map(|(w, t)| [w, t]))
            .chain(else_result.iter_mut().map(|e| &mut **e))
            .collect(),
    }
}

/// The subquery `e` itself refers to, if any.
pub(super) fn subquery_of(e: &Expr) -> Option<usize> {
    match e {
        Expr::InSubquery { subquery, .. } | Expr::Exists { subquery, .. } | Expr::ScalarSubquery(subquery) => {
            Some(*subquery)
        }
        _ => None,
    }
}

/// Whether `e` is known before any row is read: no column of its own level and no subquery.
/// Outer references are constant (the enclosing row is fixed while a subquery runs).
pub(super) fn is_constant(e: &Expr) -> bool {
    !matches!(e, Expr::Column(_)) && subquery_of(e).is_none() && children(e).into_iter().all(is_constant)
}

/// Whether `e` mentions a column of its own level or of an enclosing one, or a subquery.
pub(super) fn has_variables(e: &Expr) -> bool {
    matches!(e, Expr::Column(_) | Expr::Outer { .. }) || children(e).into_iter().any(has_variables)
}

/// Whether `e` contains a subquery anywhere.
pub(super) fn has_subquery(e: &Expr) -> bool {
    subquery_of(e).is_some() || children(e).into_iter().any(has_subquery)
}

/// Splits `e` at its top-level ANDs.
pub(super) fn split_conjuncts(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::Binary(BinaryOp::And, l, r) => {
            split_conjuncts(*l, out);
            split_conjuncts(*r, out);
        }
        other => out.push(other),
    }
}

/// The conjunction of `conjuncts`, `None` when there are none.
pub(super) fn and_all(conjuncts: Vec<Expr>) -> Option<Expr> {
    conjuncts.into_iter().reduce(|l, r| Expr::Binary(BinaryOp::And, Box::new(l), Box::new(r)))
}

/// Structural equality of bound expressions (literals must agree in type too, so `1` and
/// `1.0` differ).
pub(super) fn expr_eq(a: &Expr, b: &Expr) -> bool {
    use Expr as E;
    let same_node = match (a, b) {
        (E::Column(x), E::Column(y)) | (E::Parameter(x), E::Parameter(y)) => x == y,
        (E::ScalarSubquery(x), E::ScalarSubquery(y)) => x == y,
        (E::Outer { depth: d1, index: i1 }, E::Outer { depth: d2, index: i2 }) => d1 == d2 && i1 == i2,
        (E::Literal(x), E::Literal(y)) => x.data_type() == y.data_type() && x == y,
        (E::Unary(o1, _), E::Unary(o2, _)) => o1 == o2,
        (E::Binary(o1, ..), E::Binary(o2, ..)) => o1 == o2,
        (E::IsNull { negated: n1, .. }, E::IsNull { negated: n2, .. }) => n1 == n2,
        (E::IsBool { value: v1, negated: n1, .. }, E::IsBool { value: v2, negated: n2, .. }) => v1 == v2 && n1 == n2,
        (E::InList { negated: n1, list: l1, .. }, E::InList { negated: n2, list: l2, .. }) => {
            n1 == n2 && l1.len() == l2.len()
        }
        (E::InSubquery { subquery: s1, negated: n1, .. }, E::InSubquery { subquery: s2, negated: n2, .. }) => {
            s1 == s2 && n1 == n2
        }
        (E::Exists { subquery: s1, negated: n1 }, E::Exists { subquery: s2, negated: n2 }) => s1 == s2 && n1 == n2,
        (E::Like { negated: n1, case_insensitive: c1, .. }, E::Like { negated: n2, case_insensitive: c2, .. }) => {
            n1 == n2 && c1 == c2
        }
        (E::Function(f1, a1), E::Function(f2, a2)) => f1 == f2 && a1.len() == a2.len(),
        (
            E::Case { operand: o1, branches: b1, else_result: e1 },
            E::Case { operand: o2, branches: b2, else_result: e2 },
        ) => o1.is_some() == o2.is_some() && b1.len() == b2.len() && e1.is_some() == e2.is_some(),
        (E::Cast(_, t1), E::Cast(_, t2)) => t1 == t2,
        _ => false,
    };
    same_node && {
        let (ca, cb) = (children(a), children(b));
        ca.len() == cb.len() && ca.into_iter().zip(cb).all(|(x, y)| expr_eq(x, y))
    }
}

fn bound_exprs_mut(bound: &mut Bound<Vec<Expr>>) -> impl Iterator<Item = &mut Expr> {
    match bound {
        Bound::Included(v) | Bound::Excluded(v) => Some(v.iter_mut()),
        Bound::Unbounded => None,
    }
    .into_iter()
    .flatten()
}

fn access_exprs_mut(access: &mut AccessPath) -> Vec<&mut Expr> {
    match access {
        AccessPath::FullScan => vec![],
        AccessPath::PrimaryKey(KeyRange { lower, upper })
        | AccessPath::Index { range: KeyRange { lower, upper }, .. } => {
            bound_exprs_mut(lower).chain(bound_exprs_mut(upper)).collect()
        }
    }
}

/// The expressions a node evaluates itself and its input nodes.
fn node_parts_mut(node: &mut Node) -> (Vec<&mut Expr>, Vec<&mut Node>) {
    match node {
        Node::Scan { access, filter, .. } | Node::LockRows { access, filter, .. } => {
            let mut exprs = access_exprs_mut(access);
            exprs.extend(filter.as_mut());
            (exprs, vec![])
        }
        Node::Values { rows, .. } => (rows.iter_mut().flatten().collect(), vec![]),
        Node::Filter { input, predicate } => (vec![predicate], vec![input]),
        Node::Project { input, exprs } => (exprs.iter_mut().collect(), vec![input]),
        Node::NestedLoopJoin { left, right, on, .. } => (on.iter_mut().collect(), vec![left, right]),
        Node::Aggregate { input, group_by, aggregates } => {
            let exprs = group_by.iter_mut().chain(aggregates.iter_mut().filter_map(|a| a.arg.as_mut())).collect();
            (exprs, vec![input])
        }
        Node::Sort { input, keys } => (keys.iter_mut().map(|k| &mut k.expr).collect(), vec![input]),
        Node::Limit { input, limit, offset } => (limit.iter_mut().chain(offset.iter_mut()).collect(), vec![input]),
        Node::Distinct { input } => (vec![], vec![input]),
    }
}

/// A mapping of column positions, fallible so that a rewrite can refuse a column.
pub(super) type ColumnMap<'f> = &'f mut dyn FnMut(usize) -> Result<usize>;

impl Planner<'_> {
    /// Renumbers, through `f`, every reference in `e` to the columns of the level `depth`
    /// levels out from `e`'s own: `Column` at depth 0, `Outer { depth }` inside subqueries
    /// (whose plans are rewritten in place, each nesting adding one to the depth sought).
    pub(super) fn map_columns(&mut self, e: &mut Expr, depth: usize, f: ColumnMap) -> Result<()> {
        match e {
            Expr::Column(i) if depth == 0 => *i = f(*i)?,
            Expr::Outer { depth: d, index } if *d == depth => *index = f(*index)?,
            _ => {}
        }
        if let Some(s) = subquery_of(e) {
            self.map_subquery(s, depth + 1, f)?;
        }
        for child in children_mut(e) {
            self.map_columns(child, depth, f)?;
        }
        Ok(())
    }

    /// Renumbers the outer references at `depth` in the plan of subquery `s`.
    pub(super) fn map_subquery(&mut self, s: usize, depth: usize, f: ColumnMap) -> Result<()> {
        let placeholder = Node::Values { rows: Vec::new(), width: 0 };
        let slot = self.subqueries.get_mut(s).ok_or_else(|| Error::Internal(format!("no subquery {s}")))?;
        let mut root = std::mem::replace(&mut slot.root, placeholder);
        let result = self.map_node(&mut root, depth, f);
        self.subqueries[s].root = root;
        result
    }

    fn map_node(&mut self, node: &mut Node, depth: usize, f: ColumnMap) -> Result<()> {
        let (exprs, inputs) = node_parts_mut(node);
        for e in exprs {
            self.map_columns(e, depth, f)?;
        }
        for input in inputs {
            self.map_node(input, depth, f)?;
        }
        Ok(())
    }

    /// Every position of the current level's row that `e` reads, subqueries included.
    pub(super) fn columns_read(&mut self, e: &Expr) -> Result<Vec<usize>> {
        let mut read = Vec::new();
        let mut copy = e.clone();
        self.map_columns(&mut copy, 0, &mut |i| {
            read.push(i);
            Ok(i)
        })?;
        Ok(read)
    }

    /// Moves `e` to a row that starts `offset` columns into the current one.
    pub(super) fn shift(&mut self, e: &mut Expr, offset: usize) -> Result<()> {
        if offset == 0 {
            return Ok(());
        }
        self.map_columns(e, 0, &mut |i| {
            i.checked_sub(offset).ok_or_else(|| Error::Internal("column moved out of its row".into()))
        })
    }
}
