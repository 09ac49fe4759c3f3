//! isolde alone, at each isolation level: what each level costs in throughput and in aborted
//! transactions. Two threads, one `Connection` each, every transaction retried until it commits
//! ([`in_transaction`]); abort rate = aborted attempts / committed transactions.
//!
//! * `iso_bank_uniform`: the bank transfer of [`bank`] between any two of 10,000 accounts.
//! * `iso_bank_hot10`: the same, both accounts among the first 10 (a hot set): conflicts.
//! * `iso_sibench`: SIBENCH (Cahill; Ports and Grittner, VLDB 2012): one table of
//!   1,000 rows; half the transactions update the value of one random row
//!   (`UPDATE sibench SET value = $1 WHERE id = $2`), half read the whole table for the
//!   smallest value (`SELECT min(value) FROM sibench`, in a `READ ONLY` transaction).
//! * `iso_bank_audit`: one thread makes transfers while the other audits until it is done: a
//!   `READ ONLY` transaction that sums the balances in two statements (`id <= 5000`, then
//!   `id > 5000`) and compares the total with what the accounts started with. SNAPSHOT, TWO
//!   PHASE LOCKING and SERIALIZABLE must always see the right total (checked); READ COMMITTED
//!   takes a new snapshot per statement and may not (counted, not checked).
//!
//! Every level runs the same statements; within a run the levels take turns, in an order that
//! rotates from run to run.

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{ensure, Result};
use isolde::{Database, IsolationLevel};

use super::bank::{self, Transfer};
use super::{rate, run_threads, Config};
use crate::engines::isolde::IsoldeSession;
use crate::engines::{in_transaction, Session, TxError};
use crate::report::{Audits, LevelResult, Results};
use crate::rng::Rng;

pub const LEVELS: [IsolationLevel; 4] = [
    IsolationLevel::ReadCommitted,
    IsolationLevel::Snapshot,
    IsolationLevel::TwoPhaseLocking,
    IsolationLevel::Serializable,
];

const SIBENCH_CREATE: &str = "CREATE TABLE sibench (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)";
const SIBENCH_INSERT: &str = "INSERT INTO sibench (id, value) VALUES ($1, $2)";
const SIBENCH_UPDATE: &str = "UPDATE sibench SET value = $1 WHERE id = $2";
const SIBENCH_MIN: &str = "SELECT min(value) FROM sibench";
const SIBENCH_COUNT: &str = "SELECT count(*) FROM sibench";
const AUDIT_LOW: &str = "SELECT sum(balance) FROM accounts WHERE id <= $1";
const AUDIT_HIGH: &str = "SELECT sum(balance) FROM accounts WHERE id > $1";

/// The isolation workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    BankUniform,
    BankHot,
    Sibench,
    BankAudit,
}

pub const WORKLOADS: [Workload; 4] = [Workload::BankUniform, Workload::BankHot, Workload::Sibench, Workload::BankAudit];

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Workload::BankUniform => "iso_bank_uniform",
            Workload::BankHot => "iso_bank_hot10",
            Workload::Sibench => "iso_sibench",
            Workload::BankAudit => "iso_bank_audit",
        }
    }
}

/// Sizes and counts of the isolation workloads.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub accounts: i64,
    pub hot: i64,
    pub transfers_per_thread: usize,
    pub hot_transfers_per_thread: usize,
    pub sibench_rows: i64,
    pub sibench_per_thread: usize,
    pub audit_transfers: usize,
}

pub fn scale(config: &Config) -> Scale {
    if config.quick {
        Scale {
            accounts: 1_000,
            hot: 10,
            transfers_per_thread: 300,
            hot_transfers_per_thread: 300,
            sibench_rows: 100,
            sibench_per_thread: 300,
            audit_transfers: 300,
        }
    } else {
        Scale {
            accounts: 10_000,
            hot: 10,
            transfers_per_thread: 30_000,
            hot_transfers_per_thread: 20_000,
            sibench_rows: 1_000,
            sibench_per_thread: 6_000,
            audit_transfers: 30_000,
        }
    }
}

/// What one run of one workload at one level did.
struct Outcome {
    committed: u64,
    aborted: u64,
    audits: Option<Audits>,
}

/// What one thread did.
#[derive(Default)]
struct Tally {
    committed: u64,
    aborted: u64,
    audits: u64,
    wrong_totals: u64,
}

impl Tally {
    fn count(&mut self, aborted: u32) {
        self.committed += 1;
        self.aborted += u64::from(aborted);
    }
}

/// Runs the selected isolation workloads at every level and adds the results to `results`.
pub fn run(config: &Config, results: &mut Results) -> Result<()> {
    let scale = scale(config);
    for workload in WORKLOADS.into_iter().filter(|w| config.selects(w.name())) {
        let rows = match workload {
            Workload::Sibench => scale.sibench_rows,
            _ => scale.accounts,
        } as usize;
        let mut by_level: Vec<LevelResult> =
            LEVELS.iter().map(|&l| LevelResult::new(workload.name(), rows, l)).collect();
        for run in 0..config.runs {
            for i in 0..LEVELS.len() {
                let result = &mut by_level[(i + run) % LEVELS.len()];
                let db = Database::open_in_memory();
                let sessions = (0..2).map(|_| IsoldeSession::new(&db, result.level)).collect::<Result<Vec<_>>>()?;
                let (outcome, elapsed) = match workload {
                    Workload::BankUniform => {
                        bank_transfers(sessions, &scale, scale.accounts, scale.transfers_per_thread)?
                    }
                    Workload::BankHot => bank_transfers(sessions, &scale, scale.hot, scale.hot_transfers_per_thread)?,
                    Workload::Sibench => sibench(sessions, &scale)?,
                    Workload::BankAudit => audit(sessions, &scale, result.level)?,
                };
                let ops_per_s = rate(outcome.committed, elapsed);
                let abort_rate = outcome.aborted as f64 / outcome.committed as f64;
                result.push(ops_per_s, abort_rate, outcome.audits);
                eprintln!(
                    "{:>24} {:>5} run {}/{}: {} txn/s, abort rate {:.4}",
                    workload.name(),
                    result.level.short_name(),
                    run + 1,
                    config.runs,
                    crate::report::human(ops_per_s),
                    abort_rate
                );
            }
        }
        results.levels.extend(by_level);
    }
    Ok(())
}

type Measured = (Outcome, std::time::Duration);

/// Two threads of transfers between accounts `1..=among`.
fn bank_transfers(mut sessions: Vec<IsoldeSession>, scale: &Scale, among: i64, per_thread: usize) -> Result<Measured> {
    bank::create_accounts(&mut sessions[0], scale.accounts)?;
    let lists: Vec<Vec<Transfer>> =
        (0..2).map(|i| bank::transfers(&format!("iso_bank/{among}/{i}"), per_thread, among)).collect();
    let (elapsed, tallies, mut sessions) = run_threads(sessions, |i, session| {
        let mut tally = Tally::default();
        make_transfers(session, &lists[i], &mut tally)?;
        Ok(tally)
    })?;
    bank::check_total(&mut sessions[0], scale.accounts)?;
    Ok((outcome(&tallies, false), elapsed))
}

/// Two threads of SIBENCH transactions, each an update or a scan with even odds.
fn sibench(mut sessions: Vec<IsoldeSession>, scale: &Scale) -> Result<Measured> {
    let n = scale.sibench_rows;
    let setup = &mut sessions[0];
    setup.execute(SIBENCH_CREATE, &[]).map_err(bank::fatal)?;
    let mut rng = Rng::from_label("iso_sibench/values");
    in_transaction(setup, false, |s| {
        for id in 1..=n {
            s.execute(SIBENCH_INSERT, &[id, rng.between(0, 1_000_000)])?;
        }
        Ok(())
    })?;
    // An update as (id, value); a scan as None.
    let lists: Vec<Vec<Option<(i64, i64)>>> = (0..2)
        .map(|i| {
            let mut rng = Rng::from_label(&format!("iso_sibench/{i}"));
            (0..scale.sibench_per_thread)
                .map(|_| (rng.below(2) == 0).then(|| (rng.between(1, n), rng.between(0, 1_000_000))))
                .collect()
        })
        .collect();
    let (elapsed, tallies, mut sessions) = run_threads(sessions, |i, session| {
        let mut tally = Tally::default();
        for op in &lists[i] {
            let ((), aborted) = match *op {
                Some((id, value)) => {
                    in_transaction(session, false, |s| match s.execute(SIBENCH_UPDATE, &[value, id])? {
                        1 => Ok(()),
                        n => Err(TxError::Fatal(anyhow::anyhow!("a SIBENCH update affected {n} rows"))),
                    })?
                }
                None => in_transaction(session, true, |s| match s.query_i64(SIBENCH_MIN, &[])? {
                    min if (0..=1_000_000).contains(&min) => Ok(()),
                    min => Err(TxError::Fatal(anyhow::anyhow!("SIBENCH minimum {min} is out of range"))),
                })?,
            };
            tally.count(aborted);
        }
        Ok(tally)
    })?;
    let count = sessions[0].query_i64(SIBENCH_COUNT, &[]).map_err(bank::fatal)?;
    ensure!(count == n, "sibench holds {count} rows, not {n}");
    Ok((outcome(&tallies, false), elapsed))
}

/// Thread 0 makes transfers; thread 1 audits the total until thread 0 is done.
fn audit(mut sessions: Vec<IsoldeSession>, scale: &Scale, level: IsolationLevel) -> Result<Measured> {
    bank::create_accounts(&mut sessions[0], scale.accounts)?;
    let transfers = bank::transfers("iso_bank_audit", scale.audit_transfers, scale.accounts);
    let expected = scale.accounts * bank::INITIAL_BALANCE;
    let half = scale.accounts / 2;
    let done = AtomicBool::new(false);
    let (elapsed, tallies, mut sessions) = run_threads(sessions, |i, session| {
        let mut tally = Tally::default();
        if i == 0 {
            let result = make_transfers(session, &transfers, &mut tally);
            done.store(true, Ordering::Release);
            result?;
        } else {
            while !done.load(Ordering::Acquire) || tally.audits == 0 {
                let (total, aborted) = in_transaction(session, true, |s| {
                    Ok(s.query_i64(AUDIT_LOW, &[half])? + s.query_i64(AUDIT_HIGH, &[half])?)
                })?;
                tally.count(aborted);
                tally.audits += 1;
                tally.wrong_totals += u64::from(total != expected);
            }
        }
        Ok(tally)
    })?;
    bank::check_total(&mut sessions[0], scale.accounts)?;
    let outcome = outcome(&tallies, true);
    let wrong = outcome.audits.map_or(0, |a| a.wrong);
    ensure!(
        level == IsolationLevel::ReadCommitted || wrong == 0,
        "{wrong} audits at {} saw a wrong total",
        level.name()
    );
    Ok((outcome, elapsed))
}

fn make_transfers(session: &mut IsoldeSession, list: &[Transfer], tally: &mut Tally) -> Result<()> {
    for &t in list {
        tally.count(bank::transfer(session, t)?);
    }
    Ok(())
}

fn outcome(tallies: &[Tally], with_audits: bool) -> Outcome {
    let sum = |f: fn(&Tally) -> u64| tallies.iter().map(f).sum::<u64>();
    Outcome {
        committed: sum(|t| t.committed),
        aborted: sum(|t| t.aborted),
        audits: with_audits.then(|| Audits { count: sum(|t| t.audits), wrong: sum(|t| t.wrong_totals) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::sqlite;

    #[test]
    fn sqlite_would_bind_every_parameter_where_isolde_does() {
        let conn = sqlite::open_private().unwrap();
        conn.execute_batch(&format!(
            "{SIBENCH_CREATE}; CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER)"
        ))
        .unwrap();
        for sql in [SIBENCH_INSERT, SIBENCH_UPDATE, SIBENCH_MIN, SIBENCH_COUNT, AUDIT_LOW, AUDIT_HIGH] {
            sqlite::prepare_checked(&conn, sql).unwrap();
        }
    }
}
