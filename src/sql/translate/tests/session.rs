//! Transaction control, SET, RESET and SHOW.

use super::*;

fn modes(isolation: Option<IsolationLevelName>, read_only: Option<bool>) -> TransactionModes {
    TransactionModes { isolation, read_only, deferrable: None }
}

fn set(name: &str, value: SetValue) -> Statement {
    Statement::SetVariable { name: name.into(), value }
}

fn set_to(name: &str, value: Value) -> Statement {
    set(name, SetValue::Value(value))
}

#[test]
fn begin() {
    use IsolationLevelName::*;
    for sql in ["BEGIN", "BEGIN WORK", "BEGIN TRANSACTION", "START TRANSACTION"] {
        assert_eq!(one(sql), Statement::Begin(TransactionModes::default()), "{sql}");
    }
    for (sql, level) in [
        ("READ UNCOMMITTED", ReadUncommitted),
        ("READ COMMITTED", ReadCommitted),
        ("REPEATABLE READ", RepeatableRead),
        ("SNAPSHOT", Snapshot),
        ("SERIALIZABLE", Serializable),
    ] {
        assert_eq!(one(&format!("BEGIN ISOLATION LEVEL {sql}")), Statement::Begin(modes(Some(level), None)), "{sql}");
    }
    assert_eq!(
        one("START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY"),
        Statement::Begin(modes(Some(Serializable), Some(true)))
    );
    assert_eq!(
        one("BEGIN TRANSACTION READ WRITE ISOLATION LEVEL READ COMMITTED"),
        Statement::Begin(modes(Some(ReadCommitted), Some(false)))
    );
    fails_with("BEGIN READ ONLY, READ WRITE", "42601");
    // sqlparser 0.64 does not parse [NOT] DEFERRABLE.
    fails_with("BEGIN ISOLATION LEVEL SERIALIZABLE, DEFERRABLE", "42601");
}

#[test]
fn commit_and_rollback() {
    for sql in ["COMMIT", "COMMIT WORK", "COMMIT TRANSACTION", "END", "COMMIT AND NO CHAIN"] {
        assert_eq!(one(sql), Statement::Commit, "{sql}");
    }
    for sql in ["ROLLBACK", "ROLLBACK WORK", "ABORT"] {
        assert_eq!(one(sql), Statement::Rollback, "{sql}");
    }
    assert!(unsupported("COMMIT AND CHAIN").contains("COMMIT AND CHAIN"));
    assert!(unsupported("ROLLBACK AND CHAIN").contains("ROLLBACK AND CHAIN"));
}

#[test]
fn savepoints() {
    assert_eq!(one("SAVEPOINT S1"), Statement::Savepoint("s1".into()));
    assert_eq!(one("SAVEPOINT \"S1\""), Statement::Savepoint("S1".into()));
    for sql in ["ROLLBACK TO SAVEPOINT s1", "ROLLBACK TO s1", "ROLLBACK WORK TO s1"] {
        assert_eq!(one(sql), Statement::RollbackToSavepoint("s1".into()), "{sql}");
    }
    for sql in ["RELEASE SAVEPOINT s1", "RELEASE s1"] {
        assert_eq!(one(sql), Statement::ReleaseSavepoint("s1".into()), "{sql}");
    }
}

#[test]
fn set_transaction() {
    use IsolationLevelName::*;
    assert_eq!(
        one("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
        Statement::SetTransaction(modes(Some(RepeatableRead), None))
    );
    assert_eq!(
        one("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY, ISOLATION LEVEL SNAPSHOT"),
        Statement::SetSessionCharacteristics(modes(Some(Snapshot), Some(true)))
    );
    unsupported("SET TRANSACTION SNAPSHOT '00000003-0000001B-1'");
}

#[test]
fn set_variables() {
    assert_eq!(one("SET x = on"), set_to("x", Value::text("on")));
    assert_eq!(one("SET X TO ON"), set_to("x", Value::text("on")));
    assert_eq!(one("SET SESSION x = 1"), set_to("x", Value::Integer(1)));
    assert_eq!(one("SET x = -1.5"), set_to("x", Value::Real(-1.5)));
    assert_eq!(one("SET x = 'Mixed Case'"), set_to("x", Value::text("Mixed Case")));
    assert_eq!(one("SET x = \"Quoted\""), set_to("x", Value::text("Quoted")));
    assert_eq!(one("SET x = true"), set_to("x", Value::Boolean(true)));
    assert_eq!(
        one("SET default_transaction_isolation TO serializable"),
        set_to("default_transaction_isolation", Value::text("serializable"))
    );
    assert_eq!(one("SET Lock_Timeout TO DEFAULT"), set("lock_timeout", SetValue::Default));
    assert_eq!(one("SET x = default"), set("x", SetValue::Default));
    assert_eq!(one("SET \"MyApp\".Setting = 'v'"), set_to("myapp.setting", Value::text("v")));
    assert_eq!(one("SET TIME ZONE 'UTC'"), set_to("timezone", Value::text("UTC")));
    assert_eq!(one("RESET statement_timeout"), set("statement_timeout", SetValue::Default));
    assert!(unsupported("SET LOCAL x = 1").contains("SET LOCAL"));
    assert!(unsupported("SET x = 1, 2").contains("list of values"));
    unsupported("SET x = 1 + 1");
    unsupported("SET ROLE r");
    unsupported("RESET ALL");
}

#[test]
fn show() {
    assert_eq!(one("SHOW Search_Path"), Statement::Show("search_path".into()));
    assert_eq!(one("SHOW ALL"), Statement::Show("all".into()));
    assert_eq!(one("SHOW TRANSACTION ISOLATION LEVEL"), Statement::Show("transaction_isolation".into()));
    assert_eq!(one("SHOW TIME ZONE"), Statement::Show("timezone".into()));
    assert_eq!(one("SHOW myapp.setting"), Statement::Show("myapp.setting".into()));
    fails_with("SHOW", "42601");
}
