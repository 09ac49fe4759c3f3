//! Memory, measured in child processes: each engine runs in a process of its own (this binary,
//! re-run with a hidden subcommand), so that neither sees the other's memory or the allocator's
//! leftovers from earlier workloads.
//!
//! * `load_peak_rss` ([`CHILD_COMMAND`]): how much the resident set grows at its peak while an
//!   engine loads the table. The child generates the rows, creates the table and its index,
//!   reads its peak resident set size (`VmHWM` in `/proc/self/status`), loads the rows in one
//!   transaction exactly as the `load` workload does, checks the row count, reads `VmHWM` again
//!   and prints both. The difference is what the load cost at its peak: the table, its index,
//!   and anything the engine held during the transaction.
//! * `update_memory_growth` ([`GROWTH_CHILD_COMMAND`]): whether old versions are reclaimed. The
//!   child loads a table of [`GROWTH_ROWS`] rows, then runs autocommit
//!   `UPDATE t SET v = $1 WHERE id = $2` over random ids, and reads its current resident set
//!   (`VmRSS`: what it holds now, not its peak) after the load, after the first
//!   [`GROWTH_FIRST`] updates and after the last. An engine that reclaims the versions no
//!   snapshot can see any more holds about as much after 1,000,000 updates as after 1,000.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use crate::data;
use crate::engines::isolde::IsoldeTable;
use crate::engines::sqlite::SqliteTable;
use crate::engines::{Cell, Engine, NewValue, Table};
use crate::report::{Memory, UpdateGrowth, UpdateRss};
use crate::rng::Rng;
use crate::workloads::table::{COUNT_AND_SUM, UPDATE_V, V_OF};
use crate::workloads::Config;

/// The hidden subcommand: `CHILD_COMMAND ENGINE ROWS`.
pub const CHILD_COMMAND: &str = "__load-peak-rss";

/// The hidden subcommand: `GROWTH_CHILD_COMMAND ENGINE UPDATES`.
pub const GROWTH_CHILD_COMMAND: &str = "__update-rss";

/// The memory-growth workload, as results and `--filter` name it.
pub const GROWTH_WORKLOAD: &str = "update_memory_growth";

/// The rows of the table the memory-growth workload updates.
pub const GROWTH_ROWS: usize = 1_000;

/// The updates after which the first reading of the memory-growth workload is taken.
pub const GROWTH_FIRST: usize = 1_000;

/// The updates the memory-growth workload makes in all: 1,000,000, or 20,000 with `--quick`.
pub fn growth_updates(config: &Config) -> usize {
    if config.quick {
        20_000
    } else {
        1_000_000
    }
}

/// Loads `rows` rows in a child process per engine and returns each one's peak growth.
pub fn measure(rows: usize) -> Result<Memory> {
    let isolde_kib = load_in_child(Engine::Isolde, rows)?;
    let sqlite_kib = load_in_child(Engine::Sqlite, rows)?;
    Ok(Memory { rows, isolde_kib, sqlite_kib })
}

/// Runs the memory-growth workload with `updates` updates in a child process per engine.
pub fn measure_growth(updates: usize) -> Result<UpdateGrowth> {
    ensure!(updates >= GROWTH_FIRST, "{GROWTH_WORKLOAD} needs at least {GROWTH_FIRST} updates");
    let isolde = growth_in_child(Engine::Isolde, updates)?;
    let sqlite = growth_in_child(Engine::Sqlite, updates)?;
    Ok(UpdateGrowth { rows: GROWTH_ROWS, first: GROWTH_FIRST, updates, isolde, sqlite })
}

/// Runs this binary with `args` and returns the numbers it printed.
fn run_child(engine: Engine, args: &[&str]) -> Result<Vec<u64>> {
    let exe = std::env::current_exe().context("cannot find the benchmark's own executable")?;
    let output = Command::new(exe).args(args).output().context("cannot start the memory child process")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success(),
        "the {} memory child ({}) failed ({}): {}",
        engine.name(),
        args[0],
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(stdout.split_whitespace().map(str::parse).collect::<Result<_, _>>()?)
}

fn load_in_child(engine: Engine, rows: usize) -> Result<u64> {
    let kib = run_child(engine, &[CHILD_COMMAND, engine.name(), &rows.to_string()])?;
    let [baseline, peak] = kib[..] else { bail!("unexpected output from the memory child: {kib:?}") };
    eprintln!("{:>24} {rows:>9} rows  {:>6}: peak RSS grew by {} KiB", "load_peak_rss", engine.name(), peak - baseline);
    Ok(peak - baseline)
}

fn growth_in_child(engine: Engine, updates: usize) -> Result<UpdateRss> {
    let start = Instant::now();
    let numbers = run_child(engine, &[GROWTH_CHILD_COMMAND, engine.name(), &updates.to_string()])?;
    let [loaded_kib, first_kib, after_kib, micros] = numbers[..] else {
        bail!("unexpected output from the memory child: {numbers:?}")
    };
    let rss = UpdateRss { loaded_kib, first_kib, after_kib, seconds: micros as f64 / 1e6 };
    eprintln!(
        "{GROWTH_WORKLOAD:>24} {updates:>9} upd.  {:>6}: RSS {loaded_kib} KiB loaded, {first_kib} KiB after {GROWTH_FIRST}, \
         {after_kib} KiB after {updates} (x{:.2}); updates {:.2} s, child {:.2} s",
        engine.name(),
        rss.ratio(),
        rss.seconds,
        start.elapsed().as_secs_f64()
    );
    Ok(rss)
}

/// The child's side of `load_peak_rss`: load `rows` rows on `engine`, print `VmHWM` before and
/// after, in KiB.
pub fn child(engine: &str, rows: usize) -> Result<()> {
    let data = data::rows(rows);
    let (baseline, peak) = match engine {
        "isolde" => load(&mut IsoldeTable::create()?, &data)?,
        "sqlite" => load(&mut SqliteTable::create()?, &data)?,
        other => bail!("unknown engine {other}"),
    };
    println!("{baseline} {peak}");
    Ok(())
}

fn load(table: &mut impl Table, rows: &[data::DataRow]) -> Result<(u64, u64)> {
    let baseline = status_kib("VmHWM")?;
    table.insert_rows(rows, true)?;
    let peak = status_kib("VmHWM")?;
    let count = table.first_row("SELECT count(*) FROM t", &[])?;
    ensure!(count == vec![Cell::Int(rows.len() as i64)], "the load left {count:?} rows");
    Ok((baseline, peak))
}

/// The child's side of `update_memory_growth`: `updates` updates on `engine`; prints `VmRSS`
/// after the load, after the first [`GROWTH_FIRST`] updates and after the last (KiB), and the
/// time the updates took (microseconds).
pub fn growth_child(engine: &str, updates: usize) -> Result<()> {
    let [loaded, first, after, micros] = match engine {
        "isolde" => update_many(&mut IsoldeTable::create()?, updates)?,
        "sqlite" => update_many(&mut SqliteTable::create()?, updates)?,
        other => bail!("unknown engine {other}"),
    };
    println!("{loaded} {first} {after} {micros}");
    Ok(())
}

/// Loads [`GROWTH_ROWS`] rows, then updates `v` of random rows `updates` times, each update
/// its own transaction, in batches of [`GROWTH_FIRST`] generated just before they run (so that
/// the inputs take no memory to speak of).
fn update_many(table: &mut impl Table, updates: usize) -> Result<[u64; 4]> {
    ensure!(updates >= GROWTH_FIRST, "{GROWTH_WORKLOAD} needs at least {GROWTH_FIRST} updates");
    let rows = data::rows(GROWTH_ROWS);
    table.insert_rows(&rows, true)?;
    let mut rng = Rng::from_label(GROWTH_WORKLOAD);
    let mut batch: Vec<(i64, NewValue)> = Vec::with_capacity(GROWTH_FIRST);
    let loaded = status_kib("VmRSS")?;
    let (mut first, mut done, mut elapsed) = (0, 0, Duration::ZERO);
    while done < updates {
        let n = GROWTH_FIRST.min(updates - done);
        batch.clear();
        batch.extend(
            (0..n).map(|_| (rng.between(1, GROWTH_ROWS as i64), NewValue::Text(data::text_value(rng.next_u64())))),
        );
        let timed = table.update_each(UPDATE_V, &batch)?;
        ensure!(timed.seen.rows == n as u64, "{n} updates affected {} rows", timed.seen.rows);
        elapsed += timed.elapsed;
        done += n;
        if done == GROWTH_FIRST {
            first = status_kib("VmRSS")?;
        }
    }
    let after = status_kib("VmRSS")?;
    let expected = vec![Cell::Int(GROWTH_ROWS as i64), Cell::Int(rows.iter().map(|r| r.k).sum())];
    let got = table.first_row(COUNT_AND_SUM, &[])?;
    ensure!(got == expected, "after the updates count(*), sum(k) = {got:?}, expected {expected:?}");
    if let Some((id, NewValue::Text(v))) = batch.last() {
        let got = table.first_row(V_OF, &[*id])?;
        ensure!(got == vec![Cell::Text(v.clone())], "row {id} holds {got:?} after the updates, expected {v:?}");
    }
    Ok([loaded, first, after, elapsed.as_micros() as u64])
}

/// A field of `/proc/self/status` in KiB: `VmHWM` (the peak resident set size so far) or
/// `VmRSS` (the resident set size now).
fn status_kib(field: &str) -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("cannot read /proc/self/status")?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')))
        .with_context(|| format!("no {field} in /proc/self/status"))?;
    Ok(line.trim().trim_end_matches("kB").trim().parse()?)
}
