//! Running DDL: CREATE / DROP TABLE and INDEX.
//!
//! DDL changes the catalog at once and for everyone; it is refused inside a transaction block
//! (25001), so no transaction can see half of it. `IF [NOT] EXISTS` turn the error into a
//! NOTICE, as in PostgreSQL.
//!
//! CREATE UNIQUE INDEX on a table that already holds duplicates fails with 23505. A row counts
//! as holding its key if its newest version is live or deleted by a transaction that has not
//! committed (it may still abort and bring the row back).

use crate::db::Database;
use crate::error::{Error, Result};
use crate::sql::plan::{CreateIndexPlan, PlannedStatement};
use crate::sql::prepared::Prepared;
use crate::storage::{IndexEntry, TableData, NO_TXN};
use crate::txn::{TxnManager, TxnStatus};
use crate::types::{IndexSchema, Key};

use super::{Notice, StatementResult};

/// Runs statement `index` of `prepared`, a DDL statement.
pub(super) fn execute(db: &Database, prepared: &Prepared, index: usize) -> Result<StatementResult> {
    let catalog = &db.inner.catalog;
    let plan = prepared.plan(index, &catalog.snapshot())?;
    match &plan.statement {
        PlannedStatement::CreateTable(create) => {
            let name = &create.schema.name;
            if create.if_not_exists && catalog.snapshot().relation_exists(name) {
                let notice = Notice::info("42P07", format!("relation \"{name}\" already exists, skipping"));
                return Ok(StatementResult::tag("CREATE TABLE").with_notice(notice));
            }
            catalog.create_table(create.schema.clone())?;
            Ok(StatementResult::tag("CREATE TABLE"))
        }
        PlannedStatement::CreateIndex(create) => create_index(db, create),
        PlannedStatement::DropTable { names, if_exists } => {
            let mut result = StatementResult::tag("DROP TABLE");
            let snapshot = catalog.snapshot();
            if let Some(missing) = names.iter().find(|n| snapshot.table(n).is_none()) {
                if !*if_exists {
                    return Err(Error::UndefinedTable(missing.clone()));
                }
            }
            for name in names {
                if snapshot.table(name).is_some() {
                    catalog.drop_table(name)?;
                } else {
                    let message = format!("table \"{name}\" does not exist, skipping");
                    result = result.with_notice(Notice::info("00000", message));
                }
            }
            Ok(result)
        }
        PlannedStatement::DropIndex { names, if_exists } => {
            let mut result = StatementResult::tag("DROP INDEX");
            let snapshot = catalog.snapshot();
            if let Some(missing) = names.iter().find(|n| snapshot.find_index(n).is_none()) {
                if !*if_exists {
                    return Err(Error::UndefinedIndex(missing.clone()));
                }
            }
            for name in names {
                if snapshot.find_index(name).is_some() {
                    catalog.drop_index(name)?;
                } else {
                    let message = format!("index \"{name}\" does not exist, skipping");
                    result = result.with_notice(Notice::info("00000", message));
                }
            }
            Ok(result)
        }
        other => Err(Error::Internal(format!("not DDL: {other:?}"))),
    }
}

fn create_index(db: &Database, create: &CreateIndexPlan) -> Result<StatementResult> {
    let catalog = &db.inner.catalog;
    if create.if_not_exists && catalog.snapshot().relation_exists(&create.name) {
        let notice = Notice::info("42P07", format!("relation \"{}\" already exists, skipping", create.name));
        return Ok(StatementResult::tag("CREATE INDEX").with_notice(notice));
    }
    let index = IndexSchema { name: create.name.clone(), columns: create.columns.clone(), unique: create.unique };
    let manager = &db.inner.engine.manager;
    let snapshot = catalog.snapshot();
    let table = snapshot.table(&create.table).ok_or_else(|| Error::UndefinedTable(create.table.clone()))?;
    let schema = table.schema();
    let column_names: Vec<&str> = create.columns.iter().map(|&c| schema.columns[c].name.as_str()).collect();
    catalog.create_index(&create.table, index, |data, position| {
        if create.unique {
            check_no_duplicates(data, position, manager, &column_names)
        } else {
            Ok(())
        }
    })?;
    Ok(StatementResult::tag("CREATE INDEX"))
}

/// Fails with 23505 if two rows hold the same key of the (just filled) index at `position`.
fn check_no_duplicates(data: &TableData, position: usize, manager: &TxnManager, columns: &[&str]) -> Result<()> {
    let index = &data.indexes()[position];
    let holds_key = |entry: &IndexEntry| {
        let Some(newest) = data.chain(&entry.pk).and_then(|c| c.newest()) else { return false };
        let alive = newest.xmax == NO_TXN || !matches!(manager.status(newest.xmax), TxnStatus::Committed(_));
        alive && index.key_of(&newest.data) == entry.key
    };
    let mut previous: Option<Key> = None;
    for entry in index.entries.iter().filter(|e| !e.key.has_null() && holds_key(e)) {
        if previous.as_ref() == Some(&entry.key) {
            let values: Vec<String> = entry.key.values().iter().map(ToString::to_string).collect();
            return Err(Error::DuplicateKeysInIndex {
                index: index.schema.name.clone(),
                key: format!("({})=({})", columns.join(", "), values.join(", ")),
            });
        }
        previous = Some(entry.into_owned().key);
    }
    Ok(())
}
