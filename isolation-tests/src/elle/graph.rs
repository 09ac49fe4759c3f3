//! Inference: from a list-append [`History`] to Adya's dependency graph, plus the anomalies
//! that need no cycle.
//!
//! Only *committed* reads are trusted as observations. The steps:
//!
//! 1. **Recoverability.** Values are unique per key, so `(key, value) -> writer` is a map.
//!    (A value appended twice breaks the workload, not the engine: that panics.)
//! 2. **Single-read checks.** A committed read with the same value twice is
//!    `duplicate-elements`; with a value nobody appended, `garbage-read`; with a value appended
//!    by an aborted transaction, G1a; whose last element is not the final append of its writer
//!    to that key, G1b (it saw the writer between two of its appends). Duplicate and garbage
//!    reads take no further part; G1a/G1b reads still order versions. A prefix of a sound read
//!    is sound, so only the longest read of a key and the reads that are not its prefixes are
//!    scanned element by element: long runs make reads thousands of elements long.
//! 3. **Internal consistency.** Within one transaction, a read of `k` must extend its previous
//!    read of `k` (lists only grow; under READ COMMITTED others' appends may appear in between)
//!    and end with the values it appended to `k` since then.
//! 4. **Version order.** Per key, the longest committed read is the order of versions; every
//!    other committed read must be a prefix of it, else `incompatible-order` (and that read
//!    yields no rw edge). Appends that no read shows stay unordered; the workload ends with a
//!    read of every key so that every committed append is ordered.
//! 5. **Edges** between distinct transactions that may have committed (aborted ones are not
//!    nodes), each labelled with the key that gave it:
//!
//! ```text
//!   order of key 3:  [ a , b , c ]        written by  Ta, Tb, Tc
//!   ww:  Ta -ww-> Tb -ww-> Tc             consecutive versions
//!   wr:  Tb -wr-> R                       R read [a, b]: its last element is Tb's
//!   rw:  R  -rw-> Tc                      R read [a, b]: Tc wrote the next version
//! ```
//!
//! A read of `[]` gives only an rw edge to the writer of the first element.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use super::history::{show, History, Op, Outcome, Txn};
use super::report::{Anomaly, AnomalyKind};

/// The kind of a dependency edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// The target appended the next version after the source's.
    Ww,
    /// The target read the source's version.
    Wr,
    /// The target appended the version after the one the source read (anti-dependency).
    Rw,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 3] = [EdgeKind::Ww, EdgeKind::Wr, EdgeKind::Rw];
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EdgeKind::Ww => "ww",
            EdgeKind::Wr => "wr",
            EdgeKind::Rw => "rw",
        })
    }
}

/// The edges from one transaction to another: for each kind, the smallest key that gave one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    pub ww: Option<u32>,
    pub wr: Option<u32>,
    pub rw: Option<u32>,
}

impl Labels {
    pub fn get(&self, kind: EdgeKind) -> Option<u32> {
        match kind {
            EdgeKind::Ww => self.ww,
            EdgeKind::Wr => self.wr,
            EdgeKind::Rw => self.rw,
        }
    }

    fn add(&mut self, kind: EdgeKind, key: u32) {
        let slot = match kind {
            EdgeKind::Ww => &mut self.ww,
            EdgeKind::Wr => &mut self.wr,
            EdgeKind::Rw => &mut self.rw,
        };
        *slot = Some(slot.map_or(key, |k| k.min(key)));
    }
}

/// The dependency graph of a history, with the version orders it came from and the
/// non-cycle anomalies found on the way.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// `out[a][b]`: the edges `a -> b`.
    pub out: BTreeMap<usize, BTreeMap<usize, Labels>>,
    /// Per key, the version order: the longest committed read.
    pub orders: BTreeMap<u32, Vec<u64>>,
    pub anomalies: Vec<Anomaly>,
}

/// A committed read.
struct Read<'h> {
    txn: usize,
    list: &'h [u64],
}

impl Graph {
    /// Infers the graph of `history`; see the module documentation.
    pub fn infer(history: &History) -> Graph {
        let mut g = Graph::default();
        let writers = writers(history);
        let node = |id: usize| history.get(id).may_have_committed();
        let mut reads: BTreeMap<u32, Vec<Read>> = BTreeMap::new();
        for t in history.txns().iter().filter(|t| t.outcome == Outcome::Committed) {
            if let Some(a) = internal(t) {
                g.anomalies.push(a);
            }
            for op in &t.ops {
                if let Op::Read { key, list: Some(list) } = op {
                    reads.entry(*key).or_default().push(Read { txn: t.id, list });
                }
            }
        }
        for (&key, reads) in &reads {
            // The version order: the longest read with sound elements (the first of equals).
            // Every prefix of it is sound too, so only reads that are not prefixes get scanned.
            let mut ranked: Vec<&Read> = reads.iter().collect();
            ranked.sort_by_key(|r| std::cmp::Reverse(r.list.len()));
            let chosen = ranked.into_iter().find(|r| unsound(&writers, key, r.list).is_none());
            let (order, order_txn) = chosen.map_or((&[][..], usize::MAX), |r| (r.list, r.txn));
            let first_aborted = order.iter().position(|v| !node(writers[&(key, *v)]));
            for pair in order.windows(2) {
                let (a, b) = (writers[&(key, pair[0])], writers[&(key, pair[1])]);
                if a != b && node(a) && node(b) {
                    g.add(a, b, EdgeKind::Ww, key);
                }
            }
            for r in reads {
                let prefix = order.starts_with(r.list);
                let aborted = if prefix {
                    first_aborted.filter(|i| *i < r.list.len())
                } else if let Some((kind, detail)) = unsound(&writers, key, r.list) {
                    let detail = format!("T{} read {} of key {key}, {detail}", r.txn, show(r.list));
                    g.anomalies.push(Anomaly::new(kind, vec![r.txn], detail));
                    continue;
                } else {
                    r.list.iter().position(|v| !node(writers[&(key, *v)]))
                };
                if let Some(v) = aborted.map(|i| r.list[i]) {
                    let w = writers[&(key, v)];
                    let detail = format!(
                        "T{} read {} of key {key}, with {v} appended by T{w}, which aborted",
                        r.txn,
                        show(r.list)
                    );
                    g.anomalies.push(Anomaly::new(AnomalyKind::G1a, vec![r.txn, w], detail));
                }
                if let Some(&last) = r.list.last() {
                    let w = writers[&(key, last)];
                    let final_append = history.get(w).appends_to(key).last();
                    if w != r.txn && node(w) && final_append != Some(last) {
                        let detail = format!(
                            "T{} read {} of key {key}, which ends at {last} appended by T{w}, whose final append \
                             to key {key} is {}",
                            r.txn,
                            show(r.list),
                            final_append.expect("the writer appended"),
                        );
                        g.anomalies.push(Anomaly::new(AnomalyKind::G1b, vec![r.txn, w], detail));
                    }
                    if w != r.txn && node(w) {
                        g.add(w, r.txn, EdgeKind::Wr, key);
                    }
                }
                if !prefix {
                    let at = r.list.iter().zip(order).take_while(|(a, b)| a == b).count();
                    let detail = format!(
                        "key {key}: T{} read {} and T{order_txn} read {}, which differ at index {at}",
                        r.txn,
                        show(&r.list[..=at]),
                        show(&order[..=at]),
                    );
                    g.anomalies.push(Anomaly::new(AnomalyKind::IncompatibleOrder, vec![r.txn, order_txn], detail));
                } else if let Some(next) = order.get(r.list.len()) {
                    let w = writers[&(key, *next)];
                    if w != r.txn && node(w) {
                        g.add(r.txn, w, EdgeKind::Rw, key);
                    }
                }
            }
            if chosen.is_some() {
                g.orders.insert(key, order.to_vec());
            }
        }
        g
    }

    fn add(&mut self, from: usize, to: usize, kind: EdgeKind, key: u32) {
        self.out.entry(from).or_default().entry(to).or_default().add(kind, key);
        self.out.entry(to).or_default();
    }

    /// The edges `from -> to`, if any.
    pub fn labels(&self, from: usize, to: usize) -> Option<&Labels> {
        self.out.get(&from)?.get(&to)
    }

    /// Every edge as `(from, to, kind, key)`, sorted.
    pub fn edges(&self) -> Vec<(usize, usize, EdgeKind, u32)> {
        let mut edges = Vec::new();
        for (from, targets) in &self.out {
            for (to, labels) in targets {
                for kind in EdgeKind::ALL {
                    if let Some(key) = labels.get(kind) {
                        edges.push((*from, *to, kind, key));
                    }
                }
            }
        }
        edges
    }
}

/// Whether a read of `key` returned a value twice or a value nobody appended: the kind and
/// the explanation.
fn unsound(writers: &HashMap<(u32, u64), usize>, key: u32, list: &[u64]) -> Option<(AnomalyKind, String)> {
    let mut seen = HashSet::with_capacity(list.len());
    if let Some(dup) = list.iter().find(|v| !seen.insert(**v)) {
        return Some((AnomalyKind::DuplicateElements, format!("where {dup} appears twice")));
    }
    let garbage = list.iter().find(|v| !writers.contains_key(&(key, **v)))?;
    Some((AnomalyKind::GarbageRead, format!("but nobody appended {garbage}")))
}

/// `(key, value) -> the transaction that appended it`. Panics if a value was appended twice.
fn writers(history: &History) -> HashMap<(u32, u64), usize> {
    let mut writers = HashMap::new();
    for t in history.txns() {
        for op in &t.ops {
            if let Op::Append { key, value } = op {
                if let Some(other) = writers.insert((*key, *value), t.id) {
                    panic!("not a list-append history: T{other} and T{} both append {value} to key {key}", t.id);
                }
            }
        }
    }
    writers
}

/// Step 3: the first read of `t` that contradicts its own earlier reads and appends.
fn internal(t: &Txn) -> Option<Anomaly> {
    // Per key: the last list read, and what this transaction appended since.
    let mut state: BTreeMap<u32, (Option<&[u64]>, Vec<u64>)> = BTreeMap::new();
    for op in &t.ops {
        match op {
            Op::Append { key, value } => state.entry(*key).or_default().1.push(*value),
            Op::Read { list: None, .. } => {}
            Op::Read { key, list: Some(list) } => {
                let (prev, own) = state.entry(*key).or_default();
                let prefix = prev.unwrap_or(&[]);
                let ok = list.starts_with(prefix) && list.ends_with(own) && list.len() >= prefix.len() + own.len();
                if !ok {
                    let after = match prev {
                        Some(p) => format!("after reading {} and appending {}", show(p), show(own)),
                        None => format!("after appending {}", show(own)),
                    };
                    let detail = format!("T{} read {} of key {key} {after}", t.id, show(list));
                    return Some(Anomaly::new(AnomalyKind::Internal, vec![t.id], detail));
                }
                *prev = Some(list);
                own.clear();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elle::history::Op::{self, Append};
    use crate::elle::{check, AnomalyKind::*};

    fn read(key: u32, list: &[u64]) -> Op {
        Op::read(key, list)
    }

    fn append(key: u32, value: u64) -> Op {
        Append { key, value }
    }

    #[test]
    fn edges_from_list_orders() {
        let mut h = History::new();
        let a = h.committed(vec![append(3, 1)]);
        let b = h.committed(vec![read(3, &[1]), append(3, 2)]);
        let r = h.committed(vec![read(3, &[1, 2])]);
        let c = h.committed(vec![append(3, 3)]);
        let last = h.committed(vec![read(3, &[1, 2, 3])]);
        let g = Graph::infer(&h);
        assert!(g.anomalies.is_empty(), "{:?}", g.anomalies);
        assert_eq!(g.orders[&3], vec![1, 2, 3]);
        use EdgeKind::*;
        // b read [1] before appending 2 itself: no rw edge from b to the writer of 2.
        let expected =
            vec![(a, b, Ww, 3), (a, b, Wr, 3), (b, r, Wr, 3), (b, c, Ww, 3), (r, c, Rw, 3), (c, last, Wr, 3)];
        assert_eq!(g.edges(), expected);
    }

    #[test]
    fn aborted_read_is_g1a() {
        let mut h = History::new();
        h.aborted(vec![append(1, 1)]);
        h.committed(vec![read(1, &[1])]);
        let report = check(&h);
        assert!(report.has(G1a), "{report}");
        assert_eq!(
            report.to_string(),
            "1 anomalies: G1a x1\n  G1a: T1 read [1] of key 1, with 1 appended by T0, which aborted"
        );
    }

    #[test]
    fn intermediate_read_is_g1b() {
        let mut h = History::new();
        h.committed(vec![append(1, 1), append(1, 2)]);
        h.committed(vec![read(1, &[1])]);
        h.committed(vec![read(1, &[1, 2])]);
        let report = check(&h);
        assert_eq!(report.of_kinds(&[G1b]).len(), 1, "{report}");
        assert!(!report.has(G1a), "{report}");
    }

    #[test]
    fn incompatible_orders() {
        let mut h = History::new();
        h.committed(vec![append(1, 1)]);
        h.committed(vec![append(1, 2)]);
        h.committed(vec![read(1, &[1, 2])]);
        h.committed(vec![read(1, &[2, 1])]);
        let report = check(&h);
        assert!(report.has(IncompatibleOrder), "{report}");
        assert!(report.to_string().contains("key 1: T3 read [2] and T2 read [1], which differ at index 0"), "{report}");
    }

    #[test]
    fn internal_inconsistency() {
        let mut h = History::new();
        h.committed(vec![append(1, 1), read(1, &[])]);
        h.committed(vec![read(2, &[]), append(2, 5), read(2, &[5]), read(2, &[])]);
        h.committed(vec![read(1, &[1])]);
        let report = check(&h);
        assert_eq!(report.count(Internal), 2, "{report}");
        assert!(report.to_string().contains("T0 read [] of key 1 after appending [1]"), "{report}");
        assert!(report.to_string().contains("T1 read [] of key 2 after reading [5] and appending []"), "{report}");
    }

    #[test]
    fn internal_allows_what_read_committed_allows() {
        // Another transaction's appends may appear between a read and the next, and before our own.
        let mut h = History::new();
        h.committed(vec![read(1, &[]), append(1, 2), read(1, &[1, 2])]);
        h.committed(vec![append(1, 1)]);
        let report = check(&h);
        assert!(!report.has(Internal), "{report}");
    }

    #[test]
    fn duplicates_and_garbage() {
        let mut h = History::new();
        h.committed(vec![append(1, 1)]);
        h.committed(vec![read(1, &[1, 1])]);
        h.committed(vec![read(1, &[99])]);
        let report = check(&h);
        assert!(report.has(DuplicateElements) && report.has(GarbageRead), "{report}");
        assert_eq!(report.anomalies.len(), 2, "{report}");
    }

    #[test]
    #[should_panic(expected = "both append 1 to key 1")]
    fn values_must_be_unique() {
        let mut h = History::new();
        h.committed(vec![append(1, 1)]);
        h.committed(vec![append(1, 1)]);
        Graph::infer(&h);
    }
}
