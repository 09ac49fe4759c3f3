//! CREATE TABLE, CREATE INDEX, DROP, EXPLAIN, VACUUM and unsupported statements.

use super::*;
use crate::types::DataType;

fn create_table(sql: &str) -> CreateTable {
    match one(sql) {
        Statement::CreateTable(create) => create,
        other => panic!("{sql}: {other:?}"),
    }
}

fn column(name: &str, data_type: DataType) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        data_type,
        max_chars: None,
        not_null: false,
        primary_key: false,
        unique: false,
        default: None,
    }
}

#[test]
fn create_table_with_constraints() {
    let sql = "CREATE TABLE IF NOT EXISTS public.Accounts (
        id int PRIMARY KEY,
        owner varchar(20) NOT NULL UNIQUE DEFAULT 'nobody',
        balance real NULL DEFAULT -1.5,
        flag boolean CONSTRAINT nn NOT NULL,
        CONSTRAINT pk PRIMARY KEY (id, owner),
        UNIQUE (balance ASC),
        CONSTRAINT u2 UNIQUE NULLS DISTINCT (flag)
    )";
    assert_eq!(
        create_table(sql),
        CreateTable {
            name: "accounts".into(),
            if_not_exists: true,
            columns: vec![
                ColumnDef { primary_key: true, ..column("id", DataType::Integer) },
                ColumnDef {
                    max_chars: Some(20),
                    not_null: true,
                    unique: true,
                    default: Some(text("nobody")),
                    ..column("owner", DataType::Text)
                },
                ColumnDef { default: Some(real(-1.5)), ..column("balance", DataType::Real) },
                ColumnDef { not_null: true, ..column("flag", DataType::Boolean) },
            ],
            constraints: vec![
                TableConstraint::PrimaryKey(vec!["id".into(), "owner".into()]),
                TableConstraint::Unique(vec!["balance".into()]),
                TableConstraint::Unique(vec!["flag".into()]),
            ],
        }
    );
    // A default is any expression; whether it is constant is the planner's business.
    assert_eq!(create_table("CREATE TABLE t (a int DEFAULT now())").columns[0].default, Some(func("now", vec![])));
}

#[test]
fn column_types() {
    use DataType::*;
    let types = [
        ("integer", Integer, None),
        ("int", Integer, None),
        ("int2", Integer, None),
        ("int4", Integer, None),
        ("int8", Integer, None),
        ("smallint", Integer, None),
        ("bigint", Integer, None),
        ("real", Real, None),
        ("float", Real, None),
        ("float(10)", Real, None),
        ("float4", Real, None),
        ("float8", Real, None),
        ("double precision", Real, None),
        ("text", Text, None),
        ("varchar", Text, None),
        ("varchar(5)", Text, Some(5)),
        ("character varying(7)", Text, Some(7)),
        ("character varying", Text, None),
        ("string", Text, None),
        ("boolean", Boolean, None),
        ("bool", Boolean, None),
    ];
    for (sql_type, data_type, max_chars) in types {
        let create = create_table(&format!("CREATE TABLE t (c {sql_type})"));
        let c = &create.columns[0];
        assert_eq!((c.data_type, c.max_chars), (data_type, max_chars), "{sql_type}");
    }
    for (sql_type, message) in [
        ("numeric", "type numeric"),
        ("decimal(10,2)", "type decimal(10,2)"),
        ("char(3)", "type char(3)"),
        ("date", "type date"),
        ("timestamp", "type timestamp"),
        ("int[]", "type int[]"),
        ("json", "type json"),
        ("int(11)", "type int(11)"),
    ] {
        let err = unsupported(&format!("CREATE TABLE t (c {sql_type})"));
        assert!(err.contains(message), "{sql_type}: {err}");
    }
    fails_with("CREATE TABLE t (c varchar(0))", "22023");
    fails_with("CREATE TABLE t (c varchar(10485761))", "22023");
}

#[test]
fn unsupported_table_features() {
    for (sql, feature) in [
        ("CREATE TABLE t (a int CHECK (a > 0))", "column constraint CHECK"),
        ("CREATE TABLE t (a int, CHECK (a > 0))", "CHECK"),
        ("CREATE TABLE t (a int REFERENCES u (b))", "REFERENCES"),
        ("CREATE TABLE t (a int, FOREIGN KEY (a) REFERENCES u (b))", "FOREIGN KEY"),
        ("CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY)", "generated"),
        ("CREATE TABLE t (a text COLLATE \"C\")", "COLLATE"),
        ("CREATE TABLE t AS SELECT 1", "CREATE TABLE AS"),
        ("CREATE TEMP TABLE t (a int)", "temporary"),
        ("CREATE UNLOGGED TABLE t (a int)", "UNLOGGED"),
        ("CREATE TABLE t (a int) PARTITION BY RANGE (a)", "partitioning"),
        ("CREATE TABLE t (a int) WITH (fillfactor = 70)", "table options"),
        ("CREATE TABLE t (LIKE u)", "LIKE"),
        ("CREATE TABLE t (a int, PRIMARY KEY (a) DEFERRABLE)", "DEFERRABLE"),
        ("CREATE TABLE t (a int UNIQUE NULLS NOT DISTINCT)", "NULLS NOT DISTINCT"),
        ("CREATE TABLE t (a int, UNIQUE (a DESC))", "DESC"),
        ("CREATE TABLE t (a int, PRIMARY KEY ((a + 1)))", "expression"),
        ("CREATE TABLE s.t (a int)", "s.t"),
    ] {
        let err = unsupported(sql);
        assert!(err.contains(feature), "{sql}: {err}");
    }
    fails_with("CREATE TABLE t (a int NULL NOT NULL)", "42601");
    fails_with("CREATE TABLE t (a int DEFAULT 1 DEFAULT 2)", "42601");
}

#[test]
fn create_index() {
    assert_eq!(
        one("CREATE UNIQUE INDEX IF NOT EXISTS Idx ON public.t (a, B ASC)"),
        Statement::CreateIndex(CreateIndex {
            name: Some("idx".into()),
            table: "t".into(),
            columns: vec!["a".into(), "b".into()],
            unique: true,
            if_not_exists: true,
        })
    );
    assert_eq!(
        one("CREATE INDEX ON t USING btree (a)"),
        Statement::CreateIndex(CreateIndex {
            name: None,
            table: "t".into(),
            columns: vec!["a".into()],
            unique: false,
            if_not_exists: false,
        })
    );
    for (sql, feature) in [
        ("CREATE INDEX i ON t USING hash (a)", "index method HASH"),
        ("CREATE INDEX CONCURRENTLY i ON t (a)", "CONCURRENTLY"),
        ("CREATE INDEX i ON t (a) INCLUDE (b)", "INCLUDE"),
        ("CREATE INDEX i ON t (a) WHERE a > 0", "partial"),
        ("CREATE INDEX i ON t ((a + 1))", "expression indexes"),
        ("CREATE INDEX i ON t (lower(a))", "expression indexes"),
        ("CREATE INDEX i ON t (a DESC)", "DESC"),
        ("CREATE INDEX i ON t (a NULLS FIRST)", "NULLS FIRST"),
        ("CREATE INDEX i ON t (a) NULLS NOT DISTINCT", "NULLS NOT DISTINCT"),
        ("CREATE INDEX i ON t (a) WITH (fillfactor = 70)", "WITH"),
        ("CREATE INDEX i ON t (a text_pattern_ops)", "operator classes"),
    ] {
        let err = unsupported(sql);
        assert!(err.contains(feature), "{sql}: {err}");
    }
}

#[test]
fn drop() {
    assert_eq!(
        one("DROP TABLE IF EXISTS a, public.B RESTRICT"),
        Statement::DropTable { names: vec!["a".into(), "b".into()], if_exists: true }
    );
    assert_eq!(one("DROP INDEX i"), Statement::DropIndex { names: vec!["i".into()], if_exists: false });
    assert!(unsupported("DROP TABLE a CASCADE").contains("CASCADE"));
    assert!(unsupported("DROP VIEW v").contains("DROP VIEW"));
    assert!(unsupported("DROP SEQUENCE s CASCADE").contains("DROP SEQUENCE"));
}

#[test]
fn explain() {
    assert_eq!(
        one("EXPLAIN SELECT 1"),
        Statement::Explain(Box::new(Statement::Query(Box::new(select(vec![item(int(1))], vec![])))))
    );
    assert!(matches!(
        one("EXPLAIN UPDATE t SET a = 1"),
        Statement::Explain(update) if matches!(*update, Statement::Update(_))
    ));
    assert!(unsupported("EXPLAIN ANALYZE SELECT 1").contains("EXPLAIN ANALYZE"));
    assert!(unsupported("EXPLAIN VERBOSE SELECT 1").contains("EXPLAIN VERBOSE"));
    assert!(unsupported("EXPLAIN (COSTS OFF) SELECT 1").contains("EXPLAIN options"));
    assert!(unsupported("EXPLAIN BEGIN").contains("EXPLAIN START TRANSACTION"));
}

#[test]
fn vacuum() {
    assert_eq!(one("VACUUM"), Statement::Vacuum(None));
    assert_eq!(one("VACUUM Accounts"), Statement::Vacuum(Some("accounts".into())));
    assert!(unsupported("VACUUM FULL t").contains("VACUUM FULL"));
    // sqlparser 0.64 does not parse PostgreSQL's options.
    fails_with("VACUUM ANALYZE t", "42601");
    fails_with("VACUUM (VERBOSE) t", "42601");
}

#[test]
fn other_statements_are_named() {
    for (sql, kind) in [
        ("CREATE VIEW v AS SELECT 1", "CREATE VIEW"),
        ("ALTER TABLE t ADD COLUMN a int", "ALTER TABLE"),
        ("COPY t FROM STDIN", "COPY"),
        ("TRUNCATE t", "TRUNCATE"),
        ("GRANT SELECT ON t TO u", "GRANT"),
        ("CREATE SCHEMA s", "CREATE SCHEMA"),
        ("CREATE SEQUENCE s", "CREATE SEQUENCE"),
        ("LOCK TABLE t", "LOCK"),
        ("PREPARE p AS SELECT 1", "PREPARE"),
        ("ANALYZE t", "ANALYZE"),
        ("COMMENT ON TABLE t IS 'x'", "COMMENT"),
    ] {
        let err = unsupported(sql);
        assert_eq!(err, format!("{kind} is not supported"), "{sql}");
    }
}
