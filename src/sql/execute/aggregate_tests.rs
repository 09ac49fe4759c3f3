//! Unit tests of grouping and aggregates (`aggregate.rs`).

use super::*;
use crate::sql::execute::test_support::{col, collect, int_rows, iter, scope};

fn call(function: AggregateFunction, arg: Option<Expr>, distinct: bool) -> AggregateCall {
    AggregateCall { function, arg, distinct }
}

fn run(rows: Vec<Row>, group_by: &[Expr], calls: &[AggregateCall]) -> Result<Vec<Row>> {
    collect(aggregate(iter(rows), group_by, calls, scope(&[]))?)
}

fn same(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y && x.data_type() == y.data_type())
}

#[test]
fn no_group_by_over_empty_input_is_one_row() {
    use AggregateFunction::*;
    let calls = [
        call(CountStar, None, false),
        call(Count, Some(col(0)), false),
        call(Sum, Some(col(0)), false),
        call(Avg, Some(col(0)), false),
        call(Min, Some(col(0)), false),
        call(Max, Some(col(0)), false),
    ];
    let rows = run(vec![], &[], &calls).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(same(&rows[0], &[0.into(), 0.into(), Value::Null, Value::Null, Value::Null, Value::Null]));
    // With GROUP BY, empty input is no rows.
    assert!(run(vec![], &[col(0)], &calls).unwrap().is_empty());
}

#[test]
fn aggregates_over_integers_and_nulls() {
    use AggregateFunction::*;
    let calls = [
        call(CountStar, None, false),
        call(Count, Some(col(0)), false),
        call(Sum, Some(col(0)), false),
        call(Avg, Some(col(0)), false),
        call(Min, Some(col(0)), false),
        call(Max, Some(col(0)), false),
    ];
    let rows = int_rows(&[&[Some(3)], &[None], &[Some(1)], &[Some(2)], &[Some(2)]]);
    let out = run(rows, &[], &calls).unwrap();
    assert!(same(&out[0], &[5.into(), 4.into(), 8.into(), 2.0.into(), 1.into(), 3.into()]));
}

#[test]
fn distinct_aggregates() {
    use AggregateFunction::*;
    let calls = [
        call(Count, Some(col(0)), true),
        call(Sum, Some(col(0)), true),
        call(Avg, Some(col(0)), true),
        call(CountStar, None, true),
    ];
    let rows = vec![vec![Value::Integer(1)], vec![Value::Real(1.0)], vec![Value::Integer(2)], vec![Value::Null]];
    let out = run(rows, &[], &calls).unwrap();
    assert!(same(&out[0], &[2.into(), 3.into(), 1.5.into(), 4.into()]));
}

#[test]
fn sums_of_reals_and_mixed_and_overflow() {
    use AggregateFunction::*;
    let sum = [call(Sum, Some(col(0)), false)];
    let out = run(vec![vec![Value::Integer(1)], vec![Value::Real(0.5)]], &[], &sum).unwrap();
    assert!(same(&out[0], &[1.5.into()]));
    let big = vec![vec![Value::Integer(i64::MAX)], vec![Value::Integer(1)]];
    assert_eq!(run(big.clone(), &[], &sum), Err(Error::NumericOutOfRange("integer")));
    // avg does not overflow: it sums in 128 bits.
    let avg = [call(Avg, Some(col(0)), false)];
    let out = run(big, &[], &avg).unwrap();
    assert!(same(&out[0], &[(i64::MAX as f64 / 2.0).into()]));
    let err = run(vec![vec![Value::text("a")]], &[], &sum).unwrap_err();
    assert_eq!((err.sqlstate(), err.to_string()), ("42883", "function sum(text) does not exist".to_string()));
    let min = [call(Min, Some(col(0)), false), call(Max, Some(col(0)), false)];
    let out = run(vec![vec![Value::text("b")], vec![Value::text("a")]], &[], &min).unwrap();
    assert!(same(&out[0], &["a".into(), "b".into()]));
}

#[test]
fn groups_come_out_ordered_by_key() {
    use AggregateFunction::*;
    let calls = [call(CountStar, None, false), call(Sum, Some(col(1)), false)];
    let rows =
        int_rows(&[&[Some(2), Some(10)], &[None, Some(1)], &[Some(1), Some(5)], &[Some(2), Some(20)], &[None, None]]);
    let out = run(rows, &[col(0)], &calls).unwrap();
    assert_eq!(
        out,
        int_rows(&[&[None, Some(2), Some(1)], &[Some(1), Some(1), Some(5)], &[Some(2), Some(2), Some(30)]])
    );
}

#[test]
fn missing_argument_is_internal() {
    let calls = [call(AggregateFunction::Sum, None, false)];
    assert_eq!(run(int_rows(&[&[Some(1)]]), &[], &calls).unwrap_err().sqlstate(), "XX000");
}
