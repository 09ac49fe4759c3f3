//! What the benchmark measured, and how it is shown: Markdown tables (printed, and written into
//! `docs/benchmarks.md` with `--write`), or one JSON object per line (`--json`).
//!
//! Every rate is reported as the median of the runs with the smallest and largest beside it.
//! The ratio isolde / SQLite is the ratio of the two medians; for throughput, above 1 means
//! isolde is faster; for memory, above 1 means isolde uses more.

use std::fmt::Write;

use isolde::IsolationLevel;

use crate::engines::Engine;
use crate::memory;
use crate::targets::{self, Measure, Target};

/// One workload on both engines: a rate per run for each.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub workload: &'static str,
    pub rows: usize,
    pub unit: &'static str,
    pub isolde: Vec<f64>,
    pub sqlite: Vec<f64>,
}

impl Comparison {
    pub fn new(workload: &'static str, rows: usize, unit: &'static str) -> Comparison {
        Comparison { workload, rows, unit, isolde: Vec::new(), sqlite: Vec::new() }
    }

    pub fn push(&mut self, engine: Engine, rate: f64) {
        match engine {
            Engine::Isolde => self.isolde.push(rate),
            Engine::Sqlite => self.sqlite.push(rate),
        }
    }

    pub fn ratio(&self) -> f64 {
        Spread::of(&self.isolde).median / Spread::of(&self.sqlite).median
    }
}

/// Audits of the balances (the `iso_bank_audit` workload), over every run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Audits {
    pub count: u64,
    /// Audits whose total was not the one the accounts started with.
    pub wrong: u64,
}

/// One isolation workload at one level, on isolde.
#[derive(Clone, Debug)]
pub struct LevelResult {
    pub workload: &'static str,
    pub rows: usize,
    pub level: IsolationLevel,
    pub rates: Vec<f64>,
    pub abort_rates: Vec<f64>,
    pub audits: Option<Audits>,
}

impl LevelResult {
    pub fn new(workload: &'static str, rows: usize, level: IsolationLevel) -> LevelResult {
        LevelResult { workload, rows, level, rates: Vec::new(), abort_rates: Vec::new(), audits: None }
    }

    pub fn push(&mut self, rate: f64, abort_rate: f64, audits: Option<Audits>) {
        self.rates.push(rate);
        self.abort_rates.push(abort_rate);
        if let Some(a) = audits {
            let sum = self.audits.get_or_insert_with(Audits::default);
            sum.count += a.count;
            sum.wrong += a.wrong;
        }
    }
}

/// Peak resident set growth during the load, per engine.
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    pub rows: usize,
    pub isolde_kib: u64,
    pub sqlite_kib: u64,
}

/// The resident set of one engine's child process in the memory-growth workload.
#[derive(Clone, Copy, Debug)]
pub struct UpdateRss {
    /// `VmRSS` after the table was loaded, before any update.
    pub loaded_kib: u64,
    /// `VmRSS` after the first updates ([`UpdateGrowth::first`]).
    pub first_kib: u64,
    /// `VmRSS` after all the updates.
    pub after_kib: u64,
    /// How long the updates took.
    pub seconds: f64,
}

impl UpdateRss {
    /// The resident set after all the updates / after the first ones.
    pub fn ratio(&self) -> f64 {
        self.after_kib as f64 / self.first_kib as f64
    }
}

/// The memory-growth workload: a small table updated many times, per engine.
#[derive(Clone, Copy, Debug)]
pub struct UpdateGrowth {
    pub rows: usize,
    /// The updates after which the first reading was taken.
    pub first: usize,
    /// The updates in all.
    pub updates: usize,
    pub isolde: UpdateRss,
    pub sqlite: UpdateRss,
}

/// Everything one invocation measured.
#[derive(Clone, Debug, Default)]
pub struct Results {
    pub comparisons: Vec<Comparison>,
    pub levels: Vec<LevelResult>,
    pub memory: Option<Memory>,
    pub growth: Option<UpdateGrowth>,
}

impl Results {
    pub fn is_empty(&self) -> bool {
        self.comparisons.is_empty() && self.levels.is_empty() && self.memory.is_none() && self.growth.is_none()
    }

    fn level(&self, workload: &str, level: IsolationLevel) -> Option<&LevelResult> {
        self.levels.iter().find(|l| l.workload == workload && l.level == level)
    }
}

impl Memory {
    pub fn ratio(&self) -> f64 {
        self.isolde_kib as f64 / self.sqlite_kib as f64
    }
}

/// Median, smallest and largest of some runs.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            return Spread { median: f64::NAN, min: f64::NAN, max: f64::NAN };
        }
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        Spread { median, min: v[0], max: v[n - 1] }
    }

    fn show(self) -> String {
        if self.min == self.max {
            human(self.median)
        } else {
            format!("{} ({} – {})", human(self.median), human(self.min), human(self.max))
        }
    }
}

/// The progress line (on stderr) of one timed run of `workload` at `size` `unit` on `engine`.
pub fn progress(
    workload: &str,
    size: impl std::fmt::Display,
    unit: &str,
    run: usize,
    runs: usize,
    engine: &str,
    ops_per_s: f64,
) {
    eprintln!("{workload:>24} {size:>9} {unit:<5} run {}/{runs}  {engine:>6}: {}", run + 1, human(ops_per_s));
}

/// A rate for people: `1.23 M`, `456.7 k`, `89`.
pub fn human(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// `1000000` as `1,000,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The level as this benchmark names it.
pub fn level_label(level: IsolationLevel) -> &'static str {
    match level {
        IsolationLevel::ReadCommitted => "READ COMMITTED",
        IsolationLevel::Snapshot => "SNAPSHOT",
        IsolationLevel::TwoPhaseLocking => "TWO PHASE LOCKING",
        IsolationLevel::Serializable => "SERIALIZABLE",
    }
}

/// The result tables in Markdown, under `###` headings.
pub fn tables(results: &Results) -> String {
    let mut out = String::new();
    if !results.comparisons.is_empty() {
        out.push_str("### isolde and SQLite\n\n");
        out.push_str(
            "| workload | rows | unit | isolde: median (min – max) | SQLite: median (min – max) | isolde / SQLite |\n",
        );
        out.push_str("|---|---:|---|---:|---:|---:|\n");
        for c in &results.comparisons {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {:.2} |",
                c.workload,
                thousands(c.rows),
                c.unit,
                Spread::of(&c.isolde).show(),
                Spread::of(&c.sqlite).show(),
                c.ratio()
            );
        }
        out.push('\n');
    }
    if let Some(m) = results.memory {
        out.push_str("### Peak memory of the load\n\n");
        out.push_str("| workload | rows | isolde | SQLite | isolde / SQLite (memory: lower is better) |\n");
        out.push_str("|---|---:|---:|---:|---:|\n");
        let ratio = m.ratio();
        let _ = writeln!(
            out,
            "| load_peak_rss | {} | {} | {} | {ratio:.2} |\n",
            thousands(m.rows),
            mib(m.isolde_kib),
            mib(m.sqlite_kib)
        );
    }
    if let Some(g) = results.growth {
        let _ = writeln!(out, "### Memory under updates ({})\n", memory::GROWTH_WORKLOAD);
        let _ = writeln!(
            out,
            "| engine | rows | RSS after the load | after {} updates | after {} updates | after {} / after {} (lower is better) | updates/s |",
            thousands(g.first),
            thousands(g.updates),
            thousands(g.updates),
            thousands(g.first)
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
        for (name, r) in [("isolde", g.isolde), ("SQLite", g.sqlite)] {
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {} | {:.2} | {} |",
                thousands(g.rows),
                mib(r.loaded_kib),
                mib(r.first_kib),
                mib(r.after_kib),
                r.ratio(),
                human(g.updates as f64 / r.seconds)
            );
        }
        out.push('\n');
    }
    if !results.levels.is_empty() {
        out.push_str("### isolde at each isolation level (2 threads)\n\n");
        out.push_str("| workload | rows | level | txn/s: median (min – max) | abort rate: median (min – max) | audits with a wrong total |\n");
        out.push_str("|---|---:|---|---:|---:|---:|\n");
        for l in &results.levels {
            let aborts = Spread::of(&l.abort_rates);
            let audits = l.audits.map_or_else(|| "".to_string(), |a| format!("{} of {}", a.wrong, a.count));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.4} ({:.4} – {:.4}) | {audits} |",
                l.workload,
                thousands(l.rows),
                level_label(l.level),
                Spread::of(&l.rates).show(),
                aborts.median,
                aborts.min,
                aborts.max
            );
        }
        out.push('\n');
    }
    out
}

/// One JSON object per line: per table workload, per isolation workload and level, for the
/// peak memory of the load, and for the memory growth under updates. A line a target applies
/// to carries it: `"targets":[{"issue":...,"measure":...,"value":...,"at_least":...,"met":...}]`
/// and `"met"`, whether every target on the line is met.
pub fn json_lines(results: &Results) -> String {
    let verdicts = verdicts(results);
    let on = |line: Line| json_targets(verdicts.iter().filter(|v| v.line() == Some(line)));
    let mut out = String::new();
    for c in &results.comparisons {
        let _ = writeln!(
            out,
            r#"{{"workload":"{}","rows":{},"unit":"{}","isolde_ops_per_s":{:.1},"sqlite_ops_per_s":{:.1},"ratio":{:.4},"runs":{}{}}}"#,
            c.workload,
            c.rows,
            c.unit,
            Spread::of(&c.isolde).median,
            Spread::of(&c.sqlite).median,
            c.ratio(),
            c.isolde.len(),
            on(Line::Comparison(c.workload, c.rows))
        );
    }
    if let Some(m) = results.memory {
        let _ = writeln!(
            out,
            r#"{{"workload":"load_peak_rss","rows":{},"unit":"bytes","isolde_bytes":{},"sqlite_bytes":{},"ratio":{:.4}{}}}"#,
            m.rows,
            m.isolde_kib * 1024,
            m.sqlite_kib * 1024,
            m.ratio(),
            on(Line::LoadMemory)
        );
    }
    if let Some(g) = results.growth {
        let engine = |name: &str, r: UpdateRss| {
            format!(
                r#""{name}_loaded_bytes":{},"{name}_first_bytes":{},"{name}_after_bytes":{},"{name}_seconds":{:.3}"#,
                r.loaded_kib * 1024,
                r.first_kib * 1024,
                r.after_kib * 1024,
                r.seconds
            )
        };
        let _ = writeln!(
            out,
            r#"{{"workload":"{}","rows":{},"first_updates":{},"updates":{},"unit":"bytes",{},{},"ratio":{:.4},"sqlite_ratio":{:.4}{}}}"#,
            memory::GROWTH_WORKLOAD,
            g.rows,
            g.first,
            g.updates,
            engine("isolde", g.isolde),
            engine("sqlite", g.sqlite),
            g.isolde.ratio(),
            g.sqlite.ratio(),
            on(Line::UpdateMemory)
        );
    }
    for l in &results.levels {
        let audits =
            l.audits.map_or_else(String::new, |a| format!(r#","audits":{},"audits_wrong_total":{}"#, a.count, a.wrong));
        let _ = writeln!(
            out,
            r#"{{"workload":"{}","rows":{},"level":"{}","ops_per_s":{:.1},"abort_rate":{:.6},"runs":{}{audits}{}}}"#,
            l.workload,
            l.rows,
            level_label(l.level),
            Spread::of(&l.rates).median,
            Spread::of(&l.abort_rates).median,
            l.rates.len(),
            on(Line::Level(l.workload, l.rows, l.level))
        );
    }
    out
}

/// The targets on one JSON line, and whether all of them are met; nothing if there are none.
fn json_targets<'v>(verdicts: impl Iterator<Item = &'v Verdict>) -> String {
    let (mut items, mut all_met) = (Vec::new(), true);
    for v in verdicts {
        let (Some(value), Some(met)) = (v.measured, v.met()) else { continue };
        all_met &= met;
        items.push(format!(
            r#"{{"issue":"{}","measure":"{}","value":{value:.6},{},"met":{met}}}"#,
            v.target.issue.replace('\\', "\\\\").replace('"', "\\\""),
            v.target.measure.key(),
            v.target.bound.json()
        ));
    }
    if items.is_empty() {
        String::new()
    } else {
        format!(r#","targets":[{}],"met":{all_met}"#, items.join(","))
    }
}

/// A line of the results (a row of a table, a JSON line) a target can apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    Comparison(&'static str, usize),
    LoadMemory,
    UpdateMemory,
    Level(&'static str, usize, IsolationLevel),
}

/// One target against what this run measured.
#[derive(Clone, Copy, Debug)]
pub struct Verdict {
    pub target: Target,
    /// The rows of the table measured; `None` if the workload did not run.
    pub rows: Option<usize>,
    /// The measured value the target is about; `None` if the workload did not run.
    pub measured: Option<f64>,
}

impl Verdict {
    /// Whether the target is met; `None` if the workload did not run.
    pub fn met(&self) -> Option<bool> {
        self.measured.map(|m| self.target.bound.admits(m))
    }

    /// The line of the results the measured value belongs to.
    fn line(&self) -> Option<Line> {
        let rows = self.rows?;
        Some(match self.target.measure {
            Measure::Throughput(w) => Line::Comparison(w, rows),
            Measure::LoadPeakMemory => Line::LoadMemory,
            Measure::UpdateMemoryGrowth => Line::UpdateMemory,
            Measure::SsiOverSnapshot(w) | Measure::SsiAbortRate(w) => {
                Line::Level(w, rows, IsolationLevel::Serializable)
            }
        })
    }

    fn show_measured(&self) -> String {
        match (self.measured, self.target.measure) {
            (None, _) => "—".to_string(),
            (Some(m), Measure::SsiAbortRate(_)) => format!("{m:.4}"),
            (Some(m), _) => format!("{m:.2}"),
        }
    }
}

/// Every target of [`targets::TARGETS`], in its order, against this run's results: one verdict
/// per table size a throughput target was measured at, one for each other target, and one
/// with nothing measured for a target whose workload did not run.
pub fn verdicts(results: &Results) -> Vec<Verdict> {
    use IsolationLevel::{Serializable, Snapshot};
    let mut out = Vec::new();
    for &target in targets::TARGETS {
        let measured: Vec<(usize, f64)> = match target.measure {
            Measure::Throughput(w) => {
                results.comparisons.iter().filter(|c| c.workload == w).map(|c| (c.rows, c.ratio())).collect()
            }
            Measure::LoadPeakMemory => results.memory.iter().map(|m| (m.rows, m.ratio())).collect(),
            Measure::SsiOverSnapshot(w) => match (results.level(w, Serializable), results.level(w, Snapshot)) {
                (Some(ssi), Some(si)) => {
                    vec![(ssi.rows, Spread::of(&ssi.rates).median / Spread::of(&si.rates).median)]
                }
                _ => Vec::new(),
            },
            Measure::SsiAbortRate(w) => results
                .level(w, Serializable)
                .map(|l| (l.rows, Spread::of(&l.abort_rates).median))
                .into_iter()
                .collect(),
            Measure::UpdateMemoryGrowth => results.growth.iter().map(|g| (g.rows, g.isolde.ratio())).collect(),
        };
        if measured.is_empty() {
            out.push(Verdict { target, rows: None, measured: None });
        }
        out.extend(measured.into_iter().map(|(rows, m)| Verdict { target, rows: Some(rows), measured: Some(m) }));
    }
    out
}

/// The targets section: every target, its measured value, met or not, in one table.
pub fn targets(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}
",
        targets::SOURCE
    );
    out.push_str("| target (the issue's row) | workload | rows | measured | target | value | |\n");
    out.push_str("|---|---|---:|---|---:|---:|---|\n");
    for v in verdicts(results) {
        let verdict = match v.met() {
            Some(true) => "met",
            Some(false) => "**not met**",
            None => "not measured",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {verdict} |",
            v.target.issue,
            v.target.measure.workload(),
            v.rows.map_or_else(|| "—".to_string(), thousands),
            v.target.measure.describe(),
            v.target.bound.show(),
            v.show_measured()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results() -> Results {
        let mut c = Comparison::new("sum_k", 100, "rows/s");
        c.push(Engine::Isolde, 6.0);
        c.push(Engine::Sqlite, 10.0);
        let level = |level, rate, aborts| {
            let mut l = LevelResult::new("iso_bank_uniform", 10, level);
            l.push(rate, aborts, None);
            l
        };
        let rss = |first_kib, after_kib| UpdateRss { loaded_kib: 1, first_kib, after_kib, seconds: 1.0 };
        Results {
            comparisons: vec![c],
            levels: vec![level(IsolationLevel::Snapshot, 100.0, 0.0), level(IsolationLevel::Serializable, 80.0, 0.002)],
            memory: None,
            growth: Some(UpdateGrowth { rows: 10, first: 1, updates: 2, isolde: rss(100, 200), sqlite: rss(5, 5) }),
        }
    }

    #[test]
    fn every_target_has_a_verdict() {
        let verdicts = verdicts(&results());
        let find = |m: Measure| verdicts.iter().find(|v| v.target.measure == m).unwrap();
        assert_eq!(find(Measure::Throughput("sum_k")).met(), Some(true)); // 0.6 >= 0.5
        assert_eq!(find(Measure::Throughput("point_select")).met(), None); // did not run
        assert_eq!(find(Measure::LoadPeakMemory).met(), None);
        let ssi = find(Measure::SsiOverSnapshot("iso_bank_uniform"));
        assert_eq!((ssi.measured, ssi.met()), (Some(0.8), Some(false)));
        assert_eq!(find(Measure::SsiAbortRate("iso_bank_uniform")).met(), Some(true));
        assert_eq!(find(Measure::SsiOverSnapshot("iso_sibench")).met(), None);
        assert_eq!(find(Measure::UpdateMemoryGrowth).measured, Some(2.0));
        assert_eq!(verdicts.len(), targets::TARGETS.len());
    }

    #[test]
    fn targets_appear_in_the_table_and_on_their_json_lines() {
        let r = results();
        let table = targets(&r);
        assert_eq!(table.lines().filter(|l| l.starts_with("| ")).count(), 1 + targets::TARGETS.len());
        assert!(table
            .contains("| `sum(k)` over the table | sum_k | 100 | throughput isolde / SQLite | ≥ 0.50 | 0.60 | met |"));
        assert!(table.contains("| abort rate at SERIALIZABLE | < 0.01 | 0.0020 | met |"));
        let json = json_lines(&r);
        let line = |needle: &str| json.lines().find(|l| l.contains(needle)).unwrap().to_string();
        assert!(line("\"sum_k\"").ends_with(r#""at_least":0.5,"met":true}],"met":true}"#));
        assert!(line("\"update_memory_growth\"").contains(r#""at_most":1.5,"met":false}"#));
        let ssi = line("SERIALIZABLE");
        assert!(ssi.contains("serializable_over_snapshot") && ssi.contains("serializable_abort_rate"));
        assert!(ssi.ends_with(r#""met":false}"#));
        assert!(!line("SNAPSHOT").contains("targets"));
    }
}
