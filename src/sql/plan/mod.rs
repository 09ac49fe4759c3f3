//! Plans: what the planner hands to the executor. Plain data, no behaviour.
//!
//! The planner (`planner`) resolves every name against the catalog, chooses an access path for
//! each table and turns expressions into [`Expr`]s that address columns by position. The
//! executor (`execute`) runs the result. A plan is built once and may run many times (prepared
//! statements, the statement cache): everything that changes between runs (parameters,
//! snapshots) is supplied at run time, never baked in.
//!
//! ## Rows flowing between nodes
//! Every node produces rows (`Vec<Value>`) of a fixed width. A [`Node::Scan`] produces the
//! table's columns in declaration order followed by two system columns, `xmin` and `xmax`
//! (creator and deleter transaction ids of the version read, `0` when there is no deleter):
//!
//! ```text
//!   accounts(id, balance) scanned:   [ id, balance, xmin, xmax ]
//! ```
//!
//! A join's row is the left row followed by the right row. An [`Node::Aggregate`]'s row is its
//! group-by values followed by its aggregate results. [`Expr::Column`] indexes into the row of
//! the node the expression belongs to.
//!
//! ## Subqueries
//! Subquery plans live in one list per statement ([`Plan::subqueries`]) and expressions refer
//! to them by index. Inside a subquery, a column of an enclosing query is an [`Expr::Outer`]:
//! `depth` 1 is the immediately enclosing query's current row. A subquery without outer
//! references is `correlated: false` and the executor runs it once per statement.

use std::ops::Bound;
use std::sync::Arc;

use crate::sql::ast::{BinaryOp, JoinKind, LockStrength, UnaryOp};
use crate::storage::TableId;
use crate::types::{DataType, TableSchema, Value};

/// Number of system columns (`xmin`, `xmax`) a scan appends after the table's columns.
pub const SYSTEM_COLUMNS: usize = 2;

/// A planned statement.
#[derive(Clone, Debug)]
pub struct Plan {
    pub statement: PlannedStatement,
    /// Every subquery of the statement, at any depth, by index.
    pub subqueries: Vec<Subquery>,
    /// How many `$n` parameters the statement uses (the highest n).
    pub parameter_count: usize,
}

#[derive(Clone, Debug)]
pub enum PlannedStatement {
    Query(QueryPlan),
    Insert(InsertPlan),
    Update(UpdatePlan),
    Delete(DeletePlan),
    CreateTable(CreateTablePlan),
    CreateIndex(CreateIndexPlan),
    DropTable {
        names: Vec<String>,
        if_exists: bool,
    },
    DropIndex {
        names: Vec<String>,
        if_exists: bool,
    },
    /// EXPLAIN: the executor prints the inner plan instead of running it.
    Explain(Box<PlannedStatement>),
}

/// A SELECT: a tree of nodes and the names of its output columns.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    pub root: Node,
    pub columns: Arc<[String]>,
}

/// The table a scan or a write works on, as the catalog had it when the plan was made.
#[derive(Clone, Debug)]
pub struct TableRef {
    pub id: TableId,
    pub schema: Arc<TableSchema>,
}

/// How a scan reaches its rows. The bounds are expressions so that `$n` parameters work in
/// prepared plans; they are evaluated (without a current row) when the scan starts.
#[derive(Clone, Debug)]
pub enum AccessPath {
    /// Every row, in primary-key order.
    FullScan,
    /// A point or range over the primary key (an equality is a range with equal bounds).
    PrimaryKey(KeyRange),
    /// A point or range over a secondary index, named by its position in `schema.indexes`.
    Index { index: usize, range: KeyRange },
}

/// A range over an index's key columns. Each bound holds one expression per leading key
/// column it constrains (a prefix of the index columns).
#[derive(Clone, Debug)]
pub struct KeyRange {
    pub lower: Bound<Vec<Expr>>,
    pub upper: Bound<Vec<Expr>>,
}

/// A plan node.
#[derive(Clone, Debug)]
pub enum Node {
    /// Read a table through an access path; `filter` is applied to each row read: the WHERE
    /// conjuncts that belong to this table, minus those the access path's range is made of
    /// (every row the range yields satisfies them). `LockRows` and the scans of writes keep
    /// every conjunct, since they re-check rows on their newest version.
    Scan {
        table: TableRef,
        access: AccessPath,
        filter: Option<Expr>,
    },
    /// Rows of constant expressions (`SELECT 1` reads one row of width zero).
    Values {
        rows: Vec<Vec<Expr>>,
        width: usize,
    },
    Filter {
        input: Box<Node>,
        predicate: Expr,
    },
    Project {
        input: Box<Node>,
        exprs: Vec<Expr>,
    },
    /// Nested-loop join; for LEFT joins unmatched left rows are padded with NULLs.
    NestedLoopJoin {
        left: Box<Node>,
        right: Box<Node>,
        kind: JoinKind,
        on: Option<Expr>,
        right_width: usize,
    },
    /// Group by `group_by` and compute `aggregates`; output is the group values followed by
    /// the aggregate results. With no GROUP BY there is exactly one output row.
    Aggregate {
        input: Box<Node>,
        group_by: Vec<Expr>,
        aggregates: Vec<AggregateCall>,
    },
    Sort {
        input: Box<Node>,
        keys: Vec<SortKey>,
    },
    /// LIMIT/OFFSET; expressions are constant (literals or parameters).
    Limit {
        input: Box<Node>,
        limit: Option<Expr>,
        offset: Option<Expr>,
    },
    Distinct {
        input: Box<Node>,
    },
    /// SELECT ... FOR UPDATE / FOR SHARE over one table: lock every row the scan (and its
    /// filter) returns. Under READ COMMITTED a row changed by a concurrent committed
    /// transaction is re-read at its newest version and the filter re-checked there.
    LockRows {
        table: TableRef,
        access: AccessPath,
        filter: Option<Expr>,
        strength: LockStrength,
        nowait: bool,
    },
}

/// One ORDER BY key.
#[derive(Clone, Debug)]
pub struct SortKey {
    pub expr: Expr,
    pub descending: bool,
    pub nulls_first: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregateFunction {
    Count,
    /// `count(*)`: counts rows, its argument list is empty.
    CountStar,
    Sum,
    Min,
    Max,
    Avg,
}

#[derive(Clone, Debug)]
pub struct AggregateCall {
    pub function: AggregateFunction,
    pub arg: Option<Expr>,
    pub distinct: bool,
}

/// Built-in scalar functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarFunction {
    Abs,
    Coalesce,
    NullIf,
    Lower,
    Upper,
    Length,
    Round,
    Substr,
    Greatest,
    Least,
    Concat,
}

impl ScalarFunction {
    /// The function's SQL name.
    pub fn name(self) -> &'static str {
        match self {
            ScalarFunction::Abs => "abs",
            ScalarFunction::Coalesce => "coalesce",
            ScalarFunction::NullIf => "nullif",
            ScalarFunction::Lower => "lower",
            ScalarFunction::Upper => "upper",
            ScalarFunction::Length => "length",
            ScalarFunction::Round => "round",
            ScalarFunction::Substr => "substr",
            ScalarFunction::Greatest => "greatest",
            ScalarFunction::Least => "least",
            ScalarFunction::Concat => "concat",
        }
    }
}

/// A bound expression: names resolved to positions.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A column of the current row.
    Column(usize),
    /// A column of an enclosing query's current row (`depth` 1 = the immediate parent).
    Outer {
        depth: usize,
        index: usize,
    },
    Literal(Value),
    /// `$n`, 0-based here (`$1` is `Parameter(0)`).
    Parameter(usize),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    IsBool {
        expr: Box<Expr>,
        value: bool,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    InSubquery {
        expr: Box<Expr>,
        subquery: usize,
        negated: bool,
    },
    Exists {
        subquery: usize,
        negated: bool,
    },
    ScalarSubquery(usize),
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
        case_insensitive: bool,
    },
    Function(ScalarFunction, Vec<Expr>),
    Case {
        operand: Option<Box<Expr>>,
        branches: Vec<(Expr, Expr)>,
        else_result: Option<Box<Expr>>,
    },
    Cast(Box<Expr>, DataType),
}

/// A subquery: its plan, the width of its rows and whether it reads outer columns.
#[derive(Clone, Debug)]
pub struct Subquery {
    pub root: Node,
    pub width: usize,
    pub correlated: bool,
}

#[derive(Clone, Debug)]
pub struct InsertPlan {
    pub table: TableRef,
    /// Rows to insert, each already in table column order: a column the statement did not
    /// name holds its default.
    pub source: InsertSource,
    /// RETURNING expressions over the inserted row (table columns then system columns).
    pub returning: Option<Returning>,
}

#[derive(Clone, Debug)]
pub enum InsertSource {
    Values(Vec<Vec<Expr>>),
    /// A query and, for each table column, the position of the query column that feeds it or
    /// the default to use.
    Query {
        root: Node,
        columns: Vec<InsertColumn>,
    },
}

#[derive(Clone, Debug)]
pub enum InsertColumn {
    FromQuery(usize),
    Default(Value),
}

/// RETURNING items: expressions over the written row and their output names.
#[derive(Clone, Debug)]
pub struct Returning {
    pub exprs: Vec<Expr>,
    pub columns: Arc<[String]>,
}

#[derive(Clone, Debug)]
pub struct UpdatePlan {
    pub table: TableRef,
    pub access: AccessPath,
    pub filter: Option<Expr>,
    /// (column position, new value expression over the old row).
    pub assignments: Vec<(usize, Expr)>,
    pub returning: Option<Returning>,
}

#[derive(Clone, Debug)]
pub struct DeletePlan {
    pub table: TableRef,
    pub access: AccessPath,
    pub filter: Option<Expr>,
    pub returning: Option<Returning>,
}

#[derive(Clone, Debug)]
pub struct CreateTablePlan {
    pub schema: TableSchema,
    pub if_not_exists: bool,
}

#[derive(Clone, Debug)]
pub struct CreateIndexPlan {
    pub table: String,
    pub name: String,
    pub columns: Vec<usize>,
    pub unique: bool,
    pub if_not_exists: bool,
}
