//! Row locking: the READ COMMITTED re-check (EvalPlanQual), SNAPSHOT's first updater wins,
//! rows deleted under a writer, and FOR UPDATE / FOR SHARE.

use super::*;
use crate::sql::ast::{BinaryOp, LockStrength};
use crate::sql::execute::test_support::{bin, col};
use crate::sql::plan::{DeletePlan, UpdatePlan};

/// UPDATE accounts SET balance = balance + 1 WHERE <filter> (full scan).
fn add_one_where(db: &Db, filter: Expr) -> Plan {
    plan(PlannedStatement::Update(UpdatePlan {
        table: db.accounts(),
        access: AccessPath::FullScan,
        filter: Some(filter),
        assignments: vec![(2, bin(BinaryOp::Add, col(2), lit(1)))],
        returning: None,
    }))
}

fn set_balance(db: &Db, id: i64, balance: i64) {
    let txn = db.begin(IsolationLevel::ReadCommitted);
    let plan = plan(PlannedStatement::Update(UpdatePlan {
        table: db.accounts(),
        access: AccessPath::PrimaryKey(point(vec![lit(id)])),
        filter: None,
        assignments: vec![(2, lit(balance))],
        returning: None,
    }));
    assert_eq!(db.exec(&txn, &plan).unwrap().tag.to_string(), "UPDATE 1");
    txn.commit().unwrap();
}

#[test]
fn read_committed_rechecks_the_filter_on_the_newer_version() {
    let db = Db::new();
    let t2 = db.begin(IsolationLevel::ReadCommitted);
    t2.begin_statement(); // t2's statement snapshot predates t1's commit
    set_balance(&db, 1, 150);
    // Still matches on the old version, not on the new one: skipped.
    let out = db.exec_in_statement(&t2, &add_one_where(&db, bin(BinaryOp::Eq, col(2), lit(100))), &[]).unwrap();
    assert_eq!(out.tag.to_string(), "UPDATE 0");

    t2.commit().unwrap(); // t2 holds the row's lock until it ends

    let t3 = db.begin(IsolationLevel::ReadCommitted);
    t3.begin_statement();
    set_balance(&db, 1, 170);
    // Matches both versions: updated, computed from the newer version.
    let out = db.exec_in_statement(&t3, &add_one_where(&db, bin(BinaryOp::Eq, col(0), lit(1))), &[]).unwrap();
    assert_eq!(out.tag.to_string(), "UPDATE 1");
    t3.commit().unwrap();
    assert_eq!(db.contents()[0], row(1, "ann", 171));
}

#[test]
fn snapshot_isolation_fails_on_a_concurrent_update() {
    let db = Db::new();
    let t2 = db.begin(IsolationLevel::Snapshot);
    t2.begin_statement();
    set_balance(&db, 1, 150);
    let err = db.exec(&t2, &add_one_where(&db, bin(BinaryOp::Eq, col(0), lit(1)))).unwrap_err();
    assert_eq!(err.sqlstate(), "40001");
}

#[test]
fn rows_deleted_concurrently_are_skipped() {
    let db = Db::new();
    let t2 = db.begin(IsolationLevel::ReadCommitted);
    t2.begin_statement();
    let t1 = db.begin(IsolationLevel::ReadCommitted);
    let delete = DeletePlan {
        table: db.accounts(),
        access: AccessPath::PrimaryKey(point(vec![lit(1)])),
        filter: None,
        returning: None,
    };
    assert_eq!(db.exec(&t1, &plan(PlannedStatement::Delete(delete))).unwrap().tag.to_string(), "DELETE 1");
    t1.commit().unwrap();
    let out = db.exec_in_statement(&t2, &add_one_where(&db, bin(BinaryOp::Lt, col(0), lit(3))), &[]).unwrap();
    assert_eq!(out.tag.to_string(), "UPDATE 1");
}

fn lock_rows(db: &Db, access: AccessPath, strength: LockStrength, nowait: bool) -> Node {
    Node::LockRows { table: db.accounts(), access, filter: None, strength, nowait }
}

#[test]
fn for_update_under_a_limit_locks_only_the_rows_returned() {
    let db = Db::new();
    let t1 = db.begin(IsolationLevel::ReadCommitted);
    let first = Node::Limit {
        input: Box::new(lock_rows(&db, AccessPath::FullScan, LockStrength::Update, false)),
        limit: Some(lit(1)),
        offset: None,
    };
    let out = db.exec(&t1, &select(project(first, &[0]), &["id"])).unwrap();
    assert_eq!(out.rows, vec![vec![Value::Integer(1)]]);

    let t2 = db.begin(IsolationLevel::ReadCommitted);
    let nowait = |id: i64, strength| {
        let node = lock_rows(&db, AccessPath::PrimaryKey(point(vec![lit(id)])), strength, true);
        db.exec(&t2, &select(project(node, &[0]), &["id"]))
    };
    assert_eq!(nowait(2, LockStrength::Update).unwrap().tag.to_string(), "SELECT 1");
    assert_eq!(nowait(1, LockStrength::Update).unwrap_err().sqlstate(), "55P03");
    assert_eq!(nowait(1, LockStrength::Share).unwrap_err().sqlstate(), "55P03");
}

#[test]
fn for_share_locks_are_shared() {
    let db = Db::new();
    let t1 = db.begin(IsolationLevel::ReadCommitted);
    let all = lock_rows(&db, AccessPath::FullScan, LockStrength::Share, false);
    assert_eq!(db.exec(&t1, &select(all, &["*"])).unwrap().tag.to_string(), "SELECT 3");
    let t2 = db.begin(IsolationLevel::ReadCommitted);
    let node = |strength| lock_rows(&db, AccessPath::PrimaryKey(point(vec![lit(3)])), strength, true);
    assert_eq!(db.exec(&t2, &select(node(LockStrength::Share), &["*"])).unwrap().tag.to_string(), "SELECT 1");
    assert_eq!(db.exec(&t2, &select(node(LockStrength::Update), &["*"])).unwrap_err().sqlstate(), "55P03");
}
