//! The two engines behind two small traits, so that every workload is written once and both
//! engines run the same SQL text with the same parameters.
//!
//! * [`Table`]: the single-table workloads on `t (id, k, v)`. Each method prepares its
//!   statement (untimed), then times the loop that runs it, and returns what the statement
//!   returned or affected so that the caller can check it.
//! * [`Session`]: one connection running multi-statement transactions (the bank transfer and the
//!   isolation workloads), with [`in_transaction`], the retry loop both engines share.
//!
//! Set-up of each engine (in memory on both sides; SQLite has nothing to make durable either):
//!
//! | | isolde | SQLite (`rusqlite`, `bundled`) |
//! |---|---|---|
//! | database | `Database::open_in_memory()` | `:memory:`, `journal_mode=MEMORY`, `synchronous=OFF` |
//! | several threads | one `Connection` per thread on one `Database` | shared cache, `file:NAME?mode=memory&cache=shared`, one connection per thread |
//! | transaction | `BEGIN` at the session's default level | `BEGIN IMMEDIATE` (one writer at a time) |
//! | retried errors | `Error::is_retryable()` (40001, 40P01) | `SQLITE_BUSY`, `SQLITE_LOCKED` |

pub mod isolde;
pub mod sqlite;

use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::data::{Checksum, DataRow};

/// Which engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Isolde,
    Sqlite,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Isolde => "isolde",
            Engine::Sqlite => "sqlite",
        }
    }

    /// The order the engines run in during run number `run`: alternating, so that neither
    /// always runs first (on a warmer or a more loaded machine).
    pub fn order(run: usize) -> [Engine; 2] {
        if run.is_multiple_of(2) {
            [Engine::Isolde, Engine::Sqlite]
        } else {
            [Engine::Sqlite, Engine::Isolde]
        }
    }
}

/// How long a timed loop took, and what it saw: rows returned and checksum for queries, rows
/// affected (in `rows`) for writes.
#[derive(Clone, Copy, Debug)]
pub struct Timed {
    pub elapsed: Duration,
    pub seen: Checksum,
}

/// Times `body`, which returns what it saw.
pub fn timed(body: impl FnOnce() -> Result<Checksum>) -> Result<Timed> {
    let start = Instant::now();
    let seen = body()?;
    Ok(Timed { elapsed: start.elapsed(), seen })
}

/// A new value for one column of one row: `UPDATE ... SET col = $1 WHERE id = $2`.
#[derive(Clone, Debug)]
pub enum NewValue {
    Int(i64),
    Text(String),
}

/// A value of a result row, for checks (untimed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// One in-memory database of one engine, holding table `t`.
pub trait Table {
    /// Inserts `rows` with the prepared [`INSERT`](crate::workloads::table::INSERT), all in one
    /// transaction (`BEGIN` ... `COMMIT`) when `one_transaction`, else each in its own
    /// (autocommit). `seen.rows` is the number of rows inserted.
    fn insert_rows(&mut self, rows: &[DataRow], one_transaction: bool) -> Result<Timed>;
    /// Runs the prepared statement `sql` (`$1` = the new value, `$2` = the id) once per
    /// `(id, value)`, each in its own transaction. `seen.rows` is the number of rows affected.
    fn update_each(&mut self, sql: &str, updates: &[(i64, NewValue)]) -> Result<Timed>;
    /// Runs the prepared query `sql` once per key (bound to `$1`) and reads every row.
    fn query_each(&mut self, sql: &str, keys: &[i64]) -> Result<Timed>;
    /// Runs the prepared query `sql` (no parameters) `times` times and reads every row.
    fn query_repeat(&mut self, sql: &str, times: usize) -> Result<Timed>;
    /// Runs the query `text(key)`, SQL text with the key in it, once per key, and reads every
    /// row: each call parses the statement again unless the engine caches it by its text.
    fn query_each_text(&mut self, text: fn(i64) -> String, keys: &[i64]) -> Result<Timed>;
    /// The first row of query `sql` with parameters `params` (for checks, untimed).
    fn first_row(&mut self, sql: &str, params: &[i64]) -> Result<Vec<Cell>>;
}

/// Why a statement of a transaction failed.
#[derive(Debug)]
pub enum TxError {
    /// A conflict the engine resolves by aborting one transaction: run it again.
    Retry,
    /// Anything else: the benchmark stops with this message.
    Fatal(anyhow::Error),
}

impl From<anyhow::Error> for TxError {
    fn from(e: anyhow::Error) -> Self {
        TxError::Fatal(e)
    }
}

/// One connection that runs transactions of several statements with integer parameters.
pub trait Session: Send {
    /// Starts a transaction (read only when `read_only`, where the engine has such a thing).
    fn begin(&mut self, read_only: bool) -> Result<(), TxError>;
    fn commit(&mut self) -> Result<(), TxError>;
    /// Ends the transaction, if one is open, without committing it.
    fn rollback(&mut self) -> Result<(), TxError>;
    /// Runs a statement; returns the rows it affected.
    fn execute(&mut self, sql: &str, params: &[i64]) -> Result<u64, TxError>;
    /// Runs a query that returns one integer (or NULL, read as 0).
    fn query_i64(&mut self, sql: &str, params: &[i64]) -> Result<i64, TxError>;
}

/// How many times a transaction may be tried before the benchmark gives up (a livelock or
/// starvation would otherwise hang it).
const MAX_ATTEMPTS: u32 = 10_000;

/// Runs `body` in a transaction on `session` until it commits: on a retryable error the
/// transaction is rolled back and run again after a short pause. Returns the body's result and
/// how many attempts were aborted.
pub fn in_transaction<S: Session, T>(
    session: &mut S,
    read_only: bool,
    mut body: impl FnMut(&mut S) -> Result<T, TxError>,
) -> Result<(T, u32)> {
    let mut aborted = 0;
    loop {
        let attempt = session.begin(read_only).and_then(|()| body(session)).and_then(|value| {
            session.commit()?;
            Ok(value)
        });
        match attempt {
            Ok(value) => return Ok((value, aborted)),
            Err(TxError::Retry) => {
                if let Err(TxError::Fatal(e)) = session.rollback() {
                    return Err(e.context("ROLLBACK after a conflict failed"));
                }
                aborted += 1;
                if aborted >= MAX_ATTEMPTS {
                    bail!("a transaction was aborted {aborted} times in a row: giving up");
                }
                pause(aborted);
            }
            Err(TxError::Fatal(e)) => {
                let _ = session.rollback();
                return Err(e);
            }
        }
    }
}

/// The pause before retrying after `aborted` aborts: give the other thread the core for the
/// first few, then sleep 10 us doubling up to about 0.6 ms, so that two threads that keep
/// colliding fall out of step. The same for both engines.
fn pause(aborted: u32) {
    if aborted <= 3 {
        std::thread::yield_now();
    } else {
        std::thread::sleep(Duration::from_micros(10 << (aborted - 4).min(6)));
    }
}
