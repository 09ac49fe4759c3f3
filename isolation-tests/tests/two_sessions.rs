//! Two sessions, step by step, at READ COMMITTED and SNAPSHOT: the behaviour PostgreSQL shows
//! (Hermitage's tests, and the EvalPlanQual examples of PostgreSQL's documentation).

use isolation_tests::expect::{self, fails, ints, ok};
use isolation_tests::{Outcome, Scenario};

/// A scenario with sessions t1 and t2 and a table `test (id, value)` holding (1, 10), (2, 20).
fn scenario(level: &str) -> Scenario {
    let mut s = Scenario::new();
    s.setup("CREATE TABLE test (id INTEGER PRIMARY KEY, value INTEGER); INSERT INTO test VALUES (1, 10), (2, 20);");
    s.session("t1");
    s.session("t2");
    for t in ["t1", "t2"] {
        ok(&mut s, t, &format!("BEGIN ISOLATION LEVEL {level}"));
    }
    s
}

const LEVELS: [&str; 2] = ["READ COMMITTED", "REPEATABLE READ"];

/// `sql` on `session` waits, for `for_whom` alone.
#[track_caller]
fn waits(s: &mut Scenario, session: &str, sql: &str, for_whom: &str) {
    assert_eq!(expect::waits(s, session, sql), vec![for_whom.to_string()], "{session}: {sql}");
}

#[track_caller]
fn values(s: &mut Scenario, session: &str, sql: &str) -> Vec<i64> {
    ints(&ok(s, session, sql))
}

#[test]
fn dirty_write_waits_then_read_committed_applies_to_the_new_version() {
    let mut s = scenario("READ COMMITTED");
    ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
    waits(&mut s, "t2", "UPDATE test SET value = 12 WHERE id = 1", "t1");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t2", "COMMIT");
    assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![12]);
}

#[test]
fn dirty_write_waits_then_snapshot_isolation_fails_the_second_writer() {
    let mut s = scenario("REPEATABLE READ");
    ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
    waits(&mut s, "t2", "UPDATE test SET value = 12 WHERE id = 1", "t1");
    ok(&mut s, "t1", "COMMIT");
    let err = s.result("t2").unwrap_err();
    assert_eq!(err.sqlstate(), "40001");
    assert_eq!(err.to_string(), "could not serialize access due to concurrent update");
    assert!(err.detail().unwrap().contains("on test(id=1)"), "{:?}", err.detail());
    ok(&mut s, "t2", "ROLLBACK");
}

#[test]
fn an_aborted_first_writer_lets_the_second_proceed_at_both_levels() {
    for level in LEVELS {
        let mut s = scenario(level);
        ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
        waits(&mut s, "t2", "UPDATE test SET value = value + 1 WHERE id = 1", "t1");
        ok(&mut s, "t1", "ROLLBACK");
        assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1", "{level}");
        ok(&mut s, "t2", "COMMIT");
        assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![11], "{level}");
    }
}

#[test]
fn snapshot_isolation_fails_at_once_on_a_row_changed_after_its_snapshot() {
    let mut s = scenario("REPEATABLE READ");
    assert_eq!(values(&mut s, "t2", "SELECT value FROM test WHERE id = 1"), vec![10]);
    ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
    ok(&mut s, "t1", "COMMIT");
    fails(&mut s, "t2", "UPDATE test SET value = 12 WHERE id = 1", "40001");
}

#[test]
fn no_dirty_aborted_or_intermediate_reads_at_either_level() {
    for level in LEVELS {
        let mut s = scenario(level);
        // G1a: t1 writes and aborts; t2 never sees the write.
        ok(&mut s, "t1", "UPDATE test SET value = 101 WHERE id = 1");
        assert_eq!(values(&mut s, "t2", "SELECT value FROM test WHERE id = 1"), vec![10], "{level}");
        ok(&mut s, "t1", "ROLLBACK");
        assert_eq!(values(&mut s, "t2", "SELECT value FROM test WHERE id = 1"), vec![10], "{level}");
        ok(&mut s, "t2", "COMMIT");

        // G1b: t1 writes twice; t2 sees neither the intermediate nor (before commit) the final.
        ok(&mut s, "t1", &format!("BEGIN ISOLATION LEVEL {level}"));
        ok(&mut s, "t2", &format!("BEGIN ISOLATION LEVEL {level}"));
        ok(&mut s, "t1", "UPDATE test SET value = 101 WHERE id = 1");
        ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
        assert_eq!(values(&mut s, "t2", "SELECT value FROM test WHERE id = 1"), vec![10], "{level}");
        ok(&mut s, "t1", "COMMIT");
        let expected = if level == "READ COMMITTED" { 11 } else { 10 };
        assert_eq!(values(&mut s, "t2", "SELECT value FROM test WHERE id = 1"), vec![expected], "{level}");
        ok(&mut s, "t2", "COMMIT");
    }
}

#[test]
fn read_skew_happens_under_read_committed_only() {
    for (level, second_read) in [("READ COMMITTED", 18), ("REPEATABLE READ", 20)] {
        let mut s = scenario(level);
        assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![10]);
        ok(&mut s, "t2", "UPDATE test SET value = 12 WHERE id = 1");
        ok(&mut s, "t2", "UPDATE test SET value = 18 WHERE id = 2");
        ok(&mut s, "t2", "COMMIT");
        // Under READ COMMITTED t1 now sees 10 + 18: a total that never existed.
        assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 2"), vec![second_read], "{level}");
        ok(&mut s, "t1", "COMMIT");
    }
}

#[test]
fn lost_update_by_read_modify_write_under_read_committed_but_40001_under_snapshot() {
    for level in LEVELS {
        let mut s = scenario(level);
        assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![10]);
        assert_eq!(values(&mut s, "t2", "SELECT value FROM test WHERE id = 1"), vec![10]);
        ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
        waits(&mut s, "t2", "UPDATE test SET value = 11 WHERE id = 1", "t1");
        ok(&mut s, "t1", "COMMIT");
        let second = s.result("t2");
        if level == "READ COMMITTED" {
            assert_eq!(second.unwrap().tag.to_string(), "UPDATE 1");
            ok(&mut s, "t2", "COMMIT");
            // Two increments happened; the value went up by one: an update was lost.
            assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![11]);
        } else {
            assert_eq!(second.unwrap_err().sqlstate(), "40001");
        }
    }
}

#[test]
fn in_place_increments_never_lose_an_update_under_read_committed() {
    let mut s = scenario("READ COMMITTED");
    ok(&mut s, "t1", "UPDATE test SET value = value + 1 WHERE id = 1");
    waits(&mut s, "t2", "UPDATE test SET value = value + 1 WHERE id = 1", "t1");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
    ok(&mut s, "t2", "COMMIT");
    assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![12]);
}

#[test]
fn read_committed_rechecks_the_where_clause_on_the_newest_version() {
    // PostgreSQL's documentation example: after t1 moves 9 -> 10 and 10 -> 11, t2's
    // DELETE WHERE hits = 10 re-checks the newest version (11) and deletes nothing.
    let mut s = Scenario::new();
    s.setup("CREATE TABLE website (id INTEGER PRIMARY KEY, hits INTEGER); INSERT INTO website VALUES (1, 9), (2, 10);");
    s.session("t1");
    s.session("t2");
    ok(&mut s, "t1", "BEGIN ISOLATION LEVEL READ COMMITTED");
    ok(&mut s, "t2", "BEGIN ISOLATION LEVEL READ COMMITTED");
    ok(&mut s, "t1", "UPDATE website SET hits = hits + 1");
    waits(&mut s, "t2", "DELETE FROM website WHERE hits = 10", "t1");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "DELETE 0");
    assert_eq!(values(&mut s, "t2", "SELECT hits FROM website ORDER BY id"), vec![10, 11]);
}

#[test]
fn select_for_update_prevents_the_lost_update_under_read_committed() {
    let mut s = scenario("READ COMMITTED");
    assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1 FOR UPDATE"), vec![10]);
    waits(&mut s, "t2", "SELECT value FROM test WHERE id = 1 FOR UPDATE", "t1");
    ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
    ok(&mut s, "t1", "COMMIT");
    // t2's locking read returns the newest version: it computes from 11, not 10.
    assert_eq!(ints(&s.result("t2").unwrap()), vec![11]);
    ok(&mut s, "t2", "UPDATE test SET value = 12 WHERE id = 1");
    ok(&mut s, "t2", "COMMIT");
    assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![12]);
}

#[test]
fn write_skew_commits_at_both_levels() {
    for level in LEVELS {
        let mut s = Scenario::new();
        s.setup("CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BOOLEAN); INSERT INTO doctors VALUES ('alice', true), ('bob', true);");
        s.session("t1");
        s.session("t2");
        ok(&mut s, "t1", &format!("BEGIN ISOLATION LEVEL {level}"));
        ok(&mut s, "t2", &format!("BEGIN ISOLATION LEVEL {level}"));
        assert_eq!(values(&mut s, "t1", "SELECT count(*) FROM doctors WHERE on_call"), vec![2]);
        assert_eq!(values(&mut s, "t2", "SELECT count(*) FROM doctors WHERE on_call"), vec![2]);
        ok(&mut s, "t1", "UPDATE doctors SET on_call = false WHERE name = 'alice'");
        ok(&mut s, "t2", "UPDATE doctors SET on_call = false WHERE name = 'bob'");
        ok(&mut s, "t1", "COMMIT");
        ok(&mut s, "t2", "COMMIT");
        // Nobody is on call: each transaction kept the invariant alone, not together.
        assert_eq!(values(&mut s, "t1", "SELECT count(*) FROM doctors WHERE on_call"), vec![0], "{level}");
    }
}

#[test]
fn snapshot_is_taken_at_the_first_statement_not_at_begin() {
    let mut s = scenario("REPEATABLE READ");
    ok(&mut s, "t2", "UPDATE test SET value = 11 WHERE id = 1");
    ok(&mut s, "t2", "COMMIT");
    // t1 began before t2 committed but has run no statement yet: it sees t2's commit.
    assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 1"), vec![11]);
}

#[test]
fn a_second_inserter_of_a_key_waits_and_fails_if_the_first_commits() {
    for level in LEVELS {
        let mut s = scenario(level);
        ok(&mut s, "t1", "INSERT INTO test VALUES (3, 30)");
        waits(&mut s, "t2", "INSERT INTO test VALUES (3, 31)", "t1");
        ok(&mut s, "t1", "COMMIT");
        assert_eq!(s.result("t2").unwrap_err().sqlstate(), "23505", "{level}");
    }
}

#[test]
fn a_second_inserter_of_a_key_proceeds_if_the_first_aborts() {
    for level in LEVELS {
        let mut s = scenario(level);
        ok(&mut s, "t1", "INSERT INTO test VALUES (3, 30)");
        waits(&mut s, "t2", "INSERT INTO test VALUES (3, 31)", "t1");
        ok(&mut s, "t1", "ROLLBACK");
        assert_eq!(s.result("t2").unwrap().tag.to_string(), "INSERT 0 1", "{level}");
        ok(&mut s, "t2", "COMMIT");
        assert_eq!(values(&mut s, "t1", "SELECT value FROM test WHERE id = 3"), vec![31], "{level}");
    }
}

#[test]
fn unique_secondary_index_waits_for_an_uncommitted_inserter() {
    let mut s = Scenario::new();
    s.setup("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE);");
    s.session("t1");
    s.session("t2");
    ok(&mut s, "t1", "BEGIN");
    ok(&mut s, "t1", "INSERT INTO users VALUES (1, 'a@example.org')");
    waits(&mut s, "t2", "INSERT INTO users VALUES (2, 'a@example.org')", "t1");
    ok(&mut s, "t1", "COMMIT");
    let err = s.result("t2").unwrap_err();
    assert_eq!(err.sqlstate(), "23505");
    assert_eq!(err.detail().unwrap(), "Key (email)=(a@example.org) already exists.");
}

#[test]
fn deleting_a_key_frees_it_for_an_inserter_once_committed() {
    let mut s = scenario("READ COMMITTED");
    ok(&mut s, "t1", "DELETE FROM test WHERE id = 1");
    waits(&mut s, "t2", "INSERT INTO test VALUES (1, 99)", "t1");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "INSERT 0 1");
}

#[test]
fn a_write_deadlock_is_detected_and_the_victim_releases_its_locks() {
    for level in LEVELS {
        let mut s = scenario(level);
        ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
        ok(&mut s, "t2", "UPDATE test SET value = 21 WHERE id = 2");
        waits(&mut s, "t1", "UPDATE test SET value = 22 WHERE id = 2", "t2");
        // t2 closes the cycle: it is refused, and its transaction is aborted at once.
        let err = match s.step("t2", "UPDATE test SET value = 12 WHERE id = 1") {
            Outcome::Done(Err(e)) => e,
            other => panic!("{level}: expected a deadlock, got {other:?}"),
        };
        assert_eq!(err.sqlstate(), "40P01", "{level}");
        let detail = err.detail().unwrap();
        assert!(detail.contains("test(id=1)") && detail.contains("test(id=2)"), "{detail}");
        // t1 got the lock as soon as t2 was aborted.
        assert!(s.has_completed("t1"), "{level}");
        assert_eq!(s.result("t1").unwrap().tag.to_string(), "UPDATE 1");
        fails(&mut s, "t2", "SELECT 1", "25P02");
        assert_eq!(ok(&mut s, "t2", "COMMIT").tag.to_string(), "ROLLBACK");
        ok(&mut s, "t1", "COMMIT");
        assert_eq!(values(&mut s, "t2", "SELECT value FROM test ORDER BY id"), vec![11, 22], "{level}");
    }
}

#[test]
fn for_share_lockers_share_and_block_writers() {
    let mut s = scenario("READ COMMITTED");
    ok(&mut s, "t1", "SELECT value FROM test WHERE id = 1 FOR SHARE");
    ok(&mut s, "t2", "SELECT value FROM test WHERE id = 1 FOR SHARE");
    ok(&mut s, "t2", "COMMIT");
    ok(&mut s, "t2", "BEGIN");
    waits(&mut s, "t2", "UPDATE test SET value = 0 WHERE id = 1", "t1");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
}

#[test]
fn a_locker_that_commits_without_writing_does_not_fail_a_snapshot_writer() {
    let mut s = scenario("REPEATABLE READ");
    assert_eq!(values(&mut s, "t2", "SELECT value FROM test WHERE id = 1"), vec![10]);
    ok(&mut s, "t1", "SELECT value FROM test WHERE id = 1 FOR UPDATE");
    waits(&mut s, "t2", "UPDATE test SET value = 12 WHERE id = 1", "t1");
    ok(&mut s, "t1", "COMMIT");
    assert_eq!(s.result("t2").unwrap().tag.to_string(), "UPDATE 1");
}

#[test]
fn lock_timeout_gives_up_with_55p03() {
    let mut s = scenario("READ COMMITTED");
    ok(&mut s, "t1", "UPDATE test SET value = 11 WHERE id = 1");
    ok(&mut s, "t2", "SET lock_timeout = '50ms'");
    match s.step("t2", "UPDATE test SET value = 12 WHERE id = 1") {
        // The wait is seen before the timeout fires, or the timeout is seen: both are right.
        Outcome::Waiting(_) => assert_eq!(s.result("t2").unwrap_err().sqlstate(), "55P03"),
        Outcome::Done(r) => assert_eq!(r.unwrap_err().sqlstate(), "55P03"),
    }
}

#[test]
fn predicate_write_skew_with_inserts_commits_at_both_levels() {
    for level in LEVELS {
        let mut s = Scenario::new();
        s.setup("CREATE TABLE shifts (id INTEGER PRIMARY KEY, day INTEGER, hours INTEGER); INSERT INTO shifts VALUES (1, 1, 4);");
        s.session("t1");
        s.session("t2");
        ok(&mut s, "t1", &format!("BEGIN ISOLATION LEVEL {level}"));
        ok(&mut s, "t2", &format!("BEGIN ISOLATION LEVEL {level}"));
        assert_eq!(values(&mut s, "t1", "SELECT sum(hours) FROM shifts WHERE day = 1"), vec![4]);
        assert_eq!(values(&mut s, "t2", "SELECT sum(hours) FROM shifts WHERE day = 1"), vec![4]);
        ok(&mut s, "t1", "INSERT INTO shifts VALUES (2, 1, 4)");
        ok(&mut s, "t2", "INSERT INTO shifts VALUES (3, 1, 4)");
        ok(&mut s, "t1", "COMMIT");
        ok(&mut s, "t2", "COMMIT");
        // Each saw 4 hours and added 4: together 12, over the limit of 8 neither broke alone.
        assert_eq!(values(&mut s, "t1", "SELECT sum(hours) FROM shifts WHERE day = 1"), vec![12], "{level}");
    }
}

#[test]
fn the_read_only_anomaly_commits_at_both_levels() {
    for level in LEVELS {
        let mut s = Scenario::new();
        s.setup(
            "CREATE TABLE bank (name TEXT PRIMARY KEY, balance INTEGER); INSERT INTO bank VALUES ('x', 0), ('y', 0);",
        );
        for t in ["t1", "t2", "t3"] {
            s.session(t);
        }
        ok(&mut s, "t1", &format!("BEGIN ISOLATION LEVEL {level}"));
        ok(&mut s, "t2", &format!("BEGIN ISOLATION LEVEL {level}"));
        assert_eq!(values(&mut s, "t2", "SELECT sum(balance) FROM bank"), vec![0]);
        ok(&mut s, "t1", "UPDATE bank SET balance = balance + 20 WHERE name = 'y'");
        ok(&mut s, "t1", "COMMIT");
        ok(&mut s, "t3", &format!("BEGIN ISOLATION LEVEL {level} READ ONLY"));
        assert_eq!(values(&mut s, "t3", "SELECT balance FROM bank ORDER BY name"), vec![0, 20]);
        ok(&mut s, "t3", "COMMIT");
        // T2 charges the penalty as if the deposit had not happened, yet T3 reported the
        // deposit without the withdrawal: no serial order explains both.
        ok(&mut s, "t2", "UPDATE bank SET balance = balance - 11 WHERE name = 'x'");
        ok(&mut s, "t2", "COMMIT");
        assert_eq!(values(&mut s, "t1", "SELECT balance FROM bank ORDER BY name"), vec![-11, 20], "{level}");
    }
}
