//! Odd and hostile input: every call returns, with Ok or Err, and never panics or overflows
//! the stack.

use super::*;

/// Not included: deeply nested parenthesised joins (`FROM (a JOIN (b JOIN ...`). In a debug
/// build sqlparser 0.64 spends about 160 KiB of stack per level there, more than the 128 KiB
/// margin its stack-growth guard keeps, so about 15 levels can overflow a 2 MiB test thread
/// before its recursion limit (50) is reached. Optimised builds are not affected.
#[test]
fn malformed_input_does_not_panic() {
    let deep_parens = format!("SELECT {}1{}", "(".repeat(200), ")".repeat(200));
    let deep_subqueries = format!("SELECT {}1{}", "(SELECT ".repeat(100), ")".repeat(100));
    let deep_not = format!("SELECT {}true", "NOT ".repeat(300));
    let deep_minus = format!("SELECT {}1", "- ".repeat(300));
    let deep_case = format!("SELECT {}1{}", "CASE WHEN true THEN ".repeat(60), " END".repeat(60));
    let deep_calls = format!("SELECT {}1{}", "f(".repeat(100), ")".repeat(100));
    let unclosed = "(".repeat(500);
    let long_in = format!("SELECT 1 IN ({}1)", "1, ".repeat(10_000));
    let many = "SELECT 1;".repeat(1000);
    let inputs: Vec<&str> = vec![
        "SELECT 'unterminated",
        "SELECT \"unterminated",
        "SELECT E'\\",
        "SELECT $$unterminated",
        "SELECT $tag$x$other$",
        "SELECT $",
        "SELECT $0",
        "SELECT $-1",
        "SELECT $99999999999999999999",
        "SELECT $1$2",
        "SELECT ?",
        "SELECT 1e999999",
        "SELECT -1e999999",
        "SELECT 0x",
        "SELECT 0xZZ",
        "SELECT 1__0",
        "SELECT 99999999999999999999999999999999999999999999",
        "SELECT 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        "SELECT",
        "SELECT FROM",
        "SELECT * FROM",
        "FROM t",
        "SELECT (",
        "SELECT )",
        ")",
        &unclosed,
        &deep_parens,
        &deep_subqueries,
        &deep_not,
        &deep_minus,
        &deep_case,
        &deep_calls,
        &long_in,
        &many,
        "/* unterminated comment",
        "-- only a comment",
        "\0",
        "SELECT '\0'",
        "🦀",
        "SELECT 🦀 FROM 🦀",
        "SELECT * FROM t WHERE a = 'é' AND b = '€' ORDER BY 日本",
        "INSERT INTO",
        "INSERT INTO t VALUES",
        "INSERT INTO t VALUES ()",
        "INSERT INTO t () VALUES (1)",
        "UPDATE t SET",
        "DELETE",
        "CREATE TABLE t (",
        "CREATE TABLE t (a)",
        "CREATE TABLE t ()",
        "CREATE INDEX ON",
        "DROP TABLE",
        "BEGIN ISOLATION LEVEL",
        "SET",
        "SET x =",
        "SHOW",
        "EXPLAIN",
        "EXPLAIN EXPLAIN SELECT 1",
        "SELECT 1 FROM t FOR UPDATE OF",
        "SELECT 1 LIMIT",
        "SELECT CAST(1 AS)",
        "SELECT 1::",
        "SELECT count(*",
        "SELECT a FROM t WHERE WHERE",
        "SELECT a.b.c.d.e FROM t",
        ";;;;",
        "   \n\t  ",
    ];
    for sql in inputs {
        // The result does not matter; returning does.
        let _ = parse(sql);
    }
}

/// Operator chains are not depth-limited by sqlparser; translation stops them.
#[test]
fn long_operator_chains_fail_cleanly() {
    for chain in [
        format!("SELECT {}1", "1 + ".repeat(1000)),
        format!("SELECT 1 WHERE {}true", "true AND ".repeat(1000)),
        format!("SELECT 1{}", "::int".repeat(1000)),
        format!("SELECT 1{}", " IS NULL".repeat(1000)),
        format!("SELECT 'a'{}", " LIKE 'a'".repeat(1000)),
        format!("SELECT 1 FROM t WHERE {}a = 1", "a = 1 OR ".repeat(10_000)),
    ] {
        fails_with(&chain, "0A000");
    }
    // Well below the limit is fine.
    let chain = format!("SELECT {}1", "1 + ".repeat(200));
    assert!(parse(&chain).is_ok());
}
