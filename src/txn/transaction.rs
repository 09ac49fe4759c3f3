//! One transaction: its id, scheme, snapshot, statements, savepoints, commit and abort.
//!
//! ```text
//!   begin ──► statement ──► statement ──► ... ──► commit  (status committed, then locks released)
//!                │                          └───► abort   (status aborted, undo, locks released)
//!                └─ begin_statement(): next command id; READ COMMITTED takes a new snapshot,
//!                   SNAPSHOT takes its only one at the first statement (as PostgreSQL does)
//! ```
//!
//! Order matters at the end. Commit flips the status (and leaves the running set, atomically
//! with respect to snapshots) *before* releasing locks, so a waiter woken by the release sees
//! the commit. Abort marks the status, undoes every change, *then* releases locks and leaves
//! the running set, so that no version of an aborted transaction is left behind once anyone
//! can look at the chain without waiting.
//!
//! A transaction is used by one session at a time, but its methods take `&self` (state lives
//! in cells) so that the executor can read through an open scan while it writes.
//!
//! A transaction started by a session watches the session's [`Interrupt`]: its scans and lock
//! waits (and the executor's loops, through [`Transaction::check_interrupt`]) fail with 57014
//! once another thread requests it; see `interrupt.rs`.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result, TxnId};
use crate::storage::TableId;
use crate::types::Key;

use super::interrupt::Interrupt;
use super::snapshot::Snapshot;
use super::two_phase_locking::StatementIntent;
use super::undo::UndoLog;
use super::visibility::{Reader, TxnStatus};
use super::{Engine, IsolationLevel, WaitPolicy};

/// How a transaction runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxnOptions {
    pub level: IsolationLevel,
    pub read_only: bool,
    /// How long a lock wait may last before failing with 55P03; `None` waits for ever.
    pub lock_timeout: Option<Duration>,
}

impl Default for TxnOptions {
    fn default() -> Self {
        TxnOptions { level: IsolationLevel::Snapshot, read_only: false, lock_timeout: None }
    }
}

/// A point to roll back to: how long the undo log was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Savepoint(usize);

/// A running transaction. Dropping it without commit aborts it.
pub struct Transaction {
    pub(super) engine: Arc<Engine>,
    pub(super) id: TxnId,
    options: Cell<TxnOptions>,
    snapshot: RefCell<Option<Arc<Snapshot>>>,
    /// Command id of the current statement; 0 before the first.
    cid: Cell<u32>,
    /// Whether the current statement writes what it scans (two-phase locking takes X locks
    /// on what such a statement reads).
    intent: Cell<StatementIntent>,
    pub(super) undo: RefCell<UndoLog>,
    ended: Cell<bool>,
    /// Whether the SSI tracker knows this transaction (SERIALIZABLE, snapshot taken).
    in_ssi: Cell<bool>,
    /// Whether the lock manager knows this transaction; see [`Transaction::enter_lock_manager`].
    in_lock_manager: Cell<bool>,
    /// The row whose X lock this transaction took last (locks are held to the end), so that
    /// the write that follows `lock_row` does not ask the lock manager again.
    pub(super) last_row_locked: RefCell<Option<(TableId, Key)>>,
    /// The flag that cancels the running statement: the session's, or one nobody raises.
    interrupt: Arc<Interrupt>,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction").field("id", &self.id).field("options", &self.options.get()).finish()
    }
}

impl Transaction {
    /// Fails with 0A000 for schemes not implemented yet.
    pub fn check_supported(level: IsolationLevel) -> Result<()> {
        match level {
            IsolationLevel::ReadCommitted
            | IsolationLevel::Snapshot
            | IsolationLevel::TwoPhaseLocking
            | IsolationLevel::Serializable => Ok(()),
        }
    }

    /// Starts a transaction that nothing interrupts. Fails with 0A000 for schemes not
    /// implemented yet.
    pub fn begin(engine: &Arc<Engine>, options: TxnOptions) -> Result<Transaction> {
        Self::begin_with_interrupt(engine, options, Arc::default())
    }

    /// Starts a transaction whose statements stop with 57014 once `interrupt` is requested
    /// (a session's transactions watch the session's flag).
    pub fn begin_with_interrupt(
        engine: &Arc<Engine>,
        options: TxnOptions,
        interrupt: Arc<Interrupt>,
    ) -> Result<Transaction> {
        Self::check_supported(options.level)?;
        let id = engine.manager.begin();
        Ok(Transaction {
            engine: engine.clone(),
            id,
            options: Cell::new(options),
            snapshot: RefCell::new(None),
            cid: Cell::new(0),
            intent: Cell::new(StatementIntent::Read),
            undo: RefCell::new(UndoLog::default()),
            ended: Cell::new(false),
            in_ssi: Cell::new(false),
            in_lock_manager: Cell::new(false),
            last_row_locked: RefCell::new(None),
            interrupt,
        })
    }

    /// Registers this transaction with the lock manager (it then holds the lock others wait on
    /// for its end) before its first write, lock or wait. A transaction that only reads under a
    /// snapshot never does: no one can wait for it, since only its writes (versions carrying its
    /// id) and its locks make others wait. Commit and abort release locks only when registered.
    pub(super) fn enter_lock_manager(&self) {
        if !self.in_lock_manager.replace(true) {
            self.engine.locks.begin(self.id);
        }
    }

    pub fn id(&self) -> TxnId {
        self.id
    }

    pub fn options(&self) -> TxnOptions {
        self.options.get()
    }

    pub fn level(&self) -> IsolationLevel {
        self.options.get().level
    }

    /// Whether a statement has run yet (after that the scheme can no longer change).
    pub fn has_started_statements(&self) -> bool {
        self.cid.get() > 0
    }

    /// Changes how the transaction runs; only before its first statement (PostgreSQL's rule
    /// for `SET TRANSACTION ISOLATION LEVEL`).
    pub fn set_options(&self, options: TxnOptions) -> Result<()> {
        if self.has_started_statements() && options.level != self.level() {
            return Err(Error::TooLateInTransaction("SET TRANSACTION ISOLATION LEVEL"));
        }
        if self.has_started_statements() && !options.read_only && self.options.get().read_only {
            return Err(Error::TooLateInTransaction("SET TRANSACTION READ WRITE"));
        }
        Self::check_supported(options.level)?;
        self.options.set(options);
        Ok(())
    }

    /// Starts the next statement, one that only reads what it scans (for callers that cannot
    /// be doomed by SSI: tests and the snapshot accessor).
    pub fn begin_statement(&self) {
        self.start_statement(StatementIntent::Read);
    }

    /// Starts the next statement: a new command id, and the statement's snapshot: a new one for
    /// READ COMMITTED, the transaction's only one for SNAPSHOT (taken now if this is the first
    /// statement), and none for TWO PHASE LOCKING, which reads the latest committed versions of
    /// what it has locked.
    ///
    /// A SERIALIZABLE transaction registers with the SSI tracker when it takes its snapshot, and
    /// fails here with 40001 if another transaction's check doomed it.
    pub fn begin_statement_with(&self, intent: StatementIntent) -> Result<()> {
        self.start_statement(intent);
        if self.level() == IsolationLevel::Serializable {
            self.engine.ssi.check_doomed(self.id)?;
        }
        Ok(())
    }

    fn start_statement(&self, intent: StatementIntent) {
        self.cid.set(self.cid.get() + 1);
        self.intent.set(intent);
        let mut snapshot = self.snapshot.borrow_mut();
        match self.level() {
            IsolationLevel::TwoPhaseLocking => *snapshot = Some(Arc::new(Snapshot::LATEST)),
            IsolationLevel::ReadCommitted => *snapshot = Some(Arc::new(self.engine.manager.snapshot(self.id))),
            IsolationLevel::Snapshot | IsolationLevel::Serializable => {
                if snapshot.is_none() {
                    let taken = if self.level() == IsolationLevel::Serializable {
                        let _sequence = self.engine.ssi_sequence.lock();
                        let taken = self.engine.manager.snapshot(self.id);
                        self.engine.ssi.begin(self.id, &taken.running, self.options.get().read_only);
                        self.in_ssi.set(true);
                        taken
                    } else {
                        self.engine.manager.snapshot(self.id)
                    };
                    *snapshot = Some(Arc::new(taken));
                }
            }
        }
    }

    /// Whether the current statement writes what it scans.
    pub(super) fn intent(&self) -> StatementIntent {
        self.intent.get()
    }

    /// The snapshot of the current statement.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        if self.snapshot.borrow().is_none() {
            self.begin_statement();
        }
        self.snapshot.borrow().clone().expect("snapshot taken")
    }

    /// The snapshot of the current (or last) statement, if one was taken. Unlike
    /// [`snapshot`](Self::snapshot) it never starts a statement: for introspection.
    pub fn snapshot_taken(&self) -> Option<Arc<Snapshot>> {
        self.snapshot.borrow().clone()
    }

    /// The command id of the current (or last) statement; 0 before the first.
    pub fn cid(&self) -> u32 {
        self.cid.get()
    }

    /// The flag that cancels this transaction's running statement.
    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    /// Fails with [`Error::QueryCanceled`] if the running statement was asked to stop. Cheap
    /// (one relaxed load): long loops call it once per row or batch.
    #[inline]
    pub fn check_interrupt(&self) -> Result<()> {
        self.interrupt.check()
    }

    /// Runs `f` with the current statement's reader.
    pub(super) fn with_reader<R>(&self, f: impl FnOnce(Reader<'_>) -> R) -> R {
        let snapshot = self.snapshot();
        f(Reader { me: self.id, cid: self.cid.get(), snapshot: &snapshot })
    }

    pub(super) fn status(&self, txn: TxnId) -> TxnStatus {
        self.engine.manager.status(txn)
    }

    pub(super) fn wait_policy(&self, nowait: bool) -> WaitPolicy<'_> {
        if nowait {
            WaitPolicy::NoWait
        } else {
            WaitPolicy::Block { timeout: self.options.get().lock_timeout, interrupt: Some(&self.interrupt) }
        }
    }

    /// Waits until transaction `other` has ended.
    pub(super) fn wait_for(&self, other: TxnId) -> Result<()> {
        self.enter_lock_manager();
        self.engine.locks.wait_for_transaction(self.id, other, self.wait_policy(false))
    }

    /// Fails with 25006 in a READ ONLY transaction.
    pub(super) fn check_writable(&self, operation: &'static str) -> Result<()> {
        if self.options.get().read_only {
            return Err(Error::ReadOnlyTransaction(operation));
        }
        Ok(())
    }

    /// Marks the current position for `ROLLBACK TO SAVEPOINT`.
    pub fn savepoint(&self) -> Savepoint {
        Savepoint(self.undo.borrow().len())
    }

    /// Takes back every change made since `savepoint`. Locks taken since are kept (PostgreSQL
    /// releases them; keeping them is safe and simpler, and only delays others).
    pub fn rollback_to(&self, savepoint: Savepoint) {
        self.undo.borrow_mut().rollback_to(savepoint.0, self.id);
    }

    /// Commits: all writes become visible at once to snapshots taken from now on. A
    /// SERIALIZABLE transaction first passes the SSI pre-commit check; if it fails, the
    /// transaction is aborted and the 40001 error returned.
    pub fn commit(self) -> Result<()> {
        let horizon = if self.in_ssi.get() {
            // The check, the commit and its report form one step for the tracker: no other
            // serializable transaction may check or commit in between.
            let sequence = self.engine.ssi_sequence.lock();
            if let Err(e) = self.engine.ssi.pre_commit(self.id) {
                drop(sequence);
                // Dropping `self` aborts.
                return Err(e);
            }
            self.ended.set(true);
            let (seq, horizon) = self.engine.manager.commit(self.id);
            self.engine.ssi.committed(self.id, seq, !self.undo.borrow().is_empty());
            horizon
        } else {
            self.ended.set(true);
            self.engine.manager.commit(self.id).1
        };
        if self.in_lock_manager.get() {
            self.engine.locks.release_all(self.id);
        }
        let undo = self.undo.borrow();
        self.engine.vacuum.push(self.id, undo.ended_rows());
        self.engine.vacuum.after_transaction_end(&self.engine, horizon);
        Ok(())
    }

    /// Aborts: every write is taken back, no one will ever see it.
    pub fn rollback(self) {
        self.abort();
    }

    fn abort(&self) {
        if self.ended.replace(true) {
            return;
        }
        self.engine.manager.mark_aborted(self.id);
        if self.in_ssi.get() {
            self.engine.ssi.aborted(self.id);
        }
        self.undo.borrow_mut().rollback_to(0, self.id);
        if self.in_lock_manager.get() {
            self.engine.locks.release_all(self.id);
        }
        let horizon = self.engine.manager.finish_abort(self.id);
        self.engine.vacuum.after_transaction_end(&self.engine, horizon);
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        self.abort();
    }
}
