//! SQLite through `rusqlite` (SQLite compiled from source by the `bundled` feature).
//!
//! In memory, `journal_mode=MEMORY` (the rollback journal stays in memory; ROLLBACK works) and
//! `synchronous=OFF`: isolde has no durability yet, so neither side syncs anything. Prepared
//! statements for the prepared workloads; `Connection::prepare` (never `prepare_cached`) for
//! the SQL-text workload, so SQLite parses every statement as isolde would without its cache;
//! `prepare_cached` for the statements of multi-statement transactions, as isolde looks those
//! up in its connection's cache by their text.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use rusqlite::types::ValueRef;
use rusqlite::{params, params_from_iter, Connection, ErrorCode, OpenFlags};

use super::{timed, Cell, NewValue, Session, Table, Timed, TxError};
use crate::data::{Checksum, DataRow};
use crate::workloads::table::{CREATE_INDEX, CREATE_TABLE, INSERT};

/// How long SQLite's busy handler waits for a lock. It does not apply to the table locks of a
/// shared cache (those fail at once with `SQLITE_LOCKED`), which [`super::in_transaction`]
/// retries.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A private in-memory database.
pub fn open_private() -> Result<Connection> {
    configure(Connection::open_in_memory()?)
}

/// A connection to the in-memory database `name` shared by every connection of this process
/// that opens the same name (shared cache). The database lives while one connection is open.
pub fn open_shared(name: &str) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    configure(Connection::open_with_flags(format!("file:{name}?mode=memory&cache=shared"), flags)?)
}

fn configure(conn: Connection) -> Result<Connection> {
    let mode: String = conn.query_row("PRAGMA journal_mode=MEMORY", [], |r| r.get(0))?;
    ensure!(mode == "memory", "SQLite kept journal_mode={mode}");
    conn.execute_batch("PRAGMA synchronous=OFF")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Prepares `sql` and checks that its parameters are numbered in order of first appearance.
///
/// SQLite reads `$1`, `$2` as *names* and numbers parameters in the order they first appear
/// in the text, while isolde (like PostgreSQL) binds `$n` to the n-th value. The two agree only
/// if `$1` appears before `$2` and so on: `UPDATE t SET v = $2 WHERE id = $1` would bind the
/// id to `v` on SQLite. Every statement of the benchmark is written that way, and checked here.
pub fn prepare_checked<'c>(conn: &'c Connection, sql: &str) -> Result<rusqlite::Statement<'c>> {
    let statement = conn.prepare(sql)?;
    for i in 1..=statement.parameter_count() {
        let name = statement.parameter_name(i);
        ensure!(name == Some(format!("${i}").as_str()), "parameter {i} of `{sql}` is {name:?}: number them in order");
    }
    Ok(statement)
}

/// Table `t` in a new private in-memory SQLite database.
pub struct SqliteTable {
    conn: Connection,
}

impl SqliteTable {
    pub fn create() -> Result<SqliteTable> {
        let conn = open_private()?;
        conn.execute(CREATE_TABLE, [])?;
        conn.execute(CREATE_INDEX, [])?;
        Ok(SqliteTable { conn })
    }
}

/// Reads every row of `rows` into a [`Checksum`]: integers are added, texts add their length.
fn fold(mut rows: rusqlite::Rows<'_>) -> Result<Checksum> {
    let mut seen = Checksum::default();
    while let Some(row) = rows.next()? {
        seen.rows += 1;
        for i in 0..row.as_ref().column_count() {
            seen.sum += match row.get_ref(i)? {
                ValueRef::Integer(v) => v,
                ValueRef::Text(s) => s.len() as i64,
                _ => 0,
            };
        }
    }
    Ok(seen)
}

impl Table for SqliteTable {
    fn insert_rows(&mut self, rows: &[DataRow], one_transaction: bool) -> Result<Timed> {
        let conn = &self.conn;
        let mut insert = prepare_checked(conn, INSERT)?;
        timed(|| {
            if one_transaction {
                conn.execute_batch("BEGIN")?;
            }
            let mut inserted = 0;
            for r in rows {
                inserted += insert.execute(params![r.id, r.k, r.v.as_str()])? as u64;
            }
            if one_transaction {
                conn.execute_batch("COMMIT")?;
            }
            Ok(Checksum { rows: inserted, sum: 0 })
        })
    }

    fn update_each(&mut self, sql: &str, updates: &[(i64, NewValue)]) -> Result<Timed> {
        let mut update = prepare_checked(&self.conn, sql)?;
        timed(|| {
            let mut affected = 0;
            for (id, value) in updates {
                affected += match value {
                    NewValue::Int(k) => update.execute(params![k, id])?,
                    NewValue::Text(v) => update.execute(params![v.as_str(), id])?,
                } as u64;
            }
            Ok(Checksum { rows: affected, sum: 0 })
        })
    }

    fn query_each(&mut self, sql: &str, keys: &[i64]) -> Result<Timed> {
        let mut query = prepare_checked(&self.conn, sql)?;
        timed(|| {
            let mut seen = Checksum::default();
            for &key in keys {
                seen.add(fold(query.query([key])?)?);
            }
            Ok(seen)
        })
    }

    fn query_repeat(&mut self, sql: &str, times: usize) -> Result<Timed> {
        let mut query = prepare_checked(&self.conn, sql)?;
        timed(|| {
            let mut seen = Checksum::default();
            for _ in 0..times {
                seen.add(fold(query.query([])?)?);
            }
            Ok(seen)
        })
    }

    fn query_each_text(&mut self, text: fn(i64) -> String, keys: &[i64]) -> Result<Timed> {
        let conn = &self.conn;
        timed(|| {
            let mut seen = Checksum::default();
            for &key in keys {
                // `prepare`, not `prepare_cached`: parsed and planned every time.
                let mut query = conn.prepare(&text(key))?;
                seen.add(fold(query.query([])?)?);
            }
            Ok(seen)
        })
    }

    fn first_row(&mut self, sql: &str, params: &[i64]) -> Result<Vec<Cell>> {
        let mut query = prepare_checked(&self.conn, sql)?;
        let mut rows = query.query(params_from_iter(params))?;
        let row = rows.next()?.with_context(|| format!("no row from {sql}"))?;
        (0..row.as_ref().column_count())
            .map(|i| {
                Ok(match row.get_ref(i)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Text(s) => Cell::Text(String::from_utf8_lossy(s).into_owned()),
                    other => anyhow::bail!("unexpected value {other:?} from {sql}"),
                })
            })
            .collect()
    }
}

/// One SQLite connection for transactions: `BEGIN IMMEDIATE` takes the write lock at once, so a
/// transfer never fails half-way (between its reads and its writes) for want of it.
pub struct SqliteSession {
    conn: Connection,
}

impl SqliteSession {
    pub fn new(conn: Connection) -> SqliteSession {
        SqliteSession { conn }
    }
}

/// `SQLITE_BUSY` and `SQLITE_LOCKED` (another connection holds the lock) are retried.
fn classify(e: rusqlite::Error) -> TxError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => TxError::Retry,
        _ => TxError::Fatal(e.into()),
    }
}

impl Session for SqliteSession {
    fn begin(&mut self, read_only: bool) -> Result<(), TxError> {
        let sql = if read_only { "BEGIN" } else { "BEGIN IMMEDIATE" };
        self.conn.prepare_cached(sql).and_then(|mut s| s.execute([])).map_err(classify)?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), TxError> {
        self.conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([])).map_err(classify)?;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), TxError> {
        if !self.conn.is_autocommit() {
            self.conn.prepare_cached("ROLLBACK").and_then(|mut s| s.execute([])).map_err(classify)?;
        }
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[i64]) -> Result<u64, TxError> {
        let affected = self.conn.prepare_cached(sql).and_then(|mut s| s.execute(params_from_iter(params)));
        Ok(affected.map_err(classify)? as u64)
    }

    fn query_i64(&mut self, sql: &str, params: &[i64]) -> Result<i64, TxError> {
        let value: Option<i64> = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut s| s.query_row(params_from_iter(params), |r| r.get(0)))
            .map_err(classify)?;
        Ok(value.unwrap_or(0))
    }
}
