//! Expressions, literals and parameters.

use std::borrow::Cow;

use sqlparser::ast as sql;

use super::{ddl, ident, is_keyword, reject, sql_words, syntax_error, unsupported, variant_name, Translator};
use crate::error::{Error, Result};
use crate::sql::ast::{BinaryOp, Expr, UnaryOp};
use crate::types::Value;

impl Translator {
    /// Translates one expression.
    pub(super) fn expr(&mut self, expr: sql::Expr) -> Result<Expr> {
        self.expr_box(Box::new(expr))
    }

    /// [`Self::expr`] from box to box.
    pub(super) fn boxed(&mut self, expr: Box<sql::Expr>) -> Result<Box<Expr>> {
        self.expr_box(expr).map(Box::new)
    }

    /// The recursion works on boxes, as sqlparser's tree holds its operands: moving a
    /// 300-byte `sql::Expr` out of its box would cost a stack slot in every frame it passes.
    fn expr_box(&mut self, expr: Box<sql::Expr>) -> Result<Expr> {
        if let Err(too_deep) = self.enter(1) {
            // What is left of the tree may be very deep (sqlparser builds operator chains
            // without limit), and dropping it recurses: leave that to `translate`, where the
            // stack is shallow.
            self.abandoned = Some(expr);
            return Err(too_deep);
        }
        let result = self.expr_inner(expr);
        self.leave(1);
        result
    }

    /// Translates the expressions of a list.
    pub(super) fn exprs(&mut self, exprs: Vec<sql::Expr>) -> Result<Vec<Expr>> {
        exprs.into_iter().map(|e| self.expr(e)).collect()
    }

    /// The forms that can nest deeply: sqlparser builds operator chains (`a + b + ...`,
    /// `x::int::text`, `a IS NULL IS NULL`) in a loop, without a depth limit, so these arms
    /// recurse once per operator. Each arm hands the boxed operands to a helper, keeping
    /// this frame small; the other forms are in [`Self::other_expr`].
    fn expr_inner(&mut self, expr: Box<sql::Expr>) -> Result<Expr> {
        use sql::Expr as E;
        match *expr {
            E::Identifier(id) => column_ref(vec![id]),
            E::CompoundIdentifier(ids) => column_ref(ids),
            E::Value(value) => literal(value.value),
            E::Nested(inner) => self.expr_box(inner),
            E::UnaryOp { op, expr } => self.unary(op, expr),
            E::BinaryOp { left, op, right } => self.binary(left, op, right),
            E::IsNull(e) => self.is_null(e, false),
            E::IsNotNull(e) => self.is_null(e, true),
            E::IsTrue(e) => self.is_bool(e, true, false),
            E::IsNotTrue(e) => self.is_bool(e, true, true),
            E::IsFalse(e) => self.is_bool(e, false, false),
            E::IsNotFalse(e) => self.is_bool(e, false, true),
            E::Between { expr, negated, low, high } => self.between(expr, low, high, negated),
            E::In { expr, target, negated, global } => self.in_expr(expr, target, negated, global),
            E::Like { negated, any, expr, pattern, escape_char } => {
                self.like(expr, pattern, negated, any, escape_char, false)
            }
            E::ILike { negated, any, expr, pattern, escape_char } => {
                self.like(expr, pattern, negated, any, escape_char, true)
            }
            E::Cast { kind, expr, data_type, format } => self.cast(kind, expr, data_type, format),
            _ => self.other_expr(expr),
        }
    }

    /// The forms that nest only through parentheses or subqueries, which sqlparser limits.
    fn other_expr(&mut self, expr: Box<sql::Expr>) -> Result<Expr> {
        use sql::Expr as E;
        match *expr {
            E::Exists { subquery, negated } => Ok(Expr::Exists { query: self.query(subquery)?, negated }),
            E::Subquery(query) => Ok(Expr::ScalarSubquery(self.query(query)?)),
            E::Case { case_token: _, end_token: _, operand, conditions, else_result } => {
                self.case(operand, conditions, else_result)
            }
            E::TypedString(typed) => typed_string(typed),
            E::Function(function) => self.function(function),
            E::Ceil { expr, field } => self.ceil_floor("ceil", *expr, field),
            E::Floor { expr, field } => self.ceil_floor("floor", *expr, field),
            E::Position { expr, r#in } => self.position(*expr, *r#in),
            E::Substring { expr, substring_from, substring_for, special: _, shorthand } => {
                self.substring(*expr, substring_from, substring_for, shorthand)
            }
            E::Trim { trim_where, trim_what, expr, trim_characters } => {
                self.trim(trim_where, trim_what, *expr, trim_characters)
            }
            other => Err(unsupported_expr(&other)),
        }
    }

    fn unary(&mut self, op: sql::UnaryOperator, operand: Box<sql::Expr>) -> Result<Expr> {
        let op = match op {
            // `-5` arrives as minus applied to `5`; folding it makes `-9223372036854775808`
            // an integer and keeps constants constant.
            sql::UnaryOperator::Minus => match &*operand {
                sql::Expr::Value(sql::ValueWithSpan { value: sql::Value::Number(digits, false), span: _ }) => {
                    return number(digits, true).map(Expr::Literal)
                }
                _ => UnaryOp::Minus,
            },
            sql::UnaryOperator::Plus => UnaryOp::Plus,
            sql::UnaryOperator::Not => UnaryOp::Not,
            other => return Err(unsupported(format!("operator {other}"))),
        };
        Ok(Expr::Unary { op, expr: self.boxed(operand)? })
    }

    fn binary(&mut self, left: Box<sql::Expr>, op: sql::BinaryOperator, right: Box<sql::Expr>) -> Result<Expr> {
        use sql::BinaryOperator as B;
        let op = match op {
            B::Plus => BinaryOp::Add,
            B::Minus => BinaryOp::Subtract,
            B::Multiply => BinaryOp::Multiply,
            B::Divide => BinaryOp::Divide,
            B::Modulo => BinaryOp::Modulo,
            B::Eq => BinaryOp::Eq,
            // `<>` and `!=` both arrive as NotEq.
            B::NotEq => BinaryOp::NotEq,
            B::Lt => BinaryOp::Lt,
            B::LtEq => BinaryOp::LtEq,
            B::Gt => BinaryOp::Gt,
            B::GtEq => BinaryOp::GtEq,
            B::And => BinaryOp::And,
            B::Or => BinaryOp::Or,
            B::StringConcat => BinaryOp::Concat,
            other => return Err(unsupported(format!("operator {other}"))),
        };
        Ok(Expr::Binary { op, left: self.boxed(left)?, right: self.boxed(right)? })
    }

    fn is_null(&mut self, expr: Box<sql::Expr>, negated: bool) -> Result<Expr> {
        Ok(Expr::IsNull { expr: self.boxed(expr)?, negated })
    }

    fn is_bool(&mut self, expr: Box<sql::Expr>, value: bool, negated: bool) -> Result<Expr> {
        Ok(Expr::IsBool { expr: self.boxed(expr)?, value, negated })
    }

    fn between(
        &mut self,
        expr: Box<sql::Expr>,
        low: Box<sql::Expr>,
        high: Box<sql::Expr>,
        negated: bool,
    ) -> Result<Expr> {
        Ok(Expr::Between { expr: self.boxed(expr)?, low: self.boxed(low)?, high: self.boxed(high)?, negated })
    }

    fn in_expr(&mut self, expr: Box<sql::Expr>, target: sql::InTarget, negated: bool, global: bool) -> Result<Expr> {
        reject(global, "GLOBAL IN")?;
        let expr = self.boxed(expr)?;
        match target {
            sql::InTarget::List(list) => Ok(Expr::InList { expr, list: self.exprs(list)?, negated }),
            sql::InTarget::Subquery(query) => Ok(Expr::InSubquery { expr, query: self.query(query)?, negated }),
            sql::InTarget::Unnest(_) => Err(unsupported("IN UNNEST")),
            sql::InTarget::Table { .. } => Err(unsupported("IN table")),
        }
    }

    fn like(
        &mut self,
        expr: Box<sql::Expr>,
        pattern: Box<sql::Expr>,
        negated: bool,
        any: bool,
        escape: Option<Box<sql::Expr>>,
        case_insensitive: bool,
    ) -> Result<Expr> {
        reject(any, "LIKE ANY")?;
        reject(escape.is_some(), "LIKE ... ESCAPE")?;
        Ok(Expr::Like { expr: self.boxed(expr)?, pattern: self.boxed(pattern)?, negated, case_insensitive })
    }

    fn cast(
        &mut self,
        kind: sql::CastKind,
        expr: Box<sql::Expr>,
        data_type: sql::DataType,
        format: Option<sql::CastFormat>,
    ) -> Result<Expr> {
        match kind {
            sql::CastKind::Cast | sql::CastKind::DoubleColon => {}
            sql::CastKind::TryCast => return Err(unsupported("TRY_CAST")),
            sql::CastKind::SafeCast => return Err(unsupported("SAFE_CAST")),
        }
        reject(format.is_some(), "CAST ... FORMAT")?;
        Ok(Expr::Cast { expr: self.boxed(expr)?, data_type: ddl::cast_type(data_type)? })
    }

    fn case(
        &mut self,
        operand: Option<Box<sql::Expr>>,
        conditions: Vec<sql::CaseWhen>,
        else_result: Option<Box<sql::Expr>>,
    ) -> Result<Expr> {
        Ok(Expr::Case {
            operand: operand.map(|e| self.boxed(e)).transpose()?,
            branches: conditions
                .into_iter()
                .map(|sql::CaseWhen { condition, result }| Ok((self.expr(condition)?, self.expr(result)?)))
                .collect::<Result<_>>()?,
            else_result: else_result.map(|e| self.boxed(e)).transpose()?,
        })
    }
}

/// A column reference: `c`, `t.c` or `public.t.c`.
fn column_ref(parts: Vec<sql::Ident>) -> Result<Expr> {
    if let [only] = parts.as_slice() {
        if is_keyword(only, "default") {
            // sqlparser reads the keyword as an identifier; it only means something at the
            // top level of an INSERT's VALUES, which handles it before calling us.
            return Err(syntax_error("DEFAULT is not allowed in this context"));
        }
    }
    let display = parts.iter().map(ToString::to_string).collect::<Vec<_>>().join(".");
    let mut names: Vec<String> = parts.into_iter().map(ident).collect();
    if names.len() == 3 && names[0] == "public" {
        names.remove(0);
    }
    let name = names.pop();
    let table = names.pop();
    match (table, name) {
        (table, Some(name)) if names.is_empty() => Ok(Expr::Column { table, name }),
        _ => Err(unsupported(format!("column reference {display}"))),
    }
}

/// A literal value.
fn literal(value: sql::Value) -> Result<Expr> {
    use sql::Value as V;
    let value = match value {
        V::Number(digits, false) => number(&digits, false)?,
        // The tokenizer has already undone `''` and the escapes of `E'..'` and `U&'..'`.
        V::SingleQuotedString(s) | V::EscapedStringLiteral(s) | V::UnicodeStringLiteral(s) => Value::text(s),
        V::DollarQuotedString(s) => Value::text(s.value),
        V::Boolean(b) => Value::Boolean(b),
        V::Null => Value::Null,
        V::Placeholder(p) => return parameter(&p),
        V::HexStringLiteral(_) | V::SingleQuotedByteStringLiteral(_) => return Err(unsupported("bit string literals")),
        other => return Err(unsupported(format!("literal {other}"))),
    };
    Ok(Expr::Literal(value))
}

/// A number literal as the tokenizer gave it (digits, optional `.`, exponent, `_`
/// separators, `0x`/`0o`/`0b` prefixes), negated if `negative`.
pub(crate) fn number(text: &str, negative: bool) -> Result<Value> {
    // Copied only when there is something to change: `1_000`, or a sign to put in front.
    let digits: Cow<str> = if text.contains('_') { text.chars().filter(|&c| c != '_').collect() } else { text.into() };
    let sign = if negative { "-" } else { "" };
    let radix = match digits.get(..2) {
        Some("0x" | "0X") => Some(16),
        Some("0o" | "0O") => Some(8),
        Some("0b" | "0B") => Some(2),
        _ => None,
    };
    let value = match radix {
        Some(radix) => {
            let body = digits.get(2..).unwrap_or_default();
            match i64::from_str_radix(&format!("{sign}{body}"), radix) {
                Ok(n) => Some(Value::Integer(n)),
                Err(_) if body.is_empty() => None,
                // Too big for i64: PostgreSQL would make it numeric; we make it real.
                Err(_) => body
                    .chars()
                    .try_fold(0f64, |acc, c| c.to_digit(radix).map(|d| acc * f64::from(radix) + f64::from(d)))
                    .map(|n| Value::Real(if negative { -n } else { n })),
            }
        }
        None => {
            let text: Cow<str> = if negative { format!("-{digits}").into() } else { digits.clone() };
            let integer =
                if digits.contains(['.', 'e', 'E']) { None } else { text.parse::<i64>().ok().map(Value::Integer) };
            integer.or_else(|| text.parse::<f64>().ok().map(Value::Real))
        }
    };
    match value {
        Some(Value::Real(f)) if !f.is_finite() => Err(Error::NumericOutOfRange("double precision")),
        Some(value) => Ok(value),
        None => Err(syntax_error(format!("invalid number \"{text}\""))),
    }
}

/// A placeholder: `$1` is parameter 1.
fn parameter(text: &str) -> Result<Expr> {
    if text == "?" {
        return Err(unsupported("? placeholders (use $1, $2, ...)"));
    }
    match text.strip_prefix('$') {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            match digits.parse::<usize>() {
                Ok(0) => Err(Error::UndefinedParameter(0)),
                Ok(n) => Ok(Expr::Parameter(n)),
                Err(_) => Err(syntax_error(format!("parameter number too large: {text}"))),
            }
        }
        _ => Err(syntax_error(format!("invalid parameter \"{text}\""))),
    }
}

/// `type 'literal'` (`int '1'`, `text 'x'`): PostgreSQL's way of writing a cast of a string
/// literal.
fn typed_string(typed: sql::TypedString) -> Result<Expr> {
    let sql::TypedString { data_type, value, uses_odbc_syntax } = typed;
    reject(uses_odbc_syntax, "ODBC literal syntax")?;
    let data_type = ddl::cast_type(data_type)?;
    Ok(Expr::Cast { expr: Box::new(literal(value.value)?), data_type })
}

/// The 0A000 error for an expression form with no place in isolde's AST.
fn unsupported_expr(expr: &sql::Expr) -> Error {
    use sql::Expr as E;
    let feature = match expr {
        E::IsDistinctFrom(..) | E::IsNotDistinctFrom(..) => "IS DISTINCT FROM",
        E::IsUnknown(_) | E::IsNotUnknown(_) => "IS UNKNOWN",
        E::SimilarTo { .. } => "SIMILAR TO",
        E::AnyOp { .. } => "ANY (...)",
        E::AllOp { .. } => "ALL (...)",
        E::Collate { .. } => "COLLATE",
        E::Extract { .. } => "EXTRACT",
        E::AtTimeZone { .. } => "AT TIME ZONE",
        E::Interval(_) => "type interval",
        E::Array(_) => "arrays",
        E::CompoundFieldAccess { .. } => "subscripts and field access",
        E::Tuple(_) => "row constructors",
        E::GroupingSets(_) => "GROUPING SETS",
        E::Cube(_) => "CUBE",
        E::Rollup(_) => "ROLLUP",
        E::Wildcard(_) | E::QualifiedWildcard(..) => "* in this position",
        other => return unsupported(format!("expression {}", sql_words(&variant_name(other)))),
    };
    unsupported(feature)
}
