//! What the introspection commands show: `\sessions`, `\locks`, `\graph`, `\why`,
//! `\versions`, `\d`, `\dt`.
//!
//! Each function here turns what the engine reports (sessions, the lock manager's grants and
//! queues, the SSI tracker's rw-edges, an error's conflict or deadlock) into a table (a
//! [`StatementResult`], rendered by the output mode like a query result) or into text. They are
//! pure: the shell gathers the facts and names transactions (`T7 (t2)`: the id, and the session
//! that ran it when the shell knows).

use std::collections::BTreeSet;
use std::fmt::Write;

use isolde::error::{ConflictRule, EdgeKind};
use isolde::txn::{HeldLock, LockTarget, LockWait};
use isolde::types::TableSchema;
use isolde::{CommandTag, Error, StatementResult, TxnId, Value, VersionsReport};

use crate::output::aligned_table;

/// Names a transaction: `T7 (t2)` when the shell knows the session that ran it, else `T7`.
pub type Namer<'a> = &'a dyn Fn(TxnId) -> String;

fn table(tag: &'static str, columns: &[&str], rows: Vec<Vec<Value>>) -> StatementResult {
    StatementResult {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        tag: CommandTag::Fixed(tag),
        notices: Vec::new(),
    }
}

/// What a lock wait waits for, in words: `X lock on accounts(id=1)`, or `the end of
/// transaction T5` for a wait on another transaction (a unique key it inserted, a row version
/// it replaced).
pub fn waited_for(wait: &LockWait) -> String {
    match wait.target {
        LockTarget::Transaction(_) => object(wait),
        _ => format!("{} lock on {}", wait.mode, object(wait)),
    }
}

/// One row of `\sessions`.
pub struct SessionRow {
    pub name: String,
    pub current: bool,
    pub level: String,
    pub txn: Option<TxnId>,
    /// `idle`, `idle in transaction`, `idle in failed transaction`, `running`, `waiting`.
    pub state: String,
    /// The statement in flight.
    pub statement: Option<String>,
    pub waiting_for: Option<String>,
}

pub fn sessions(rows: Vec<SessionRow>) -> StatementResult {
    let text = |s: Option<String>| s.map_or(Value::Null, Value::text);
    let rows = rows
        .into_iter()
        .map(|r| {
            vec![
                Value::text(if r.current { format!("{} *", r.name) } else { r.name }),
                Value::text(r.level),
                text(r.txn.map(|t| format!("T{t}"))),
                Value::text(r.state),
                text(r.statement),
                text(r.waiting_for),
            ]
        })
        .collect();
    table("\\sessions", &["session", "level", "transaction", "state", "statement", "waiting for"], rows)
}

/// `\locks`: granted locks, then awaited ones, by transaction.
pub fn locks(held: &[HeldLock], waits: &[LockWait], name: Namer) -> StatementResult {
    let mut rows: Vec<(TxnId, bool, Vec<Value>)> = Vec::new();
    for lock in held {
        let row = vec![Value::text(name(lock.txn)), Value::text(lock.mode.to_string()), Value::text(&lock.description)];
        rows.push((lock.txn, false, [row, vec![Value::text("granted")]].concat()));
    }
    for wait in waits {
        let blockers: Vec<String> = wait.blockers.iter().map(|&b| name(b)).collect();
        let row = vec![Value::text(name(wait.waiter)), Value::text(wait.mode.to_string()), Value::text(object(wait))];
        rows.push((
            wait.waiter,
            true,
            [row, vec![Value::text(format!("waiting for {}", blockers.join(", ")))]].concat(),
        ));
    }
    rows.sort_by_key(|a| (a.0, a.1));
    table("\\locks", &["transaction", "mode", "object", "status"], rows.into_iter().map(|(_, _, r)| r).collect())
}

/// The object of a wait: the locked object, or `the end of transaction T5`.
fn object(wait: &LockWait) -> String {
    match wait.target {
        LockTarget::Transaction(txn) => format!("the end of transaction T{txn}"),
        _ => wait.description.clone(),
    }
}

/// The two graphs `\graph` shows: waits-for edges (waiter, holder, what), rw edges (from, to, object).
pub struct Graphs {
    pub waits: Vec<(TxnId, TxnId, String)>,
    pub rw: Vec<(TxnId, TxnId, String)>,
}

impl Graphs {
    pub fn new(waits: &[LockWait], rw: &[isolde::error::ConflictEdge]) -> Graphs {
        let waits = waits.iter().flat_map(|w| w.blockers.iter().map(|&b| (w.waiter, b, waited_for(w)))).collect();
        let rw = rw.iter().map(|e| (e.from, e.to, e.object.clone())).collect();
        Graphs { waits, rw }
    }

    pub fn text(&self, name: Namer) -> String {
        let mut out = String::from("waits-for (waiting transaction -> the one it waits for):\n");
        section(&mut out, &self.waits, |(from, to, what)| format!("{} -> {}   {what}", name(*from), name(*to)));
        out.push_str("rw-antidependencies between SERIALIZABLE transactions (A -rw-> B: A read what B overwrote):\n");
        section(&mut out, &self.rw, |(from, to, what)| format!("{} -rw-> {}   on {what}", name(*from), name(*to)));
        out
    }

    /// Graphviz DOT: solid arrows wait, dashed red arrows are rw-antidependencies.
    pub fn dot(&self, name: Namer) -> String {
        let mut out = String::from("digraph isolde {\n  rankdir=LR;\n  node [shape=box];\n");
        let nodes: BTreeSet<TxnId> = self.waits.iter().chain(&self.rw).flat_map(|(a, b, _)| [*a, *b]).collect();
        for txn in nodes {
            let _ = writeln!(out, "  \"T{txn}\" [label={}];", quoted(&name(txn)));
        }
        for (from, to, what) in &self.waits {
            let _ = writeln!(out, "  \"T{from}\" -> \"T{to}\" [label={}];", quoted(&format!("waits: {what}")));
        }
        for (from, to, what) in &self.rw {
            let label = quoted(&format!("rw: {what}"));
            let _ = writeln!(out, "  \"T{from}\" -> \"T{to}\" [label={label}, style=dashed, color=red];");
        }
        out.push_str("}\n");
        out
    }
}

fn section<T>(out: &mut String, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        out.push_str("  (none)\n");
    }
    for item in items {
        let _ = writeln!(out, "  {}", line(item));
    }
}

/// A DOT string literal.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `\why`: the last abort of a session explained, or `None` if `error` is not an abort the
/// engine can explain (a serialization failure or a deadlock).
pub fn why(error: &Error, name: Namer) -> Option<String> {
    let mut out = format!("ERROR:  {}: {error}\n", error.sqlstate());
    if let Some(conflict) = error.conflict() {
        let _ = writeln!(out, "aborted: {}", name(conflict.victim));
        let _ = writeln!(out, "rule:    {}", rule_in_words(conflict.rule));
        if !conflict.edges.is_empty() {
            out.push_str("edges:\n");
        }
        for edge in &conflict.edges {
            let (from, to) = (name(edge.from), name(edge.to));
            let meaning = match edge.kind {
                EdgeKind::ReadWrite => format!("{from} read {} before {to} overwrote it", edge.object),
                EdgeKind::WriteWrite => format!("{from} wrote {} before {to} overwrote it", edge.object),
                EdgeKind::WriteRead => format!("{to} read what {from} wrote to {}", edge.object),
            };
            let _ = writeln!(out, "  {from} -{}-> {to}: {meaning}, so {from} must come first", edge.kind);
        }
        if let [first, second] = conflict.edges.as_slice() {
            if first.to == second.from {
                let _ = writeln!(
                    out,
                    "pivot:   {} (an rw edge in from {}, an rw edge out to {})",
                    name(first.to),
                    name(first.from),
                    name(second.to)
                );
            }
        }
    } else if let Some(deadlock) = error.deadlock() {
        out.push_str("cycle:\n");
        for edge in &deadlock.cycle {
            let _ = writeln!(out, "  {} waits for {}: {}", name(edge.waiter), name(edge.holder), edge.object);
        }
        let _ = writeln!(out, "victim:  {} (its request closed the cycle)", name(deadlock.victim));
    } else {
        return None;
    }
    out.push_str("The transaction was rolled back; running it again is safe and will usually succeed.\n");
    Some(out)
}

fn rule_in_words(rule: ConflictRule) -> &'static str {
    match rule {
        ConflictRule::ConcurrentUpdate => {
            "first updater wins: the row was changed by a transaction that committed after this one's snapshot"
        }
        ConflictRule::ConcurrentDelete => {
            "first updater wins: the row was deleted by a transaction that committed after this one's snapshot"
        }
        ConflictRule::DangerousStructure => {
            "dangerous structure Tin -rw-> pivot -rw-> Tout whose Tout committed first: the pivot is aborted"
        }
        ConflictRule::DangerousStructureAtCommit => {
            "dangerous structure completed by the commit of its Tout: the running pivot is aborted"
        }
        ConflictRule::PivotCommitted => {
            "dangerous structure whose Tout committed first and whose pivot has committed too: Tin is aborted"
        }
        ConflictRule::ReadOnlyAnomaly => "read-only anomaly: Tout committed before the read-only Tin took its snapshot",
    }
}

/// `\versions TABLE`: a line saying whose view it is, and the table of versions.
pub fn versions(report: &VersionsReport, session: &str, name: Namer) -> (String, StatementResult) {
    let head = format!("Versions of {}, as session {session} sees them: {}\n", report.table, report.snapshot);
    let mut columns = vec!["row", "xmin", "xmax"];
    columns.extend(report.columns.iter().map(String::as_str));
    columns.extend(["visible", "why"]);
    let rows = report
        .versions
        .iter()
        .map(|v| {
            let mut row = vec![
                Value::text(&v.key),
                Value::text(name(v.xmin)),
                v.xmax.map_or(Value::Null, |t| Value::text(name(t))),
            ];
            row.extend(v.values.iter().cloned());
            row.extend([Value::Boolean(v.visible), Value::text(&v.reason)]);
            row
        })
        .collect();
    (head, table("\\versions", &columns, rows))
}

/// `\dt`: the table names.
pub fn tables(names: Vec<String>) -> StatementResult {
    table("\\dt", &["table"], names.into_iter().map(|n| vec![Value::text(n)]).collect())
}

/// `\d TABLE`, the way psql describes a table.
pub fn describe(schema: &TableSchema) -> String {
    let rows: Vec<Vec<Value>> = schema
        .columns
        .iter()
        .map(|c| {
            let data_type = match c.max_chars {
                Some(n) => format!("{}({n})", c.data_type),
                None => c.data_type.to_string(),
            };
            let default = if c.default == Value::Null { String::new() } else { c.default.to_text() };
            let nullable = if c.nullable { "" } else { "not null" };
            vec![Value::text(&c.name), Value::text(data_type), Value::text(nullable), Value::text(default)]
        })
        .collect();
    let columns: Vec<String> = ["Column", "Type", "Nullable", "Default"].iter().map(|c| c.to_string()).collect();
    let mut out = format!("Table \"{}\"\n{}", schema.name, aligned_table(&columns, &rows));
    let column_list =
        |positions: &[usize]| positions.iter().map(|&p| schema.columns[p].name.as_str()).collect::<Vec<_>>().join(", ");
    if !schema.primary_key.is_empty() || !schema.indexes.is_empty() {
        out.push_str("Indexes:\n");
    }
    if !schema.primary_key.is_empty() {
        let _ =
            writeln!(out, "    \"{}\" PRIMARY KEY ({})", schema.primary_key_name(), column_list(&schema.primary_key));
    }
    for index in &schema.indexes {
        let unique = if index.unique { "UNIQUE " } else { "" };
        let _ = writeln!(out, "    \"{}\" {unique}({})", index.name, column_list(&index.columns));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use isolde::error::{Conflict, ConflictEdge, Deadlock, WaitEdge};

    use super::*;

    fn name(txn: TxnId) -> String {
        match txn.0 {
            5 => "T5 (t1)".into(),
            7 => "T7 (t2)".into(),
            n => format!("T{n}"),
        }
    }

    fn rw(from: u64, to: u64, object: &str) -> ConflictEdge {
        ConflictEdge { from: TxnId(from), to: TxnId(to), kind: EdgeKind::ReadWrite, object: object.into() }
    }

    #[test]
    fn why_explains_a_dangerous_structure() {
        let conflict = Conflict {
            victim: TxnId(7),
            rule: ConflictRule::DangerousStructure,
            edges: vec![rw(5, 7, "doctors(name='bob')"), rw(7, 5, "doctors(name='alice')")],
        };
        let text = why(&Error::SerializationFailure(Box::new(conflict)), &name).expect("explained");
        assert!(text.starts_with("ERROR:  40001: could not serialize access"), "{text}");
        assert!(text.contains("aborted: T7 (t2)\n"), "{text}");
        assert!(
            text.contains("  T5 (t1) -rw-> T7 (t2): T5 (t1) read doctors(name='bob') before T7 (t2) overwrote it"),
            "{text}"
        );
        assert!(text.contains("pivot:   T7 (t2) (an rw edge in from T5 (t1), an rw edge out to T5 (t1))"), "{text}");
        assert_eq!(why(&Error::DivisionByZero, &name), None);
    }

    #[test]
    fn why_explains_a_deadlock() {
        let cycle = vec![
            WaitEdge { waiter: TxnId(7), holder: TxnId(5), object: "X lock on t(id=1)".into() },
            WaitEdge { waiter: TxnId(5), holder: TxnId(7), object: "X lock on t(id=2)".into() },
        ];
        let error = Error::DeadlockDetected(Box::new(Deadlock { victim: TxnId(5), cycle }));
        let text = why(&error, &name).expect("explained");
        assert!(text.contains("  T7 (t2) waits for T5 (t1): X lock on t(id=1)\n"), "{text}");
        assert!(text.contains("victim:  T5 (t1) (its request closed the cycle)\n"), "{text}");
    }

    #[test]
    fn graphs_as_text_and_dot() {
        let graphs = Graphs {
            waits: vec![(TxnId(7), TxnId(5), "X lock on t(id=1)".into())],
            rw: vec![(TxnId(5), TxnId(9), "t(id=2)".into())],
        };
        assert_eq!(
            graphs.text(&name),
            "waits-for (waiting transaction -> the one it waits for):\n  T7 (t2) -> T5 (t1)   X lock on t(id=1)\n\
             rw-antidependencies between SERIALIZABLE transactions (A -rw-> B: A read what B overwrote):\n  \
             T5 (t1) -rw-> T9   on t(id=2)\n"
        );
        let dot = graphs.dot(&name);
        assert!(dot.contains("  \"T5\" [label=\"T5 (t1)\"];\n"), "{dot}");
        assert!(dot.contains("  \"T7\" -> \"T5\" [label=\"waits: X lock on t(id=1)\"];\n"), "{dot}");
        assert!(dot.contains("  \"T5\" -> \"T9\" [label=\"rw: t(id=2)\", style=dashed, color=red];\n"), "{dot}");
        let empty = Graphs { waits: vec![], rw: vec![] }.text(&name);
        assert_eq!(empty.matches("(none)").count(), 2);
    }
}
