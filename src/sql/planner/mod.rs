//! The planner: isolde's syntax tree ([`crate::sql::ast`]) in, a [`Plan`] out.
//!
//! Planning resolves every name against one [`CatalogSnapshot`], binds expressions to row
//! positions, rewrites aggregation, chooses an access path for every table read and lays the
//! result out as a tree of [`Node`](crate::sql::plan::Node)s. Nothing here reads rows; the
//! plan is plain data that may run many times (parameters stay `$n` expressions).
//!
//! ## Scopes (`scope.rs`)
//! Each query level (the statement, and every subquery inside it) is a `scope::Level` on a
//! stack. A level holds the FROM items of its query, in order, each with its columns and the
//! position of its first column in the level's row: a join's row is the concatenation of its
//! items' rows, so `FROM a, b` addresses `b`'s first column at `width(a)`. A base table
//! contributes its columns followed by the system columns `xmin` and `xmax`.
//!
//! - A table is named by its alias when it has one, else by its own name.
//! - `t.x` looks for an item named `t`, innermost level first; `x` alone looks in every item
//!   of a level, and two hits in one level are 42702.
//! - A name found `d` levels out becomes [`Expr::Outer`](crate::sql::plan::Expr) with depth
//!   `d`, and every level between (the subqueries it crosses) is marked correlated.
//! - A subquery in FROM is planned before its own level is pushed, at the same depth as the
//!   query that contains it: it cannot see its siblings (no LATERAL), but its outer references
//!   count depth from the containing query, whose tree it is inlined into.
//!
//! ## Expressions (`expr.rs`, `rewrite.rs`)
//! Binding turns names into positions in the current level's row. Every later placement of an
//! expression moves it: a WHERE conjunct pushed into the scan of an item at position `p` has
//! `p` subtracted from its columns, including the outer references of the subqueries it
//! contains (`rewrite.rs` walks subquery plans by depth). Each subquery is referenced from
//! exactly one place so that such moves never apply twice (BETWEEN binds its operand twice).
//!
//! Output columns are named as PostgreSQL names them: the column's name, the alias, the
//! function's name for calls (`count`, `lower`, `coalesce`), `case`, `exists`, a scalar
//! subquery's one column's name, a cast's operand's name (or the type's internal name, `int4`,
//! `float8`, `text`, `bool`, when the operand has none), and `?column?` for anything else.
//!
//! ## Aggregation (`aggregate.rs`)
//! A query is aggregated when it has GROUP BY, HAVING, or an aggregate call in its select list
//! or ORDER BY. Its GROUP BY expressions are bound first (over the input row). The select
//! list, HAVING and ORDER BY are then bound in *grouped* mode: an aggregate call binds its
//! argument over the input row, is appended to the level's aggregate list (identical calls
//! share a slot) and becomes `Column(groups + k)`; a subexpression without aggregates is
//! bound over the input row and then rewritten: wherever it equals a group expression it
//! becomes `Column(g)`; a column left over is 42803. The plan is
//! `Aggregate(group exprs, calls) -> Filter(HAVING) -> Project(select list)`.
//!
//! ## Access paths (`access_path.rs`)
//! The WHERE clause is split into conjuncts. A conjunct that reads one FROM item (or none) and
//! may be evaluated before the joins (that item is not on the nullable side of a LEFT JOIN)
//! goes into that item's scan filter; the rest is a Filter over the joins. ON conditions of an
//! inner join are treated alike; an ON condition of a LEFT JOIN may only go down into the right
//! side. From its filter conjuncts a scan takes the comparisons `column op constant` (either
//! way round), where a constant is anything without a column of the same level: literals,
//! parameters, outer references. The choice, first that applies: equality on the whole primary
//! key; an equality prefix and/or a range on the leading primary-key columns; a unique index
//! with equality on all its columns; the index with the longest equality prefix; an index with
//! a range on its leading column; else a full scan. The filter keeps every conjunct, so the
//! access path only narrows what is read.
//!
//! ## Query shape (`select.rs`, `order.rs`, `from.rs`)
//! `FROM tree -> Filter(WHERE rest) -> [Aggregate -> Filter(HAVING)] -> Project(select list +
//! hidden ORDER BY columns) -> [Distinct] -> [Sort] -> [Limit] -> [Project(drop hidden)]`, and
//! `LockRows` in place of the scan for FOR UPDATE / FOR SHARE. ORDER BY and GROUP BY resolve
//! ordinals and output names as PostgreSQL does (`order.rs`); `from.rs` places conditions in
//! the join tree.
//!
//! ## Statements (`dml.rs`, `ddl.rs`) and EXPLAIN (`explain/`)
//! UPDATE and DELETE plan like a one-table SELECT; INSERT rows are laid out in table column
//! order with defaults filled in; DDL resolves names and folds defaults. [`explain()`] prints any
//! plan as PostgreSQL-like lines with the access paths visible.

mod access_path;
mod aggregate;
mod ddl;
mod dml;
mod explain;
mod expr;
mod from;
mod order;
mod rewrite;
mod scope;
mod select;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::sql::ast;
use crate::sql::plan::{Plan, PlannedStatement, Subquery};
use crate::storage::CatalogSnapshot;
use crate::types::DataType;

pub use explain::explain;

/// Plans one statement against a catalog snapshot.
///
/// Plans queries, INSERT, UPDATE, DELETE, CREATE/DROP TABLE/INDEX and EXPLAIN; transaction
/// control, SET, SHOW and VACUUM belong to the connection layer and are refused with
/// [`Error::Internal`].
pub fn plan(statement: &ast::Statement, catalog: &CatalogSnapshot) -> Result<Plan> {
    plan_template(statement, catalog, &[])
}

/// Plans a template whose parameters stand for literals (`sql::literals`) of the types
/// `literal_types` (`None` for NULL), in order. Where the planner looks at a literal's type
/// (whether it may bound a key) it looks at the type of the literal a placeholder stands for,
/// so the plan is the one the literals would get, with parameters in their place; callers
/// that share such plans keep them by these types. (The planner's other uses of literals
/// are in places a shared template has no placeholder: see `Statement::shares_plans`.)
pub fn plan_template(
    statement: &ast::Statement,
    catalog: &CatalogSnapshot,
    literal_types: &[Option<DataType>],
) -> Result<Plan> {
    let mut planner = Planner::new(catalog, literal_types);
    let statement = planner.statement(statement)?;
    Ok(Plan { statement, subqueries: planner.subqueries, parameter_count: planner.parameter_count })
}

/// The state of planning one statement.
pub(super) struct Planner<'c> {
    catalog: &'c CatalogSnapshot,
    /// Every subquery planned so far; expressions refer to them by index.
    subqueries: Vec<Subquery>,
    /// The highest `$n` seen.
    parameter_count: usize,
    /// The scope stack: the statement's level first, the innermost subquery last.
    levels: Vec<scope::Level>,
    /// For a template, the types of the literals its parameters stand for; see
    /// [`plan_template`].
    literal_types: &'c [Option<DataType>],
}

impl<'c> Planner<'c> {
    fn new(catalog: &'c CatalogSnapshot, literal_types: &'c [Option<DataType>]) -> Planner<'c> {
        Planner { catalog, subqueries: Vec::new(), parameter_count: 0, levels: Vec::new(), literal_types }
    }

    fn statement(&mut self, statement: &ast::Statement) -> Result<PlannedStatement> {
        use ast::Statement as S;
        Ok(match statement {
            S::Query(query) => PlannedStatement::Query(self.query(query)?.0),
            S::Insert(insert) => PlannedStatement::Insert(self.insert(insert)?),
            S::Update(update) => PlannedStatement::Update(self.update(update)?),
            S::Delete(delete) => PlannedStatement::Delete(self.delete(delete)?),
            S::CreateTable(create) => PlannedStatement::CreateTable(ddl::create_table(create)?),
            S::CreateIndex(create) => PlannedStatement::CreateIndex(ddl::create_index(create, self.catalog)?),
            S::DropTable { names, if_exists } => {
                PlannedStatement::DropTable { names: names.clone(), if_exists: *if_exists }
            }
            S::DropIndex { names, if_exists } => {
                PlannedStatement::DropIndex { names: names.clone(), if_exists: *if_exists }
            }
            S::Explain(inner) => PlannedStatement::Explain(Box::new(self.statement(inner)?)),
            other => return Err(Error::Internal(format!("{} is not planned", statement_kind(other)))),
        })
    }
}

/// A name for statements the planner does not handle, for the error message.
fn statement_kind(statement: &ast::Statement) -> &'static str {
    use ast::Statement as S;
    match statement {
        S::Begin(_) => "BEGIN",
        S::Commit => "COMMIT",
        S::Rollback => "ROLLBACK",
        S::Savepoint(_) => "SAVEPOINT",
        S::RollbackToSavepoint(_) => "ROLLBACK TO SAVEPOINT",
        S::ReleaseSavepoint(_) => "RELEASE SAVEPOINT",
        S::SetTransaction(_) => "SET TRANSACTION",
        S::SetSessionCharacteristics(_) => "SET SESSION CHARACTERISTICS",
        S::SetVariable { .. } => "SET",
        S::Show(_) => "SHOW",
        S::Vacuum(_) => "VACUUM",
        _ => "this statement",
    }
}

/// A 42601 error without a position (the planner works on trees, not text).
fn syntax(message: impl Into<String>) -> Error {
    Error::Syntax { message: message.into(), position: None }
}
