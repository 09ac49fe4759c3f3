//! Tests of the translation, through `parse`: each asserts the exact isolde AST, or the
//! SQLSTATE of the error. Expressions and literals are here; the other statement kinds in
//! `tests/`.

mod ddl;
mod dml;
mod query;
mod robustness;
mod session;

use crate::error::Error;
use crate::sql::ast::*;
use crate::sql::parse::parse;
use crate::types::Value;

/// The only statement of `sql`.
fn one(sql: &str) -> Statement {
    let mut statements = parse(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(statements.len(), 1, "{sql}");
    statements.remove(0)
}

/// The query of `sql`.
fn query(sql: &str) -> Query {
    match one(sql) {
        Statement::Query(query) => *query,
        other => panic!("{sql}: not a query: {other:?}"),
    }
}

/// The translation of an expression, via `SELECT <expr>`.
fn expr(sql: &str) -> Expr {
    let mut query = query(&format!("SELECT {sql}"));
    match query.select.projection.pop() {
        Some(SelectItem::Expr { expr, alias: None }) => expr,
        other => panic!("{sql}: {other:?}"),
    }
}

/// Asserts that `sql` fails with 0A000 and returns the message.
fn unsupported(sql: &str) -> String {
    match parse(sql) {
        Err(e @ Error::FeatureNotSupported(_)) => {
            assert_eq!(e.sqlstate(), "0A000");
            e.to_string()
        }
        other => panic!("{sql}: expected 0A000, got {other:?}"),
    }
}

/// Asserts that `sql` fails with SQLSTATE `state`.
fn fails_with(sql: &str, state: &str) {
    match parse(sql) {
        Err(e) => assert_eq!(e.sqlstate(), state, "{sql}: {e}"),
        Ok(statements) => panic!("{sql}: expected {state}, got {statements:?}"),
    }
}

fn col(name: &str) -> Expr {
    Expr::Column { table: None, name: name.into() }
}

fn qcol(table: &str, name: &str) -> Expr {
    Expr::Column { table: Some(table.into()), name: name.into() }
}

fn int(n: i64) -> Expr {
    Expr::Literal(Value::Integer(n))
}

fn real(f: f64) -> Expr {
    Expr::Literal(Value::Real(f))
}

fn text(s: &str) -> Expr {
    Expr::Literal(Value::text(s))
}

fn bin(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    Expr::Binary { op, left: Box::new(left), right: Box::new(right) }
}

fn func(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function { name: name.into(), args, distinct: false, star: false }
}

fn item(expr: Expr) -> SelectItem {
    SelectItem::Expr { expr, alias: None }
}

fn table(name: &str) -> FromItem {
    FromItem::Table { name: name.into(), alias: None }
}

/// A query with just a projection and FROM list.
fn select(projection: Vec<SelectItem>, from: Vec<FromItem>) -> Query {
    Query {
        select: Select { distinct: false, projection, from, filter: None, group_by: vec![], having: None },
        order_by: vec![],
        limit: None,
        offset: None,
        locking: None,
    }
}

#[test]
fn identifiers_fold_unless_quoted() {
    assert_eq!(
        query(r#"SELECT Foo, "Foo", T.Bar, "T"."Bar" FROM Tab"#),
        select(
            vec![item(col("foo")), item(col("Foo")), item(qcol("t", "bar")), item(qcol("T", "Bar")),],
            vec![table("tab")],
        )
    );
}

#[test]
fn schema_public_is_dropped_other_schemas_are_unsupported() {
    assert_eq!(query("SELECT public.t.a FROM public.t"), select(vec![item(qcol("t", "a"))], vec![table("t")]));
    assert!(unsupported("SELECT * FROM other.t").contains("other.t"));
    unsupported("SELECT * FROM db.public.t");
    unsupported("SELECT s.t.a FROM t");
    unsupported("SELECT * FROM \"Public\".t");
}

#[test]
fn integer_and_real_literals() {
    assert_eq!(expr("42"), int(42));
    assert_eq!(expr("007"), int(7));
    assert_eq!(expr("1_000"), int(1000));
    assert_eq!(expr("0x1F"), int(31));
    assert_eq!(expr("1.5"), real(1.5));
    assert_eq!(expr(".5"), real(0.5));
    assert_eq!(expr("1."), real(1.0));
    assert_eq!(expr("1e3"), real(1000.0));
    assert_eq!(expr("2.5E-1"), real(0.25));
    // Beyond i64: PostgreSQL's numeric, our real.
    assert_eq!(expr("9223372036854775808"), real(9_223_372_036_854_775_808.0));
    fails_with("SELECT 1e400", "22003");
}

#[test]
fn minus_folds_into_number_literals() {
    assert_eq!(expr("-9223372036854775808"), int(i64::MIN));
    assert_eq!(expr("- 5"), int(-5));
    assert_eq!(expr("-1.5"), real(-1.5));
    assert_eq!(expr("-0x10"), int(-16));
    assert_eq!(expr("-x"), Expr::Unary { op: UnaryOp::Minus, expr: Box::new(col("x")) });
    assert_eq!(expr("+1"), Expr::Unary { op: UnaryOp::Plus, expr: Box::new(int(1)) });
    assert_eq!(expr("- -1"), Expr::Unary { op: UnaryOp::Minus, expr: Box::new(int(-1)) });
    assert_eq!(expr("2 - 1"), bin(BinaryOp::Subtract, int(2), int(1)));
}

#[test]
fn string_boolean_and_null_literals() {
    assert_eq!(expr("'it''s'"), text("it's"));
    assert_eq!(expr("''"), text(""));
    assert_eq!(expr(r"E'a\nb\'c'"), text("a\nb'c"));
    assert_eq!(expr("$$dollar 'quoted'$$"), text("dollar 'quoted'"));
    assert_eq!(expr(r"U&'d\0061t\+000061'"), text("data"));
    assert_eq!(expr("'héllo €'"), text("héllo €"));
    assert_eq!(expr("TRUE"), Expr::Literal(Value::Boolean(true)));
    assert_eq!(expr("false"), Expr::Literal(Value::Boolean(false)));
    assert_eq!(expr("NULL"), Expr::Literal(Value::Null));
    unsupported("SELECT X'ff'");
    unsupported("SELECT B'101'");
}

#[test]
fn parameters() {
    assert_eq!(expr("$1 + $12"), bin(BinaryOp::Add, Expr::Parameter(1), Expr::Parameter(12)));
    fails_with("SELECT $0", "42P02");
    fails_with("SELECT $99999999999999999999", "42601");
    fails_with("SELECT $foo", "42601");
    fails_with("SELECT $", "42601");
    // sqlparser's PostgreSQL dialect does not tokenize `?` as a placeholder: a syntax error
    // whose message points to $n (see the parse tests).
    fails_with("SELECT ?", "42601");
}

#[test]
fn binary_operators() {
    use BinaryOp::*;
    for (sql, op) in [
        ("+", Add),
        ("-", Subtract),
        ("*", Multiply),
        ("/", Divide),
        ("%", Modulo),
        ("=", Eq),
        ("<>", NotEq),
        ("!=", NotEq),
        ("<", Lt),
        ("<=", LtEq),
        (">", Gt),
        (">=", GtEq),
        ("AND", And),
        ("OR", Or),
        ("||", Concat),
    ] {
        assert_eq!(expr(&format!("a {sql} b")), bin(op, col("a"), col("b")), "{sql}");
    }
    // Precedence is sqlparser's; parentheses only group.
    assert_eq!(expr("((a)) + b * (c)"), bin(Add, col("a"), bin(Multiply, col("b"), col("c"))));
    assert_eq!(
        expr("NOT a = 1 OR b"),
        bin(Or, Expr::Unary { op: UnaryOp::Not, expr: Box::new(bin(Eq, col("a"), int(1))) }, col("b"))
    );
    for sql in ["a ~ 'x'", "a & 1", "a ^ 2", "|/ 4", "a -> 'k'", "a <=> b"] {
        fails_with(&format!("SELECT {sql}"), "0A000");
    }
}

#[test]
fn is_between_in_like() {
    let is_null = |negated| Expr::IsNull { expr: Box::new(col("a")), negated };
    assert_eq!(expr("a IS NULL"), is_null(false));
    assert_eq!(expr("a IS NOT NULL"), is_null(true));
    let is_bool = |value, negated| Expr::IsBool { expr: Box::new(col("a")), value, negated };
    assert_eq!(expr("a IS TRUE"), is_bool(true, false));
    assert_eq!(expr("a IS NOT TRUE"), is_bool(true, true));
    assert_eq!(expr("a IS FALSE"), is_bool(false, false));
    assert_eq!(expr("a IS NOT FALSE"), is_bool(false, true));
    assert_eq!(
        expr("a NOT BETWEEN 1 AND 2"),
        Expr::Between { expr: Box::new(col("a")), low: Box::new(int(1)), high: Box::new(int(2)), negated: true }
    );
    assert_eq!(
        expr("a IN (1, 2)"),
        Expr::InList { expr: Box::new(col("a")), list: vec![int(1), int(2)], negated: false }
    );
    assert_eq!(
        expr("a NOT IN (SELECT b FROM t)"),
        Expr::InSubquery {
            expr: Box::new(col("a")),
            query: Box::new(select(vec![item(col("b"))], vec![table("t")])),
            negated: true,
        }
    );
    let like = |negated, case_insensitive| Expr::Like {
        expr: Box::new(col("a")),
        pattern: Box::new(text("x%")),
        negated,
        case_insensitive,
    };
    assert_eq!(expr("a LIKE 'x%'"), like(false, false));
    assert_eq!(expr("a NOT LIKE 'x%'"), like(true, false));
    assert_eq!(expr("a ILIKE 'x%'"), like(false, true));
    assert_eq!(expr("a NOT ILIKE 'x%'"), like(true, true));
    assert!(unsupported(r"SELECT a LIKE 'x' ESCAPE '\'").contains("ESCAPE"));
    unsupported("SELECT a IS DISTINCT FROM b");
    unsupported("SELECT a IS UNKNOWN");
    unsupported("SELECT a SIMILAR TO 'x'");
    unsupported("SELECT a = ANY(b)");
}

#[test]
fn subqueries_case_and_casts() {
    let sub = || Box::new(select(vec![item(int(1))], vec![]));
    assert_eq!(expr("EXISTS (SELECT 1)"), Expr::Exists { query: sub(), negated: false });
    assert_eq!(expr("NOT EXISTS (SELECT 1)"), Expr::Exists { query: sub(), negated: true });
    assert_eq!(expr("(SELECT 1)"), Expr::ScalarSubquery(sub()));
    assert_eq!(
        expr("CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' ELSE 'z' END"),
        Expr::Case {
            operand: Some(Box::new(col("a"))),
            branches: vec![(int(1), text("x")), (int(2), text("y"))],
            else_result: Some(Box::new(text("z"))),
        }
    );
    assert_eq!(
        expr("CASE WHEN a > 1 THEN 1 END"),
        Expr::Case { operand: None, branches: vec![(bin(BinaryOp::Gt, col("a"), int(1)), int(1))], else_result: None }
    );
    let cast = |expr, data_type| Expr::Cast { expr: Box::new(expr), data_type };
    use crate::types::DataType::*;
    assert_eq!(expr("CAST(a AS bigint)"), cast(col("a"), Integer));
    assert_eq!(expr("a::double precision"), cast(col("a"), Real));
    assert_eq!(expr("a::varchar(5)"), cast(col("a"), Text));
    assert_eq!(expr("'t'::bool"), cast(text("t"), Boolean));
    assert_eq!(expr("int '1'"), cast(text("1"), Integer));
    assert!(unsupported("SELECT a::numeric").contains("type numeric"));
    assert!(unsupported("SELECT DATE '2020-01-01'").contains("type date"));
    unsupported("SELECT TRY_CAST(a AS int)");
}

#[test]
fn function_calls() {
    assert_eq!(expr("count(*)"), Expr::Function { name: "count".into(), args: vec![], distinct: false, star: true });
    assert_eq!(
        expr("COUNT(DISTINCT x)"),
        Expr::Function { name: "count".into(), args: vec![col("x")], distinct: true, star: false }
    );
    assert_eq!(expr("count(ALL x)"), func("count", vec![col("x")]));
    assert_eq!(expr("Lower(Name)"), func("lower", vec![col("name")]));
    assert_eq!(expr("no_such_fn()"), func("no_such_fn", vec![]));
    assert_eq!(expr("current_timestamp"), func("current_timestamp", vec![]));
    // Special syntax becomes ordinary calls.
    assert_eq!(expr("ceil(x)"), func("ceil", vec![col("x")]));
    assert_eq!(expr("floor(x)"), func("floor", vec![col("x")]));
    assert_eq!(expr("position('a' IN s)"), func("strpos", vec![col("s"), text("a")]));
    assert_eq!(expr("substring(s FROM 2 FOR 3)"), func("substring", vec![col("s"), int(2), int(3)]));
    assert_eq!(expr("substring(s FOR 3)"), func("substring", vec![col("s"), int(1), int(3)]));
    assert_eq!(expr("substr(s, 2)"), func("substr", vec![col("s"), int(2)]));
    assert_eq!(expr("trim(s)"), func("btrim", vec![col("s")]));
    assert_eq!(expr("trim(LEADING 'x' FROM s)"), func("ltrim", vec![col("s"), text("x")]));
    assert_eq!(expr("trim(s, 'xy')"), func("btrim", vec![col("s"), text("xy")]));
    assert!(unsupported("SELECT rank() OVER (ORDER BY a) FROM t").contains("window"));
    assert!(unsupported("SELECT sum(a) FILTER (WHERE a > 0) FROM t").contains("FILTER"));
    assert!(unsupported("SELECT string_agg(a, ',' ORDER BY a) FROM t").contains("ORDER BY"));
    unsupported("SELECT pg_catalog.lower('A')");
    unsupported("SELECT f(a => 1)");
    unsupported("SELECT count(DISTINCT *)");
}

#[test]
fn other_expressions_are_unsupported() {
    for sql in [
        "SELECT a COLLATE \"C\"",
        "SELECT ARRAY[1, 2]",
        "SELECT a[1]",
        "SELECT (1, 2)",
        "SELECT interval '1 day'",
        "SELECT EXTRACT(YEAR FROM a)",
        "SELECT a AT TIME ZONE 'UTC'",
        "SELECT * FROM t GROUP BY GROUPING SETS ((a))",
        "SELECT * FROM t GROUP BY ROLLUP (a)",
    ] {
        unsupported(sql);
    }
}

#[test]
fn default_outside_values_is_a_syntax_error() {
    fails_with("SELECT default", "42601");
    fails_with("SELECT * FROM t WHERE a = DEFAULT", "42601");
}
