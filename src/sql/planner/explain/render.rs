//! Expressions as EXPLAIN prints them: column names from the row the expression reads,
//! `$n` for parameters, PostgreSQL's parenthesised operators, `SubPlan N` for subqueries.

use crate::sql::ast::{BinaryOp, UnaryOp};
use crate::sql::plan::{AggregateCall, AggregateFunction, Expr};
use crate::types::{format_real, Value};

use super::{Explainer, SubPlans};

impl Explainer<'_> {
    pub(super) fn render_aggregate(&mut self, call: &AggregateCall, names: &[String]) -> String {
        let name = match call.function {
            AggregateFunction::Count | AggregateFunction::CountStar => "count",
            AggregateFunction::Sum => "sum",
            AggregateFunction::Min => "min",
            AggregateFunction::Max => "max",
            AggregateFunction::Avg => "avg",
        };
        let distinct = if call.distinct { "DISTINCT " } else { "" };
        let arg = match &call.arg {
            Some(a) => self.render(a, names, &mut SubPlans::new()),
            None => "*".to_string(),
        };
        format!("{name}({distinct}{arg})")
    }

    pub(super) fn render_list(&mut self, exprs: &[Expr], names: &[String], subplans: &mut SubPlans) -> String {
        exprs.iter().map(|e| self.render(e, names, subplans)).collect::<Vec<_>>().join(", ")
    }

    /// An expression over a row whose columns are `names`; subqueries it uses are added to
    /// `subplans`. A thin dispatcher, for the same reason as the binder's (stack depth).
    pub(super) fn render(&mut self, e: &Expr, names: &[String], subplans: &mut SubPlans) -> String {
        match e {
            Expr::Column(i) => names.get(*i).cloned().unwrap_or_else(|| "?column?".into()),
            Expr::Outer { depth, index } => self.render_outer(*depth, *index),
            Expr::Literal(v) => literal(v),
            Expr::Parameter(i) => format!("${}", i + 1),
            Expr::Unary(op, x) => self.render_unary(*op, x, names, subplans),
            Expr::Binary(op @ (BinaryOp::And | BinaryOp::Or), ..) => self.render_chain(e, *op, names, subplans),
            Expr::Binary(op, l, r) => self.render_binary(*op, l, r, names, subplans),
            Expr::IsNull { expr, negated } => {
                self.render_postfix(expr, if *negated { "IS NOT NULL" } else { "IS NULL" }, names, subplans)
            }
            Expr::IsBool { expr, value, negated } => {
                let test = match (negated, value) {
                    (false, true) => "IS TRUE",
                    (false, false) => "IS FALSE",
                    (true, true) => "IS NOT TRUE",
                    (true, false) => "IS NOT FALSE",
                };
                self.render_postfix(expr, test, names, subplans)
            }
            Expr::InList { expr, list, negated } => self.render_in_list(expr, list, *negated, names, subplans),
            Expr::InSubquery { expr, subquery, negated } => {
                self.render_in_subquery(expr, *subquery, *negated, names, subplans)
            }
            Expr::Exists { subquery, negated } => {
                let s = subplan(*subquery, names, subplans);
                if *negated {
                    format!("(NOT EXISTS({s}))")
                } else {
                    format!("EXISTS({s})")
                }
            }
            Expr::ScalarSubquery(s) => format!("({})", subplan(*s, names, subplans)),
            Expr::Like { expr, pattern, negated, case_insensitive } => {
                let op = match (negated, case_insensitive) {
                    (false, false) => "LIKE",
                    (false, true) => "ILIKE",
                    (true, false) => "NOT LIKE",
                    (true, true) => "NOT ILIKE",
                };
                self.render_infix(expr, op, pattern, names, subplans)
            }
            Expr::Function(f, args) => self.render_call(f.name(), args, names, subplans),
            Expr::Case { operand, branches, else_result } => {
                self.render_case(operand, branches, else_result, names, subplans)
            }
            Expr::Cast(x, t) => self.render_cast(x, t.sql_name(), names, subplans),
        }
    }

    fn render_outer(&self, depth: usize, index: usize) -> String {
        let at = self.outer.len().checked_sub(depth);
        at.and_then(|at| self.outer[at].get(index)).cloned().unwrap_or_else(|| "$outer".into())
    }

    fn render_unary(&mut self, op: UnaryOp, x: &Expr, names: &[String], subplans: &mut SubPlans) -> String {
        let x = self.render(x, names, subplans);
        match op {
            UnaryOp::Not => format!("(NOT {x})"),
            UnaryOp::Minus => format!("(-{x})"),
            UnaryOp::Plus => format!("(+{x})"),
        }
    }

    /// `(a AND b AND c)` rather than `((a AND b) AND c)`, as PostgreSQL prints.
    fn render_chain(&mut self, e: &Expr, op: BinaryOp, names: &[String], subplans: &mut SubPlans) -> String {
        let mut operands = Vec::new();
        flatten(e, op, &mut operands);
        let parts: Vec<String> = operands.into_iter().map(|x| self.render(x, names, subplans)).collect();
        format!("({})", parts.join(&format!(" {} ", op.symbol())))
    }

    fn render_binary(&mut self, op: BinaryOp, l: &Expr, r: &Expr, names: &[String], subplans: &mut SubPlans) -> String {
        self.render_infix(l, op.symbol(), r, names, subplans)
    }

    fn render_infix(&mut self, l: &Expr, op: &str, r: &Expr, names: &[String], subplans: &mut SubPlans) -> String {
        let l = self.render(l, names, subplans);
        let r = self.render(r, names, subplans);
        format!("({l} {op} {r})")
    }

    fn render_postfix(&mut self, x: &Expr, test: &str, names: &[String], subplans: &mut SubPlans) -> String {
        let x = self.render(x, names, subplans);
        format!("({x} {test})")
    }

    fn render_in_list(
        &mut self,
        x: &Expr,
        list: &[Expr],
        negated: bool,
        names: &[String],
        subplans: &mut SubPlans,
    ) -> String {
        let x = self.render(x, names, subplans);
        let list = self.render_list(list, names, subplans);
        format!("({x} {}IN ({list}))", if negated { "NOT " } else { "" })
    }

    fn render_in_subquery(
        &mut self,
        x: &Expr,
        s: usize,
        negated: bool,
        names: &[String],
        subplans: &mut SubPlans,
    ) -> String {
        let x = self.render(x, names, subplans);
        format!("({x} {}IN ({}))", if negated { "NOT " } else { "" }, subplan(s, names, subplans))
    }

    fn render_call(&mut self, name: &str, args: &[Expr], names: &[String], subplans: &mut SubPlans) -> String {
        let args = self.render_list(args, names, subplans);
        format!("{name}({args})")
    }

    fn render_case(
        &mut self,
        operand: &Option<Box<Expr>>,
        branches: &[(Expr, Expr)],
        else_result: &Option<Box<Expr>>,
        names: &[String],
        subplans: &mut SubPlans,
    ) -> String {
        let mut text = "CASE".to_string();
        if let Some(o) = operand {
            text += &format!(" {}", self.render(o, names, subplans));
        }
        for (w, t) in branches {
            let (w, t) = (self.render(w, names, subplans), self.render(t, names, subplans));
            text += &format!(" WHEN {w} THEN {t}");
        }
        if let Some(e) = else_result {
            text += &format!(" ELSE {}", self.render(e, names, subplans));
        }
        text + " END"
    }

    fn render_cast(&mut self, x: &Expr, type_name: &str, names: &[String], subplans: &mut SubPlans) -> String {
        let x = self.render(x, names, subplans);
        format!("({x})::{type_name}")
    }
}

/// Registers a use of subquery `s` (evaluated against a row named `names`) and names it.
fn subplan(s: usize, names: &[String], subplans: &mut SubPlans) -> String {
    if !subplans.iter().any(|(x, _)| *x == s) {
        subplans.push((s, names.to_vec()));
    }
    format!("SubPlan {}", s + 1)
}

fn literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Text(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Boolean(b) => b.to_string(),
        Value::Real(r) => format_real(*r),
        Value::Integer(i) => i.to_string(),
    }
}

/// The operands of a chain of `op` (AND or OR), left to right.
fn flatten<'e>(e: &'e Expr, op: BinaryOp, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::Binary(o, l, r) if *o == op => {
            flatten(l, op, out);
            flatten(r, op, out);
        }
        other => out.push(other),
    }
}
