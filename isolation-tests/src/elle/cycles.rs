//! Cycle search: strongly connected components, then a short witness cycle inside each,
//! named by the kinds of its edges.
//!
//! A cycle exists iff a strongly connected component (SCC) has two or more transactions, so
//! each search first runs Tarjan's algorithm (linear) on the graph restricted to the edge kinds
//! it may use, then looks for one witness per component with a breadth-first search that stays
//! inside the component, so witnesses are short:
//!
//! | search | edges | witness |
//! |---|---|---|
//! | G0 | ww | any cycle of the ww-only component |
//! | G1c | ww, wr | a wr edge `a -> b` of the component closed by a ww/wr path `b ~> a` |
//! | G-single | all | an rw edge `a -> b` closed by a ww/wr path `b ~> a`: exactly one rw |
//! | G2-item | all | an rw edge `a -> b` closed by any path, with two or more rw edges |
//!
//! The G-single search is complete: for each transaction `a` with an rw edge in the component,
//! one backwards search finds every `b` that reaches `a` over ww/wr edges. The G2-item search
//! tries at most [`G2_ATTEMPTS`] rw edges per component; when the component has no G-single,
//! every cycle through an rw edge has two, so the first attempt succeeds and no component with
//! a cycle goes unreported. Along a path, each hop is labelled with its weakest kind (ww, then
//! wr, then rw). Output is deterministic: nodes and edges are visited in id order.

use std::collections::{BTreeMap, VecDeque};

use super::graph::{EdgeKind, Graph};
use super::report::{Anomaly, AnomalyKind};
use super::scc::{sccs, topological_rank};

/// How many rw edges of one component the G2-item search tries.
pub const G2_ATTEMPTS: usize = 64;

const WW: &[EdgeKind] = &[EdgeKind::Ww];
const WW_WR: &[EdgeKind] = &[EdgeKind::Ww, EdgeKind::Wr];
const ALL: &[EdgeKind] = &EdgeKind::ALL;

/// A cycle as its edges `(from, kind, key)`; each edge ends where the next begins.
type Cycle = Vec<(usize, EdgeKind, u32)>;

/// Every cycle anomaly of `g`: at most one witness per component per kind.
pub fn find(g: &Graph) -> Vec<Anomaly> {
    let mut found = Vec::new();
    for scc in sccs(g, WW) {
        let inside = membership(g, &scc);
        let a = scc[0];
        let b = successors(g, a, WW, &inside).next().expect("a component member has a successor inside");
        if let Some(c) = close(g, (a, EdgeKind::Ww), b, WW, &inside) {
            found.push(anomaly(AnomalyKind::G0, &c));
        }
    }
    for scc in sccs(g, WW_WR) {
        let inside = membership(g, &scc);
        let wr = scc
            .iter()
            .find_map(|&a| g.out[&a].iter().find(|(b, l)| inside[**b] && l.wr.is_some()).map(|(b, _)| (a, *b)));
        if let Some(c) = wr.and_then(|(a, b)| close(g, (a, EdgeKind::Wr), b, WW_WR, &inside)) {
            found.push(anomaly(AnomalyKind::G1c, &c));
        }
    }
    for scc in sccs(g, ALL) {
        let inside = membership(g, &scc);
        let rw: Vec<(usize, usize)> = scc
            .iter()
            .flat_map(|&a| g.out[&a].iter().filter(|(b, l)| inside[**b] && l.rw.is_some()).map(move |(b, _)| (a, *b)))
            .collect();
        if let Some(c) = g_single(g, &scc, &rw, &inside) {
            found.push(anomaly(AnomalyKind::GSingle, &c));
        }
        let g2 = rw.iter().take(G2_ATTEMPTS).filter_map(|&(a, b)| close(g, (a, EdgeKind::Rw), b, ALL, &inside));
        if let Some(c) = g2.into_iter().find(|c| c.iter().filter(|e| e.1 == EdgeKind::Rw).count() >= 2) {
            found.push(anomaly(AnomalyKind::G2Item, &c));
        }
    }
    found
}

/// The G-single search: for each source `a` of an rw edge, the transactions that reach `a`
/// over ww/wr edges inside the component (one backwards search), and the first rw successor
/// among them. When the ww/wr edges of the component are acyclic (no G0/G1c), a topological
/// rank prunes the search: `b ~> a` needs `rank[b] < rank[a]`, so an rw edge that goes
/// forwards in that order closes no cycle, and the backwards search from `a` need not go
/// below its lowest candidate. Works on indices local to the component.
fn g_single(g: &Graph, scc: &[usize], rw: &[(usize, usize)], inside: &[bool]) -> Option<Cycle> {
    let n = scc.len();
    let local = |id: usize| scc.binary_search(&id).expect("a member");
    let (mut into, mut out) = (vec![Vec::new(); n], vec![Vec::new(); n]);
    for (i, &a) in scc.iter().enumerate() {
        for j in successors(g, a, WW_WR, inside).map(local) {
            out[i].push(j);
            into[j].push(i);
        }
    }
    let rank = topological_rank(&out, &into);
    let before = |x: usize, y: usize| rank.as_ref().is_none_or(|r| r[x] < r[y]);
    let mut rw_out = vec![Vec::new(); n];
    for &(a, b) in rw {
        rw_out[local(a)].push(local(b));
    }
    // next[x]: the step from x towards the current source; seen[x]: the source it was set for.
    let (mut next, mut seen) = (vec![0; n], vec![usize::MAX; n]);
    for a in 0..n {
        let candidates: Vec<usize> = rw_out[a].iter().copied().filter(|&b| before(b, a)).collect();
        let Some(&lowest) = candidates.iter().min_by_key(|&&b| rank.as_ref().map_or(0, |r| r[b])) else {
            continue;
        };
        seen[a] = a;
        let mut queue = VecDeque::from([a]);
        while let Some(x) = queue.pop_front() {
            for &p in &into[x] {
                if seen[p] != a && (p == lowest || before(lowest, p)) {
                    seen[p] = a;
                    next[p] = x;
                    queue.push_back(p);
                }
            }
        }
        if let Some(&b) = candidates.iter().find(|&&b| seen[b] == a) {
            let mut nodes = vec![a, b];
            while *nodes.last().unwrap() != a {
                nodes.push(next[*nodes.last().unwrap()]);
            }
            nodes.pop();
            let nodes: Vec<usize> = nodes.into_iter().map(|i| scc[i]).collect();
            return Some(label(g, &nodes, EdgeKind::Rw));
        }
    }
    None
}

/// The cycle made of `first` (an edge from `first.0` to `b` of kind `first.1`) and a shortest
/// path `b ~> first.0` over `kinds` inside the component.
fn close(g: &Graph, first: (usize, EdgeKind), b: usize, kinds: &[EdgeKind], inside: &[bool]) -> Option<Cycle> {
    let a = first.0;
    let mut prev: BTreeMap<usize, usize> = BTreeMap::from([(b, b)]);
    let mut queue = VecDeque::from([b]);
    while let Some(x) = queue.pop_front() {
        if x == a {
            let mut path = vec![a];
            while *path.last().unwrap() != b {
                path.push(prev[path.last().unwrap()]);
            }
            path.reverse(); // b .. a
            let mut nodes = vec![a];
            nodes.extend(&path[..path.len() - 1]);
            return Some(label(g, &nodes, first.1));
        }
        for y in successors(g, x, kinds, inside) {
            if let std::collections::btree_map::Entry::Vacant(e) = prev.entry(y) {
                e.insert(x);
                queue.push_back(y);
            }
        }
    }
    None
}

/// Labels the cycle through `nodes` (closing back to the first): the first edge with `first`,
/// every other with its weakest kind present.
fn label(g: &Graph, nodes: &[usize], first: EdgeKind) -> Cycle {
    (0..nodes.len())
        .map(|i| {
            let (from, to) = (nodes[i], nodes[(i + 1) % nodes.len()]);
            let labels = g.labels(from, to).expect("cycle edges exist");
            let kind = if i == 0 { first } else { *ALL.iter().find(|k| labels.get(**k).is_some()).unwrap() };
            (from, kind, labels.get(kind).expect("the edge has this kind"))
        })
        .collect()
}

/// `T12 -rw-> T15 -wr-> T12 (key 3)`; `(keys 3, 1)` when the edges are on different keys.
fn anomaly(kind: AnomalyKind, cycle: &Cycle) -> Anomaly {
    let mut text = String::new();
    for (from, edge, _) in cycle {
        text += &format!("T{from} -{edge}-> ");
    }
    text += &format!("T{}", cycle[0].0);
    let keys: Vec<String> = cycle.iter().map(|e| e.2.to_string()).collect();
    if keys.iter().all(|k| *k == keys[0]) {
        text += &format!(" (key {})", keys[0]);
    } else {
        text += &format!(" (keys {})", keys.join(", "));
    }
    Anomaly::new(kind, cycle.iter().map(|e| e.0).collect(), text)
}

/// `inside[id]`: whether transaction `id` belongs to `scc`.
fn membership(g: &Graph, scc: &[usize]) -> Vec<bool> {
    let mut inside = vec![false; g.out.keys().next_back().map_or(0, |max| max + 1)];
    for &id in scc {
        inside[id] = true;
    }
    inside
}

/// The successors of `from` over `kinds`, inside the component, in id order.
pub(super) fn successors<'g>(
    g: &'g Graph,
    from: usize,
    kinds: &'g [EdgeKind],
    inside: &'g [bool],
) -> impl Iterator<Item = usize> + 'g {
    g.out[&from].iter().filter(move |(to, l)| inside[**to] && kinds.iter().any(|k| l.get(*k).is_some())).map(|e| *e.0)
}

#[cfg(test)]
mod tests {
    use crate::elle::history::{History, Op};
    use crate::elle::{check, AnomalyKind::*, Report};

    fn read(key: u32, list: &[u64]) -> Op {
        Op::read(key, list)
    }

    fn append(key: u32, value: u64) -> Op {
        Op::append(key, value)
    }

    fn cycles(report: &Report) -> Vec<String> {
        report.cycles().iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn dirty_write_is_g0() {
        let mut h = History::new();
        h.committed(vec![append(1, 1), append(2, 2)]);
        h.committed(vec![append(1, 3), append(2, 4)]);
        h.committed(vec![read(1, &[1, 3]), read(2, &[4, 2])]);
        let report = check(&h);
        assert_eq!(cycles(&report), ["G0: T0 -ww-> T1 -ww-> T0 (keys 1, 2)"], "{report}");
    }

    #[test]
    fn circular_information_flow_is_g1c() {
        let mut h = History::new();
        h.committed(vec![append(1, 1), read(2, &[2])]);
        h.committed(vec![append(2, 2), read(1, &[1])]);
        let report = check(&h);
        assert_eq!(cycles(&report), ["G1c: T0 -wr-> T1 -wr-> T0 (keys 1, 2)"], "{report}");
    }

    #[test]
    fn read_skew_is_g_single() {
        let mut h = History::new();
        h.committed(vec![read(1, &[]), read(2, &[2])]);
        h.committed(vec![append(1, 1), append(2, 2)]);
        h.committed(vec![read(1, &[1])]);
        let report = check(&h);
        assert_eq!(cycles(&report), ["G-single: T0 -rw-> T1 -wr-> T0 (keys 1, 2)"], "{report}");
        assert!(!report.has(G2Item), "{report}");
    }

    #[test]
    fn g_single_inside_a_component_with_g1c() {
        // T0 and T1 read each other's appends (G1c); T2 saw T0's append to key 1 but not T1's
        // to key 2: T2 -rw-> T1 -wr-> T0 -wr-> T2.
        let mut h = History::new();
        h.committed(vec![append(1, 1), read(2, &[2])]);
        h.committed(vec![append(2, 2), read(1, &[1])]);
        h.committed(vec![read(1, &[1]), read(2, &[])]);
        let report = check(&h);
        assert_eq!(
            cycles(&report),
            ["G1c: T0 -wr-> T1 -wr-> T0 (keys 1, 2)", "G-single: T2 -rw-> T1 -wr-> T0 -wr-> T2 (keys 2, 2, 1)"],
            "{report}"
        );
    }

    #[test]
    fn lost_update_is_g_single() {
        // Both read [] and append: T0's append lands after T1's although T0 never saw it.
        let mut h = History::new();
        h.committed(vec![read(3, &[]), append(3, 1)]);
        h.committed(vec![read(3, &[]), append(3, 2)]);
        h.committed(vec![read(3, &[2, 1])]);
        let report = check(&h);
        assert_eq!(cycles(&report), ["G-single: T0 -rw-> T1 -ww-> T0 (key 3)"], "{report}");
    }

    #[test]
    fn write_skew_is_g2_item() {
        let mut h = History::new();
        h.committed(vec![read(1, &[]), read(2, &[]), append(1, 1)]);
        h.committed(vec![read(1, &[]), read(2, &[]), append(2, 2)]);
        h.committed(vec![read(1, &[1]), read(2, &[2])]);
        let report = check(&h);
        assert_eq!(cycles(&report), ["G2-item: T0 -rw-> T1 -rw-> T0 (keys 2, 1)"], "{report}");
        assert!(!report.has(GSingle), "{report}");
    }

    #[test]
    fn aborted_transactions_are_not_nodes() {
        // The same write skew, but one side aborted: no cycle.
        let mut h = History::new();
        h.committed(vec![read(1, &[]), read(2, &[]), append(1, 1)]);
        h.aborted(vec![read(1, &[]), read(2, &[]), append(2, 2)]);
        h.committed(vec![read(1, &[1]), read(2, &[])]);
        let report = check(&h);
        assert!(report.is_empty(), "{report}");
    }

    #[test]
    fn serial_history_has_no_anomaly() {
        let mut h = History::new();
        h.committed(vec![read(1, &[]), append(1, 1), append(2, 1)]);
        h.committed(vec![read(1, &[1]), append(1, 2), read(2, &[1])]);
        h.committed(vec![read(2, &[1]), append(2, 3), read(1, &[1, 2]), append(1, 3)]);
        h.aborted(vec![append(1, 4), Op::Read { key: 2, list: None }]);
        h.committed(vec![read(1, &[1, 2, 3]), read(2, &[1, 3])]);
        let report = check(&h);
        assert!(report.is_empty(), "{report}");
        assert_eq!(report.to_string(), "no anomalies");
    }

    #[test]
    fn one_witness_per_component_and_kind() {
        // Two disjoint write skews on different keys, plus a chain leading nowhere.
        let mut h = History::new();
        for (x, y) in [(1, 2), (3, 4)] {
            h.committed(vec![read(x, &[]), read(y, &[]), append(x, 1)]);
            h.committed(vec![read(x, &[]), read(y, &[]), append(y, 2)]);
            h.committed(vec![read(x, &[1]), read(y, &[2])]);
        }
        let report = check(&h);
        assert_eq!(
            cycles(&report),
            ["G2-item: T0 -rw-> T1 -rw-> T0 (keys 2, 1)", "G2-item: T3 -rw-> T4 -rw-> T3 (keys 4, 3)"],
            "{report}"
        );
        assert_eq!(report.anomalies[1].txns, vec![3, 4]);
    }

    #[test]
    fn long_chains_do_not_overflow_the_stack() {
        // 20,000 transactions, each appending once to key 1: one long ww chain, no cycle.
        let mut h = History::new();
        let n = 20_000u64;
        for v in 1..=n {
            h.committed(vec![append(1, v)]);
        }
        h.committed(vec![read(1, &(1..=n).collect::<Vec<_>>())]);
        assert!(check(&h).is_empty());
    }
}
