//! Unit tests of grouping and aggregates (`aggregate.rs`): the accumulators over given rows,
//! then aggregates over a whole table read in place (`over_table`), which must give what the
//! general path gives (`WHERE true` forces that one) over live, dead and uncommitted versions.

use super::*;
use crate::sql::execute::test_support::{col, collect, int_rows, iter, scope};
use crate::sql::execute::tests::{scan, select, Db};
use crate::txn::IsolationLevel;
use crate::{Connection, Database};

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
    let sum_of = |values: &[Value]| run(values.iter().map(|v| vec![v.clone()]).collect(), &[], &sum);
    let out = sum_of(&[Value::Integer(1), Value::Real(0.5)]).unwrap();
    assert!(same(&out[0], &[1.5.into()]));
    let out = sum_of(&[Value::Real(0.5), Value::Integer(1), Value::Null, Value::Integer(2)]).unwrap();
    assert!(same(&out[0], &[3.5.into()]));
    let out = sum_of(&[Value::Integer(i64::MAX - 1), Value::Null, Value::Integer(1)]).unwrap();
    assert!(same(&out[0], &[i64::MAX.into()]));
    let overflow = Err(Error::NumericOutOfRange("integer"));
    assert_eq!(sum_of(&[Value::Integer(i64::MAX), Value::Integer(1)]), overflow);
    assert_eq!(sum_of(&[Value::Integer(i64::MIN), Value::Integer(-1)]), overflow);
    // The overflow is reported when it happens, even if later rows would bring the sum back.
    assert_eq!(sum_of(&[Value::Integer(i64::MAX), Value::Integer(1), Value::Integer(-1)]), overflow);
    // avg does not overflow: it sums in 128 bits.
    let big = vec![vec![Value::Integer(i64::MAX)], vec![Value::Integer(1)]];
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

/// `SELECT {aggregates} FROM t` in `conn`'s current transaction, read in place; the general
/// path (`WHERE true`) must give the same answer.
fn in_place(conn: &Connection, aggregates: &str) -> Result<Vec<Row>> {
    let rows = |sql: String| conn.run(&sql).map(|result| result.rows);
    let in_place = rows(format!("SELECT {aggregates} FROM t"));
    assert_eq!(in_place, rows(format!("SELECT {aggregates} FROM t WHERE true")), "{aggregates}");
    in_place
}

#[test]
fn in_place_matches_the_general_path_over_batches_of_live_dead_and_uncommitted_versions() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    let values: Vec<String> = (1..=1000).map(|i| format!("({i}, {i})")).collect();
    conn.execute_batch(&format!(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER); INSERT INTO t VALUES {};",
        values.join(", ")
    ))
    .unwrap();
    // A snapshot taken now keeps the versions the next statements end from being pruned.
    let old = db.connect();
    old.set_default_isolation(IsolationLevel::Snapshot).unwrap();
    old.run("BEGIN").unwrap();
    let calls = "count(*), count(k), sum(k), avg(k), min(k), max(k), sum(DISTINCT k)";
    let before = in_place(&old, calls).unwrap();
    // Several batches of a scan, every one holding superseded, deleted and NULL rows...
    conn.execute_batch(
        "UPDATE t SET k = k * 2 WHERE id % 3 = 0;
         UPDATE t SET k = NULL WHERE id % 7 = 0;
         DELETE FROM t WHERE id % 5 = 0;",
    )
    .unwrap();
    let live: Vec<i64> = (1..=1000).filter(|i| i % 5 != 0).collect();
    let k = |i: &i64| if i % 3 == 0 { i * 2 } else { *i };
    let sum: i64 = live.iter().filter(|i| *i % 7 != 0).map(k).sum();
    // ... and another session's uncommitted writes.
    let writer = db.connect();
    writer
        .execute_batch(
            "BEGIN;
             UPDATE t SET k = k + 1000000 WHERE id % 11 = 0;
             DELETE FROM t WHERE id % 13 = 0;
             INSERT INTO t VALUES (0, 1), (2000, 2);",
        )
        .unwrap();
    let committed = |conn: &Connection| {
        let row = in_place(conn, calls).unwrap().remove(0);
        assert_eq!((&row[0], &row[2]), (&Value::Integer(live.len() as i64), &Value::Integer(sum)));
        row
    };
    let mut seen = Vec::new();
    for level in [IsolationLevel::ReadCommitted, IsolationLevel::Snapshot, IsolationLevel::Serializable] {
        let reader = db.connect();
        reader.set_default_isolation(level).unwrap();
        seen.push(committed(&reader));
    }
    // The old snapshot still sees the table as loaded.
    assert_eq!(in_place(&old, calls).unwrap(), before);
    assert_eq!((&before[0][0], &before[0][2]), (&Value::Integer(1000), &Value::Integer(500_500)));
    // The writer sees its own writes.
    let deleted_by_writer = live.iter().filter(|i| *i % 13 == 0).count();
    let rows = in_place(&writer, calls).unwrap();
    assert_eq!(rows[0][0], Value::Integer((live.len() - deleted_by_writer + 2) as i64));
    writer.run("ROLLBACK").unwrap();
    // Under two-phase locking the scan locks the table: it would wait for the writer.
    let reader = db.connect();
    reader.set_default_isolation(IsolationLevel::TwoPhaseLocking).unwrap();
    seen.push(committed(&reader));
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn in_place_integer_sums_skip_nulls_and_overflow_as_the_general_path_does() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER)").unwrap();
    let insert = |id: i64, k: Value| conn.execute("INSERT INTO t VALUES ($1, $2)", [Value::Integer(id), k]).unwrap();
    let sums = || in_place(&conn, "sum(k)");
    assert_eq!(sums(), Ok(vec![vec![Value::Null]]));
    insert(1, Value::Null);
    assert_eq!(sums(), Ok(vec![vec![Value::Null]]));
    insert(2, Value::Integer(i64::MAX - 1));
    insert(3, Value::Integer(1));
    assert_eq!(sums(), Ok(vec![vec![Value::Integer(i64::MAX)]]));
    // Past i64 is 22003 at once, even if later rows would bring the sum back.
    insert(4, Value::Integer(1));
    insert(5, Value::Integer(-5));
    assert_eq!(sums().unwrap_err().sqlstate(), "22003");
    conn.execute_batch("DELETE FROM t; INSERT INTO t VALUES (1, -1)").unwrap();
    insert(0, Value::Integer(i64::MIN));
    assert_eq!(sums().unwrap_err().sqlstate(), "22003");
}

#[test]
fn in_place_aggregate_is_cancelled_like_any_scan() {
    let db = Db::new();
    let sum = Node::Aggregate {
        input: Box::new(scan(&db, AccessPath::FullScan, None)),
        group_by: vec![],
        aggregates: vec![call(AggregateFunction::Sum, Some(col(2)), false)],
    };
    let plan = select(sum, &["sum"]);
    let txn = db.begin(IsolationLevel::ReadCommitted);
    assert_eq!(db.exec(&txn, &plan).unwrap().rows, vec![vec![Value::Integer(600)]]);
    txn.interrupt().request();
    assert_eq!(db.exec(&txn, &plan).unwrap_err().sqlstate(), "57014");
}
