//! Running a spec: every permutation, at one isolation level, into a deterministic transcript.
//!
//! Each permutation runs on a fresh database: the spec's setup, then each session is created,
//! given the level under test as its default (`SET default_transaction_isolation`), and runs
//! its own setup; then the steps in the permutation's order, one at a time, through a
//! [`Scenario`], which reports a step as waiting only when the engine's lock manager shows it
//! waiting. The transcript reads like PostgreSQL's isolation tester:
//!
//! ```text
//! starting permutation: s1r s2r s1w s2w s1c s2c
//! step s1r: SELECT count(*) FROM doctors WHERE on_call;
//! count
//! -----
//! 2
//! step s2w: UPDATE doctors SET on_call = false WHERE name = 'bob'; <waiting ...>
//! step s1c: COMMIT;
//! step s2w: <... completed>
//! ERROR 40001:  could not serialize access due to concurrent update
//! ```
//!
//! A permutation that asks a waiting session for its next step is invalid (PostgreSQL's tester
//! says the same) and stops there. Each step and setup block must hold one statement.

use std::collections::BTreeMap;
use std::fmt::Write;

use isolde::{Error, StatementResult};

use crate::session::{Outcome, Scenario};

use super::oracle::{self, rows_of, Reads};
use super::parse::Spec;

/// The four levels every spec runs under: a title for the transcript and the setting value.
pub const LEVELS: [(&str, &str); 4] = [
    ("read committed", "read committed"),
    ("snapshot", "repeatable read"),
    ("two phase locking", "two phase locking"),
    ("serializable", "serializable"),
];

/// What happened in one permutation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PermutationResult {
    pub transcript: String,
    /// Some step had to wait for a lock.
    pub blocked: bool,
    /// Some step failed with a serialization failure (40001).
    pub serialization_failure: bool,
    /// Some step failed with a deadlock (40P01).
    pub deadlock: bool,
    /// The permutation asked a waiting session for a step.
    pub invalid: bool,
    /// Whether the outcome equals some serial execution of the committed sessions (see
    /// `oracle.rs`); `None` when the permutation did not run to its end.
    pub serializable: Option<bool>,
}

/// Writes a step's result: rows as a table, an error with its SQLSTATE, and a command tag only
/// when it says something the step's SQL does not (a COMMIT that reports ROLLBACK).
fn render(out: &mut String, sql: &str, result: &Result<StatementResult, Error>) {
    match result {
        Ok(r) if r.returns_rows() => {
            let _ = writeln!(out, "{}", r.columns.join("|"));
            let _ =
                writeln!(out, "{}", r.columns.iter().map(|c| "-".repeat(c.len().max(1))).collect::<Vec<_>>().join("+"));
            for row in &r.rows {
                let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
                let _ = writeln!(out, "{}", cells.join("|"));
            }
        }
        Ok(r) => {
            let first_word = |t: &str| t.split_whitespace().next().unwrap_or("").to_uppercase();
            let tag = r.tag.to_string();
            if !tag.is_empty() && first_word(&tag) != first_word(sql) {
                let _ = writeln!(out, "{tag}");
            }
        }
        Err(e) => {
            let _ = writeln!(out, "ERROR {}:  {e}", e.sqlstate());
        }
    }
}

/// Runs `permutation` of `spec` with every session at `level` (a setting value).
pub fn run_permutation(spec: &Spec, level: &str, permutation: &[String]) -> PermutationResult {
    let mut result = PermutationResult::default();
    let out = &mut result.transcript;
    let _ = writeln!(out, "starting permutation: {}", permutation.join(" "));
    let mut s = Scenario::new();
    for sql in &spec.setup {
        s.setup(sql);
    }
    for session in &spec.sessions {
        s.session(&session.name);
        let set_level = format!("SET default_transaction_isolation = '{level}'");
        for sql in std::iter::once(&set_level).chain(&session.setup) {
            if let Outcome::Done(Err(e)) = s.step(&session.name, sql) {
                let _ = writeln!(out, "setup of {} failed: {e}", session.name);
            }
        }
    }
    // Sessions whose step waits, and the name of that step.
    let mut waiting: BTreeMap<String, String> = BTreeMap::new();
    // What each session's steps returned, and whether it failed, for the oracle.
    let mut reads = Reads::new();
    let mut last_tag: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut record = |session: &str, step: &str, r: &Result<StatementResult, Error>| {
        reads.entry(session.to_string()).or_default().push((step.to_string(), rows_of(r)));
        let failed = last_tag.get(session).is_some_and(Option::is_none);
        let tag = if failed { None } else { r.as_ref().ok().map(|r| r.tag.to_string()) };
        last_tag.insert(session.to_string(), tag);
    };
    for step_name in permutation {
        let (Some(session), Some(step)) = (spec.session_of(step_name), spec.step(step_name)) else {
            let _ = writeln!(out, "unknown step {step_name}");
            result.invalid = true;
            break;
        };
        if waiting.contains_key(&session.name) {
            let _ = writeln!(out, "invalid permutation detected");
            result.invalid = true;
            break;
        }
        match s.step(&session.name, &step.sql) {
            Outcome::Waiting(_) => {
                let _ = writeln!(out, "step {step_name}: {} <waiting ...>", step.sql);
                result.blocked = true;
                waiting.insert(session.name.clone(), step_name.clone());
            }
            Outcome::Done(r) => {
                let _ = writeln!(out, "step {step_name}: {}", step.sql);
                note_failure(&mut result.serialization_failure, &mut result.deadlock, &r);
                render(out, &step.sql, &r);
                record(&session.name, step_name, &r);
            }
        }
        let completed: Vec<String> = waiting.keys().filter(|w| s.has_completed(w)).cloned().collect();
        for session in completed {
            let step = waiting.remove(&session).expect("was waiting");
            let r = s.result(&session);
            let _ = writeln!(out, "step {step}: <... completed>");
            note_failure(&mut result.serialization_failure, &mut result.deadlock, &r);
            render(out, spec.step(&step).map_or("", |st| &st.sql), &r);
            record(&session, &step, &r);
        }
    }
    for (session, step) in &waiting {
        let _ = writeln!(out, "step {step} of {session} still waits at the end of the permutation");
    }
    if waiting.is_empty() && !result.invalid {
        // A session committed if none of its steps failed and its last one reported COMMIT.
        let committed: Vec<String> = last_tag
            .iter()
            .filter(|(_, tag)| tag.as_deref() == Some("COMMIT"))
            .map(|(session, _)| session.clone())
            .collect();
        result.serializable = Some(oracle::is_serializable(spec, &committed, &reads, &oracle::dump(s.database())));
    }
    if waiting.is_empty() {
        for session in &spec.sessions {
            for sql in &session.teardown {
                if let Outcome::Done(Err(e)) = s.step(&session.name, sql) {
                    let _ = writeln!(out, "teardown of {} failed: {e}", session.name);
                }
            }
        }
    }
    for sql in &spec.teardown {
        if let Err(e) = s.database().connect().execute_batch(sql) {
            let _ = writeln!(out, "teardown failed: {e}");
        }
    }
    result
}

fn note_failure(serialization_failure: &mut bool, deadlock: &mut bool, result: &Result<StatementResult, Error>) {
    if let Err(e) = result {
        match e.sqlstate() {
            "40001" => *serialization_failure = true,
            "40P01" => *deadlock = true,
            _ => {}
        }
    }
}
