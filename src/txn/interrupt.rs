//! Interrupting a running statement: PostgreSQL's query cancel (Ctrl-C in the shell).
//!
//! An [`Interrupt`] is one flag per session, shared between the session's thread and whoever
//! holds its `SessionHandle`. The statement runs on the session's thread and looks at the flag;
//! another thread raises it:
//!
//! ```text
//!   session thread:  statement starts ─► clear() ─► ... check() ... check() ─► Err(57014)
//!   other thread:                                      request() ─┘
//! ```
//!
//! * **Cleared when a statement starts**, so a request that arrives while no statement runs
//!   is forgotten and never cancels the next statement. The price is a race PostgreSQL has
//!   too: a request that arrives just before a statement starts (before the clear) is
//!   forgotten as well; the statement then runs and the user cancels again.
//! * **Checked cheaply where work repeats**: one relaxed load per batch of a scan, per step of
//!   a locking scan, per row pair of a nested-loop join and per row written. No lock, no
//!   fence: the flag needs no ordering with other memory, only to be seen soon, which cache
//!   coherence gives.
//! * **A lock wait** sleeps instead of checking, so cancelling also wakes it through the lock
//!   manager (`LockManager::cancel`); and a wait that starts just after the request checks the
//!   flag under the lock table's mutex before it sleeps (`WaitPolicy::Block`), so a request
//!   cannot slip between "the waiter checked" and "the canceller looked for a wait".
//!
//! A failed check is [`Error::QueryCanceled`] (57014), an error like any other: the statement's
//! effects are undone, and in a transaction block the block fails (25P02 until ROLLBACK).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// A session's "cancel the running statement" flag; see the module documentation.
#[derive(Debug, Default)]
pub struct Interrupt {
    requested: AtomicBool,
}

impl Interrupt {
    /// Asks the running statement (if any) to stop with 57014 at its next check.
    pub fn request(&self) {
        self.requested.store(true, Ordering::Relaxed);
    }

    /// Forgets any request: a statement is starting.
    pub fn clear(&self) {
        self.requested.store(false, Ordering::Relaxed);
    }

    /// Whether a request is pending.
    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::Relaxed)
    }

    /// Fails with [`Error::QueryCanceled`] if a request is pending.
    #[inline]
    pub fn check(&self) -> Result<()> {
        if self.is_requested() {
            return Err(Error::QueryCanceled);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_fails_checks_until_cleared() {
        let interrupt = Interrupt::default();
        assert_eq!(interrupt.check(), Ok(()));
        interrupt.request();
        assert!(interrupt.is_requested());
        assert_eq!(interrupt.check(), Err(Error::QueryCanceled));
        assert_eq!(interrupt.check().unwrap_err().sqlstate(), "57014");
        interrupt.clear();
        assert_eq!(interrupt.check(), Ok(()));
    }
}
