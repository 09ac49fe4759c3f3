//! READ COMMITTED: what a writer does with a row that changed under it.
//!
//! A READ COMMITTED statement finds its target rows with its statement snapshot, then locks
//! each one. If, by the time it holds the lock, a concurrent transaction has committed a change
//! to the row, PostgreSQL's rule applies (executor README, "EvalPlanQual"):
//!
//! ```text
//!   version read ──xmax=T5 (committed)──► version by T5 ──xmax=T8 (committed)──► newest
//!                                                                                   │
//!        the writer continues with the newest version and re-checks its WHERE ◄─────┘
//! ```
//!
//! * the row was updated: follow the chain of updates to the newest version; the executor
//!   re-evaluates the statement's WHERE clause on it and, if it still matches, applies the
//!   change to it (so `SET v = v + 1` increments the newest value and no increment is lost);
//! * the row was deleted: skip it;
//! * the version read is still current: go on with it.
//!
//! Rows that started to match only because of concurrent commits are not looked for: the
//! statement does not restart. An update that changed the primary key moved the row to another
//! chain; a concurrent writer sees that as a delete and skips the row (PostgreSQL behaves the
//! same way for rows moved between partitions).

use crate::error::TxnId;
use crate::storage::{Chain, NO_TXN};

use super::visibility::TxnStatus;

/// Where the chain of updates from a version leads.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Followed {
    /// The newest version, at this position in the chain: not ended.
    Newest(usize),
    /// The row was deleted (or moved to another primary key).
    Deleted,
    /// A transaction on the way has not finished: wait for it, then look again.
    WaitFor(TxnId),
}

/// Follows the updates from the version at `start` to the newest one. `me` is the follower:
/// a version it ended itself (earlier in the same statement) counts as deleted.
pub(super) fn follow_updates(chain: &Chain, start: usize, me: TxnId, status: impl Fn(TxnId) -> TxnStatus) -> Followed {
    let mut position = start;
    loop {
        let version = &chain.versions[position];
        if version.xmax == NO_TXN {
            return Followed::Newest(position);
        }
        if version.xmax == me {
            return Followed::Deleted;
        }
        match status(version.xmax) {
            TxnStatus::Committed(_) => {}
            TxnStatus::InProgress | TxnStatus::Aborted => return Followed::WaitFor(version.xmax),
        }
        // An update appends its new version right after the one it ended, with the same
        // transaction as creator; anything else after a deletion is a new row.
        match chain.versions.get(position + 1) {
            Some(next) if next.xmin == version.xmax => position += 1,
            _ => return Followed::Deleted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Version;
    use std::sync::Arc;

    fn version(xmin: u64, xmax: u64) -> Version {
        Version { xmin: TxnId(xmin), xmax: TxnId(xmax), cmin: 0, cmax: 0, data: Arc::from(vec![]) }
    }

    fn committed(_: TxnId) -> TxnStatus {
        TxnStatus::Committed(1)
    }

    #[test]
    fn follows_updates_to_the_newest_version() {
        let chain = Chain { versions: vec![version(1, 5), version(5, 8), version(8, 0)] };
        assert_eq!(follow_updates(&chain, 0, TxnId(9), committed), Followed::Newest(2));
    }

    #[test]
    fn a_delete_then_a_new_row_is_a_delete() {
        let chain = Chain { versions: vec![version(1, 5), version(7, 0)] };
        assert_eq!(follow_updates(&chain, 0, TxnId(9), committed), Followed::Deleted);
    }

    #[test]
    fn waits_for_unfinished_transactions() {
        let chain = Chain { versions: vec![version(1, 5), version(5, 0)] };
        let status = |t: TxnId| if t == TxnId(5) { TxnStatus::InProgress } else { TxnStatus::Committed(1) };
        assert_eq!(follow_updates(&chain, 0, TxnId(9), status), Followed::WaitFor(TxnId(5)));
    }

    #[test]
    fn own_change_in_this_statement_counts_as_deleted() {
        let chain = Chain { versions: vec![version(1, 9), version(9, 0)] };
        assert_eq!(follow_updates(&chain, 0, TxnId(9), committed), Followed::Deleted);
    }
}
