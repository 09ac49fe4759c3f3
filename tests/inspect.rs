//! `Connection::inspect_versions` (the shell's `\versions`): every version of a table, judged
//! for the session's reader, with verdicts that match what `SELECT` returns in that session, and
//! no side effect on the session or the engine.

use isolde::{BlockState, Connection, Database, IsolationLevel, RowVersion, TxnId, Value, VersionsReport};

/// `(id, v)` of a row.
fn pair(values: &[Value]) -> (i64, String) {
    match values {
        [Value::Integer(id), Value::Text(v)] => (*id, v.to_string()),
        other => panic!("unexpected row {other:?}"),
    }
}

/// The rows the report says the reader sees, in key order.
fn seen(report: &VersionsReport) -> Vec<(i64, String)> {
    report.versions.iter().filter(|v| v.visible).map(|v| pair(&v.values)).collect()
}

/// The rows `SELECT` returns in `conn`.
fn selected(conn: &Connection) -> Vec<(i64, String)> {
    let rows = conn.query("SELECT id, v FROM t ORDER BY id", ()).unwrap();
    rows.iter().map(|r| (r.get(0).unwrap(), r.get(1).unwrap())).collect()
}

/// The version of row `key` created by `xmin`.
fn version<'r>(report: &'r VersionsReport, key: &str, xmin: TxnId) -> &'r RowVersion {
    let found = report.versions.iter().find(|v| v.key == key && v.xmin == xmin);
    found.unwrap_or_else(|| panic!("no version of {key} by T{xmin} in {report:#?}"))
}

/// The transaction a statement of `conn` ran in: the xmin of the row it wrote.
fn creator(conn: &Connection, id: i64) -> TxnId {
    let xmin: i64 = conn.query_row("SELECT xmin FROM t WHERE id = $1", [Value::Integer(id)], |r| r.get(0)).unwrap();
    TxnId(u64::try_from(xmin).unwrap())
}

fn rows(list: &[(i64, &str)]) -> Vec<(i64, String)> {
    list.iter().map(|(id, v)| (*id, v.to_string())).collect()
}

#[test]
fn verdicts_match_select_for_committed_running_aborted_updated_and_deleted_versions() {
    let db = Database::open_in_memory();
    let setup = db.connect();
    setup
        .execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
             INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');",
        )
        .unwrap();
    let inserter = creator(&setup, 1);

    // A REPEATABLE READ reader takes its snapshot now; it holds every later version back.
    let repeatable = db.connect();
    repeatable.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ").unwrap();
    assert_eq!(selected(&repeatable).len(), 4);

    // Committed after that snapshot: an update and a delete.
    setup.execute("UPDATE t SET v = 'b2' WHERE id = 2", ()).unwrap();
    let updater = creator(&setup, 2);
    setup.execute("DELETE FROM t WHERE id = 3", ()).unwrap();
    // Aborted: an abort undoes its writes physically, so it leaves no version behind.
    setup.execute_batch("BEGIN; INSERT INTO t VALUES (5, 'e'); UPDATE t SET v = 'd2' WHERE id = 4; ROLLBACK").unwrap();
    // Running: an insert and an update, not committed.
    let writer = db.connect();
    writer.execute_batch("BEGIN; INSERT INTO t VALUES (6, 'f'); UPDATE t SET v = 'a2' WHERE id = 1").unwrap();
    let running = writer.info().txn.unwrap();
    // The REPEATABLE READ reader writes too (its command 2).
    repeatable.execute("INSERT INTO t VALUES (7, 'g')", ()).unwrap();
    let own = repeatable.info().txn.unwrap();
    // A READ COMMITTED reader whose last statement saw all of that.
    let read_committed = db.connect();
    read_committed.execute_batch("BEGIN ISOLATION LEVEL READ COMMITTED").unwrap();
    assert_eq!(selected(&read_committed), rows(&[(1, "a"), (2, "b2"), (4, "d")]));
    let idle = db.connect();

    // Every physical version, in key order, oldest first, whoever looks.
    let report = idle.inspect_versions("t").unwrap();
    assert_eq!(report.table, "t");
    assert_eq!(report.columns, ["id", "v"]);
    let physical: Vec<(&str, TxnId, Option<TxnId>)> =
        report.versions.iter().map(|v| (v.key.as_str(), v.xmin, v.xmax)).collect();
    let deleter = version(&report, "id=3", inserter).xmax.unwrap();
    assert_eq!(
        physical,
        [
            ("id=1", inserter, Some(running)),
            ("id=1", running, None),
            ("id=2", inserter, Some(updater)),
            ("id=2", updater, None),
            ("id=3", inserter, Some(deleter)),
            ("id=4", inserter, None),
            ("id=6", running, None),
            ("id=7", own, None),
        ]
    );

    // No transaction open: what a new statement sees.
    assert_eq!(report.reader, None);
    assert!(report.snapshot.starts_with("no transaction open: a new statement's snapshot sees"), "{}", report.snapshot);
    assert_eq!(seen(&report), rows(&[(1, "a"), (2, "b2"), (4, "d")]));
    assert_eq!(seen(&report), selected(&idle));
    let reason = |key, xmin| version(&report, key, xmin).reason.clone();
    assert_eq!(
        reason("id=1", inserter),
        format!(
            "created by T{inserter} (committed before the snapshot), deleted by T{running} (still running: not in \
             the snapshot): still visible"
        )
    );
    assert_eq!(reason("id=1", running), format!("created by T{running} (still running: not in the snapshot)"));
    assert_eq!(
        reason("id=3", inserter),
        format!(
            "created by T{inserter} (committed before the snapshot), deleted by T{deleter} (committed before the \
             snapshot)"
        )
    );
    assert_eq!(
        reason("id=4", inserter),
        format!("created by T{inserter} (committed before the snapshot), not deleted")
    );

    // REPEATABLE READ: the transaction's snapshot, from before the update and the delete.
    let report = repeatable.inspect_versions("t").unwrap();
    assert_eq!(report.reader, Some(own));
    assert!(
        report.snapshot.starts_with(&format!("T{own}'s snapshot (repeatable read: taken at its first statement)")),
        "{}",
        report.snapshot
    );
    assert_eq!(seen(&report), rows(&[(1, "a"), (2, "b"), (3, "c"), (4, "d"), (7, "g")]));
    assert_eq!(seen(&report), selected(&repeatable));
    assert_eq!(
        version(&report, "id=2", inserter).reason,
        format!(
            "created by T{inserter} (committed before the snapshot), deleted by T{updater} (committed after the \
             snapshot): still visible"
        )
    );
    assert_eq!(
        version(&report, "id=2", updater).reason,
        format!("created by T{updater} (committed after the snapshot)")
    );
    assert_eq!(version(&report, "id=7", own).reason, "created by this transaction (command 2), not deleted");

    // READ COMMITTED: its last statement's snapshot.
    let report = read_committed.inspect_versions("t").unwrap();
    assert!(report.snapshot.contains("(read committed: its last statement's)"), "{}", report.snapshot);
    assert!(report.snapshot.contains(&format!("T{running}")), "{}", report.snapshot);
    assert_eq!(seen(&report), selected(&read_committed));

    // The running writer sees its own writes, not the version it replaced.
    let report = writer.inspect_versions("t").unwrap();
    assert_eq!(seen(&report), rows(&[(1, "a2"), (2, "b2"), (4, "d"), (6, "f")]));
    assert_eq!(seen(&report), selected(&writer));
    assert_eq!(
        version(&report, "id=1", inserter).reason,
        format!("created by T{inserter} (committed before the snapshot), deleted by this transaction (command 2)")
    );

    // Two phase locking reads the latest committed versions.
    let locking = db.connect();
    locking.set_default_isolation(IsolationLevel::TwoPhaseLocking).unwrap();
    let report = locking.inspect_versions("t").unwrap();
    assert_eq!(
        report.snapshot,
        "no transaction open: a new statement (two phase locking) reads the latest committed versions"
    );
    assert_eq!(seen(&report), rows(&[(1, "a"), (2, "b2"), (4, "d")]));
    assert_eq!(version(&report, "id=4", inserter).reason, format!("created by T{inserter} (committed), not deleted"));

    // Once the others end, the aborted writer's versions are gone and a locking SELECT agrees.
    writer.execute("ROLLBACK", ()).unwrap();
    repeatable.execute("COMMIT", ()).unwrap();
    read_committed.execute("COMMIT", ()).unwrap();
    locking.execute("BEGIN", ()).unwrap();
    assert_eq!(selected(&locking), rows(&[(1, "a"), (2, "b2"), (4, "d"), (7, "g")]));
    let report = locking.inspect_versions("t").unwrap();
    let me = locking.info().txn.unwrap();
    assert_eq!(report.snapshot, format!("T{me} (two phase locking): reads the latest committed versions"));
    assert_eq!(seen(&report), selected(&locking));
    assert!(report.versions.iter().all(|v| v.xmin != running && v.xmax != Some(running)), "{report:#?}");
    locking.execute("COMMIT", ()).unwrap();
}

#[test]
fn inspecting_changes_nothing() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')").unwrap();

    // A SERIALIZABLE block that has run no statement: no snapshot, no SSI record, no lock.
    conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE", ()).unwrap();
    let me = conn.info().txn.unwrap();
    let locks = db.locks_held();
    let report = conn.inspect_versions("t").unwrap();
    assert_eq!(report.reader, Some(me));
    assert!(
        report.snapshot.starts_with(&format!("T{me} (serializable) has run no statement yet: a snapshot taken now")),
        "{}",
        report.snapshot
    );
    assert_eq!(seen(&report), rows(&[(1, "a")]));
    assert!(db.ssi_is_idle());
    assert_eq!(db.locks_held(), locks);
    assert_eq!(conn.info().state, BlockState::InBlock);
    // No statement started: the level can still change.
    conn.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", ()).unwrap();

    // An unknown table is 42P01 and does not fail the block.
    let err = conn.inspect_versions("nope").unwrap_err();
    assert_eq!((err.sqlstate(), err.to_string()), ("42P01", "relation \"nope\" does not exist".to_string()));
    assert_eq!(conn.info().state, BlockState::InBlock);
    conn.execute("COMMIT", ()).unwrap();

    // Names are found as listed, or as SQL reads an identifier.
    assert_eq!(conn.inspect_versions("T").unwrap().table, "t");
    assert_eq!(conn.inspect_versions("\"t\"").unwrap().table, "t");
    assert_eq!(conn.inspect_versions("\"T\"").unwrap_err().sqlstate(), "42P01");
}

#[test]
fn inspecting_works_in_a_failed_block_and_leaves_it_failed() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')").unwrap();

    // Without savepoints the failed block's transaction is rolled back: a new statement's view.
    conn.execute_batch("BEGIN; INSERT INTO t VALUES (2, 'b')").unwrap();
    assert_eq!(conn.execute("SELECT 1 / 0", ()).unwrap_err().sqlstate(), "22012");
    let report = conn.inspect_versions("t").unwrap();
    assert_eq!(report.reader, None);
    assert!(
        report.snapshot.starts_with("the block has failed and its transaction was rolled back"),
        "{}",
        report.snapshot
    );
    assert_eq!(report.versions.len(), 1);
    assert_eq!(seen(&report), rows(&[(1, "a")]));
    assert_eq!(conn.info().state, BlockState::Failed);
    assert_eq!(conn.execute("SELECT 1", ()).unwrap_err().sqlstate(), "25P02");
    conn.execute("ROLLBACK", ()).unwrap();

    // With a savepoint the block keeps its transaction: its view, own writes included.
    conn.execute_batch("BEGIN; SAVEPOINT s; INSERT INTO t VALUES (3, 'c')").unwrap();
    let me = conn.info().txn.unwrap();
    assert_eq!(conn.execute("SELECT 1 / 0", ()).unwrap_err().sqlstate(), "22012");
    let report = conn.inspect_versions("t").unwrap();
    assert_eq!(report.reader, Some(me));
    assert!(
        report.snapshot.ends_with("(the block has failed: only ROLLBACK and ROLLBACK TO run)"),
        "{}",
        report.snapshot
    );
    assert_eq!(seen(&report), rows(&[(1, "a"), (3, "c")]));
    assert_eq!(version(&report, "id=3", me).reason, "created by this transaction (command 1), not deleted");
    assert_eq!(conn.info().state, BlockState::Failed);
    // ROLLBACK TO takes the insert back, and the report follows.
    conn.execute("ROLLBACK TO s", ()).unwrap();
    assert_eq!(selected(&conn), rows(&[(1, "a")]));
    assert_eq!(seen(&conn.inspect_versions("t").unwrap()), selected(&conn));
    conn.execute("COMMIT", ()).unwrap();
}

#[test]
fn a_table_without_a_primary_key_names_rows_by_rowid() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE t (id INTEGER, v TEXT); INSERT INTO t VALUES (10, 'x')").unwrap();
    let report = conn.inspect_versions("t").unwrap();
    assert_eq!(report.versions.iter().map(|v| v.key.as_str()).collect::<Vec<_>>(), ["rowid=1"]);
    assert_eq!(seen(&report), rows(&[(10, "x")]));
}
