//! How rows and lock targets are named in messages: `accounts(id=2)`, `t(rowid=5)`,
//! `transaction 7`.

use crate::storage::{Catalog, Table};
use crate::types::{Key, TableSchema, Value};

use super::lock_manager::LockTarget;

/// `table(pk=value, ...)` for a row of `schema` with primary key `key`.
pub fn row(schema: &TableSchema, key: &Key) -> String {
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
    format!("{}({})", schema.name, parts.join(", "))
}

/// [`row`] for a table handle.
pub fn table_row(table: &Table, key: &Key) -> String {
    row(&table.schema(), key)
}

/// A lock target, with table names looked up in the catalog.
pub fn lock_target(catalog: &Catalog, target: &LockTarget) -> String {
    match target {
        LockTarget::Row { table, key } => match catalog.snapshot().table_by_id(*table) {
            Some(t) => table_row(t, key),
            None => target.to_string(),
        },
        LockTarget::Transaction(txn) => format!("transaction {txn}"),
    }
}
