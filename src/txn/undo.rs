//! The undo log: every physical change a transaction made, in order, so that abort and
//! `ROLLBACK TO SAVEPOINT` can take them back.
//!
//! There are two kinds of change: a version was appended to a chain, or a chain's newest
//! version was ended (its `xmax` set). An UPDATE is both: on one chain, one entry (`Replaced`);
//! if the primary key changed, one of each on two chains. Undo replays the log backwards:
//! remove the appended version, clear the `xmax`.
//! While a transaction runs it holds the row lock of every row it ended, so no one else can
//! have changed those chains in between; the versions it appended are invisible to everyone
//! else, so removing them changes nothing anyone saw.
//!
//! At commit the log tells vacuum which chains now hold versions that will become dead.

use std::sync::Arc;

use crate::error::TxnId;
use crate::storage::Table;
use crate::types::Key;

/// What a change did to the chain of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A version was appended.
    Appended,
    /// The newest version was ended.
    Ended,
    /// The newest version was ended and a new one appended to the same chain.
    Replaced,
}

/// One physical change: on the chain of `key` in the table at `table` of the log's tables.
#[derive(Clone, Debug)]
struct UndoEntry {
    change: Change,
    table: u32,
    key: Key,
}

/// The changes of one transaction, oldest first. The tables they touched are kept once each
/// (a transaction writes few tables), not once per change: an entry is a position in that
/// list, so logging a change clones no `Arc`.
#[derive(Debug, Default)]
pub struct UndoLog {
    tables: Vec<Arc<Table>>,
    entries: Vec<UndoEntry>,
}

impl UndoLog {
    pub fn push(&mut self, change: Change, table: &Arc<Table>, key: Key) {
        let position = match self.tables.iter().rposition(|t| Arc::ptr_eq(t, table)) {
            Some(position) => position,
            None => {
                self.tables.push(table.clone());
                self.tables.len() - 1
            }
        };
        // Table ids are `u32`s: there are never more tables than that to tell apart.
        let table = u32::try_from(position).expect("fewer than 2^32 tables");
        self.entries.push(UndoEntry { change, table, key });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes back every change after the first `keep`, newest first.
    pub fn rollback_to(&mut self, keep: usize, me: TxnId) {
        while self.entries.len() > keep {
            let UndoEntry { change, table, key } = self.entries.pop().expect("len > keep");
            let mut rows = self.tables[table as usize].write();
            match change {
                Change::Appended => {
                    rows.remove_newest_created_by(&key, me);
                }
                Change::Ended => {
                    rows.reopen_newest(&key, me);
                }
                Change::Replaced => {
                    rows.remove_newest_created_by(&key, me);
                    rows.reopen_newest(&key, me);
                }
            }
        }
    }

    /// The chains in which this transaction ended versions: after commit they hold versions
    /// that become dead once the horizon passes.
    pub fn ended_rows(&self) -> impl Iterator<Item = (&Arc<Table>, &Key)> {
        self.entries
            .iter()
            .filter(|e| matches!(e.change, Change::Ended | Change::Replaced))
            .map(|e| (&self.tables[e.table as usize], &e.key))
    }
}
