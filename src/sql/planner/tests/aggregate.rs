//! Aggregation, ORDER BY, DISTINCT and LIMIT.

use super::*;
use std::ops::Bound;

use crate::sql::plan::{AccessPath, AggregateFunction, Expr};

fn aggregate(q: &QueryPlan) -> (Vec<Expr>, Vec<crate::sql::plan::AggregateCall>) {
    fn find(node: &Node) -> Option<&Node> {
        match node {
            Node::Aggregate { .. } => Some(node),
            Node::Filter { input, .. }
            | Node::Project { input, .. }
            | Node::Sort { input, .. }
            | Node::Limit { input, .. }
            | Node::Distinct { input } => find(input),
            _ => None,
        }
    }
    match find(&q.root) {
        Some(Node::Aggregate { group_by, aggregates, .. }) => (group_by.clone(), aggregates.clone()),
        _ => panic!("no aggregate in {:?}", q.root),
    }
}

#[test]
fn group_by_plans_an_aggregate_below_the_projection() {
    let (q, _) = query("SELECT owner, sum(balance) FROM accounts GROUP BY owner");
    assert_eq!(*q.columns, ["owner", "sum"]);
    let (groups, calls) = aggregate(&q);
    assert!(matches!(groups[..], [Expr::Column(1)]));
    assert!(
        matches!(&calls[..], [c] if c.function == AggregateFunction::Sum && matches!(c.arg, Some(Expr::Column(2))))
    );
    let Node::Project { exprs, input } = &q.root else { panic!() };
    assert!(matches!(exprs[..], [Expr::Column(0), Expr::Column(1)]));
    assert!(matches!(**input, Node::Aggregate { .. }));
    explains(
        "SELECT owner, sum(balance) FROM accounts GROUP BY owner",
        "
        Aggregate
          Group Key: owner
          ->  Seq Scan on accounts
        ",
    );
}

#[test]
fn grouped_expressions_may_use_group_columns() {
    query("SELECT k + 1, count(*) FROM t GROUP BY k");
    query("SELECT k + 1 FROM t GROUP BY k + 1");
    query("SELECT (k + 1) * count(*) FROM t GROUP BY k + 1");
    query("SELECT 1, count(*), $1 FROM t");
    fails(
        "SELECT k FROM t GROUP BY k + 1",
        "42803",
        "column \"t.k\" must appear in the GROUP BY clause or be used in an aggregate function",
    );
    fails("SELECT v, count(*) FROM t", "42803", "column \"t.v\" must appear in the GROUP BY clause");
    fails("SELECT v FROM t GROUP BY k", "42803", "\"t.v\"");
    fails("SELECT x.v FROM t x GROUP BY k", "42803", "\"x.v\"");
    fails("SELECT * FROM t GROUP BY k", "42803", "\"t.id\"");
    fails("SELECT k FROM t HAVING true", "42803", "\"t.k\"");
    query("SELECT 1 FROM t HAVING count(*) > 0");
}

#[test]
fn group_by_accepts_ordinals_and_output_names() {
    let (q, _) = query("SELECT k AS kk, count(*) FROM t GROUP BY kk");
    assert!(matches!(aggregate(&q).0[..], [Expr::Column(1)]));
    let (q, _) = query("SELECT v, k, count(*) FROM t GROUP BY 2, 1");
    assert!(matches!(aggregate(&q).0[..], [Expr::Column(1), Expr::Column(2)]));
    // An input column wins over an output name.
    let (q, _) = query("SELECT v AS k FROM t GROUP BY k, v");
    assert!(matches!(aggregate(&q).0[..], [Expr::Column(1), Expr::Column(2)]));
    fails("SELECT k FROM t GROUP BY 2", "42P10", "GROUP BY position 2 is not in select list");
    fails("SELECT count(*) FROM t GROUP BY 1", "42803", "aggregate functions are not allowed in GROUP BY");
}

#[test]
fn aggregates_are_refused_where_postgres_refuses_them() {
    fails("SELECT * FROM t WHERE count(*) > 1", "42803", "aggregate functions are not allowed in WHERE");
    fails("SELECT k FROM t GROUP BY sum(k)", "42803", "aggregate functions are not allowed in GROUP BY");
    fails("SELECT sum(count(*)) FROM t", "42803", "aggregate function calls cannot be nested");
    fails("SELECT * FROM t LIMIT count(*)", "42803", "aggregate functions are not allowed in LIMIT");
    fails("UPDATE t SET k = sum(k)", "42803", "aggregate functions are not allowed in UPDATE");
    fails("DELETE FROM t RETURNING sum(k)", "42803", "aggregate functions are not allowed in RETURNING");
    fails("INSERT INTO t VALUES (count(*), 1, 'a')", "42803", "aggregate functions are not allowed in VALUES");
}

#[test]
fn identical_aggregate_calls_share_a_slot() {
    let (q, _) = query("SELECT sum(k), sum(k) + 1, count(DISTINCT k), count(k), count(*) FROM t");
    let calls = aggregate(&q).1;
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert!(calls[1].distinct && calls[1].function == AggregateFunction::Count);
    assert!(calls[3].function == AggregateFunction::CountStar && calls[3].arg.is_none());
}

#[test]
fn having_filters_the_aggregate_row() {
    explains(
        "SELECT k FROM t GROUP BY k HAVING count(*) > 1 AND k < 9",
        "
        Aggregate
          Group Key: k
          Filter: ((count(*) > 1) AND (k < 9))
          ->  Seq Scan on t
        ",
    );
}

#[test]
fn subqueries_in_grouped_expressions_read_group_columns() {
    let (_, plan) = query("SELECT k, (SELECT count(*) FROM orders o WHERE o.user_id = t.k) FROM t GROUP BY k");
    let Node::Scan { access: AccessPath::Index { range, .. }, .. } = bottom(&plan.subqueries[0].root) else { panic!() };
    assert!(matches!(&range.lower, Bound::Included(v) if matches!(v[..], [Expr::Outer { depth: 1, index: 0 }])));
    fails(
        "SELECT k, (SELECT count(*) FROM orders o WHERE o.user_id = t.id) FROM t GROUP BY k",
        "42803",
        "subquery uses ungrouped column \"t.id\" from outer query",
    );
}

#[test]
fn order_by_names_ordinals_and_expressions() {
    let (q, _) = query("SELECT k AS x, v FROM t ORDER BY x DESC, 2");
    let Node::Sort { keys, .. } = &q.root else { panic!("{:?}", q.root) };
    assert!(matches!(keys[0].expr, Expr::Column(0)) && keys[0].descending && keys[0].nulls_first);
    assert!(matches!(keys[1].expr, Expr::Column(1)) && !keys[1].descending && !keys[1].nulls_first);
    // An output name wins over an input column.
    let (q, _) = query("SELECT k AS id FROM t ORDER BY id");
    assert!(matches!(&q.root, Node::Sort { keys, .. } if matches!(keys[0].expr, Expr::Column(0))));
    fails("SELECT k, v FROM t ORDER BY 3", "42P10", "ORDER BY position 3 is not in select list");
    fails("SELECT k FROM t ORDER BY 0", "42P10", "ORDER BY position 0");
    fails("SELECT k FROM t ORDER BY 'a'", "42601", "non-integer constant in ORDER BY");
    fails("SELECT k AS x, v AS x FROM t ORDER BY x", "42702", "x");
    query("SELECT k AS x, k AS x FROM t ORDER BY x");
}

#[test]
fn order_by_input_expressions_are_hidden_columns() {
    let (q, _) = query("SELECT v FROM t ORDER BY k + 1 NULLS FIRST LIMIT 3");
    assert_eq!(*q.columns, ["v"]);
    let Node::Project { exprs, input } = &q.root else { panic!("{:?}", q.root) };
    assert!(matches!(exprs[..], [Expr::Column(0)]));
    let Node::Limit { input, .. } = &**input else { panic!() };
    let Node::Sort { input, keys } = &**input else { panic!() };
    assert!(matches!(keys[0].expr, Expr::Column(1)) && keys[0].nulls_first && !keys[0].descending);
    assert!(matches!(&**input, Node::Project { exprs, .. } if exprs.len() == 2));
    explains(
        "SELECT v FROM t ORDER BY k + 1 NULLS FIRST, v DESC NULLS LAST LIMIT 3",
        "
        Limit
          ->  Sort (key: (k + 1) NULLS FIRST, v DESC NULLS LAST)
                ->  Seq Scan on t
        ",
    );
    // An expression equal to a select-list column reuses it.
    let (q, _) = query("SELECT k + 1 FROM t ORDER BY k + 1");
    assert!(matches!(&q.root, Node::Sort { .. }));
}

#[test]
fn order_by_in_aggregated_queries() {
    explains(
        "SELECT k FROM t GROUP BY k ORDER BY count(*) DESC",
        "
        Sort (key: count(*) DESC)
          ->  Aggregate
                Group Key: k
                ->  Seq Scan on t
        ",
    );
    fails("SELECT k FROM t GROUP BY k ORDER BY v", "42803", "\"t.v\"");
}

#[test]
fn distinct_requires_order_by_in_the_select_list() {
    explains(
        "SELECT DISTINCT k FROM t ORDER BY k",
        "
        Sort (key: k)
          ->  Distinct
                ->  Seq Scan on t
        ",
    );
    fails(
        "SELECT DISTINCT k FROM t ORDER BY v",
        "42P10",
        "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
    );
}

#[test]
fn limit_and_offset_are_constant() {
    let (q, plan) = query("SELECT * FROM t LIMIT 10 OFFSET $1");
    assert!(matches!(
        &q.root,
        Node::Limit { limit: Some(Expr::Literal(Value::Integer(10))), offset: Some(Expr::Parameter(0)), .. }
    ));
    assert_eq!(plan.parameter_count, 1);
    fails("SELECT * FROM t LIMIT k", "42P10", "argument of LIMIT must not contain variables");
    fails("SELECT * FROM t OFFSET id + 1", "42P10", "argument of OFFSET must not contain variables");
    fails("SELECT * FROM t LIMIT (SELECT 1)", "0A000", "LIMIT");
    fails("SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM t LIMIT u.id)", "42P10", "LIMIT");
}

#[test]
fn the_example_of_the_brief() {
    explains(
        "SELECT * FROM accounts WHERE id BETWEEN 1 AND 10 AND balance > 0 ORDER BY balance DESC LIMIT 5",
        "
        Limit
          ->  Sort (key: balance DESC)
                ->  Index Scan using accounts_pkey on accounts (id >= 1 AND id <= 10)
                      Filter: (balance > 0)
        ",
    );
}
