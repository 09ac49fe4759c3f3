//! isolde's own syntax tree.
//!
//! `translate` turns `sqlparser`'s tree into this one, and nothing else in the engine sees
//! `sqlparser` types, so the parser's churn between versions stays in one file. The tree is
//! unresolved: names are plain strings (already folded to lower case unless quoted) and
//! nothing has been checked against the catalog; the planner does that.

use crate::types::{DataType, Value};

/// One SQL statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    CreateTable(CreateTable),
    CreateIndex(CreateIndex),
    DropTable {
        names: Vec<String>,
        if_exists: bool,
    },
    DropIndex {
        names: Vec<String>,
        if_exists: bool,
    },
    Insert(Insert),
    Update(Update),
    Delete(Delete),
    Query(Box<Query>),
    /// `EXPLAIN statement`: shows the plan, access paths included, without running it.
    Explain(Box<Statement>),
    /// `BEGIN` / `START TRANSACTION [modes]`.
    Begin(TransactionModes),
    /// `COMMIT` / `END`.
    Commit,
    /// `ROLLBACK` / `ABORT`.
    Rollback,
    Savepoint(String),
    RollbackToSavepoint(String),
    ReleaseSavepoint(String),
    /// `SET TRANSACTION modes`: for the current transaction.
    SetTransaction(TransactionModes),
    /// `SET SESSION CHARACTERISTICS AS TRANSACTION modes`: session defaults.
    SetSessionCharacteristics(TransactionModes),
    /// `SET name = value` / `SET name TO value` (also `SET SESSION name ...`).
    SetVariable {
        name: String,
        value: SetValue,
    },
    /// `SHOW name` (`SHOW ALL` has name `all`).
    Show(String),
    /// `VACUUM [table]`: reclaim versions no snapshot can see.
    Vacuum(Option<String>),
}

/// The right-hand side of `SET name = value`.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    /// `DEFAULT` (or `SET name TO DEFAULT`): back to the built-in default.
    Default,
    /// A literal; identifiers are given as text (`SET x = on` gives `Text("on")`).
    Value(Value),
}

/// The isolation level words of SQL, before they are mapped onto the engine's schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IsolationLevelName {
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Snapshot,
    Serializable,
}

/// The modes of BEGIN / SET TRANSACTION / SET SESSION CHARACTERISTICS.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransactionModes {
    pub isolation: Option<IsolationLevelName>,
    /// `Some(true)` for READ ONLY, `Some(false)` for READ WRITE.
    pub read_only: Option<bool>,
    /// `Some(true)` for DEFERRABLE, `Some(false)` for NOT DEFERRABLE.
    pub deferrable: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    pub name: String,
    pub if_not_exists: bool,
    pub columns: Vec<ColumnDef>,
    /// Table constraints: `PRIMARY KEY (a, b)`, `UNIQUE (a)`.
    pub constraints: Vec<TableConstraint>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub data_type: DataType,
    /// The `n` of `VARCHAR(n)`.
    pub max_chars: Option<u32>,
    pub not_null: bool,
    pub primary_key: bool,
    pub unique: bool,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TableConstraint {
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex {
    /// `None` when the statement gave no name (the planner makes one, as PostgreSQL does).
    pub name: Option<String>,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub if_not_exists: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    pub table: String,
    /// The column list, if given.
    pub columns: Option<Vec<String>>,
    pub source: InsertSource,
    pub returning: Vec<SelectItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InsertSource {
    /// `VALUES (...), (...)`; `Expr::Default` stands for the keyword `DEFAULT`.
    Values(Vec<Vec<Expr>>),
    /// `INSERT ... SELECT ...`.
    Query(Box<Query>),
    /// `INSERT ... DEFAULT VALUES`.
    DefaultValues,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    pub table: String,
    pub alias: Option<String>,
    pub assignments: Vec<(String, Expr)>,
    pub filter: Option<Expr>,
    pub returning: Vec<SelectItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Delete {
    pub table: String,
    pub alias: Option<String>,
    pub filter: Option<Expr>,
    pub returning: Vec<SelectItem>,
}

/// A SELECT with everything that may follow it.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub select: Select,
    pub order_by: Vec<OrderByItem>,
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
    /// `FOR UPDATE` / `FOR SHARE`.
    pub locking: Option<LockingClause>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    pub distinct: bool,
    pub projection: Vec<SelectItem>,
    /// The FROM list; several items are a cross join. Empty for `SELECT 1`.
    pub from: Vec<FromItem>,
    pub filter: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    /// `*`
    Wildcard,
    /// `t.*`
    QualifiedWildcard(String),
    Expr {
        expr: Expr,
        alias: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum FromItem {
    Table {
        name: String,
        alias: Option<String>,
    },
    /// A subquery in FROM; PostgreSQL requires the alias, we do not.
    Subquery {
        query: Box<Query>,
        alias: Option<String>,
    },
    Join {
        left: Box<FromItem>,
        right: Box<FromItem>,
        kind: JoinKind,
        on: Option<Expr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
    Cross,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderByItem {
    pub expr: Expr,
    pub descending: bool,
    /// `Some(true)` for NULLS FIRST, `Some(false)` for NULLS LAST, `None` for the default
    /// (PostgreSQL: NULLs sort as larger than every value).
    pub nulls_first: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockStrength {
    /// `FOR UPDATE` (and `FOR NO KEY UPDATE`, which is the same here).
    Update,
    /// `FOR SHARE` (and `FOR KEY SHARE`).
    Share,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LockingClause {
    pub strength: LockStrength,
    /// `FOR UPDATE OF t`: the tables to lock; empty means all.
    pub of: Vec<String>,
    /// `NOWAIT`: fail with 55P03 instead of waiting.
    pub nowait: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Minus,
    Plus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    /// `||`
    Concat,
}

impl BinaryOp {
    /// The operator as SQL spells it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
            BinaryOp::Concat => "||",
        }
    }
}

/// An expression, unresolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A column, optionally qualified: `t.a` has `table: Some("t")`.
    Column {
        table: Option<String>,
        name: String,
    },
    Literal(Value),
    /// `$n`, 1-based as written.
    Parameter(usize),
    /// The keyword `DEFAULT` in an INSERT's VALUES list or an UPDATE's SET list.
    Default,
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `expr IS [NOT] TRUE` / `FALSE`.
    IsBool {
        expr: Box<Expr>,
        value: bool,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    InSubquery {
        expr: Box<Expr>,
        query: Box<Query>,
        negated: bool,
    },
    Exists {
        query: Box<Query>,
        negated: bool,
    },
    ScalarSubquery(Box<Query>),
    /// `LIKE` / `ILIKE` (`case_insensitive`), with `%` and `_` wildcards.
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
        case_insensitive: bool,
    },
    /// A function call; `name` is lower case. `count(*)` has `star: true` and no args.
    Function {
        name: String,
        args: Vec<Expr>,
        distinct: bool,
        star: bool,
    },
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`.
    Case {
        operand: Option<Box<Expr>>,
        branches: Vec<(Expr, Expr)>,
        else_result: Option<Box<Expr>>,
    },
    /// `CAST(expr AS type)` and `expr::type`.
    Cast {
        expr: Box<Expr>,
        data_type: DataType,
    },
}
