//! INSERT, UPDATE, DELETE.

use super::*;
use crate::sql::plan::{AccessPath, DeletePlan, Expr, InsertColumn, InsertPlan, InsertSource, UpdatePlan};

fn insert(sql: &str) -> InsertPlan {
    match plan_ok(sql).statement {
        PlannedStatement::Insert(i) => i,
        other => panic!("{other:?}"),
    }
}

fn update(sql: &str) -> UpdatePlan {
    match plan_ok(sql).statement {
        PlannedStatement::Update(u) => u,
        other => panic!("{other:?}"),
    }
}

fn delete(sql: &str) -> DeletePlan {
    match plan_ok(sql).statement {
        PlannedStatement::Delete(d) => d,
        other => panic!("{other:?}"),
    }
}

/// A catalog whose `d` table has defaults: d(id PK, n int DEFAULT 7, s text DEFAULT 'x').
fn with_defaults() -> CatalogSnapshot {
    let catalog = Catalog::new();
    let mut n = column("n", DataType::Integer);
    n.default = Value::Integer(7);
    let mut s = column("s", DataType::Text);
    s.default = Value::text("x");
    let schema = TableSchema {
        name: "d".into(),
        columns: vec![column("id", DataType::Integer), n, s],
        primary_key: vec![0],
        indexes: vec![],
    };
    catalog.create_table(schema).expect("d");
    catalog.snapshot()
}

fn literal_of(e: &Expr) -> Value {
    match e {
        Expr::Literal(v) => v.clone(),
        other => panic!("not a literal: {other:?}"),
    }
}

#[test]
fn insert_rows_are_in_table_order_with_defaults() {
    let stmt = statement("INSERT INTO d (s, id) VALUES ('a', 1), (DEFAULT, $1)");
    let planned = plan(&stmt, &with_defaults()).expect("plan");
    let PlannedStatement::Insert(InsertPlan { source: InsertSource::Values(rows), returning: None, .. }) =
        &planned.statement
    else {
        panic!("{planned:?}")
    };
    assert_eq!(rows.len(), 2);
    assert_eq!(literal_of(&rows[0][0]), Value::Integer(1));
    assert_eq!(literal_of(&rows[0][1]), Value::Integer(7));
    assert_eq!(literal_of(&rows[0][2]), Value::text("a"));
    assert!(matches!(rows[1][0], Expr::Parameter(0)));
    assert_eq!(literal_of(&rows[1][2]), Value::text("x"));
    assert_eq!(planned.parameter_count, 1);

    let stmt = statement("INSERT INTO d DEFAULT VALUES");
    let planned = plan(&stmt, &with_defaults()).expect("plan");
    let PlannedStatement::Insert(InsertPlan { source: InsertSource::Values(rows), .. }) = &planned.statement else {
        panic!()
    };
    assert_eq!(
        rows[0].iter().map(literal_of).collect::<Vec<_>>(),
        vec![Value::Null, Value::Integer(7), Value::text("x")]
    );
}

#[test]
fn insert_checks_its_columns() {
    fails("INSERT INTO nope VALUES (1)", "42P01", "nope");
    fails("INSERT INTO t (id, nope) VALUES (1, 2)", "42703", "nope");
    fails("INSERT INTO t (id, id) VALUES (1, 2)", "42701", "column \"id\" specified more than once");
    fails("INSERT INTO t (id, k) VALUES (1, 2, 3)", "42601", "INSERT has more expressions than target columns");
    fails("INSERT INTO t VALUES (1, 2, 'a'), (1)", "42601", "INSERT has more target columns than expressions");
    fails("INSERT INTO t VALUES (k, 1, 'a')", "42703", "k");
    fails("INSERT INTO t (id) SELECT id, k FROM t", "42601", "INSERT has more expressions than target columns");
}

#[test]
fn insert_select_maps_query_columns() {
    let stmt = statement("INSERT INTO d (s, id) SELECT v, k FROM t WHERE id = 1");
    let planned = plan(&stmt, &catalog_with_d()).expect("plan");
    let PlannedStatement::Insert(InsertPlan { source: InsertSource::Query { columns, root }, .. }) = &planned.statement
    else {
        panic!()
    };
    assert!(matches!(
        &columns[..],
        [InsertColumn::FromQuery(1), InsertColumn::Default(Value::Integer(7)), InsertColumn::FromQuery(0)]
    ));
    assert!(matches!(bottom(root), Node::Scan { access: AccessPath::PrimaryKey(_), .. }));
    let lines = explain(&planned);
    assert_eq!(lines[0], "Insert on d");
    assert_eq!(lines[1], "  ->  Index Scan using t_pkey on t (id = 1)");
}

/// [`catalog`]'s tables plus `d` of [`with_defaults`].
fn catalog_with_d() -> CatalogSnapshot {
    let catalog = Catalog::new();
    for table in catalog_tables().into_iter().chain(with_defaults().tables().map(|t| (*t.schema()).clone())) {
        catalog.create_table(table).expect("table");
    }
    catalog.snapshot()
}

fn catalog_tables() -> Vec<TableSchema> {
    catalog().tables().map(|t| (*t.schema()).clone()).collect()
}

#[test]
fn returning_binds_over_the_written_row() {
    let i = insert("INSERT INTO t VALUES (1, 2, 'a') RETURNING *, xmin, k + 1 AS k1");
    let r = i.returning.expect("returning");
    assert_eq!(*r.columns, ["id", "k", "v", "xmin", "k1"]);
    assert!(matches!(r.exprs[..4], [Expr::Column(0), Expr::Column(1), Expr::Column(2), Expr::Column(3)]));
    let u = update("UPDATE t AS x SET k = k + 1 RETURNING x.k, v");
    assert!(matches!(u.returning.expect("returning").exprs[..], [Expr::Column(1), Expr::Column(2)]));
    fails("UPDATE t AS x SET k = 1 RETURNING t.k", "42P01", "t");
    fails("DELETE FROM t RETURNING nope", "42703", "nope");
}

#[test]
fn update_assignments_are_bound_over_the_old_row() {
    let u = update("UPDATE t SET v = v || 'x', k = NULL WHERE id = $1 AND k > 0");
    assert_eq!(u.assignments.len(), 2);
    assert_eq!(u.assignments[0].0, 2);
    assert!(matches!(&u.assignments[0].1, Expr::Binary(_, l, _) if matches!(**l, Expr::Column(2))));
    assert!(matches!((u.assignments[1].0, &u.assignments[1].1), (1, Expr::Literal(Value::Null))));
    assert!(matches!(u.access, AccessPath::PrimaryKey(_)));
    assert!(u.filter.is_some());
    fails("UPDATE t SET nope = 1", "42703", "nope");
    fails("UPDATE t SET xmin = 1", "42703", "xmin");
    fails("UPDATE t SET k = 1, k = 2", "42601", "multiple assignments to same column \"k\"");
    fails("UPDATE nope SET k = 1", "42P01", "nope");
    fails("UPDATE t SET k = nope", "42703", "nope");
}

#[test]
fn update_and_delete_accept_subqueries() {
    let u = update(
        "UPDATE t SET k = (SELECT max(user_id) FROM orders WHERE orders.id = t.id) WHERE id IN (SELECT id FROM users)",
    );
    assert!(u.filter.is_some());
    let plan = plan_ok("UPDATE t SET k = (SELECT max(user_id) FROM orders WHERE orders.id = t.id)");
    assert!(plan.subqueries[0].correlated);
    let d = delete("DELETE FROM t x WHERE x.k = 3");
    assert!(matches!(d.access, AccessPath::Index { index: 0, .. }));
    assert!(delete("DELETE FROM t").filter.is_none());
}
