//! INSERT, UPDATE and DELETE: coercion, constraints, RETURNING, command tags, Halloween.

use super::*;
use crate::sql::ast::BinaryOp;
use crate::sql::command_tag::CommandTag;
use crate::sql::execute::test_support::{bin, col, null};
use crate::sql::plan::{DeletePlan, InsertColumn, UpdatePlan};

fn update(db: &Db, access: AccessPath, filter: Option<Expr>, assignments: Vec<(usize, Expr)>) -> UpdatePlan {
    UpdatePlan { table: db.accounts(), access, filter, assignments, returning: None }
}

fn run(db: &Db, statement: PlannedStatement) -> Result<Output> {
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let out = db.exec(&txn, &plan(statement))?;
    txn.commit()?;
    Ok(out)
}

#[test]
fn insert_coerces_and_returns() {
    let db = Db::new();
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let values = vec![vec![Value::Integer(4), Value::text("dan  "), Value::text(" 400 ")]];
    let ret = returning(vec![col(0), col(1), col(2), col(4)], &["id", "owner", "balance", "xmax"]);
    let out = db.exec(&txn, &insert_values(&db, values, ret)).unwrap();
    assert_eq!(out.tag.to_string(), "INSERT 0 1");
    assert_eq!(*out.columns, ["id", "owner", "balance", "xmax"]);
    let mut expected = row(4, "dan  ", 400);
    expected.push(Value::Integer(0));
    assert_eq!(out.rows, vec![expected]);
    assert!(matches!(out.rows[0][2], Value::Integer(400)));
    txn.commit().unwrap();
    assert_eq!(db.contents().len(), 4);
}

#[test]
fn insert_errors() {
    let db = Db::new();
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let attempt = |values: Vec<Value>| db.exec(&txn, &insert_values(&db, vec![values], None)).unwrap_err();
    let err = attempt(vec![5.into(), "eve".into(), Value::Null]);
    assert_eq!(err, Error::NotNullViolation { table: "accounts".into(), column: "balance".into() });
    assert_eq!(attempt(vec![5.into(), "toolong".into(), 1.into()]), Error::StringTooLong(5));
    assert_eq!(attempt(vec![5.into(), 5.into(), 1.into()]).sqlstate(), "42804");
    assert_eq!(attempt(vec![1.into(), "dup".into(), 1.into()]).sqlstate(), "23505");
}

#[test]
fn insert_from_a_query_over_the_same_table() {
    let db = Db::new();
    // INSERT INTO accounts SELECT id + 10, owner, 7 FROM accounts: sees only the 3 old rows.
    let source = InsertSource::Query {
        root: Node::Project {
            input: Box::new(scan(&db, AccessPath::FullScan, None)),
            exprs: vec![bin(BinaryOp::Add, col(0), lit(10)), col(1)],
        },
        columns: vec![InsertColumn::FromQuery(0), InsertColumn::FromQuery(1), InsertColumn::Default(7.into())],
    };
    let out = run(&db, PlannedStatement::Insert(InsertPlan { table: db.accounts(), source, returning: None })).unwrap();
    assert_eq!((out.tag, out.affected), (CommandTag::Counted("INSERT 0", 3), 3));
    let contents = db.contents();
    assert_eq!(contents.len(), 6);
    assert_eq!(contents[5], row(13, "cy", 7));
}

#[test]
fn update_reads_old_values_and_returns_new_ones() {
    let db = Db::new();
    // UPDATE accounts SET id = id + 10, balance = id WHERE id = 2 RETURNING id, balance
    let mut plan = update(
        &db,
        AccessPath::PrimaryKey(point(vec![lit(2)])),
        Some(bin(BinaryOp::Eq, col(0), lit(2))),
        vec![(0, bin(BinaryOp::Add, col(0), lit(10))), (2, col(0))],
    );
    plan.returning = returning(vec![col(0), col(2)], &["id", "balance"]);
    let out = run(&db, PlannedStatement::Update(plan)).unwrap();
    assert_eq!(out.tag.to_string(), "UPDATE 1");
    assert_eq!(out.rows, vec![vec![Value::Integer(12), Value::Integer(2)]]);
    assert_eq!(db.contents(), vec![row(1, "ann", 100), row(3, "cy", 300), row(12, "bob", 2)]);

    let set_null = update(&db, AccessPath::FullScan, None, vec![(2, null())]);
    let err = run(&db, PlannedStatement::Update(set_null)).unwrap_err();
    assert_eq!(err.sqlstate(), "23502");
    let set_text = update(&db, AccessPath::FullScan, None, vec![(2, lit("5"))]);
    assert_eq!(run(&db, PlannedStatement::Update(set_text)).unwrap().tag.to_string(), "UPDATE 3");
}

#[test]
fn update_through_an_index_range_changes_each_row_once() {
    let db = Db::new();
    // UPDATE accounts SET balance = balance + 1000 WHERE balance >= 100, through the balance
    // index: the new keys land inside the range being scanned (the Halloween problem).
    let range = KeyRange { lower: Bound::Included(vec![lit(100)]), upper: Bound::Unbounded };
    let plan = update(
        &db,
        AccessPath::Index { index: 0, range },
        Some(bin(BinaryOp::GtEq, col(2), lit(100))),
        vec![(2, bin(BinaryOp::Add, col(2), lit(1000)))],
    );
    assert_eq!(run(&db, PlannedStatement::Update(plan)).unwrap().tag.to_string(), "UPDATE 3");
    assert_eq!(db.contents(), vec![row(1, "ann", 1100), row(2, "bob", 1200), row(3, "cy", 1300)]);

    // Moving primary keys up, scanned in key order: each row moves once.
    let plan = update(&db, AccessPath::FullScan, None, vec![(0, bin(BinaryOp::Add, col(0), lit(10)))]);
    assert_eq!(run(&db, PlannedStatement::Update(plan)).unwrap().tag.to_string(), "UPDATE 3");
    let ids: Vec<Value> = db.contents().into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids, vec![Value::Integer(11), Value::Integer(12), Value::Integer(13)]);
}

#[test]
fn delete_returns_the_deleted_rows() {
    let db = Db::new();
    let plan = DeletePlan {
        table: db.accounts(),
        access: AccessPath::FullScan,
        filter: Some(bin(BinaryOp::Lt, col(2), lit(250))),
        returning: returning(vec![col(0), col(1)], &["id", "owner"]),
    };
    let out = run(&db, PlannedStatement::Delete(plan)).unwrap();
    assert_eq!(out.tag.to_string(), "DELETE 2");
    assert_eq!(out.rows, vec![vec![1.into(), "ann".into()], vec![2.into(), "bob".into()]]);
    assert_eq!(db.contents(), vec![row(3, "cy", 300)]);
    let none = DeletePlan {
        table: db.accounts(),
        access: AccessPath::PrimaryKey(point(vec![lit(9)])),
        filter: None,
        returning: None,
    };
    let out = run(&db, PlannedStatement::Delete(none)).unwrap();
    assert_eq!((out.tag, out.columns.len(), out.rows.len()), (CommandTag::Counted("DELETE", 0), 0, 0));
}
