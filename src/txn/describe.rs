//! How rows and lock targets are named in messages: `accounts(id=2)`, `t(rowid=5)`,
//! `gap before accounts(id=5)`, `transaction 7`.

use crate::storage::{Catalog, Table, TableId};
use crate::types::{Key, TableSchema, Value};

use super::lock_manager::{GapEnd, IndexId, LockTarget};

/// `table(pk=value, ...)` for a row of `schema` with primary key `key`.
pub fn row(schema: &TableSchema, key: &Key) -> String {
    format!("{}({})", schema.name, row_key(schema, key))
}

/// `pk=value, ...` (`rowid=5` without a primary key): the key of a row of `schema`, as
/// [`row`] names it inside the parentheses.
pub fn row_key(schema: &TableSchema, key: &Key) -> String {
    let show = |v: &Value| match v {
        Value::Text(s) => format!("'{s}'"),
        other => other.to_string(),
    };
    let parts: Vec<String> = if schema.has_hidden_row_id() {
        key.values().iter().map(|v| format!("rowid={}", show(v))).collect()
    } else {
        schema
            .primary_key
            .iter()
            .zip(key.values())
            .map(|(&c, v)| format!("{}={}", schema.columns[c].name, show(v)))
            .collect()
    };
    parts.join(", ")
}

/// [`row`] for a table handle.
pub fn table_row(table: &Table, key: &Key) -> String {
    row(&table.schema(), key)
}

/// `(k, id)=(5, 2)`: the columns of a secondary index (then the primary key) and the values of
/// an entry key.
fn entry(schema: &TableSchema, index: u32, key: &Key) -> String {
    let index_columns = schema.indexes.get(index as usize).map_or(&[][..], |i| &i.columns[..]);
    let names: Vec<&str> = index_columns
        .iter()
        .chain(&schema.primary_key)
        .map(|&c| schema.columns[c].name.as_str())
        .chain(schema.has_hidden_row_id().then_some("rowid"))
        .collect();
    let values: Vec<String> = key.values().iter().map(ToString::to_string).collect();
    format!("({})=({})", names.join(", "), values.join(", "))
}

/// A lock target, with table, column and index names looked up in the catalog:
/// `accounts(id=2)`, `table accounts`, `accounts_k_idx entry (k, id)=(5, 2)`,
/// `gap before accounts(id=5)`, `gap after the last key of accounts`,
/// `gap before accounts_k_idx entry (k, id)=(5, 2)`, `transaction 7`.
pub fn lock_target(catalog: &Catalog, target: &LockTarget) -> String {
    let snapshot = catalog.snapshot();
    let schema = |id: &TableId| snapshot.table_by_id(*id).map(|t| t.schema());
    let index_name =
        |s: &TableSchema, i: u32| s.indexes.get(i as usize).map_or(format!("index {i}"), |x| x.name.clone());
    match target {
        LockTarget::Transaction(txn) => format!("transaction {txn}"),
        LockTarget::Table(t) => schema(t).map_or(target.to_string(), |s| format!("table {}", s.name)),
        LockTarget::Row { table, key } => schema(table).map_or(target.to_string(), |s| row(&s, key)),
        LockTarget::IndexRecord { table, index: IndexId::Secondary(i), entry: key } => {
            schema(table).map_or(target.to_string(), |s| format!("{} entry {}", index_name(&s, *i), entry(&s, *i, key)))
        }
        LockTarget::Gap { table, index, before } => {
            let Some(s) = schema(table) else { return target.to_string() };
            match (index, before) {
                (IndexId::Primary, GapEnd::Key(key)) => format!("gap before {}", row(&s, key)),
                (IndexId::Primary, GapEnd::Supremum) => format!("gap after the last key of {}", s.name),
                (IndexId::Secondary(i), GapEnd::Key(key)) => {
                    format!("gap before {} entry {}", index_name(&s, *i), entry(&s, *i, key))
                }
                (IndexId::Secondary(i), GapEnd::Supremum) => {
                    format!("gap after the last entry of {}", index_name(&s, *i))
                }
            }
        }
        LockTarget::IndexRecord { .. } => target.to_string(),
    }
}
