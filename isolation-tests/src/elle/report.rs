//! What the checker found: [`Anomaly`] values of an [`AnomalyKind`], gathered in a [`Report`].
//!
//! Kinds follow Adya's names (and Elle's for the ones that are not Adya's):
//!
//! | kind | what was seen |
//! |---|---|
//! | G0 | a cycle of ww edges only (dirty write) |
//! | G1a | a committed read saw a value appended by an aborted transaction |
//! | G1b | a committed read saw another transaction's intermediate state of a key |
//! | G1c | a cycle of ww and wr edges, at least one wr (circular information flow) |
//! | G-single | a cycle with exactly one rw edge (read skew, lost update) |
//! | G2-item | a cycle with two or more rw edges (write skew) |
//! | incompatible-order | two committed reads of a key where neither is a prefix of the other |
//! | internal | a read contradicts the transaction's own earlier reads and appends |
//! | duplicate-elements | a read returned the same value twice |
//! | garbage-read | a read returned a value nobody appended |
//!
//! [`AnomalyKind::forbidden_at`] says which kinds an isolation level must never show.

use std::collections::BTreeMap;
use std::fmt;

use isolde::IsolationLevel;

use super::history::History;

/// The kind of an anomaly; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnomalyKind {
    G0,
    G1a,
    G1b,
    G1c,
    GSingle,
    G2Item,
    IncompatibleOrder,
    Internal,
    DuplicateElements,
    GarbageRead,
}

impl AnomalyKind {
    /// The kinds that are cycles in the dependency graph.
    pub const CYCLES: [AnomalyKind; 4] = [AnomalyKind::G0, AnomalyKind::G1c, AnomalyKind::GSingle, AnomalyKind::G2Item];

    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::G0 => "G0",
            AnomalyKind::G1a => "G1a",
            AnomalyKind::G1b => "G1b",
            AnomalyKind::G1c => "G1c",
            AnomalyKind::GSingle => "G-single",
            AnomalyKind::G2Item => "G2-item",
            AnomalyKind::IncompatibleOrder => "incompatible-order",
            AnomalyKind::Internal => "internal",
            AnomalyKind::DuplicateElements => "duplicate-elements",
            AnomalyKind::GarbageRead => "garbage-read",
        }
    }

    /// The kinds `level` must never show among committed transactions. Every level forbids
    /// the non-cycle anomalies other than G1a/G1b (they would be a corrupt store, not a weak
    /// level) and G1 (all levels are at least PL-2); SNAPSHOT adds G-single; the serializable
    /// levels forbid every cycle.
    pub fn forbidden_at(level: IsolationLevel) -> &'static [AnomalyKind] {
        use AnomalyKind::*;
        const RC: &[AnomalyKind] = &[G0, G1a, G1b, G1c, IncompatibleOrder, Internal, DuplicateElements, GarbageRead];
        const SI: &[AnomalyKind] =
            &[G0, G1a, G1b, G1c, GSingle, IncompatibleOrder, Internal, DuplicateElements, GarbageRead];
        const SER: &[AnomalyKind] =
            &[G0, G1a, G1b, G1c, GSingle, G2Item, IncompatibleOrder, Internal, DuplicateElements, GarbageRead];
        match level {
            IsolationLevel::ReadCommitted => RC,
            IsolationLevel::Snapshot => SI,
            IsolationLevel::TwoPhaseLocking | IsolationLevel::Serializable => SER,
        }
    }
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One anomaly: its kind, the transactions involved, and a readable explanation
/// (`T12 -rw-> T15 -wr-> T12 (key 3)`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub txns: Vec<usize>,
    pub detail: String,
}

impl Anomaly {
    pub fn new(kind: AnomalyKind, txns: Vec<usize>, detail: impl Into<String>) -> Anomaly {
        Anomaly { kind, txns, detail: detail.into() }
    }
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

/// Every anomaly found in one history, sorted by kind, then transactions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub anomalies: Vec<Anomaly>,
}

impl Report {
    pub fn new(mut anomalies: Vec<Anomaly>) -> Report {
        anomalies.sort();
        anomalies.dedup();
        Report { anomalies }
    }

    pub fn is_empty(&self) -> bool {
        self.anomalies.is_empty()
    }

    pub fn has(&self, kind: AnomalyKind) -> bool {
        self.anomalies.iter().any(|a| a.kind == kind)
    }

    pub fn count(&self, kind: AnomalyKind) -> usize {
        self.anomalies.iter().filter(|a| a.kind == kind).count()
    }

    /// The anomalies of any of `kinds`.
    pub fn of_kinds(&self, kinds: &[AnomalyKind]) -> Vec<&Anomaly> {
        self.anomalies.iter().filter(|a| kinds.contains(&a.kind)).collect()
    }

    /// The anomalies `level` must not show; see [`AnomalyKind::forbidden_at`].
    pub fn forbidden_at(&self, level: IsolationLevel) -> Vec<&Anomaly> {
        self.of_kinds(AnomalyKind::forbidden_at(level))
    }

    /// The cycles (G0, G1c, G-single, G2-item).
    pub fn cycles(&self) -> Vec<&Anomaly> {
        self.of_kinds(&AnomalyKind::CYCLES)
    }
}

/// The first `limit` of `anomalies`, each followed by the transactions it involves, for a
/// failure message.
pub fn explain(anomalies: &[&Anomaly], history: &History, limit: usize) -> String {
    let mut text = String::new();
    for a in anomalies.iter().take(limit) {
        text += &format!("{a}\n");
        for id in a.txns.iter().collect::<std::collections::BTreeSet<_>>() {
            text += &format!("    {}\n", history.get(*id));
        }
    }
    if anomalies.len() > limit {
        text += &format!("... and {} more\n", anomalies.len() - limit);
    }
    text
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.anomalies.is_empty() {
            return f.write_str("no anomalies");
        }
        let mut counts = BTreeMap::<AnomalyKind, usize>::new();
        for a in &self.anomalies {
            *counts.entry(a.kind).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(kind, n)| format!("{kind} x{n}")).collect();
        write!(f, "{} anomalies: {}", self.anomalies.len(), parts.join(", "))?;
        for a in &self.anomalies {
            write!(f, "\n  {a}")?;
        }
        Ok(())
    }
}
