//! Name resolution, output names, expressions and subqueries.

use super::*;
use std::ops::Bound;

use crate::sql::plan::{AccessPath, Expr};

fn projection(q: &QueryPlan) -> Vec<Expr> {
    fn find(node: &Node) -> Option<&Vec<Expr>> {
        match node {
            Node::Project { exprs, .. } => Some(exprs),
            Node::Sort { input, .. } | Node::Limit { input, .. } | Node::Distinct { input } => find(input),
            _ => None,
        }
    }
    find(&q.root).cloned().expect("a projection")
}

fn columns_of(exprs: &[Expr]) -> Vec<usize> {
    exprs
        .iter()
        .map(|e| match e {
            Expr::Column(i) => *i,
            other => panic!("not a column: {other:?}"),
        })
        .collect()
}

#[test]
fn tables_are_named_by_alias_when_they_have_one() {
    assert_eq!(*query("SELECT a.id FROM accounts a").0.columns, ["id"]);
    fails("SELECT accounts.id FROM accounts a", "42P01", "accounts");
    fails("SELECT id FROM nope", "42P01", "relation \"nope\" does not exist");
    fails("SELECT a.nope FROM accounts a", "42703", "a.nope");
    fails("SELECT nope FROM accounts", "42703", "column \"nope\" does not exist");
}

#[test]
fn unqualified_names_search_every_from_item() {
    // t is [id, k, v, xmin, xmax], accounts starts at 5.
    let (q, _) = query("SELECT owner, k, accounts.id, t.id FROM t, accounts");
    assert_eq!(columns_of(&projection(&q)), vec![6, 1, 5, 0]);
    fails("SELECT id FROM t, accounts", "42702", "column reference \"id\" is ambiguous");
    fails("SELECT 1 FROM t, t", "42712", "table name \"t\" specified more than once");
    assert_eq!(*query("SELECT a.k, b.k FROM t a, t b").0.columns, ["k", "k"]);
}

#[test]
fn wildcards_expand_user_columns_in_from_order() {
    let (q, _) = query("SELECT * FROM t, accounts");
    assert_eq!(*q.columns, ["id", "k", "v", "id", "owner", "balance"]);
    assert_eq!(columns_of(&projection(&q)), vec![0, 1, 2, 5, 6, 7]);
    let (q, _) = query("SELECT accounts.*, t.k FROM t, accounts");
    assert_eq!(*q.columns, ["id", "owner", "balance", "k"]);
    fails("SELECT x.* FROM t", "42P01", "x");
    fails("SELECT *", "42601", "SELECT * with no tables specified is not valid");
}

#[test]
fn system_columns_follow_the_table_columns() {
    let (q, _) = query("SELECT xmin, xmax, t.xmin FROM t");
    assert_eq!(columns_of(&projection(&q)), vec![3, 4, 3]);
    // A user column of that name wins; `*` never shows system columns.
    let (q, _) = query("SELECT xmin, xmax FROM odd");
    assert_eq!(columns_of(&projection(&q)), vec![0, 3]);
    assert_eq!(*query("SELECT * FROM odd").0.columns, ["xmin", "val"]);
    fails("SELECT xmin FROM t, accounts", "42702", "xmin");
}

#[test]
fn output_columns_are_named_as_postgres_names_them() {
    let (q, _) = query(
        "SELECT id, k AS kk, lower(v), k + 1, CASE WHEN k > 1 THEN 1 END, k::text, '1'::integer, \
         EXISTS (SELECT 1 FROM t), (SELECT max(amount) FROM orders), coalesce(k, 0), $1 FROM t",
    );
    assert_eq!(
        *q.columns,
        ["id", "kk", "lower", "?column?", "case", "k", "int4", "exists", "max", "coalesce", "?column?"]
    );
    let (q, _) = query("SELECT count(*), sum(k), max(v) AS m FROM t");
    assert_eq!(*q.columns, ["count", "sum", "m"]);
}

#[test]
fn parameters_are_zero_based_and_counted() {
    let (q, plan) = query("SELECT k + $3 FROM t WHERE id = $1");
    assert_eq!(plan.parameter_count, 3);
    assert!(matches!(&projection(&q)[0], Expr::Binary(_, _, r) if matches!(**r, Expr::Parameter(2))));
    assert_eq!(plan_ok("INSERT INTO t VALUES ($1, $2, $3)").parameter_count, 3);
}

#[test]
fn functions_are_checked_by_name_and_arity() {
    query(
        "SELECT abs(k), round(k), round(k, 2), substring(v, 1, 2), substr(v, 2), greatest(k, 1, 2), \
           least(k, id), concat(v, k), nullif(k, 0), length(v), char_length(v), upper(v) FROM t",
    );
    fails("SELECT foo(k, v) FROM t", "42883", "function foo(integer, text) does not exist");
    fails("SELECT abs(k, 1) FROM t", "42883", "abs(integer, integer)");
    fails("SELECT nullif(k) FROM t", "42883", "nullif");
    fails("SELECT lower(*) FROM t", "42883", "lower(*)");
    fails("SELECT sum(k, id) FROM t", "42883", "sum(integer, integer)");
    fails("SELECT foo(nope) FROM t", "42703", "nope");
}

#[test]
fn between_becomes_two_comparisons() {
    assert_eq!(
        explained("SELECT * FROM log WHERE at BETWEEN 1 AND $1"),
        vec!["Seq Scan on log", "  Filter: ((at >= 1) AND (at <= $1))"]
    );
    assert_eq!(
        explained("SELECT * FROM log WHERE at NOT BETWEEN 1 AND 5"),
        vec!["Seq Scan on log", "  Filter: (NOT ((at >= 1) AND (at <= 5)))"]
    );
}

#[test]
fn correlated_subqueries_read_outer_columns() {
    let (_, plan) = query("SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)");
    assert_eq!(plan.subqueries.len(), 1);
    assert!(plan.subqueries[0].correlated);
    // o.user_id = u.id probes the index on orders.user_id with the outer column.
    let range = match bottom(&plan.subqueries[0].root) {
        Node::Scan { access: AccessPath::Index { index: 0, range }, .. } => range.clone(),
        other => panic!("{other:?}"),
    };
    assert!(matches!(&range.lower, Bound::Included(v) if matches!(v[..], [Expr::Outer { depth: 1, index: 0 }])));

    let (_, plan) = query("SELECT id FROM users WHERE id IN (SELECT user_id FROM orders)");
    assert!(!plan.subqueries[0].correlated);
    assert_eq!(plan.subqueries[0].width, 1);
}

#[test]
fn a_reference_two_levels_out_correlates_every_level_between() {
    let (_, plan) = query(
        "SELECT id FROM users u WHERE EXISTS \
         (SELECT 1 FROM orders o WHERE EXISTS (SELECT 1 FROM t WHERE t.k = u.id))",
    );
    assert_eq!(plan.subqueries.len(), 2);
    assert!(plan.subqueries.iter().all(|s| s.correlated), "{:?}", plan.subqueries);
    let innermost = plan
        .subqueries
        .iter()
        .find(|s| matches!(bottom(&s.root), Node::Scan { table, .. } if table.schema.name == "t"));
    let Some(Node::Scan { access, .. }) = innermost.map(|s| bottom(&s.root)) else { panic!("no scan of t") };
    // The outer reference is constant while the subquery runs: it probes t_k_idx.
    assert!(matches!(access, crate::sql::plan::AccessPath::Index { index: 0, .. }), "{access:?}");
    let text = explain_text(
        "SELECT id FROM users u WHERE EXISTS \
         (SELECT 1 FROM orders o WHERE EXISTS (SELECT 1 FROM t WHERE t.k = u.id))",
    );
    assert!(text.contains("Index Scan using t_k_idx on t (k = id)"), "{text}");
}

#[test]
fn subquery_errors() {
    fails("SELECT * FROM t WHERE k IN (SELECT id, k FROM t)", "42601", "subquery has too many columns");
    fails("SELECT (SELECT id, k FROM t)", "42601", "subquery has too many columns");
    fails("SELECT * FROM t WHERE EXISTS (SELECT nope FROM users)", "42703", "nope");
}

#[test]
fn subqueries_in_from_are_inlined_under_their_alias() {
    let (q, plan) = query("SELECT s.x, y FROM (SELECT k AS x, v AS y FROM t) s WHERE s.x > 1");
    assert_eq!(*q.columns, ["x", "y"]);
    assert!(plan.subqueries.is_empty());
    assert!(matches!(bottom(&q.root), Node::Scan { .. }));
    assert_eq!(*query("SELECT * FROM (SELECT k, v FROM t) s").0.columns, ["k", "v"]);
    // A FROM subquery cannot see its siblings (no LATERAL) ...
    fails("SELECT 1 FROM t, (SELECT t.k) s", "42P01", "t");
    // ... but may read the enclosing query, which makes the enclosing subquery correlated.
    let (_, plan) = query("SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM (SELECT k FROM t WHERE k = u.id) s)");
    assert!(plan.subqueries[0].correlated);
    // Duplicate output names of a subquery are ambiguous when referenced.
    fails("SELECT k FROM (SELECT k, k FROM t) s", "42702", "k");
}

#[test]
fn join_conditions_only_see_their_join() {
    fails("SELECT 1 FROM t JOIN accounts ON accounts.id = users.id, users", "42P01", "users");
    fails(
        "SELECT 1 FROM t JOIN accounts ON count(*) > 1",
        "42803",
        "aggregate functions are not allowed in JOIN conditions",
    );
}
