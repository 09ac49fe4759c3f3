//! Translation from `sqlparser`'s syntax tree to isolde's own ([`crate::sql::ast`]).
//!
//! This layer is the only code in the engine that sees `sqlparser` types: `parse` runs the
//! parser with the PostgreSQL dialect and hands every statement to [`translate`]; everything
//! after it (planner, executor) works on isolde's AST, so a new `sqlparser` version only ever
//! touches these files.
//!
//! Rules the translation follows:
//!
//! - **Nothing is silently dropped.** `sqlparser` accepts the union of many dialects, so its
//!   nodes carry clauses isolde has no place for (`TOP`, `QUALIFY`, `FILTER`, window specs,
//!   `ON CONFLICT`, index `INCLUDE`, `CASCADE`, ...). Structs are destructured field by field
//!   (so a field added by a new `sqlparser` version is a compile error here, not a silently
//!   ignored clause) and every clause that is present but not representable fails with
//!   [`Error::FeatureNotSupported`] (SQLSTATE 0A000) naming the feature. Syntax that only
//!   restates a default is accepted: `ASC`, `NULLS DISTINCT`, `RESTRICT`, `USING btree`,
//!   `SELECT ALL`, `AND NO CHAIN`.
//! - **Identifiers** fold to lower case (ASCII only, as PostgreSQL does) unless quoted:
//!   `Foo` is `foo`, `"Foo"` stays `Foo`. Table and index names may be written `public.name`
//!   (the schema is dropped); any other qualified name is unsupported. Configuration
//!   parameter names (`SET`, `SHOW`) are case-insensitive and always lower-cased.
//! - **Constraint names are not kept**: `CONSTRAINT name PRIMARY KEY (...)` is accepted and
//!   the name dropped; constraints are named as PostgreSQL names them by default.
//! - **Literals**: an integer that fits `i64` is `Integer`, any other number `Real` (where
//!   PostgreSQL would use `numeric`); `-` directly before a number literal is folded into it,
//!   so `-9223372036854775808` is an integer. Strings (`'..'`, `E'..'`, `$$..$$`, `U&'..'`)
//!   are `Text`.
//! - **Parameters** are `$1`, `$2`, ...; `$0` is 42P02 as in PostgreSQL.
//! - **Types** map onto isolde's four; see [`ddl::column_type`].
//! - Special-syntax functions become plain calls: `substring(x FROM a FOR b)` is
//!   `substring(x, a, b)`, `position(a IN b)` is `strpos(b, a)`, `trim(LEADING c FROM x)` is
//!   `ltrim(x, c)` (`btrim`/`rtrim` likewise), `ceil(x)`/`floor(x)` are calls, and
//!   `type 'literal'` is a cast of the literal. Function names are not checked here.
//! - **Depth**: sqlparser limits nesting of parentheses and subqueries, but long operator
//!   chains (`a + b + c + ...`) arrive as deep left-leaning trees; translation fails cleanly
//!   with 0A000 beyond [`MAX_DEPTH`] levels rather than overflowing the stack.

mod ddl;
mod dml;
pub(crate) mod expr;
mod function;
mod query;
mod session;
#[cfg(test)]
mod tests;

use std::fmt::{self, Write as _};

use sqlparser::ast as sql;

use crate::error::{Error, Result};
use crate::sql::ast;

/// How deeply expressions and queries may nest, in units of one expression level. In a debug
/// build an expression level takes up to about 4 KiB of stack and a query level (subquery,
/// parenthesised join) about ten times that, so the deepest tree translates in about 1 MiB:
/// well within the 2 MiB stack of a test thread. (sqlparser stops nested parentheses and
/// subqueries at 50 levels, but not operator chains like `a + b + c + ...`.)
const MAX_DEPTH: usize = 256;

/// What a query level counts for against [`MAX_DEPTH`].
const QUERY_DEPTH: usize = 8;

/// Translates one parsed statement into isolde's AST.
pub fn translate(stmt: sql::Statement) -> Result<ast::Statement> {
    let mut translator = Translator::default();
    translator.statement(stmt)
    // `translator` is dropped here, with whatever it abandoned.
}

/// The translation state.
#[derive(Default)]
struct Translator {
    /// How deep the current node is, counted as for [`MAX_DEPTH`].
    depth: usize,
    /// The subtree left untranslated because it was too deep, kept to be dropped late.
    /// (Translation stops at the first error, so there is at most one.)
    abandoned: Option<Box<sql::Expr>>,
}

impl Translator {
    /// Goes `cost` units deeper, failing beyond [`MAX_DEPTH`]; pair with [`Self::leave`].
    fn enter(&mut self, cost: usize) -> Result<()> {
        if self.depth + cost > MAX_DEPTH {
            return Err(unsupported("expressions or queries nested this deeply"));
        }
        self.depth += cost;
        Ok(())
    }

    fn leave(&mut self, cost: usize) {
        self.depth -= cost;
    }

    fn statement(&mut self, stmt: sql::Statement) -> Result<ast::Statement> {
        use sql::Statement as S;
        match stmt {
            S::Query(query) => Ok(ast::Statement::Query(self.query(query)?)),
            S::Insert(insert) => self.insert(insert),
            S::Update(update) => self.update(update),
            S::Delete(delete) => self.delete(delete),
            S::CreateTable(create) => self.create_table(create),
            S::CreateIndex(create) => ddl::create_index(create),
            S::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                restrict: _, // the default behaviour
                purge,
                temporary,
                table,
            } => ddl::drop(object_type, if_exists, names, cascade, purge, temporary, table),
            S::Explain { describe_alias, analyze, verbose, query_plan, estimate, statement, format, options } => {
                reject(describe_alias != sql::DescribeAlias::Explain, "DESCRIBE")?;
                reject(analyze, "EXPLAIN ANALYZE")?;
                reject(verbose, "EXPLAIN VERBOSE")?;
                reject(query_plan, "EXPLAIN QUERY PLAN")?;
                reject(estimate, "EXPLAIN ESTIMATE")?;
                reject(format.is_some(), "EXPLAIN FORMAT")?;
                reject(options.is_some(), "EXPLAIN options")?;
                if !matches!(*statement, S::Query(_) | S::Insert(_) | S::Update(_) | S::Delete(_)) {
                    return Err(unsupported(format!("EXPLAIN {}", statement_kind(&statement))));
                }
                Ok(ast::Statement::Explain(Box::new(self.statement(*statement)?)))
            }
            S::Vacuum(sql::VacuumStatement {
                full,
                sort_only,
                delete_only,
                reindex,
                recluster,
                table_name: table,
                threshold,
                boost,
            }) => {
                reject(full, "VACUUM FULL")?;
                reject(sort_only || delete_only || reindex || recluster || boost, "VACUUM options")?;
                reject(threshold.is_some(), "VACUUM TO ... PERCENT")?;
                Ok(ast::Statement::Vacuum(table.map(table_name).transpose()?))
            }
            S::StartTransaction {
                modes,
                begin: _,       // BEGIN and START TRANSACTION are the same
                transaction: _, // so are BEGIN, BEGIN WORK and BEGIN TRANSACTION
                modifier,
                statements,
                exception,
                has_end_keyword,
            } => {
                reject(modifier.is_some(), "BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE")?;
                reject(!statements.is_empty() || exception.is_some() || has_end_keyword, "BEGIN ... END blocks")?;
                Ok(ast::Statement::Begin(session::transaction_modes(modes)?))
            }
            S::Commit {
                chain,
                end: _, // END is COMMIT
                modifier,
            } => {
                reject(chain, "COMMIT AND CHAIN")?;
                reject(modifier.is_some(), "COMMIT TRY/CATCH")?;
                Ok(ast::Statement::Commit)
            }
            S::Rollback { chain, savepoint } => {
                reject(chain, "ROLLBACK AND CHAIN")?;
                Ok(match savepoint {
                    Some(name) => ast::Statement::RollbackToSavepoint(ident(name)),
                    None => ast::Statement::Rollback,
                })
            }
            S::Savepoint { name } => Ok(ast::Statement::Savepoint(ident(name))),
            S::ReleaseSavepoint { name } => Ok(ast::Statement::ReleaseSavepoint(ident(name))),
            S::Set(set) => self.set(set),
            S::Reset(reset) => session::reset(reset),
            S::ShowVariable { variable } => session::show(variable),
            other => Err(unsupported(statement_kind(&other))),
        }
    }
}

/// The 0A000 error for `feature`.
fn unsupported(feature: impl Into<String>) -> Error {
    Error::FeatureNotSupported(feature.into())
}

/// Fails with 0A000 naming `feature` when `present`: for clauses isolde has no place for.
fn reject(present: bool, feature: &str) -> Result<()> {
    if present {
        Err(unsupported(feature))
    } else {
        Ok(())
    }
}

/// A syntax error found after parsing; there is no position for it.
fn syntax_error(message: impl Into<String>) -> Error {
    Error::Syntax { message: message.into(), position: None }
}

/// An identifier as PostgreSQL reads it: folded to lower case unless quoted.
fn ident(ident: sql::Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value,
        None => ident.value.to_ascii_lowercase(),
    }
}

/// Whether `ident` is the keyword `keyword` (given in lower case) rather than a quoted name.
fn is_keyword(ident: &sql::Ident, keyword: &str) -> bool {
    ident.quote_style.is_none() && ident.value.eq_ignore_ascii_case(keyword)
}

/// The parts of a multi-part name, folded; fails on parts that are function calls (only some
/// dialects have those).
fn name_parts(name: sql::ObjectName) -> Result<Vec<String>> {
    name.0
        .into_iter()
        .map(|part| match part {
            sql::ObjectNamePart::Identifier(id) => Ok(ident(id)),
            sql::ObjectNamePart::Function(_) => Err(unsupported("computed object names")),
        })
        .collect()
}

/// A table (or index) name: `name` or `public.name`.
fn table_name(name: sql::ObjectName) -> Result<String> {
    let display = name.to_string();
    let mut parts = name_parts(name)?;
    match parts.len() {
        2 if parts[0] == "public" => Ok(parts.swap_remove(1)),
        1 => Ok(parts.swap_remove(0)),
        _ => Err(unsupported(format!("qualified name {display} (only the public schema exists)"))),
    }
}

/// A column name in a column list (`INSERT INTO t (a, b)`): a single identifier.
fn column_name(name: sql::ObjectName) -> Result<String> {
    let display = name.to_string();
    let mut parts = name_parts(name)?;
    match parts.len() {
        1 => Ok(parts.swap_remove(0)),
        _ => Err(unsupported(format!("qualified column name {display} here"))),
    }
}

/// A readable name for the kind of a statement, for "X is not supported": `CREATE VIEW`,
/// `ALTER TABLE`, `COPY`, `DROP SEQUENCE`.
fn statement_kind(stmt: &sql::Statement) -> String {
    match stmt {
        sql::Statement::Drop { object_type, .. } => format!("DROP {object_type}"),
        other => sql_words(&variant_name(other)),
    }
}

/// The name of a node's enum variant (`CreateView`), read from the start of its derived
/// `Debug` output; the formatting is cut off after the name, so this is cheap even for a
/// large node.
fn variant_name(node: &impl fmt::Debug) -> String {
    /// Keeps the leading identifier characters, then fails the write to stop formatting.
    struct Head(String);
    impl fmt::Write for Head {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = s.find(|c: char| !c.is_alphanumeric() && c != '_').unwrap_or(s.len());
            self.0.push_str(&s[..end]);
            if end < s.len() {
                Err(fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut head = Head(String::new());
    // The write is expected to "fail": that is how it stops after the name.
    let _ = write!(head, "{node:?}");
    head.0
}

/// `CreateView` -> `CREATE VIEW`.
fn sql_words(camel: &str) -> String {
    let mut words = String::with_capacity(camel.len() + 4);
    let mut previous_lower = false;
    for c in camel.chars() {
        if c.is_uppercase() && previous_lower {
            words.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        words.extend(c.to_uppercase());
    }
    words
}
