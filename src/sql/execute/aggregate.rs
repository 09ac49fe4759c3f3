//! Grouping and aggregate functions.
//!
//! Hash aggregation: each input row's GROUP BY values are the key of a `HashMap` entry
//! holding one accumulator per aggregate call. The input is consumed when the node starts.
//! Groups are then **emitted in ascending order of their key values** (by [`Value`]'s total
//! order, so a NULL group comes first), which makes GROUP BY output deterministic without an
//! ORDER BY (PostgreSQL promises no order; this is a stable, documented choice). Without GROUP
//! BY there is exactly one group, also over empty input.
//!
//! | aggregate    | over integers       | over reals | no (non-NULL) rows |
//! |--------------|---------------------|------------|--------------------|
//! | `count(*)`   | rows                | rows       | 0                  |
//! | `count(x)`   | non-NULL values     | same       | 0                  |
//! | `sum(x)`     | integer, 22003 on overflow | real | NULL             |
//! | `avg(x)`     | real                | real       | NULL               |
//! | `min`, `max` | by value            | by value   | NULL               |
//!
//! NULL inputs are skipped. `DISTINCT` keeps a set of the values already fed to the
//! accumulator (equal numbers such as `1` and `1.0` count once, as `=` says).

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result};
use crate::sql::plan::{AccessPath, AggregateCall, AggregateFunction, Expr, Node};
use crate::txn::ScanRange;
use crate::types::{Row, Value};

use super::compare::type_name;
use super::expr::Scope;
use super::node::Executor;
use super::RowIter;

/// Aggregates without GROUP BY over a whole table read without a filter, when every argument
/// is a column of the table (`SELECT count(*), sum(k) FROM t`): the values are read where they
/// are stored, one batch of rows at a time, and no row is built. `None` when the plan is not of
/// that shape; then [`aggregate`] does the work.
pub(crate) fn over_table<'e>(
    ex: &Executor<'_>,
    input: &Node,
    group_by: &[Expr],
    aggregates: &[AggregateCall],
) -> Result<Option<RowIter<'e>>> {
    let Node::Scan { table, access: AccessPath::FullScan, filter: None } = input else { return Ok(None) };
    if !group_by.is_empty() {
        return Ok(None);
    }
    // The column each call reads (`count(*)` reads none).
    let width = table.schema.columns.len();
    let mut columns = Vec::with_capacity(aggregates.len());
    for call in aggregates {
        columns.push(match call.arg {
            None => None,
            Some(Expr::Column(i)) if i < width => Some(i),
            Some(_) => return Ok(None),
        });
    }
    let mut states = new_states(aggregates)?;
    ex.txn.scan(ex.table(table)?, ScanRange::all()).for_each_row(|values| {
        for (state, column) in states.iter_mut().zip(&columns) {
            state.add(column.map_or(&Value::Null, |i| &values[i]))?;
        }
        Ok(())
    })?;
    let row: Row = states.into_iter().map(State::finish).collect();
    Ok(Some(Box::new(std::iter::once(Ok(row)))))
}

/// One accumulator per call of `aggregates`.
fn new_states(aggregates: &[AggregateCall]) -> Result<Vec<State>> {
    aggregates.iter().map(State::new).collect()
}

/// Groups `input` by `group_by` and computes `aggregates` per group.
pub(crate) fn aggregate<'e>(
    input: RowIter<'e>,
    group_by: &'e [Expr],
    aggregates: &'e [AggregateCall],
    scope: Scope<'e>,
) -> Result<RowIter<'e>> {
    let accumulate = |states: &mut [State], row: &Row| {
        for (state, call) in states.iter_mut().zip(aggregates) {
            match &call.arg {
                Some(arg) => state.add(&scope.eval(arg, row)?)?,
                None => state.add(&Value::Null)?,
            }
        }
        Ok::<_, Error>(())
    };
    let fresh = new_states(aggregates)?;
    let mut groups: HashMap<Row, Vec<State>> = HashMap::new();
    if group_by.is_empty() {
        // One group: no key to compute or hash per row.
        let mut states = fresh;
        for row in input {
            accumulate(&mut states, &row?)?;
        }
        groups.insert(Vec::new(), states);
    } else {
        for row in input {
            let row = row?;
            let key = scope.eval_all(group_by, &row)?;
            accumulate(groups.entry(key).or_insert_with(|| fresh.clone()), &row)?;
        }
    }
    let mut groups: Vec<(Row, Vec<State>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let rows = groups
        .into_iter()
        .map(|(mut key, states)| {
            key.extend(states.into_iter().map(State::finish));
            Ok(key)
        })
        .collect::<Vec<Result<Row>>>();
    Ok(Box::new(rows.into_iter()))
}

/// One aggregate call's accumulator within one group.
#[derive(Clone)]
struct State {
    acc: Acc,
    /// Values already accumulated, for DISTINCT.
    seen: Option<HashSet<Value>>,
}

/// The running value of one aggregate; `Rows` is `count(*)`'s, which counts every row fed to
/// it whatever the value.
#[derive(Clone)]
enum Acc {
    Rows(i64),
    Count(i64),
    Sum(Sum),
    Avg { sum: Sum, count: i64 },
    Min(Option<Value>),
    Max(Option<Value>),
}

/// A running sum: integers until a real shows up. Averages sum integers in 128 bits.
#[derive(Clone, Copy)]
enum Sum {
    Empty,
    Integer(i128),
    Real(f64),
}

impl Sum {
    fn add(self, v: &Value, function: &str) -> Result<Sum> {
        Ok(match (self, v) {
            (Sum::Empty, Value::Integer(i)) => Sum::Integer(i128::from(*i)),
            (Sum::Empty, Value::Real(r)) => Sum::Real(*r),
            (Sum::Integer(s), Value::Integer(i)) => Sum::Integer(s.saturating_add(i128::from(*i))),
            (Sum::Integer(s), Value::Real(r)) => Sum::Real(s as f64 + r),
            (Sum::Real(s), Value::Integer(i)) => Sum::Real(s + *i as f64),
            (Sum::Real(s), Value::Real(r)) => Sum::Real(s + r),
            (_, other) => return Err(Error::UndefinedFunction(format!("{function}({})", type_name(other)))),
        })
    }
}

/// Reports the overflow of an integer sum as soon as it happens, as PostgreSQL's int sums
/// would.
#[inline]
fn check_integer_sum(sum: i128) -> Result<()> {
    match i64::try_from(sum) {
        Ok(_) => Ok(()),
        Err(_) => Err(Error::NumericOutOfRange("integer")),
    }
}

impl State {
    fn new(call: &AggregateCall) -> Result<State> {
        if call.arg.is_none() && call.function != AggregateFunction::CountStar {
            return Err(Error::Internal(format!("{:?} without an argument", call.function)));
        }
        let acc = match call.function {
            AggregateFunction::CountStar => Acc::Rows(0),
            AggregateFunction::Count => Acc::Count(0),
            AggregateFunction::Sum => Acc::Sum(Sum::Empty),
            AggregateFunction::Avg => Acc::Avg { sum: Sum::Empty, count: 0 },
            AggregateFunction::Min => Acc::Min(None),
            AggregateFunction::Max => Acc::Max(None),
        };
        let seen = (call.distinct && call.function != AggregateFunction::CountStar).then(HashSet::new);
        Ok(State { acc, seen })
    }

    /// Accumulates one row's argument (`count(*)` counts the row whatever `value` is). Counting
    /// rows and adding an integer to an integer sum without DISTINCT, the commonest cases, are
    /// decided here, inline in the loop that reads the rows; the rest in
    /// [`add_value`](Self::add_value).
    #[inline]
    fn add(&mut self, value: &Value) -> Result<()> {
        match (&mut self.acc, value, &self.seen) {
            (Acc::Rows(n), _, _) => {
                *n = n.saturating_add(1);
                Ok(())
            }
            (Acc::Sum(Sum::Integer(s)), Value::Integer(i), None) => {
                // No overflow of i128: the sum is within i64, checked after every addition.
                *s += i128::from(*i);
                check_integer_sum(*s)
            }
            _ => self.add_value(value),
        }
    }

    /// [`add`](Self::add) for any argument and accumulator. Never inlined, so that `add` stays
    /// small enough to be.
    #[inline(never)]
    fn add_value(&mut self, value: &Value) -> Result<()> {
        match &mut self.acc {
            Acc::Rows(n) => *n = n.saturating_add(1),
            _ if value.is_null() => {}
            _ if self.seen.as_mut().is_some_and(|seen| !seen.insert(value.clone())) => {}
            Acc::Count(n) => *n = n.saturating_add(1),
            Acc::Sum(sum) => {
                *sum = sum.add(value, "sum")?;
                if let Sum::Integer(s) = sum {
                    check_integer_sum(*s)?;
                }
            }
            Acc::Avg { sum, count } => {
                *sum = sum.add(value, "avg")?;
                *count = count.saturating_add(1);
            }
            Acc::Min(best) => {
                if best.as_ref().is_none_or(|b| value < b) {
                    *best = Some(value.clone());
                }
            }
            Acc::Max(best) => {
                if best.as_ref().is_none_or(|b| value > b) {
                    *best = Some(value.clone());
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Value {
        match self.acc {
            Acc::Rows(n) | Acc::Count(n) => Value::Integer(n),
            Acc::Sum(Sum::Empty) | Acc::Avg { sum: Sum::Empty, .. } => Value::Null,
            Acc::Sum(Sum::Integer(s)) => i64::try_from(s).map_or(Value::Null, Value::Integer),
            Acc::Sum(Sum::Real(r)) => Value::Real(r),
            Acc::Avg { sum: Sum::Integer(s), count } => Value::Real(s as f64 / count as f64),
            Acc::Avg { sum: Sum::Real(r), count } => Value::Real(r / count as f64),
            Acc::Min(v) | Acc::Max(v) => v.unwrap_or(Value::Null),
        }
    }
}

#[cfg(test)]
#[path = "aggregate_tests.rs"]
mod tests;
