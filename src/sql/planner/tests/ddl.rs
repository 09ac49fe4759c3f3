//! CREATE / DROP TABLE and INDEX.

use super::*;
use crate::sql::plan::{CreateIndexPlan, CreateTablePlan};

fn create_table(sql: &str) -> CreateTablePlan {
    match plan_ok(sql).statement {
        PlannedStatement::CreateTable(c) => c,
        other => panic!("{other:?}"),
    }
}

fn create_index(sql: &str) -> CreateIndexPlan {
    match plan_ok(sql).statement {
        PlannedStatement::CreateIndex(c) => c,
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_table_builds_the_schema() {
    let c = create_table(
        "CREATE TABLE IF NOT EXISTS p (id INTEGER PRIMARY KEY, email VARCHAR(20) UNIQUE NOT NULL, \
         score REAL DEFAULT 1, flag BOOLEAN DEFAULT CAST('yes' AS boolean), n INT DEFAULT -5, note TEXT DEFAULT NULL)",
    );
    assert!(c.if_not_exists);
    let s = c.schema;
    assert_eq!(s.name, "p");
    assert_eq!(s.primary_key, vec![0]);
    let names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["id", "email", "score", "flag", "n", "note"]);
    assert!(!s.columns[0].nullable && !s.columns[1].nullable && s.columns[2].nullable);
    assert_eq!(s.columns[1].max_chars, Some(20));
    assert_eq!(s.columns[2].default, Value::Real(1.0));
    assert!(matches!(s.columns[2].default, Value::Real(_)), "an integer default of a real column is real");
    assert_eq!(s.columns[3].default, Value::Boolean(true));
    assert_eq!(s.columns[4].default, Value::Integer(-5));
    assert_eq!(s.columns[5].default, Value::Null);
    assert_eq!(s.indexes, vec![index("p_email_key", &[1], true)]);
}

#[test]
fn table_constraints_make_keys_and_unique_indexes() {
    let s =
        create_table("CREATE TABLE q (a INT, b INT, c TEXT, PRIMARY KEY (b, a), UNIQUE (c, a), UNIQUE (c, a))").schema;
    assert_eq!(s.primary_key, vec![1, 0]);
    assert!(!s.columns[0].nullable && !s.columns[1].nullable && s.columns[2].nullable);
    assert_eq!(s.indexes, vec![index("q_c_a_key", &[2, 0], true), index("q_c_a_key1", &[2, 0], true)]);
    let s = create_table("CREATE TABLE r (x INT)").schema;
    assert!(s.primary_key.is_empty() && s.indexes.is_empty());
}

#[test]
fn create_table_errors() {
    fails("CREATE TABLE q (a INT, a TEXT)", "42701", "column \"a\" specified more than once");
    fails(
        "CREATE TABLE q (a INT PRIMARY KEY, b INT PRIMARY KEY)",
        "42P16",
        "multiple primary keys for table \"q\" are not allowed",
    );
    fails("CREATE TABLE q (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))", "42P16", "multiple primary keys");
    fails("CREATE TABLE q (a INT, PRIMARY KEY (nope))", "42703", "nope");
    fails("CREATE TABLE q (a INT, UNIQUE (a, a))", "42701", "a");
    fails("CREATE TABLE q (a INT DEFAULT 1 + 1)", "0A000", "non-constant DEFAULT expressions");
    fails("CREATE TABLE q (a INT DEFAULT abs(1))", "0A000", "non-constant DEFAULT expressions");
    fails(
        "CREATE TABLE q (a INT DEFAULT 'x')",
        "42804",
        "column \"a\" is of type integer but default expression is of type text",
    );
    fails(
        "CREATE TABLE q (a BOOLEAN DEFAULT 1)",
        "42804",
        "column \"a\" is of type boolean but default expression is of type integer",
    );
    fails("CREATE TABLE q (a INT DEFAULT CAST('x' AS integer))", "22P02", "x");
}

#[test]
fn create_index_resolves_columns_and_names_itself() {
    let c = create_index("CREATE INDEX ON t (v, k)");
    assert_eq!((c.name.as_str(), c.table.as_str(), c.columns.clone(), c.unique), ("t_v_k_idx", "t", vec![2, 1], false));
    // t_k_idx exists: PostgreSQL appends a number.
    assert_eq!(create_index("CREATE INDEX ON t (k)").name, "t_k_idx1");
    let c = create_index("CREATE UNIQUE INDEX IF NOT EXISTS by_v ON t (v)");
    assert_eq!((c.name.as_str(), c.unique, c.if_not_exists), ("by_v", true, true));
    // A taken explicit name is the catalog's to refuse.
    assert_eq!(create_index("CREATE INDEX t_k_idx ON t (k)").name, "t_k_idx");
    fails("CREATE INDEX ON t (nope)", "42703", "nope");
    fails("CREATE INDEX ON nope (a)", "42P01", "nope");
}

#[test]
fn drops_pass_through() {
    let plan = plan_ok("DROP TABLE IF EXISTS a, b");
    assert!(matches!(&plan.statement, PlannedStatement::DropTable { names, if_exists: true } if names == &["a", "b"]));
    let plan = plan_ok("DROP INDEX t_k_idx");
    assert!(
        matches!(&plan.statement, PlannedStatement::DropIndex { names, if_exists: false } if names == &["t_k_idx"])
    );
    assert_eq!(explain(&plan), vec!["Drop Index t_k_idx"]);
}
