//! EXPLAIN output: a plan as PostgreSQL-like lines.
//!
//! ```text
//! Limit
//!   ->  Sort (key: balance DESC)
//!         ->  Index Scan using accounts_pkey on accounts (id >= 1 AND id <= 10)
//!               Filter: (balance > 0)
//! ```
//!
//! A node's text starts at column `c`; its detail lines (`Filter:`, `Join Filter:`, `Group
//! Key:`) at `c + 2`; its inputs at `c + 2` behind `->  `. Projections are not shown (as in
//! PostgreSQL); a Filter node is shown as a `Filter:` line of its input. Expressions print
//! with column names (qualified by table when the query joins), `$n` for parameters, and
//! `(SubPlan N)` for subqueries, whose plans follow the node that uses them as `SubPlan N`
//! blocks (N is the index in [`Plan::subqueries`] plus one). Outer references print as the
//! enclosing row's column names.

mod render;

use std::ops::Bound;

use crate::sql::ast::{JoinKind, LockStrength};
use crate::sql::plan::{AccessPath, Expr, InsertSource, KeyRange, Node, Plan, PlannedStatement, TableRef};

/// The lines EXPLAIN prints for `plan` (for an EXPLAIN statement, those of the statement it
/// explains).
pub fn explain(plan: &Plan) -> Vec<String> {
    let mut explainer = Explainer { plan, lines: Vec::new(), outer: Vec::new(), qualify: false };
    explainer.statement(&plan.statement);
    explainer.lines
}

/// Where a node prints: its indentation and whether it is an input (behind `->  `).
#[derive(Clone, Copy)]
struct Pos {
    indent: usize,
    arrow: bool,
}

impl Pos {
    const ROOT: Pos = Pos { indent: 0, arrow: false };

    fn text_column(self) -> usize {
        self.indent + if self.arrow { 4 } else { 0 }
    }

    fn child(self) -> Pos {
        Pos { indent: self.text_column() + 2, arrow: true }
    }
}

/// Subqueries a node uses, with the names of the row they are evaluated against.
type SubPlans = Vec<(usize, Vec<String>)>;

struct Explainer<'p> {
    plan: &'p Plan,
    lines: Vec<String>,
    /// Row names of the enclosing queries, innermost last (for outer references).
    outer: Vec<Vec<String>>,
    /// Whether column names are qualified by table (the current tree joins).
    qualify: bool,
}

fn scan_node(table: &TableRef, access: &AccessPath, filter: &Option<Expr>) -> Node {
    Node::Scan { table: table.clone(), access: access.clone(), filter: filter.clone() }
}

fn has_join(node: &Node) -> bool {
    match node {
        Node::NestedLoopJoin { .. } => true,
        Node::Filter { input, .. }
        | Node::Project { input, .. }
        | Node::Aggregate { input, .. }
        | Node::Sort { input, .. }
        | Node::Limit { input, .. }
        | Node::Distinct { input } => has_join(input),
        Node::Scan { .. } | Node::Values { .. } | Node::LockRows { .. } => false,
    }
}

impl Explainer<'_> {
    fn line(&mut self, column: usize, arrow: bool, text: &str) {
        let arrow = if arrow { "->  " } else { "" };
        self.lines.push(format!("{:column$}{arrow}{text}", ""));
    }

    fn statement(&mut self, statement: &PlannedStatement) {
        match statement {
            PlannedStatement::Query(q) => self.tree(&q.root, Pos::ROOT),
            PlannedStatement::Explain(inner) => self.statement(inner),
            PlannedStatement::Insert(insert) => {
                let names = self.table_names(&insert.table);
                let mut details = Vec::new();
                let mut subplans = SubPlans::new();
                if let Some(r) = &insert.returning {
                    details.push(format!("Returning: {}", self.render_list(&r.exprs, &names, &mut subplans)));
                }
                self.header(Pos::ROOT, &format!("Insert on {}", insert.table.schema.name), &details);
                match &insert.source {
                    InsertSource::Query { root, .. } => self.tree(root, Pos::ROOT.child()),
                    InsertSource::Values(rows) => {
                        let mut row_subplans = SubPlans::new();
                        for e in rows.iter().flatten() {
                            self.render(e, &[], &mut row_subplans);
                        }
                        let text = if rows.len() == 1 {
                            "Result".to_string()
                        } else {
                            format!("Values Scan ({} rows)", rows.len())
                        };
                        self.header(Pos::ROOT.child(), &text, &[]);
                        self.subplans(Pos::ROOT.child(), row_subplans);
                    }
                }
                self.subplans(Pos::ROOT, subplans);
            }
            PlannedStatement::Update(update) => {
                let names = self.table_names(&update.table);
                let mut subplans = SubPlans::new();
                let mut details = Vec::new();
                for (column, e) in &update.assignments {
                    let target = update.table.schema.columns.get(*column).map_or("?column?", |c| c.name.as_str());
                    details.push(format!("Set: {target} = {}", self.render(e, &names, &mut subplans)));
                }
                if let Some(r) = &update.returning {
                    details.push(format!("Returning: {}", self.render_list(&r.exprs, &names, &mut subplans)));
                }
                self.header(Pos::ROOT, &format!("Update on {}", update.table.schema.name), &details);
                self.tree(&scan_node(&update.table, &update.access, &update.filter), Pos::ROOT.child());
                self.subplans(Pos::ROOT, subplans);
            }
            PlannedStatement::Delete(delete) => {
                let names = self.table_names(&delete.table);
                let mut subplans = SubPlans::new();
                let mut details = Vec::new();
                if let Some(r) = &delete.returning {
                    details.push(format!("Returning: {}", self.render_list(&r.exprs, &names, &mut subplans)));
                }
                self.header(Pos::ROOT, &format!("Delete on {}", delete.table.schema.name), &details);
                self.tree(&scan_node(&delete.table, &delete.access, &delete.filter), Pos::ROOT.child());
                self.subplans(Pos::ROOT, subplans);
            }
            PlannedStatement::CreateTable(c) => self.line(0, false, &format!("Create Table {}", c.schema.name)),
            PlannedStatement::CreateIndex(c) => {
                let unique = if c.unique { "Unique " } else { "" };
                self.line(0, false, &format!("Create {unique}Index {} on {}", c.name, c.table));
            }
            PlannedStatement::DropTable { names, .. } => {
                self.line(0, false, &format!("Drop Table {}", names.join(", ")))
            }
            PlannedStatement::DropIndex { names, .. } => {
                self.line(0, false, &format!("Drop Index {}", names.join(", ")))
            }
        }
    }

    /// A node's header and detail lines.
    fn header(&mut self, pos: Pos, text: &str, details: &[String]) {
        self.line(pos.indent, pos.arrow, text);
        for d in details {
            self.line(pos.text_column() + 2, false, d);
        }
    }

    /// `SubPlan N` blocks under a node.
    fn subplans(&mut self, pos: Pos, subplans: SubPlans) {
        for (s, names) in subplans {
            self.line(pos.text_column() + 2, false, &format!("SubPlan {}", s + 1));
            let Some(subquery) = self.plan.subqueries.get(s) else {
                continue;
            };
            self.outer.push(names);
            self.tree(&subquery.root, Pos { indent: pos.text_column() + 4, arrow: true });
            self.outer.pop();
        }
    }

    /// A tree of nodes of one query level.
    fn tree(&mut self, root: &Node, pos: Pos) {
        let saved = std::mem::replace(&mut self.qualify, has_join(root));
        self.node(root, pos, Vec::new(), SubPlans::new());
        self.qualify = saved;
    }

    /// Prints `node`; `extra` are detail lines and `inherited` subplans of hidden nodes above
    /// it (Filter, Project).
    fn node(&mut self, node: &Node, pos: Pos, mut extra: Vec<String>, mut inherited: SubPlans) {
        let mut subplans = SubPlans::new();
        let mut details = Vec::new();
        let children: Vec<&Node> = match node {
            Node::Project { input, exprs } => {
                let names = self.names(input);
                for e in exprs {
                    self.render(e, &names, &mut inherited);
                }
                return self.node(input, pos, extra, inherited);
            }
            Node::Filter { input, predicate } => {
                let names = self.names(input);
                extra.insert(0, format!("Filter: {}", self.render(predicate, &names, &mut inherited)));
                return self.node(input, pos, extra, inherited);
            }
            Node::LockRows { table, access, filter, strength, nowait } => {
                let strength = match strength {
                    LockStrength::Update => "FOR UPDATE",
                    LockStrength::Share => "FOR SHARE",
                };
                let nowait = if *nowait { " NOWAIT" } else { "" };
                self.header(pos, &format!("Lock Rows ({strength}{nowait})"), &extra);
                self.node(&scan_node(table, access, filter), pos.child(), Vec::new(), SubPlans::new());
                self.subplans(pos, inherited);
                return;
            }
            Node::Scan { table, access, filter } => {
                let names = self.table_names(table);
                let header = self.scan_header(table, access, &names, &mut subplans);
                if let Some(f) = filter {
                    details.push(format!("Filter: {}", self.render(f, &names, &mut subplans)));
                }
                details.append(&mut extra);
                self.header(pos, &header, &details);
                subplans.append(&mut inherited);
                self.subplans(pos, subplans);
                return;
            }
            Node::Values { rows, .. } => {
                for e in rows.iter().flatten() {
                    self.render(e, &[], &mut subplans);
                }
                let text =
                    if rows.len() == 1 { "Result".to_string() } else { format!("Values Scan ({} rows)", rows.len()) };
                details.append(&mut extra);
                self.header(pos, &text, &details);
                subplans.append(&mut inherited);
                self.subplans(pos, subplans);
                return;
            }
            Node::NestedLoopJoin { left, right, on, .. } => {
                let mut names = self.names(left);
                names.extend(self.names(right));
                if let Some(on) = on {
                    details.push(format!("Join Filter: {}", self.render(on, &names, &mut subplans)));
                }
                vec![left, right]
            }
            Node::Aggregate { input, group_by, .. } => {
                if !group_by.is_empty() {
                    let names = self.names(input);
                    details.push(format!("Group Key: {}", self.render_list(group_by, &names, &mut subplans)));
                }
                vec![input]
            }
            Node::Sort { input, .. } | Node::Limit { input, .. } | Node::Distinct { input } => vec![input],
        };
        let header = match node {
            Node::NestedLoopJoin { kind: JoinKind::Left, .. } => "Nested Loop Left Join".to_string(),
            Node::NestedLoopJoin { .. } => "Nested Loop".to_string(),
            Node::Aggregate { .. } => "Aggregate".to_string(),
            Node::Sort { input, keys } => {
                let names = self.names(input);
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        let mut key = self.render(&k.expr, &names, &mut subplans);
                        if k.descending {
                            key.push_str(" DESC");
                        }
                        if k.nulls_first != k.descending {
                            key.push_str(if k.nulls_first { " NULLS FIRST" } else { " NULLS LAST" });
                        }
                        key
                    })
                    .collect();
                format!("Sort (key: {})", keys.join(", "))
            }
            Node::Limit { .. } => "Limit".to_string(),
            Node::Distinct { .. } => "Distinct".to_string(),
            _ => "?".to_string(),
        };
        details.append(&mut extra);
        self.header(pos, &header, &details);
        for child in children {
            self.node(child, pos.child(), Vec::new(), SubPlans::new());
        }
        subplans.append(&mut inherited);
        self.subplans(pos, subplans);
    }

    fn scan_header(
        &mut self,
        table: &TableRef,
        access: &AccessPath,
        names: &[String],
        subplans: &mut SubPlans,
    ) -> String {
        let schema = &table.schema;
        let (index_name, columns, range) = match access {
            AccessPath::FullScan => return format!("Seq Scan on {}", schema.name),
            AccessPath::PrimaryKey(range) => (schema.primary_key_name(), schema.primary_key.clone(), range),
            AccessPath::Index { index, range } => match schema.indexes.get(*index) {
                Some(i) => (i.name.clone(), i.columns.clone(), range),
                None => ("?".to_string(), Vec::new(), range),
            },
        };
        let columns: Vec<String> =
            columns.iter().map(|&c| names.get(c).cloned().unwrap_or_else(|| "?column?".into())).collect();
        let condition = self.range_condition(&columns, range, names, subplans);
        let condition = if condition.is_empty() { String::new() } else { format!(" ({condition})") };
        format!("Index Scan using {index_name} on {}{condition}", schema.name)
    }

    /// `a = 1 AND b > 5` for a prefix range over columns `(a, b, ...)`.
    fn range_condition(
        &mut self,
        columns: &[String],
        range: &KeyRange,
        names: &[String],
        subplans: &mut SubPlans,
    ) -> String {
        let mut side = |bound: &Bound<Vec<Expr>>| match bound {
            Bound::Included(v) => (v.iter().map(|e| self.render(e, names, subplans)).collect::<Vec<_>>(), true),
            Bound::Excluded(v) => (v.iter().map(|e| self.render(e, names, subplans)).collect(), false),
            Bound::Unbounded => (Vec::new(), true),
        };
        let (lower, lower_inclusive) = side(&range.lower);
        let (upper, upper_inclusive) = side(&range.upper);
        let column = |i: usize| columns.get(i).map_or("?column?", String::as_str);
        // Leading positions where both bounds hold the same value (and include it) are
        // equalities.
        let mut equal = 0;
        while equal < lower.len()
            && equal < upper.len()
            && lower[equal] == upper[equal]
            && (lower_inclusive || equal + 1 < lower.len())
            && (upper_inclusive || equal + 1 < upper.len())
        {
            equal += 1;
        }
        let mut parts: Vec<String> = (0..equal).map(|i| format!("{} = {}", column(i), lower[i])).collect();
        if let Some(v) = lower.get(equal) {
            parts.push(format!("{} {} {v}", column(equal), if lower_inclusive { ">=" } else { ">" }));
        }
        if let Some(v) = upper.get(equal) {
            parts.push(format!("{} {} {v}", column(equal), if upper_inclusive { "<=" } else { "<" }));
        }
        parts.join(" AND ")
    }

    fn table_names(&self, table: &TableRef) -> Vec<String> {
        let columns = table.schema.columns.iter().map(|c| c.name.as_str()).chain(["xmin", "xmax"]);
        if self.qualify {
            columns.map(|c| format!("{}.{c}", table.schema.name)).collect()
        } else {
            columns.map(str::to_string).collect()
        }
    }

    /// The names of a node's output columns, as expressions print them.
    fn names(&mut self, node: &Node) -> Vec<String> {
        let mut ignored = SubPlans::new();
        match node {
            Node::Scan { table, .. } | Node::LockRows { table, .. } => self.table_names(table),
            Node::Values { width, .. } => (1..=*width).map(|i| format!("column{i}")).collect(),
            Node::Filter { input, .. }
            | Node::Sort { input, .. }
            | Node::Limit { input, .. }
            | Node::Distinct { input } => self.names(input),
            Node::Project { input, exprs } => {
                let names = self.names(input);
                exprs.iter().map(|e| self.render(e, &names, &mut ignored)).collect()
            }
            Node::NestedLoopJoin { left, right, .. } => {
                let mut names = self.names(left);
                names.extend(self.names(right));
                names
            }
            Node::Aggregate { input, group_by, aggregates } => {
                let names = self.names(input);
                let mut out: Vec<String> = group_by.iter().map(|e| self.render(e, &names, &mut ignored)).collect();
                out.extend(aggregates.iter().map(|a| self.render_aggregate(a, &names)));
                out
            }
        }
    }
}
