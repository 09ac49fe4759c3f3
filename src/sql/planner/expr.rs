//! Expression binding: `ast::Expr` to `plan::Expr`, and output column names.
//!
//! Binding happens in a [`Cx`]: the clause (for PostgreSQL's "aggregate functions are not
//! allowed in WHERE" messages) and the [`Mode`], which says what an aggregate call means there
//! (see `aggregate.rs` for grouped mode).

use crate::error::{Error, Result};
use crate::sql::ast::{self, BinaryOp};
use crate::sql::plan::{AggregateFunction, Expr, ScalarFunction, Subquery};
use crate::types::DataType;

use super::aggregate::contains_aggregate;
use super::{syntax, Planner};

/// The clause an expression belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Clause {
    Select,
    Where,
    JoinOn,
    GroupBy,
    Having,
    OrderBy,
    Limit,
    Offset,
    Values,
    Update,
    Returning,
}

impl Clause {
    /// The clause as PostgreSQL names it in "aggregate functions are not allowed in ...".
    fn name(self) -> &'static str {
        match self {
            Clause::Select => "SELECT",
            Clause::Where => "WHERE",
            Clause::JoinOn => "JOIN conditions",
            Clause::GroupBy => "GROUP BY",
            Clause::Having => "HAVING",
            Clause::OrderBy => "ORDER BY",
            Clause::Limit => "LIMIT",
            Clause::Offset => "OFFSET",
            Clause::Values => "VALUES",
            Clause::Update => "UPDATE",
            Clause::Returning => "RETURNING",
        }
    }
}

/// What an aggregate call means where an expression is bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Over the input row; aggregates are not allowed.
    Plain,
    /// Over an aggregate's output row (select list, HAVING, ORDER BY of an aggregated query).
    Grouped,
    /// The argument of an aggregate: over the input row, aggregates would be nested.
    InAggregate,
}

/// The binding context.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cx {
    pub clause: Clause,
    pub mode: Mode,
}

impl Cx {
    pub fn plain(clause: Clause) -> Cx {
        Cx { clause, mode: Mode::Plain }
    }
}

/// The aggregate a function name denotes.
pub(super) fn aggregate_function(name: &str) -> Option<AggregateFunction> {
    Some(match name {
        "count" => AggregateFunction::Count,
        "sum" => AggregateFunction::Sum,
        "min" => AggregateFunction::Min,
        "max" => AggregateFunction::Max,
        "avg" => AggregateFunction::Avg,
        _ => return None,
    })
}

/// The scalar function a name denotes, with its least and greatest argument counts.
fn scalar_function(name: &str) -> Option<(ScalarFunction, usize, usize)> {
    use ScalarFunction as F;
    Some(match name {
        "abs" => (F::Abs, 1, 1),
        "coalesce" => (F::Coalesce, 1, usize::MAX),
        "nullif" => (F::NullIf, 2, 2),
        "lower" => (F::Lower, 1, 1),
        "upper" => (F::Upper, 1, 1),
        "length" | "char_length" | "character_length" => (F::Length, 1, 1),
        "round" => (F::Round, 1, 2),
        "substr" | "substring" => (F::Substr, 2, 3),
        "greatest" => (F::Greatest, 1, usize::MAX),
        "least" => (F::Least, 1, usize::MAX),
        "concat" => (F::Concat, 1, usize::MAX),
        _ => return None,
    })
}

impl Planner<'_> {
    /// Binds `e` in the current scope.
    ///
    /// This is a thin dispatcher and every case is its own function: the recursion goes
    /// through here once per level of the tree, and a debug build gives each function one
    /// stack slot per temporary, so a big frame here would limit how deep a tree can be.
    pub(super) fn bind(&mut self, e: &ast::Expr, cx: Cx) -> Result<Expr> {
        use ast::Expr as A;
        if cx.mode == Mode::Grouped && !contains_aggregate(e) {
            return self.bind_and_regroup(e, cx);
        }
        match e {
            A::Column { table, name } => self.resolve_column(table.as_deref(), name),
            A::Literal(v) => Ok(Expr::Literal(v.clone())),
            A::Parameter(n) => self.bind_parameter(*n),
            A::Default => Err(syntax("DEFAULT is not allowed in this context")),
            A::Unary { op, expr } => self.bind_unary(*op, expr, cx),
            A::Binary { op, left, right } => self.bind_binary(*op, left, right, cx),
            A::IsNull { expr, negated } => self.bind_is_null(expr, *negated, cx),
            A::IsBool { expr, value, negated } => self.bind_is_bool(expr, *value, *negated, cx),
            A::Between { expr, low, high, negated } => self.bind_between(expr, low, high, *negated, cx),
            A::InList { expr, list, negated } => self.bind_in_list(expr, list, *negated, cx),
            A::InSubquery { expr, query, negated } => self.bind_in_subquery(expr, query, *negated, cx),
            A::Exists { query, negated } => self.bind_exists(query, *negated),
            A::ScalarSubquery(query) => self.bind_scalar_subquery(query),
            A::Like { expr, pattern, negated, case_insensitive } => {
                self.bind_like(expr, pattern, *negated, *case_insensitive, cx)
            }
            A::Function { name, args, distinct, star } => self.bind_function(name, args, *distinct, *star, cx),
            A::Case { operand, branches, else_result } => self.bind_case(operand, branches, else_result, cx),
            A::Cast { expr, data_type } => self.bind_cast(expr, *data_type, cx),
        }
    }

    fn boxed(&mut self, e: &ast::Expr, cx: Cx) -> Result<Box<Expr>> {
        self.bind(e, cx).map(Box::new)
    }

    fn bind_and_regroup(&mut self, e: &ast::Expr, cx: Cx) -> Result<Expr> {
        let plain = self.bind(e, Cx { mode: Mode::Plain, ..cx })?;
        self.regroup(plain)
    }

    fn bind_parameter(&mut self, n: usize) -> Result<Expr> {
        let index = n.checked_sub(1).ok_or(Error::UndefinedParameter(n))?;
        self.parameter_count = self.parameter_count.max(n);
        Ok(Expr::Parameter(index))
    }

    fn bind_unary(&mut self, op: ast::UnaryOp, e: &ast::Expr, cx: Cx) -> Result<Expr> {
        self.boxed(e, cx).map(|x| Expr::Unary(op, x))
    }

    fn bind_binary(&mut self, op: BinaryOp, left: &ast::Expr, right: &ast::Expr, cx: Cx) -> Result<Expr> {
        let left = self.boxed(left, cx)?;
        self.boxed(right, cx).map(|right| Expr::Binary(op, left, right))
    }

    fn bind_is_null(&mut self, e: &ast::Expr, negated: bool, cx: Cx) -> Result<Expr> {
        self.boxed(e, cx).map(|expr| Expr::IsNull { expr, negated })
    }

    fn bind_is_bool(&mut self, e: &ast::Expr, value: bool, negated: bool, cx: Cx) -> Result<Expr> {
        self.boxed(e, cx).map(|expr| Expr::IsBool { expr, value, negated })
    }

    /// `x BETWEEN lo AND hi` is `(x >= lo AND x <= hi)`; the operand is bound twice so that a
    /// subquery in it gets one plan per use.
    fn bind_between(
        &mut self,
        e: &ast::Expr,
        low: &ast::Expr,
        high: &ast::Expr,
        negated: bool,
        cx: Cx,
    ) -> Result<Expr> {
        let lower = Expr::Binary(BinaryOp::GtEq, self.boxed(e, cx)?, self.boxed(low, cx)?);
        let upper = Expr::Binary(BinaryOp::LtEq, self.boxed(e, cx)?, self.boxed(high, cx)?);
        let both = Expr::Binary(BinaryOp::And, Box::new(lower), Box::new(upper));
        Ok(if negated { Expr::Unary(ast::UnaryOp::Not, Box::new(both)) } else { both })
    }

    fn bind_in_list(&mut self, e: &ast::Expr, list: &[ast::Expr], negated: bool, cx: Cx) -> Result<Expr> {
        let expr = self.boxed(e, cx)?;
        let list = list.iter().map(|x| self.bind(x, cx)).collect::<Result<_>>()?;
        Ok(Expr::InList { expr, list, negated })
    }

    fn bind_in_subquery(&mut self, e: &ast::Expr, query: &ast::Query, negated: bool, cx: Cx) -> Result<Expr> {
        let expr = self.boxed(e, cx)?;
        let subquery = self.expression_subquery(query, true)?;
        Ok(Expr::InSubquery { expr, subquery, negated })
    }

    fn bind_exists(&mut self, query: &ast::Query, negated: bool) -> Result<Expr> {
        self.expression_subquery(query, false).map(|subquery| Expr::Exists { subquery, negated })
    }

    fn bind_scalar_subquery(&mut self, query: &ast::Query) -> Result<Expr> {
        self.expression_subquery(query, true).map(Expr::ScalarSubquery)
    }

    fn bind_like(
        &mut self,
        e: &ast::Expr,
        pattern: &ast::Expr,
        negated: bool,
        case_insensitive: bool,
        cx: Cx,
    ) -> Result<Expr> {
        let expr = self.boxed(e, cx)?;
        let pattern = self.boxed(pattern, cx)?;
        Ok(Expr::Like { expr, pattern, negated, case_insensitive })
    }

    fn bind_case(
        &mut self,
        operand: &Option<Box<ast::Expr>>,
        branches: &[(ast::Expr, ast::Expr)],
        else_result: &Option<Box<ast::Expr>>,
        cx: Cx,
    ) -> Result<Expr> {
        let operand = operand.as_deref().map(|o| self.boxed(o, cx)).transpose()?;
        let branches =
            branches.iter().map(|(w, t)| Ok((self.bind(w, cx)?, self.bind(t, cx)?))).collect::<Result<_>>()?;
        let else_result = else_result.as_deref().map(|e| self.boxed(e, cx)).transpose()?;
        Ok(Expr::Case { operand, branches, else_result })
    }

    fn bind_cast(&mut self, e: &ast::Expr, data_type: DataType, cx: Cx) -> Result<Expr> {
        self.boxed(e, cx).map(|x| Expr::Cast(x, data_type))
    }

    fn bind_function(&mut self, name: &str, args: &[ast::Expr], distinct: bool, star: bool, cx: Cx) -> Result<Expr> {
        if let Some(function) = aggregate_function(name) {
            return match cx.mode {
                Mode::Plain => {
                    Err(Error::GroupingError(format!("aggregate functions are not allowed in {}", cx.clause.name())))
                }
                Mode::InAggregate => Err(Error::GroupingError("aggregate function calls cannot be nested".into())),
                Mode::Grouped => self.bind_aggregate(name, function, args, distinct, star, cx),
            };
        }
        if star {
            return Err(Error::UndefinedFunction(format!("{name}(*)")));
        }
        let bound = args.iter().map(|a| self.bind(a, cx)).collect::<Result<Vec<_>>>()?;
        let Some((function, least, most)) = scalar_function(name) else {
            return Err(self.undefined_function(name, &bound, cx.mode));
        };
        if distinct {
            return Err(syntax(format!("DISTINCT specified, but {name} is not an aggregate function")));
        }
        if bound.len() < least || bound.len() > most {
            return Err(self.undefined_function(name, &bound, cx.mode));
        }
        Ok(Expr::Function(function, bound))
    }

    /// 42883 `function name(integer, text) does not exist`, with the argument types where
    /// they are evident (`unknown` elsewhere, and for arguments over an aggregate's row).
    pub(super) fn undefined_function(&self, name: &str, args: &[Expr], mode: Mode) -> Error {
        let types: Vec<&str> = args
            .iter()
            .map(|a| match mode {
                Mode::Grouped => None,
                Mode::Plain | Mode::InAggregate => self.static_type(a),
            })
            .map(|t| t.map_or("unknown", DataType::sql_name))
            .collect();
        Error::UndefinedFunction(format!("{name}({})", types.join(", ")))
    }

    /// Plans a subquery used in an expression and registers it; `one_column` for IN and
    /// scalar subqueries.
    fn expression_subquery(&mut self, query: &ast::Query, one_column: bool) -> Result<usize> {
        let (plan, correlated) = self.query(query)?;
        if one_column && plan.columns.len() != 1 {
            return Err(syntax(if plan.columns.len() > 1 {
                "subquery has too many columns"
            } else {
                "subquery must return only one column"
            }));
        }
        self.subqueries.push(Subquery { root: plan.root, width: plan.columns.len(), correlated });
        Ok(self.subqueries.len() - 1)
    }
}

/// The name PostgreSQL gives an output column computed by `e`.
pub(super) fn output_name(e: &ast::Expr) -> String {
    use ast::Expr as A;
    match e {
        A::Column { name, .. } => name.clone(),
        A::Function { name, .. } => name.clone(),
        A::Case { .. } => "case".into(),
        A::Exists { .. } => "exists".into(),
        A::Cast { expr, data_type } => match output_name(expr) {
            inner if inner != "?column?" => inner,
            _ => cast_name(*data_type).into(),
        },
        A::ScalarSubquery(query) => match query.select.projection.first() {
            Some(ast::SelectItem::Expr { alias: Some(alias), .. }) => alias.clone(),
            Some(ast::SelectItem::Expr { expr, .. }) => output_name(expr),
            _ => "?column?".into(),
        },
        _ => "?column?".into(),
    }
}

/// PostgreSQL's internal name of a type, which names a cast's output column.
fn cast_name(t: DataType) -> &'static str {
    match t {
        DataType::Integer => "int4",
        DataType::Real => "float8",
        DataType::Text => "text",
        DataType::Boolean => "bool",
    }
}
