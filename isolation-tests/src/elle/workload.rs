//! The workload: seeded random list-append transactions from several threads, recorded into a
//! [`History`].
//!
//! Each list is a row of one table, its elements a comma-separated text:
//!
//! ```text
//! CREATE TABLE lists (key INTEGER PRIMARY KEY, list TEXT NOT NULL)   -- one row per key, ''
//! append(k, v):  UPDATE lists SET list = list || ',v' WHERE key = k
//! read(k):       SELECT list FROM lists WHERE key = k                 -- ',3,9' is [3, 9]
//! ```
//!
//! Every thread has its own connection and its own generator (splitmix64, seeded from the
//! workload's seed and the thread number); the threads start together (a barrier) and each
//! runs its transactions one after another at the workload's level. A failing statement or
//! COMMIT aborts the transaction, which is recorded as aborted with the engine's error
//! (`40001: ...`), never retried. Thread `t` appends the values
//! `t * 1_000_000 + 1, + 2, ...`, unique across the run. When every thread is done, one last
//! transaction reads every key so that the checker can order every committed append.
//!
//! The seed fixes what each thread asks, not how the threads interleave: a failing seed is a
//! good start for reproducing a bug, not a guarantee. Transactions are numbered in the order
//! they completed.
//!
//! [`Mix::WriteSkew`] is built to provoke write skew: over two keys, each transaction reads
//! both and appends to one, yielding the processor between statements so that transactions
//! overlap. Two such transactions appending to different keys commit under SNAPSHOT, and each
//! has an rw edge to the other: G2-item.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::time::{Duration, Instant};

use isolde::{params, Connection, Database, Error, IsolationLevel};

use super::history::{History, Op, Outcome, Txn};

const APPEND: &str = "UPDATE lists SET list = list || $1 WHERE key = $2";
const READ: &str = "SELECT list FROM lists WHERE key = $1";

/// Which transactions the threads generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// 1..=`max_ops` operations, each a read or an append (even odds) of a random key.
    Random,
    /// Read two distinct keys, append to one of them; see the module documentation.
    WriteSkew,
}

/// What to run; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub seed: u64,
    pub threads: usize,
    pub transactions_per_thread: usize,
    pub keys: u32,
    pub max_ops: usize,
    pub level: IsolationLevel,
    pub mix: Mix,
}

impl Workload {
    /// The CI-sized random workload: 4 threads x 150 transactions of up to 4 operations over 5
    /// keys.
    pub fn random(seed: u64, level: IsolationLevel) -> Workload {
        Workload { seed, threads: 4, transactions_per_thread: 150, keys: 5, max_ops: 4, level, mix: Mix::Random }
    }

    /// The write-skew workload: 4 threads x 50 transactions over 2 keys.
    pub fn write_skew(seed: u64, level: IsolationLevel) -> Workload {
        Workload { seed, threads: 4, transactions_per_thread: 50, keys: 2, max_ops: 3, level, mix: Mix::WriteSkew }
    }

    /// How long the threads may take before the run is declared hung.
    pub fn time_limit(&self) -> Duration {
        Duration::from_secs(30) + Duration::from_millis(20) * self.transactions_per_thread as u32
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seed {} (ELLE_SEED={}), {:?}, {:?} mix, {} threads x {} transactions, {} keys, up to {} ops",
            self.seed,
            self.seed,
            self.level,
            self.mix,
            self.threads,
            self.transactions_per_thread,
            self.keys,
            self.max_ops
        )
    }
}

/// Runs `w` on a new in-memory database and returns its history. Panics, naming the workload
/// and its seed, if a thread panics or the threads do not finish within
/// [`Workload::time_limit`].
pub fn run(w: &Workload) -> History {
    assert!(w.keys >= 1 && w.max_ops >= 1 && (w.mix == Mix::Random || w.keys >= 2), "bad workload: {w}");
    assert!((w.transactions_per_thread * w.max_ops) < 1_000_000, "values would collide: {w}");
    let db = Database::open_in_memory();
    let setup = db.connect();
    setup.execute_batch("CREATE TABLE lists (key INTEGER PRIMARY KEY, list TEXT NOT NULL)").expect("create table");
    for key in 0..w.keys {
        setup.execute("INSERT INTO lists VALUES ($1, '')", params![key]).expect("insert a list");
    }

    let completed = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(w.threads));
    let (results, finished) = mpsc::channel();
    let mut seeds = Rng(w.seed);
    for thread in 0..w.threads {
        let (db, w, completed, results, start) =
            (db.clone(), w.clone(), completed.clone(), results.clone(), start.clone());
        let seed = seeds.next();
        std::thread::Builder::new()
            .name(format!("elle-{thread}"))
            .spawn(move || {
                start.wait();
                let txns = catch_unwind(AssertUnwindSafe(|| client(&db, &w, thread, Rng(seed), &completed)));
                let _ = results.send((thread, txns));
            })
            .expect("spawn a client thread");
    }
    let deadline = Instant::now() + w.time_limit();
    let mut done: Vec<(usize, Txn)> = Vec::new();
    for _ in 0..w.threads {
        match finished.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((_, Ok(txns))) => done.extend(txns),
            Ok((thread, Err(panic))) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("elle: {w}: client thread {thread} panicked: {message}");
            }
            Err(_) => panic!("elle: {w}: the clients did not finish within {:?} (a hang?)", w.time_limit()),
        }
    }

    // A last transaction reads every key, so that every committed append is ordered.
    let mut observer = db.connect();
    let reads = (0..w.keys).map(|key| Op::Read { key, list: None }).collect();
    let (ops, outcome, error) = execute(&mut observer, w.level, reads, false);
    done.push((usize::MAX, Txn { id: 0, process: w.threads, ops, outcome, error }));

    done.sort_by_key(|(seq, _)| *seq);
    History(done.into_iter().enumerate().map(|(id, (_, t))| Txn { id, ..t }).collect())
}

/// One client thread: generates and runs its transactions. Returns them with the sequence
/// number of their completion.
fn client(db: &Database, w: &Workload, thread: usize, mut rng: Rng, completed: &AtomicUsize) -> Vec<(usize, Txn)> {
    let mut conn = db.connect();
    let mut next_value = thread as u64 * 1_000_000;
    let mut txns = Vec::with_capacity(w.transactions_per_thread);
    for _ in 0..w.transactions_per_thread {
        let mut append = |key| {
            next_value += 1;
            Op::Append { key, value: next_value }
        };
        let plan = match w.mix {
            Mix::Random => (0..1 + rng.below(w.max_ops as u64))
                .map(|_| {
                    let key = rng.below(w.keys as u64) as u32;
                    if rng.below(2) == 0 {
                        Op::Read { key, list: None }
                    } else {
                        append(key)
                    }
                })
                .collect(),
            Mix::WriteSkew => {
                let x = rng.below(w.keys as u64) as u32;
                let y = (x + 1 + rng.below(w.keys as u64 - 1) as u32) % w.keys;
                let target = if rng.below(2) == 0 { x } else { y };
                vec![Op::Read { key: x, list: None }, Op::Read { key: y, list: None }, append(target)]
            }
        };
        let (ops, outcome, error) = execute(&mut conn, w.level, plan, w.mix == Mix::WriteSkew);
        let seq = completed.fetch_add(1, Ordering::SeqCst);
        txns.push((seq, Txn { id: 0, process: thread, ops, outcome, error }));
    }
    txns
}

/// Runs one transaction at `level`, filling in its reads; with `pause`, yields the processor
/// between statements. A failing statement rolls it back.
fn execute(
    conn: &mut Connection,
    level: IsolationLevel,
    mut ops: Vec<Op>,
    pause: bool,
) -> (Vec<Op>, Outcome, Option<String>) {
    let describe = |e: &Error| format!("{}: {e}", e.sqlstate());
    let tx = match conn.transaction(level) {
        Ok(tx) => tx,
        Err(e) => return (ops, Outcome::Aborted, Some(describe(&e))),
    };
    let mut failure = None;
    for (i, op) in ops.iter_mut().enumerate() {
        if pause && i > 0 {
            std::thread::yield_now();
        }
        let result = match op {
            Op::Append { key, value } => tx.execute(APPEND, params![format!(",{value}"), *key]).map(|rows| {
                assert_eq!(rows, 1, "append({key}, {value}) updated {rows} rows");
            }),
            Op::Read { key, list } => tx.query_row(READ, params![*key], |row| row.get::<String>(0)).map(|text| {
                *list = Some(parse(&text));
            }),
        };
        if let Err(e) = result {
            failure = Some(e);
            break;
        }
    }
    let result = match failure {
        Some(e) => {
            let _ = tx.rollback();
            Err(e)
        }
        None => tx.commit(),
    };
    match result {
        Ok(()) => (ops, Outcome::Committed, None),
        Err(e) => (ops, Outcome::Aborted, Some(describe(&e))),
    }
}

/// `',3,9'` is `[3, 9]`; `''` is `[]`.
fn parse(text: &str) -> Vec<u64> {
    let Some(elements) = text.strip_prefix(',') else {
        assert!(text.is_empty(), "not a list: {text:?}");
        return Vec::new();
    };
    elements.split(',').map(|v| v.parse().unwrap_or_else(|_| panic!("not a list: {text:?}"))).collect()
}

/// splitmix64: a tiny, good-enough, deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse() {
        assert_eq!(parse(""), Vec::<u64>::new());
        assert_eq!(parse(",3,9"), vec![3, 9]);
    }

    #[test]
    fn generator_is_deterministic() {
        let draw = |seed| {
            let mut r = Rng(seed);
            (0..4).map(|_| r.below(100)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn a_small_run_is_recorded() {
        let w = Workload { threads: 2, transactions_per_thread: 10, ..Workload::random(1, IsolationLevel::Snapshot) };
        let h = run(&w);
        assert_eq!(h.len(), 21);
        assert!(h.txns().iter().enumerate().all(|(i, t)| t.id == i));
        let last = h.txns().last().unwrap();
        assert_eq!((last.process, last.outcome), (2, Outcome::Committed));
        assert!(last.ops.iter().all(|op| matches!(op, Op::Read { list: Some(_), .. })));
    }
}
