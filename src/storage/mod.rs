//! The version store: tables of row versions, ordered indexes and the catalog.
//!
//! Storage knows nothing of visibility or SQL: it keeps every version with its creator and
//! deleter ids and hands them to the transaction layer, which decides what a snapshot sees.

use std::fmt;

/// A table's identity, unique for the life of the database (a dropped table's id is never
/// reused, so a stale id can never name a new table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableId(pub u32);

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "table#{}", self.0)
    }
}

pub mod catalog;
pub mod index_entries;
pub mod row_map;
pub mod table;
pub mod version;

pub use catalog::{Catalog, CatalogSnapshot, Table};
pub use index_entries::IndexEntries;
pub use row_map::RowMap;
pub use table::{IndexData, IndexEntry, PruneLosses, TableData};
pub use version::{Chain, RowData, Version, NO_TXN};
