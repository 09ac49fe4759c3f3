//! Transaction modes, SET, RESET and SHOW.

use sqlparser::ast as sql;

use super::{is_keyword, name_parts, reject, syntax_error, unsupported, Translator};
use crate::error::Result;
use crate::sql::ast::{self, Expr, IsolationLevelName, SetValue, TransactionModes};
use crate::types::Value;

impl Translator {
    pub(super) fn set(&mut self, set: sql::Set) -> Result<ast::Statement> {
        match set {
            sql::Set::SingleAssignment { scope, hivevar, variable, values } => {
                match scope {
                    None | Some(sql::ContextModifier::Session) => {}
                    Some(sql::ContextModifier::Local) => return Err(unsupported("SET LOCAL")),
                    Some(other) => return Err(unsupported(format!("SET {other}"))),
                }
                reject(hivevar, "SET HIVEVAR")?;
                let name = parameter_name(name_parts(variable)?);
                let mut values = values.into_iter();
                match (values.next(), values.next()) {
                    (Some(value), None) => Ok(ast::Statement::SetVariable { name, value: self.set_value(value)? }),
                    _ => Err(unsupported("SET with a list of values")),
                }
            }
            // `SET TIME ZONE x` is PostgreSQL's spelling of `SET timezone = x`.
            sql::Set::SetTimeZone { local, value } => {
                reject(local, "SET LOCAL")?;
                Ok(ast::Statement::SetVariable { name: "timezone".into(), value: self.set_value(value)? })
            }
            sql::Set::SetTransaction { modes, snapshot, session } => {
                reject(snapshot.is_some(), "SET TRANSACTION SNAPSHOT")?;
                let modes = transaction_modes(modes)?;
                Ok(match session {
                    true => ast::Statement::SetSessionCharacteristics(modes),
                    false => ast::Statement::SetTransaction(modes),
                })
            }
            sql::Set::SetRole { .. } => Err(unsupported("SET ROLE")),
            sql::Set::SetSessionAuthorization(_) => Err(unsupported("SET SESSION AUTHORIZATION")),
            sql::Set::SetNames { .. } | sql::Set::SetNamesDefault {} => Err(unsupported("SET NAMES")),
            sql::Set::MultipleAssignments { .. } | sql::Set::ParenthesizedAssignments { .. } => {
                Err(unsupported("SET of several parameters at once"))
            }
            other => Err(unsupported(format!("statement {other}"))),
        }
    }

    /// The value of `SET name = value`: a literal, an identifier (read as text, like `on`),
    /// or DEFAULT.
    fn set_value(&mut self, value: sql::Expr) -> Result<SetValue> {
        if matches!(&value, sql::Expr::Identifier(id) if is_keyword(id, "default")) {
            return Ok(SetValue::Default);
        }
        match self.expr(value)? {
            Expr::Literal(value) => Ok(SetValue::Value(value)),
            Expr::Column { table: None, name } => Ok(SetValue::Value(Value::text(name))),
            _ => Err(unsupported("SET to a value that is not a constant")),
        }
    }
}

/// `RESET name` is `SET name TO DEFAULT`.
pub(super) fn reset(reset: sql::ResetStatement) -> Result<ast::Statement> {
    match reset.reset {
        sql::Reset::ConfigurationParameter(name) => {
            Ok(ast::Statement::SetVariable { name: parameter_name(name_parts(name)?), value: SetValue::Default })
        }
        sql::Reset::ALL => Err(unsupported("RESET ALL")),
        sql::Reset::SessionAuthorization => Err(unsupported("RESET SESSION AUTHORIZATION")),
    }
}

/// `SHOW name`. sqlparser gives the words after SHOW, having dropped any punctuation, so
/// `SHOW a.b` and `SHOW a b` look the same; the multi-word parameters PostgreSQL knows get
/// their real names, others are joined with dots.
pub(super) fn show(words: Vec<sql::Ident>) -> Result<ast::Statement> {
    if words.is_empty() {
        return Err(syntax_error("SHOW requires a parameter name"));
    }
    let name = parameter_name(words.into_iter().map(|word| word.value).collect());
    let name = match name.as_str() {
        "transaction.isolation.level" => "transaction_isolation".into(),
        "time.zone" => "timezone".into(),
        "session.authorization" => "session_authorization".into(),
        _ => name,
    };
    Ok(ast::Statement::Show(name))
}

/// A configuration parameter name: case-insensitive even when quoted, parts joined by dots.
fn parameter_name(parts: Vec<String>) -> String {
    parts.join(".").to_ascii_lowercase()
}

/// The modes of BEGIN / SET TRANSACTION. Giving a mode twice with different values is an
/// error, as in PostgreSQL. (sqlparser does not parse `[NOT] DEFERRABLE`, so `deferrable` is
/// always `None`.)
pub(super) fn transaction_modes(modes: Vec<sql::TransactionMode>) -> Result<TransactionModes> {
    let mut result = TransactionModes::default();
    for mode in modes {
        match mode {
            sql::TransactionMode::IsolationLevel(level) => {
                let level = match level {
                    sql::TransactionIsolationLevel::ReadUncommitted => IsolationLevelName::ReadUncommitted,
                    sql::TransactionIsolationLevel::ReadCommitted => IsolationLevelName::ReadCommitted,
                    sql::TransactionIsolationLevel::RepeatableRead => IsolationLevelName::RepeatableRead,
                    sql::TransactionIsolationLevel::Snapshot => IsolationLevelName::Snapshot,
                    sql::TransactionIsolationLevel::Serializable => IsolationLevelName::Serializable,
                };
                set_mode(&mut result.isolation, level)?;
            }
            sql::TransactionMode::AccessMode(access) => {
                let read_only = access == sql::TransactionAccessMode::ReadOnly;
                set_mode(&mut result.read_only, read_only)?;
            }
        }
    }
    Ok(result)
}

fn set_mode<T: PartialEq>(slot: &mut Option<T>, value: T) -> Result<()> {
    match slot {
        Some(existing) if *existing != value => Err(syntax_error("conflicting or redundant transaction modes")),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}
