//! Access paths and the placement of conditions.

use super::*;
use crate::sql::plan::{AccessPath, Expr};
use std::ops::Bound;

#[test]
fn primary_key_equality_is_a_point() {
    assert_eq!(scan_line("SELECT * FROM t WHERE id = 1"), "Index Scan using t_pkey on t (id = 1)");
    assert_eq!(scan_line("SELECT * FROM t WHERE id = $1"), "Index Scan using t_pkey on t (id = $1)");
    assert_eq!(scan_line("SELECT * FROM t WHERE 5 = id"), "Index Scan using t_pkey on t (id = 5)");
    assert_eq!(scan_line("SELECT * FROM t WHERE id = -3 + $2"), "Index Scan using t_pkey on t (id = (-3 + $2))");
    let (q, _) = query("SELECT * FROM t WHERE id = 1");
    // The equality is the range: no filter is left to check.
    let Node::Scan { access: AccessPath::PrimaryKey(range), filter: None, .. } = bottom(&q.root) else {
        panic!("{:?}", q.root)
    };
    assert!(matches!(&range.lower, Bound::Included(v) if matches!(v[..], [Expr::Literal(Value::Integer(1))])));
    assert!(matches!(&range.upper, Bound::Included(v) if matches!(v[..], [Expr::Literal(Value::Integer(1))])));
}

#[test]
fn ranges_use_the_leading_key_column() {
    assert_eq!(scan_line("SELECT * FROM t WHERE id > 5"), "Index Scan using t_pkey on t (id > 5)");
    assert_eq!(scan_line("SELECT * FROM t WHERE 5 > id"), "Index Scan using t_pkey on t (id < 5)");
    assert_eq!(
        scan_line("SELECT * FROM t WHERE id BETWEEN 1 AND 10"),
        "Index Scan using t_pkey on t (id >= 1 AND id <= 10)"
    );
    assert_eq!(
        scan_line("SELECT * FROM t WHERE id >= $1 AND id < $2 AND id > 0"),
        "Index Scan using t_pkey on t (id >= $1 AND id < $2)"
    );
    assert_eq!(scan_line("SELECT * FROM t WHERE k > 5"), "Index Scan using t_k_idx on t (k > 5)");
    assert_eq!(scan_line("SELECT * FROM t WHERE k = 5"), "Index Scan using t_k_idx on t (k = 5)");
    // The primary key comes first.
    assert_eq!(scan_line("SELECT * FROM t WHERE k = 5 AND id < 3"), "Index Scan using t_pkey on t (id < 3)");
}

#[test]
fn conditions_that_are_not_constant_do_not_choose_a_path() {
    for sql in [
        "SELECT * FROM t WHERE id = k",
        "SELECT * FROM t WHERE id + 0 = 1",
        "SELECT * FROM t WHERE id = 1 OR id = 2",
        "SELECT * FROM t WHERE id IN (1, 2)",
        "SELECT * FROM t WHERE id <> 1",
        "SELECT * FROM t WHERE id = NULL",
        "SELECT * FROM t WHERE v = 'x'",
        "SELECT * FROM t WHERE id = (SELECT max(id) FROM t)",
        "SELECT * FROM log WHERE at = 1",
        "SELECT * FROM users WHERE email = 1",
        "SELECT * FROM t WHERE xmin = 1",
    ] {
        assert!(scan_line(sql).starts_with("Seq Scan on"), "{sql}: {}", scan_line(sql));
    }
}

#[test]
fn the_filter_keeps_what_the_range_does_not_guarantee() {
    explains(
        "SELECT * FROM t WHERE id = 1 AND v = 'x'",
        "
        Index Scan using t_pkey on t (id = 1)
          Filter: (v = 'x')
        ",
    );
    // A second bound on the key is not part of the range: it stays.
    explains(
        "SELECT * FROM t WHERE id > 1 AND id > 5",
        "
        Index Scan using t_pkey on t (id > 1)
          Filter: (id > 5)
        ",
    );
}

#[test]
fn text_literals_probe_numeric_keys() {
    // The executor reads '7' as the key column's type, as the comparison does.
    assert_eq!(scan_line("SELECT * FROM t WHERE id = '7'"), "Index Scan using t_pkey on t (id = '7')");
}

#[test]
fn secondary_index_preference() {
    // A unique index with full equality beats a longer non-unique prefix.
    assert_eq!(
        scan_line("SELECT * FROM users WHERE name = 'b' AND email = 'a'"),
        "Index Scan using users_email_key on users (email = 'a')"
    );
    assert_eq!(
        scan_line("SELECT * FROM users WHERE name = 'b'"),
        "Index Scan using users_name_idx on users (name = 'b')"
    );
    // An equality beats a range.
    assert_eq!(
        scan_line("SELECT * FROM users WHERE email > 'a' AND name = 'b'"),
        "Index Scan using users_name_idx on users (name = 'b')"
    );
    assert_eq!(
        scan_line("SELECT * FROM users WHERE email > 'a'"),
        "Index Scan using users_email_key on users (email > 'a')"
    );
}

#[test]
fn composite_keys_take_an_equality_prefix_and_a_range() {
    assert_eq!(
        scan_line("SELECT * FROM pairs WHERE b = 2 AND a = 1"),
        "Index Scan using pairs_pkey on pairs (a = 1 AND b = 2)"
    );
    assert_eq!(scan_line("SELECT * FROM pairs WHERE a = 1"), "Index Scan using pairs_pkey on pairs (a = 1)");
    assert_eq!(
        scan_line("SELECT * FROM pairs WHERE a = 1 AND b > 2"),
        "Index Scan using pairs_pkey on pairs (a = 1 AND b > 2)"
    );
    assert_eq!(
        scan_line("SELECT * FROM pairs WHERE c = 3 AND b = 2"),
        "Index Scan using pairs_c_b_idx on pairs (c = 3 AND b = 2)"
    );
    assert_eq!(scan_line("SELECT * FROM pairs WHERE c <= 3"), "Index Scan using pairs_c_b_idx on pairs (c <= 3)");
    assert!(scan_line("SELECT * FROM pairs WHERE b = 2").starts_with("Seq Scan"));
    let (q, _) = query("SELECT * FROM pairs WHERE a = 1 AND b > 2");
    let Node::Scan { access: AccessPath::PrimaryKey(range), .. } = bottom(&q.root) else { panic!() };
    assert!(matches!(&range.lower, Bound::Excluded(v) if v.len() == 2));
    assert!(matches!(&range.upper, Bound::Included(v) if v.len() == 1));
}

#[test]
fn where_conditions_go_into_the_scans_of_inner_joins() {
    explains(
        "SELECT * FROM t JOIN accounts a ON a.id = t.k WHERE t.id = 1 AND a.balance > 0 AND a.owner = t.v",
        "
        Nested Loop
          Join Filter: (accounts.id = t.k)
          Filter: (accounts.owner = t.v)
          ->  Index Scan using t_pkey on t (t.id = 1)
          ->  Seq Scan on accounts
                Filter: (accounts.balance > 0)
        ",
    );
    assert_eq!(scan_line("SELECT * FROM t, accounts WHERE accounts.id = 4"), "Seq Scan on t", "the first scan is t's");
    assert!(explain_text("SELECT * FROM t, accounts WHERE accounts.id = 4")
        .contains("Index Scan using accounts_pkey on accounts (accounts.id = 4)"));
}

#[test]
fn left_joins_keep_where_conditions_above_the_nullable_side() {
    explains(
        "SELECT * FROM t LEFT JOIN accounts a ON a.id = t.k AND a.balance > 0 AND t.id > 2 WHERE a.owner = 'x' AND t.v = 'y'",
        "
        Nested Loop Left Join
          Join Filter: ((accounts.id = t.k) AND (t.id > 2))
          Filter: (accounts.owner = 'x')
          ->  Seq Scan on t
                Filter: (t.v = 'y')
          ->  Seq Scan on accounts
                Filter: (accounts.balance > 0)
        ",
    );
    // ON conditions of the right side of a LEFT JOIN may choose its access path.
    assert!(explain_text("SELECT * FROM t LEFT JOIN accounts a ON a.id = 3")
        .contains("Index Scan using accounts_pkey on accounts (accounts.id = 3)"));
}

#[test]
fn nested_joins_shift_conditions_onto_their_rows() {
    let text = explain_text(
        "SELECT * FROM t JOIN (accounts a LEFT JOIN users u ON u.id = a.id AND u.name = 'n') ON a.id = t.k \
         WHERE u.email = 'e' AND a.balance = 1",
    );
    assert!(text.contains("Join Filter: (users.id = accounts.id)"), "{text}");
    assert!(text.contains("Index Scan using users_name_idx on users (users.name = 'n')"), "{text}");
    assert!(text.contains("Filter: (accounts.balance = 1)"), "{text}");
    assert!(text.lines().next().is_some_and(|l| l == "Nested Loop"), "{text}");
    assert!(text.contains("  Filter: (users.email = 'e')"), "{text}");
    // The right subtree's join row starts at accounts: its ON uses positions within it.
    let (q, _) = query("SELECT * FROM t JOIN (accounts a LEFT JOIN users u ON u.id = a.id) ON a.id = t.k");
    let Node::NestedLoopJoin { right, right_width, .. } = bottom(&q.root) else { panic!() };
    assert_eq!(*right_width, 10);
    let Node::NestedLoopJoin { on: Some(Expr::Binary(_, l, r)), right_width: 5, .. } = &**right else {
        panic!("{right:?}")
    };
    assert!(matches!((&**l, &**r), (Expr::Column(5), Expr::Column(0))));
}

#[test]
fn correlated_subqueries_move_with_their_conjunct() {
    // The EXISTS reads accounts (position 5 of the join row, 0 of its scan row): its condition
    // probes the index on orders.user_id with that outer column.
    let (_, plan) = query("SELECT * FROM t, accounts a WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = a.id)");
    let Node::Scan { access: AccessPath::Index { range, .. }, filter: None, .. } = bottom(&plan.subqueries[0].root)
    else {
        panic!("{:?}", plan.subqueries[0].root)
    };
    assert!(matches!(&range.lower, Bound::Included(v) if matches!(v[..], [Expr::Outer { depth: 1, index: 0 }])));
}

#[test]
fn update_and_delete_choose_paths_like_scans() {
    explains(
        "UPDATE t SET v = 'x' WHERE id = 1",
        "
        Update on t
          Set: v = 'x'
          ->  Index Scan using t_pkey on t (id = 1)
                Filter: (id = 1)
        ",
    );
    explains(
        "DELETE FROM t WHERE k > 2",
        "
        Delete on t
          ->  Index Scan using t_k_idx on t (k > 2)
                Filter: (k > 2)
        ",
    );
}
