//! Queries: scans through each access path, system columns, joins, subqueries, sorting.

use super::*;
use crate::sql::ast::{BinaryOp, JoinKind};
use crate::sql::command_tag::CommandTag;
use crate::sql::execute::test_support::{bin, col, null};
use crate::sql::plan::{AggregateCall, AggregateFunction, SortKey, Subquery};
use crate::storage::TableId;

fn ids(rows: &[Row]) -> Vec<Option<i64>> {
    rows.iter()
        .map(|r| match r.first() {
            Some(Value::Integer(i)) => Some(*i),
            _ => None,
        })
        .collect()
}

fn query_ids(db: &Db, root: Node, params: &[Value]) -> Result<Vec<Option<i64>>> {
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let mut plan = select(root, &["id"]);
    plan.parameter_count = params.len();
    Ok(ids(&db.exec_with(&txn, &plan, params)?.rows))
}

#[test]
fn full_scan_with_system_columns() {
    let db = Db::new();
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let out = db.exec(&txn, &select(scan(&db, AccessPath::FullScan, None), &["*"])).unwrap();
    assert_eq!(out.tag.to_string(), "SELECT 3");
    assert_eq!(out.affected, 3);
    assert_eq!(*out.columns, ["*"]);
    assert_eq!(out.rows.len(), 3);
    let first = &out.rows[0];
    assert_eq!(first.len(), 5);
    assert_eq!(&first[..3], row(1, "ann", 100).as_slice());
    assert!(matches!(first[3], Value::Integer(x) if x > 0));
    assert_eq!(first[4], Value::Integer(0));
    assert_eq!(db.contents(), vec![row(1, "ann", 100), row(2, "bob", 200), row(3, "cy", 300)]);
}

#[test]
fn primary_key_and_index_ranges() {
    let db = Db::new();
    let pk = |range| scan(&db, AccessPath::PrimaryKey(range), None);
    assert_eq!(query_ids(&db, pk(point(vec![lit(2)])), &[]).unwrap(), vec![Some(2)]);
    // Text is read as the key column's type; a parameter works as a bound.
    assert_eq!(query_ids(&db, pk(point(vec![Expr::Parameter(0)])), &[Value::text("3")]).unwrap(), vec![Some(3)]);
    assert_eq!(query_ids(&db, pk(point(vec![null()])), &[]).unwrap(), Vec::<Option<i64>>::new());
    let err = query_ids(&db, pk(point(vec![lit("x")])), &[]).unwrap_err();
    assert_eq!(err.sqlstate(), "22P02");
    let above_one = KeyRange { lower: Bound::Excluded(vec![lit(1)]), upper: Bound::Unbounded };
    assert_eq!(query_ids(&db, pk(above_one), &[]).unwrap(), vec![Some(2), Some(3)]);

    let by_balance = KeyRange { lower: Bound::Included(vec![lit(150)]), upper: Bound::Excluded(vec![lit(300)]) };
    let index = scan(&db, AccessPath::Index { index: 0, range: by_balance }, None);
    assert_eq!(query_ids(&db, index, &[]).unwrap(), vec![Some(2)]);
    // The filter still applies on top of the access path.
    let filtered = scan(&db, AccessPath::FullScan, Some(bin(BinaryOp::Gt, col(2), lit(150))));
    assert_eq!(query_ids(&db, filtered, &[]).unwrap(), vec![Some(2), Some(3)]);
    let bad_index = scan(&db, AccessPath::Index { index: 7, range: point(vec![lit(1)]) }, None);
    assert_eq!(query_ids(&db, bad_index, &[]).unwrap_err().sqlstate(), "XX000");
}

#[test]
fn left_join_sort_and_limit() {
    let db = Db::new();
    // accounts a LEFT JOIN accounts b ON b.id = a.id + 1: b's columns start at 5.
    let join = Node::NestedLoopJoin {
        left: Box::new(scan(&db, AccessPath::FullScan, None)),
        right: Box::new(scan(&db, AccessPath::FullScan, None)),
        kind: JoinKind::Left,
        on: Some(bin(BinaryOp::Eq, col(5), bin(BinaryOp::Add, col(0), lit(1)))),
        right_width: 5,
    };
    let sorted = Node::Sort {
        input: Box::new(project(join, &[0, 5])),
        keys: vec![SortKey { expr: col(1), descending: true, nulls_first: true }],
    };
    let limited = Node::Limit { input: Box::new(sorted), limit: Some(lit(2)), offset: None };
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let out = db.exec(&txn, &select(limited, &["a", "b"])).unwrap();
    assert_eq!(out.rows, vec![vec![Value::Integer(3), Value::Null], vec![Value::Integer(2), Value::Integer(3)]]);
    assert_eq!(out.tag.to_string(), "SELECT 2");
}

#[test]
fn uncorrelated_and_correlated_subqueries() {
    let db = Db::new();
    // SELECT id FROM accounts WHERE balance > (SELECT avg(balance) FROM accounts)
    let avg = Subquery {
        root: Node::Aggregate {
            input: Box::new(scan(&db, AccessPath::FullScan, None)),
            group_by: vec![],
            aggregates: vec![AggregateCall { function: AggregateFunction::Avg, arg: Some(col(2)), distinct: false }],
        },
        width: 1,
        correlated: false,
    };
    // (SELECT count(*) FROM accounts b WHERE b.balance < a.balance)
    let below = Subquery {
        root: Node::Aggregate {
            input: Box::new(scan(
                &db,
                AccessPath::FullScan,
                Some(bin(BinaryOp::Lt, col(2), Expr::Outer { depth: 1, index: 2 })),
            )),
            group_by: vec![],
            aggregates: vec![AggregateCall { function: AggregateFunction::CountStar, arg: None, distinct: false }],
        },
        width: 1,
        correlated: true,
    };
    let root = Node::Project {
        input: Box::new(scan(&db, AccessPath::FullScan, Some(bin(BinaryOp::Gt, col(2), Expr::ScalarSubquery(0))))),
        exprs: vec![col(0), Expr::ScalarSubquery(1)],
    };
    let mut plan = select(root, &["id", "below"]);
    plan.subqueries = vec![avg, below];
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let out = db.exec(&txn, &plan).unwrap();
    assert_eq!(out.rows, vec![vec![Value::Integer(3), Value::Integer(2)]]);

    // WHERE id IN (SELECT id FROM accounts WHERE balance < 250)
    let cheap = Subquery {
        root: project(scan(&db, AccessPath::FullScan, Some(bin(BinaryOp::Lt, col(2), lit(250)))), &[0]),
        width: 1,
        correlated: false,
    };
    let root = project(
        scan(&db, AccessPath::FullScan, Some(Expr::InSubquery { expr: Box::new(col(0)), subquery: 0, negated: true })),
        &[0],
    );
    let mut plan = select(root, &["id"]);
    plan.subqueries = vec![cheap];
    assert_eq!(ids(&db.exec(&txn, &plan).unwrap().rows), vec![Some(3)]);
}

#[test]
fn statement_level_errors() {
    let db = Db::new();
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let mut gone = db.accounts();
    gone.id = TableId(9999);
    let plan = select(Node::Scan { table: gone, access: AccessPath::FullScan, filter: None }, &["id"]);
    assert_eq!(db.exec(&txn, &plan).unwrap_err(), Error::UndefinedTable("accounts".into()));

    let ddl = plan_ddl();
    assert_eq!(db.exec(&txn, &ddl).unwrap_err(), Error::Internal("DDL is executed by the connection".into()));

    let mut needs_two = select(Node::Values { rows: vec![vec![Expr::Parameter(1)]], width: 1 }, &["x"]);
    needs_two.parameter_count = 2;
    assert_eq!(db.exec_with(&txn, &needs_two, &[1.into()]).unwrap_err(), Error::UndefinedParameter(2));
    assert_eq!(db.exec_with(&txn, &needs_two, &[1.into(), 2.into(), 3.into()]).unwrap_err().sqlstate(), "22023");
    let out = db.exec_with(&txn, &needs_two, &[1.into(), 2.into()]).unwrap();
    assert_eq!(out.rows, vec![vec![Value::Integer(2)]]);
}

fn plan_ddl() -> Plan {
    plan(PlannedStatement::DropTable { names: vec!["accounts".into()], if_exists: false })
}

#[test]
fn explain_prints_the_plan_text() {
    let db = Db::new();
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let inner = PlannedStatement::Query(QueryPlan {
        root: scan(&db, AccessPath::FullScan, None),
        columns: ["id".to_string()].into(),
    });
    let explain = plan(PlannedStatement::Explain(Box::new(inner)));
    let out = db.exec(&txn, &explain).unwrap();
    assert_eq!((&*out.columns, out.tag), (&["QUERY PLAN".to_string()][..], CommandTag::Fixed("EXPLAIN")));
    assert!(!out.rows.is_empty());
    assert!(out.rows.iter().all(|r| matches!(r.as_slice(), [Value::Text(_)])));
    let text: Vec<String> = out.rows.iter().map(|r| r[0].to_text()).collect();
    assert_eq!(text, crate::sql::planner::explain(&explain));
}
