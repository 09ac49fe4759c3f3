//! Executor tests over a real transaction layer, with hand-built plans (the planner is tested
//! on its own; end-to-end SQL tests live with the public API).
//!
//! The fixture table is
//! `accounts(id integer primary key, owner varchar(5), balance integer not null default 0)`
//! with a secondary index on `balance`, holding (1, 'ann', 100), (2, 'bob', 200),
//! (3, 'cy', 300). A scan row is `[id, owner, balance, xmin, xmax]`.

mod locking;
mod queries;
mod writes;

use std::ops::Bound;
use std::sync::Arc;

use super::*;
use crate::sql::execute::test_support::lit;
use crate::sql::plan::{AccessPath, Expr, InsertPlan, InsertSource, KeyRange, Node, QueryPlan, Returning, TableRef};
use crate::storage::Catalog;
use crate::txn::{Engine, IsolationLevel, TxnOptions};
use crate::types::{ColumnSchema, DataType, IndexSchema, TableSchema};

pub(super) struct Db {
    pub catalog: Arc<Catalog>,
    pub engine: Arc<Engine>,
}

impl Db {
    /// The fixture database, with its three rows committed.
    pub fn new() -> Db {
        let catalog = Arc::new(Catalog::new());
        let column = |name: &str, data_type, max_chars, nullable| ColumnSchema {
            name: name.into(),
            data_type,
            max_chars,
            nullable,
            default: Value::Null,
        };
        catalog
            .create_table(TableSchema {
                name: "accounts".into(),
                columns: vec![
                    column("id", DataType::Integer, None, false),
                    column("owner", DataType::Text, Some(5), true),
                    column("balance", DataType::Integer, None, false),
                ],
                primary_key: vec![0],
                indexes: vec![IndexSchema { name: "accounts_balance_idx".into(), columns: vec![2], unique: false }],
            })
            .unwrap();
        let engine = Engine::new(catalog.clone());
        let db = Db { catalog, engine };
        let txn = db.begin(IsolationLevel::ReadCommitted);
        let rows = vec![row(1, "ann", 100), row(2, "bob", 200), row(3, "cy", 300)];
        db.exec(&txn, &insert_values(&db, rows, None)).unwrap();
        txn.commit().unwrap();
        db
    }

    pub fn begin(&self, level: IsolationLevel) -> Transaction {
        Transaction::begin(&self.engine, TxnOptions { level, ..TxnOptions::default() }).unwrap()
    }

    pub fn accounts(&self) -> TableRef {
        let table = self.catalog.snapshot().table("accounts").unwrap().clone();
        TableRef { id: table.id, schema: table.schema() }
    }

    /// Runs `plan` as a new statement of `txn`.
    pub fn exec(&self, txn: &Transaction, plan: &Plan) -> Result<Output> {
        self.exec_with(txn, plan, &[])
    }

    pub fn exec_with(&self, txn: &Transaction, plan: &Plan, params: &[Value]) -> Result<Output> {
        txn.begin_statement();
        self.exec_in_statement(txn, plan, params)
    }

    /// Runs `plan` in `txn`'s current statement (snapshot already taken).
    pub fn exec_in_statement(&self, txn: &Transaction, plan: &Plan, params: &[Value]) -> Result<Output> {
        let catalog = self.catalog.snapshot();
        execute(plan, &ExecContext { txn, catalog: &catalog, params })
    }

    /// `SELECT id, owner, balance FROM accounts ORDER BY id` in a new transaction.
    pub fn contents(&self) -> Vec<Row> {
        let txn = self.begin(IsolationLevel::ReadCommitted);
        let plan = select(project(scan(self, AccessPath::FullScan, None), &[0, 1, 2]), &["id", "owner", "balance"]);
        self.exec(&txn, &plan).unwrap().rows
    }
}

pub(super) fn row(id: i64, owner: &str, balance: i64) -> Vec<Value> {
    vec![Value::Integer(id), Value::text(owner), Value::Integer(balance)]
}

pub(super) fn plan(statement: PlannedStatement) -> Plan {
    Plan { statement, subqueries: vec![], parameter_count: 0 }
}

pub(super) fn select(root: Node, columns: &[&str]) -> Plan {
    plan(PlannedStatement::Query(QueryPlan { root, columns: columns.iter().map(|c| c.to_string()).collect() }))
}

pub(super) fn scan(db: &Db, access: AccessPath, filter: Option<Expr>) -> Node {
    Node::Scan { table: db.accounts(), access, filter }
}

pub(super) fn project(input: Node, columns: &[usize]) -> Node {
    Node::Project { input: Box::new(input), exprs: columns.iter().map(|&c| Expr::Column(c)).collect() }
}

/// A point range over a key: `lower = upper = values`.
pub(super) fn point(values: Vec<Expr>) -> KeyRange {
    KeyRange { lower: Bound::Included(values.clone()), upper: Bound::Included(values) }
}

pub(super) fn returning(exprs: Vec<Expr>, columns: &[&str]) -> Option<Returning> {
    Some(Returning { exprs, columns: columns.iter().map(|c| c.to_string()).collect() })
}

pub(super) fn insert_values(db: &Db, rows: Vec<Vec<Value>>, returning: Option<Returning>) -> Plan {
    let rows = rows.into_iter().map(|r| r.into_iter().map(lit).collect()).collect();
    plan(PlannedStatement::Insert(InsertPlan { table: db.accounts(), source: InsertSource::Values(rows), returning }))
}
