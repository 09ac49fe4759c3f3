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

use std::cmp::Ordering;
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
    let width = table.schema.columns.len();
    let column_or_star = |call: &AggregateCall| match call.arg {
        None => true,
        Some(Expr::Column(i)) => i < width,
        Some(_) => false,
    };
    if !group_by.is_empty() || !aggregates.iter().all(column_or_star) {
        return Ok(None);
    }
    let mut states: Vec<State> = aggregates.iter().map(State::new).collect();
    ex.txn.scan(ex.table(table)?, ScanRange::all()).for_each_row(|values| {
        feed(&mut states, aggregates, |arg| {
            Ok(match arg {
                Expr::Column(i) => values[*i].clone(),
                _ => Value::Null,
            })
        })
    })?;
    let row: Row = states.into_iter().map(State::finish).collect();
    Ok(Some(Box::new(std::iter::once(Ok(row)))))
}

/// Feeds one row to `states`, the accumulators of `aggregates`: `value_of` gives a call's
/// argument for the row (`count(*)` has none and is fed NULL).
fn feed(
    states: &mut [State],
    aggregates: &[AggregateCall],
    mut value_of: impl FnMut(&Expr) -> Result<Value>,
) -> Result<()> {
    for (state, call) in states.iter_mut().zip(aggregates) {
        let value = match &call.arg {
            Some(arg) => value_of(arg)?,
            None => Value::Null,
        };
        state.add(call, value)?;
    }
    Ok(())
}

/// Groups `input` by `group_by` and computes `aggregates` per group.
pub(crate) fn aggregate<'e>(
    input: RowIter<'e>,
    group_by: &'e [Expr],
    aggregates: &'e [AggregateCall],
    scope: Scope<'e>,
) -> Result<RowIter<'e>> {
    let new_states = || aggregates.iter().map(State::new).collect::<Vec<_>>();
    let accumulate = |states: &mut [State], row: &Row| feed(states, aggregates, |arg| scope.eval(arg, row));
    let mut groups: HashMap<Row, Vec<State>> = HashMap::new();
    if group_by.is_empty() {
        // One group: no key to compute or hash per row.
        let mut states = new_states();
        for row in input {
            accumulate(&mut states, &row?)?;
        }
        groups.insert(Vec::new(), states);
    } else {
        for row in input {
            let row = row?;
            let key = scope.eval_all(group_by, &row)?;
            accumulate(groups.entry(key).or_insert_with(new_states), &row)?;
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
struct State {
    acc: Acc,
    /// Values already accumulated, for DISTINCT.
    seen: Option<HashSet<Value>>,
}

enum Acc {
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

impl State {
    fn new(call: &AggregateCall) -> State {
        let acc = match call.function {
            AggregateFunction::Count | AggregateFunction::CountStar => Acc::Count(0),
            AggregateFunction::Sum => Acc::Sum(Sum::Empty),
            AggregateFunction::Avg => Acc::Avg { sum: Sum::Empty, count: 0 },
            AggregateFunction::Min => Acc::Min(None),
            AggregateFunction::Max => Acc::Max(None),
        };
        let seen = (call.distinct && call.function != AggregateFunction::CountStar).then(HashSet::new);
        State { acc, seen }
    }

    fn add(&mut self, call: &AggregateCall, value: Value) -> Result<()> {
        if call.function == AggregateFunction::CountStar {
            if let Acc::Count(n) = &mut self.acc {
                *n = n.saturating_add(1);
            }
            return Ok(());
        }
        if call.arg.is_none() {
            return Err(Error::Internal(format!("{:?} without an argument", call.function)));
        }
        if value.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen {
            if !seen.insert(value.clone()) {
                return Ok(());
            }
        }
        match &mut self.acc {
            Acc::Count(n) => *n = n.saturating_add(1),
            Acc::Sum(sum) => {
                *sum = sum.add(&value, "sum")?;
                // Report integer overflow as soon as it happens, as PostgreSQL's int sums would.
                if let Sum::Integer(s) = sum {
                    i64::try_from(*s).map_err(|_| Error::NumericOutOfRange("integer"))?;
                }
            }
            Acc::Avg { sum, count } => {
                *sum = sum.add(&value, "avg")?;
                *count = count.saturating_add(1);
            }
            Acc::Min(best) => {
                if best.as_ref().map_or(Ordering::Less, |b| value.cmp(b)).is_lt() {
                    *best = Some(value);
                }
            }
            Acc::Max(best) => {
                if best.as_ref().map_or(Ordering::Greater, |b| value.cmp(b)).is_gt() {
                    *best = Some(value);
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Value {
        match self.acc {
            Acc::Count(n) => Value::Integer(n),
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
