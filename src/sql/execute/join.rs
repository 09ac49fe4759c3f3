//! Nested-loop join.
//!
//! The right input is materialized once, on the first left row (an empty left side never
//! runs it), and every left row is then matched against the buffered right rows. Re-running
//! the right side per left row would only be needed if it could read the left row (LATERAL),
//! which no plan produces: a right side may read *outer* rows of an enclosing query, but those
//! are fixed for the whole run of the join.
//!
//! The output row is the left row followed by the right row. A LEFT join emits a left row
//! that matched nothing once, padded with `right_width` NULLs. The ON condition keeps a pair
//! only when TRUE.
//!
//! The loop over pairs may run long without reading a new batch from any scan (a cross join
//! of two small tables is rows × rows pairs), so it checks the statement's interrupt once per
//! pair tried: one relaxed load next to building the pair's row.

use crate::error::Result;
use crate::sql::ast::JoinKind;
use crate::sql::plan::Expr;
use crate::txn::Interrupt;
use crate::types::{Row, Value};

use super::expr::Scope;
use super::RowIter;

/// Joins `left` with `right`; stops with 57014 once `interrupt` is requested.
pub(crate) fn nested_loop<'e>(
    left: RowIter<'e>,
    right: RowIter<'e>,
    kind: JoinKind,
    on: Option<&'e Expr>,
    right_width: usize,
    scope: Scope<'e>,
    interrupt: &'e Interrupt,
) -> RowIter<'e> {
    Box::new(NestedLoop {
        interrupt,
        left,
        right: Right::Pending(right),
        kind,
        on,
        right_width,
        scope,
        current: None,
        position: 0,
        matched: false,
    })
}

enum Right<'e> {
    Pending(RowIter<'e>),
    Ready(Vec<Row>),
}

struct NestedLoop<'e> {
    interrupt: &'e Interrupt,
    left: RowIter<'e>,
    right: Right<'e>,
    kind: JoinKind,
    on: Option<&'e Expr>,
    right_width: usize,
    scope: Scope<'e>,
    /// The left row being matched, the next right row to try and whether it matched yet.
    current: Option<Row>,
    position: usize,
    matched: bool,
}

impl NestedLoop<'_> {
    fn right_rows(&mut self) -> Result<&[Row]> {
        if let Right::Pending(input) = &mut self.right {
            let rows = input.collect::<Result<Vec<Row>>>()?;
            self.right = Right::Ready(rows);
        }
        match &self.right {
            Right::Ready(rows) => Ok(rows),
            Right::Pending(_) => Ok(&[]),
        }
    }

    fn step(&mut self) -> Result<Option<Row>> {
        loop {
            let Some(left) = self.current.take() else {
                match self.left.next().transpose()? {
                    Some(row) => {
                        self.right_rows()?;
                        self.current = Some(row);
                        self.position = 0;
                        self.matched = false;
                        continue;
                    }
                    None => return Ok(None),
                }
            };
            let candidate = match &self.right {
                Right::Ready(rows) => rows.get(self.position),
                Right::Pending(_) => None,
            };
            let Some(right) = candidate else {
                // Left row exhausted against every right row.
                if self.kind == JoinKind::Left && !self.matched {
                    let mut row = left;
                    row.resize(row.len() + self.right_width, Value::Null);
                    return Ok(Some(row));
                }
                continue;
            };
            self.interrupt.check()?;
            self.position += 1;
            let mut row = Vec::with_capacity(left.len() + right.len());
            row.extend_from_slice(&left);
            row.extend_from_slice(right);
            let keep = self.scope.passes(self.on, &row, "JOIN/ON")?;
            self.current = Some(left);
            if keep {
                self.matched = true;
                return Ok(Some(row));
            }
        }
    }
}

impl Iterator for NestedLoop<'_> {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        match self.step() {
            Ok(row) => row.map(Ok),
            Err(e) => {
                // Stop after an error: drop the remaining input.
                self.left = Box::new(std::iter::empty());
                self.current = None;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::ast::BinaryOp;
    use crate::sql::execute::test_support::{bin, col, collect, int_rows, iter, scope};

    fn join(kind: JoinKind, on: Option<&Expr>, left: Vec<Row>, right: Vec<Row>) -> Result<Vec<Row>> {
        collect(nested_loop(iter(left), iter(right), kind, on, 2, scope(&[]), &Interrupt::default()))
    }

    #[test]
    fn inner_and_cross() {
        let left = int_rows(&[&[Some(1)], &[Some(2)], &[None]]);
        let right = int_rows(&[&[Some(1), Some(10)], &[Some(1), Some(11)], &[Some(3), Some(30)]]);
        let on = bin(BinaryOp::Eq, col(0), col(1));
        let rows = join(JoinKind::Inner, Some(&on), left.clone(), right.clone()).unwrap();
        assert_eq!(rows, int_rows(&[&[Some(1), Some(1), Some(10)], &[Some(1), Some(1), Some(11)]]));
        let rows = join(JoinKind::Cross, None, left, right).unwrap();
        assert_eq!(rows.len(), 9);
        assert_eq!(rows[3], int_rows(&[&[Some(2), Some(1), Some(10)]])[0]);
    }

    #[test]
    fn left_join_pads_unmatched_rows() {
        let left = int_rows(&[&[Some(1)], &[Some(2)], &[None]]);
        let right = int_rows(&[&[Some(1), Some(10)]]);
        let on = bin(BinaryOp::Eq, col(0), col(1));
        let rows = join(JoinKind::Left, Some(&on), left.clone(), right).unwrap();
        assert_eq!(rows, int_rows(&[&[Some(1), Some(1), Some(10)], &[Some(2), None, None], &[None, None, None]]));
        let rows = join(JoinKind::Left, Some(&on), left, vec![]).unwrap();
        assert_eq!(rows, int_rows(&[&[Some(1), None, None], &[Some(2), None, None], &[None, None, None]]));
    }

    #[test]
    fn empty_left_never_runs_right_and_errors_stop() {
        let interrupt = Interrupt::default();
        let failing: RowIter<'static> = Box::new(std::iter::once(Err(crate::Error::DivisionByZero)));
        let rows = collect(nested_loop(iter(vec![]), failing, JoinKind::Inner, None, 1, scope(&[]), &interrupt));
        assert_eq!(rows.unwrap(), Vec::<Row>::new());
        let failing: RowIter<'static> = Box::new(std::iter::once(Err(crate::Error::DivisionByZero)));
        let left = iter(int_rows(&[&[Some(1)]]));
        let mut it = nested_loop(left, failing, JoinKind::Inner, None, 1, scope(&[]), &interrupt);
        assert_eq!(it.next(), Some(Err(crate::Error::DivisionByZero)));
        assert_eq!(it.next(), None);
    }

    #[test]
    fn an_interrupt_stops_the_loop_between_pairs() {
        let interrupt = Interrupt::default();
        let rows = int_rows(&[&[Some(1)], &[Some(2)], &[Some(3)]]);
        let mut it = nested_loop(iter(rows.clone()), iter(rows), JoinKind::Cross, None, 1, scope(&[]), &interrupt);
        assert_eq!(it.next(), Some(Ok(int_rows(&[&[Some(1), Some(1)]]).remove(0))));
        interrupt.request();
        assert_eq!(it.next(), Some(Err(crate::Error::QueryCanceled)));
        assert_eq!(it.next(), None);
    }
}
