//! Function calls, including the SQL-standard forms with special syntax.

use sqlparser::ast as sql;

use super::{name_parts, reject, sql_words, unsupported, variant_name, Translator};
use crate::error::Result;
use crate::sql::ast::Expr;
use crate::types::Value;

impl Translator {
    /// `name(args)`. The name is not checked: the planner knows which functions exist.
    pub(super) fn function(&mut self, function: sql::Function) -> Result<Expr> {
        let sql::Function { name, uses_odbc_syntax, parameters, args, within_group, filter, null_treatment, over } =
            function;
        reject(over.is_some(), "window functions")?;
        reject(filter.is_some(), "FILTER (WHERE ...) on aggregates")?;
        reject(!within_group.is_empty(), "WITHIN GROUP")?;
        reject(null_treatment.is_some(), "IGNORE NULLS / RESPECT NULLS")?;
        reject(uses_odbc_syntax, "ODBC function syntax")?;
        reject(!matches!(parameters, sql::FunctionArguments::None), "parametric function calls")?;
        let display = name.to_string();
        let mut parts = name_parts(name)?;
        let name = match parts.len() {
            1 => parts.swap_remove(0),
            _ => return Err(unsupported(format!("qualified function name {display}"))),
        };
        let list = match args {
            // `current_timestamp` and friends: called without parentheses.
            sql::FunctionArguments::None => return Ok(call(name, vec![])),
            sql::FunctionArguments::Subquery(_) => return Err(unsupported("a subquery as a function's argument list")),
            sql::FunctionArguments::List(list) => list,
        };
        let sql::FunctionArgumentList { duplicate_treatment, args, clauses } = list;
        if let Some(clause) = clauses.first() {
            return Err(unsupported(match clause {
                sql::FunctionArgumentClause::OrderBy(_) => "ORDER BY inside aggregate calls".to_string(),
                other => format!("{} inside function calls", sql_words(&variant_name(other))),
            }));
        }
        let distinct = matches!(duplicate_treatment, Some(sql::DuplicateTreatment::Distinct));
        if let [sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Wildcard)] = args.as_slice() {
            reject(distinct, "DISTINCT *")?;
            return Ok(Expr::Function { name, args: vec![], distinct, star: true });
        }
        let args = args
            .into_iter()
            .map(|arg| match arg {
                sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => self.expr(e),
                sql::FunctionArg::Unnamed(_) => Err(unsupported("* among function arguments")),
                sql::FunctionArg::Named { .. } | sql::FunctionArg::ExprNamed { .. } => {
                    Err(unsupported("named function arguments"))
                }
            })
            .collect::<Result<_>>()?;
        Ok(Expr::Function { name, args, distinct, star: false })
    }

    /// `ceil(x)` / `floor(x)`, which sqlparser parses specially for `CEIL(x TO DAY)`.
    pub(super) fn ceil_floor(&mut self, name: &str, expr: sql::Expr, field: sql::CeilFloorKind) -> Result<Expr> {
        match field {
            sql::CeilFloorKind::DateTimeField(sql::DateTimeField::NoDateTime) => {
                Ok(call(name.to_string(), vec![self.expr(expr)?]))
            }
            _ => Err(unsupported(format!("{name} with a second argument"))),
        }
    }

    /// `position(needle IN haystack)` is PostgreSQL's `strpos(haystack, needle)`.
    pub(super) fn position(&mut self, needle: sql::Expr, haystack: sql::Expr) -> Result<Expr> {
        let haystack = self.expr(haystack)?;
        Ok(call("strpos".into(), vec![haystack, self.expr(needle)?]))
    }

    /// `substring(s FROM a FOR b)` and `substring(s, a, b)` (or `substr`): `substring(s, a,
    /// b)`, with `a` defaulting to 1 when only `FOR` is given.
    pub(super) fn substring(
        &mut self,
        expr: sql::Expr,
        from: Option<Box<sql::Expr>>,
        count: Option<Box<sql::Expr>>,
        shorthand: bool,
    ) -> Result<Expr> {
        let mut args = vec![self.expr(expr)?];
        match (from, count) {
            (from, Some(count)) => {
                args.push(match from {
                    Some(from) => self.expr(*from)?,
                    None => Expr::Literal(Value::Integer(1)),
                });
                args.push(self.expr(*count)?);
            }
            (Some(from), None) => args.push(self.expr(*from)?),
            (None, None) => {}
        }
        let name = if shorthand { "substr" } else { "substring" };
        Ok(call(name.into(), args))
    }

    /// `trim([BOTH | LEADING | TRAILING] [chars] FROM s)` and `trim(s, chars)`: PostgreSQL's
    /// `btrim` / `ltrim` / `rtrim(s [, chars])`.
    pub(super) fn trim(
        &mut self,
        side: Option<sql::TrimWhereField>,
        what: Option<Box<sql::Expr>>,
        expr: sql::Expr,
        characters: Option<Vec<sql::Expr>>,
    ) -> Result<Expr> {
        let name = match side {
            None | Some(sql::TrimWhereField::Both) => "btrim",
            Some(sql::TrimWhereField::Leading) => "ltrim",
            Some(sql::TrimWhereField::Trailing) => "rtrim",
        };
        let mut args = vec![self.expr(expr)?];
        match (what, characters) {
            (Some(what), None) => args.push(self.expr(*what)?),
            (None, Some(characters)) => args.extend(self.exprs(characters)?),
            (None, None) => {}
            (Some(_), Some(_)) => return Err(unsupported("trim(... FROM ..., ...)")),
        }
        Ok(call(name.into(), args))
    }
}

/// A plain call of `name`.
fn call(name: String, args: Vec<Expr>) -> Expr {
    Expr::Function { name, args, distinct: false, star: false }
}
