//! Expression evaluation.
//!
//! An [`Expr`] is evaluated against the current row (a slice of the values the node's input
//! produced) within a [`Scope`]: the statement's parameters, the [`SubqueryRunner`] and the
//! stack of enclosing rows ([`Outer`]) when the expression belongs to a subquery.
//!
//! The outer-row stack is a persistent linked list of reference-counted [`Frame`]s: running a
//! correlated subquery pushes the current row (one copy of the row), and everything inside the
//! subquery shares that frame. `Expr::Outer { depth, index }` walks `depth - 1` parents up from
//! the innermost frame.
//!
//! Logic is three-valued. `AND`/`OR` evaluate their right side only when the left does not
//! decide the result (`false AND 1/0 = 1` is false, not an error), and so do `CASE` and
//! `coalesce`, as PostgreSQL's evaluation does in practice.

use std::rc::Rc;

use crate::error::{Error, Result};
use crate::sql::ast::BinaryOp;
use crate::sql::plan::{Expr, ScalarFunction};
use crate::types::{Row, Value};

use super::arith::{arithmetic, concat, unary};
use super::cast::cast;
use super::compare::{any_equal, comparison, sql_eq, truth};
use super::functions;
use super::like::like;
use super::subquery::SubqueryRunner;

/// One enclosing query's current row, and the rows enclosing that.
#[derive(Debug)]
pub(crate) struct Frame {
    pub row: Row,
    pub parent: Outer,
}

/// The stack of enclosing rows, innermost first; `None` at the top level.
pub(crate) type Outer = Option<Rc<Frame>>;

/// `outer` with `row` pushed as the new innermost frame.
pub(crate) fn push_frame(row: &[Value], outer: &Outer) -> Outer {
    Some(Rc::new(Frame { row: row.to_vec(), parent: outer.clone() }))
}

fn outer_value(outer: &Outer, depth: usize, index: usize) -> Result<Value> {
    let mut frame = if depth == 0 { None } else { outer.as_deref() };
    for _ in 1..depth {
        frame = frame.and_then(|f| f.parent.as_deref());
    }
    frame
        .and_then(|f| f.row.get(index))
        .cloned()
        .ok_or_else(|| Error::Internal(format!("outer reference (depth {depth}, column {index}) has no row")))
}

/// Everything an expression can read besides the current row.
#[derive(Clone)]
pub(crate) struct Scope<'e> {
    pub params: &'e [Value],
    pub subqueries: &'e dyn SubqueryRunner,
    pub outer: Outer,
}

impl<'e> Scope<'e> {
    pub fn new(params: &'e [Value], subqueries: &'e dyn SubqueryRunner, outer: Outer) -> Scope<'e> {
        Scope { params, subqueries, outer }
    }

    /// Evaluates `expr` over `row`.
    pub fn eval(&self, expr: &Expr, row: &[Value]) -> Result<Value> {
        match expr {
            Expr::Column(i) => {
                row.get(*i).cloned().ok_or_else(|| Error::Internal(format!("column {i} of a row of {}", row.len())))
            }
            Expr::Outer { depth, index } => outer_value(&self.outer, *depth, *index),
            Expr::Literal(v) => Ok(v.clone()),
            Expr::Parameter(i) => {
                self.params.get(*i).cloned().ok_or_else(|| Error::UndefinedParameter(i.saturating_add(1)))
            }
            Expr::Unary(op, e) => unary(*op, &self.eval(e, row)?),
            Expr::Binary(BinaryOp::And, l, r) => self.and(l, r, row),
            Expr::Binary(BinaryOp::Or, l, r) => self.or(l, r, row),
            Expr::Binary(op, l, r) => {
                let (a, b) = (self.eval(l, row)?, self.eval(r, row)?);
                match op {
                    BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Modulo => {
                        arithmetic(*op, &a, &b)
                    }
                    BinaryOp::Concat => Ok(concat(&a, &b)),
                    _ => comparison(*op, &a, &b),
                }
            }
            Expr::IsNull { expr, negated } => Ok(Value::Boolean(self.eval(expr, row)?.is_null() != *negated)),
            Expr::IsBool { expr, value, negated } => {
                let context = if *value { "IS TRUE" } else { "IS FALSE" };
                let t = truth(&self.eval(expr, row)?, context)?;
                Ok(Value::Boolean((t == Some(*value)) != *negated))
            }
            Expr::InList { expr, list, negated } => {
                let x = self.eval(expr, row)?;
                let found = any_equal(&x, list.iter().map(|e| self.eval(e, row)))?;
                Ok(tri(found.map(|b| b != *negated)))
            }
            Expr::InSubquery { expr, subquery, negated } => {
                let x = self.eval(expr, row)?;
                let result = self.subqueries.run(*subquery, row, &self.outer, None)?;
                Ok(tri(result.contains(&x)?.map(|b| b != *negated)))
            }
            Expr::Exists { subquery, negated } => {
                let result = self.subqueries.run(*subquery, row, &self.outer, Some(1))?;
                Ok(Value::Boolean(result.rows.is_empty() == *negated))
            }
            Expr::ScalarSubquery(subquery) => self.subqueries.run(*subquery, row, &self.outer, Some(2))?.scalar(),
            Expr::Like { expr, pattern, negated, case_insensitive } => {
                let (v, p) = (self.eval(expr, row)?, self.eval(pattern, row)?);
                Ok(tri(like(&v, &p, *case_insensitive)?.map(|b| b != *negated)))
            }
            Expr::Function(ScalarFunction::Coalesce, args) => {
                for arg in args {
                    let v = self.eval(arg, row)?;
                    if !v.is_null() {
                        return Ok(v);
                    }
                }
                Ok(Value::Null)
            }
            Expr::Function(f, args) => functions::call(*f, &self.eval_all(args, row)?),
            Expr::Case { operand, branches, else_result } => self.case(operand.as_deref(), branches, else_result, row),
            Expr::Cast(e, to) => cast(self.eval(e, row)?, *to),
        }
    }

    /// Evaluates each expression over `row`.
    pub fn eval_all(&self, exprs: &[Expr], row: &[Value]) -> Result<Row> {
        exprs.iter().map(|e| self.eval(e, row)).collect()
    }

    /// Evaluates an expression that reads no current row (VALUES items, LIMIT, key bounds).
    pub fn eval_const(&self, expr: &Expr) -> Result<Value> {
        self.eval(expr, &[])
    }

    /// Whether a predicate (`WHERE`, `ON`, `HAVING`, ...) holds: only TRUE keeps a row.
    pub fn holds(&self, predicate: &Expr, row: &[Value], clause: &str) -> Result<bool> {
        Ok(truth(&self.eval(predicate, row)?, clause)? == Some(true))
    }

    /// Like [`holds`](Self::holds), TRUE when there is no predicate.
    pub fn passes(&self, predicate: Option<&Expr>, row: &[Value], clause: &str) -> Result<bool> {
        predicate.map_or(Ok(true), |p| self.holds(p, row, clause))
    }

    fn and(&self, l: &Expr, r: &Expr, row: &[Value]) -> Result<Value> {
        let left = truth(&self.eval(l, row)?, "AND")?;
        if left == Some(false) {
            return Ok(Value::Boolean(false));
        }
        let right = truth(&self.eval(r, row)?, "AND")?;
        Ok(match (left, right) {
            (_, Some(false)) => Value::Boolean(false),
            (Some(true), Some(true)) => Value::Boolean(true),
            _ => Value::Null,
        })
    }

    fn or(&self, l: &Expr, r: &Expr, row: &[Value]) -> Result<Value> {
        let left = truth(&self.eval(l, row)?, "OR")?;
        if left == Some(true) {
            return Ok(Value::Boolean(true));
        }
        let right = truth(&self.eval(r, row)?, "OR")?;
        Ok(match (left, right) {
            (_, Some(true)) => Value::Boolean(true),
            (Some(false), Some(false)) => Value::Boolean(false),
            _ => Value::Null,
        })
    }

    fn case(
        &self,
        operand: Option<&Expr>,
        branches: &[(Expr, Expr)],
        else_result: &Option<Box<Expr>>,
        row: &[Value],
    ) -> Result<Value> {
        let operand = operand.map(|e| self.eval(e, row)).transpose()?;
        for (when, then) in branches {
            let when_value = self.eval(when, row)?;
            let taken = match &operand {
                Some(x) => sql_eq(x, &when_value)? == Some(true),
                None => truth(&when_value, "CASE/WHEN")? == Some(true),
            };
            if taken {
                return self.eval(then, row);
            }
        }
        else_result.as_ref().map_or(Ok(Value::Null), |e| self.eval(e, row))
    }
}

/// A three-valued truth as a value.
fn tri(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Boolean)
}

#[cfg(test)]
#[path = "expr_tests.rs"]
mod tests;
