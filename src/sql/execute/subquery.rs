//! Subquery results and the interface the evaluator runs subqueries through.
//!
//! The evaluator does not run plans itself: it asks a [`SubqueryRunner`] (the executor's
//! per-execution state, or a stub in unit tests) for the rows of subquery `i`, passing the
//! current row and the outer-row stack. The runner decides:
//!
//! * **uncorrelated** subqueries run once per statement execution; the [`SubqueryResult`] is
//!   cached (`Rc`) and marked `reusable`, so an `IN (SELECT ...)` over it builds a hash set of
//!   the values once and then probes it per row;
//! * **correlated** subqueries run on every evaluation, with the current row pushed on the
//!   outer-row stack so that `Expr::Outer { depth: 1, .. }` reads it; their results are used
//!   once, so `IN` scans them linearly.
//!
//! The evaluator also says how many rows it needs (`EXISTS` one, a scalar subquery two, to
//! detect 21000), so a runner may stop early; such a result is marked incomplete and a cached
//! one is only reused by callers that need no more rows than it holds.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::types::{Row, Value};

use super::compare::any_equal;
use super::expr::Outer;

/// Runs subqueries for the evaluator.
pub(crate) trait SubqueryRunner {
    /// The rows of subquery `index` for the current `row` (of the query containing the
    /// subquery expression) and the enclosing rows `outer`. With `limit`, the runner may stop
    /// after that many rows.
    fn run(&self, index: usize, row: &[Value], outer: &Outer, limit: Option<usize>) -> Result<Rc<SubqueryResult>>;
}

/// The rows a subquery produced.
#[derive(Debug)]
pub(crate) struct SubqueryResult {
    pub rows: Vec<Row>,
    /// False when the run stopped at a limit: there may be more rows.
    pub complete: bool,
    /// Whether the result will be probed many times (cached, uncorrelated): worth a hash set.
    pub reusable: bool,
    members: OnceCell<Members>,
}

/// The first column's values, for hashed `IN` probes.
#[derive(Debug)]
struct Members {
    values: HashSet<Value>,
    has_null: bool,
    /// The one type class (see [`class`]) of every non-NULL value, `None` if mixed or empty.
    class: Option<u8>,
}

/// Values of one class compare by `Value`'s `Eq`/`Hash`; across classes the comparison
/// coerces text (or fails), so a hash probe is only valid within a class.
fn class(v: &Value) -> Option<u8> {
    match v {
        Value::Null => None,
        Value::Integer(_) | Value::Real(_) => Some(0),
        Value::Text(_) => Some(1),
        Value::Boolean(_) => Some(2),
    }
}

impl SubqueryResult {
    pub fn new(rows: Vec<Row>, complete: bool, reusable: bool) -> SubqueryResult {
        SubqueryResult { rows, complete, reusable, members: OnceCell::new() }
    }

    /// Whether this result can answer a caller that needs `limit` rows.
    pub fn satisfies(&self, limit: Option<usize>) -> bool {
        self.complete || limit.is_some_and(|n| n <= self.rows.len())
    }

    fn first(row: &Row) -> Result<&Value> {
        row.first().ok_or_else(|| Error::Internal("subquery row has no columns".into()))
    }

    /// The value of a scalar subquery: NULL for no rows, 21000 for more than one.
    pub fn scalar(&self) -> Result<Value> {
        match self.rows.as_slice() {
            [] => Ok(Value::Null),
            [row] => Self::first(row).cloned(),
            _ => Err(Error::CardinalityViolation),
        }
    }

    /// `x IN (subquery)` in three-valued logic (`None` = NULL).
    pub fn contains(&self, x: &Value) -> Result<Option<bool>> {
        if self.reusable && !x.is_null() {
            let members = self.members()?;
            if members.class.is_some() && members.class == class(x) {
                return Ok(if members.values.contains(x) {
                    Some(true)
                } else if members.has_null {
                    None
                } else {
                    Some(false)
                });
            }
        }
        any_equal(x, self.rows.iter().map(|r| Self::first(r).cloned()))
    }

    fn members(&self) -> Result<&Members> {
        if let Some(m) = self.members.get() {
            return Ok(m);
        }
        let mut values = HashSet::with_capacity(self.rows.len());
        let mut has_null = false;
        let mut classes = HashSet::new();
        for row in &self.rows {
            let v = Self::first(row)?;
            if v.is_null() {
                has_null = true;
            } else {
                classes.insert(class(v));
                values.insert(v.clone());
            }
        }
        let class = if classes.len() == 1 { classes.into_iter().next().flatten() } else { None };
        Ok(self.members.get_or_init(|| Members { values, has_null, class }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(values: Vec<Value>, reusable: bool) -> SubqueryResult {
        SubqueryResult::new(values.into_iter().map(|v| vec![v]).collect(), true, reusable)
    }

    #[test]
    fn scalar_cardinality() {
        assert!(result(vec![], true).scalar().unwrap().is_null());
        assert_eq!(result(vec![5.into()], true).scalar().unwrap(), Value::Integer(5));
        assert_eq!(result(vec![1.into(), 2.into()], true).scalar(), Err(Error::CardinalityViolation));
        assert_eq!(SubqueryResult::new(vec![vec![]], true, true).scalar().unwrap_err().sqlstate(), "XX000");
    }

    #[test]
    fn membership_hashed_and_linear_agree() {
        for reusable in [true, false] {
            let r = result(vec![1.into(), 2.5.into(), Value::Null], reusable);
            assert_eq!(r.contains(&Value::Integer(1)).unwrap(), Some(true));
            assert_eq!(r.contains(&Value::Real(1.0)).unwrap(), Some(true));
            assert_eq!(r.contains(&Value::Integer(3)).unwrap(), None);
            assert_eq!(r.contains(&Value::Null).unwrap(), None);
            // Text beside numbers is read as a number, hashed or not.
            assert_eq!(r.contains(&Value::text("1")).unwrap(), Some(true));
            assert_eq!(r.contains(&Value::text("x")).unwrap_err().sqlstate(), "22P02");
            let reals = result(vec![1.5.into(), 2.5.into()], reusable);
            assert_eq!(reals.contains(&Value::text("2.5")).unwrap(), Some(true));
            let r = result(vec!["a".into(), "b".into()], reusable);
            assert_eq!(r.contains(&Value::text("c")).unwrap(), Some(false));
            assert_eq!(r.contains(&Value::Boolean(true)).unwrap_err().sqlstate(), "22P02");
            let empty = result(vec![], reusable);
            assert_eq!(empty.contains(&Value::Null).unwrap(), Some(false));
            assert_eq!(empty.contains(&Value::Integer(1)).unwrap(), Some(false));
        }
    }

    #[test]
    fn limited_results() {
        let partial = SubqueryResult::new(vec![vec![1.into()]], false, true);
        assert!(partial.satisfies(Some(1)));
        assert!(!partial.satisfies(Some(2)));
        assert!(!partial.satisfies(None));
        assert!(result(vec![], true).satisfies(None));
    }
}
