//! LIMIT and OFFSET.
//!
//! Both are constant expressions (literals or parameters), evaluated when the node starts.
//! NULL means no limit (LIMIT NULL is LIMIT ALL) and no offset. A negative count is refused
//! with PostgreSQL's message (PostgreSQL's SQLSTATEs are 2201W/2201X; the engine's closest
//! variant is 22023 `InvalidParameterValue`). Non-integer counts are cast to integer
//! (`LIMIT 2.5` is 3, `LIMIT '2'` is 2), as PostgreSQL casts them to bigint.
//!
//! The output is streamed: the input is not pulled past the last row returned, so a
//! `FOR UPDATE ... LIMIT 1` below which rows are locked as they are read locks one row.

use crate::error::{Error, Result};
use crate::sql::plan::Expr;
use crate::types::{DataType, Row, Value};

use super::cast::cast;
use super::expr::Scope;
use super::RowIter;

/// Applies `limit` and `offset` to `input`.
pub(crate) fn limit<'e>(
    input: RowIter<'e>,
    limit: Option<&Expr>,
    offset: Option<&Expr>,
    scope: &Scope<'_>,
) -> Result<RowIter<'e>> {
    let take = count(limit, scope, "LIMIT")?;
    let skip = count(offset, scope, "OFFSET")?.unwrap_or(0);
    Ok(Box::new(Limit { input, skip, take }))
}

fn count(expr: Option<&Expr>, scope: &Scope<'_>, clause: &str) -> Result<Option<u64>> {
    let Some(expr) = expr else { return Ok(None) };
    match cast(scope.eval_const(expr)?, DataType::Integer)? {
        Value::Integer(n) if n < 0 => Err(Error::InvalidParameterValue(format!("{clause} must not be negative"))),
        Value::Integer(n) => Ok(Some(n.unsigned_abs())),
        _ => Ok(None),
    }
}

struct Limit<'e> {
    input: RowIter<'e>,
    skip: u64,
    take: Option<u64>,
}

impl Iterator for Limit<'_> {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        if self.take == Some(0) {
            return None;
        }
        while self.skip > 0 {
            match self.input.next()? {
                Ok(_) => self.skip -= 1,
                Err(e) => return Some(Err(e)),
            }
        }
        let row = self.input.next()?;
        if row.is_ok() {
            if let Some(n) = &mut self.take {
                *n -= 1;
            }
        }
        Some(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::execute::test_support::{collect, int_rows, iter, lit, null, scope};
    use std::cell::Cell;
    use std::rc::Rc;

    fn rows(n: i64) -> Vec<Row> {
        (0..n).map(|i| vec![Value::Integer(i)]).collect()
    }

    fn run(n: i64, l: Option<Expr>, o: Option<Expr>) -> Result<Vec<Row>> {
        collect(limit(iter(rows(n)), l.as_ref(), o.as_ref(), &scope(&[]))?)
    }

    #[test]
    fn limit_and_offset() {
        assert_eq!(run(5, Some(lit(2)), None).unwrap(), int_rows(&[&[Some(0)], &[Some(1)]]));
        assert_eq!(run(5, Some(lit(2)), Some(lit(2))).unwrap(), int_rows(&[&[Some(2)], &[Some(3)]]));
        assert_eq!(run(5, None, Some(lit(4))).unwrap(), int_rows(&[&[Some(4)]]));
        assert_eq!(run(5, Some(lit(0)), None).unwrap(), Vec::<Row>::new());
        assert_eq!(run(5, None, Some(lit(9))).unwrap(), Vec::<Row>::new());
        assert_eq!(run(5, Some(null()), Some(null())).unwrap().len(), 5);
        assert_eq!(run(5, Some(lit(2.5)), None).unwrap().len(), 3);
        assert_eq!(run(5, Some(lit("1")), None).unwrap().len(), 1);
        let params = [Value::Integer(1)];
        let l = Expr::Parameter(0);
        assert_eq!(collect(limit(iter(rows(3)), Some(&l), None, &scope(&params)).unwrap()).unwrap().len(), 1);
    }

    #[test]
    fn negative_counts() {
        let err = run(5, Some(lit(-1)), None).unwrap_err();
        assert_eq!(err.to_string(), "LIMIT must not be negative");
        let err = run(5, None, Some(lit(-1))).unwrap_err();
        assert_eq!(err.to_string(), "OFFSET must not be negative");
        assert_eq!(run(5, Some(lit("x")), None).unwrap_err().sqlstate(), "22P02");
    }

    #[test]
    fn does_not_pull_past_the_limit() {
        let pulled = Rc::new(Cell::new(0));
        let counter = pulled.clone();
        let input: RowIter<'static> = Box::new(rows(100).into_iter().map(move |r| {
            counter.set(counter.get() + 1);
            Ok(r)
        }));
        let out = collect(limit(input, Some(&lit(2)), Some(&lit(1)), &scope(&[])).unwrap()).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(pulled.get(), 3);
    }
}
