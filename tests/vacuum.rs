//! Garbage collection keeps memory bounded: versions no snapshot can see are reclaimed.

use isolde::{params, Database};

#[test]
fn many_updates_leave_a_bounded_number_of_versions() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, v TEXT)", ()).unwrap();
    conn.execute("CREATE INDEX t_k ON t (k)", ()).unwrap();
    for id in 0..1_000 {
        conn.execute("INSERT INTO t VALUES ($1, $2, 'x')", params![id, id]).unwrap();
    }
    let mut update = conn.prepare("UPDATE t SET k = k + 1, v = $2 WHERE id = $1").unwrap();
    for i in 0..200_000i64 {
        update.execute(params![i % 1_000, format!("v{i}")]).unwrap();
    }
    let versions = db.version_count("t").unwrap();
    assert!(versions <= 3 * 1_000, "{versions} versions for 1,000 rows");
    // The index does not keep entries for pruned versions either.
    let rows: i64 = conn.query_row("SELECT count(*) FROM t WHERE k >= 0", (), |r| r.get(0)).unwrap();
    assert_eq!(rows, 1_000);
}

#[test]
fn an_old_snapshot_holds_versions_back_until_it_ends() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", ()).unwrap();
    conn.execute("INSERT INTO t VALUES (1, 0)", ()).unwrap();

    let mut reader = db.connect();
    let tx = reader.transaction(isolde::IsolationLevel::Snapshot).unwrap();
    assert_eq!(tx.query_row("SELECT v FROM t", (), |r| r.get::<i64>(0)).unwrap(), 0);

    for i in 1..=100 {
        conn.execute("UPDATE t SET v = $1 WHERE id = 1", params![i]).unwrap();
    }
    db.vacuum(None).unwrap();
    // The reader's snapshot still needs the first version, so the chain cannot be pruned.
    assert!(db.version_count("t").unwrap() > 50);
    assert_eq!(tx.query_row("SELECT v FROM t", (), |r| r.get::<i64>(0)).unwrap(), 0);
    tx.commit().unwrap();

    db.vacuum(None).unwrap();
    assert_eq!(db.version_count("t").unwrap(), 1);
}

#[test]
fn deleted_rows_are_reclaimed() {
    let db = Database::open_in_memory();
    let conn = db.connect();
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", ()).unwrap();
    for id in 0..2_000 {
        conn.execute("INSERT INTO t VALUES ($1, 0)", params![id]).unwrap();
    }
    for id in 0..2_000 {
        conn.execute("DELETE FROM t WHERE id = $1", params![id]).unwrap();
    }
    // Most were reclaimed on the way by the vacuum queue; VACUUM takes the rest.
    assert!(db.version_count("t").unwrap() < 2_000);
    conn.execute("VACUUM", ()).unwrap();
    assert_eq!(db.version_count("t").unwrap(), 0);
}
