//! The embedded API as `docs/` and design.md §2 name it: every entry point, used the way an
//! application uses it.

use std::cell::Cell;

use isolde::{params, Database, Error, IsolationLevel, Row, Value};

fn accounts() -> Database {
    let db = Database::open_in_memory();
    db.connect()
        .execute_batch(
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER NOT NULL, rate REAL);
             INSERT INTO accounts VALUES (1, 'ann', 100, 0.5), (2, 'bob', 50, NULL);",
        )
        .unwrap();
    db
}

#[test]
fn execute_returns_rows_affected_and_takes_every_kind_of_params() {
    let db = accounts();
    let conn = db.connect();
    assert_eq!(conn.execute("UPDATE accounts SET balance = balance + 1", ()).unwrap(), 2);
    assert_eq!(
        conn.execute("INSERT INTO accounts VALUES ($1, $2, $3, $4)", params![3, "cy", 7, None::<f64>]).unwrap(),
        1
    );
    let slice: &[Value] = &[Value::Integer(3)];
    assert_eq!(conn.execute("DELETE FROM accounts WHERE id = $1", slice).unwrap(), 1);
    assert_eq!(conn.execute("DELETE FROM accounts WHERE id = $1", vec![Value::Integer(9)]).unwrap(), 0);
    assert_eq!(conn.execute("DELETE FROM accounts WHERE id = $1", [Value::Integer(9)]).unwrap(), 0);
}

#[test]
fn query_gives_owned_rows_with_typed_getters() {
    let db = accounts();
    let conn = db.connect();
    let rows =
        conn.query("SELECT id, owner, balance, rate, balance > 60 AS rich FROM accounts ORDER BY id", ()).unwrap();
    assert_eq!(rows.columns(), ["id", "owner", "balance", "rate", "rich"]);
    assert_eq!(rows.len(), 2);
    let first: &Row = rows.get(0).unwrap();
    assert_eq!(first.get::<i64>(0).unwrap(), 1);
    assert_eq!(first.get::<String>("owner").unwrap(), "ann");
    assert_eq!(first.get::<f64>("rate").unwrap(), 0.5);
    assert!(first.get::<bool>("rich").unwrap());
    assert_eq!(first.get::<Value>(2).unwrap(), Value::Integer(100));
    let owners: Vec<(String, Option<f64>)> =
        rows.iter().map(|r| (r.get("owner").unwrap(), r.get("rate").unwrap())).collect();
    assert_eq!(owners, vec![("ann".into(), Some(0.5)), ("bob".into(), None)]);
    // Owned: the result outlives the connection.
    drop(conn);
    assert_eq!(rows.into_iter().count(), 2);
}

#[test]
fn query_row_maps_the_first_row_or_fails() {
    let db = accounts();
    let conn = db.connect();
    let owner: String = conn.query_row("SELECT owner FROM accounts WHERE id = $1", params![2], |r| r.get(0)).unwrap();
    assert_eq!(owner, "bob");
    let none = conn.query_row("SELECT owner FROM accounts WHERE id = 99", (), |r| r.get::<String>(0));
    assert_eq!(none.unwrap_err(), Error::NoRows);
}

#[test]
fn prepared_statements_run_many_times_and_survive_ddl() {
    let db = accounts();
    let conn = db.connect();
    let mut stmt = conn.prepare("SELECT balance FROM accounts WHERE id = $1").unwrap();
    for (id, balance) in [(1, 100), (2, 50)] {
        assert_eq!(stmt.query_row(params![id], |r| r.get::<i64>(0)).unwrap(), balance);
    }
    // DDL between executions: the statement is planned again against the new catalog.
    conn.execute("CREATE INDEX accounts_owner ON accounts (owner)", ()).unwrap();
    assert_eq!(stmt.query(params![1]).unwrap().len(), 1);
    let mut insert = conn.prepare("INSERT INTO accounts (id, balance) VALUES ($1, 0)").unwrap();
    assert_eq!(insert.execute(params![10]).unwrap(), 1);
    assert_eq!(insert.execute(params![10]).unwrap_err().sqlstate(), "23505");
}

#[test]
fn transactions_commit_roll_back_and_roll_back_on_drop() {
    let db = accounts();
    let mut conn = db.connect();
    {
        let tx = conn.transaction(IsolationLevel::ReadCommitted).unwrap();
        tx.execute("UPDATE accounts SET balance = 0 WHERE id = 1", ()).unwrap();
        assert_eq!(tx.query_row("SHOW transaction_isolation", (), |r| r.get::<String>(0)).unwrap(), "read committed");
        tx.commit().unwrap();
    }
    {
        let tx = conn.transaction(IsolationLevel::Snapshot).unwrap();
        tx.execute("UPDATE accounts SET balance = 1 WHERE id = 1", ()).unwrap();
        tx.rollback().unwrap();
    }
    {
        let tx = conn.transaction(IsolationLevel::Snapshot).unwrap();
        tx.execute("UPDATE accounts SET balance = 2 WHERE id = 1", ()).unwrap();
        // Dropped without commit: rolled back.
    }
    assert_eq!(conn.query_row("SELECT balance FROM accounts WHERE id = 1", (), |r| r.get::<i64>(0)).unwrap(), 0);
}

#[test]
fn committing_a_transaction_whose_statement_failed_reports_the_rollback() {
    let db = accounts();
    let mut conn = db.connect();
    let tx = conn.transaction(IsolationLevel::Snapshot).unwrap();
    tx.execute("UPDATE accounts SET balance = 0 WHERE id = 1", ()).unwrap();
    assert_eq!(tx.execute("INSERT INTO accounts VALUES (1, 'dup', 0, 0)", ()).unwrap_err().sqlstate(), "23505");
    assert_eq!(tx.execute("SELECT 1", ()).unwrap_err().sqlstate(), "25P02");
    assert_eq!(tx.commit().unwrap_err(), Error::TransactionRolledBack);
    assert_eq!(conn.query_row("SELECT balance FROM accounts WHERE id = 1", (), |r| r.get::<i64>(0)).unwrap(), 100);
}

#[test]
fn serializable_is_selectable_in_the_api_and_in_sql() {
    let db = accounts();
    let mut conn = db.connect();
    let tx = conn.transaction(IsolationLevel::Serializable).unwrap();
    assert_eq!(tx.query_row("SHOW transaction_isolation", (), |r| r.get::<String>(0)).unwrap(), "serializable");
    tx.commit().unwrap();
    conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY", ()).unwrap();
    assert_eq!(conn.execute("UPDATE accounts SET balance = 0", ()).unwrap_err().sqlstate(), "25006");
    conn.execute("ROLLBACK", ()).unwrap();
    conn.set_default_isolation(IsolationLevel::Serializable).unwrap();
    assert_eq!(db.run_transaction(IsolationLevel::Serializable, |tx| tx.execute("SELECT 1", ())).unwrap(), 1);
}

#[test]
fn two_phase_locking_is_selectable_in_the_api_and_in_sql() {
    let db = accounts();
    let mut conn = db.connect();
    let tx = conn.transaction(IsolationLevel::TwoPhaseLocking).unwrap();
    assert_eq!(tx.query_row("SHOW transaction_isolation", (), |r| r.get::<String>(0)).unwrap(), "two phase locking");
    tx.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1", ()).unwrap();
    tx.commit().unwrap();
    conn.execute("SET default_transaction_isolation = 'two phase locking'", ()).unwrap();
    assert_eq!(conn.default_isolation(), IsolationLevel::TwoPhaseLocking);
    let total = db.run_transaction(IsolationLevel::TwoPhaseLocking, |tx| {
        tx.query_row("SELECT sum(balance) FROM accounts", (), |r| r.get::<i64>(0))
    });
    assert_eq!(total.unwrap(), 151);
}

#[test]
fn run_transaction_retries_serialization_failures() {
    let db = accounts();
    let attempts = Cell::new(0);
    let result = db.run_transaction(IsolationLevel::Snapshot, |tx| {
        attempts.set(attempts.get() + 1);
        let balance: i64 = tx.query_row("SELECT balance FROM accounts WHERE id = 1", (), |r| r.get(0))?;
        if attempts.get() == 1 {
            // Another session changes the row after this transaction's snapshot: the write
            // below then fails with 40001, and run_transaction tries again.
            db.connect().execute("UPDATE accounts SET balance = balance + 5 WHERE id = 1", ()).unwrap();
        }
        tx.execute("UPDATE accounts SET balance = $1 WHERE id = 1", params![balance + 1])?;
        Ok(balance)
    });
    assert_eq!(result.unwrap(), 105);
    assert_eq!(attempts.get(), 2);
    let conn = db.connect();
    assert_eq!(conn.query_row("SELECT balance FROM accounts WHERE id = 1", (), |r| r.get::<i64>(0)).unwrap(), 106);
}

#[test]
fn run_transaction_does_not_retry_other_errors() {
    let db = accounts();
    let attempts = Cell::new(0);
    let err = db
        .run_transaction(IsolationLevel::Snapshot, |tx| {
            attempts.set(attempts.get() + 1);
            tx.execute("INSERT INTO accounts VALUES (1, 'dup', 0, 0)", ())
        })
        .unwrap_err();
    assert_eq!(err.sqlstate(), "23505");
    assert!(!err.is_retryable());
    assert_eq!(attempts.get(), 1);
}

#[test]
fn errors_carry_sqlstate_detail_and_position() {
    let db = accounts();
    let conn = db.connect();
    let err = conn.execute("INSERT INTO accounts VALUES (1, 'x', 1, 1)", ()).unwrap_err();
    assert_eq!(err.sqlstate(), "23505");
    assert_eq!(err.to_string(), "duplicate key value violates unique constraint \"accounts_pkey\"");
    assert_eq!(err.detail().unwrap(), "Key (id)=(1) already exists.");
    let err = conn.execute("SELECT *\nFROM accounts WHER id = 1", ()).unwrap_err();
    assert_eq!(err.sqlstate(), "42601");
    let position = err.position().unwrap();
    assert_eq!((position.line, position.column), (2, 20));
    assert_eq!(conn.execute("SELECT nope FROM accounts", ()).unwrap_err().sqlstate(), "42703");
    assert_eq!(conn.execute("SELECT * FROM nope", ()).unwrap_err().sqlstate(), "42P01");
}

#[test]
fn database_and_connections_cross_threads() {
    fn send_sync<T: Send + Sync + Clone>() {}
    fn send<T: Send>() {}
    send_sync::<Database>();
    send::<isolde::Connection>();
    let db = accounts();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let db = db.clone();
            std::thread::spawn(move || {
                let conn = db.connect();
                conn.execute("INSERT INTO accounts (id, balance) VALUES ($1, 0)", params![100 + i]).unwrap();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(db.connect().query_row("SELECT count(*) FROM accounts", (), |r| r.get::<i64>(0)).unwrap(), 6);
}
