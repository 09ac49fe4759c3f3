//! A session's transaction state, with PostgreSQL's rules for transaction blocks, and the
//! statements that drive it (BEGIN, COMMIT, ROLLBACK, savepoints, SET, SHOW).
//!
//! ```text
//!               BEGIN                         error (no savepoint): transaction aborted
//!    Idle ───────────────► Open ─────────────────────────────────────► Failed(none)
//!     ▲  ◄─── COMMIT ───── │  │ error (with savepoints): statement undone,          │
//!     │  ◄── ROLLBACK ──── │  └────────────────────────► Failed(transaction kept)   │
//!     │                    ▲                                  │                      │
//!     │                    └──────── ROLLBACK TO s ───────────┘                      │
//!     └──────────────── COMMIT (reports ROLLBACK) / ROLLBACK ─────────────────────────┘
//! ```
//!
//! * Outside a block every statement runs in its own transaction (autocommit) and is atomic:
//!   an error aborts that transaction, so nothing of the statement remains.
//! * In a failed block every statement but COMMIT, ROLLBACK and ROLLBACK TO fails with 25P02.
//! * Without savepoints a failed block's transaction is aborted at once, so its locks are
//!   released when the error happens (a deadlock victim unblocks the others immediately), not
//!   when the user gets round to ROLLBACK.
//! * BEGIN inside a block and COMMIT/ROLLBACK outside one are warnings (25001, 25P01), not
//!   errors, as in PostgreSQL.
//! * `SET` is transactional, as in PostgreSQL: a block that is rolled back (or aborted by an
//!   error) restores the settings it started with; `ROLLBACK TO s` restores those of `s`.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::sql::ast::{SetValue, Statement as Ast, TransactionModes};
use crate::txn::{Engine, Interrupt, Savepoint, Transaction, TxnOptions};
use crate::types::Value;

use super::settings::{self, level_of, Settings};
use super::StatementResult;
use crate::sql::command_tag::CommandTag;

/// A notice raised by a statement (PostgreSQL's WARNING / NOTICE messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `"WARNING"` or `"NOTICE"`.
    pub severity: &'static str,
    pub sqlstate: &'static str,
    pub message: String,
}

impl Notice {
    pub(crate) fn warning(sqlstate: &'static str, message: impl Into<String>) -> Notice {
        Notice { severity: "WARNING", sqlstate, message: message.into() }
    }

    pub(crate) fn info(sqlstate: &'static str, message: impl Into<String>) -> Notice {
        Notice { severity: "NOTICE", sqlstate, message: message.into() }
    }
}

/// A savepoint: where the undo log was, and the settings then.
struct SavepointMark {
    name: String,
    undo: Savepoint,
    settings: Settings,
}

/// An open transaction block.
pub(crate) struct OpenBlock {
    pub txn: Transaction,
    savepoints: Vec<SavepointMark>,
    /// The session's settings at BEGIN, restored if the block is rolled back.
    settings_at_begin: Settings,
}

/// Where the session is; see the module documentation.
pub(crate) enum Block {
    Idle,
    Open(OpenBlock),
    /// A statement failed in the block. The transaction is kept only if savepoints exist (so
    /// that ROLLBACK TO can resume it).
    Failed(Option<OpenBlock>),
}

/// The state letter psql's `%x` prompt shows: `""` idle, `"*"` in a block, `"!"` failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockState {
    Idle,
    InBlock,
    Failed,
}

/// How a block ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockEnd {
    Committed,
    RolledBack,
}

impl BlockEnd {
    /// The command tag PostgreSQL reports.
    pub fn tag(self) -> &'static str {
        match self {
            BlockEnd::Committed => "COMMIT",
            BlockEnd::RolledBack => "ROLLBACK",
        }
    }
}

/// A session: its settings, its transaction block, and the flag that cancels its running
/// statement.
pub(crate) struct Session {
    pub settings: Settings,
    pub block: Block,
    interrupt: Arc<Interrupt>,
}

impl Session {
    pub fn new(interrupt: Arc<Interrupt>) -> Session {
        Session { settings: Settings::default(), block: Block::Idle, interrupt }
    }

    /// Starts a transaction of this session (a block's, or an autocommit statement's): its
    /// statements stop with 57014 when the session is cancelled.
    pub fn begin_transaction(&self, engine: &Arc<Engine>, options: TxnOptions) -> Result<Transaction> {
        Transaction::begin_with_interrupt(engine, options, self.interrupt.clone())
    }

    pub fn state(&self) -> BlockState {
        match self.block {
            Block::Idle => BlockState::Idle,
            Block::Open(_) => BlockState::InBlock,
            Block::Failed(_) => BlockState::Failed,
        }
    }

    /// The transaction of the block, if it still has one.
    pub fn txn(&self) -> Option<&Transaction> {
        match &self.block {
            Block::Open(b) | Block::Failed(Some(b)) => Some(&b.txn),
            Block::Idle | Block::Failed(None) => None,
        }
    }

    /// The options the current transaction runs with, or the defaults outside a block.
    pub fn current_options(&self) -> TxnOptions {
        self.txn().map_or(self.settings.defaults, Transaction::options)
    }

    /// Opens a block with `options` (for the API's `conn.transaction`).
    pub fn open(&mut self, engine: &Arc<Engine>, options: TxnOptions) -> Result<()> {
        if !matches!(self.block, Block::Idle) {
            return Err(Error::ActiveTransaction("starting a transaction"));
        }
        let txn = self.begin_transaction(engine, options)?;
        self.block = Block::Open(OpenBlock { txn, savepoints: Vec::new(), settings_at_begin: self.settings });
        Ok(())
    }

    /// A statement failed inside the open block: undo it (back to `statement_start`) and keep
    /// the transaction if there are savepoints; abort the transaction otherwise. Idle and
    /// failed blocks are left as they are.
    pub fn fail(&mut self, statement_start: Option<Savepoint>) {
        self.block = match std::mem::replace(&mut self.block, Block::Idle) {
            Block::Open(block) if !block.savepoints.is_empty() => {
                if let Some(mark) = statement_start {
                    block.txn.rollback_to(mark);
                }
                Block::Failed(Some(block))
            }
            Block::Open(block) => {
                self.settings = block.settings_at_begin;
                block.txn.rollback();
                Block::Failed(None)
            }
            other => other,
        }
    }

    /// Ends the block: commits if `commit` and the block has not failed, rolls back
    /// otherwise. Fails if there is no block, or with the commit's error.
    pub fn end(&mut self, commit: bool) -> Result<BlockEnd> {
        match std::mem::replace(&mut self.block, Block::Idle) {
            Block::Idle => Err(Error::NoActiveTransaction(if commit { "COMMIT" } else { "ROLLBACK" })),
            Block::Open(block) if commit => block.txn.commit().map(|()| BlockEnd::Committed),
            Block::Open(block) | Block::Failed(Some(block)) => {
                self.settings = block.settings_at_begin;
                Ok(BlockEnd::RolledBack)
            }
            Block::Failed(None) => Ok(BlockEnd::RolledBack),
        }
    }

    /// Runs transaction control, SET or SHOW. In a failed block only COMMIT, ROLLBACK and
    /// ROLLBACK TO run; anything else is 25P02. An error in an open block fails it.
    pub fn control(&mut self, engine: &Arc<Engine>, statement: &Ast) -> Result<StatementResult> {
        let allowed_when_failed = matches!(statement, Ast::Commit | Ast::Rollback | Ast::RollbackToSavepoint(_));
        if matches!(self.block, Block::Failed(_)) && !allowed_when_failed {
            return Err(Error::InFailedTransaction);
        }
        let result = self.run_control(engine, statement);
        if result.is_err() {
            self.fail(None);
        }
        result
    }

    fn run_control(&mut self, engine: &Arc<Engine>, statement: &Ast) -> Result<StatementResult> {
        match statement {
            Ast::Begin(modes) => {
                if !matches!(self.block, Block::Idle) {
                    let warning = Notice::warning("25001", "there is already a transaction in progress");
                    return Ok(StatementResult::tag("BEGIN").with_notice(warning));
                }
                let options = options_for(self.settings.defaults, modes)?;
                self.open(engine, options)?;
                Ok(StatementResult::tag("BEGIN"))
            }
            Ast::Commit | Ast::Rollback if matches!(self.block, Block::Idle) => {
                let tag = if matches!(statement, Ast::Commit) { "COMMIT" } else { "ROLLBACK" };
                Ok(StatementResult::tag(tag)
                    .with_notice(Notice::warning("25P01", "there is no transaction in progress")))
            }
            Ast::Commit => self.end(true).map(|end| StatementResult::tag(end.tag())),
            Ast::Rollback => self.end(false).map(|end| StatementResult::tag(end.tag())),
            Ast::Savepoint(name) => {
                let settings = self.settings;
                let block = self.open_block("SAVEPOINT")?;
                let undo = block.txn.savepoint();
                block.savepoints.push(SavepointMark { name: name.clone(), undo, settings });
                Ok(StatementResult::tag("SAVEPOINT"))
            }
            Ast::ReleaseSavepoint(name) => {
                let block = self.open_block("RELEASE SAVEPOINT")?;
                let position = find_savepoint(block, name)?;
                block.savepoints.truncate(position);
                Ok(StatementResult::tag("RELEASE"))
            }
            Ast::RollbackToSavepoint(name) => self.rollback_to(name),
            Ast::SetTransaction(modes) => match &self.block {
                Block::Open(block) => {
                    block.txn.set_options(options_for(block.txn.options(), modes)?)?;
                    Ok(StatementResult::tag("SET"))
                }
                _ => Ok(StatementResult::tag("SET").with_notice(set_transaction_outside_block())),
            },
            Ast::SetSessionCharacteristics(modes) => {
                let defaults = options_for(self.settings.defaults, modes)?;
                Transaction::check_supported(defaults.level)?;
                self.settings.defaults = defaults;
                Ok(StatementResult::tag("SET"))
            }
            Ast::SetVariable { name, value } => self.set(name, value),
            Ast::Show(name) => self.show(name),
            other => Err(Error::Internal(format!("not a control statement: {other:?}"))),
        }
    }

    fn open_block(&mut self, command: &'static str) -> Result<&mut OpenBlock> {
        match &mut self.block {
            Block::Open(b) => Ok(b),
            Block::Idle => Err(Error::NoActiveTransaction(command)),
            Block::Failed(_) => Err(Error::InFailedTransaction),
        }
    }

    fn rollback_to(&mut self, name: &str) -> Result<StatementResult> {
        let block = match std::mem::replace(&mut self.block, Block::Idle) {
            Block::Idle => return Err(Error::NoActiveTransaction("ROLLBACK TO SAVEPOINT")),
            Block::Failed(None) => {
                self.block = Block::Failed(None);
                return Err(Error::UndefinedSavepoint(name.to_string()));
            }
            Block::Open(b) | Block::Failed(Some(b)) => b,
        };
        let Some(position) = find_savepoint(&block, name).ok() else {
            self.block = Block::Failed(Some(block));
            return Err(Error::UndefinedSavepoint(name.to_string()));
        };
        let mut block = block;
        block.txn.rollback_to(block.savepoints[position].undo);
        self.settings = block.savepoints[position].settings;
        block.savepoints.truncate(position + 1);
        self.block = Block::Open(block);
        Ok(StatementResult::tag("ROLLBACK"))
    }

    fn set(&mut self, name: &str, value: &SetValue) -> Result<StatementResult> {
        if settings::is_transaction_setting(name) {
            let Block::Open(block) = &self.block else {
                return Ok(StatementResult::tag("SET").with_notice(set_transaction_outside_block()));
            };
            let mut options = block.txn.options();
            settings::apply(&mut options, name, value)?;
            block.txn.set_options(options)?;
            return Ok(StatementResult::tag("SET"));
        }
        let mut defaults = self.settings.defaults;
        settings::apply(&mut defaults, name, value)?;
        Transaction::check_supported(defaults.level)?;
        self.settings.defaults = defaults;
        if let Block::Open(block) = &self.block {
            // lock_timeout applies at once, to the running transaction too.
            block.txn.set_options(TxnOptions { lock_timeout: defaults.lock_timeout, ..block.txn.options() })?;
        }
        Ok(StatementResult::tag("SET"))
    }

    fn show(&self, name: &str) -> Result<StatementResult> {
        let defaults = self.settings.defaults;
        let current = self.current_options();
        let (columns, rows) = if name == "all" {
            let rows = settings::ALL
                .iter()
                .map(|n| Ok(vec![Value::text(n), Value::text(settings::show(n, &defaults, &current)?)]))
                .collect::<Result<Vec<_>>>()?;
            (vec!["name".to_string(), "setting".to_string()], rows)
        } else {
            (vec![name.to_string()], vec![vec![Value::text(settings::show(name, &defaults, &current)?)]])
        };
        Ok(StatementResult { columns: columns.into(), rows, tag: CommandTag::Fixed("SHOW"), notices: Vec::new() })
    }
}

/// The position of the most recent savepoint called `name`.
fn find_savepoint(block: &OpenBlock, name: &str) -> Result<usize> {
    block.savepoints.iter().rposition(|s| s.name == name).ok_or_else(|| Error::UndefinedSavepoint(name.to_string()))
}

/// The options a BEGIN (or SET TRANSACTION) with `modes` gives, starting from `base`.
pub(crate) fn options_for(base: TxnOptions, modes: &TransactionModes) -> Result<TxnOptions> {
    let mut options = base;
    if let Some(level) = modes.isolation {
        options.level = level_of(level);
    }
    if let Some(read_only) = modes.read_only {
        options.read_only = read_only;
    }
    if modes.deferrable == Some(true) {
        return Err(Error::FeatureNotSupported("DEFERRABLE transactions".into()));
    }
    Ok(options)
}

fn set_transaction_outside_block() -> Notice {
    Notice::warning("25P01", "SET TRANSACTION can only be used in transaction blocks")
}
