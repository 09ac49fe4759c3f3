//! Table and index schemas, as the catalog stores them.
//!
//! A table's rows are stored under their primary key. A table declared without one gets a
//! hidden row id (like SQLite's `rowid`), so every row has a key either way; the row id is not
//! a column and `SELECT *` does not show it. UNIQUE constraints are unique secondary indexes,
//! named as PostgreSQL names them (`t_pkey`, `t_email_key`).

use super::{DataType, Value};

/// One column of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnSchema {
    pub name: String,
    pub data_type: DataType,
    /// The `n` of `VARCHAR(n)`: longer text is refused with 22001.
    pub max_chars: Option<u32>,
    pub nullable: bool,
    /// The DEFAULT value (a constant), NULL when none was given.
    pub default: Value,
}

/// A secondary index: the columns it orders by and whether keys must be unique.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexSchema {
    pub name: String,
    /// Positions of the indexed columns in the table's column list.
    pub columns: Vec<usize>,
    pub unique: bool,
}

/// A table: its columns, its primary key and its secondary indexes.
#[derive(Clone, Debug, PartialEq)]
pub struct TableSchema {
    pub name: String,
    pub columns: Vec<ColumnSchema>,
    /// Positions of the primary-key columns; empty when the table uses a hidden row id.
    pub primary_key: Vec<usize>,
    pub indexes: Vec<IndexSchema>,
}

impl TableSchema {
    /// The position of the column named `name` (names are stored folded to lower case unless
    /// they were quoted).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The PostgreSQL-style name of the primary-key constraint.
    pub fn primary_key_name(&self) -> String {
        format!("{}_pkey", self.name)
    }

    pub fn has_hidden_row_id(&self) -> bool {
        self.primary_key.is_empty()
    }

    pub fn index(&self, name: &str) -> Option<&IndexSchema> {
        self.indexes.iter().find(|i| i.name == name)
    }
}
