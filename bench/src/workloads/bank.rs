//! The bank transfer, isolde against SQLite, from 1 and from 2 threads.
//!
//! ```text
//! BEGIN                                   (SQLite: BEGIN IMMEDIATE)
//! SELECT balance FROM accounts WHERE id = $1                    (from)
//! SELECT balance FROM accounts WHERE id = $1                    (to)
//! UPDATE accounts SET balance = balance - $1 WHERE id = $2      (amount, from)
//! UPDATE accounts SET balance = balance + $1 WHERE id = $2      (amount, to)
//! COMMIT
//! ```
//!
//! The updates change the balances in place, so a transfer is correct at every isolation level
//! (READ COMMITTED included): the total of all balances never changes, and the harness checks
//! it after every run. Each thread runs a fixed list of transfers (the same lists on both
//! engines), each until it commits ([`in_transaction`]); the rate is committed transfers per
//! second of wall time.
//!
//! isolde: one `Connection` per thread on one `Database`, SNAPSHOT isolation. SQLite: with one
//! thread a private in-memory database; with two, a shared-cache in-memory database with one
//! connection per thread (SQLite's only way for two connections to share an in-memory
//! database) and `BEGIN IMMEDIATE`, retried while the other connection holds the write lock.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{ensure, Result};
use isolde::{Database, IsolationLevel};

use super::{rate, run_threads, Config};
use crate::engines::isolde::IsoldeSession;
use crate::engines::sqlite::{self, SqliteSession};
use crate::engines::{in_transaction, Engine, Session, TxError};
use crate::report::{Comparison, Results};
use crate::rng::Rng;

const CREATE: &str = "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)";
const OPEN_ACCOUNT: &str = "INSERT INTO accounts (id, balance) VALUES ($1, $2)";
pub const READ: &str = "SELECT balance FROM accounts WHERE id = $1";
pub const DEBIT: &str = "UPDATE accounts SET balance = balance - $1 WHERE id = $2";
pub const CREDIT: &str = "UPDATE accounts SET balance = balance + $1 WHERE id = $2";
const TOTAL: &str = "SELECT sum(balance) FROM accounts";

/// Every account starts with this balance.
pub const INITIAL_BALANCE: i64 = 1_000;

/// One transfer.
#[derive(Clone, Copy, Debug)]
pub struct Transfer {
    pub from: i64,
    pub to: i64,
    pub amount: i64,
}

/// `count` transfers between two different accounts among `1..=among`, of 1 to 100.
pub fn transfers(label: &str, count: usize, among: i64) -> Vec<Transfer> {
    let mut rng = Rng::from_label(label);
    (0..count)
        .map(|_| {
            let from = rng.between(1, among);
            let to = (from + rng.between(1, among - 1) - 1) % among + 1;
            Transfer { from, to, amount: rng.between(1, 100) }
        })
        .collect()
}

/// Creates table `accounts` with `accounts` rows through `session`.
pub fn create_accounts<S: Session>(session: &mut S, accounts: i64) -> Result<()> {
    session.execute(CREATE, &[]).map_err(fatal)?;
    in_transaction(session, false, |s| {
        for id in 1..=accounts {
            s.execute(OPEN_ACCOUNT, &[id, INITIAL_BALANCE])?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Runs one transfer until it commits; returns how many attempts were aborted.
pub fn transfer<S: Session>(session: &mut S, t: Transfer) -> Result<u32> {
    let ((), aborted) = in_transaction(session, false, |s| {
        s.query_i64(READ, &[t.from])?;
        s.query_i64(READ, &[t.to])?;
        one_row(s.execute(DEBIT, &[t.amount, t.from])?)?;
        one_row(s.execute(CREDIT, &[t.amount, t.to])?)
    })?;
    Ok(aborted)
}

fn one_row(affected: u64) -> Result<(), TxError> {
    if affected == 1 {
        Ok(())
    } else {
        Err(TxError::Fatal(anyhow::anyhow!("an UPDATE of one account affected {affected} rows")))
    }
}

/// The sum of every balance must still be what the accounts started with.
pub fn check_total<S: Session>(session: &mut S, accounts: i64) -> Result<()> {
    let total = session.query_i64(TOTAL, &[]).map_err(fatal)?;
    ensure!(total == accounts * INITIAL_BALANCE, "the balances add up to {total}, not {}", accounts * INITIAL_BALANCE);
    Ok(())
}

/// A [`TxError`] outside a retry loop is an error like any other.
pub fn fatal(e: TxError) -> anyhow::Error {
    match e {
        TxError::Retry => anyhow::anyhow!("a conflict outside a transaction"),
        TxError::Fatal(e) => e,
    }
}

/// How many accounts, and how many transfers each thread makes.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub accounts: i64,
    pub transfers_per_thread: usize,
}

pub fn scale(config: &Config) -> Scale {
    if config.quick {
        Scale { accounts: 10_000, transfers_per_thread: 300 }
    } else {
        Scale { accounts: 10_000, transfers_per_thread: 60_000 }
    }
}

/// Runs `bank_1thread` and `bank_2threads` on both engines and adds their rates to `results`.
pub fn run(config: &Config, results: &mut Results) -> Result<()> {
    let scale = scale(config);
    for threads in [1, 2] {
        let name = if threads == 1 { "bank_1thread" } else { "bank_2threads" };
        if !config.selects(name) {
            continue;
        }
        let lists: Vec<Vec<Transfer>> = (0..threads)
            .map(|i| transfers(&format!("{name}/{i}"), scale.transfers_per_thread, scale.accounts))
            .collect();
        let mut rates = Comparison::new(name, scale.accounts as usize, "txn/s");
        for run in 0..config.runs {
            for engine in Engine::order(run) {
                let ops_per_s = match engine {
                    Engine::Isolde => {
                        let db = Database::open_in_memory();
                        let sessions = (0..threads)
                            .map(|_| IsoldeSession::new(&db, IsolationLevel::Snapshot))
                            .collect::<Result<Vec<_>>>()?;
                        measure(sessions, &lists, scale.accounts)?
                    }
                    Engine::Sqlite if threads == 1 => {
                        measure(vec![SqliteSession::new(sqlite::open_private()?)], &lists, scale.accounts)?
                    }
                    Engine::Sqlite => {
                        let name = shared_name();
                        let sessions = (0..threads)
                            .map(|_| Ok(SqliteSession::new(sqlite::open_shared(&name)?)))
                            .collect::<Result<Vec<_>>>()?;
                        measure(sessions, &lists, scale.accounts)?
                    }
                };
                rates.push(engine, ops_per_s);
                crate::report::progress(name, scale.accounts, "accts", run, config.runs, engine.name(), ops_per_s);
            }
        }
        results.comparisons.push(rates);
    }
    Ok(())
}

/// A name for a new shared-cache in-memory SQLite database.
fn shared_name() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("bank{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Creates the accounts, runs thread `i`'s transfers on `sessions[i]`, checks the total and
/// returns committed transfers per second.
fn measure<S: Session>(mut sessions: Vec<S>, lists: &[Vec<Transfer>], accounts: i64) -> Result<f64> {
    create_accounts(&mut sessions[0], accounts)?;
    let (elapsed, _, mut sessions) =
        run_threads(sessions, |i, session| lists[i].iter().try_for_each(|&t| transfer(session, t).map(drop)))?;
    check_total(&mut sessions[0], accounts)?;
    let committed: usize = lists.iter().map(Vec::len).sum();
    Ok(rate(committed as u64, elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_binds_every_parameter_where_isolde_does() {
        let conn = sqlite::open_private().unwrap();
        conn.execute(CREATE, []).unwrap();
        for sql in [OPEN_ACCOUNT, READ, DEBIT, CREDIT, TOTAL] {
            sqlite::prepare_checked(&conn, sql).unwrap();
        }
    }

    #[test]
    fn transfers_move_money_between_two_different_accounts() {
        for t in transfers("t", 1000, 10) {
            assert!(t.from != t.to && (1..=10).contains(&t.from) && (1..=10).contains(&t.to));
            assert!((1..=100).contains(&t.amount));
        }
    }
}
