//! SERIALIZABLE (serializable snapshot isolation): the anomalies snapshot isolation allows end
//! in a serialization failure, the pivot of a dangerous structure is the one aborted, retries
//! succeed, and transactions that do not conflict are never aborted.

use isolation_tests::expect::{int, ok};
use isolation_tests::{Outcome, Scenario};
use isolde::{CommandTag, Error, StatementResult, Value};

/// Runs `sql`; returns its result or its error (never a wait).
#[track_caller]
fn run(s: &mut Scenario, session: &str, sql: &str) -> Result<StatementResult, Error> {
    match s.step(session, sql) {
        Outcome::Done(r) => r,
        Outcome::Waiting(w) => panic!("{session}: {sql}: unexpected wait for {w:?}"),
    }
}

fn scenario(setup: &str, names: &[&str]) -> Scenario {
    let mut s = Scenario::new();
    s.setup(setup);
    for name in names {
        s.session(name);
        ok(&mut s, name, "BEGIN ISOLATION LEVEL SERIALIZABLE");
    }
    s
}

/// Runs the remaining statements of a transaction and its COMMIT; returns whether it
/// committed, asserting that any failure is a serialization failure.
fn finish(s: &mut Scenario, session: &str, statements: &[&str]) -> bool {
    for sql in statements.iter().copied().chain(["COMMIT"]) {
        match run(s, session, sql) {
            Ok(r) if sql == "COMMIT" => return r.tag == CommandTag::Fixed("COMMIT"),
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.sqlstate(), "40001", "{session}: {sql}: {e}");
                assert!(e.detail().is_some_and(|d| d.contains("-rw->")), "{e:?}");
                ok(s, session, "ROLLBACK");
                return false;
            }
        }
    }
    unreachable!("COMMIT returns")
}

const DOCTORS: &str = "CREATE TABLE doctors (name TEXT PRIMARY KEY, shift INTEGER, on_call BOOLEAN);
    INSERT INTO doctors VALUES ('alice', 1, true), ('bob', 1, true), ('carol', 2, true);";

fn on_call(s: &mut Scenario) -> i64 {
    s.session("check");
    int(&ok(s, "check", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call"))
}

#[test]
fn write_skew_cannot_commit() {
    for setup in [DOCTORS.to_string(), format!("{DOCTORS} CREATE INDEX doctors_shift ON doctors (shift);")] {
        let mut s = scenario(&setup, &["t1", "t2"]);
        assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call")), 2);
        assert_eq!(int(&ok(&mut s, "t2", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call")), 2);
        let first = finish(&mut s, "t1", &["UPDATE doctors SET on_call = false WHERE name = 'alice'"]);
        let second = finish(&mut s, "t2", &["UPDATE doctors SET on_call = false WHERE name = 'bob'"]);
        assert!(!(first && second), "both committed: write skew");
        assert!(first || second, "a false positive aborted both");
        assert_eq!(on_call(&mut s), 1);
    }
}

#[test]
fn write_skew_aborts_even_when_the_first_committed_before_the_second_wrote() {
    let mut s = scenario(DOCTORS, &["t1", "t2"]);
    ok(&mut s, "t1", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call");
    ok(&mut s, "t2", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call");
    ok(&mut s, "t1", "UPDATE doctors SET on_call = false WHERE name = 'alice'");
    ok(&mut s, "t1", "COMMIT");
    assert!(!finish(&mut s, "t2", &["UPDATE doctors SET on_call = false WHERE name = 'bob'"]));
    assert_eq!(on_call(&mut s), 1);
}

#[test]
fn an_insert_into_a_range_another_transaction_read_cannot_skew() {
    // Berenson's "at most 8 hours a day": each checks the sum, then inserts.
    let setup = "CREATE TABLE shifts (id INTEGER PRIMARY KEY, day INTEGER, hours INTEGER);
        CREATE INDEX shifts_day ON shifts (day); INSERT INTO shifts VALUES (1, 1, 4);";
    let mut s = scenario(setup, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT sum(hours) FROM shifts WHERE day = 1")), 4);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT sum(hours) FROM shifts WHERE day = 1")), 4);
    let first = finish(&mut s, "t1", &["INSERT INTO shifts VALUES (2, 1, 4)"]);
    let second = finish(&mut s, "t2", &["INSERT INTO shifts VALUES (3, 1, 4)"]);
    assert!(first != second, "exactly one of the two inserts may commit");
}

#[test]
fn an_empty_range_and_the_gap_after_the_last_key_are_covered() {
    let setup = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER); CREATE INDEX t_k ON t (k);
        INSERT INTO t VALUES (1, 1);";
    let mut s = scenario(setup, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE k > 10")), 0);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT count(*) FROM t WHERE k > 10")), 0);
    let first = finish(&mut s, "t1", &["INSERT INTO t VALUES (2, 20)"]);
    let second = finish(&mut s, "t2", &["INSERT INTO t VALUES (3, 30)"]);
    assert!(first != second);
}

#[test]
fn an_update_moving_a_row_into_another_range_conflicts() {
    let setup = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER); CREATE INDEX t_k ON t (k);
        INSERT INTO t VALUES (1, 10), (2, 50);";
    let mut s = scenario(setup, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE k < 20")), 1);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT count(*) FROM t WHERE k > 40")), 1);
    let first = finish(&mut s, "t1", &["UPDATE t SET k = 45 WHERE id = 1"]);
    let second = finish(&mut s, "t2", &["UPDATE t SET k = 15 WHERE id = 2"]);
    assert!(first != second);
}

#[test]
fn the_read_only_anomaly_aborts_the_pivot() {
    // Fekete, O'Neil and O'Neil: X = checking, Y = savings. T2 withdraws from X with a penalty
    // if X + Y would go negative; T1 deposits into Y; T3 (read only) reports both balances.
    let setup = "CREATE TABLE bank (name TEXT PRIMARY KEY, balance INTEGER);
        INSERT INTO bank VALUES ('x', 0), ('y', 0);";
    let mut s = scenario(setup, &["t1", "t2"]);
    s.session("t3");
    assert_eq!(int(&ok(&mut s, "t2", "SELECT sum(balance) FROM bank")), 0);
    ok(&mut s, "t1", "UPDATE bank SET balance = balance + 20 WHERE name = 'y'");
    ok(&mut s, "t1", "COMMIT");
    ok(&mut s, "t3", "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY");
    let report = ok(&mut s, "t3", "SELECT balance FROM bank ORDER BY name");
    assert_eq!(report.rows, vec![vec![Value::Integer(0)], vec![Value::Integer(20)]]);
    ok(&mut s, "t3", "COMMIT");
    // T2, the pivot (T3 -rw-> T2 -rw-> T1, T1 committed first), must not commit.
    assert!(!finish(&mut s, "t2", &["UPDATE bank SET balance = balance - 11 WHERE name = 'x'"]));
    // Retried, the pivot sees the deposit and succeeds without the penalty.
    ok(&mut s, "t2", "BEGIN ISOLATION LEVEL SERIALIZABLE");
    assert_eq!(int(&ok(&mut s, "t2", "SELECT sum(balance) FROM bank")), 20);
    assert!(finish(&mut s, "t2", &["UPDATE bank SET balance = balance - 10 WHERE name = 'x'"]));
}

#[test]
fn lost_update_and_read_skew_are_prevented() {
    let setup = "CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO c VALUES (1, 0), (2, 0);";
    let mut s = scenario(setup, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT n FROM c WHERE id = 1")), 0);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT n FROM c WHERE id = 1")), 0);
    assert!(finish(&mut s, "t1", &["UPDATE c SET n = 1 WHERE id = 1"]));
    assert!(!finish(&mut s, "t2", &["UPDATE c SET n = 1 WHERE id = 1"]));

    // Read skew: t1 reads row 1, t2 changes both rows and commits, t1 reads row 2.
    ok(&mut s, "t1", "BEGIN ISOLATION LEVEL SERIALIZABLE");
    ok(&mut s, "t2", "BEGIN ISOLATION LEVEL SERIALIZABLE");
    assert_eq!(int(&ok(&mut s, "t1", "SELECT n FROM c WHERE id = 1")), 1);
    ok(&mut s, "t2", "UPDATE c SET n = n + 5 WHERE id = 1");
    ok(&mut s, "t2", "UPDATE c SET n = n - 5 WHERE id = 2");
    ok(&mut s, "t2", "COMMIT");
    assert_eq!(int(&ok(&mut s, "t1", "SELECT n FROM c WHERE id = 2")), 0);
    ok(&mut s, "t1", "COMMIT");
}

#[test]
fn transactions_on_disjoint_rows_are_never_aborted() {
    let setup = "CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER);
        INSERT INTO a VALUES (1, 0), (2, 0), (3, 0), (4, 0);";
    let names = ["t1", "t2", "t3", "t4"];
    let mut s = scenario(setup, &names);
    for round in 0..3 {
        for (i, name) in names.iter().enumerate() {
            let id = i + 1;
            ok(&mut s, name, &format!("SELECT n FROM a WHERE id = {id}"));
            ok(&mut s, name, &format!("UPDATE a SET n = n + 1 WHERE id = {id}"));
        }
        for name in names {
            assert_eq!(ok(&mut s, name, "COMMIT").tag.to_string(), "COMMIT", "round {round}");
            ok(&mut s, name, "BEGIN ISOLATION LEVEL SERIALIZABLE");
        }
    }
    for name in names {
        ok(&mut s, name, "COMMIT");
    }
    assert!(s.database().ssi_is_idle(), "markers or records outlived every transaction");
}

#[test]
fn tracking_memory_returns_to_zero_when_idle() {
    let mut s = scenario(DOCTORS, &["t1", "t2"]);
    ok(&mut s, "t1", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call");
    ok(&mut s, "t2", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call");
    finish(&mut s, "t1", &["UPDATE doctors SET on_call = false WHERE name = 'alice'"]);
    assert!(!s.database().ssi_is_idle());
    finish(&mut s, "t2", &["UPDATE doctors SET on_call = false WHERE name = 'bob'"]);
    assert!(s.database().ssi_is_idle());
}

#[test]
fn mixed_levels_are_not_checked_against_each_other() {
    // As in PostgreSQL: only SERIALIZABLE transactions take part in SSI. A write skew between a
    // SERIALIZABLE and a REPEATABLE READ transaction is not detected.
    let mut s = Scenario::new();
    s.setup(DOCTORS);
    s.session("t1");
    s.session("t2");
    ok(&mut s, "t1", "BEGIN ISOLATION LEVEL SERIALIZABLE");
    ok(&mut s, "t2", "BEGIN ISOLATION LEVEL REPEATABLE READ");
    ok(&mut s, "t1", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call");
    ok(&mut s, "t2", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call");
    assert!(finish(&mut s, "t1", &["UPDATE doctors SET on_call = false WHERE name = 'alice'"]));
    assert!(finish(&mut s, "t2", &["UPDATE doctors SET on_call = false WHERE name = 'bob'"]));
    assert_eq!(on_call(&mut s), 0);
}
