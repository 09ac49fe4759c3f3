//! Deadlock detection: the waits-for graph over a snapshot of the lock table, and the search for
//! a cycle through the transaction that is about to wait.
//!
//! Everything here is a pure function of [`QueueSnapshot`]s (copies of the lock queues that have
//! waiters), so the rules can be tested on hand-made graphs without threads. The lock manager
//! (`lock_manager.rs`) takes the snapshot under its mutex, each time a request has to wait (and
//! when inherited gap locks give waiting inserts a new blocker), and acts on the answer.
//!
//! ## Edges
//!
//! For every waiter `W` of a queue, requesting mode `m`:
//!
//! ```text
//!   hard edge  W -> H   for every holder H != W whose held mode conflicts with m
//!   soft edge  W -> Q   for every waiter Q != W queued AHEAD of W whose request conflicts with m
//! ```
//!
//! "Conflicts" is [`compatible`] with the holder's (or the earlier waiter's) mode as the held
//! one: the table matrix (IS, IX, S, SIX, X), S/X for rows and index records, and for gaps
//! "a gap lock blocks an insert intention". The lock manager grants a waiter exactly when it
//! conflicts with no holder and no waiter ahead, so the edges are exactly what a waiter waits
//! for. A soft edge exists because the queue is ordered: `W` cannot be granted before a `Q`
//! ahead that it conflicts with, even if `W` is compatible with every holder (PostgreSQL lmgr
//! README calls these soft edges); a waiter compatible with the request ahead of it (an IS
//! behind a waiting S) has no edge to it and does not wait for it.
//!
//! Queues whose waiters are independent ([`LockTarget::waiters_are_independent`]) contribute no
//! soft edges: a `Transaction(T)` target has `T` as its only (exclusive) holder, so waiting for
//! the end of `T` is a hard edge `W -> T`, and its waiters are all released together when `T`
//! ends; a gap's waiters are insert intentions, which have hard edges to the transactions that
//! hold gap locks on it (other than themselves) and never wait for each other.
//!
//! `W` waits for one target at a time, so it has at most one edge to a given blocker: a hard edge
//! wins over a soft one to the same transaction (an upgrader queued ahead that also holds).
//!
//! ## Search
//!
//! [`WaitsForGraph::find_cycle`] runs a depth-first search from the requester, following edges in
//! ascending blocker order, and stops at the first edge back to the requester. It visits each
//! transaction at most once (a transaction explored without reaching the requester never will),
//! so it costs O(edges), and it is iterative, so a long chain of waiters cannot overflow the stack.
//! Cycles that do not pass through the requester are not its business: each was closed by an
//! earlier request, whose own search found it.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::TxnId;

use super::lock_manager::{compatible, LockMode, LockTarget};

/// Whether the waiter blocks on a holder (hard) or on an earlier waiter of the queue (soft).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EdgeKind {
    Hard,
    Soft,
}

/// One waits-for edge: `waiter` cannot proceed before `blocker` releases `target` (hard) or is
/// granted and releases it (soft). `mode` is what the waiter asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Edge {
    pub waiter: TxnId,
    pub blocker: TxnId,
    pub target: LockTarget,
    pub mode: LockMode,
    pub kind: EdgeKind,
}

/// A copy of one lock queue: its holders, and its waiters in queue order (front first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct QueueSnapshot {
    pub target: LockTarget,
    pub holders: Vec<(TxnId, LockMode)>,
    pub waiters: Vec<(TxnId, LockMode)>,
}

impl QueueSnapshot {
    /// The edges out of the waiter at `index` of the queue, sorted by blocker, one per blocker.
    pub(super) fn edges_of(&self, index: usize) -> Vec<Edge> {
        let (waiter, mode) = self.waiters[index];
        let edge = |blocker, kind| Edge { waiter, blocker, target: self.target.clone(), mode, kind };
        let mut edges: Vec<Edge> = self
            .holders
            .iter()
            .filter(|&&(holder, held)| holder != waiter && !compatible(held, mode))
            .map(|&(holder, _)| edge(holder, EdgeKind::Hard))
            .collect();
        if !self.target.waiters_are_independent() {
            edges.extend(
                self.waiters[..index]
                    .iter()
                    .filter(|&&(ahead, asked)| ahead != waiter && !compatible(asked, mode))
                    .map(|&(ahead, _)| edge(ahead, EdgeKind::Soft)),
            );
        }
        // Stable sort: for one blocker the hard edge (pushed first) stays first and is kept.
        edges.sort_by_key(|e| (e.blocker, e.kind));
        edges.dedup_by_key(|e| e.blocker);
        edges
    }
}

/// The waits-for graph: for each waiting transaction, its out-edges sorted by blocker.
#[derive(Debug, Default)]
pub(super) struct WaitsForGraph {
    out: BTreeMap<TxnId, Vec<Edge>>,
}

impl WaitsForGraph {
    /// The graph of every waiter of the given queues.
    pub(super) fn build<'a>(queues: impl IntoIterator<Item = &'a QueueSnapshot>) -> WaitsForGraph {
        let mut out: BTreeMap<TxnId, Vec<Edge>> = BTreeMap::new();
        for queue in queues {
            for index in 0..queue.waiters.len() {
                let edges = queue.edges_of(index);
                out.entry(queue.waiters[index].0).or_default().extend(edges);
            }
        }
        // A transaction waits in one queue only; should a caller hand over an inconsistent
        // snapshot, keep the order deterministic all the same.
        for edges in out.values_mut() {
            edges.sort_by(|a, b| (a.blocker, &a.target).cmp(&(b.blocker, &b.target)));
        }
        WaitsForGraph { out }
    }

    /// The edges out of `txn` (empty if it does not wait).
    pub(super) fn edges_from(&self, txn: TxnId) -> &[Edge] {
        self.out.get(&txn).map_or(&[], Vec::as_slice)
    }

    /// A cycle through `start`, as its edges in order from `start` back to `start`: the first one
    /// a depth-first search in ascending blocker order finds. `None` if `start` is on no cycle.
    pub(super) fn find_cycle(&self, start: TxnId) -> Option<Vec<Edge>> {
        let mut visited = BTreeSet::from([start]);
        // stack[i] = (node, index of its next edge to try); path[i] = edge stack[i] -> stack[i+1].
        let mut stack: Vec<(TxnId, usize)> = vec![(start, 0)];
        let mut path: Vec<&Edge> = Vec::new();
        while let Some((node, next)) = stack.last_mut() {
            let edges = self.edges_from(*node);
            let Some(edge) = edges.get(*next) else {
                stack.pop();
                path.pop();
                continue;
            };
            *next += 1;
            if edge.blocker == start {
                path.push(edge);
                return Some(path.into_iter().cloned().collect());
            }
            if visited.insert(edge.blocker) {
                path.push(edge);
                stack.push((edge.blocker, 0));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::TableId;
    use crate::txn::lock_manager::{GapEnd, IndexId};
    use crate::types::{Key, Value};
    use LockMode::{
        Exclusive as X, Gap as G, InsertIntention as II, IntentionExclusive as IX, IntentionShared as IS, Shared as S,
        SharedIntentionExclusive as SIX,
    };

    fn row(k: i64) -> LockTarget {
        LockTarget::Row { table: TableId(1), key: Key::One(Value::Integer(k)) }
    }

    fn table() -> LockTarget {
        LockTarget::Table(TableId(1))
    }

    fn gap() -> LockTarget {
        LockTarget::Gap { table: TableId(1), index: IndexId::Secondary(0), before: GapEnd::Supremum }
    }

    fn t(id: u64) -> TxnId {
        TxnId(id)
    }

    fn queue(target: LockTarget, holders: &[(u64, LockMode)], waiters: &[(u64, LockMode)]) -> QueueSnapshot {
        QueueSnapshot {
            target,
            holders: holders.iter().map(|&(id, m)| (t(id), m)).collect(),
            waiters: waiters.iter().map(|&(id, m)| (t(id), m)).collect(),
        }
    }

    /// The cycle as (waiter, blocker) pairs.
    fn pairs(cycle: &[Edge]) -> Vec<(u64, u64)> {
        cycle.iter().map(|e| (e.waiter.0, e.blocker.0)).collect()
    }

    #[test]
    fn hard_edges_only_to_conflicting_holders() {
        let q = queue(row(1), &[(1, S), (2, S)], &[(3, S), (4, X)]);
        assert!(q.edges_of(0).is_empty(), "S behind nothing, S holders: no edge");
        let e = q.edges_of(1);
        // 4 (X) conflicts with holders 1 and 2 (hard); 3's S request ahead conflicts too (soft).
        assert_eq!(
            e.iter().map(|e| (e.blocker.0, e.kind)).collect::<Vec<_>>(),
            vec![(1, EdgeKind::Hard), (2, EdgeKind::Hard), (3, EdgeKind::Soft)]
        );
        assert!(e.iter().all(|e| e.waiter == t(4) && e.mode == X && e.target == row(1)));
    }

    #[test]
    fn soft_edge_only_to_conflicting_waiter_ahead() {
        // Holder X; waiters S, S, X: the second S does not wait for the first S (compatible), only
        // for the holder; the X waits for everyone.
        let q = queue(row(1), &[(1, X)], &[(2, S), (3, S), (4, X)]);
        assert_eq!(q.edges_of(1).iter().map(|e| e.blocker.0).collect::<Vec<_>>(), vec![1]);
        assert_eq!(q.edges_of(2).iter().map(|e| e.blocker.0).collect::<Vec<_>>(), vec![1, 2, 3]);
        // An S behind a queued X waits for it even though the holders are compatible.
        let q = queue(row(1), &[(1, S)], &[(2, X), (3, S)]);
        let e = q.edges_of(1);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].blocker, e[0].kind), (t(2), EdgeKind::Soft));
    }

    #[test]
    fn upgrader_does_not_wait_for_itself_and_hard_edge_wins() {
        // 1 and 2 hold S; 1 waits to upgrade (front), 2 waits to upgrade behind it.
        let q = queue(row(1), &[(1, S), (2, S)], &[(1, X), (2, X)]);
        let first = q.edges_of(0);
        assert_eq!(first.len(), 1);
        assert_eq!((first[0].blocker, first[0].kind), (t(2), EdgeKind::Hard));
        let second = q.edges_of(1);
        assert_eq!(second.len(), 1, "one edge per blocker");
        assert_eq!((second[0].blocker, second[0].kind), (t(1), EdgeKind::Hard));
        let graph = WaitsForGraph::build([&q]);
        assert_eq!(pairs(&graph.find_cycle(t(2)).unwrap()), vec![(2, 1), (1, 2)]);
    }

    #[test]
    fn transaction_targets_have_no_soft_edges() {
        let q = queue(LockTarget::Transaction(t(7)), &[(7, X)], &[(1, X), (2, S)]);
        let e = q.edges_of(1);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].blocker, e[0].kind), (t(7), EdgeKind::Hard));
    }

    #[test]
    fn chain_without_cycle() {
        // 2 waits for 1, 3 for 2, 4 for 3.
        let qs = [
            queue(row(1), &[(1, X)], &[(2, X)]),
            queue(row(2), &[(2, X)], &[(3, X)]),
            queue(row(3), &[(3, X)], &[(4, X)]),
        ];
        let graph = WaitsForGraph::build(&qs);
        for id in 1..=4 {
            assert_eq!(graph.find_cycle(t(id)), None);
        }
        assert_eq!(graph.edges_from(t(4)).len(), 1);
        assert!(graph.edges_from(t(1)).is_empty());
    }

    #[test]
    fn two_cycle_starts_at_the_requester() {
        let qs = [queue(row(1), &[(1, X)], &[(2, X)]), queue(row(2), &[(2, X)], &[(1, X)])];
        let graph = WaitsForGraph::build(&qs);
        let cycle = graph.find_cycle(t(2)).unwrap();
        assert_eq!(pairs(&cycle), vec![(2, 1), (1, 2)]);
        assert_eq!(cycle[0].target, row(1));
        assert_eq!(cycle[1].target, row(2));
        assert_eq!(pairs(&graph.find_cycle(t(1)).unwrap()), vec![(1, 2), (2, 1)]);
    }

    #[test]
    fn cycle_not_through_start_is_not_reported() {
        // 1 <-> 2 deadlocked; 3 waits for 1 but is not on the cycle.
        let qs = [queue(row(1), &[(1, X)], &[(2, X), (3, X)]), queue(row(2), &[(2, X)], &[(1, X)])];
        let graph = WaitsForGraph::build(&qs);
        assert_eq!(graph.find_cycle(t(3)), None);
        assert!(graph.find_cycle(t(1)).is_some());
    }

    #[test]
    fn three_cycle_through_a_transaction_wait() {
        // 1 waits for row 2 (held by 2), 2 waits for row 3 (held by 3), 3 waits for the end of 1.
        let qs = [
            queue(row(2), &[(2, X)], &[(1, S)]),
            queue(row(3), &[(3, X)], &[(2, X)]),
            queue(LockTarget::Transaction(t(1)), &[(1, X)], &[(3, S)]),
        ];
        let graph = WaitsForGraph::build(&qs);
        let cycle = graph.find_cycle(t(3)).unwrap();
        assert_eq!(pairs(&cycle), vec![(3, 1), (1, 2), (2, 3)]);
        assert_eq!(cycle[0].target, LockTarget::Transaction(t(1)));
    }

    #[test]
    fn search_is_deterministic_in_blocker_order() {
        // 1 waits on a row held S by 2 and 3, each of which waits for 1: two cycles through 1;
        // the one through the smaller id is reported, whatever the input order.
        let a = queue(row(1), &[(3, S), (2, S)], &[(1, X)]);
        let b = queue(row(2), &[(1, X)], &[(3, X), (2, X)]);
        let one = WaitsForGraph::build([&a, &b]).find_cycle(t(1)).unwrap();
        let two = WaitsForGraph::build([&b, &a]).find_cycle(t(1)).unwrap();
        assert_eq!(pairs(&one), vec![(1, 2), (2, 1)]);
        assert_eq!(one, two);
    }

    #[test]
    fn dead_end_branches_are_abandoned() {
        // 1 waits for 2 and 3 (S holders); 2 waits for 4 (no further wait); 3 waits for 1.
        let qs = [
            queue(row(1), &[(2, S), (3, S)], &[(1, X)]),
            queue(row(2), &[(4, X)], &[(2, X)]),
            queue(row(3), &[(1, X)], &[(3, X)]),
        ];
        let cycle = WaitsForGraph::build(&qs).find_cycle(t(1)).unwrap();
        assert_eq!(pairs(&cycle), vec![(1, 3), (3, 1)]);
    }

    #[test]
    fn long_chain_does_not_overflow_the_stack() {
        // i waits for i-1 for i in 2..=N, and 1 waits for N: one cycle of N transactions.
        const N: u64 = 100_000;
        let mut qs: Vec<QueueSnapshot> = (2..=N).map(|i| queue(row(i as i64), &[(i - 1, X)], &[(i, X)])).collect();
        qs.push(queue(row(0), &[(N, X)], &[(1, X)]));
        let graph = WaitsForGraph::build(&qs);
        let cycle = graph.find_cycle(t(N)).unwrap();
        assert_eq!(cycle.len() as u64, N);
        assert_eq!((cycle[0].waiter, cycle[0].blocker), (t(N), t(N - 1)));
        assert_eq!(cycle.last().unwrap().blocker, t(N));
    }

    #[test]
    fn table_modes_edges_follow_the_matrix() {
        // Holders IS (1), IX (2); waiters S (3), IS (4), IX (5), X (6).
        let q = queue(table(), &[(1, IS), (2, IX)], &[(3, S), (4, IS), (5, IX), (6, X)]);
        let blockers = |i: usize| q.edges_of(i).iter().map(|e| (e.blocker.0, e.kind)).collect::<Vec<_>>();
        assert_eq!(blockers(0), vec![(2, EdgeKind::Hard)], "S conflicts with IX only");
        assert!(blockers(1).is_empty(), "IS conflicts with nothing here, not even the S ahead");
        assert_eq!(blockers(2), vec![(3, EdgeKind::Soft)], "IX waits for the S queued ahead");
        assert_eq!(
            blockers(3),
            vec![
                (1, EdgeKind::Hard),
                (2, EdgeKind::Hard),
                (3, EdgeKind::Soft),
                (4, EdgeKind::Soft),
                (5, EdgeKind::Soft)
            ]
        );
    }

    #[test]
    fn six_upgrader_has_a_hard_edge_to_an_ix_holder_only() {
        // 1 holds IX and waits to become SIX (front); 2 holds IX; 3 holds IS; 4 waits for IS.
        let q = queue(table(), &[(1, IX), (2, IX), (3, IS)], &[(1, SIX), (4, IS)]);
        assert_eq!(q.edges_of(0).iter().map(|e| (e.blocker.0, e.kind)).collect::<Vec<_>>(), vec![(2, EdgeKind::Hard)]);
        assert!(q.edges_of(1).is_empty(), "IS is compatible with SIX");
    }

    #[test]
    fn insert_intentions_wait_for_other_gap_holders_only() {
        // 1, 2 and 3 hold gap locks; 1, 4 and 5 wait to insert.
        let q = queue(gap(), &[(1, G), (2, G), (3, G)], &[(1, II), (4, II), (5, II)]);
        let blockers = |i: usize| q.edges_of(i).iter().map(|e| (e.blocker.0, e.kind)).collect::<Vec<_>>();
        assert_eq!(blockers(0), vec![(2, EdgeKind::Hard), (3, EdgeKind::Hard)], "not its own gap lock");
        let all = vec![(1, EdgeKind::Hard), (2, EdgeKind::Hard), (3, EdgeKind::Hard)];
        assert_eq!(blockers(1), all, "no edge to the insert intention ahead");
        assert_eq!(blockers(2), all);
        assert!(q.edges_of(1).iter().all(|e| e.mode == II && e.target == gap()));
    }

    #[test]
    fn empty_range_insert_cycle() {
        // 1 and 2 both hold the gap; 1 waits to insert; 2 asks to insert too.
        let q = queue(gap(), &[(1, G), (2, G)], &[(1, II), (2, II)]);
        let graph = WaitsForGraph::build([&q]);
        let cycle = graph.find_cycle(t(2)).unwrap();
        assert_eq!(pairs(&cycle), vec![(2, 1), (1, 2)]);
        assert!(cycle.iter().all(|e| e.target == gap() && e.mode == II && e.kind == EdgeKind::Hard));
        // Without 2's request there is no cycle.
        let q = queue(gap(), &[(1, G), (2, G)], &[(1, II)]);
        assert_eq!(WaitsForGraph::build([&q]).find_cycle(t(1)), None);
    }

    #[test]
    fn cycle_across_a_gap_and_a_row() {
        // 1 holds row 1 and waits to insert into a gap 2 has locked; 2 waits for row 1.
        let qs = [queue(gap(), &[(2, G)], &[(1, II)]), queue(row(1), &[(1, X)], &[(2, S)])];
        let cycle = WaitsForGraph::build(&qs).find_cycle(t(2)).unwrap();
        assert_eq!(pairs(&cycle), vec![(2, 1), (1, 2)]);
        assert_eq!((cycle[0].target.clone(), cycle[1].target.clone()), (row(1), gap()));
    }
}
