//! `SessionHandle::cancel` (Ctrl-C in the shell): a running statement, computing or waiting for
//! a lock, fails with 57014 and is undone; in a block the block fails; the session goes on; a
//! cancel while nothing runs affects nothing.
//!
//! Every wait is bounded: a statement that ignores the cancel fails its test instead of
//! hanging it (the long statements end on their own within seconds).

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use isolde::{BlockState, Connection, Database, Result, SessionHandle, StatementResult};

/// How long anything may take before the test fails instead of waiting on.
const LIMIT: Duration = Duration::from_secs(30);

/// How soon after the cancel the statement must have returned: it stops at its next check,
/// within microseconds; the margin is for a busy machine. (Uncancelled, the cross join takes
/// about two seconds in a debug build, and then returns rows, not an error.)
const PROMPT: Duration = Duration::from_secs(3);

/// Two tables `a` and `b` of 2,000 rows each: their cross join is 4,000,000 pairs.
fn two_big_tables() -> Database {
    let db = Database::open_in_memory();
    let values: Vec<String> = (1..=2000).map(|i| format!("({i})")).collect();
    let values = values.join(", ");
    db.connect()
        .execute_batch(&format!(
            "CREATE TABLE a (id INTEGER PRIMARY KEY);
             CREATE TABLE b (id INTEGER PRIMARY KEY);
             CREATE TABLE c (n INTEGER PRIMARY KEY);
             INSERT INTO a VALUES {values};
             INSERT INTO b VALUES {values};"
        ))
        .unwrap();
    db
}

/// A statement running on a thread of its own, in a connection that comes back when it ends.
struct Running {
    handle: SessionHandle,
    done: mpsc::Receiver<(Connection, Result<StatementResult>)>,
}

impl Running {
    fn start(conn: Connection, sql: &str) -> Running {
        let handle = conn.handle();
        let sql = sql.to_string();
        let (sender, done) = mpsc::channel();
        thread::spawn(move || {
            let result = conn.run(&sql);
            let _ = sender.send((conn, result));
        });
        Running { handle, done }
    }

    /// Cancels the statement and waits for it: its result, and how long it took to return.
    fn cancel(self) -> (Connection, Result<StatementResult>, Duration) {
        let sent = Instant::now();
        self.handle.cancel();
        let (conn, result) = self.done.recv_timeout(LIMIT).expect("the cancelled statement returns");
        (conn, result, sent.elapsed())
    }
}

/// Polls `condition` until it holds; fails the test after [`LIMIT`].
fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + LIMIT;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(1));
    }
}

fn assert_canceled(result: Result<StatementResult>, took: Duration) {
    let err = result.expect_err("the statement was cancelled");
    assert_eq!((err.sqlstate(), err.to_string()), ("57014", "canceling statement due to user request".to_string()));
    assert!(took < PROMPT, "the statement took {took:?} to stop");
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, (), |r| r.get(0)).unwrap()
}

#[test]
fn cancel_stops_a_running_cross_join_and_the_session_goes_on() {
    let db = two_big_tables();
    let running = Running::start(db.connect(), "SELECT count(*) FROM a, b");
    wait_until("the statement runs", || running.handle.info().statement_running);
    let (conn, result, took) = running.cancel();
    assert_canceled(result, took);
    let info = conn.info();
    assert_eq!((info.state, info.txn, info.statement_running), (BlockState::Idle, None, false));
    // The request was for that statement only.
    assert_eq!(count(&conn, "SELECT count(*) FROM a"), 2000);
    assert!(db.running_transactions().is_empty());
}

#[test]
fn cancel_in_a_block_fails_the_block() {
    let db = two_big_tables();
    let conn = db.connect();
    conn.execute("BEGIN", ()).unwrap();
    conn.execute("INSERT INTO c VALUES (1)", ()).unwrap();
    let running = Running::start(conn, "SELECT count(*) FROM a, b");
    wait_until("the statement runs", || running.handle.info().statement_running);
    let (conn, result, took) = running.cancel();
    assert_canceled(result, took);
    // As after any error in a block: 25P02 until ROLLBACK, and the block's writes are gone.
    assert_eq!(conn.info().state, BlockState::Failed);
    assert_eq!(conn.execute("SELECT 1", ()).unwrap_err().sqlstate(), "25P02");
    assert_eq!(conn.run("COMMIT").unwrap().tag.to_string(), "ROLLBACK");
    assert_eq!(count(&conn, "SELECT count(*) FROM c"), 0);
}

#[test]
fn a_cancelled_insert_is_undone() {
    let db = two_big_tables();
    let sql = "INSERT INTO c SELECT a.id * 10000 + b.id FROM a, b WHERE b.id <= 50";
    let running = Running::start(db.connect(), sql);
    wait_until("the insert has written rows", || db.version_count("c").unwrap() > 0);
    let (conn, result, took) = running.cancel();
    assert_canceled(result, took);
    assert_eq!(count(&conn, "SELECT count(*) FROM c"), 0);
    assert_eq!(db.version_count("c").unwrap(), 0);
}

#[test]
fn a_cancel_while_no_statement_runs_does_not_affect_the_next_one() {
    let db = two_big_tables();
    let conn = db.connect();
    conn.handle().cancel();
    assert_eq!(count(&conn, "SELECT count(*) FROM a"), 2000);
    conn.execute("BEGIN", ()).unwrap();
    conn.handle().cancel();
    assert_eq!(count(&conn, "SELECT count(*) FROM a WHERE id <= 10"), 10);
    assert_eq!(conn.info().state, BlockState::InBlock);
    conn.execute("COMMIT", ()).unwrap();
}

#[test]
fn cancel_wakes_a_statement_waiting_for_a_lock() {
    let db = two_big_tables();
    let holder = db.connect();
    holder.execute_batch("BEGIN; INSERT INTO c VALUES (7)").unwrap();

    // Autocommit: waits for the uncommitted key 7, then gives up when cancelled.
    let running = Running::start(db.connect(), "INSERT INTO c VALUES (7)");
    wait_until("the insert waits", || !db.lock_waits().is_empty());
    let (conn, result, took) = running.cancel();
    assert_canceled(result, took);
    assert!(db.lock_waits().is_empty());

    // In a block: the block fails, its locks go, and the holder is not disturbed.
    conn.execute_batch("BEGIN; INSERT INTO c VALUES (8)").unwrap();
    let running = Running::start(conn, "INSERT INTO c VALUES (7)");
    wait_until("the insert waits", || !db.lock_waits().is_empty());
    let (conn, result, took) = running.cancel();
    assert_canceled(result, took);
    assert_eq!(conn.info().state, BlockState::Failed);
    conn.execute("ROLLBACK", ()).unwrap();
    holder.execute("COMMIT", ()).unwrap();
    let keys = conn.query("SELECT n FROM c ORDER BY n", ()).unwrap();
    assert_eq!(keys.iter().map(|r| r.get::<i64>(0).unwrap()).collect::<Vec<_>>(), [7]);
}
