//! The targets: the issue's table, one [`Target`] per row (a row about several workloads is one
//! target per workload). `docs/benchmarks.md` ends with every target, its measured value, and
//! whether it is met; `--json` carries the targets on the lines they apply to. How a measured
//! value is computed from the results is [`crate::report::verdicts`].

/// Where the targets come from (printed above the targets in `docs/benchmarks.md`).
pub const SOURCE: &str = "The targets are the issue's, row by row (the first column quotes the issue): each ratio \
from one run, release build, on this 2-core machine. Throughput ratios are median isolde / median SQLite, at every \
table size; the SERIALIZABLE / SNAPSHOT ratios are of the medians in the isolation table; the abort rate is the \
median of the runs' aborted attempts / committed transactions.";

/// How a measured value must compare with the target's number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// At least this (throughput).
    AtLeast(f64),
    /// At most this (memory).
    AtMost(f64),
    /// Strictly below this (abort rate).
    Below(f64),
}

impl Bound {
    /// Whether `measured` meets the bound (a value that could not be computed, NaN, does not).
    pub fn admits(self, measured: f64) -> bool {
        match self {
            Bound::AtLeast(x) => measured >= x,
            Bound::AtMost(x) => measured <= x,
            Bound::Below(x) => measured < x,
        }
    }

    /// For people: `≥ 1.00`, `≤ 2.00`, `< 0.01`.
    pub fn show(self) -> String {
        match self {
            Bound::AtLeast(x) => format!("≥ {x:.2}"),
            Bound::AtMost(x) => format!("≤ {x:.2}"),
            Bound::Below(x) => format!("< {x:.2}"),
        }
    }

    /// For `--json`: `"at_least":1.0`.
    pub fn json(self) -> String {
        match self {
            Bound::AtLeast(x) => format!(r#""at_least":{x}"#),
            Bound::AtMost(x) => format!(r#""at_most":{x}"#),
            Bound::Below(x) => format!(r#""below":{x}"#),
        }
    }
}

/// What a target is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Throughput of a workload of both engines, median isolde / median SQLite, at every table
    /// size it runs at.
    Throughput(&'static str),
    /// Peak resident set growth during the load of the largest table, isolde / SQLite.
    LoadPeakMemory,
    /// Throughput of an isolation workload, median at SERIALIZABLE / median at SNAPSHOT.
    SsiOverSnapshot(&'static str),
    /// The median abort rate of an isolation workload at SERIALIZABLE.
    SsiAbortRate(&'static str),
    /// isolde's resident set after all the updates of `update_memory_growth` / after the first
    /// 1,000.
    UpdateMemoryGrowth,
}

impl Measure {
    /// The workload (as the result tables and `--json` name it) the target is measured on.
    pub fn workload(self) -> &'static str {
        match self {
            Measure::Throughput(w) | Measure::SsiOverSnapshot(w) | Measure::SsiAbortRate(w) => w,
            Measure::LoadPeakMemory => "load_peak_rss",
            Measure::UpdateMemoryGrowth => crate::memory::GROWTH_WORKLOAD,
        }
    }

    /// What the measured number is, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Measure::Throughput("bank_2threads") => "throughput isolde / SQLite, 2 threads each",
            Measure::Throughput(_) => "throughput isolde / SQLite",
            Measure::LoadPeakMemory => "peak RSS growth isolde / SQLite",
            Measure::SsiOverSnapshot(_) => "txn/s SERIALIZABLE / SNAPSHOT",
            Measure::SsiAbortRate(_) => "abort rate at SERIALIZABLE",
            Measure::UpdateMemoryGrowth => "isolde RSS after all updates / after 1,000",
        }
    }

    /// For `--json`: what the measured value is.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Throughput(_) | Measure::LoadPeakMemory => "isolde_over_sqlite",
            Measure::SsiOverSnapshot(_) => "serializable_over_snapshot",
            Measure::SsiAbortRate(_) => "serializable_abort_rate",
            Measure::UpdateMemoryGrowth => "rss_after_over_first",
        }
    }
}

/// One target: a row of the issue's table, applied to one workload.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The issue's row, as the issue words it.
    pub issue: &'static str,
    pub measure: Measure,
    pub bound: Bound,
}

const fn target(issue: &'static str, measure: Measure, bound: Bound) -> Target {
    Target { issue, measure, bound }
}

const PARITY: Bound = Bound::AtLeast(1.0);
const UPDATES: &str = "autocommit UPDATE and INSERT";
const RANGES: &str = "range scans";
const SSI: &str = "SERIALIZABLE (SSI) vs SNAPSHOT, SIBENCH and uniform bank";

/// The issue's targets, in the issue's order.
pub const TARGETS: &[Target] = &[
    target("point SELECT, prepared", Measure::Throughput("point_select"), PARITY),
    target("point SELECT, SQL text each time", Measure::Throughput("point_select_sql_text"), PARITY),
    target(UPDATES, Measure::Throughput("update_v"), PARITY),
    target(UPDATES, Measure::Throughput("update_k"), PARITY),
    target(UPDATES, Measure::Throughput("insert"), PARITY),
    target("bulk load", Measure::Throughput("load"), PARITY),
    target(RANGES, Measure::Throughput("range_id"), PARITY),
    target(RANGES, Measure::Throughput("range_k"), PARITY),
    target("`sum(k)` over the table", Measure::Throughput("sum_k"), Bound::AtLeast(0.5)),
    target("bank transfer, 1 thread", Measure::Throughput("bank_1thread"), PARITY),
    target("bank transfer, 2 threads", Measure::Throughput("bank_2threads"), Bound::AtLeast(1.5)),
    target("peak memory, 1,000,000 rows", Measure::LoadPeakMemory, Bound::AtMost(2.0)),
    target(SSI, Measure::SsiOverSnapshot("iso_sibench"), Bound::AtLeast(0.9)),
    target(SSI, Measure::SsiOverSnapshot("iso_bank_uniform"), Bound::AtLeast(0.9)),
    target("SSI aborts on the uniform bank transfer", Measure::SsiAbortRate("iso_bank_uniform"), Bound::Below(0.01)),
    target("memory after 1,000,000 updates of 1,000 rows", Measure::UpdateMemoryGrowth, Bound::AtMost(1.5)),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_admit_what_they_say() {
        assert!(Bound::AtLeast(1.0).admits(1.0) && !Bound::AtLeast(1.0).admits(0.99));
        assert!(Bound::AtMost(2.0).admits(2.0) && !Bound::AtMost(2.0).admits(2.01));
        assert!(Bound::Below(0.01).admits(0.0099) && !Bound::Below(0.01).admits(0.01));
        assert!(!Bound::AtLeast(1.0).admits(f64::NAN) && !Bound::AtMost(1.0).admits(f64::NAN));
        assert_eq!(Bound::Below(0.01).json(), r#""below":0.01"#);
    }

    #[test]
    fn every_throughput_target_names_a_workload_that_runs() {
        let table = crate::workloads::table::WORKLOADS.map(|w| w.name());
        let isolation = crate::workloads::isolation::WORKLOADS.map(|w| w.name());
        for t in TARGETS {
            let known = match t.measure {
                Measure::Throughput(w) => table.contains(&w) || w == "bank_1thread" || w == "bank_2threads",
                Measure::SsiOverSnapshot(w) | Measure::SsiAbortRate(w) => isolation.contains(&w),
                Measure::LoadPeakMemory | Measure::UpdateMemoryGrowth => true,
            };
            assert!(known, "{t:?}");
        }
    }
}
