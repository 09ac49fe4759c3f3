//! [`Connection::inspect_versions`]: every physical version of a table's rows, whether this
//! session's reader sees it, and why (the shell's `\versions TABLE`).
//!
//! ## Whose eyes
//! The verdicts are those of the reader the session's next `SELECT` would be:
//!
//! ```text
//!   session                           reader                        snapshot
//!   block, statements run             its transaction, as its next  READ COMMITTED: its last
//!                                     command (the writes of every  statement's; SNAPSHOT and
//!                                     earlier statement are seen)   SERIALIZABLE: the transaction's;
//!                                                                   TWO PHASE LOCKING: the latest
//!                                                                   committed versions
//!   block, no statement yet           its transaction               what its first statement would
//!                                                                   take: a snapshot of now (2PL:
//!                                                                   the latest committed versions)
//!   no block, or a failed block       no transaction                a new statement's at the session's
//!   whose transaction was rolled back                               default level: a snapshot of now
//! ```
//!
//! Under READ COMMITTED the next statement would take a new snapshot; the report keeps the last
//! one, so it explains what the transaction just read (and says so in
//! [`VersionsReport::snapshot`]).
//!
//! ## Introspection, not a statement
//! Inspecting changes nothing: it starts no transaction and no statement (a transaction that ran
//! none still may `SET TRANSACTION ISOLATION LEVEL`), takes no snapshot the engine records (no
//! SSI registration; the vacuum horizon does not wait for it), takes no lock, and leaves the
//! block's state as it is. So it also works in a failed block (25P02 state): it judges for the
//! transaction the block keeps (with savepoints), or for a new statement if the block's
//! transaction was rolled back. An unknown table is 42P01 and does not fail the block.
//!
//! ## Consistency
//! The versions are copied under one hold of the table's read lock, and a snapshot of now is
//! taken under it, so vacuum cannot remove a version between the snapshot and the copy.
//! Transaction statuses are read as scans read them: when the versions are judged.

use std::sync::Arc;

use crate::error::{Error, Result, TxnId};
use crate::storage::{CatalogSnapshot, Table, NO_TXN};
use crate::txn::describe::row_key;
use crate::txn::visibility::{explain, Explanation, Reader};
use crate::txn::{Engine, IsolationLevel, Snapshot, Transaction};
use crate::types::Value;

use super::session::{Block, Session};
use super::Connection;

/// Every version of a table's rows, judged for this session's reader.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionsReport {
    pub table: String,
    /// The transaction judged for; `None` when the session has none open (the verdicts are
    /// then a new statement's).
    pub reader: Option<TxnId>,
    /// Which reader and snapshot the verdicts are for, in words, e.g. `T7's snapshot
    /// (repeatable read: taken at its first statement): sees transactions committed before T9,
    /// not T6, T8 (running)`.
    pub snapshot: String,
    /// The table's column names, in the order of [`RowVersion::values`].
    pub columns: Vec<String>,
    /// Every version of every row: rows in key order, each row's versions oldest first.
    pub versions: Vec<RowVersion>,
}

/// One physical version of a row, and the reader's verdict on it.
#[derive(Clone, Debug, PartialEq)]
pub struct RowVersion {
    /// The row's key as the engine names rows in messages: `id=2`, `a=1, b='x'`, or
    /// `rowid=5` for a table without a primary key.
    pub key: String,
    /// The transaction that created the version.
    pub xmin: TxnId,
    /// The transaction that deleted or superseded it, if any.
    pub xmax: Option<TxnId>,
    pub values: Vec<Value>,
    /// Whether the reader sees this version.
    pub visible: bool,
    /// The rule that decided, e.g. `created by T5 (committed before the snapshot), not
    /// deleted` or `created by T8 (still running: not in the snapshot)`.
    pub reason: String,
}

impl Connection {
    /// Every version of every row of `table`, and whether this session's reader sees it, and
    /// why. `table` is a name as [`Database::table_names`](crate::Database::table_names) lists
    /// it, or as SQL reads an identifier (folded to lower case unless in double quotes).
    ///
    /// Introspection, not a statement: it changes nothing and also works in a failed block;
    /// see the module documentation for whose verdicts these are. Fails with
    /// [`Error::UndefinedTable`] (42P01) for an unknown table, leaving the block as it was.
    pub fn inspect_versions(&self, table: &str) -> Result<VersionsReport> {
        let catalog = self.db.inner.catalog.snapshot();
        let table = find_table(&catalog, table)?;
        let schema = table.schema();
        let engine = &self.db.inner.engine;
        let state = self.state.borrow();
        let data = table.read();
        let viewpoint = Viewpoint::of(&state.session, engine);
        let reader =
            Reader { me: viewpoint.reader.unwrap_or(NO_TXN), cid: viewpoint.cid, snapshot: &viewpoint.snapshot };
        let status = |txn| engine.manager.status(txn);
        let mut versions = Vec::with_capacity(data.version_count());
        for (key, chain) in data.rows().iter() {
            let key = row_key(&schema, &key);
            for version in &chain.versions {
                let Explanation { visible, reason } = explain(version, reader, status);
                versions.push(RowVersion {
                    key: key.clone(),
                    xmin: version.xmin,
                    xmax: version.is_ended().then_some(version.xmax),
                    values: version.data.to_vec(),
                    visible,
                    reason,
                });
            }
        }
        drop(data);
        Ok(VersionsReport {
            table: schema.name.clone(),
            reader: viewpoint.reader,
            snapshot: viewpoint.description,
            columns: schema.columns.iter().map(|c| c.name.clone()).collect(),
            versions,
        })
    }
}

/// The table `name` names: exactly as given, else as SQL reads an identifier.
fn find_table(catalog: &CatalogSnapshot, name: &str) -> Result<Arc<Table>> {
    if let Some(table) = catalog.table(name) {
        return Ok(table.clone());
    }
    let as_sql = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => name.to_ascii_lowercase(),
    };
    catalog.table(&as_sql).cloned().ok_or(Error::UndefinedTable(as_sql))
}

/// The reader the report judges for; see the module documentation.
struct Viewpoint {
    /// The transaction, if the session has one.
    reader: Option<TxnId>,
    /// The command it judges as: the transaction's next.
    cid: u32,
    snapshot: Arc<Snapshot>,
    description: String,
}

impl Viewpoint {
    fn of(session: &Session, engine: &Engine) -> Viewpoint {
        let failed = matches!(session.block, Block::Failed(_));
        match session.txn() {
            Some(txn) => {
                let mut viewpoint = Self::of_transaction(txn, engine);
                if failed {
                    viewpoint.description.push_str(" (the block has failed: only ROLLBACK and ROLLBACK TO run)");
                }
                viewpoint
            }
            None => {
                let level = session.settings.defaults.level;
                let (snapshot, sees) = match level {
                    IsolationLevel::TwoPhaseLocking => (
                        Snapshot::LATEST,
                        "a new statement (two phase locking) reads the latest committed versions".into(),
                    ),
                    _ => {
                        let snapshot = engine.manager.unregistered_snapshot();
                        let sees = format!("a new statement's snapshot {}", sees(&snapshot, None));
                        (snapshot, sees)
                    }
                };
                let description = if failed {
                    format!("the block has failed and its transaction was rolled back: after ROLLBACK, {sees}")
                } else {
                    format!("no transaction open: {sees}")
                };
                Viewpoint { reader: None, cid: 0, snapshot: Arc::new(snapshot), description }
            }
        }
    }

    fn of_transaction(txn: &Transaction, engine: &Engine) -> Viewpoint {
        let (id, level) = (txn.id(), txn.level());
        let (snapshot, description) = match txn.snapshot_taken() {
            Some(snapshot) if snapshot.is_latest() => {
                (snapshot, format!("T{id} ({level}): reads the latest committed versions"))
            }
            Some(snapshot) => {
                let taken = match level {
                    IsolationLevel::ReadCommitted => "its last statement's",
                    _ => "taken at its first statement",
                };
                let description = format!("T{id}'s snapshot ({level}: {taken}): {}", sees(&snapshot, Some(id)));
                (snapshot, description)
            }
            None if level == IsolationLevel::TwoPhaseLocking => (
                Arc::new(Snapshot::LATEST),
                format!("T{id} ({level}) has run no statement yet: reads the latest committed versions"),
            ),
            None => {
                let snapshot = engine.manager.unregistered_snapshot();
                let sees = sees(&snapshot, Some(id));
                (Arc::new(snapshot), format!("T{id} ({level}) has run no statement yet: a snapshot taken now {sees}"))
            }
        };
        Viewpoint { reader: Some(id), cid: txn.cid().saturating_add(1), snapshot, description }
    }
}

/// `sees transactions committed before T9, not T6, T8 (running)`; `me` is left out of the
/// running ones.
fn sees(snapshot: &Snapshot, me: Option<TxnId>) -> String {
    let running: Vec<String> = snapshot.running.iter().filter(|&&t| Some(t) != me).map(|t| format!("T{t}")).collect();
    let before = format!("sees transactions committed before T{}", snapshot.xmax);
    if running.is_empty() {
        before
    } else {
        format!("{before}, not {} (running)", running.join(", "))
    }
}
