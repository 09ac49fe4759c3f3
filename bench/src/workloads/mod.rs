//! The workloads, one file per family, and what they share: the run configuration, and the
//! driver that runs several threads from one starting line.
//!
//! * [`table`]: table `t (id, k, v)` at 100,000 and 1,000,000 rows, one thread, both engines.
//! * [`bank`]: the bank transfer on 10,000 accounts from 1 and 2 threads, both engines.
//! * [`isolation`]: isolde alone at each isolation level: bank transfers (uniform keys, hot
//!   keys), SIBENCH, transfers with a concurrent audit.
//!
//! Every timed section contains only the statements being measured: databases are created,
//! filled and their statements prepared before the clock starts, and results are checked after
//! it stops. A workload whose results are wrong stops the benchmark with an error, in every mode.

pub mod bank;
pub mod isolation;
pub mod table;

use std::sync::Barrier;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

use crate::engines::Session;

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Timed runs of each workload on each engine.
    pub runs: usize,
    /// Small counts for a smoke test: every code path and every check, in seconds.
    pub quick: bool,
    /// Skip the 1,000,000-row table.
    pub small: bool,
    /// Run only the workloads whose name contains this.
    pub filter: Option<String>,
}

impl Config {
    pub fn selects(&self, workload: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| workload.contains(f))
    }
}

/// Runs `work(i, session)` on one thread per session, all released at once; returns the wall
/// time from the first thread's start to the last thread's end, each thread's result, and the
/// sessions (for checks after the clock stopped).
///
/// Each thread reads the clock itself, right after the release and right after its work: a
/// clock read by the spawning thread after the release would miss whatever work the threads do
/// before it is scheduled again (on 2 busy cores, sometimes all of it).
pub fn run_threads<S: Session, R: Send>(
    sessions: Vec<S>,
    work: impl Fn(usize, &mut S) -> Result<R> + Sync,
) -> Result<(Duration, Vec<R>, Vec<S>)> {
    let barrier = Barrier::new(sessions.len());
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = sessions
            .into_iter()
            .enumerate()
            .map(|(i, mut session)| {
                let (barrier, work) = (&barrier, &work);
                scope.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    let result = work(i, &mut session);
                    (start, Instant::now(), result, session)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let mut results = Vec::new();
    let mut sessions = Vec::new();
    let (mut first_start, mut last_end) = (None::<Instant>, None::<Instant>);
    for outcome in outcomes {
        let (start, end, result, session) = outcome.map_err(|_| anyhow!("a worker thread panicked"))?;
        first_start = Some(first_start.map_or(start, |s| s.min(start)));
        last_end = Some(last_end.map_or(end, |e| e.max(end)));
        results.push(result?);
        sessions.push(session);
    }
    let elapsed = match (first_start, last_end) {
        (Some(start), Some(end)) => end.duration_since(start),
        _ => Duration::ZERO,
    };
    Ok((elapsed, results, sessions))
}

/// Operations per second.
pub fn rate(ops: u64, elapsed: Duration) -> f64 {
    ops as f64 / elapsed.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::isolde::IsoldeSession;

    #[test]
    fn the_clock_covers_every_thread_s_work() {
        let db = isolde::Database::open_in_memory();
        let sessions = (0..2).map(|_| IsoldeSession::new(&db, isolde::IsolationLevel::Snapshot).unwrap()).collect();
        let (elapsed, results, sessions) = run_threads(sessions, |i, _session: &mut IsoldeSession| {
            std::thread::sleep(Duration::from_millis(30));
            Ok(i)
        })
        .unwrap();
        assert!(elapsed >= Duration::from_millis(30), "{elapsed:?}");
        assert_eq!((results, sessions.len()), (vec![0, 1], 2));
    }
}
