//! Row locking and EXPLAIN output.

use super::*;
use crate::sql::ast::LockStrength;

#[test]
fn for_update_locks_rows_instead_of_scanning() {
    let (q, _) = query("SELECT * FROM t a WHERE id = 1 FOR UPDATE OF a");
    assert!(matches!(
        bottom(&q.root),
        Node::LockRows { strength: LockStrength::Update, nowait: false, filter: Some(_), .. }
    ));
    explains(
        "SELECT * FROM t WHERE id = 1 FOR UPDATE",
        "
        Lock Rows (FOR UPDATE)
          ->  Index Scan using t_pkey on t (id = 1)
                Filter: (id = 1)
        ",
    );
    explains(
        "SELECT v FROM t WHERE k > 1 ORDER BY k LIMIT 1 FOR SHARE NOWAIT",
        "
        Limit
          ->  Sort (key: k)
                ->  Lock Rows (FOR SHARE NOWAIT)
                      ->  Index Scan using t_k_idx on t (k > 1)
                            Filter: (k > 1)
        ",
    );
}

#[test]
fn for_update_needs_one_plain_table() {
    fails("SELECT count(*) FROM t FOR UPDATE", "0A000", "FOR UPDATE with aggregate functions");
    fails("SELECT k FROM t GROUP BY k FOR UPDATE", "0A000", "FOR UPDATE with GROUP BY clause");
    fails("SELECT DISTINCT k FROM t FOR SHARE", "0A000", "FOR SHARE with DISTINCT clause");
    fails("SELECT * FROM t, accounts FOR UPDATE", "0A000", "FOR UPDATE with joins");
    fails("SELECT * FROM t JOIN accounts ON t.k = accounts.id FOR UPDATE", "0A000", "FOR UPDATE with joins");
    fails("SELECT * FROM (SELECT * FROM t) s FOR UPDATE", "0A000", "FOR UPDATE with subqueries in FROM");
    fails("SELECT * FROM t FOR UPDATE OF x", "42P01", "x");
    fails("SELECT * FROM t a FOR UPDATE OF t", "42P01", "t");
}

#[test]
fn subplans_follow_the_node_that_uses_them() {
    explains(
        "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)",
        "
        Seq Scan on users
          Filter: EXISTS(SubPlan 1)
          SubPlan 1
            ->  Index Scan using orders_user_id_idx on orders (user_id = id)
        ",
    );
    explains(
        "SELECT k, (SELECT count(*) FROM orders) FROM t WHERE k NOT IN (SELECT user_id FROM orders)",
        "
        Seq Scan on t
          Filter: (k NOT IN (SubPlan 1))
          SubPlan 1
            ->  Seq Scan on orders
          SubPlan 2
            ->  Aggregate
                  ->  Seq Scan on orders
        ",
    );
}

#[test]
fn expressions_print_readably() {
    let text = explain_text(
        "SELECT * FROM t WHERE v LIKE 'a''%' AND k IS NOT NULL AND (k = 1 OR NOT k IN (2, 3)) \
         AND CASE WHEN k > 0 THEN v ELSE 'n' END = lower(v) AND CAST(k AS text) = $1 AND v ILIKE 'x' \
         AND (k > 1) IS TRUE AND -k < 2.5",
    );
    assert_eq!(
        text,
        "Seq Scan on t\n  Filter: ((v LIKE 'a''%') AND (k IS NOT NULL) AND ((k = 1) OR (NOT (k IN (2, 3)))) \
         AND (CASE WHEN (k > 0) THEN v ELSE 'n' END = lower(v)) AND ((k)::text = $1) AND (v ILIKE 'x') \
         AND ((k > 1) IS TRUE) AND ((-k) < 2.5))"
    );
}

#[test]
fn dml_explains_show_their_scans() {
    explains(
        "INSERT INTO t VALUES (1, 2, 'a'), (2, 3, 'b') RETURNING id",
        "
        Insert on t
          Returning: id
          ->  Values Scan (2 rows)
        ",
    );
    explains(
        "DELETE FROM t WHERE id IN (SELECT user_id FROM orders)",
        "
        Delete on t
          ->  Seq Scan on t
                Filter: (id IN (SubPlan 1))
                SubPlan 1
                  ->  Seq Scan on orders
        ",
    );
    assert_eq!(explained("CREATE TABLE z (a INT)"), vec!["Create Table z"]);
    assert_eq!(explained("CREATE UNIQUE INDEX zi ON t (k)"), vec!["Create Unique Index zi on t"]);
}

#[test]
fn join_explains_qualify_columns() {
    explains(
        "SELECT t.v, a.owner FROM t CROSS JOIN accounts a WHERE t.k = a.balance ORDER BY a.owner",
        "
        Sort (key: accounts.owner)
          ->  Nested Loop
                Filter: (t.k = accounts.balance)
                ->  Seq Scan on t
                ->  Seq Scan on accounts
        ",
    );
}
