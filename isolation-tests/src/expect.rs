//! Assertions for step-by-step scenarios: a step succeeds, waits, or fails with a SQLSTATE.
//! Each panics with the session, the statement and what happened instead.

use isolde::{Error, StatementResult, Value};

use crate::session::{Outcome, Scenario};

/// Runs `sql` on `session`; it must complete successfully.
#[track_caller]
pub fn ok(s: &mut Scenario, session: &str, sql: &str) -> StatementResult {
    match s.step(session, sql) {
        Outcome::Done(Ok(r)) => r,
        other => panic!("{session}: {sql}: expected success, got {other:?}"),
    }
}

/// Runs `sql` on `session`; it must wait. Returns the sessions it waits for.
#[track_caller]
pub fn waits(s: &mut Scenario, session: &str, sql: &str) -> Vec<String> {
    match s.step(session, sql) {
        Outcome::Waiting(blockers) => blockers,
        other => panic!("{session}: {sql}: expected to wait, got {other:?}"),
    }
}

/// Runs `sql` on `session`; it must fail with `sqlstate`. Returns the error.
#[track_caller]
pub fn fails(s: &mut Scenario, session: &str, sql: &str, sqlstate: &str) -> Error {
    match s.step(session, sql) {
        Outcome::Done(Err(e)) => {
            assert_eq!(e.sqlstate(), sqlstate, "{session}: {sql}: {e}");
            e
        }
        other => panic!("{session}: {sql}: expected {sqlstate}, got {other:?}"),
    }
}

/// The integers of a one-column result.
pub fn ints(r: &StatementResult) -> Vec<i64> {
    r.rows
        .iter()
        .map(|row| match row[0] {
            Value::Integer(i) => i,
            ref other => panic!("not an integer: {other:?}"),
        })
        .collect()
}

/// The single integer of a one-row, one-column result.
pub fn int(r: &StatementResult) -> i64 {
    match ints(r).as_slice() {
        [i] => *i,
        other => panic!("expected one integer, got {other:?}"),
    }
}
