//! Planner tests: plans of SQL text (through `parse`) and of hand-built trees, checked with
//! `matches!` and through EXPLAIN output.

mod access;
mod aggregate;
mod ddl;
mod dml;
mod locking_and_explain;
mod scope;

use crate::error::Error;
use crate::sql::ast;
use crate::sql::parse::parse;
use crate::sql::plan::{Node, Plan, PlannedStatement, QueryPlan};
use crate::storage::{Catalog, CatalogSnapshot};
use crate::types::{ColumnSchema, DataType, IndexSchema, TableSchema, Value};

use super::{explain, plan};

fn column(name: &str, data_type: DataType) -> ColumnSchema {
    ColumnSchema { name: name.into(), data_type, max_chars: None, nullable: true, default: Value::Null }
}

fn index(name: &str, columns: &[usize], unique: bool) -> IndexSchema {
    IndexSchema { name: name.into(), columns: columns.to_vec(), unique }
}

/// The tables the tests plan against.
///
/// ```text
/// accounts(id PK, owner text, balance int)          accounts_owner_idx (owner)
/// t(id PK, k int, v text)                           t_k_idx (k)
/// users(id PK, email text, name text)               users_email_key UNIQUE (email), users_name_idx (name)
/// orders(id PK, user_id int, amount real)           orders_user_id_idx (user_id)
/// pairs(a, b, c)  PK (a, b)                         pairs_c_b_idx (c, b)
/// log(msg text, at int)                             no primary key (hidden row id)
/// odd(xmin int, val int)                            a user column named xmin
/// ```
fn catalog() -> CatalogSnapshot {
    use DataType::{Integer, Real, Text};
    let catalog = Catalog::new();
    let tables = [
        TableSchema {
            name: "accounts".into(),
            columns: vec![column("id", Integer), column("owner", Text), column("balance", Integer)],
            primary_key: vec![0],
            indexes: vec![index("accounts_owner_idx", &[1], false)],
        },
        TableSchema {
            name: "t".into(),
            columns: vec![column("id", Integer), column("k", Integer), column("v", Text)],
            primary_key: vec![0],
            indexes: vec![index("t_k_idx", &[1], false)],
        },
        TableSchema {
            name: "users".into(),
            columns: vec![column("id", Integer), column("email", Text), column("name", Text)],
            primary_key: vec![0],
            indexes: vec![index("users_email_key", &[1], true), index("users_name_idx", &[2], false)],
        },
        TableSchema {
            name: "orders".into(),
            columns: vec![column("id", Integer), column("user_id", Integer), column("amount", Real)],
            primary_key: vec![0],
            indexes: vec![index("orders_user_id_idx", &[1], false)],
        },
        TableSchema {
            name: "pairs".into(),
            columns: vec![column("a", Integer), column("b", Integer), column("c", Integer)],
            primary_key: vec![0, 1],
            indexes: vec![index("pairs_c_b_idx", &[2, 1], false)],
        },
        TableSchema {
            name: "log".into(),
            columns: vec![column("msg", Text), column("at", Integer)],
            primary_key: vec![],
            indexes: vec![],
        },
        TableSchema {
            name: "odd".into(),
            columns: vec![column("xmin", Integer), column("val", Integer)],
            primary_key: vec![],
            indexes: vec![],
        },
    ];
    for schema in tables {
        let mut schema = schema;
        for &c in &schema.primary_key.clone() {
            schema.columns[c].nullable = false;
        }
        catalog.create_table(schema).expect("test table");
    }
    catalog.snapshot()
}

fn statement(sql: &str) -> ast::Statement {
    let mut statements = parse(sql).unwrap_or_else(|e| panic!("parse {sql}: {e}"));
    assert_eq!(statements.len(), 1, "{sql}");
    statements.remove(0)
}

/// Plans `sql` against [`catalog`].
fn try_plan(sql: &str) -> Result<Plan, Error> {
    plan(&statement(sql), &catalog())
}

fn plan_ok(sql: &str) -> Plan {
    try_plan(sql).unwrap_or_else(|e| panic!("plan {sql}: {e}"))
}

/// The query plan of a SELECT.
fn query(sql: &str) -> (QueryPlan, Plan) {
    let plan = plan_ok(sql);
    match &plan.statement {
        PlannedStatement::Query(q) => (q.clone(), plan.clone()),
        other => panic!("not a query: {other:?}"),
    }
}

/// The error planning `sql` fails with.
fn error(sql: &str) -> Error {
    match try_plan(sql) {
        Ok(plan) => panic!("planned {sql}: {plan:?}"),
        Err(e) => e,
    }
}

/// Asserts that `sql` fails with `sqlstate` and a message containing `text`.
#[track_caller]
fn fails(sql: &str, sqlstate: &str, text: &str) {
    let e = error(sql);
    assert_eq!(e.sqlstate(), sqlstate, "{sql}: {e}");
    assert!(e.to_string().contains(text), "{sql}: {e:?} lacks {text:?}");
}

/// EXPLAIN lines of `sql`.
fn explained(sql: &str) -> Vec<String> {
    explain(&plan_ok(sql))
}

/// EXPLAIN of `sql` as one string, lines joined by newlines.
fn explain_text(sql: &str) -> String {
    explained(sql).join("\n")
}

/// Asserts EXPLAIN of `sql` is exactly `expected` (a block with its common indentation).
#[track_caller]
fn explains(sql: &str, expected: &str) {
    let lines: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
    let margin = lines.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let expected: Vec<String> = lines.iter().map(|l| l[margin..].trim_end().to_string()).collect();
    let actual = explained(sql);
    assert_eq!(actual, expected, "\n{sql}\nactual:\n{}\n", actual.join("\n"));
}

/// The first line of EXPLAIN that mentions a scan.
fn scan_line(sql: &str) -> String {
    let lines = explained(sql);
    lines
        .iter()
        .find(|l| l.contains("Scan") && !l.contains("Values"))
        .map(|l| l.trim().trim_start_matches("->").trim().to_string())
        .unwrap_or_else(|| panic!("no scan in {lines:?}"))
}

/// Walks down single-input nodes to the bottom of a query plan.
fn bottom(node: &Node) -> &Node {
    match node {
        Node::Filter { input, .. }
        | Node::Project { input, .. }
        | Node::Sort { input, .. }
        | Node::Limit { input, .. }
        | Node::Distinct { input }
        | Node::Aggregate { input, .. } => bottom(input),
        other => other,
    }
}

#[test]
fn statements_of_the_connection_layer_are_not_planned() {
    for sql in ["BEGIN", "COMMIT", "ROLLBACK", "SET x = 1", "SHOW x", "SAVEPOINT a", "VACUUM"] {
        let e = error(sql);
        assert!(matches!(e, Error::Internal(_)), "{sql}: {e:?}");
        assert!(e.to_string().contains("is not planned"), "{e}");
    }
}

#[test]
fn select_without_from_reads_one_empty_row() {
    let (q, plan) = query("SELECT 1, 'a' AS b");
    assert_eq!(*q.columns, ["?column?", "b"]);
    assert!(matches!(bottom(&q.root), Node::Values { rows, width: 0 } if rows.len() == 1));
    assert_eq!(plan.parameter_count, 0);
    assert_eq!(explained("SELECT 1"), vec!["Result"]);
}

#[test]
fn explain_statement_wraps_the_inner_plan() {
    let plan = plan_ok("EXPLAIN SELECT * FROM t WHERE id = 1");
    assert!(
        matches!(&plan.statement, PlannedStatement::Explain(inner) if matches!(**inner, PlannedStatement::Query(_)))
    );
    assert_eq!(explain(&plan), vec!["Index Scan using t_pkey on t (id = 1)"]);
}

#[test]
fn planning_deep_expressions_does_not_overflow() {
    let sql = format!("SELECT {} FROM t WHERE k > 1 GROUP BY k HAVING k < 3", vec!["k"; 200].join(" + "));
    let (q, _) = query(&sql);
    assert_eq!(*q.columns, ["?column?"]);
    // The translator refuses nesting beyond 500 levels; the planner copes with that much.
    let k = || ast::Expr::Column { table: None, name: "k".into() };
    let mut deep = k();
    for _ in 0..1000 {
        deep = ast::Expr::Binary { op: ast::BinaryOp::Add, left: Box::new(deep), right: Box::new(k()) };
    }
    let mut select = match statement("SELECT 1 FROM t ORDER BY 1") {
        ast::Statement::Query(q) => q,
        _ => unreachable!(),
    };
    select.select.projection = vec![ast::SelectItem::Expr { expr: deep.clone(), alias: None }];
    select.select.filter = Some(ast::Expr::Binary {
        op: ast::BinaryOp::Gt,
        left: Box::new(deep),
        right: Box::new(ast::Expr::Literal(Value::Integer(0))),
    });
    let planned = plan(&ast::Statement::Query(select.clone()), &catalog()).expect("deep plan");
    assert_eq!(explain(&planned).len(), 3);
    // Grouped: every level is checked against the group expressions.
    select.select.group_by = vec![k()];
    select.order_by[0].expr = select.select.filter.clone().expect("filter");
    plan(&ast::Statement::Query(select), &catalog()).expect("deep grouped plan");
}

#[test]
fn planning_deeply_nested_subqueries_does_not_overflow() {
    // sqlparser stops at 50 levels; the planner takes more.
    let mut query = match statement("SELECT k FROM t WHERE id = 1") {
        ast::Statement::Query(q) => q,
        _ => unreachable!(),
    };
    let template = query.clone();
    for _ in 0..80 {
        let mut outer = template.clone();
        outer.select.projection = vec![ast::SelectItem::Expr { expr: ast::Expr::ScalarSubquery(query), alias: None }];
        query = outer;
    }
    let planned = plan(&ast::Statement::Query(query), &catalog()).expect("nested plan");
    assert_eq!(planned.subqueries.len(), 80);
    assert!(explain(&planned).len() > 160);
}

#[test]
fn hand_built_trees_plan_without_the_parser() {
    let select = |projection| ast::Query {
        select: ast::Select {
            distinct: false,
            projection,
            from: vec![ast::FromItem::Table { name: "t".into(), alias: None }],
            filter: Some(ast::Expr::Binary {
                op: ast::BinaryOp::Eq,
                left: Box::new(ast::Expr::Literal(Value::Integer(5))),
                right: Box::new(ast::Expr::Column { table: None, name: "id".into() }),
            }),
            group_by: vec![],
            having: None,
        },
        order_by: vec![],
        limit: None,
        offset: None,
        locking: None,
    };
    let item = |expr| ast::SelectItem::Expr { expr, alias: None };
    let stmt = ast::Statement::Query(Box::new(select(vec![item(ast::Expr::Column { table: None, name: "v".into() })])));
    let planned = plan(&stmt, &catalog()).expect("plan");
    assert_eq!(explain(&planned), vec!["Index Scan using t_pkey on t (id = 5)"]);

    // DEFAULT is only a VALUES item.
    let stmt = ast::Statement::Query(Box::new(select(vec![item(ast::Expr::Default)])));
    let e = plan(&stmt, &catalog()).expect_err("DEFAULT in a select list");
    assert_eq!(e.sqlstate(), "42601");
    assert!(e.to_string().contains("DEFAULT is not allowed in this context"), "{e}");

    // `$0` does not exist (the translator refuses it too).
    let stmt = ast::Statement::Query(Box::new(select(vec![item(ast::Expr::Parameter(0))])));
    assert_eq!(plan(&stmt, &catalog()).expect_err("$0").sqlstate(), "42P02");
}
