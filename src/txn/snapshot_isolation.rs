//! SNAPSHOT ISOLATION: first updater wins.
//!
//! A snapshot-isolation transaction reads everything through the one snapshot it took at its
//! first statement. When it writes (UPDATE, DELETE, SELECT FOR UPDATE/SHARE) it first takes the
//! row lock, waiting for any transaction that holds it. Holding the lock, it looks at the
//! version it read:
//!
//! * still current: go on;
//! * ended by a transaction that committed (after the snapshot, necessarily, or the reader
//!   would have seen the change): fail with 40001, *could not serialize access due to
//!   concurrent update* (or *delete*);
//! * the concurrent writer aborted: its undo reopened the version before it released the lock,
//!   so the version is current again: go on.
//!
//! A transaction that only locked the row (FOR UPDATE / FOR SHARE) and committed does not make
//! later writers fail: the row did not change. These are PostgreSQL's REPEATABLE READ rules;
//! they prevent lost updates (P4) but allow write skew, where the two write sets are disjoint.

use crate::error::{Conflict, ConflictEdge, ConflictRule, EdgeKind, Error, TxnId};

/// The 40001 error for `me`, whose snapshot read a version of `object` that `writer`
/// (committed after the snapshot) then updated, or deleted when `deleted`.
pub(super) fn first_updater_wins(me: TxnId, writer: TxnId, object: String, deleted: bool) -> Error {
    let rule = if deleted { ConflictRule::ConcurrentDelete } else { ConflictRule::ConcurrentUpdate };
    // me read the version that writer overwrote: me -rw-> writer; and me's write would come
    // after writer's on the same row: writer -ww-> me. A cycle, so me cannot commit.
    let edges = vec![
        ConflictEdge { from: me, to: writer, kind: EdgeKind::ReadWrite, object: object.clone() },
        ConflictEdge { from: writer, to: me, kind: EdgeKind::WriteWrite, object },
    ];
    Error::SerializationFailure(Box::new(Conflict { victim: me, rule, edges }))
}
