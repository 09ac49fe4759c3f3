//! ORDER BY.
//!
//! The input is consumed when the node starts; each row's sort keys are evaluated once, and
//! the rows are sorted with a stable sort (rows with equal keys keep their input order).
//! Values compare by [`Value`]'s total order; NULLs are placed explicitly by `nulls_first`
//! whatever the direction (the planner fills in PostgreSQL's default: NULLs last ascending,
//! first descending).

use std::cmp::Ordering;

use crate::error::Result;
use crate::sql::plan::SortKey;
use crate::types::Value;

use super::expr::Scope;
use super::RowIter;

/// Sorts `input` by `keys`.
pub(crate) fn sort<'e>(input: RowIter<'e>, keys: &'e [SortKey], scope: Scope<'e>) -> Result<RowIter<'e>> {
    let mut keyed = Vec::new();
    for row in input {
        let row = row?;
        let values = keys.iter().map(|k| scope.eval(&k.expr, &row)).collect::<Result<Vec<Value>>>()?;
        keyed.push((values, row));
    }
    keyed.sort_by(|(a, _), (b, _)| compare_keys(keys, a, b));
    Ok(Box::new(keyed.into_iter().map(|(_, row)| Ok(row))))
}

/// Orders two rows' key values under `keys`.
pub(crate) fn compare_keys(keys: &[SortKey], a: &[Value], b: &[Value]) -> Ordering {
    for ((key, x), y) in keys.iter().zip(a).zip(b) {
        let ord = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) if key.nulls_first => Ordering::Less,
            (true, false) => Ordering::Greater,
            (false, true) if key.nulls_first => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) if key.descending => y.cmp(x),
            (false, false) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::execute::test_support::{col, collect, int_rows, iter, scope};
    use crate::sql::plan::Expr;
    use crate::types::Row;

    fn key(expr: Expr, descending: bool, nulls_first: bool) -> SortKey {
        SortKey { expr, descending, nulls_first }
    }

    fn run(rows: Vec<Row>, keys: &[SortKey]) -> Vec<Row> {
        collect(sort(iter(rows), keys, scope(&[])).unwrap()).unwrap()
    }

    #[test]
    fn nulls_placement_in_both_directions() {
        let rows = int_rows(&[&[Some(2)], &[None], &[Some(1)], &[Some(3)]]);
        let asc_last = run(rows.clone(), &[key(col(0), false, false)]);
        assert_eq!(asc_last, int_rows(&[&[Some(1)], &[Some(2)], &[Some(3)], &[None]]));
        let asc_first = run(rows.clone(), &[key(col(0), false, true)]);
        assert_eq!(asc_first, int_rows(&[&[None], &[Some(1)], &[Some(2)], &[Some(3)]]));
        let desc_first = run(rows.clone(), &[key(col(0), true, true)]);
        assert_eq!(desc_first, int_rows(&[&[None], &[Some(3)], &[Some(2)], &[Some(1)]]));
        let desc_last = run(rows, &[key(col(0), true, false)]);
        assert_eq!(desc_last, int_rows(&[&[Some(3)], &[Some(2)], &[Some(1)], &[None]]));
    }

    #[test]
    fn stable_with_several_keys() {
        let rows = int_rows(&[&[Some(1), Some(1)], &[Some(2), Some(1)], &[Some(1), Some(2)], &[Some(2), Some(0)]]);
        // By column 1 descending only: ties keep input order.
        let out = run(rows.clone(), &[key(col(1), true, false)]);
        assert_eq!(
            out,
            int_rows(&[&[Some(1), Some(2)], &[Some(1), Some(1)], &[Some(2), Some(1)], &[Some(2), Some(0)]])
        );
        let out = run(rows, &[key(col(0), false, false), key(col(1), false, false)]);
        assert_eq!(
            out,
            int_rows(&[&[Some(1), Some(1)], &[Some(1), Some(2)], &[Some(2), Some(0)], &[Some(2), Some(1)]])
        );
    }

    #[test]
    fn key_errors_propagate() {
        let div = Expr::Binary(
            crate::sql::ast::BinaryOp::Divide,
            Box::new(col(0)),
            Box::new(Expr::Literal(Value::Integer(0))),
        );
        let keys = [key(div, false, false)];
        let result = sort(iter(int_rows(&[&[Some(1)]])), &keys, scope(&[]));
        assert!(matches!(result, Err(crate::Error::DivisionByZero)));
    }
}
