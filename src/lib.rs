//! isolde: an embedded multi-version transactional SQL engine for exploring isolation levels.
//!
//! ```
//! use isolde::{params, Database, IsolationLevel};
//!
//! let db = Database::open_in_memory();
//! let conn = db.connect();
//! conn.execute_batch(
//!     "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
//!      INSERT INTO accounts VALUES (1, 100), (2, 50);",
//! )?;
//! db.run_transaction(IsolationLevel::Snapshot, |tx| {
//!     tx.execute("UPDATE accounts SET balance = balance - $1 WHERE id = 1", params![30])?;
//!     tx.execute("UPDATE accounts SET balance = balance + $1 WHERE id = 2", params![30])?;
//!     Ok(())
//! })?;
//! let total: i64 = conn.query_row("SELECT sum(balance) FROM accounts", (), |r| r.get(0))?;
//! assert_eq!(total, 150);
//! # Ok::<(), isolde::Error>(())
//! ```
//!
//! # The life of one statement
//!
//! Take `UPDATE accounts SET balance = balance - 30 WHERE id = 1` run by `conn.execute`.
//!
//! 1. **Cache** (`conn`): the connection looks the SQL text up in its statement cache. The
//!    first time, it is parsed (`sql::parse`, the only user of `sqlparser`) and translated into
//!    isolde's own syntax tree (`sql::ast`).
//! 2. **Session** (`conn::session`): outside a transaction block the statement gets a
//!    transaction of its own (autocommit); inside one it uses the block's, unless the block has
//!    failed (25P02).
//! 3. **Statement start** (`txn::Transaction::begin_statement`): a new command id; a READ
//!    COMMITTED transaction takes a new snapshot, a SNAPSHOT one keeps the one it took at its
//!    first statement.
//! 4. **Plan** (`sql::planner`): names are resolved against a snapshot of the catalog and an
//!    access path chosen: here a point probe of the primary key. Plans are cached with the
//!    catalog version they were made at.
//! 5. **Execute** (`sql::execute`): the executor reads the target rows through the
//!    transaction (`txn`), which asks the version store (`storage`) for the version chain under
//!    key 1 and picks the version the snapshot sees (`txn::visibility`). Then, for each target,
//!    it locks the row (`txn::lock_manager`, waiting if another transaction holds it), lets the
//!    scheme decide what to do if the row changed meanwhile (`txn::read_committed`,
//!    `txn::snapshot_isolation`), and writes a new version: the old version's `xmax` is set to
//!    this transaction, a new version with `xmin` = this transaction is appended.
//! 6. **Commit**: the transaction's status becomes committed, atomically for every snapshot
//!    taken afterwards; then its locks are released and waiters wake. Versions it superseded are
//!    queued for vacuum, which removes them once no snapshot can see them.
//!
//! Layers depend one way: `conn -> sql -> txn -> storage -> types`.

mod conn;
mod db;
pub mod error;
mod fast_hash;
mod params;
mod rows;
pub mod sql;
pub mod storage;
pub mod txn;
pub mod types;

pub use conn::{
    BlockState, Connection, Notice, RowVersion, SessionHandle, SessionInfo, Statement, StatementResult, Transaction,
    VersionsReport,
};
pub use db::{Database, MAX_TRANSACTION_ATTEMPTS};
pub use error::{Error, Result, TxnId};
pub use params::Params;
pub use rows::{FromValue, Row, RowIndex, Rows};
pub use sql::command_tag::CommandTag;
pub use txn::{IsolationLevel, TxnOptions};
pub use types::{DataType, Value};
