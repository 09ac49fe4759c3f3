//! [`Transaction`]: a transaction block held by the embedded API.
//!
//! `conn.transaction(level)` opens a block (like `BEGIN ISOLATION LEVEL ...`); the
//! `Transaction` runs statements like the connection it borrows (it dereferences to it), and
//! ends with [`commit`](Transaction::commit) or [`rollback`](Transaction::rollback). Dropping
//! it without either rolls back, so an early return or a panic never leaves a block open.

use std::ops::Deref;

use crate::error::{Error, Result, TxnId};

use super::session::BlockEnd;
use super::Connection;

/// An open transaction block; see the module documentation.
pub struct Transaction<'conn> {
    conn: &'conn mut Connection,
    ended: bool,
}

impl<'conn> Transaction<'conn> {
    pub(super) fn new(conn: &'conn mut Connection) -> Transaction<'conn> {
        Transaction { conn, ended: false }
    }

    /// The transaction's id (what `xmin` and `xmax` show), if it is still running.
    pub fn id(&self) -> Option<TxnId> {
        self.conn.info().txn
    }

    /// Commits. If a statement failed inside the transaction, the transaction was aborted:
    /// it is rolled back and this returns [`Error::TransactionRolledBack`].
    pub fn commit(mut self) -> Result<()> {
        self.ended = true;
        let result = self.conn.state.borrow_mut().session.end(true);
        self.conn.publish();
        match result? {
            BlockEnd::Committed => Ok(()),
            BlockEnd::RolledBack => Err(Error::TransactionRolledBack),
        }
    }

    /// Rolls back every change of the transaction.
    pub fn rollback(mut self) -> Result<()> {
        self.ended = true;
        self.end_block();
        Ok(())
    }

    fn end_block(&mut self) {
        // Ending a block that an error already ended is not an error here.
        let _ = self.conn.state.borrow_mut().session.end(false);
        self.conn.publish();
    }
}

impl std::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction").field("session", &self.conn.info()).finish()
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.ended {
            self.end_block();
        }
    }
}
