//! Reading a table through an access path.
//!
//! The bounds of a [`KeyRange`] are expressions (literals, parameters, outer columns); they are
//! evaluated once when the scan starts, without a current row, and become a [`ScanRange`] of
//! [`Key`]s for `Transaction::scan` (primary key) or `Transaction::index_scan`:
//!
//! * a NULL bound value makes the range empty: `col = NULL` or `col > NULL` matches nothing;
//! * a bound value is brought to the key column's type the way comparison does it (text read
//!   as a number for a numeric column, 22P02 when it is not one; integers and reals need no
//!   conversion since keys compare numbers by value); a number against a text or boolean
//!   column is 42804, as the comparison would be.
//!
//! The scan applies the node's filter to every row read: for a plain scan, the conditions the
//! range does not already guarantee; for locking scans and writes, every condition (their rows
//! are re-checked on the newest version, which may have left the range). A row is the version's values followed by
//! `xmin` and `xmax` (0 when there is no deleter).

use std::ops::Bound;
use std::sync::Arc;

use crate::error::{Error, Result, TxnId};
use crate::sql::plan::{AccessPath, Expr, KeyRange, TableRef};
use crate::storage::Table;
use crate::txn::{IndexScan, ScanRange, TableScan, VisibleRow};
use crate::types::{DataType, Key, Row, TableSchema, Value};

use super::cast::parse_as;
use super::compare::type_name;
use super::expr::{Outer, Scope};
use super::node::Executor;
use super::RowIter;

/// The rows a version yields to the plan: its values, then `xmin` and `xmax`.
pub(crate) fn row_of(v: &VisibleRow) -> Row {
    let mut row = Vec::with_capacity(v.data.len() + crate::sql::plan::SYSTEM_COLUMNS);
    row.extend(v.data.iter().cloned());
    row.push(system_column(v.xmin));
    row.push(system_column(v.xmax));
    row
}

/// Column `c` of the row [`row_of`] would build.
fn column_of(v: &VisibleRow, c: usize) -> Value {
    match v.data.get(c) {
        Some(value) => value.clone(),
        None if c == v.data.len() => system_column(v.xmin),
        None => system_column(v.xmax),
    }
}

fn system_column(txn: TxnId) -> Value {
    Value::Integer(i64::try_from(txn.0).unwrap_or(i64::MAX))
}

/// A projection made only of column references (`SELECT k, v`), which a scan builds itself.
#[derive(Clone, Copy)]
pub(crate) struct PlainColumns<'p>(&'p [Expr]);

impl<'p> PlainColumns<'p> {
    /// `exprs`, if they are all column references.
    pub fn of(exprs: &'p [Expr]) -> Option<PlainColumns<'p>> {
        exprs.iter().all(|e| matches!(e, Expr::Column(_))).then_some(PlainColumns(exprs))
    }

    /// The projected row of `v`, straight from the version.
    fn pick(self, v: &VisibleRow) -> Row {
        self.0.iter().filter_map(|e| if let Expr::Column(c) = e { Some(column_of(v, *c)) } else { None }).collect()
    }
}

/// A plan's Scan node: the rows of `access` that pass `filter`. With `columns`, a projection
/// of plain columns that sits on the scan (`SELECT k, v FROM t WHERE ...`): each row is built
/// with those columns only, straight from the version; the filter still sees the whole row.
pub(crate) fn scan<'s>(
    ex: &'s Executor<'_>,
    table: &TableRef,
    access: &AccessPath,
    filter: Option<&'s Expr>,
    columns: Option<PlainColumns<'s>>,
    outer: &Outer,
) -> Result<RowIter<'s>> {
    let rows = visible_rows(ex, table, access, outer)?;
    let scope = ex.scope(outer.clone());
    Ok(Box::new(rows.filter_map(move |version| {
        version
            .and_then(|v| {
                // The whole row, built once: for the filter, and as the output without a projection.
                let whole = match filter {
                    Some(filter) => {
                        let row = row_of(&v);
                        if !scope.holds(filter, &row, "WHERE")? {
                            return Ok(None);
                        }
                        Some(row)
                    }
                    None => None,
                };
                Ok(Some(match (columns, whole) {
                    (Some(columns), _) => columns.pick(&v),
                    (None, Some(row)) => row,
                    (None, None) => row_of(&v),
                }))
            })
            .transpose()
    })))
}

/// Every version of `access` passing `filter`, read to the end before anything is written:
/// the candidate rows of an UPDATE or DELETE.
pub(crate) fn candidates(
    ex: &Executor<'_>,
    table: &TableRef,
    access: &AccessPath,
    filter: Option<&Expr>,
    scope: &Scope<'_>,
) -> Result<Vec<VisibleRow>> {
    let mut out = Vec::new();
    for version in visible_rows(ex, table, access, &scope.outer)? {
        let version = version?;
        if scope.passes(filter, &row_of(&version), "WHERE")? {
            out.push(version);
        }
    }
    Ok(out)
}

/// The versions one access path yields: a primary-key scan, an index scan, or none (a bound
/// was NULL). An enum rather than a boxed iterator: one allocation less per scan.
pub(crate) enum VisibleRows<'s> {
    Table(TableScan<'s>),
    Index(IndexScan<'s>),
    Empty,
}

impl Iterator for VisibleRows<'_> {
    type Item = Result<VisibleRow>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            VisibleRows::Table(scan) => scan.next(),
            VisibleRows::Index(scan) => scan.next(),
            VisibleRows::Empty => None,
        }
    }
}

/// The versions this statement sees through `access`, unfiltered.
pub(crate) fn visible_rows<'s>(
    ex: &'s Executor<'_>,
    table: &TableRef,
    access: &AccessPath,
    outer: &Outer,
) -> Result<VisibleRows<'s>> {
    let data: &'s Arc<Table> = ex.table(table)?;
    let scope = ex.scope(outer.clone());
    let (range, index) = match access {
        AccessPath::FullScan => (Some(ScanRange::all()), None),
        AccessPath::PrimaryKey(range) => {
            (scan_range(range, &KeyColumns::new(&table.schema, &table.schema.primary_key), &scope)?, None)
        }
        AccessPath::Index { index, range } => {
            let columns = &table.schema.indexes.get(*index).ok_or_else(|| no_index(table, *index))?.columns;
            (scan_range(range, &KeyColumns::new(&table.schema, columns), &scope)?, Some(*index))
        }
    };
    Ok(match (range, index) {
        (None, _) => VisibleRows::Empty,
        (Some(range), None) => VisibleRows::Table(ex.txn.scan(data, range)),
        (Some(range), Some(index)) => VisibleRows::Index(ex.txn.index_scan(data, index, range)),
    })
}

fn no_index(table: &TableRef, index: usize) -> Error {
    Error::Internal(format!("table \"{}\" has no index #{index}", table.schema.name))
}

/// The key columns of an access path (positions in `schema`), whose types the bound values
/// are brought to.
pub(crate) struct KeyColumns<'a> {
    schema: &'a TableSchema,
    columns: &'a [usize],
}

impl<'a> KeyColumns<'a> {
    pub fn new(schema: &'a TableSchema, columns: &'a [usize]) -> KeyColumns<'a> {
        KeyColumns { schema, columns }
    }

    fn len(&self) -> usize {
        self.columns.len()
    }

    /// The type of key column `i`.
    fn data_type(&self, i: usize) -> Result<DataType> {
        let column = self.columns.get(i).and_then(|&c| self.schema.columns.get(c));
        column
            .map(|c| c.data_type)
            .ok_or_else(|| Error::Internal(format!("table \"{}\" has no key column #{i}", self.schema.name)))
    }
}

/// Evaluates a key range; `None` when it is empty because a bound is NULL.
pub(crate) fn scan_range(range: &KeyRange, columns: &KeyColumns<'_>, scope: &Scope<'_>) -> Result<Option<ScanRange>> {
    let (Some(lower), Some(upper)) = (bound(&range.lower, columns, scope)?, bound(&range.upper, columns, scope)?)
    else {
        return Ok(None);
    };
    Ok(Some(ScanRange { lower, upper }))
}

/// One bound; `None` when a value is NULL.
fn bound(bound: &Bound<Vec<Expr>>, columns: &KeyColumns<'_>, scope: &Scope<'_>) -> Result<Option<Bound<Key>>> {
    let exprs = match bound {
        Bound::Unbounded => return Ok(Some(Bound::Unbounded)),
        Bound::Included(exprs) | Bound::Excluded(exprs) => exprs,
    };
    if exprs.len() > columns.len() || exprs.is_empty() {
        return Err(Error::Internal(format!("key bound of {} values over {} key columns", exprs.len(), columns.len())));
    }
    let key = if let [expr] = exprs.as_slice() {
        // One column, the common case: no vector to build.
        match key_value(scope.eval_const(expr)?, columns.data_type(0)?)? {
            Some(v) => Key::One(v),
            None => return Ok(None),
        }
    } else {
        let mut values = Vec::with_capacity(exprs.len());
        for (i, expr) in exprs.iter().enumerate() {
            match key_value(scope.eval_const(expr)?, columns.data_type(i)?)? {
                Some(v) => values.push(v),
                None => return Ok(None),
            }
        }
        Key::from_values(values)
    };
    Ok(Some(match bound {
        Bound::Excluded(_) => Bound::Excluded(key),
        _ => Bound::Included(key),
    }))
}

/// A bound value brought to the key column's type; `None` for NULL.
fn key_value(v: Value, column: DataType) -> Result<Option<Value>> {
    Ok(Some(match (v, column) {
        (Value::Null, _) => return Ok(None),
        (Value::Text(s), DataType::Integer | DataType::Real | DataType::Boolean) => parse_as(&s, column)?,
        (v @ (Value::Integer(_) | Value::Real(_)), DataType::Integer | DataType::Real) => v,
        (v @ Value::Text(_), DataType::Text) | (v @ Value::Boolean(_), DataType::Boolean) => v,
        (v, _) => {
            return Err(Error::DatatypeMismatch(format!("operator does not exist: {column} = {}", type_name(&v))))
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::execute::test_support::{lit, null, scope};
    use crate::types::ColumnSchema;

    fn range(lower: Bound<Vec<Expr>>, upper: Bound<Vec<Expr>>, types: &[DataType]) -> Result<Option<ScanRange>> {
        let column = |i: usize, data_type| ColumnSchema {
            name: format!("c{i}"),
            data_type,
            max_chars: None,
            nullable: true,
            default: Value::Null,
        };
        let columns = types.iter().enumerate().map(|(i, &t)| column(i, t)).collect();
        let schema = TableSchema { name: "t".into(), columns, primary_key: vec![], indexes: vec![] };
        let positions: Vec<usize> = (0..types.len()).collect();
        scan_range(&KeyRange { lower, upper }, &KeyColumns::new(&schema, &positions), &scope(&[Value::text("7")]))
    }

    fn values(b: &Bound<Key>) -> Option<Vec<Value>> {
        match b {
            Bound::Included(k) | Bound::Excluded(k) => Some(k.values().to_vec()),
            Bound::Unbounded => None,
        }
    }

    #[test]
    fn bounds_are_evaluated_and_typed() {
        let ints = [DataType::Integer, DataType::Integer];
        let r = range(Bound::Included(vec![lit(5)]), Bound::Excluded(vec![lit(5), Expr::Parameter(0)]), &ints)
            .unwrap()
            .unwrap();
        assert!(matches!(r.lower, Bound::Included(_)));
        assert!(matches!(r.upper, Bound::Excluded(_)));
        assert_eq!(values(&r.lower), Some(vec![Value::Integer(5)]));
        let upper = values(&r.upper).unwrap();
        assert!(matches!(upper.as_slice(), [Value::Integer(5), Value::Integer(7)]));
        let r = range(Bound::Unbounded, Bound::Unbounded, &ints).unwrap().unwrap();
        assert!(matches!((r.lower, r.upper), (Bound::Unbounded, Bound::Unbounded)));
    }

    #[test]
    fn null_bounds_make_the_range_empty() {
        let t = [DataType::Integer];
        assert!(range(Bound::Included(vec![null()]), Bound::Unbounded, &t).unwrap().is_none());
        assert!(range(Bound::Unbounded, Bound::Excluded(vec![null()]), &t).unwrap().is_none());
    }

    #[test]
    fn mismatched_bounds() {
        let t = [DataType::Integer];
        assert_eq!(range(Bound::Included(vec![lit("x")]), Bound::Unbounded, &t).unwrap_err().sqlstate(), "22P02");
        let err = range(Bound::Included(vec![lit(true)]), Bound::Unbounded, &t).unwrap_err();
        assert_eq!(err.to_string(), "operator does not exist: integer = boolean");
        let text = [DataType::Text];
        assert_eq!(range(Bound::Included(vec![lit(1)]), Bound::Unbounded, &text).unwrap_err().sqlstate(), "42804");
        let r = range(Bound::Included(vec![lit(1.5)]), Bound::Unbounded, &t).unwrap().unwrap();
        assert_eq!(values(&r.lower), Some(vec![Value::Real(1.5)]));
        assert_eq!(range(Bound::Included(vec![lit(1), lit(2)]), Bound::Unbounded, &t).unwrap_err().sqlstate(), "XX000");
    }
}
