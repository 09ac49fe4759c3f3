//! A randomized history checker in the manner of Jepsen's Elle (Kingsbury & Alvaro, VLDB
//! 2020), for the list-append workload.
//!
//! Threads run seeded random transactions of reads and appends over a few lists; the history
//! of what each asked and got back is recorded; Adya's dependency graph is rebuilt from the
//! outside, from nothing but the orders of the lists; its cycles are found and named.
//!
//! ```text
//!  workload::run ──> History ──> graph::Graph::infer ──> cycles::find ──> Report
//!  (threads, SQL)    (ops,        (version orders,         (scc: Tarjan;     (G0 … G2-item,
//!                     outcomes)    ww/wr/rw edges,          BFS witnesses)    one per line)
//!                                  G1a, G1b, internal …)
//! ```
//!
//! Why lists: an append is never lost in a read's value, so one read of a list shows the
//! order of every append before it. The longest read of a key is its version order; from it
//! come ww edges (consecutive appends), wr edges (a read ends at someone's append) and rw
//! edges (a read stops just before someone's append). A cycle of ww edges only is G0, of ww
//! and wr G1c, with exactly one rw G-single, with more G2-item. See [`graph`] and [`cycles`].
//!
//! What each level must not show is [`AnomalyKind::forbidden_at`]: READ COMMITTED no G0 or
//! G1 (and nothing that means a corrupt list), SNAPSHOT no G-single either, the serializable
//! levels no cycle at all. Like Elle, the checker is sound but not complete: what it reports
//! happened in every interpretation of the history, but it can miss anomalies the reads did
//! not reveal. It cannot see predicates (phantoms): tests of those are hand-written specs.
//!
//! `isolation-tests/tests/elle.rs` runs it at every level; a long run is
//! `cargo test -p isolation-tests --test elle -- --ignored long_run` (`ELLE_SEED=n` to pick
//! the seed), and `reproduce` reruns one workload described by environment variables.

pub mod cycles;
pub mod graph;
pub mod history;
pub mod report;
pub mod scc;
pub mod workload;

pub use graph::{EdgeKind, Graph};
pub use history::{History, Op, Outcome, Txn};
pub use report::{explain, Anomaly, AnomalyKind, Report};
pub use workload::{run, Mix, Workload};

/// Checks a history: the anomalies found while inferring its graph, and its cycles.
pub fn check(history: &History) -> Report {
    let graph = Graph::infer(history);
    let mut anomalies = graph.anomalies.clone();
    anomalies.extend(cycles::find(&graph));
    Report::new(anomalies)
}
