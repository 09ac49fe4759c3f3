//! Aggregates over a whole table without WHERE read the values where they are stored
//! (`sql::execute::aggregate::over_table`); with a WHERE clause they go through the general
//! row pipeline. These tests run the same aggregates both ways (`WHERE true` forces the
//! general path) and require the same answers, at every level, with NULLs, updated and deleted
//! rows, another session's uncommitted writes, and DISTINCT.

use isolde::{Database, IsolationLevel, Value};

const AGGREGATES: &str = "count(*), count(v), sum(k), min(k), max(k), avg(k), min(v), max(v), \
                          count(DISTINCT k), sum(DISTINCT k)";

fn both_ways(conn: &isolde::Connection) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let fast = conn.run(&format!("SELECT {AGGREGATES} FROM t")).expect("in place").rows;
    let general = conn.run(&format!("SELECT {AGGREGATES} FROM t WHERE true")).expect("general").rows;
    (fast, general)
}

fn setup() -> Database {
    let db = Database::open_in_memory();
    db.connect()
        .execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
             INSERT INTO t VALUES (1, 10, 'a'), (2, 20, NULL), (3, NULL, 'c'), (4, 20, 'd'), (5, -7, 'e');
             UPDATE t SET k = 30 WHERE id = 1;
             DELETE FROM t WHERE id = 5;",
        )
        .expect("setup");
    db
}

#[test]
fn in_place_aggregates_match_the_general_path_at_every_level() {
    let db = setup();
    // Another session's uncommitted changes must be invisible both ways.
    let mut writer = db.connect();
    let tx = writer.transaction(IsolationLevel::ReadCommitted).expect("begin");
    tx.execute("INSERT INTO t VALUES (6, 1000, 'z')", ()).expect("insert");
    tx.execute("DELETE FROM t WHERE id = 2", ()).expect("delete");
    for level in [
        IsolationLevel::ReadCommitted,
        IsolationLevel::Snapshot,
        IsolationLevel::TwoPhaseLocking,
        IsolationLevel::Serializable,
    ] {
        if level == IsolationLevel::TwoPhaseLocking {
            // Reads lock under two-phase locking: they would wait for the writer.
            continue;
        }
        let conn = db.connect();
        conn.set_default_isolation(level).expect("level");
        let (fast, general) = both_ways(&conn);
        assert_eq!(fast, general, "{level:?}");
        assert_eq!(fast[0][0], Value::Integer(4), "{level:?}: four rows visible");
        assert_eq!(fast[0][2], Value::Integer(70), "{level:?}: 30 + 20 + 20");
    }
    tx.rollback().expect("rollback");
    let conn = db.connect();
    conn.set_default_isolation(IsolationLevel::TwoPhaseLocking).expect("level");
    let (fast, general) = both_ways(&conn);
    assert_eq!(fast, general);
}

#[test]
fn in_place_aggregates_see_the_transactions_own_writes_and_an_empty_table() {
    let db = setup();
    let mut conn = db.connect();
    let tx = conn.transaction(IsolationLevel::Snapshot).expect("begin");
    tx.execute("INSERT INTO t VALUES (7, 5, 'f')", ()).expect("insert");
    tx.execute("UPDATE t SET k = NULL WHERE id = 4", ()).expect("update");
    let fast = tx.query(&format!("SELECT {AGGREGATES} FROM t"), ()).expect("in place");
    let general = tx.query(&format!("SELECT {AGGREGATES} FROM t WHERE true"), ()).expect("general");
    let rows = |r: isolde::Rows| {
        r.into_iter().map(|row| (0..10).map(|i| row.get::<Value>(i).unwrap()).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    assert_eq!(rows(fast), rows(general));
    tx.execute("DELETE FROM t", ()).expect("delete all");
    let empty = tx.query("SELECT count(*), sum(k) FROM t", ()).expect("empty");
    assert_eq!(rows_of_two(empty), vec![(Value::Integer(0), Value::Null)]);
}

fn rows_of_two(rows: isolde::Rows) -> Vec<(Value, Value)> {
    rows.into_iter().map(|r| (r.get::<Value>(0).unwrap(), r.get::<Value>(1).unwrap())).collect()
}
