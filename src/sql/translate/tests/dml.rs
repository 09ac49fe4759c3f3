//! INSERT, UPDATE, DELETE, and column names that are keywords.

use super::*;

fn insert(sql: &str) -> Insert {
    match one(sql) {
        Statement::Insert(insert) => insert,
        other => panic!("{sql}: {other:?}"),
    }
}

#[test]
fn insert_values() {
    assert_eq!(
        insert("INSERT INTO t (a, B) VALUES (1, DEFAULT), ($1, 'x') RETURNING *, a AS id"),
        Insert {
            table: "t".into(),
            columns: Some(vec!["a".into(), "b".into()]),
            source: InsertSource::Values(vec![vec![int(1), Expr::Default], vec![Expr::Parameter(1), text("x")],]),
            returning: vec![SelectItem::Wildcard, SelectItem::Expr { expr: col("a"), alias: Some("id".into()) },],
        }
    );
    // A quoted "DEFAULT" is a column.
    assert_eq!(insert(r#"INSERT INTO t VALUES ("DEFAULT")"#).source, InsertSource::Values(vec![vec![col("DEFAULT")]]));
}

#[test]
fn insert_select_and_default_values() {
    assert_eq!(
        insert("INSERT INTO public.t SELECT a FROM u"),
        Insert {
            table: "t".into(),
            columns: None,
            source: InsertSource::Query(Box::new(select(vec![item(col("a"))], vec![table("u")]))),
            returning: vec![],
        }
    );
    assert_eq!(
        insert("INSERT INTO t DEFAULT VALUES RETURNING id"),
        Insert {
            table: "t".into(),
            columns: None,
            source: InsertSource::DefaultValues,
            returning: vec![item(col("id"))],
        }
    );
}

#[test]
fn unsupported_insert_clauses() {
    assert!(unsupported("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING").contains("ON CONFLICT"));
    assert!(unsupported("INSERT INTO t (a) OVERRIDING SYSTEM VALUE VALUES (1)").contains("OVERRIDING"));
    unsupported("INSERT INTO t AS x VALUES (1)");
    unsupported("INSERT INTO t VALUES (1) ORDER BY 1");
    unsupported("INSERT INTO t (t.a) VALUES (1)");
    unsupported("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x");
}

#[test]
fn update() {
    assert_eq!(
        one("UPDATE t AS x SET a = a + 1, x.b = 'y' WHERE x.id = $1 RETURNING a"),
        Statement::Update(Update {
            table: "t".into(),
            alias: Some("x".into()),
            assignments: vec![("a".into(), bin(BinaryOp::Add, col("a"), int(1))), ("b".into(), text("y")),],
            filter: Some(bin(BinaryOp::Eq, qcol("x", "id"), Expr::Parameter(1))),
            returning: vec![item(col("a"))],
        })
    );
    assert_eq!(
        one("UPDATE t SET a = 1"),
        Statement::Update(Update {
            table: "t".into(),
            alias: None,
            assignments: vec![("a".into(), int(1))],
            filter: None,
            returning: vec![],
        })
    );
    assert!(unsupported("UPDATE t SET a = 1 FROM u").contains("FROM"));
    assert!(unsupported("UPDATE t SET (a, b) = (1, 2)").contains("SET (a, b"));
}

#[test]
fn update_set_default() {
    let Statement::Update(update) = one("UPDATE t SET a = DEFAULT") else { panic!("not an update") };
    assert_eq!(update.assignments, vec![("a".to_string(), Expr::Default)]);
}

#[test]
fn delete() {
    assert_eq!(
        one("DELETE FROM t x WHERE x.a = 1 RETURNING *"),
        Statement::Delete(Delete {
            table: "t".into(),
            alias: Some("x".into()),
            filter: Some(bin(BinaryOp::Eq, qcol("x", "a"), int(1))),
            returning: vec![SelectItem::Wildcard],
        })
    );
    assert_eq!(
        one("DELETE FROM public.t"),
        Statement::Delete(Delete { table: "t".into(), alias: None, filter: None, returning: vec![] })
    );
    assert!(unsupported("DELETE FROM t USING u WHERE t.a = u.a").contains("USING"));
}

/// Non-reserved keywords of PostgreSQL work as table and column names everywhere.
#[test]
fn keywords_as_names() {
    let words = ["value", "name", "key", "type", "level", "data", "text", "timestamp"];
    for word in words {
        let Statement::CreateTable(create) = one(&format!("CREATE TABLE {word} ({word} int)")) else {
            panic!("{word}");
        };
        assert_eq!((create.name.as_str(), create.columns[0].name.as_str()), (word, word));
        let mut expected = select(vec![item(col(word)), item(qcol(word, word))], vec![table(word)]);
        expected.select.filter = Some(bin(BinaryOp::Eq, col(word), int(1)));
        expected.order_by = vec![OrderByItem { expr: col(word), descending: false, nulls_first: None }];
        assert_eq!(
            query(&format!("SELECT {word}, {word}.{word} FROM {word} WHERE {word} = 1 ORDER BY {word}")),
            expected
        );
        assert_eq!(insert(&format!("INSERT INTO {word} ({word}) VALUES (1)")).columns, Some(vec![word.to_string()]));
        assert_eq!(
            one(&format!("UPDATE {word} SET {word} = 2 WHERE {word} = 1")),
            Statement::Update(Update {
                table: word.into(),
                alias: None,
                assignments: vec![(word.into(), int(2))],
                filter: Some(bin(BinaryOp::Eq, col(word), int(1))),
                returning: vec![],
            })
        );
    }
    // All at once, as in a typical key-value table.
    let sql = "CREATE TABLE kv (key text PRIMARY KEY, value int, name text, type text)";
    let Statement::CreateTable(create) = one(sql) else {
        panic!();
    };
    let names: Vec<&str> = create.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["key", "value", "name", "type"]);
    assert_eq!(
        query("SELECT key, value FROM kv WHERE name = 'a' AND type IS NULL").select.filter,
        Some(bin(
            BinaryOp::And,
            bin(BinaryOp::Eq, col("name"), text("a")),
            Expr::IsNull { expr: Box::new(col("type")), negated: false }
        ))
    );
}
