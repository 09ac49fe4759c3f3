//! The serializability oracle: was a permutation's outcome that of some serial execution?
//!
//! In a spec every session runs one transaction: its setup (usually `BEGIN`) and its steps,
//! the last of which ends it. After a permutation ran, the oracle takes the sessions that
//! committed, and for every order of them re-runs them one after the other, alone, on a fresh
//! database with the spec's setup. The permutation is **serializable** if for some order
//!
//! * every step of every committed session that returned rows returned the same rows as in
//!   the permutation (what the committed transactions read), and
//! * the final contents of every table are the same (what they wrote).
//!
//! Aborted sessions are left out: what they read does not matter, and their writes are gone.
//! With k committed sessions there are k! orders; specs have at most a handful of sessions.

use std::collections::BTreeMap;

use isolde::{Database, StatementResult, Value};

use super::parse::Spec;

/// Every table's rows, sorted, by table name: the state to compare.
pub type State = BTreeMap<String, Vec<Vec<Value>>>;

/// The rows each step of each session returned: session -> step -> rows (None when the step
/// returned no rows or failed).
pub type Reads = BTreeMap<String, Vec<(String, Option<Vec<Vec<Value>>>)>>;

/// The committed state of `db`.
pub fn dump(db: &Database) -> State {
    let conn = db.connect();
    db.table_names()
        .into_iter()
        .map(|table| {
            let mut rows: Vec<Vec<Value>> = conn
                .query(&format!("SELECT * FROM \"{table}\""), ())
                .map(|r| r.into_iter().map(|row| row.into_values()).collect())
                .unwrap_or_default();
            rows.sort();
            (table, rows)
        })
        .collect()
}

/// The rows a step's result holds, for comparison.
pub fn rows_of(result: &Result<StatementResult, isolde::Error>) -> Option<Vec<Vec<Value>>> {
    match result {
        Ok(r) if r.returns_rows() => Some(r.rows.clone()),
        _ => None,
    }
}

/// Runs the `sessions` of `spec` one after the other, alone, on a fresh database.
fn run_serially(spec: &Spec, sessions: &[&str]) -> (Reads, State) {
    let db = Database::open_in_memory();
    let setup = db.connect();
    for sql in &spec.setup {
        // The spec's setup already ran once in the permutation; it cannot fail here.
        let _ = setup.execute_batch(sql);
    }
    let mut reads = Reads::new();
    for name in sessions {
        let Some(session) = spec.sessions.iter().find(|s| s.name == *name) else { continue };
        let conn = db.connect();
        for sql in &session.setup {
            let _ = conn.run(sql);
        }
        let steps = session.steps.iter().map(|step| (step.name.clone(), rows_of(&conn.run(&step.sql)))).collect();
        reads.insert(session.name.clone(), steps);
        for sql in &session.teardown {
            let _ = conn.run(sql);
        }
    }
    (reads, dump(&db))
}

/// Whether the observed reads of the `committed` sessions and the observed final `state`
/// equal those of some serial execution of those sessions.
pub fn is_serializable(spec: &Spec, committed: &[String], observed: &Reads, state: &State) -> bool {
    let mut order: Vec<&str> = committed.iter().map(String::as_str).collect();
    order.sort_unstable();
    loop {
        let (reads, serial_state) = run_serially(spec, &order);
        let reads_match = committed.iter().all(|s| {
            let seen = observed.get(s).map(Vec::as_slice).unwrap_or(&[]);
            let serial = reads.get(s).map(Vec::as_slice).unwrap_or(&[]);
            // Compare only the steps that returned rows in the permutation.
            seen.iter().all(|(step, rows)| {
                rows.is_none()
                    || serial.iter().any(|(serial_step, serial_rows)| serial_step == step && serial_rows == rows)
            })
        });
        if reads_match && &serial_state == state {
            return true;
        }
        if !next_permutation(&mut order) {
            return false;
        }
    }
}

/// Rearranges `items` into the next permutation in lexicographic order; false after the last.
fn next_permutation<T: Ord>(items: &mut [T]) -> bool {
    let Some(i) = (1..items.len()).rev().find(|&i| items[i - 1] < items[i]) else { return false };
    let j = (i..items.len()).rev().find(|&j| items[i - 1] < items[j]).expect("a larger element exists");
    items.swap(i - 1, j);
    items[i..].reverse();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_in_order() {
        let mut v = vec![1, 2, 3];
        let mut seen = vec![v.clone()];
        while next_permutation(&mut v) {
            seen.push(v.clone());
        }
        assert_eq!(seen.len(), 6);
        assert_eq!(seen.last(), Some(&vec![3, 2, 1]));
    }
}
