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

/// One physical change.
#[derive(Clone, Debug)]
pub enum UndoEntry {
    Appended {
        table: Arc<Table>,
        key: Key,
    },
    Ended {
        table: Arc<Table>,
        key: Key,
    },
    /// The newest version of `key` was ended and a new one appended to the same chain.
    Replaced {
        table: Arc<Table>,
        key: Key,
    },
}

/// The changes of one transaction, oldest first.
#[derive(Debug, Default)]
pub struct UndoLog {
    entries: Vec<UndoEntry>,
}

impl UndoLog {
    pub fn push(&mut self, entry: UndoEntry) {
        self.entries.push(entry);
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
            match self.entries.pop().expect("len > keep") {
                UndoEntry::Appended { table, key } => {
                    table.write().remove_newest_created_by(&key, me);
                }
                UndoEntry::Ended { table, key } => {
                    table.write().reopen_newest(&key, me);
                }
                UndoEntry::Replaced { table, key } => {
                    let mut rows = table.write();
                    rows.remove_newest_created_by(&key, me);
                    rows.reopen_newest(&key, me);
                }
            }
        }
    }

    /// The chains in which this transaction ended versions: after commit they hold versions
    /// that become dead once the horizon passes.
    pub fn ended_rows(&self) -> impl Iterator<Item = (&Arc<Table>, &Key)> {
        self.entries.iter().filter_map(|e| match e {
            UndoEntry::Ended { table, key } | UndoEntry::Replaced { table, key } => Some((table, key)),
            UndoEntry::Appended { .. } => None,
        })
    }
}
