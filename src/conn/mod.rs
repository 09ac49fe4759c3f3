//! [`Connection`]: one session. It runs statements, keeps the session's transaction block and
//! settings, and caches prepared statements by SQL text.
//!
//! A statement goes through [`Connection::run_prepared`]:
//!
//! ```text
//!   transaction control, SET, SHOW, VACUUM ─► the session's block state machine (session.rs)
//!   CREATE / DROP                           ─► ddl.rs (outside transaction blocks only)
//!   SELECT / INSERT / UPDATE / DELETE       ─► in the block's transaction, or in a transaction of
//!                                              its own (autocommit): begin_statement (snapshot),
//!                                              plan (cached), execute, commit or abort
//! ```
//!
//! ## Cancelling the running statement
//! [`SessionHandle::cancel`] is PostgreSQL's cancel request (Ctrl-C in the shell), sent from
//! another thread. It raises the session's interrupt flag (`txn::interrupt`), which the
//! statement's scans, joins and writes check as they go, and wakes the statement if it sleeps
//! in a lock wait. The statement fails with 57014 and is undone like any failed statement:
//! outside a block its transaction aborts; inside one the block fails (25P02 until ROLLBACK),
//! or, with savepoints, the statement alone is rolled back and the block waits for ROLLBACK TO.
//!
//! The flag is cleared when each statement starts ([`Connection::run_prepared`]), before the
//! session shows the statement as running ([`SessionInfo::statement_running`]). So a cancel
//! that arrives while no statement runs never affects the next one, and one sent once the
//! statement shows as running reaches it: the statement stops at its next check, unless it
//! had none left to make (it was returning anyway). A cancel that races with the start itself
//! (sent just before the flag is cleared) is forgotten, as in PostgreSQL: the user cancels
//! again. Transaction control, SET, DDL and VACUUM make no checks: a cancel does not stop
//! them. In a `;`-separated batch ([`Connection::execute_batch`]) a cancelled statement stops
//! the batch like any error; a cancel that falls between two of its statements is forgotten
//! like any other sent while no statement runs.
//!
//! ## Inspecting versions
//! [`Connection::inspect_versions`] (`inspect.rs`) lists every version of a table's rows and
//! whether this session's reader sees it, and why: for the shell's `\versions`.

mod ddl;
mod inspect;
mod session;
mod settings;
mod statement;
mod transaction;

use std::cell::RefCell;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::db::Database;
use crate::error::{Error, Result, TxnId};
use crate::fast_hash::FastHashMap;
use crate::params::Params;
use crate::rows::Rows;
use crate::sql::ast::{LockStrength, Statement as Ast};
use crate::sql::command_tag::CommandTag;
use crate::sql::execute::{execute, ExecContext, Output};
use crate::sql::literals::{parameterize, Parameterized};
use crate::sql::prepared::Prepared;
use crate::storage::CatalogSnapshot;
use crate::txn::{Interrupt, IsolationLevel, StatementIntent, Transaction as Txn, TxnOptions};
use crate::types::Value;

pub use inspect::{RowVersion, VersionsReport};
pub use session::{BlockState, Notice};
pub use statement::Statement;
pub use transaction::Transaction;

use session::{Block, Session};

/// How many prepared statements a connection keeps by SQL text.
const STATEMENT_CACHE_SIZE: usize = 256;

/// The full result of one statement, as the shell shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StatementResult {
    /// Result column names; empty for statements that return no rows.
    pub columns: Arc<[String]>,
    pub rows: Vec<Vec<Value>>,
    /// PostgreSQL's command tag: `SELECT 2`, `INSERT 0 1`, `BEGIN`, ... (`Display` shows it).
    pub tag: CommandTag,
    /// Warnings and notices the statement raised.
    pub notices: Vec<Notice>,
}

impl StatementResult {
    /// Whether the statement returns rows (a query, or DML with RETURNING).
    pub fn returns_rows(&self) -> bool {
        !self.columns.is_empty()
    }

    fn tag(tag: &'static str) -> StatementResult {
        StatementResult { columns: Arc::from([]), rows: Vec::new(), tag: CommandTag::Fixed(tag), notices: Vec::new() }
    }

    fn with_notice(mut self, notice: Notice) -> StatementResult {
        self.notices.push(notice);
        self
    }
}

/// What other threads may know about a session: for introspection and cancellation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: u64,
    /// The level the current transaction runs at, or the session default.
    pub level: IsolationLevel,
    /// The transaction running now: the block's, or the autocommit statement's.
    pub txn: Option<TxnId>,
    pub state: BlockState,
    /// Whether a statement is running now (from its start until it returns, lock waits
    /// included): what [`SessionHandle::cancel`] would stop.
    pub statement_running: bool,
}

pub(crate) struct SessionShared {
    info: Mutex<SessionInfo>,
    /// Raised by [`SessionHandle::cancel`]; see the module documentation.
    interrupt: Arc<Interrupt>,
}

impl SessionShared {
    pub fn new(id: u64) -> SessionShared {
        let level = TxnOptions::default().level;
        let info = SessionInfo { id, level, txn: None, state: BlockState::Idle, statement_running: false };
        SessionShared { info: Mutex::new(info), interrupt: Arc::default() }
    }

    pub fn info(&self) -> SessionInfo {
        self.info.lock().clone()
    }

    /// A statement starts: forget any earlier cancel, then show the statement as running
    /// (in this order: a cancel sent once it shows as running reaches it).
    fn statement_starts(&self) {
        self.interrupt.clear();
        self.info.lock().statement_running = true;
    }
}

/// A handle on a session that another thread can hold: to see what it is doing, or to cancel
/// the statement it runs.
#[derive(Clone)]
pub struct SessionHandle {
    db: Database,
    shared: Arc<SessionShared>,
}

impl SessionHandle {
    pub fn info(&self) -> SessionInfo {
        self.shared.info()
    }

    /// Cancels the session's running statement, as PostgreSQL's cancel request does: the
    /// statement, whether it computes or waits for a lock, fails with 57014 (`canceling
    /// statement due to user request`) and is undone; in a transaction block the block fails.
    /// Returns at once; the statement stops at its next check (within one scan batch, join
    /// pair or written row). Without a running statement it does nothing: see the module
    /// documentation for a cancel that races with a statement's start.
    pub fn cancel(&self) {
        // The flag first, then the session's transaction: a statement that starts waiting after
        // this sees the flag before it sleeps, one already asleep is woken here.
        self.shared.interrupt.request();
        if let Some(txn) = self.shared.info().txn {
            self.db.inner.engine.locks.cancel(txn);
        }
    }
}

/// A session's statements, prepared, by SQL text (bounded by `STATEMENT_CACHE_SIZE`). Plans
/// check the catalog version they were made at, so a cache can move from one session to
/// another ([`Database::run_transaction`] keeps a few between calls).
pub(crate) type StatementCache = FastHashMap<String, Arc<Prepared>>;

struct State {
    session: Session,
    cache: StatementCache,
}

/// One session. `Send`, not `Sync`: use one connection per thread.
pub struct Connection {
    db: Database,
    shared: Arc<SessionShared>,
    state: RefCell<State>,
    /// The catalog as this session last saw it, kept while no DDL changes it: a statement then
    /// reads one atomic version number instead of taking the catalog's lock and cloning its
    /// maps, which every session's statements would otherwise do on the same cache lines. (So
    /// the data of a table dropped by another session is freed once each session has run a
    /// statement since, or closed.)
    catalog: RefCell<CatalogSnapshot>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("session", &self.shared.info()).finish()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.db.forget_session(self.shared.info().id);
    }
}

impl Connection {
    pub(crate) fn new(db: Database, shared: Arc<SessionShared>, cache: StatementCache) -> Connection {
        let state = State { session: Session::new(shared.interrupt.clone()), cache };
        let catalog = RefCell::new(db.inner.catalog.snapshot());
        Connection { db, shared, state: RefCell::new(state), catalog }
    }

    /// Takes this session's statement cache (leaving it empty), to give it to another session.
    pub(crate) fn take_statement_cache(&self) -> StatementCache {
        std::mem::take(&mut self.state.borrow_mut().cache)
    }

    /// The database this session belongs to.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// A handle other threads can use to watch or cancel this session.
    pub fn handle(&self) -> SessionHandle {
        SessionHandle { db: self.db.clone(), shared: self.shared.clone() }
    }

    /// What this session is doing.
    pub fn info(&self) -> SessionInfo {
        self.shared.info()
    }

    /// The session's default isolation level.
    pub fn default_isolation(&self) -> IsolationLevel {
        self.state.borrow().session.settings.defaults.level
    }

    /// Sets the default isolation level of the transactions this session starts.
    pub fn set_default_isolation(&self, level: IsolationLevel) -> Result<()> {
        Txn::check_supported(level)?;
        self.state.borrow_mut().session.settings.defaults.level = level;
        self.publish();
        Ok(())
    }

    /// Runs one statement and returns the number of rows it affected (inserted, updated,
    /// deleted, or returned).
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<u64> {
        params.with_values(|values| self.run_text(sql, values)).map(|(_, affected)| affected)
    }

    /// Runs several `;`-separated statements, stopping at the first error.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        let prepared = self.cached(sql)?;
        for i in 0..prepared.statements.len() {
            self.run_prepared(&prepared, i, &[])?;
        }
        Ok(())
    }

    /// Runs one query and returns its rows.
    pub fn query(&self, sql: &str, params: impl Params) -> Result<Rows> {
        let (result, _) = params.with_values(|values| self.run_text(sql, values))?;
        Ok(Rows::new(result.columns, result.rows))
    }

    /// Runs one query and maps its first row with `f`; fails with `NoRows` if there is none.
    pub fn query_row<T>(&self, sql: &str, params: impl Params, f: impl FnOnce(&crate::Row) -> Result<T>) -> Result<T> {
        let rows = self.query(sql, params)?;
        let row = rows.get(0).ok_or(Error::NoRows)?;
        f(row)
    }

    /// Runs exactly one statement and returns everything it produced (columns, rows, command
    /// tag, notices), as a shell prints it.
    pub fn run(&self, sql: &str) -> Result<StatementResult> {
        self.run_text(sql, &[]).map(|(result, _)| result)
    }

    /// Runs `sql` (one statement) with `params`: through the plan its template shares when
    /// the text's only values are literals (see `sql::prepared`), else as prepared on its own.
    fn run_text(&self, sql: &str, params: &[Value]) -> Result<(StatementResult, u64)> {
        match self.runnable(sql)? {
            Runnable::Template { template, literals } if params.is_empty() => {
                self.run_prepared_as(&template, 0, &literals, Planning::ForLiterals)
            }
            Runnable::Template { template, literals } => {
                // Parameters of its own as well: the bind check of the text's own plan reports it.
                let prepared = Arc::new(Prepared::from_template(sql, &template, &literals));
                self.run_prepared(&self.remember(sql, prepared), 0, params)
            }
            Runnable::Own(prepared) => self.run_prepared(&*one_statement(prepared)?, 0, params),
        }
    }

    /// Parses and plans `sql` (one statement) for repeated execution.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        let prepared = self.prepare_one(sql)?;
        Ok(Statement::new(self, prepared))
    }

    /// Starts a transaction block at `level`; see [`Transaction`].
    pub fn transaction(&mut self, level: IsolationLevel) -> Result<Transaction<'_>> {
        let defaults = self.state.borrow().session.settings.defaults;
        self.transaction_with(TxnOptions { level, ..defaults })
    }

    /// Starts a transaction block with explicit options.
    pub fn transaction_with(&mut self, options: TxnOptions) -> Result<Transaction<'_>> {
        self.state.borrow_mut().session.open(&self.db.inner.engine, options)?;
        self.publish();
        Ok(Transaction::new(self))
    }

    /// The prepared form of `sql`, from the cache or parsed now.
    fn cached(&self, sql: &str) -> Result<Arc<Prepared>> {
        Ok(match self.runnable(sql)? {
            Runnable::Own(prepared) => prepared,
            Runnable::Template { template, literals } => {
                self.remember(sql, Arc::new(Prepared::from_template(sql, &template, &literals)))
            }
        })
    }

    /// What `sql` runs as: a prepared statement from the cache or parsed now, or, for text
    /// that differs from an earlier one only in its literals, that text's template.
    fn runnable(&self, sql: &str) -> Result<Runnable> {
        if let Some(p) = self.state.borrow().cache.get(sql) {
            return Ok(Runnable::Own(p.clone()));
        }
        if let Some(Parameterized { template, values }) = parameterize(sql) {
            let hit = self.state.borrow().cache.get(&template).cloned();
            let parsed = hit.or_else(|| Prepared::new(&template).ok().map(|p| self.remember(&template, Arc::new(p))));
            if let Some(template) = parsed {
                if template.shares_plans_for(&values) {
                    return Ok(Runnable::Template { template, literals: values });
                }
                // The template's parse with the literals put back, planned on its own; kept
                // under its own text as well: the same text again reuses the plan too.
                let prepared = Prepared::from_template(sql, &template, &values);
                return Ok(Runnable::Own(self.remember(sql, Arc::new(prepared))));
            }
        }
        Ok(Runnable::Own(self.remember(sql, Arc::new(Prepared::new(sql)?))))
    }

    /// Keeps `prepared` in the statement cache under `sql`; returns it.
    fn remember(&self, sql: &str, prepared: Arc<Prepared>) -> Arc<Prepared> {
        let mut state = self.state.borrow_mut();
        if state.cache.len() >= STATEMENT_CACHE_SIZE {
            state.cache.clear();
        }
        state.cache.insert(sql.to_string(), prepared.clone());
        prepared
    }

    /// Like [`cached`](Self::cached), for APIs that take exactly one statement.
    fn prepare_one(&self, sql: &str) -> Result<Arc<Prepared>> {
        one_statement(self.cached(sql)?)
    }

    /// The current catalog: the one kept from the last statement while its version is the
    /// catalog's, else a new snapshot. (A snapshot is published after the version moves, so a
    /// statement may take the previous one once more; the next statement then takes it again.)
    fn current_catalog(&self) -> std::cell::Ref<'_, CatalogSnapshot> {
        let version = self.db.inner.catalog.version();
        if self.catalog.borrow().version() != version {
            *self.catalog.borrow_mut() = self.db.inner.catalog.snapshot();
        }
        self.catalog.borrow()
    }

    /// Publishes the session's state for introspection, between statements.
    fn publish(&self) {
        let state = self.state.borrow();
        let mut info = self.shared.info.lock();
        info.txn = state.session.txn().map(Txn::id);
        info.level = state.session.current_options().level;
        info.state = state.session.state();
        info.statement_running = false;
    }

    /// Runs statement `index` of `prepared`. Returns its result and the rows it affected.
    pub(crate) fn run_prepared(
        &self,
        prepared: &Prepared,
        index: usize,
        params: &[Value],
    ) -> Result<(StatementResult, u64)> {
        self.run_prepared_as(prepared, index, params, Planning::Own)
    }

    /// [`run_prepared`](Self::run_prepared), with the plan found as `planning` says.
    fn run_prepared_as(
        &self,
        prepared: &Prepared,
        index: usize,
        params: &[Value],
        planning: Planning,
    ) -> Result<(StatementResult, u64)> {
        self.shared.statement_starts();
        let statement = &prepared.statements[index];
        let result = match statement {
            Ast::Insert(_) | Ast::Update(_) | Ast::Delete(_) | Ast::Query(_) | Ast::Explain(_) => {
                self.run_in_transaction(prepared, index, params, planning)
            }
            Ast::CreateTable(_) | Ast::CreateIndex(_) | Ast::DropTable { .. } | Ast::DropIndex { .. } => {
                self.run_outside_block(statement, |this| ddl::execute(&this.db, prepared, index)).map(|r| (r, 0))
            }
            Ast::Vacuum(table) => self
                .run_outside_block(statement, |this| {
                    this.db.vacuum(table.as_deref())?;
                    Ok(StatementResult::tag("VACUUM"))
                })
                .map(|r| (r, 0)),
            control => {
                let mut state = self.state.borrow_mut();
                state.session.control(&self.db.inner.engine, control).map(|r| (r, 0))
            }
        };
        self.publish();
        result
    }

    /// Runs DDL or VACUUM, which PostgreSQL refuses inside a transaction block.
    fn run_outside_block(
        &self,
        statement: &Ast,
        run: impl FnOnce(&Self) -> Result<StatementResult>,
    ) -> Result<StatementResult> {
        let refused = {
            let state = self.state.borrow();
            match state.session.block {
                Block::Idle if state.session.settings.defaults.read_only => {
                    Some(Error::ReadOnlyTransaction(command_name(statement)))
                }
                Block::Idle => None,
                Block::Open(_) => Some(Error::ActiveTransaction(command_name(statement))),
                Block::Failed(_) => Some(Error::InFailedTransaction),
            }
        };
        match refused {
            Some(e) => {
                self.state.borrow_mut().session.fail(None);
                Err(e)
            }
            None => run(self),
        }
    }

    /// Runs a query or DML statement in the block's transaction or in its own.
    fn run_in_transaction(
        &self,
        prepared: &Prepared,
        index: usize,
        params: &[Value],
        planning: Planning,
    ) -> Result<(StatementResult, u64)> {
        let mut state = self.state.borrow_mut();
        match &mut state.session.block {
            Block::Failed(_) => Err(Error::InFailedTransaction),
            Block::Open(block) => {
                let mark = block.txn.savepoint();
                let result = block
                    .txn
                    .begin_statement_with(intent_of(&prepared.statements[index]))
                    .and_then(|()| self.execute_in(&block.txn, prepared, index, params, planning));
                if result.is_err() {
                    state.session.fail(Some(mark));
                }
                result
            }
            Block::Idle => {
                let txn = state.session.begin_transaction(&self.db.inner.engine, state.session.settings.defaults)?;
                {
                    let mut info = self.shared.info.lock();
                    info.txn = Some(txn.id());
                    info.level = txn.level();
                }
                let result = txn
                    .begin_statement_with(intent_of(&prepared.statements[index]))
                    .and_then(|()| self.execute_in(&txn, prepared, index, params, planning));
                match result {
                    Ok(output) => txn.commit().map(|()| output),
                    Err(e) => {
                        txn.rollback();
                        Err(e)
                    }
                }
            }
        }
    }

    fn execute_in(
        &self,
        txn: &Txn,
        prepared: &Prepared,
        index: usize,
        params: &[Value],
        planning: Planning,
    ) -> Result<(StatementResult, u64)> {
        if txn.options().read_only {
            if let Some(operation) = write_operation(&prepared.statements[index]) {
                return Err(Error::ReadOnlyTransaction(operation));
            }
        }
        let catalog = self.current_catalog();
        let plan = match planning {
            Planning::Own => prepared.plan(index, &catalog)?,
            Planning::ForLiterals => prepared.plan_for_literals(&catalog, params)?,
        };
        let output = execute(&plan, &ExecContext { txn, catalog: &catalog, params })?;
        Ok(into_result(output))
    }
}

/// What a SQL text runs as; see [`Connection::run_text`].
enum Runnable {
    /// A prepared statement of its own.
    Own(Arc<Prepared>),
    /// The template of the text, whose plans it shares, and the text's literals.
    Template { template: Arc<Prepared>, literals: Vec<Value> },
}

/// Where the plan of a statement comes from.
#[derive(Clone, Copy)]
enum Planning {
    /// The prepared statement's own plan.
    Own,
    /// The plan a template shares among texts whose literals have the types of the
    /// parameters, which are those literals.
    ForLiterals,
}

/// `prepared` if it is exactly one statement: the APIs that run or prepare one statement
/// refuse an empty text and several statements.
fn one_statement(prepared: Arc<Prepared>) -> Result<Arc<Prepared>> {
    match prepared.statements.len() {
        1 => Ok(prepared),
        0 => Err(Error::Syntax { message: "empty query".into(), position: None }),
        _ => Err(Error::Syntax {
            message: "cannot insert multiple commands into a prepared statement".into(),
            position: None,
        }),
    }
}

/// The operation a read-only transaction must refuse, if `statement` writes.
fn write_operation(statement: &Ast) -> Option<&'static str> {
    match statement {
        Ast::Insert(_) => Some("INSERT"),
        Ast::Update(_) => Some("UPDATE"),
        Ast::Delete(_) => Some("DELETE"),
        Ast::Query(q) => q.locking.as_ref().map(|l| match l.strength {
            LockStrength::Update => "SELECT FOR UPDATE",
            LockStrength::Share => "SELECT FOR SHARE",
        }),
        _ => None,
    }
}

/// Whether a statement writes what it scans (UPDATE, DELETE, SELECT FOR UPDATE; INSERT ...
/// SELECT too, to keep it simple): two-phase locking then takes X locks as it reads.
fn intent_of(statement: &Ast) -> StatementIntent {
    match statement {
        Ast::Insert(_) | Ast::Update(_) | Ast::Delete(_) => StatementIntent::Write,
        Ast::Query(q) if q.locking.as_ref().is_some_and(|l| l.strength == LockStrength::Update) => {
            StatementIntent::Write
        }
        _ => StatementIntent::Read,
    }
}

/// The name PostgreSQL uses for a statement in "cannot run inside a transaction block".
fn command_name(statement: &Ast) -> &'static str {
    match statement {
        Ast::CreateTable(_) => "CREATE TABLE",
        Ast::CreateIndex(_) => "CREATE INDEX",
        Ast::DropTable { .. } => "DROP TABLE",
        Ast::DropIndex { .. } => "DROP INDEX",
        Ast::Vacuum(_) => "VACUUM",
        _ => "this statement",
    }
}

fn into_result(output: Output) -> (StatementResult, u64) {
    let affected = output.affected;
    let result = StatementResult { columns: output.columns, rows: output.rows, tag: output.tag, notices: Vec::new() };
    (result, affected)
}
