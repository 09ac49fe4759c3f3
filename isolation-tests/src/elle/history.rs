//! The model of a list-append history: what each client asked for and what it got back.
//!
//! Every object is a list of integers under a small integer key. A transaction is a sequence of
//! micro-operations, each either `append(k, v)` (add `v` to the end of list `k`) or `read(k)`
//! (return the whole list). Values are unique per key, so every element seen in a read names
//! the one transaction that appended it (*recoverability*), and a read shows the order of
//! every append before it (*traceability*). That is what lets [`graph`](super::graph) rebuild
//! the dependency graph from the outside, without asking the engine anything.
//!
//! ```text
//! T7 p2 committed: append(1, 2000004) read(3) = [1000001, 3000002]
//! ```
//!
//! A transaction's [`Outcome`] is what the client knows about its end: it committed, it
//! certainly did not (an error, a rollback), or nobody knows (Elle's `info`: a connection lost
//! during COMMIT). An embedded engine always answers, so the workload only records the first
//! two; `Unknown` is here for completeness, and the checker treats such a transaction as
//! possibly committed: its appends count, its reads are not trusted.
//!
//! A read's list is `None` until the read completed: the reads of an aborted transaction after
//! the failing statement never ran.

use std::fmt;

/// One micro-operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Append `value` to the list under `key`.
    Append { key: u32, value: u64 },
    /// Read the list under `key`; `list` is filled in when the read completes.
    Read { key: u32, list: Option<Vec<u64>> },
}

impl Op {
    pub fn append(key: u32, value: u64) -> Op {
        Op::Append { key, value }
    }

    /// A completed read that returned `list` (for hand-made histories).
    pub fn read(key: u32, list: &[u64]) -> Op {
        Op::Read { key, list: Some(list.to_vec()) }
    }

    pub fn key(&self) -> u32 {
        match self {
            Op::Append { key, .. } | Op::Read { key, .. } => *key,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Append { key, value } => write!(f, "append({key}, {value})"),
            Op::Read { key, list: Some(list) } => write!(f, "read({key}) = {}", show(list)),
            Op::Read { key, list: None } => write!(f, "read({key}) = ?"),
        }
    }
}

/// How a transaction ended, as far as its client knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Committed,
    Aborted,
    /// It may or may not have committed.
    Unknown,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Committed => "committed",
            Outcome::Aborted => "aborted",
            Outcome::Unknown => "unknown",
        })
    }
}

/// One transaction of a history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Txn {
    /// Its index in the [`History`]; shown as `T{id}`.
    pub id: usize,
    /// The client (thread) that ran it.
    pub process: usize,
    pub ops: Vec<Op>,
    pub outcome: Outcome,
    /// Why it aborted, when the engine said so (`40001: could not serialize ...`).
    pub error: Option<String>,
}

impl Txn {
    /// Whether the checker may take its effects as having happened (committed or unknown).
    pub fn may_have_committed(&self) -> bool {
        self.outcome != Outcome::Aborted
    }

    /// The values this transaction appended to `key`, in its own order.
    pub fn appends_to(&self, key: u32) -> impl Iterator<Item = u64> + '_ {
        self.ops.iter().filter_map(move |op| match op {
            Op::Append { key: k, value } if *k == key => Some(*value),
            _ => None,
        })
    }
}

impl fmt::Display for Txn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{} p{} {}:", self.id, self.process, self.outcome)?;
        for op in &self.ops {
            write!(f, " {op}")?;
        }
        if let Some(error) = &self.error {
            write!(f, " ({error})")?;
        }
        Ok(())
    }
}

/// Every transaction of a run, indexed by id (in the order they completed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History(pub Vec<Txn>);

impl History {
    pub fn new() -> History {
        History(Vec::new())
    }

    /// Adds a transaction and returns its id (its index).
    pub fn push(&mut self, process: usize, ops: Vec<Op>, outcome: Outcome) -> usize {
        let id = self.0.len();
        self.0.push(Txn { id, process, ops, outcome, error: None });
        id
    }

    /// Adds a committed transaction run by a process of its own.
    pub fn committed(&mut self, ops: Vec<Op>) -> usize {
        self.push(self.0.len(), ops, Outcome::Committed)
    }

    /// Adds an aborted transaction run by a process of its own.
    pub fn aborted(&mut self, ops: Vec<Op>) -> usize {
        self.push(self.0.len(), ops, Outcome::Aborted)
    }

    pub fn txns(&self) -> &[Txn] {
        &self.0
    }

    pub fn get(&self, id: usize) -> &Txn {
        &self.0[id]
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many transactions ended with `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.0.iter().filter(|t| t.outcome == outcome).count()
    }

    /// A one-line summary: `600 transactions: 412 committed, 188 aborted (40001 x150, 40P01 x38)`.
    pub fn summary(&self) -> String {
        let mut errors = std::collections::BTreeMap::<&str, usize>::new();
        for t in &self.0 {
            if let Some(e) = &t.error {
                *errors.entry(e.split(':').next().unwrap_or(e)).or_default() += 1;
            }
        }
        let mut s = format!(
            "{} transactions: {} committed, {} aborted",
            self.len(),
            self.count(Outcome::Committed),
            self.count(Outcome::Aborted)
        );
        if self.count(Outcome::Unknown) > 0 {
            s += &format!(", {} unknown", self.count(Outcome::Unknown));
        }
        if !errors.is_empty() {
            let parts: Vec<String> = errors.iter().map(|(code, n)| format!("{code} x{n}")).collect();
            s += &format!(" ({})", parts.join(", "));
        }
        s
    }
}

impl fmt::Display for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.0 {
            writeln!(f, "{t}")?;
        }
        Ok(())
    }
}

/// A list for a message: whole when short, else its last elements (`[… 14 earlier, 7, 8]`).
pub(crate) fn show(list: &[u64]) -> String {
    const TAIL: usize = 6;
    let shown = if list.len() > TAIL + 2 { &list[list.len() - TAIL..] } else { list };
    let items: Vec<String> = shown.iter().map(u64::to_string).collect();
    if shown.len() < list.len() {
        format!("[… {} earlier, {}]", list.len() - shown.len(), items.join(", "))
    } else {
        format!("[{}]", items.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        let mut h = History::new();
        h.committed(vec![Op::append(1, 5), Op::read(2, &[1, 2])]);
        let id = h.aborted(vec![Op::Read { key: 3, list: None }]);
        h.0[id].error = Some("40001: could not serialize access".into());
        assert_eq!(
            h.to_string(),
            "T0 p0 committed: append(1, 5) read(2) = [1, 2]\n\
             T1 p1 aborted: read(3) = ? (40001: could not serialize access)\n"
        );
        assert_eq!(h.summary(), "2 transactions: 1 committed, 1 aborted (40001 x1)");
    }

    #[test]
    fn long_lists_are_shortened() {
        assert_eq!(show(&[1, 2, 3]), "[1, 2, 3]");
        let long: Vec<u64> = (1..=20).collect();
        assert_eq!(show(&long), "[… 14 earlier, 15, 16, 17, 18, 19, 20]");
    }
}
