//! No input makes the engine panic: random statements built from SQL tokens, run against a
//! small database, must each return a result or a typed error, and leave the session usable.

use isolde::Database;
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "SELECT",
    "INSERT",
    "INTO",
    "UPDATE",
    "DELETE",
    "FROM",
    "WHERE",
    "SET",
    "VALUES",
    "t",
    "u",
    "id",
    "v",
    "name",
    "*",
    ",",
    "(",
    ")",
    "=",
    "<",
    ">",
    "<=",
    "+",
    "-",
    "/",
    "%",
    "||",
    "AND",
    "OR",
    "NOT",
    "NULL",
    "IS",
    "IN",
    "BETWEEN",
    "LIKE",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "CAST",
    "AS",
    "INTEGER",
    "TEXT",
    "ORDER",
    "BY",
    "GROUP",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "DISTINCT",
    "JOIN",
    "LEFT",
    "ON",
    "EXISTS",
    "count",
    "sum",
    "max",
    "coalesce",
    "substr",
    "0",
    "1",
    "-1",
    "9223372036854775807",
    "2.5",
    "'a'",
    "''",
    "$1",
    "true",
    "false",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "s",
    "FOR",
    "UPDATE",
    "SHARE",
    "EXPLAIN",
    "CREATE",
    "TABLE",
    "INDEX",
    "DROP",
    "PRIMARY",
    "KEY",
    "UNIQUE",
    "DEFAULT",
    "xmin",
    "xmax",
    ";",
];

fn statement() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(TOKENS), 1..16).prop_map(|tokens| tokens.join(" "))
}

/// Statements that look like SQL: a valid prefix followed by random tokens.
fn shaped_statement() -> impl Strategy<Value = String> {
    let prefixes = proptest::sample::select(
        &[
            "SELECT * FROM t WHERE",
            "SELECT id, v FROM t",
            "UPDATE t SET v =",
            "DELETE FROM t WHERE",
            "INSERT INTO t VALUES (",
            "SELECT count(*) FROM t GROUP BY",
            "SELECT * FROM t JOIN u ON",
            "SELECT",
        ][..],
    );
    (prefixes, statement()).prop_map(|(p, s)| format!("{p} {s}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_statements_never_panic(statements in proptest::collection::vec(prop_oneof![statement(), shaped_statement()], 1..6)) {
        let db = Database::open_in_memory();
        let conn = db.connect();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, name TEXT);
             CREATE TABLE u (id INTEGER, v TEXT);
             INSERT INTO t VALUES (1, 10, 'a'), (2, NULL, 'b');
             INSERT INTO u VALUES (1, 'x');",
        ).unwrap();
        for sql in &statements {
            // Ok or a typed error; either way no panic.
            let _ = conn.run(sql);
        }
        // The session still works once any block is ended.
        let _ = conn.run("ROLLBACK");
        match conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<i64>(0)) {
            Ok(n) => prop_assert!(n >= 0),
            // A random statement may have dropped the table.
            Err(e) => prop_assert_eq!(e.sqlstate(), "42P01"),
        }
    }
}
