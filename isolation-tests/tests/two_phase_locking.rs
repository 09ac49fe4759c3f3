//! Strict two-phase locking with next-key locks: what blocks, what deadlocks, and that the
//! anomalies snapshot isolation allows cannot commit.

use isolation_tests::expect::{fails, int, ok, waits};
use isolation_tests::Scenario;
use isolde::Value;

/// Sessions `names`, each in an open two-phase-locking transaction, over `setup`.
fn scenario(setup: &str, names: &[&str]) -> Scenario {
    let mut s = Scenario::new();
    s.setup(setup);
    for name in names {
        s.session(name);
        ok(&mut s, name, "SET default_transaction_isolation = 'two phase locking'");
        ok(&mut s, name, "BEGIN");
    }
    s
}

const DOCTORS: &str = "CREATE TABLE doctors (name TEXT PRIMARY KEY, shift INTEGER, on_call BOOLEAN);
    INSERT INTO doctors VALUES ('alice', 1, true), ('bob', 1, true), ('carol', 2, true);";

#[test]
fn the_level_is_selectable_and_shown() {
    let mut s = scenario("CREATE TABLE t (id INTEGER PRIMARY KEY)", &["t1"]);
    let r = ok(&mut s, "t1", "SHOW transaction_isolation");
    assert_eq!(r.rows[0][0], Value::text("two phase locking"));
}

#[test]
fn write_skew_cannot_commit_one_transaction_is_a_deadlock_victim() {
    let mut s = scenario(DOCTORS, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM doctors WHERE on_call AND shift = 1")), 2);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT count(*) FROM doctors WHERE on_call AND shift = 1")), 2);
    // Both hold S on the whole table (no index on shift): each update waits for the other.
    waits(&mut s, "t1", "UPDATE doctors SET on_call = false WHERE name = 'alice'");
    fails(&mut s, "t2", "UPDATE doctors SET on_call = false WHERE name = 'bob'", "40P01");
    assert_eq!(s.result("t1").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t1", "COMMIT");
    ok(&mut s, "t2", "ROLLBACK");
    assert_eq!(int(&ok(&mut s, "t2", "SELECT count(*) FROM doctors WHERE on_call AND shift = 1")), 1);
}

#[test]
fn predicate_write_skew_through_an_index_cannot_commit() {
    let mut s = scenario(&format!("{DOCTORS} CREATE INDEX doctors_shift ON doctors (shift);"), &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call")), 2);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT count(*) FROM doctors WHERE shift = 1 AND on_call")), 2);
    waits(&mut s, "t1", "UPDATE doctors SET on_call = false WHERE name = 'alice'");
    fails(&mut s, "t2", "UPDATE doctors SET on_call = false WHERE name = 'bob'", "40P01");
    assert_eq!(s.result("t1").unwrap().tag.to_string(), "UPDATE 1");
}

#[test]
fn lost_update_is_an_upgrade_deadlock() {
    let mut s =
        scenario("CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO c VALUES (1, 0);", &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT n FROM c WHERE id = 1")), 0);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT n FROM c WHERE id = 1")), 0);
    waits(&mut s, "t1", "UPDATE c SET n = 1 WHERE id = 1");
    fails(&mut s, "t2", "UPDATE c SET n = 1 WHERE id = 1", "40P01");
    assert_eq!(s.result("t1").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t1", "COMMIT");
}

#[test]
fn an_index_range_blocks_inserts_into_it_but_not_beyond_its_next_key() {
    let setup = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, m INTEGER); CREATE INDEX t_k ON t (k);
        INSERT INTO t VALUES (1, 10, 10), (2, 20, 20), (3, 30, 30), (4, 40, 40);";
    let mut s = scenario(setup, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE k BETWEEN 10 AND 20")), 2);
    // Beyond the key that ends the range (30): not locked.
    ok(&mut s, "t2", "INSERT INTO t VALUES (5, 35, 0)");
    // Inside the range: waits for t1's gap lock.
    assert_eq!(waits(&mut s, "t2", "INSERT INTO t VALUES (6, 15, 0)"), vec!["t1".to_string()]);
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "INSERT 0 1");
}

#[test]
fn without_an_index_a_range_read_locks_the_whole_table() {
    let setup = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, m INTEGER); CREATE INDEX t_k ON t (k);
        INSERT INTO t VALUES (1, 10, 10), (2, 20, 20), (3, 30, 30), (4, 40, 40);";
    let mut s = scenario(setup, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE m BETWEEN 10 AND 20")), 2);
    // m has no index: even an insert far from the range waits.
    waits(&mut s, "t2", "INSERT INTO t VALUES (9, 99, 99)");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "INSERT 0 1");
}

#[test]
fn an_empty_range_and_the_gap_after_the_last_key_are_locked() {
    let mut s =
        scenario("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER); CREATE INDEX t_k ON t (k);", &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE k > 100")), 0);
    waits(&mut s, "t2", "INSERT INTO t VALUES (1, 500)");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "INSERT 0 1");
    ok(&mut s, "t2", "COMMIT");

    ok(&mut s, "t1", "BEGIN");
    ok(&mut s, "t2", "BEGIN");
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE id > 1")), 0);
    waits(&mut s, "t2", "INSERT INTO t VALUES (2, 0)");
    ok(&mut s, "t1", "ROLLBACK");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "INSERT 0 1");
}

#[test]
fn two_inserters_into_an_empty_range_both_read_deadlock() {
    let mut s =
        scenario("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER); CREATE INDEX t_k ON t (k);", &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE k BETWEEN 1 AND 10")), 0);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT count(*) FROM t WHERE k BETWEEN 1 AND 10")), 0);
    waits(&mut s, "t1", "INSERT INTO t VALUES (1, 5)");
    let err = fails(&mut s, "t2", "INSERT INTO t VALUES (2, 6)", "40P01");
    // The explanation names the cycle: both transactions and the gaps they wait on.
    let detail = err.detail().unwrap();
    assert!(detail.contains("insert intention lock on gap"), "{detail}");
    assert_eq!(s.result("t1").unwrap().tag.to_string(), "INSERT 0 1");
}

#[test]
fn an_update_moving_a_row_into_a_locked_range_waits() {
    let setup = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER); CREATE INDEX t_k ON t (k);
        INSERT INTO t VALUES (1, 10), (2, 50), (3, 90);";
    let mut s = scenario(setup, &["t1", "t2"]);
    assert_eq!(int(&ok(&mut s, "t1", "SELECT count(*) FROM t WHERE k BETWEEN 5 AND 20")), 1);
    waits(&mut s, "t2", "UPDATE t SET k = 15 WHERE id = 3");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
}

#[test]
fn reads_see_the_latest_committed_version_and_wait_for_writers() {
    let mut s = scenario("CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO c VALUES (1, 0);", &["t1"]);
    s.session("w");
    ok(&mut s, "w", "BEGIN ISOLATION LEVEL READ COMMITTED");
    ok(&mut s, "w", "UPDATE c SET n = 7 WHERE id = 1");
    // The writer holds the row's X lock: the 2PL reader waits, then reads what it committed.
    waits(&mut s, "t1", "SELECT n FROM c WHERE id = 1");
    ok(&mut s, "w", "COMMIT");
    assert_eq!(int(&s.result("t1").unwrap()), 7);
}

#[test]
fn a_four_transaction_cycle_has_one_victim_and_the_others_finish() {
    let setup =
        "CREATE TABLE r (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO r VALUES (1, 0), (2, 0), (3, 0), (4, 0);";
    let names = ["t1", "t2", "t3", "t4"];
    let mut s = scenario(setup, &names);
    for (i, name) in names.iter().enumerate() {
        ok(&mut s, name, &format!("UPDATE r SET n = n + 1 WHERE id = {}", i + 1));
    }
    for (i, name) in names.iter().take(3).enumerate() {
        waits(&mut s, name, &format!("UPDATE r SET n = n + 1 WHERE id = {}", i + 2));
    }
    // t4's request closes the cycle t1 -> t2 -> t3 -> t4 -> t1: it is the only victim.
    fails(&mut s, "t4", "UPDATE r SET n = n + 1 WHERE id = 1", "40P01");
    assert_eq!(s.result("t3").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t3", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t2", "COMMIT");
    assert_eq!(s.result("t1").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t1", "COMMIT");
    ok(&mut s, "t4", "ROLLBACK");
    let r = ok(&mut s, "t4", "SELECT sum(n) FROM r");
    assert_eq!(int(&r), 6);
    ok(&mut s, "t4", "COMMIT");
    // Every lock of every transaction is gone: the lock table is empty again.
    assert_eq!(s.database().locks_held(), vec![]);
}

#[test]
fn a_long_wait_without_a_cycle_is_not_aborted() {
    let mut s = scenario(
        "CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO c VALUES (1, 0);",
        &["t1", "t2", "t3"],
    );
    ok(&mut s, "t1", "UPDATE c SET n = 1 WHERE id = 1");
    waits(&mut s, "t2", "UPDATE c SET n = 2 WHERE id = 1");
    waits(&mut s, "t3", "UPDATE c SET n = 3 WHERE id = 1");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!s.has_completed("t2") && !s.has_completed("t3"));
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t2", "COMMIT");
    assert_eq!(s.result("t3").unwrap().tag.to_string(), "UPDATE 1");
}

#[test]
fn read_skew_is_prevented_the_writer_waits_for_the_reader() {
    let mut s = scenario(
        "CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO c VALUES (1, 0), (2, 0);",
        &["t1", "t2"],
    );
    assert_eq!(int(&ok(&mut s, "t1", "SELECT n FROM c WHERE id = 1")), 0);
    waits(&mut s, "t2", "UPDATE c SET n = n + 5 WHERE id = 1");
    // t1 reads the second row of the pair t2 wants to change together: still consistent.
    assert_eq!(int(&ok(&mut s, "t1", "SELECT n FROM c WHERE id = 2")), 0);
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t2", "UPDATE c SET n = n - 5 WHERE id = 2");
    ok(&mut s, "t2", "COMMIT");
}

#[test]
fn the_read_only_anomaly_cannot_happen_the_deposit_waits_for_the_withdrawal() {
    // Fekete, O'Neil and O'Neil: X = checking, Y = savings, both 0. T2 reads both (a withdrawal
    // would cost a penalty), T1 deposits into Y, T3 reports both, T2 withdraws.
    let setup =
        "CREATE TABLE bank (name TEXT PRIMARY KEY, balance INTEGER); INSERT INTO bank VALUES ('x', 0), ('y', 0);";
    let mut s = scenario(setup, &["t1", "t2", "t3"]);
    assert_eq!(int(&ok(&mut s, "t2", "SELECT sum(balance) FROM bank")), 0);
    // T2's S locks make the deposit wait: T1 cannot commit before T2 ends.
    waits(&mut s, "t1", "UPDATE bank SET balance = balance + 20 WHERE name = 'y'");
    // T3 sees neither the deposit nor the withdrawal: the serial order T3, T2, T1. (It reads by
    // key: a whole-table read would queue behind T1's waiting table lock.)
    assert_eq!(int(&ok(&mut s, "t3", "SELECT balance FROM bank WHERE name = 'x'")), 0);
    assert_eq!(int(&ok(&mut s, "t3", "SELECT balance FROM bank WHERE name = 'y'")), 0);
    ok(&mut s, "t3", "COMMIT");
    ok(&mut s, "t2", "UPDATE bank SET balance = balance - 11 WHERE name = 'x'");
    ok(&mut s, "t2", "COMMIT");
    assert_eq!(s.result("t1").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t1", "COMMIT");
}
