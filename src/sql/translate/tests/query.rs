//! SELECT.

use super::*;

fn order(expr: Expr, descending: bool, nulls_first: Option<bool>) -> OrderByItem {
    OrderByItem { expr, descending, nulls_first }
}

#[test]
fn select_without_from() {
    assert_eq!(query("SELECT 1"), select(vec![item(int(1))], vec![]));
}

#[test]
fn projection_items_and_aliases() {
    assert_eq!(
        query("SELECT *, t.*, a AS x, b y, c FROM t"),
        select(
            vec![
                SelectItem::Wildcard,
                SelectItem::QualifiedWildcard("t".into()),
                SelectItem::Expr { expr: col("a"), alias: Some("x".into()) },
                SelectItem::Expr { expr: col("b"), alias: Some("y".into()) },
                item(col("c")),
            ],
            vec![table("t")],
        )
    );
    // The PostgreSQL dialect of sqlparser accepts an alias after `*`.
    assert!(unsupported("SELECT * AS x FROM t").contains("alias on *"));
}

#[test]
fn distinct() {
    let mut expected = select(vec![item(col("a"))], vec![table("t")]);
    assert_eq!(query("SELECT ALL a FROM t"), expected);
    expected.select.distinct = true;
    assert_eq!(query("SELECT DISTINCT a FROM t"), expected);
    assert!(unsupported("SELECT DISTINCT ON (a) a FROM t").contains("DISTINCT ON"));
}

#[test]
fn from_lists_joins_and_subqueries() {
    let join = |left, right, kind, on| FromItem::Join { left: Box::new(left), right: Box::new(right), kind, on };
    let on = |l: &str, r: &str| Some(bin(BinaryOp::Eq, qcol(l, "id"), qcol(r, "id")));
    assert_eq!(
        query(
            "SELECT * FROM a AS x JOIN b ON x.id = b.id LEFT OUTER JOIN c ON b.id = c.id \
             CROSS JOIN d, e INNER JOIN f ON e.id = f.id"
        )
        .select
        .from,
        vec![
            join(
                join(
                    join(
                        FromItem::Table { name: "a".into(), alias: Some("x".into()) },
                        table("b"),
                        JoinKind::Inner,
                        on("x", "b"),
                    ),
                    table("c"),
                    JoinKind::Left,
                    on("b", "c"),
                ),
                table("d"),
                JoinKind::Cross,
                None,
            ),
            join(table("e"), table("f"), JoinKind::Inner, on("e", "f")),
        ]
    );
    assert_eq!(
        query("SELECT * FROM (a LEFT JOIN b ON true)").select.from,
        vec![join(table("a"), table("b"), JoinKind::Left, Some(Expr::Literal(Value::Boolean(true))))]
    );
    let sub = |alias: Option<&str>| FromItem::Subquery {
        query: Box::new(select(vec![item(int(1))], vec![])),
        alias: alias.map(Into::into),
    };
    assert_eq!(query("SELECT * FROM (SELECT 1) AS s, (SELECT 1)").select.from, vec![sub(Some("s")), sub(None)]);
    assert!(unsupported("SELECT * FROM a JOIN b USING (id)").contains("USING"));
    assert!(unsupported("SELECT * FROM a NATURAL JOIN b").contains("NATURAL"));
    assert!(unsupported("SELECT * FROM a RIGHT JOIN b ON true").contains("RIGHT JOIN"));
    assert!(unsupported("SELECT * FROM a FULL JOIN b ON true").contains("FULL JOIN"));
    assert!(unsupported("SELECT * FROM (SELECT 1) AS s(x)").contains("column aliases"));
    assert!(unsupported("SELECT * FROM t AS x(y)").contains("column aliases"));
    unsupported("SELECT * FROM LATERAL (SELECT 1) s");
    unsupported("SELECT * FROM generate_series(1, 3)");
    unsupported("SELECT * FROM ONLY t");
    unsupported("SELECT * FROM t TABLESAMPLE SYSTEM (10)");
}

#[test]
fn where_group_by_having() {
    let mut expected = select(vec![item(col("a")), item(func("sum", vec![col("b")]))], vec![table("t")]);
    expected.select.filter = Some(bin(BinaryOp::Gt, col("b"), int(0)));
    expected.select.group_by = vec![col("a"), int(2)];
    expected.select.having = Some(bin(
        BinaryOp::Gt,
        Expr::Function { name: "count".into(), args: vec![], distinct: false, star: true },
        int(1),
    ));
    assert_eq!(query("SELECT a, sum(b) FROM t WHERE b > 0 GROUP BY a, 2 HAVING count(*) > 1"), expected);
}

#[test]
fn order_by_limit_offset() {
    let mut expected = select(vec![item(col("a"))], vec![table("t")]);
    // Ordinals and output names arrive as plain expressions; the planner resolves them.
    expected.order_by =
        vec![order(int(1), true, Some(true)), order(col("a"), false, None), order(col("b"), false, Some(false))];
    expected.limit = Some(int(10));
    expected.offset = Some(int(5));
    let sql = "SELECT a FROM t ORDER BY 1 DESC NULLS FIRST, a ASC, b NULLS LAST";
    assert_eq!(query(&format!("{sql} LIMIT 10 OFFSET 5")), expected);
    assert_eq!(query(&format!("{sql} OFFSET 5 ROWS LIMIT 10")), expected);
    assert_eq!(query(&format!("{sql} OFFSET 5 FETCH FIRST 10 ROWS ONLY")), expected);
    let mut expected = select(vec![item(col("a"))], vec![table("t")]);
    expected.offset = Some(Expr::Parameter(1));
    assert_eq!(query("SELECT a FROM t LIMIT ALL OFFSET $1"), expected);
    expected.offset = None;
    expected.limit = Some(int(1));
    assert_eq!(query("SELECT a FROM t FETCH FIRST ROW ONLY"), expected);
    unsupported("SELECT a FROM t FETCH FIRST 5 ROWS WITH TIES");
    unsupported("SELECT a FROM t ORDER BY a USING <");
    fails_with("SELECT a FROM t LIMIT 1 FETCH FIRST 2 ROWS ONLY", "42601");
}

#[test]
fn locking_clauses() {
    let locked = |strength, of: &[&str], nowait| {
        let mut query = select(vec![item(col("a"))], vec![table("t")]);
        query.locking = Some(LockingClause { strength, of: of.iter().map(|s| s.to_string()).collect(), nowait });
        query
    };
    use LockStrength::*;
    assert_eq!(query("SELECT a FROM t FOR UPDATE"), locked(Update, &[], false));
    assert_eq!(query("SELECT a FROM t FOR SHARE"), locked(Share, &[], false));
    assert_eq!(query("SELECT a FROM t FOR UPDATE OF t NOWAIT"), locked(Update, &["t"], true));
    assert_eq!(query("SELECT a FROM t FOR UPDATE OF t FOR UPDATE OF u"), locked(Update, &["t", "u"], false));
    assert_eq!(query("SELECT a FROM t FOR SHARE OF t FOR SHARE"), locked(Share, &[], false));
    // LIMIT may also follow the locking clause.
    let mut expected = locked(Update, &[], false);
    expected.limit = Some(int(1));
    assert_eq!(query("SELECT a FROM t FOR UPDATE LIMIT 1"), expected);
    assert!(unsupported("SELECT a FROM t FOR UPDATE SKIP LOCKED").contains("SKIP LOCKED"));
    unsupported("SELECT a FROM t FOR UPDATE OF t FOR SHARE OF u");
    // sqlparser 0.64 does not parse these.
    fails_with("SELECT a FROM t FOR NO KEY UPDATE", "42601");
    fails_with("SELECT a FROM t FOR KEY SHARE", "42601");
}

#[test]
fn parenthesised_queries() {
    let mut expected = select(vec![item(col("a"))], vec![table("t")]);
    assert_eq!(query("(SELECT a FROM t)"), expected);
    assert_eq!(query("((SELECT a FROM t))"), expected);
    // Clauses outside the parentheses are added, as PostgreSQL does.
    expected.order_by = vec![order(col("a"), false, None)];
    expected.limit = Some(int(5));
    assert_eq!(query("(SELECT a FROM t LIMIT 5) ORDER BY a"), expected);
    fails_with("(SELECT a FROM t ORDER BY a) ORDER BY a", "42601");
    fails_with("(SELECT a FROM t LIMIT 1) LIMIT 2", "42601");
}

#[test]
fn unsupported_query_forms() {
    assert!(unsupported("SELECT 1 UNION SELECT 2").contains("UNION"));
    assert!(unsupported("SELECT 1 INTERSECT SELECT 2").contains("INTERSECT"));
    assert!(unsupported("SELECT 1 EXCEPT SELECT 2").contains("EXCEPT"));
    assert!(unsupported("VALUES (1)").contains("VALUES"));
    assert!(unsupported("WITH x AS (SELECT 1) SELECT * FROM x").contains("WITH"));
    assert!(unsupported("SELECT a INTO b FROM t").contains("INTO"));
    assert!(unsupported("SELECT * FROM t WINDOW w AS (ORDER BY a)").contains("window"));
}
