//! The one error type of the engine.
//!
//! Every variant maps to a PostgreSQL SQLSTATE ([`Error::sqlstate`]), so that a user who knows
//! PostgreSQL knows what happened, and a program can match on the variant: a serialization
//! failure and a deadlock are retryable ([`Error::is_retryable`]) and carry a structured
//! explanation ([`Conflict`], [`Deadlock`]) of which transactions, tables and keys were involved
//! and which rule fired. The `Display` text is a one-line PostgreSQL-like message; the
//! explanation is in [`Error::detail`].

use std::fmt;

use crate::types::DataType;

/// A transaction id: monotonic, assigned at BEGIN. Shown as a plain number (`xmin`, `xmax`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TxnId(pub u64);

impl fmt::Display for TxnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where in the SQL text a syntax error is: 1-based line and column, and the 1-based character
/// offset from the start of the text (PostgreSQL's `position`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
    pub offset: u64,
}

/// The kind of a dependency between two transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// The second transaction overwrote a version the first wrote.
    WriteWrite,
    /// The second transaction read a version the first wrote.
    WriteRead,
    /// The second transaction overwrote a version the first read (an anti-dependency).
    ReadWrite,
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EdgeKind::WriteWrite => "ww",
            EdgeKind::WriteRead => "wr",
            EdgeKind::ReadWrite => "rw",
        })
    }
}

/// One dependency edge: `from -kind-> to` on an object (`accounts(id=2)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictEdge {
    pub from: TxnId,
    pub to: TxnId,
    pub kind: EdgeKind,
    pub object: String,
}

impl fmt::Display for ConflictEdge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{} -{}-> T{} on {}", self.from, self.kind, self.to, self.object)
    }
}

/// Which rule aborted a transaction with a serialization failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictRule {
    /// Snapshot isolation, first updater wins: the row was updated or deleted by a transaction
    /// that committed after this transaction's snapshot was taken.
    ConcurrentUpdate,
    /// Snapshot isolation: the row was deleted by a transaction that committed after this
    /// transaction's snapshot was taken.
    ConcurrentDelete,
    /// Serializable snapshot isolation: a dangerous structure `Tin -rw-> pivot -rw-> Tout` whose
    /// `Tout` committed first was completed by a new rw-antidependency; the pivot is aborted.
    DangerousStructure,
    /// Serializable snapshot isolation: `Tout` of a dangerous structure is committing first while
    /// the pivot still runs; the pivot is aborted (it fails at its next statement or commit).
    DangerousStructureAtCommit,
    /// Serializable snapshot isolation: the pivot of a dangerous structure whose `Tout` committed
    /// first has already committed, so `Tin` is aborted instead.
    PivotCommitted,
    /// Serializable snapshot isolation: a read-only `Tin` of a dangerous structure took its
    /// snapshot after `Tout` committed (the read-only anomaly of Fekete, O'Neil and O'Neil).
    ReadOnlyAnomaly,
}

impl ConflictRule {
    /// The end of PostgreSQL's message, "could not serialize access due to ...".
    pub fn cause(self) -> &'static str {
        match self {
            ConflictRule::ConcurrentUpdate => "concurrent update",
            ConflictRule::ConcurrentDelete => "concurrent delete",
            ConflictRule::DangerousStructure
            | ConflictRule::DangerousStructureAtCommit
            | ConflictRule::PivotCommitted
            | ConflictRule::ReadOnlyAnomaly => "read/write dependencies among transactions",
        }
    }
}

impl fmt::Display for ConflictRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConflictRule::ConcurrentUpdate | ConflictRule::ConcurrentDelete => "first updater wins",
            ConflictRule::DangerousStructure => {
                "dangerous structure Tin -rw-> pivot -rw-> Tout, Tout committed first: pivot aborted"
            }
            ConflictRule::DangerousStructureAtCommit => {
                "dangerous structure Tin -rw-> pivot -rw-> Tout completed by the commit of Tout: pivot aborted"
            }
            ConflictRule::PivotCommitted => {
                "dangerous structure whose Tout committed first and whose pivot already committed: Tin aborted"
            }
            ConflictRule::ReadOnlyAnomaly => {
                "read-only anomaly, Tout committed before the read-only Tin's snapshot: pivot or Tin aborted"
            }
        })
    }
}

/// Why a serialization failure happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The transaction that was aborted.
    pub victim: TxnId,
    pub rule: ConflictRule,
    /// The dependencies that made the victim's commit unsafe.
    pub edges: Vec<ConflictEdge>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let edges: Vec<String> = self.edges.iter().map(ToString::to_string).collect();
        write!(f, "T{} aborted by rule: {}", self.victim, self.rule)?;
        if !edges.is_empty() {
            write!(f, "; {}", edges.join("; "))?;
        }
        Ok(())
    }
}

/// One waits-for edge of a deadlock cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitEdge {
    pub waiter: TxnId,
    pub holder: TxnId,
    /// What the waiter asked for: `X lock on accounts(id=2)`, `end of transaction 7`.
    pub object: String,
}

/// The cycle a deadlock was detected on, and the victim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadlock {
    pub victim: TxnId,
    pub cycle: Vec<WaitEdge>,
}

impl fmt::Display for Deadlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> =
            self.cycle.iter().map(|e| format!("T{} waits for T{} ({})", e.waiter, e.holder, e.object)).collect();
        write!(f, "{}; T{} was chosen as victim because its request closed the cycle", parts.join("; "), self.victim)
    }
}

/// Every error the engine returns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("syntax error: {message}")]
    Syntax { message: String, position: Option<Position> },
    #[error("{0} is not supported")]
    FeatureNotSupported(String),
    #[error("relation \"{0}\" does not exist")]
    UndefinedTable(String),
    #[error("relation \"{0}\" already exists")]
    DuplicateTable(String),
    #[error("index \"{0}\" does not exist")]
    UndefinedIndex(String),
    #[error("column \"{0}\" does not exist")]
    UndefinedColumn(String),
    #[error("column \"{0}\" specified more than once")]
    DuplicateColumn(String),
    #[error("column reference \"{0}\" is ambiguous")]
    AmbiguousColumn(String),
    #[error("function {0} does not exist")]
    UndefinedFunction(String),
    #[error("there is no parameter ${0}")]
    UndefinedParameter(usize),
    #[error("{0}")]
    GroupingError(String),
    #[error("{0}")]
    DatatypeMismatch(String),
    #[error("invalid input syntax for type {data_type}: \"{input}\"")]
    InvalidTextRepresentation { data_type: DataType, input: String },
    #[error("{0} out of range")]
    NumericOutOfRange(&'static str),
    #[error("division by zero")]
    DivisionByZero,
    #[error("value too long for type character varying({0})")]
    StringTooLong(u32),
    #[error("more than one row returned by a subquery used as an expression")]
    CardinalityViolation,
    #[error("{0}")]
    InvalidParameterValue(String),
    #[error("unrecognized configuration parameter \"{0}\"")]
    UnrecognizedParameter(String),
    #[error("duplicate key value violates unique constraint \"{constraint}\"")]
    UniqueViolation { constraint: String, key: String },
    #[error("could not create unique index \"{index}\"")]
    DuplicateKeysInIndex { index: String, key: String },
    #[error("null value in column \"{column}\" of relation \"{table}\" violates not-null constraint")]
    NotNullViolation { table: String, column: String },
    #[error("could not serialize access due to {}", .0.rule.cause())]
    SerializationFailure(Box<Conflict>),
    #[error("deadlock detected")]
    DeadlockDetected(Box<Deadlock>),
    #[error("canceling statement due to lock timeout")]
    LockNotAvailable(String),
    #[error("canceling statement due to user request")]
    QueryCanceled,
    #[error("current transaction is aborted, commands ignored until end of transaction block")]
    InFailedTransaction,
    #[error("{0} cannot run inside a transaction block")]
    ActiveTransaction(&'static str),
    #[error("{0} must be called before any query")]
    TooLateInTransaction(&'static str),
    #[error("{0} can only be used in transaction blocks")]
    NoActiveTransaction(&'static str),
    #[error("savepoint \"{0}\" does not exist")]
    UndefinedSavepoint(String),
    #[error("cannot execute {0} in a read-only transaction")]
    ReadOnlyTransaction(&'static str),
    #[error("the transaction was rolled back because a statement in it failed")]
    TransactionRolledBack,
    #[error("query returned no rows")]
    NoRows,
    #[error("{0}")]
    InvalidColumnIndex(String),
    /// A reference the clause cannot accept: `ORDER BY 3` beyond the select list, an ORDER BY
    /// expression missing from a SELECT DISTINCT list, a column in LIMIT (42P10).
    #[error("{0}")]
    InvalidColumnReference(String),
    /// A table definition that contradicts itself, e.g. two primary keys (42P16).
    #[error("{0}")]
    InvalidTableDefinition(String),
    /// Two FROM items with the same name: `FROM t, t` (42712).
    #[error("table name \"{0}\" specified more than once")]
    DuplicateAlias(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The PostgreSQL SQLSTATE of the error.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            Error::Syntax { .. } => "42601",
            Error::FeatureNotSupported(_) => "0A000",
            Error::UndefinedTable(_) => "42P01",
            Error::DuplicateTable(_) => "42P07",
            Error::UndefinedIndex(_) => "42704",
            Error::UndefinedColumn(_) => "42703",
            Error::DuplicateColumn(_) => "42701",
            Error::AmbiguousColumn(_) => "42702",
            Error::UndefinedFunction(_) => "42883",
            Error::UndefinedParameter(_) => "42P02",
            Error::GroupingError(_) => "42803",
            Error::DatatypeMismatch(_) => "42804",
            Error::InvalidTextRepresentation { .. } => "22P02",
            Error::NumericOutOfRange(_) => "22003",
            Error::DivisionByZero => "22012",
            Error::StringTooLong(_) => "22001",
            Error::CardinalityViolation => "21000",
            Error::InvalidParameterValue(_) => "22023",
            Error::UnrecognizedParameter(_) => "42704",
            Error::UniqueViolation { .. } | Error::DuplicateKeysInIndex { .. } => "23505",
            Error::NotNullViolation { .. } => "23502",
            Error::SerializationFailure(_) => "40001",
            Error::DeadlockDetected(_) => "40P01",
            Error::LockNotAvailable(_) => "55P03",
            Error::QueryCanceled => "57014",
            Error::InFailedTransaction => "25P02",
            Error::ActiveTransaction(_) => "25001",
            Error::TooLateInTransaction(_) => "25001",
            Error::NoActiveTransaction(_) => "25P01",
            Error::UndefinedSavepoint(_) => "3B001",
            Error::ReadOnlyTransaction(_) => "25006",
            Error::NoRows => "P0002",
            Error::TransactionRolledBack => "40000",
            Error::InvalidColumnIndex(_) => "42703",
            Error::InvalidColumnReference(_) => "42P10",
            Error::InvalidTableDefinition(_) => "42P16",
            Error::DuplicateAlias(_) => "42712",
            Error::Internal(_) => "XX000",
        }
    }

    /// Whether retrying the whole transaction may succeed: serialization failures and
    /// deadlocks.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::SerializationFailure(_) | Error::DeadlockDetected(_))
    }

    /// PostgreSQL's DETAIL line: for conflicts, the explanation of what happened.
    pub fn detail(&self) -> Option<String> {
        match self {
            Error::UniqueViolation { key, .. } => Some(format!("Key {key} already exists.")),
            Error::DuplicateKeysInIndex { key, .. } => Some(format!("Key {key} is duplicated.")),
            Error::SerializationFailure(c) => Some(c.to_string()),
            Error::DeadlockDetected(d) => Some(d.to_string()),
            Error::LockNotAvailable(what) => Some(format!("while waiting for {what}")),
            _ => None,
        }
    }

    /// PostgreSQL's HINT line, where there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::SerializationFailure(_) | Error::DeadlockDetected(_) => {
                Some("The transaction might succeed if retried.")
            }
            _ => None,
        }
    }

    /// The position of a syntax error, if this is one.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Syntax { position, .. } => *position,
            _ => None,
        }
    }

    /// The structured explanation of a serialization failure.
    pub fn conflict(&self) -> Option<&Conflict> {
        match self {
            Error::SerializationFailure(c) => Some(c),
            _ => None,
        }
    }

    /// The cycle of a detected deadlock.
    pub fn deadlock(&self) -> Option<&Deadlock> {
        match self {
            Error::DeadlockDetected(d) => Some(d),
            _ => None,
        }
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
