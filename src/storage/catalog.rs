//! The catalog: which tables exist, their schemas, and their data.
//!
//! The map of tables is a persistent map (`imbl`): a statement takes a [`CatalogSnapshot`] in
//! O(1) and plans against it while DDL builds the next map beside it. DDL is rare, so a copy
//! of the (small) map per DDL statement is cheap; row data never goes through it.
//!
//! Every DDL bumps [`Catalog::version`]; a cached plan remembers the version it was made at
//! and is re-planned when it differs.
//!
//! DDL is not transactional here: it takes effect at once for every session (the SQL layer
//! refuses it inside a transaction block, so this is never observable as a half-done change).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::{Error, Result};
use crate::types::{IndexSchema, TableSchema};

use super::table::TableData;
use super::TableId;

/// A table: its identity, schema and data.
#[derive(Debug)]
pub struct Table {
    pub id: TableId,
    schema: RwLock<Arc<TableSchema>>,
    data: RwLock<TableData>,
}

impl Table {
    fn new(id: TableId, schema: TableSchema) -> Table {
        let data = TableData::new(&schema);
        Table { id, schema: RwLock::new(Arc::new(schema)), data: RwLock::new(data) }
    }

    /// The current schema.
    pub fn schema(&self) -> Arc<TableSchema> {
        self.schema.read().clone()
    }

    pub fn name(&self) -> String {
        self.schema.read().name.clone()
    }

    /// Shared access to the rows, for one read operation (a probe or a batch of a scan).
    pub fn read(&self) -> RwLockReadGuard<'_, TableData> {
        self.data.read()
    }

    /// Exclusive access to the rows, for one row operation.
    pub fn write(&self) -> RwLockWriteGuard<'_, TableData> {
        self.data.write()
    }
}

/// An immutable view of the catalog, as one statement plans against it.
#[derive(Clone, Debug, Default)]
pub struct CatalogSnapshot {
    by_name: imbl::OrdMap<String, Arc<Table>>,
    by_id: imbl::OrdMap<TableId, Arc<Table>>,
    version: u64,
}

impl CatalogSnapshot {
    pub fn table(&self, name: &str) -> Option<&Arc<Table>> {
        self.by_name.get(name)
    }

    pub fn table_by_id(&self, id: TableId) -> Option<&Arc<Table>> {
        self.by_id.get(&id)
    }

    /// Every table, by name.
    pub fn tables(&self) -> impl Iterator<Item = &Arc<Table>> {
        self.by_name.values()
    }

    /// The version this snapshot was taken at.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The table owning the index named `name`, and the index's position in its schema.
    pub fn find_index(&self, name: &str) -> Option<(Arc<Table>, usize)> {
        self.by_name
            .values()
            .find_map(|t| t.schema().indexes.iter().position(|i| i.name == name).map(|p| (t.clone(), p)))
    }

    /// Whether a relation (table or index) named `name` exists; PostgreSQL keeps both in one
    /// namespace.
    pub fn relation_exists(&self, name: &str) -> bool {
        self.by_name.contains_key(name) || self.find_index(name).is_some()
    }
}

/// The catalog of a database.
#[derive(Debug, Default)]
pub struct Catalog {
    current: RwLock<CatalogSnapshot>,
    /// Serializes DDL statements with each other.
    ddl: Mutex<()>,
    next_table_id: AtomicU32,
    version: AtomicU64,
}

impl Catalog {
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// The catalog as it is now.
    pub fn snapshot(&self) -> CatalogSnapshot {
        self.current.read().clone()
    }

    /// The current version; changes with every DDL.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    fn publish(&self, mut next: CatalogSnapshot) {
        next.version = self.version.fetch_add(1, Ordering::AcqRel) + 1;
        *self.current.write() = next;
    }

    /// Creates a table. Fails with 42P07 if a relation of that name exists.
    pub fn create_table(&self, schema: TableSchema) -> Result<Arc<Table>> {
        let _ddl = self.ddl.lock();
        let mut next = self.snapshot();
        let names = std::iter::once(schema.name.as_str()).chain(schema.indexes.iter().map(|i| i.name.as_str()));
        for name in names {
            if next.relation_exists(name) {
                return Err(Error::DuplicateTable(name.to_string()));
            }
        }
        let id = TableId(self.next_table_id.fetch_add(1, Ordering::Relaxed) + 1);
        let table = Arc::new(Table::new(id, schema));
        next.by_name.insert(table.name(), table.clone());
        next.by_id.insert(id, table.clone());
        self.publish(next);
        Ok(table)
    }

    /// Drops a table and its indexes. Fails with 42P01 if it does not exist.
    pub fn drop_table(&self, name: &str) -> Result<Arc<Table>> {
        let _ddl = self.ddl.lock();
        let mut next = self.snapshot();
        let table = next.by_name.remove(name).ok_or_else(|| Error::UndefinedTable(name.to_string()))?;
        next.by_id.remove(&table.id);
        self.publish(next);
        Ok(table)
    }

    /// Adds a secondary index to `table` and fills it. `check` runs on the filled data before
    /// the index is published (the transaction layer uses it to verify uniqueness); if it
    /// fails, nothing changes.
    pub fn create_index(
        &self,
        table: &str,
        index: IndexSchema,
        check: impl FnOnce(&TableData, usize) -> Result<()>,
    ) -> Result<()> {
        let _ddl = self.ddl.lock();
        let next = self.snapshot();
        if next.relation_exists(&index.name) {
            return Err(Error::DuplicateTable(index.name));
        }
        let table = next.table(table).ok_or_else(|| Error::UndefinedTable(table.to_string()))?.clone();
        let mut data = table.write();
        data.add_index(&table.schema(), index.clone())?;
        let position = data.indexes().len() - 1;
        if let Err(e) = check(&data, position) {
            data.remove_index(position);
            return Err(e);
        }
        let mut schema = (*table.schema()).clone();
        schema.indexes.push(index);
        *table.schema.write() = Arc::new(schema);
        drop(data);
        self.publish(next);
        Ok(())
    }

    /// Drops a secondary index by name. Fails with 42704 if there is none of that name.
    pub fn drop_index(&self, name: &str) -> Result<()> {
        let _ddl = self.ddl.lock();
        let next = self.snapshot();
        let (table, position) = next.find_index(name).ok_or_else(|| Error::UndefinedIndex(name.to_string()))?;
        let mut data = table.write();
        data.remove_index(position);
        let mut schema = (*table.schema()).clone();
        schema.indexes.remove(position);
        *table.schema.write() = Arc::new(schema);
        drop(data);
        self.publish(next);
        Ok(())
    }
}
