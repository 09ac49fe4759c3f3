//! Choosing how a scan reaches its rows.
//!
//! The input is the scan's filter, split into conjuncts over the scan's row. A *key condition*
//! is a conjunct `column op value` or `value op column` with `op` one of `= < <= > >=` and a
//! value that is constant while the scan runs (no column of the scan's own query level, no
//! subquery: literals, parameters, outer references and expressions of them). BETWEEN arrives
//! here already split into `>=` and `<=`.
//!
//! For an ordered list of key columns (the primary key, or an index's columns) the range is:
//! the values of the longest prefix of columns that have an equality, then, on the next
//! column, the first lower and the first upper bound found. Bounds are prefixes of the key:
//! `a = 1 AND b > 5` over `(a, b, c)` is `lower: Excluded([1, 5])`, `upper: Included([1])`,
//! a bound comparing only as many leading columns as it has values.
//!
//! Choice, first that applies: the primary key (whole-key equality is a point; an equality
//! prefix or a bound on the leading column is a range); a unique index with equality on all
//! its columns; the index with the longest equality prefix (the first on a tie); the first
//! index with a bound on its leading column; a full scan.
//!
//! The conditions that make up the chosen range are reported ([`AccessChoice::used`]): a plain
//! scan needs them no more in its filter, since every row the range yields satisfies them (the
//! executor reads bound values as the comparison would, and a NULL bound yields no row, as the
//! comparison yields no TRUE). A scan that locks rows or feeds a write keeps them: its rows are
//! re-checked on their newest version, which may have left the range.
//!
//! Literal types: a literal that cannot compare with the column (a number against text, a
//! boolean against a number) or NULL is not used; nor is a parameter of a template that stands
//! for such a literal (`plan_template`). A text literal against a numeric or boolean
//! column is used as it is: the executor reads bound values as the key column's type, as the
//! comparison in the filter does (PostgreSQL types `id = '7'` as `id = 7`).

use std::ops::Bound;

use crate::sql::ast::BinaryOp;
use crate::sql::plan::{AccessPath, Expr, KeyRange};
use crate::types::{DataType, TableSchema};

use super::rewrite::is_constant;

/// `column op value`, normalised so the column is on the left; `conjunct` is its position in
/// the filter.
struct KeyCondition {
    conjunct: usize,
    column: usize,
    op: BinaryOp,
    value: Expr,
}

/// A usable range over some key columns, and the conjuncts it is made of.
struct Candidate {
    range: KeyRange,
    equalities: usize,
    full_equality: bool,
    used: Vec<usize>,
}

/// An access path, and the positions of the filter's conjuncts its range is made of.
pub(super) struct AccessChoice {
    pub access: AccessPath,
    pub used: Vec<usize>,
}

/// Chooses the access path of a scan of `schema` whose filter is `conjuncts`.
/// `literal_types` are the types of the literals a template's parameters stand for.
pub(super) fn choose_access_path(
    schema: &TableSchema,
    conjuncts: &[Expr],
    literal_types: &[Option<DataType>],
) -> AccessChoice {
    let full_scan = AccessChoice { access: AccessPath::FullScan, used: Vec::new() };
    let conditions: Vec<KeyCondition> =
        conjuncts.iter().enumerate().filter_map(|(i, c)| key_condition(schema, i, c, literal_types)).collect();
    if conditions.is_empty() {
        return full_scan;
    }
    if let Some(pk) = key_range(&schema.primary_key, &conditions) {
        return AccessChoice { access: AccessPath::PrimaryKey(pk.range), used: pk.used };
    }
    let candidates: Vec<(usize, Candidate)> = schema
        .indexes
        .iter()
        .enumerate()
        .filter_map(|(i, index)| key_range(&index.columns, &conditions).map(|c| (i, c)))
        .collect();
    let unique_point = candidates.iter().position(|(i, c)| c.full_equality && schema.indexes[*i].unique);
    let longest_prefix = candidates
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| c.equalities > 0)
        .max_by_key(|(k, (_, c))| (c.equalities, std::cmp::Reverse(*k)))
        .map(|(k, _)| k);
    let chosen = unique_point.or(longest_prefix).or(if candidates.is_empty() { None } else { Some(0) });
    match chosen.and_then(|k| candidates.into_iter().nth(k)) {
        Some((index, candidate)) => {
            AccessChoice { access: AccessPath::Index { index, range: candidate.range }, used: candidate.used }
        }
        None => full_scan,
    }
}

/// The conjuncts a plain scan still has to check once `used` ones are guaranteed by its range.
pub(super) fn remaining(conjuncts: Vec<Expr>, used: &[usize]) -> Vec<Expr> {
    conjuncts.into_iter().enumerate().filter(|(i, _)| !used.contains(i)).map(|(_, c)| c).collect()
}

fn flip(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::LtEq => BinaryOp::GtEq,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::GtEq => BinaryOp::LtEq,
        other => other,
    }
}

fn key_condition(
    schema: &TableSchema,
    position: usize,
    conjunct: &Expr,
    literal_types: &[Option<DataType>],
) -> Option<KeyCondition> {
    let Expr::Binary(op, left, right) = conjunct else {
        return None;
    };
    if !matches!(op, BinaryOp::Eq | BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq) {
        return None;
    }
    let (column, op, value) = match (&**left, &**right) {
        (Expr::Column(c), value) if is_constant(value) => (*c, *op, value),
        (value, Expr::Column(c)) if is_constant(value) => (*c, flip(*op), value),
        _ => return None,
    };
    // System columns (past the table's columns) are in no index.
    let data_type = schema.columns.get(column)?.data_type;
    Some(KeyCondition { conjunct: position, column, op, value: key_value(value, data_type, literal_types)? })
}

/// The value as a key of a `column_type` column, or `None` when it cannot be one.
fn key_value(value: &Expr, column_type: DataType, literal_types: &[Option<DataType>]) -> Option<Expr> {
    let literal_type = match value {
        Expr::Literal(v) => v.data_type(),
        Expr::Parameter(i) => match literal_types.get(*i) {
            Some(&stands_for) => stands_for,
            None => return Some(value.clone()),
        },
        _ => return Some(value.clone()),
    };
    match (literal_type?, column_type) {
        (a, b) if a == b => Some(value.clone()),
        (a, b) if a.is_numeric() && b.is_numeric() => Some(value.clone()),
        (DataType::Text, _) => Some(value.clone()),
        _ => None,
    }
}

/// The range the conditions give over `columns`, if they constrain the first one.
fn key_range(columns: &[usize], conditions: &[KeyCondition]) -> Option<Candidate> {
    let find = |column: usize, ops: &[BinaryOp]| conditions.iter().find(|k| k.column == column && ops.contains(&k.op));
    let mut prefix = Vec::new();
    let mut used = Vec::new();
    for &column in columns {
        match find(column, &[BinaryOp::Eq]) {
            Some(k) => {
                prefix.push(k.value.clone());
                used.push(k.conjunct);
            }
            None => break,
        }
    }
    let equalities = prefix.len();
    let Some(&next) = columns.get(equalities) else {
        if columns.is_empty() {
            return None;
        }
        let range = KeyRange { lower: Bound::Included(prefix.clone()), upper: Bound::Included(prefix) };
        return Some(Candidate { range, equalities, full_equality: true, used });
    };
    let lower = find(next, &[BinaryOp::Gt, BinaryOp::GtEq]);
    let upper = find(next, &[BinaryOp::Lt, BinaryOp::LtEq]);
    if equalities == 0 && lower.is_none() && upper.is_none() {
        return None;
    }
    let bound = |condition: Option<&KeyCondition>, inclusive: BinaryOp| match condition {
        Some(k) => {
            let mut values = prefix.clone();
            values.push(k.value.clone());
            if k.op == inclusive {
                Bound::Included(values)
            } else {
                Bound::Excluded(values)
            }
        }
        None if equalities > 0 => Bound::Included(prefix.clone()),
        None => Bound::Unbounded,
    };
    let range = KeyRange { lower: bound(lower, BinaryOp::GtEq), upper: bound(upper, BinaryOp::LtEq) };
    used.extend(lower.iter().chain(&upper).map(|k| k.conjunct));
    Some(Candidate { range, equalities, full_equality: false, used })
}
