//! Helpers for the executor's unit tests: expression builders, row iterators and a scriptable
//! subquery runner.

use std::cell::Cell;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::sql::ast::BinaryOp;
use crate::sql::plan::Expr;
use crate::types::{Row, Value};

use super::expr::{Outer, Scope};
use super::subquery::{SubqueryResult, SubqueryRunner};
use super::RowIter;

pub(crate) fn lit(v: impl Into<Value>) -> Expr {
    Expr::Literal(v.into())
}

pub(crate) fn null() -> Expr {
    Expr::Literal(Value::Null)
}

pub(crate) fn col(i: usize) -> Expr {
    Expr::Column(i)
}

pub(crate) fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
    Expr::Binary(op, Box::new(l), Box::new(r))
}

/// Rows of integers (`None` is NULL).
pub(crate) fn int_rows(rows: &[&[Option<i64>]]) -> Vec<Row> {
    rows.iter().map(|r| r.iter().map(|v| Value::from(*v)).collect()).collect()
}

/// An iterator over fixed rows.
pub(crate) fn iter(rows: Vec<Row>) -> RowIter<'static> {
    Box::new(rows.into_iter().map(Ok))
}

/// Collects an operator's output.
pub(crate) fn collect(it: RowIter<'_>) -> Result<Vec<Row>> {
    it.collect()
}

/// A scope with parameters and no subqueries.
pub(crate) fn scope(params: &[Value]) -> Scope<'_> {
    Scope::new(params, &NoSubqueries, None)
}

/// A runner for contexts without subqueries: any
/// subquery reference is an internal error.
pub(crate) struct NoSubqueries;

impl SubqueryRunner for NoSubqueries {
    fn run(&self, index: usize, _: &[Value], _: &Outer, _: Option<usize>) -> Result<Rc<SubqueryResult>> {
        Err(Error::Internal(format!("subquery {index} is not available here")))
    }
}

type Script = dyn Fn(usize, &[Value], &Outer) -> Result<Vec<Row>>;

/// A runner whose subquery results come from a closure; counts its calls.
pub(crate) struct ScriptedRunner {
    pub script: Box<Script>,
    pub calls: Cell<usize>,
}

impl ScriptedRunner {
    pub fn new(script: impl Fn(usize, &[Value], &Outer) -> Result<Vec<Row>> + 'static) -> ScriptedRunner {
        ScriptedRunner { script: Box::new(script), calls: Cell::new(0) }
    }
}

impl SubqueryRunner for ScriptedRunner {
    fn run(&self, index: usize, row: &[Value], outer: &Outer, _: Option<usize>) -> Result<Rc<SubqueryResult>> {
        self.calls.set(self.calls.get() + 1);
        Ok(Rc::new(SubqueryResult::new((self.script)(index, row, outer)?, true, false)))
    }
}
