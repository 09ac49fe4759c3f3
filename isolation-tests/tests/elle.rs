//! Elle-style list-append runs at every level (see `isolation_tests::elle`): READ COMMITTED
//! shows no G0 or G1, SNAPSHOT no G-single either, TWO PHASE LOCKING and SERIALIZABLE no cycle
//! at all; and the checker can fail: it finds write skew (G2-item) under SNAPSHOT.
//!
//! The short runs here are for CI (4 threads x 150 transactions; well under a second). The long
//! run: `cargo test -p isolation-tests --test elle -- --ignored long_run` (8 seeds x 4 levels
//! x 2 mixes, 4,000-8,000 transactions each; `ELLE_SEED=n` picks the seed of every run, here
//! and there). A failure prints the workload with its seed, the forbidden anomalies and the
//! transactions involved; `reproduce` reruns one workload chosen by environment variables.

use std::time::Instant;

use isolation_tests::elle::{check, explain, run, AnomalyKind, History, Outcome, Report, Workload};
use isolde::IsolationLevel::{self, ReadCommitted, Serializable, Snapshot, TwoPhaseLocking};

const LEVELS: [IsolationLevel; 4] = [ReadCommitted, Snapshot, TwoPhaseLocking, Serializable];

/// `ELLE_SEED` if set, else `default`.
fn seed_or(default: u64) -> u64 {
    match std::env::var("ELLE_SEED") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| panic!("ELLE_SEED={s:?} is not a number")),
        Err(_) => default,
    }
}

/// Runs `w` and checks its history: nothing its level forbids (no cycle at all at the
/// serializable levels), and some transactions committed. Prints a summary line. Returns the
/// history, the report, and the failure message if the run failed.
fn judge(w: &Workload) -> (History, Report, Option<String>) {
    let started = Instant::now();
    let history = run(w);
    let ran = started.elapsed();
    let report = check(&history);
    let forbidden = report.forbidden_at(w.level);
    let committed = history.count(Outcome::Committed);
    let failure = if !forbidden.is_empty() {
        Some(format!(
            "elle: {w}\n{}\n{} anomalies forbidden at {:?}:\n{}",
            history.summary(),
            forbidden.len(),
            w.level,
            explain(&forbidden, &history, 10)
        ))
    } else if committed * 10 < history.len() {
        Some(format!("elle: {w}: too few commits: {}", history.summary()))
    } else {
        None
    };
    let allowed: Vec<String> = report.anomalies.iter().map(|a| a.kind.to_string()).collect();
    eprintln!(
        "elle: {w}\n      {}; run {ran:.2?}, check {:.2?}; anomalies: {}",
        history.summary(),
        started.elapsed() - ran,
        if allowed.is_empty() { "none".into() } else { count(&allowed) },
    );
    (history, report, failure)
}

/// [`judge`], panicking on failure.
fn run_and_check(w: &Workload) -> (History, Report) {
    let (history, report, failure) = judge(w);
    if let Some(message) = failure {
        panic!("{message}");
    }
    (history, report)
}

/// `G-single x3, G2-item x12`.
fn count(kinds: &[String]) -> String {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for k in kinds {
        *counts.entry(k).or_default() += 1;
    }
    counts.iter().map(|(k, n)| format!("{k} x{n}")).collect::<Vec<_>>().join(", ")
}

#[test]
fn read_committed_shows_no_g0_or_g1() {
    run_and_check(&Workload::random(seed_or(1), ReadCommitted));
}

#[test]
fn snapshot_shows_no_g1_or_g_single() {
    run_and_check(&Workload::random(seed_or(2), Snapshot));
}

#[test]
fn two_phase_locking_shows_no_cycle() {
    let (_, report) = run_and_check(&Workload::random(seed_or(3), TwoPhaseLocking));
    assert!(report.cycles().is_empty(), "{report}");
}

#[test]
fn serializable_shows_no_cycle() {
    let (_, report) = run_and_check(&Workload::random(seed_or(4), Serializable));
    assert!(report.cycles().is_empty(), "{report}");
}

/// The checker can fail: the write-skew workload under SNAPSHOT yields G2-item within a few
/// seeds (and never G-single, which SNAPSHOT forbids).
#[test]
fn snapshot_write_skew_is_found() {
    const SEEDS: u64 = 8;
    let first = seed_or(100);
    for seed in first..first + SEEDS {
        let (history, report) = run_and_check(&Workload::write_skew(seed, Snapshot));
        let skews = report.of_kinds(&[AnomalyKind::G2Item]);
        if !skews.is_empty() {
            eprintln!("found write skew with seed {seed}:\n{}", explain(&skews, &history, 1));
            return;
        }
    }
    panic!("no G2-item under SNAPSHOT with the write-skew workload, seeds {first}..{}", first + SEEDS);
}

/// The same workload under two-phase locking: no cycle.
#[test]
fn two_phase_locking_prevents_write_skew() {
    let (_, report) = run_and_check(&Workload::write_skew(seed_or(100), TwoPhaseLocking));
    assert!(report.cycles().is_empty(), "{report}");
}

/// The same workload under SERIALIZABLE, from 8 threads and over several seeds: no cycle. The
/// bug this guards against (a writer reporting its write to the SSI tracker before taking the
/// table's write lock, so that a reader could mark and read in between and the edge was lost
/// on both paths) let a write skew through in about one such run in ten.
#[test]
fn serializable_prevents_write_skew() {
    const SEEDS: u64 = 16;
    let first = seed_or(100);
    for seed in first..first + SEEDS {
        let w = Workload { threads: 8, transactions_per_thread: 300, ..Workload::write_skew(seed, Serializable) };
        let (_, report) = run_and_check(&w);
        assert!(report.cycles().is_empty(), "{report}");
    }
}

/// The long run: every level, both mixes, several seeds, bigger runs. Runs them all, then
/// fails with every failure.
#[test]
#[ignore = "long: cargo test -p isolation-tests --test elle -- --ignored"]
fn long_run() {
    let seeds: Vec<u64> = match std::env::var("ELLE_SEED") {
        Ok(_) => vec![seed_or(0)],
        Err(_) => (1000..1008).collect(),
    };
    let mut failures = Vec::new();
    let mut runs = 0;
    for seed in seeds {
        for level in LEVELS {
            let random = Workload {
                threads: 8,
                transactions_per_thread: 1000,
                keys: 8,
                max_ops: 6,
                ..Workload::random(seed, level)
            };
            let skew = Workload { threads: 8, transactions_per_thread: 500, ..Workload::write_skew(seed, level) };
            for w in [random, skew] {
                runs += 1;
                failures.extend(judge(&w).2);
            }
        }
    }
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n\n{}", failures.len(), failures.join("\n"));
}

/// One run chosen from the environment, to reproduce a failure: `ELLE_SEED`, `ELLE_LEVEL`
/// (`read-committed`, `snapshot`, `two-phase-locking`, `serializable`), `ELLE_MIX` (`random`,
/// `write-skew`), `ELLE_THREADS`, `ELLE_TRANSACTIONS` (per thread).
#[test]
#[ignore = "run by hand: ELLE_SEED=n ELLE_LEVEL=serializable ... cargo test ... -- --ignored reproduce"]
fn reproduce() {
    let var = |name: &str| std::env::var(name).ok();
    let level = match var("ELLE_LEVEL").as_deref() {
        None | Some("serializable") => Serializable,
        Some("read-committed") => ReadCommitted,
        Some("snapshot") => Snapshot,
        Some("two-phase-locking") => TwoPhaseLocking,
        Some(other) => panic!("ELLE_LEVEL={other:?}: not a level"),
    };
    let mut w = match var("ELLE_MIX").as_deref() {
        None | Some("random") => Workload::random(seed_or(1), level),
        Some("write-skew") => Workload::write_skew(seed_or(1), level),
        Some(other) => panic!("ELLE_MIX={other:?}: not a mix"),
    };
    let number = |name: &str, default: usize| var(name).map_or(default, |v| v.parse().expect("a number"));
    w.threads = number("ELLE_THREADS", w.threads);
    w.transactions_per_thread = number("ELLE_TRANSACTIONS", w.transactions_per_thread);
    run_and_check(&w);
}
