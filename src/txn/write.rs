//! Writing: insert, lock, update and delete rows, keeping unique constraints under
//! concurrency.
//!
//! ## Row locks
//! Every UPDATE, DELETE and SELECT FOR UPDATE/SHARE first takes the row's lock in the lock
//! manager ([`Transaction::lock_row`]), and keeps it to the end of the transaction. Holding the
//! X lock, a writer knows no one else is changing the chain, so it can look at what happened
//! since its snapshot and apply its scheme's rule (`read_committed.rs`,
//! `snapshot_isolation.rs`). This is what prevents dirty writes (G0) at every level.
//!
//! ## Unique keys
//! A primary or unique key is checked and the new version appended under the table's write
//! lock, as one step, so two inserters cannot both miss each other. The check looks at the
//! newest version that has the key in each candidate chain:
//!
//! | that version's state                                   | outcome                     |
//! |--------------------------------------------------------|-----------------------------|
//! | created by a transaction still running (or aborting)   | wait for it, then re-check  |
//! | ended by a transaction still running (or aborting)     | wait for it, then re-check  |
//! | committed and not ended, or mine and not ended         | 23505 unique violation      |
//! | ended by a committed transaction, or by me             | no conflict                 |
//!
//! So a second inserter of a key waits for the first and gets 23505 if the first commits, or
//! goes ahead if it aborts, as in PostgreSQL. Waiting happens outside the table lock, through
//! the lock manager (`wait_for_transaction`), so the wait shows in the waits-for graph.

use std::ops::Bound;
use std::sync::Arc;

use crate::error::{Error, Result, TxnId};
use crate::storage::{Chain, RowData, Table, TableData, Version, NO_TXN};
use crate::types::{Key, TableSchema, Value};

use super::lock_manager::{LockMode, LockTarget};
use super::read::VisibleRow;
use super::read_committed::{follow_updates, Followed};
use super::snapshot_isolation::first_updater_wins;
use super::transaction::Transaction;
use super::two_phase_locking::NewEntryLocks;
use super::undo::Change;
use super::vacuum::prune_chain;
use super::visibility::TxnStatus;
use super::{describe, IsolationLevel};

/// The lock a statement takes on a row it is about to change or lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowLockMode {
    /// UPDATE, DELETE, SELECT FOR UPDATE: exclusive.
    Update,
    /// SELECT FOR SHARE: shared with other FOR SHARE lockers.
    Share,
}

/// What [`Transaction::lock_row`] found once it held the lock.
#[derive(Clone, Debug)]
pub enum Locked {
    /// The version read is still the current one.
    Current(VisibleRow),
    /// READ COMMITTED only: a concurrent transaction committed a newer version, now locked;
    /// the caller re-checks its WHERE clause on it.
    Changed(VisibleRow),
    /// The row was deleted concurrently (or already changed by this statement): skip it.
    Gone,
}

/// The outcome of a unique check.
enum Check {
    /// No conflict; `fresh_key` when the check found that the primary key written has no
    /// chain at all (then there is nothing to prune before appending).
    Ok {
        fresh_key: bool,
    },
    Violation(Error),
    WaitFor(TxnId),
}

/// Who holds a key in one chain.
enum KeyHolder {
    /// Nobody: the versions with the key are gone or going.
    Free,
    /// A live version, committed or mine.
    Held,
    /// A transaction still running (or aborting) decides: wait for it.
    Undecided(TxnId),
}

/// What a write must wait for, outside the table lock, before it starts over.
enum Wait {
    /// A lock two-phase locking needs for the new entries (an insert intention or a record).
    Lock(LockTarget, LockMode),
    /// The end of a transaction that may still hold the key being written.
    Transaction(TxnId),
}

/// Whether a write of new keys may go ahead under the table lock it holds.
enum Admission {
    /// Yes; under two-phase locking, with the gaps its new entries split; `fresh_key` as in
    /// [`Check::Ok`].
    Admitted {
        entries: Vec<NewEntryLocks>,
        fresh_key: bool,
    },
    MustWait(Wait),
}

/// The outcome of examining a locked row.
enum Examined {
    Done(Result<Locked>),
    WaitFor(TxnId),
}

impl Transaction {
    /// Inserts a row (values in column order, already typed and checked for NOT NULL).
    pub fn insert(&self, table: &Arc<Table>, values: Vec<Value>) -> Result<VisibleRow> {
        self.check_writable("INSERT")?;
        self.enter_lock_manager();
        let schema = table.schema();
        let data: RowData = values.into();
        loop {
            let mut rows = table.write();
            let key = if schema.has_hidden_row_id() {
                Key::One(Value::Integer(rows.allocate_row_id()))
            } else {
                primary_key_of(&schema, &data)
            };
            // Before the unique check: a duplicate of a key a concurrent serializable reader
            // found absent is a serialization failure (40001), as in PostgreSQL, not 23505.
            self.ssi_note_write(table, &key, None, Some(&data))?;
            let (new_entries, fresh_key) = match self.admit(table, &rows, &schema, &key, &data, None)? {
                Admission::Admitted { entries, fresh_key } => (entries, fresh_key),
                Admission::MustWait(wait) => {
                    drop(rows);
                    self.wait(wait)?;
                    continue;
                }
            };
            if !fresh_key {
                self.prune(table, &mut rows, &key);
            }
            rows.append_version(key.clone(), Version::new(self.id, self.cid(), data.clone()))?;
            self.inherit_split_gaps(new_entries);
            self.undo.borrow_mut().push(Change::Appended, table, key.clone());
            return Ok(VisibleRow { key, data, xmin: self.id, xmax: NO_TXN });
        }
    }

    /// Locks a row read by this statement, waiting for concurrent lockers, and reports what
    /// became of it; see [`Locked`]. Under SNAPSHOT a row changed by a transaction that
    /// committed after the snapshot fails with 40001 here.
    pub fn lock_row(&self, table: &Arc<Table>, row: &VisibleRow, mode: RowLockMode, nowait: bool) -> Result<Locked> {
        let target = LockTarget::Row { table: table.id, key: row.key.clone() };
        let (lock_mode, table_mode) = match mode {
            RowLockMode::Update => (LockMode::Exclusive, LockMode::IntentionExclusive),
            RowLockMode::Share => (LockMode::Shared, LockMode::IntentionShared),
        };
        self.enter_lock_manager();
        if self.level() == IsolationLevel::TwoPhaseLocking {
            self.engine.locks.acquire(self.id, LockTarget::Table(table.id), table_mode, self.wait_policy(nowait))?;
        }
        self.engine.locks.acquire(self.id, target, lock_mode, self.wait_policy(nowait))?;
        if mode == RowLockMode::Update {
            *self.last_row_locked.borrow_mut() = Some((table.id, row.key.clone()));
        }
        loop {
            let examined = {
                let rows = table.read();
                self.examine_locked_row(table, rows.chain(&row.key), row)
            };
            match examined {
                Examined::Done(result) => return result,
                Examined::WaitFor(other) => self.wait_for(other)?,
            }
        }
    }

    fn examine_locked_row(&self, table: &Table, chain: Option<&Chain>, row: &VisibleRow) -> Examined {
        // A version that vanished was pruned: its deletion is visible to everyone.
        let Some((chain, position)) =
            chain.and_then(|c| c.versions.iter().rposition(|v| row.is_version(v)).map(|p| (c, p)))
        else {
            return Examined::Done(Ok(Locked::Gone));
        };
        let version = &chain.versions[position];
        if version.xmax == NO_TXN {
            return Examined::Done(Ok(Locked::Current(row.clone())));
        }
        if version.xmax == self.id {
            return Examined::Done(Ok(Locked::Gone));
        }
        let status = |t| self.status(t);
        match self.level() {
            // Two-phase locking read the latest version under a lock it still holds, so the row
            // cannot have changed; following updates is the safe reading if it ever did.
            IsolationLevel::ReadCommitted | IsolationLevel::TwoPhaseLocking => {
                match follow_updates(chain, position, self.id, status) {
                    Followed::Newest(p) => {
                        Examined::Done(Ok(Locked::Changed(VisibleRow::of(&row.key, &chain.versions[p]))))
                    }
                    Followed::Deleted => Examined::Done(Ok(Locked::Gone)),
                    Followed::WaitFor(other) => Examined::WaitFor(other),
                }
            }
            _ => match status(version.xmax) {
                TxnStatus::Committed(_) => {
                    let updated = chain.versions.get(position + 1).is_some_and(|next| next.xmin == version.xmax);
                    let object = describe::table_row(table, &row.key);
                    Examined::Done(Err(first_updater_wins(self.id, version.xmax, object, !updated)))
                }
                TxnStatus::InProgress | TxnStatus::Aborted => Examined::WaitFor(version.xmax),
            },
        }
    }

    /// Replaces a locked row with a new version (values in column order, already typed). The
    /// primary key may change: the row then moves to another chain.
    pub fn update(&self, table: &Arc<Table>, row: &VisibleRow, values: Vec<Value>) -> Result<VisibleRow> {
        self.check_writable("UPDATE")?;
        self.enter_lock_manager();
        self.ensure_row_locked(table, &row.key)?;
        let schema = table.schema();
        let data: RowData = values.into();
        let key = if schema.has_hidden_row_id() { row.key.clone() } else { primary_key_of(&schema, &data) };
        loop {
            let mut rows = table.write();
            self.check_still_current(&rows, row)?;
            if key == row.key {
                self.ssi_note_write(table, &key, Some(&row.data), Some(&data))?;
            } else {
                self.ssi_note_write(table, &row.key, Some(&row.data), None)?;
                self.ssi_note_write(table, &key, None, Some(&data))?;
            }
            let (new_entries, fresh_key) = match self.admit(table, &rows, &schema, &key, &data, Some(row))? {
                Admission::Admitted { entries, fresh_key } => (entries, fresh_key),
                Admission::MustWait(wait) => {
                    drop(rows);
                    self.wait(wait)?;
                    continue;
                }
            };
            self.prune(table, &mut rows, &row.key);
            let version = Version::new(self.id, self.cid(), data.clone());
            if key == row.key {
                if !rows.replace_newest(&key, version)? {
                    return Err(Error::Internal("the row's newest version changed under the table lock".into()));
                }
                self.undo.borrow_mut().push(Change::Replaced, table, key.clone());
            } else {
                rows.end_newest(&row.key, self.id, self.cid());
                self.undo.borrow_mut().push(Change::Ended, table, row.key.clone());
                if !fresh_key {
                    self.prune(table, &mut rows, &key);
                }
                rows.append_version(key.clone(), version)?;
                self.undo.borrow_mut().push(Change::Appended, table, key.clone());
            }
            self.inherit_split_gaps(new_entries);
            return Ok(VisibleRow { key, data, xmin: self.id, xmax: NO_TXN });
        }
    }

    /// Deletes a locked row.
    pub fn delete(&self, table: &Arc<Table>, row: &VisibleRow) -> Result<()> {
        self.check_writable("DELETE")?;
        self.enter_lock_manager();
        self.ensure_row_locked(table, &row.key)?;
        let mut rows = table.write();
        self.check_still_current(&rows, row)?;
        self.ssi_note_write(table, &row.key, Some(&row.data), None)?;
        rows.end_newest(&row.key, self.id, self.cid());
        self.undo.borrow_mut().push(Change::Ended, table, row.key.clone());
        Ok(())
    }

    /// The checks a write of `data` under `key` passes under the table lock before it appends:
    /// two-phase locking's insert locks, then the primary and unique keys. `old` is the row an
    /// UPDATE replaces. Neither check waits here: what must be waited for is returned, for the
    /// caller to wait outside the table lock and start over.
    fn admit(
        &self,
        table: &Table,
        rows: &TableData,
        schema: &TableSchema,
        key: &Key,
        data: &RowData,
        old: Option<&VisibleRow>,
    ) -> Result<Admission> {
        let entries = if self.level() == IsolationLevel::TwoPhaseLocking {
            let entries = self.insert_locks(table, rows, key, data, old);
            if let Some((target, mode)) = self.try_insert_locks(table, &entries)? {
                return Ok(Admission::MustWait(Wait::Lock(target, mode)));
            }
            entries
        } else {
            Vec::new()
        };
        match self.check_unique(rows, schema, key, data, old) {
            Check::Ok { fresh_key } => Ok(Admission::Admitted { entries, fresh_key }),
            Check::Violation(e) => Err(e),
            Check::WaitFor(other) => Ok(Admission::MustWait(Wait::Transaction(other))),
        }
    }

    fn wait(&self, wait: Wait) -> Result<()> {
        match wait {
            Wait::Lock(target, mode) => self.wait_for_lock(target, mode),
            Wait::Transaction(other) => self.wait_for(other),
        }
    }

    /// Prunes the dead versions of one chain before writing to it.
    fn prune(&self, table: &Table, rows: &mut TableData, key: &Key) {
        prune_chain(table.id, rows, key, self.engine.vacuum.cached_horizon(), &self.engine);
    }

    /// Takes the X row lock if not held yet (a no-op after `lock_row(Update)`, which the
    /// executor always calls first: then the lock manager is not asked again).
    fn ensure_row_locked(&self, table: &Table, key: &Key) -> Result<()> {
        if self.last_row_locked.borrow().as_ref().is_some_and(|(t, k)| *t == table.id && k == key) {
            return Ok(());
        }
        let target = LockTarget::Row { table: table.id, key: key.clone() };
        self.enter_lock_manager();
        self.engine.locks.acquire(self.id, target, LockMode::Exclusive, self.wait_policy(false))
    }

    /// A write must start from the current version of a locked row.
    fn check_still_current(&self, rows: &TableData, row: &VisibleRow) -> Result<()> {
        match rows.chain(&row.key).and_then(Chain::newest) {
            Some(v) if row.is_version(v) && v.xmax == NO_TXN => Ok(()),
            _ => Err(Error::Internal("write to a row version that is not current; lock_row must come first".into())),
        }
    }

    /// Checks the primary key `key` and every unique index for a row `data` about to be
    /// written; `updating` is the row it replaces, if any.
    fn check_unique(
        &self,
        rows: &TableData,
        schema: &TableSchema,
        key: &Key,
        data: &RowData,
        updating: Option<&VisibleRow>,
    ) -> Check {
        let moved = updating.is_none_or(|old| &old.key != key);
        // An inserted row of a table without a primary key has a row id never used before.
        let mut fresh_key = schema.has_hidden_row_id() && updating.is_none();
        if !schema.has_hidden_row_id() && moved {
            let chain = rows.chain(key);
            fresh_key = chain.is_none();
            if let Some(chain) = chain {
                match self.key_holder(chain, |_| true) {
                    KeyHolder::Free => {}
                    KeyHolder::Held => {
                        let name = schema.primary_key_name();
                        return Check::Violation(unique_violation(schema, &name, &schema.primary_key, data));
                    }
                    KeyHolder::Undecided(other) => return Check::WaitFor(other),
                }
            }
        }
        for index in rows.indexes().iter().filter(|i| i.schema.unique) {
            let index_key = index.key_of(data);
            if index_key.has_null() {
                continue;
            }
            if let Some(old) = updating {
                if index.key_of(&old.data) == index_key {
                    continue;
                }
            }
            let first = crate::storage::IndexEntry::first_with(index_key.clone());
            let candidates = index.entries.range_from(Bound::Included(&first));
            for entry in candidates.take_while(|e| e.key == index_key) {
                let Some(chain) = rows.chain(&entry.pk) else { continue };
                match self.key_holder(chain, |v| index.key_of(&v.data) == index_key) {
                    KeyHolder::Free => {}
                    KeyHolder::Held => {
                        return Check::Violation(unique_violation(
                            schema,
                            &index.schema.name,
                            &index.schema.columns,
                            data,
                        ))
                    }
                    KeyHolder::Undecided(other) => return Check::WaitFor(other),
                }
            }
        }
        Check::Ok { fresh_key }
    }

    /// Who holds the key in `chain`, judged by the newest version that has it (`has_key`);
    /// see the table in the module documentation.
    fn key_holder(&self, chain: &Chain, has_key: impl Fn(&Version) -> bool) -> KeyHolder {
        let Some(version) = chain.versions.iter().rev().find(|v| has_key(v)) else { return KeyHolder::Free };
        let committed = |t: TxnId| matches!(self.status(t), TxnStatus::Committed(_));
        if version.xmin != self.id && !committed(version.xmin) {
            return KeyHolder::Undecided(version.xmin);
        }
        if version.xmax == NO_TXN {
            return KeyHolder::Held;
        }
        if version.xmax == self.id || committed(version.xmax) {
            return KeyHolder::Free;
        }
        KeyHolder::Undecided(version.xmax)
    }
}

/// The primary key of a row of `schema` (which has one).
fn primary_key_of(schema: &TableSchema, data: &[Value]) -> Key {
    Key::of_columns(data, &schema.primary_key)
}

/// 23505 with PostgreSQL's detail: `Key (id)=(1) already exists.`
fn unique_violation(schema: &TableSchema, constraint: &str, columns: &[usize], data: &[Value]) -> Error {
    let names: Vec<&str> = columns.iter().map(|&c| schema.columns[c].name.as_str()).collect();
    let values: Vec<String> = columns.iter().map(|&c| data[c].to_string()).collect();
    Error::UniqueViolation {
        constraint: constraint.to_string(),
        key: format!("({})=({})", names.join(", "), values.join(", ")),
    }
}
