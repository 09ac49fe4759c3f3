//! `isolde-bench`: isolde against SQLite, workload by workload, on the same machine in the same
//! run.
//!
//! ```text
//! cargo run --release -p isolde-bench                  every workload, 5 runs, tables on stdout
//! cargo run --release -p isolde-bench -- --write       the same, and docs/benchmarks.md
//! cargo run --release -p isolde-bench -- --quick       small counts, 1 run: a smoke test that
//!                                                      checks every result, never a timing
//! ```
//!
//! Options: `--runs N`, `--small` (skip the 1,000,000-row table), `--filter SUBSTRING` (only
//! the workloads whose name contains it), `--json` (one JSON object per line and workload
//! instead of tables), `--write`.
//!
//! How it measures: [`workloads`] (what runs, in which order, what is checked), [`engines`]
//! (how each engine is set up and driven), [`memory`] (memory, in child processes),
//! [`report`] (medians and ratios), [`doc`] (the page in `docs/`).

mod data;
mod doc;
mod engines;
mod memory;
mod report;
mod rng;
mod targets;
mod workloads;

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

use report::Results;
use workloads::Config;

const USAGE: &str = "usage: isolde-bench [--runs N] [--quick] [--small] [--filter SUBSTRING] [--json] [--write]";

/// The command line.
struct Options {
    config: Config,
    json: bool,
    write: bool,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut config = Config { runs: 5, quick: false, small: false, filter: None };
    let (mut json, mut write, mut runs) = (false, false, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                let n: usize =
                    args.next().context("--runs needs a number")?.parse().context("--runs needs a number")?;
                if n == 0 {
                    bail!("--runs must be at least 1");
                }
                runs = Some(n);
            }
            "--quick" => config.quick = true,
            "--small" => config.small = true,
            "--filter" => config.filter = Some(args.next().context("--filter needs a substring")?.clone()),
            "--json" => json = true,
            "--write" => write = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    config.runs = runs.unwrap_or(if config.quick { 1 } else { 5 });
    if write && (config.quick || config.filter.is_some()) {
        bail!("--write records a complete run: not with --quick or --filter");
    }
    Ok(Options { config, json, write })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some(memory::CHILD_COMMAND) => child(&args[1..]),
        Some(memory::GROWTH_CHILD_COMMAND) => growth_child(&args[1..]),
        _ => parse(&args).and_then(|options| run(&options, &args)),
    };
    if let Err(e) = result {
        eprintln!("isolde-bench: error: {e:#}");
        std::process::exit(1);
    }
}

fn child(args: &[String]) -> Result<()> {
    let [engine, rows] = args else { bail!("usage: isolde-bench {} ENGINE ROWS", memory::CHILD_COMMAND) };
    memory::child(engine, rows.parse()?)
}

fn growth_child(args: &[String]) -> Result<()> {
    let [engine, updates] = args else { bail!("usage: isolde-bench {} ENGINE UPDATES", memory::GROWTH_CHILD_COMMAND) };
    memory::growth_child(engine, updates.parse()?)
}

fn run(options: &Options, args: &[String]) -> Result<()> {
    let config = &options.config;
    let start = Instant::now();
    let load_before = load_average();
    // Read before the run, as close as possible to the build `cargo run` just made.
    let isolde_commit = isolde_commit();
    let mut results = Results::default();
    workloads::table::run(config, &mut results)?;
    workloads::bank::run(config, &mut results)?;
    workloads::isolation::run(config, &mut results)?;
    if config.selects("load_peak_rss") {
        let rows = workloads::table::scales(config).iter().map(|s| s.rows).max().unwrap_or(0);
        results.memory = Some(memory::measure(rows)?);
    }
    if config.selects(memory::GROWTH_WORKLOAD) {
        results.growth = Some(memory::measure_growth(memory::growth_updates(config))?);
    }
    let seconds = start.elapsed().as_secs_f64();
    if results.is_empty() {
        bail!("no workload matches the filter");
    }
    if options.json {
        print!("{}", report::json_lines(&results));
    } else {
        print!("{}", report::tables(&results));
    }
    eprintln!("isolde-bench: {seconds:.1} s");
    if options.write {
        let info = doc::RunInfo {
            date: utc_date(),
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu: cpu_model(),
            command: format!(
                "cargo run {}-p isolde-bench -- {}",
                if cfg!(debug_assertions) { "" } else { "--release " },
                args.join(" ")
            ),
            sqlite_version: rusqlite::version().to_string(),
            isolde_commit,
            runs: config.runs,
            seconds,
            load_before,
            load_after: load_average(),
        };
        let path = doc::write(&results, &info)?;
        eprintln!("isolde-bench: wrote {}", path.display());
    }
    Ok(())
}

/// Today's date, UTC, as `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
fn utc_date() -> String {
    let days = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1));
    model.map_or_else(|| "unknown CPU".to_string(), |m| m.trim().to_string())
}

/// The 1-minute load average, from `/proc/loadavg`.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().next().unwrap_or("unknown").to_string()
}

/// The commit isolde was built from, noting changes not yet committed to the engine (`src/`).
fn isolde_commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match (git(&["rev-parse", "--short", "HEAD"]), git(&["status", "--porcelain", "--", "../src"])) {
        (Some(commit), Some(changes)) if !changes.is_empty() => {
            format!("at commit {commit} with uncommitted changes in src/")
        }
        (Some(commit), _) => format!("at commit {commit}"),
        (None, _) => "(commit unknown)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_parse_and_refuse_a_partial_write() {
        let o = parse(&args(&["--quick", "--filter", "bank", "--json"])).unwrap();
        assert!(o.config.quick && o.json && !o.write);
        assert_eq!((o.config.runs, o.config.filter.as_deref()), (1, Some("bank")));
        assert_eq!(parse(&args(&["--runs", "3"])).unwrap().config.runs, 3);
        assert!(parse(&args(&["--write", "--quick"])).is_err());
        assert!(parse(&args(&["--runs", "0"])).is_err());
        assert!(parse(&args(&["--bogus"])).is_err());
    }

    #[test]
    fn utc_date_looks_like_a_date() {
        let d = utc_date();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }
}
