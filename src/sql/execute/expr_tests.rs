//! Unit tests of expression evaluation (`expr.rs`), with hand-built plan expressions.

use super::*;
use crate::sql::ast::UnaryOp;
use crate::sql::execute::test_support::{bin, col, lit, null, scope, ScriptedRunner};
use crate::types::DataType;

fn ev(e: &Expr) -> Result<Value> {
    scope(&[]).eval(e, &[])
}

fn b(v: bool) -> Expr {
    lit(v)
}

#[test]
fn three_valued_and_or() {
    use BinaryOp::{And, Or};
    let cases = [
        (And, null(), b(false), Value::Boolean(false)),
        (And, b(false), null(), Value::Boolean(false)),
        (And, null(), b(true), Value::Null),
        (And, b(true), b(true), Value::Boolean(true)),
        (Or, null(), b(true), Value::Boolean(true)),
        (Or, b(true), null(), Value::Boolean(true)),
        (Or, null(), b(false), Value::Null),
        (Or, b(false), b(false), Value::Boolean(false)),
    ];
    for (op, l, r, expected) in cases {
        let got = ev(&bin(op, l.clone(), r.clone())).unwrap();
        assert!(got == expected && got.is_null() == expected.is_null(), "{l:?} {op:?} {r:?} = {got:?}");
    }
    // The right side is not evaluated when the left decides.
    let boom = bin(BinaryOp::Eq, bin(BinaryOp::Divide, lit(1), lit(0)), lit(1));
    assert_eq!(ev(&bin(And, b(false), boom.clone())).unwrap(), Value::Boolean(false));
    assert_eq!(ev(&bin(Or, b(true), boom.clone())).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&bin(And, b(true), boom)), Err(Error::DivisionByZero));
    assert_eq!(ev(&bin(And, lit(1), b(true))).unwrap_err().sqlstate(), "42804");
}

#[test]
fn columns_parameters_and_outer_rows() {
    let row = [Value::Integer(10), Value::text("x")];
    let s = scope(&[]);
    assert_eq!(s.eval(&col(1), &row).unwrap(), Value::text("x"));
    assert_eq!(s.eval(&col(2), &row).unwrap_err().sqlstate(), "XX000");

    let params = [Value::Integer(5)];
    let s = scope(&params);
    assert_eq!(s.eval_const(&Expr::Parameter(0)).unwrap(), Value::Integer(5));
    assert_eq!(s.eval_const(&Expr::Parameter(1)), Err(Error::UndefinedParameter(2)));

    let grandparent = push_frame(&[Value::Integer(1)], &None);
    let parent = push_frame(&[Value::Integer(2), Value::Integer(3)], &grandparent);
    let s = Scope::new(&[], &crate::sql::execute::test_support::NoSubqueries, parent);
    assert_eq!(s.eval_const(&Expr::Outer { depth: 1, index: 1 }).unwrap(), Value::Integer(3));
    assert_eq!(s.eval_const(&Expr::Outer { depth: 2, index: 0 }).unwrap(), Value::Integer(1));
    for (depth, index) in [(3, 0), (0, 0), (2, 1)] {
        assert_eq!(s.eval_const(&Expr::Outer { depth, index }).unwrap_err().sqlstate(), "XX000");
    }
}

#[test]
fn null_tests_and_is_bool() {
    let is_null = |e: Expr, negated| Expr::IsNull { expr: Box::new(e), negated };
    assert_eq!(ev(&is_null(null(), false)).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&is_null(lit(1), true)).unwrap(), Value::Boolean(true));
    let is_bool = |e: Expr, value, negated| Expr::IsBool { expr: Box::new(e), value, negated };
    assert_eq!(ev(&is_bool(null(), true, false)).unwrap(), Value::Boolean(false));
    assert_eq!(ev(&is_bool(null(), false, true)).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&is_bool(b(true), true, false)).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&is_bool(b(false), true, true)).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&is_bool(lit(1), true, false)).unwrap_err().sqlstate(), "42804");
}

#[test]
fn in_list_and_comparisons() {
    let in_list = |x: Expr, list: Vec<Expr>, negated| Expr::InList { expr: Box::new(x), list, negated };
    assert_eq!(ev(&in_list(lit(1), vec![lit(1), null()], false)).unwrap(), Value::Boolean(true));
    assert!(ev(&in_list(lit(2), vec![lit(1), null()], false)).unwrap().is_null());
    assert!(ev(&in_list(lit(2), vec![lit(1), null()], true)).unwrap().is_null());
    assert_eq!(ev(&in_list(lit(2), vec![lit(1), lit(3)], true)).unwrap(), Value::Boolean(true));
    assert!(ev(&in_list(null(), vec![lit(1)], false)).unwrap().is_null());
    assert!(ev(&bin(BinaryOp::Lt, null(), lit(1))).unwrap().is_null());
    assert_eq!(ev(&bin(BinaryOp::GtEq, lit(2), lit(1.5))).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&bin(BinaryOp::Concat, lit("a"), lit(2))).unwrap(), Value::text("a2"));
    let neg = Expr::Unary(UnaryOp::Minus, Box::new(lit(i64::MIN)));
    assert_eq!(ev(&neg), Err(Error::NumericOutOfRange("integer")));
}

#[test]
fn like_case_cast_and_functions() {
    let like = |v: Expr, p: &str, negated| Expr::Like {
        expr: Box::new(v),
        pattern: Box::new(lit(p)),
        negated,
        case_insensitive: false,
    };
    assert_eq!(ev(&like(lit("abc"), "a%", false)).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&like(lit("abc"), "a%", true)).unwrap(), Value::Boolean(false));
    assert!(ev(&like(null(), "a%", true)).unwrap().is_null());

    let searched = Expr::Case {
        operand: None,
        branches: vec![(null(), lit("null")), (b(false), lit("no")), (b(true), lit("yes"))],
        else_result: None,
    };
    assert_eq!(ev(&searched).unwrap(), Value::text("yes"));
    let simple = |x: Expr| Expr::Case {
        operand: Some(Box::new(x)),
        branches: vec![(null(), lit("null")), (lit(1), lit("one")), (lit(2), lit("two"))],
        else_result: Some(Box::new(lit("other"))),
    };
    assert_eq!(ev(&simple(lit(2))).unwrap(), Value::text("two"));
    assert_eq!(ev(&simple(null())).unwrap(), Value::text("other"));
    assert_eq!(ev(&simple(lit(9))).unwrap(), Value::text("other"));
    let no_else = Expr::Case { operand: None, branches: vec![(b(false), lit(1))], else_result: None };
    assert!(ev(&no_else).unwrap().is_null());

    let cast = |e: Expr, t| Expr::Cast(Box::new(e), t);
    assert!(matches!(ev(&cast(lit(2.5), DataType::Integer)).unwrap(), Value::Integer(3)));
    assert_eq!(ev(&cast(lit("x"), DataType::Integer)).unwrap_err().sqlstate(), "22P02");

    let div0 = bin(BinaryOp::Divide, lit(1), lit(0));
    let coalesce = Expr::Function(ScalarFunction::Coalesce, vec![null(), lit(1), div0.clone()]);
    assert_eq!(ev(&coalesce).unwrap(), Value::Integer(1));
    let upper = Expr::Function(ScalarFunction::Upper, vec![lit("a")]);
    assert_eq!(ev(&upper).unwrap(), Value::text("A"));
    let nullif = Expr::Function(ScalarFunction::NullIf, vec![lit(1), div0]);
    assert_eq!(ev(&nullif), Err(Error::DivisionByZero));
}

#[test]
fn subqueries_through_the_runner() {
    // Subquery 0: no rows; 1: one row; 2: two rows; 3: values 1 and NULL;
    // 4: correlated, returns the current row's first column plus one.
    let runner = ScriptedRunner::new(|index, row, _outer| {
        Ok(match index {
            0 => vec![],
            1 => vec![vec![Value::Integer(7)]],
            2 => vec![vec![Value::Integer(1)], vec![Value::Integer(2)]],
            3 => vec![vec![Value::Integer(1)], vec![Value::Null]],
            _ => vec![vec![crate::sql::execute::arith::arithmetic(BinaryOp::Add, &row[0], &Value::Integer(1))?]],
        })
    });
    let s = Scope::new(&[], &runner, None);
    let ev = |e: &Expr| s.eval(e, &[Value::Integer(41)]);
    assert!(ev(&Expr::ScalarSubquery(0)).unwrap().is_null());
    assert_eq!(ev(&Expr::ScalarSubquery(1)).unwrap(), Value::Integer(7));
    assert_eq!(ev(&Expr::ScalarSubquery(2)), Err(Error::CardinalityViolation));
    assert_eq!(ev(&Expr::ScalarSubquery(4)).unwrap(), Value::Integer(42));
    assert_eq!(ev(&Expr::Exists { subquery: 0, negated: false }).unwrap(), Value::Boolean(false));
    assert_eq!(ev(&Expr::Exists { subquery: 0, negated: true }).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&Expr::Exists { subquery: 2, negated: false }).unwrap(), Value::Boolean(true));
    let in_sub = |x: Expr, subquery, negated| Expr::InSubquery { expr: Box::new(x), subquery, negated };
    assert_eq!(ev(&in_sub(lit(1), 3, false)).unwrap(), Value::Boolean(true));
    assert!(ev(&in_sub(lit(2), 3, false)).unwrap().is_null());
    assert!(ev(&in_sub(lit(2), 3, true)).unwrap().is_null());
    assert_eq!(ev(&in_sub(lit(2), 2, false)).unwrap(), Value::Boolean(true));
    assert_eq!(ev(&in_sub(null(), 0, false)).unwrap(), Value::Boolean(false));
    assert_eq!(ev(&in_sub(null(), 0, true)).unwrap(), Value::Boolean(true));
    assert!(ev(&in_sub(null(), 1, false)).unwrap().is_null());
    assert_eq!(ev(&in_sub(col(0), 4, false)).unwrap(), Value::Boolean(false));
    assert!(runner.calls.get() > 10);
}
