//! Strongly connected components (Tarjan's algorithm) and topological ranks, over the graph
//! of [`Graph`] restricted to some edge kinds: the first step of every cycle search in
//! [`cycles`](super::cycles).
//!
//! Tarjan's algorithm numbers the nodes in depth-first order and keeps, for each, the lowest
//! number reachable through the nodes still on its stack; a node whose lowest number is its
//! own is the root of a component, which is everything above it on the stack. It is written
//! with an explicit stack, because a history of thousands of transactions makes chains of
//! thousands of ww edges, deeper than a test thread's stack allows recursion to go.

use std::collections::VecDeque;

use super::cycles::successors;
use super::graph::{EdgeKind, Graph};

/// The strongly connected components of two or more transactions, over `kinds` (Tarjan's
/// algorithm, iterative so that long chains cannot overflow the stack). Each is sorted; the
/// list is sorted by first member.
pub(super) fn sccs(g: &Graph, kinds: &[EdgeKind]) -> Vec<Vec<usize>> {
    let size = g.out.keys().next_back().map_or(0, |max| max + 1);
    let everyone = vec![true; size];
    let mut t =
        Tarjan { index: vec![usize::MAX; size], low: vec![0; size], on_stack: vec![false; size], ..Default::default() };
    for &root in g.out.keys() {
        if t.index[root] != usize::MAX {
            continue;
        }
        // The depth-first search's own stack: a node, its successors, how many were explored.
        let mut calls = vec![(root, successors(g, root, kinds, &everyone).collect::<Vec<_>>(), 0)];
        t.visit(root);
        while let Some((v, succ, i)) = calls.last_mut() {
            let v = *v;
            if let Some(&w) = succ.get(*i) {
                *i += 1;
                if t.index[w] == usize::MAX {
                    t.visit(w);
                    calls.push((w, successors(g, w, kinds, &everyone).collect(), 0));
                } else if t.on_stack[w] {
                    t.low[v] = t.low[v].min(t.index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some((u, _, _)) = calls.last() {
                t.low[*u] = t.low[*u].min(t.low[v]);
            }
            if t.low[v] == t.index[v] {
                t.pop_component(v);
            }
        }
    }
    t.found.sort();
    t.found
}

#[derive(Default)]
struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    found: Vec<Vec<usize>>,
}

impl Tarjan {
    fn visit(&mut self, v: usize) {
        self.index[v] = self.next;
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
    }

    /// Pops the component whose root is `v`; keeps it if it has two or more members.
    fn pop_component(&mut self, v: usize) {
        let mut scc = Vec::new();
        loop {
            let w = self.stack.pop().expect("v is on the stack");
            self.on_stack[w] = false;
            scc.push(w);
            if w == v {
                break;
            }
        }
        if scc.len() > 1 {
            scc.sort();
            self.found.push(scc);
        }
    }
}

/// A topological rank of the graph `out` (with reverse `into`), or `None` if it has a cycle.
pub(super) fn topological_rank(out: &[Vec<usize>], into: &[Vec<usize>]) -> Option<Vec<usize>> {
    let mut missing: Vec<usize> = into.iter().map(Vec::len).collect();
    let mut queue: VecDeque<usize> = (0..out.len()).filter(|&i| missing[i] == 0).collect();
    let (mut rank, mut next) = (vec![0; out.len()], 0);
    while let Some(i) = queue.pop_front() {
        rank[i] = next;
        next += 1;
        for &j in &out[i] {
            missing[j] -= 1;
            if missing[j] == 0 {
                queue.push_back(j);
            }
        }
    }
    (next == out.len()).then_some(rank)
}
