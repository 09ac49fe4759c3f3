//! isolde through its public embedded API: prepared statements (`Connection::prepare`,
//! `Statement::{execute, query}`), `Connection::query` with SQL text, and transactions by SQL
//! (`BEGIN`, `COMMIT`, `ROLLBACK`) at the session's default isolation level.

use anyhow::{bail, Context, Result};
use isolde::{params, Connection, Database, IsolationLevel, Rows, Value};

use super::{timed, Cell, NewValue, Session, Table, Timed, TxError};
use crate::data::{Checksum, DataRow};
use crate::workloads::table::{CREATE_INDEX, CREATE_TABLE, INSERT};

/// Table `t` in a new in-memory isolde database.
pub struct IsoldeTable {
    conn: Connection,
}

impl IsoldeTable {
    pub fn create() -> Result<IsoldeTable> {
        let conn = Database::open_in_memory().connect();
        conn.execute(CREATE_TABLE, ())?;
        conn.execute(CREATE_INDEX, ())?;
        Ok(IsoldeTable { conn })
    }
}

/// Folds a result into a [`Checksum`]: integers are added, texts add their length.
fn fold(rows: &Rows) -> Checksum {
    let mut seen = Checksum { rows: rows.len() as u64, sum: 0 };
    for value in rows.iter().flat_map(|row| row.values()) {
        seen.sum += match value {
            Value::Integer(i) => *i,
            Value::Text(s) => s.len() as i64,
            _ => 0,
        };
    }
    seen
}

fn values(params: &[i64]) -> Vec<Value> {
    params.iter().map(|&p| Value::Integer(p)).collect()
}

impl Table for IsoldeTable {
    fn insert_rows(&mut self, rows: &[DataRow], one_transaction: bool) -> Result<Timed> {
        let conn = &self.conn;
        let mut insert = conn.prepare(INSERT)?;
        timed(|| {
            if one_transaction {
                conn.execute("BEGIN", ())?;
            }
            let mut inserted = 0;
            for r in rows {
                inserted += insert.execute(params![r.id, r.k, r.v.as_str()])?;
            }
            if one_transaction {
                conn.execute("COMMIT", ())?;
            }
            Ok(Checksum { rows: inserted, sum: 0 })
        })
    }

    fn update_each(&mut self, sql: &str, updates: &[(i64, NewValue)]) -> Result<Timed> {
        let mut update = self.conn.prepare(sql)?;
        timed(|| {
            let mut affected = 0;
            for (id, value) in updates {
                affected += match value {
                    NewValue::Int(k) => update.execute(params![*k, *id])?,
                    NewValue::Text(v) => update.execute(params![v.as_str(), *id])?,
                };
            }
            Ok(Checksum { rows: affected, sum: 0 })
        })
    }

    fn query_each(&mut self, sql: &str, keys: &[i64]) -> Result<Timed> {
        let mut query = self.conn.prepare(sql)?;
        timed(|| {
            let mut seen = Checksum::default();
            for &key in keys {
                seen.add(fold(&query.query(params![key])?));
            }
            Ok(seen)
        })
    }

    fn query_repeat(&mut self, sql: &str, times: usize) -> Result<Timed> {
        let mut query = self.conn.prepare(sql)?;
        timed(|| {
            let mut seen = Checksum::default();
            for _ in 0..times {
                seen.add(fold(&query.query(())?));
            }
            Ok(seen)
        })
    }

    fn query_each_text(&mut self, text: fn(i64) -> String, keys: &[i64]) -> Result<Timed> {
        let conn = &self.conn;
        timed(|| {
            let mut seen = Checksum::default();
            for &key in keys {
                seen.add(fold(&conn.query(&text(key), ())?));
            }
            Ok(seen)
        })
    }

    fn first_row(&mut self, sql: &str, params: &[i64]) -> Result<Vec<Cell>> {
        let rows = self.conn.query(sql, values(params))?;
        let row = rows.get(0).with_context(|| format!("no row from {sql}"))?;
        row.values()
            .iter()
            .map(|v| match v {
                Value::Null => Ok(Cell::Null),
                Value::Integer(i) => Ok(Cell::Int(*i)),
                Value::Text(s) => Ok(Cell::Text(s.to_string())),
                other => bail!("unexpected value {other:?} from {sql}"),
            })
            .collect()
    }
}

/// One isolde session for transactions at a fixed isolation level.
pub struct IsoldeSession {
    conn: Connection,
}

impl IsoldeSession {
    /// A new session on `db` whose transactions run at `level`. A lock wait longer than 10 s
    /// fails (55P03) instead of hanging the benchmark: no workload here waits that long unless
    /// something is wrong.
    pub fn new(db: &Database, level: IsolationLevel) -> Result<IsoldeSession> {
        let conn = db.connect();
        conn.set_default_isolation(level)?;
        conn.execute("SET lock_timeout = '10s'", ())?;
        Ok(IsoldeSession { conn })
    }
}

/// A conflict (40001, 40P01) is retried; anything else stops the benchmark.
fn classify(e: isolde::Error) -> TxError {
    if e.is_retryable() {
        TxError::Retry
    } else {
        TxError::Fatal(anyhow::Error::new(e))
    }
}

impl Session for IsoldeSession {
    fn begin(&mut self, read_only: bool) -> Result<(), TxError> {
        self.conn.execute(if read_only { "BEGIN READ ONLY" } else { "BEGIN" }, ()).map_err(classify)?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), TxError> {
        let result = self.conn.run("COMMIT").map_err(classify)?;
        if result.tag != isolde::CommandTag::Fixed("COMMIT") {
            return Err(anyhow::anyhow!("COMMIT answered {}", result.tag).into());
        }
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), TxError> {
        // Outside a block (a failed COMMIT already ended it) ROLLBACK is only a warning.
        self.conn.execute("ROLLBACK", ()).map_err(classify)?;
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[i64]) -> Result<u64, TxError> {
        self.conn.execute(sql, values(params)).map_err(classify)
    }

    fn query_i64(&mut self, sql: &str, params: &[i64]) -> Result<i64, TxError> {
        let value: Option<i64> = self.conn.query_row(sql, values(params), |r| r.get(0)).map_err(classify)?;
        Ok(value.unwrap_or(0))
    }
}
