//! The lock manager: the engine's one waiting mechanism, and the lock table of strict two-phase
//! locking (table intention locks, record locks, next-key / gap locks, insert intentions).
//!
//! Every wait in the engine — a writer waiting for a row another transaction has locked, a
//! unique-key check waiting for an uncommitted inserter to end, a two-phase-locking reader
//! waiting for a record, an insert waiting for a gap — goes through [`LockManager::acquire`] or
//! [`LockManager::wait_for_transaction`]. So at every moment the lock manager knows who waits for
//! whom: the REPL shows it ([`LockManager::waits`], [`LockManager::held`]), the isolation test
//! runner detects that a step blocks by polling [`LockManager::waiting_for`], and deadlock
//! detection reads the same table. `docs/locking.md` is the reader's guide, with worked examples.
//!
//! ## Lock targets ([`LockTarget`])
//!
//! * `Table(t)`: a whole table, in the multigranularity modes IS, IX, S, SIX, X.
//! * `Row { table, key }`: one row, named by its primary key. It is also the **record** of the
//!   primary index (S or X).
//! * `IndexRecord { table, index, entry }`: one entry of a secondary index (S or X). `entry` is
//!   the whole entry key, index key values then primary-key values, so entries are unique. The
//!   primary index has no `IndexRecord`: its record is `Row` (asking for one is an error).
//! * `Gap { table, index, before }`: the open interval of `index` between the entry before
//!   `before` and `before` ([`GapEnd::Supremum`]: after the last entry). Modes `Gap` and
//!   `InsertIntention` only. A *next-key lock* on entry K is the record lock on K plus the gap
//!   lock before K: the half-open interval `(previous entry, K]`.
//! * `Transaction(T)`: "the end of transaction T". `T` holds it exclusively, and implicitly, from
//!   [`LockManager::begin`] to [`LockManager::release_all`]; nobody else ever holds it. A
//!   transaction calls `begin` before its first write, lock or wait (not at BEGIN), which is
//!   enough: only its versions and its locks make anyone wait for it. Waiting
//!   for it is waiting for `T` to commit or abort: a unique-key check that finds a key inserted
//!   by an uncommitted transaction, or an update that finds a row version deleted by an
//!   uncommitted one (PostgreSQL sleeps on the xmax's transaction id in the same way, so that its
//!   deadlock detector sees the wait). When `T` ends every waiter is released at once, whatever
//!   mode it asked for, and none of them holds anything afterwards. A request on
//!   `Transaction(T)` when `T` is not running (never begun, or already ended) succeeds at once.
//!
//! A mode the target does not take (IX on a row, S on a gap, ...) is refused with
//! [`Error::Internal`].
//!
//! ## Modes and compatibility ([`compatible`]; held in rows, requested in columns)
//!
//! ```text
//!   tables                 IS   IX   S    SIX  X        rows, index records   S    X
//!            IS            yes  yes  yes  yes  no                  S         yes  no
//!            IX            yes  yes  no   no   no                  X         no   no
//!            S             yes  no   yes  no   no
//!            SIX           yes  no   no   no   no        gaps         Gap  InsertIntention
//!            X             no   no   no   no   no          Gap        yes  no
//!                                                        InsertIntention  yes  yes
//! ```
//!
//! [`LockMode::covers`] and [`LockMode::join`] follow the lattice IS < IX < SIX < X,
//! IS < S < SIX (S and IX join to SIX): holding a mode that covers the request returns at once;
//! a holder asking for a mode it does not cover upgrades to the join.
//!
//! **Gap locks are purely inhibitive** (InnoDB): whether the caller reads or writes, it asks for
//! `Gap`. A `Gap` request is granted at once, always — it never waits and never queues: gap locks
//! of different transactions are compatible, and compatible with insert intentions. Its only
//! effect is to make other transactions' **insert intentions** into that gap wait. An
//! `InsertIntention` request ("may I insert here?") waits while any *other* transaction holds
//! `Gap` on the target; insert intentions never wait for each other nor for the requester's
//! own gap lock. Once granted it holds nothing (like a wait on `Transaction(T)`): the caller
//! inserts, takes X on the new record, and calls [`LockManager::inherit_gap_locks`] so that the
//! gap before the new entry keeps the gap locks of the gap it split.
//!
//! ## Queues and grants
//!
//! Each target with a holder or a waiter has a `LockQueue`: the holders (transaction, mode) and
//! the waiters, in queue order.
//!
//! * A new request is granted at once iff it is compatible with every holder AND with every
//!   waiter's request: it may pass waiters it does not conflict with (an IS next to a queued S),
//!   never one it conflicts with, so a stream of readers cannot starve a writer. (With only S and
//!   X this is plain FIFO: S waiters exist only behind an X.)
//! * Upgrade (a holder asks for a mode its lock does not cover: S -> X, IS -> IX, IX -> SIX, ...;
//!   it asks for the [`LockMode::join`]): granted at once if the joined mode is compatible with
//!   every other holder, whoever waits. Otherwise it waits at the FRONT of the queue, behind only
//!   the upgraders already there: a waiter whose request conflicts with the lock it already
//!   holds waits for it anyway, so queueing behind such a waiter would deadlock it with a request
//!   that waits for it (PostgreSQL's queue rule, test `tuplelock-upgrade-no-deadlock`). Two holders that both upgrade to conflicting modes do
//!   deadlock: the second to ask is refused (below).
//! * Grant pass, after a release or after a waiter leaves the queue (timeout, cancel, deadlock
//!   victim): walk the queue from the front and grant every waiter compatible with the holders
//!   (those granted earlier in the pass included) and with every waiter still queued ahead of it
//!   (PostgreSQL's `ProcLockWakeup`). So a waiter waits exactly for the holders and the waiters
//!   ahead it conflicts with: the edges of the waits-for graph.
//! * Gap queues and `Transaction(T)` queues hold nothing but their holders' locks: their waiters
//!   (insert intentions; waits for the end of `T`) never wait for each other, each is granted as
//!   soon as it is compatible with the holders, whatever its place, and holds nothing
//!   afterwards.
//! * Each waiter sleeps on its own `parking_lot::Condvar` (with the table's mutex) and is woken
//!   only when its request is decided: no polling, no thundering herd.
//!
//! Locks, gap locks included, are held until [`LockManager::release_all`] (strict two-phase
//! locking); there is no early release of one lock.
//!
//! ## Deadlocks
//!
//! Detection runs on every request that has to wait, before it sleeps (InnoDB's choice; PostgreSQL
//! waits `deadlock_timeout` first). It builds the waits-for graph over all waiting transactions,
//! the new request included (`deadlock.rs`): `W -> H` for every holder `H` whose mode conflicts
//! with `W`'s request (hard edge; an insert intention has hard edges to the other gap holders),
//! `W -> Q` for every waiter `Q` queued ahead of `W` whose request conflicts with `W`'s (soft
//! edge), `W -> T` for a wait on `Transaction(T)`. It then searches for a cycle through the
//! requester, in ascending transaction id order.
//!
//! **Rule: the request that closes the cycle is refused.** A cycle consists of waiting
//! transactions, each with an edge to the next. An edge appears (1) when a transaction starts
//! waiting: its own out-edges, plus, when an upgrader goes to the front of a queue, soft edges
//! into it from the waiters behind; (2) when a lock is granted to a transaction that is not
//! waiting (an immediate grant, upgrade or gap lock: the grantee is running its request, so it
//! has no out-edge and closes no cycle until it waits itself, and then its own check runs);
//! (3) when a grant pass turns a waiter into a holder: the soft edges into it become hard edges
//! between the same transactions; (4) when [`LockManager::inherit_gap_locks`] gives gap locks to
//! transactions that may be waiting: then every insert intention waiting on that gap is checked
//! at once, and one that is on a cycle is refused (its edge to the heir closed it). Releases and
//! withdrawals only remove edges. So every cycle is found at the moment it forms, and the
//! requester is on it. The choice is deterministic and needs no cost model; PostgreSQL's
//! detector also aborts itself. The victim's request is withdrawn (the grant pass re-runs on its
//! queue), nobody else is touched, and `acquire` returns [`Error::DeadlockDetected`] with the
//! cycle from the victim round back to it, e.g.
//! `T2 waits for T1 (X lock on accounts(id=1)); T1 waits for T2 (X lock on accounts(id=2))`.
//! The victim's other locks stay held: the caller aborts the transaction, which calls
//! `release_all`. A long wait without a cycle is never aborted; only a timeout the caller asked
//! for ends it ([`WaitPolicy::Block`]). Two transactions that both hold a gap lock on an empty
//! range and both insert into it deadlock: the second insert intention is refused.
//!
//! ## State, cost, and what runs under the mutex
//!
//! One `parking_lot::Mutex` guards a `LockTable`: a hash map `LockTarget -> LockQueue` plus, per
//! transaction, the targets it holds and its current wait. An uncontended acquire is one mutex
//! lock and one hash insert (plus a push on the holder's list); a granted insert intention on a
//! gap nobody locked is one hash lookup and leaves nothing behind; `release_all` of a
//! transaction that held k locks costs O(k) queue visits. Empty queues and transactions with
//! neither locks nor a wait are removed, so an idle lock manager holds no memory
//! ([`LockManager::is_idle`]). The `describe` closure (which may consult the catalog) is never
//! called with the mutex held.
//!
//! ## Left for later
//!
//! * Re-ordering queues to break soft-edge cycles without an abort (PostgreSQL `deadlock-soft`).
//! * The detector rebuilds the graph over all waiters on each wait: fine for interactive use and
//!   tests, quadratic for a convoy of hundreds of exclusive waiters on one row.
//! * Lock escalation (many record locks of one transaction in one table -> a table lock).

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{Condvar, Mutex};

use crate::error::{Deadlock, Error, TxnId, WaitEdge};
use crate::fast_hash::FastHashMap;
use crate::storage::TableId;
use crate::types::Key;

use super::deadlock::{Edge, QueueSnapshot, WaitsForGraph};
use super::interrupt::Interrupt;

/// An index of a table: its primary key, or a secondary index by its position in the table's
/// `schema.indexes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexId {
    Primary,
    Secondary(u32),
}

impl fmt::Display for IndexId {
    /// `primary key`, `index 0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexId::Primary => f.write_str("primary key"),
            IndexId::Secondary(position) => write!(f, "index {position}"),
        }
    }
}

/// The entry that ends a gap: the gap is the open interval between the entry before it and it.
/// Every `Key` sorts before `Supremum` (the pseudo-entry after the last one).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GapEnd {
    Key(Key),
    Supremum,
}

/// What a lock protects. See the module doc.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LockTarget {
    /// A whole table (modes IS, IX, S, SIX, X).
    Table(TableId),
    /// One row, by primary key; also the record of the primary index (modes S, X).
    Row { table: TableId, key: Key },
    /// One entry of a secondary index (modes S, X): `entry` is the index key values followed
    /// by the primary-key values. Never `IndexId::Primary` (that record is `Row`).
    IndexRecord { table: TableId, index: IndexId, entry: Key },
    /// The gap of `index` before `before` (modes `Gap`, `InsertIntention`).
    Gap { table: TableId, index: IndexId, before: GapEnd },
    /// The end of a transaction: held implicitly by that transaction from `begin` to
    /// `release_all`, waited on by others.
    Transaction(TxnId),
}

impl LockTarget {
    /// Whether the waiters of this target never wait for each other and hold nothing once
    /// granted: waits for the end of a transaction, insert intentions on a gap.
    pub(super) fn waiters_are_independent(&self) -> bool {
        matches!(self, LockTarget::Transaction(_) | LockTarget::Gap { .. })
    }

    /// Whether a lock on `self` may be requested in `mode` (see the module doc).
    fn takes(&self, mode: LockMode) -> bool {
        use LockMode::*;
        match self {
            LockTarget::Table(_) => !matches!(mode, Gap | InsertIntention),
            LockTarget::Row { .. } | LockTarget::Transaction(_) => matches!(mode, Shared | Exclusive),
            LockTarget::IndexRecord { index, .. } => *index != IndexId::Primary && matches!(mode, Shared | Exclusive),
            LockTarget::Gap { .. } => matches!(mode, Gap | InsertIntention),
        }
    }
}

impl fmt::Display for LockTarget {
    /// A catalog-free rendering, for a `describe` closure to fall back on: `table#1(2)`,
    /// `table#1`, `table#1 index 0 entry (5, 2)`, `gap before (5, 2) in table#1 index 0`,
    /// `gap after the last entry of table#1 primary key`, `transaction 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockTarget::Table(table) => write!(f, "{table}"),
            LockTarget::Row { table, key } => write!(f, "{table}({key})"),
            LockTarget::IndexRecord { table, index, entry } => write!(f, "{table} {index} entry {entry}"),
            LockTarget::Gap { table, index, before: GapEnd::Key(key) } => {
                write!(f, "gap before {key} in {table} {index}")
            }
            LockTarget::Gap { table, index, before: GapEnd::Supremum } => {
                write!(f, "gap after the last entry of {table} {index}")
            }
            LockTarget::Transaction(txn) => write!(f, "transaction {txn}"),
        }
    }
}

/// A lock mode. `Shared` and `Exclusive` are the S and X of tables, rows and index records;
/// the intention modes are for tables; `Gap` and `InsertIntention` for gaps.
///
/// The order (`Ord`) lists the table modes in an order compatible with their strength
/// (IS, IX, S, SIX, X), then the gap modes; it is for sorting only: strength is
/// [`LockMode::covers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LockMode {
    /// IS: the holder will lock some rows of the table in S.
    IntentionShared,
    /// IX: the holder will lock some rows of the table in X (or S).
    IntentionExclusive,
    /// S.
    Shared,
    /// SIX: S on the whole table plus the intention to lock some rows in X.
    SharedIntentionExclusive,
    /// X.
    Exclusive,
    /// A gap lock: blocks other transactions' inserts into the gap, nothing else.
    Gap,
    /// The check an insert makes before inserting into a gap; holds nothing once granted.
    InsertIntention,
}

impl LockMode {
    /// Whether holding `self` already grants a request for `requested` (reflexive; the table
    /// lattice IS < IX < SIX < X, IS < S < SIX; no mode covers one of the other family).
    pub fn covers(self, requested: LockMode) -> bool {
        use LockMode::*;
        self == requested
            || matches!(
                (self, requested),
                (Exclusive, IntentionShared | IntentionExclusive | Shared | SharedIntentionExclusive)
                    | (SharedIntentionExclusive, IntentionShared | IntentionExclusive | Shared)
                    | (Shared | IntentionExclusive, IntentionShared)
            )
    }

    /// The weakest mode that covers both: what a holder of `self` asking for `other` upgrades to
    /// (S and IX join to SIX). Defined for the table and record modes; the gap modes are never
    /// upgraded (a gap holder asking for `Gap` again already has it, an insert intention holds
    /// nothing), and for two modes no mode covers it returns the later one in `Ord`.
    pub fn join(self, other: LockMode) -> LockMode {
        use LockMode::*;
        if self.covers(other) {
            self
        } else if other.covers(self) {
            other
        } else if matches!((self, other), (Shared, IntentionExclusive) | (IntentionExclusive, Shared)) {
            SharedIntentionExclusive
        } else {
            self.max(other)
        }
    }
}

impl fmt::Display for LockMode {
    /// `IS`, `IX`, `S`, `SIX`, `X`, `gap`, `insert intention`: deadlock messages read
    /// "<mode> lock on <target>".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockMode::IntentionShared => "IS",
            LockMode::IntentionExclusive => "IX",
            LockMode::Shared => "S",
            LockMode::SharedIntentionExclusive => "SIX",
            LockMode::Exclusive => "X",
            LockMode::Gap => "gap",
            LockMode::InsertIntention => "insert intention",
        })
    }
}

/// Whether a lock held in mode `held` by one transaction lets another be granted `requested`:
/// the matrices of the module doc. Symmetric except for the gap modes: a held gap lock blocks
/// an insert intention, but an insert intention (were it held) would not block a gap lock.
/// Modes of different families never meet on one target; they are reported incompatible.
pub fn compatible(held: LockMode, requested: LockMode) -> bool {
    use LockMode::*;
    matches!(
        (held, requested),
        (IntentionShared, IntentionShared | IntentionExclusive | Shared | SharedIntentionExclusive)
            | (IntentionExclusive, IntentionShared | IntentionExclusive)
            | (Shared, IntentionShared | Shared)
            | (SharedIntentionExclusive, IntentionShared)
            | (Gap, Gap)
            | (InsertIntention, Gap | InsertIntention)
    )
}

/// What to do when a request cannot be granted at once.
#[derive(Clone, Copy, Debug)]
pub enum WaitPolicy<'a> {
    /// Wait until granted, or fail with `LockNotAvailable` after `timeout` if one is given,
    /// or with `QueryCanceled` once `interrupt` is requested: the flag is checked under the
    /// lock table's mutex before each sleep, and [`LockManager::cancel`] wakes the sleeper (see
    /// `interrupt.rs` for why both are needed).
    Block { timeout: Option<std::time::Duration>, interrupt: Option<&'a Interrupt> },
    /// Fail at once with `LockNotAvailable` (`FOR UPDATE NOWAIT`).
    NoWait,
}

/// A transaction that waits, as introspection shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockWait {
    pub waiter: TxnId,
    pub target: LockTarget,
    pub mode: LockMode,
    /// `describe(target)`, e.g. `accounts(id=2)`.
    pub description: String,
    /// Holders with a conflicting mode plus conflicting waiters queued ahead, sorted, deduped.
    pub blockers: Vec<TxnId>,
}

/// A granted lock, as introspection shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    pub txn: TxnId,
    pub target: LockTarget,
    pub mode: LockMode,
    pub description: String,
}

/// Renders a target for messages and introspection.
pub type Describe = Box<dyn Fn(&LockTarget) -> String + Send + Sync>;

/// The lock table behind one mutex. See the module doc.
pub struct LockManager {
    table: Mutex<LockTable>,
    describe: Describe,
}

impl fmt::Debug for LockManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = self.table.lock();
        f.debug_struct("LockManager")
            .field("queues", &table.queues.len())
            .field("transactions", &table.txns.len())
            .finish_non_exhaustive()
    }
}

/// Everything the mutex guards.
#[derive(Default)]
struct LockTable {
    /// Targets with at least one holder or waiter.
    queues: FastHashMap<LockTarget, LockQueue>,
    /// Transactions with at least one lock (their own `Transaction(T)` included) or a wait.
    txns: FastHashMap<TxnId, TxnState>,
}

/// The holders and waiters of one target.
#[derive(Default)]
struct LockQueue {
    /// Granted locks, one per transaction, in grant order. Usually one or a few.
    holders: Vec<(TxnId, LockMode)>,
    /// Waiting requests: upgraders first, then the others in arrival order.
    waiters: VecDeque<Waiter>,
}

struct Waiter {
    txn: TxnId,
    /// The mode it will hold once granted (for an upgrade: the joined mode).
    mode: LockMode,
    /// It already holds a weaker mode on this target.
    upgrade: bool,
}

#[derive(Default)]
struct TxnState {
    /// Every target it holds (a target appears once; an upgrade changes only the queue's mode).
    held: Vec<LockTarget>,
    wait: Option<WaitState>,
}

struct WaitState {
    target: LockTarget,
    mode: LockMode,
    status: WaitStatus,
    /// The cycle, once the request is refused as a deadlock victim while it sleeps.
    cycle: Vec<Edge>,
    /// The waiter sleeps on it; whoever decides the request notifies it.
    cv: Arc<Condvar>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WaitStatus {
    /// In the queue.
    Waiting,
    /// Granted by a grant pass (and out of the queue); the waiter has not woken up yet.
    Granted,
    /// Withdrawn by `cancel` (or `release_all` of the waiter itself).
    Canceled,
    /// Withdrawn as a deadlock victim after it started sleeping: gap locks inherited by a
    /// waiting transaction closed a cycle through it (`WaitState::cycle`).
    Deadlocked,
}

/// The outcome of trying to grant a request at once.
enum Attempt {
    Granted,
    Wait { position: usize, mode: LockMode, upgrade: bool },
}

impl LockQueue {
    fn holder(&self, txn: TxnId) -> Option<usize> {
        self.holders.iter().position(|&(h, _)| h == txn)
    }

    /// Whether `txn` may be granted `mode` as far as the other holders are concerned.
    fn fits(&self, txn: TxnId, mode: LockMode) -> bool {
        self.holders.iter().all(|&(h, held)| h == txn || compatible(held, mode))
    }

    fn is_empty(&self) -> bool {
        self.holders.is_empty() && self.waiters.is_empty()
    }

    fn snapshot(&self, target: &LockTarget) -> QueueSnapshot {
        QueueSnapshot {
            target: target.clone(),
            holders: self.holders.clone(),
            waiters: self.waiters.iter().map(|w| (w.txn, w.mode)).collect(),
        }
    }
}

impl LockTable {
    /// Grants `mode` on `target` to `txn` if the rules allow it without waiting; otherwise says
    /// where in the queue the request goes.
    fn try_grant(&mut self, txn: TxnId, target: &LockTarget, mode: LockMode) -> Attempt {
        match target {
            LockTarget::Transaction(owner) => {
                // Only the owner holds it; for anyone else it is a wait for the owner's end, or
                // nothing if the owner is not running (no queue).
                return match self.queues.get(target) {
                    Some(queue) if *owner != txn => {
                        Attempt::Wait { position: queue.waiters.len(), mode, upgrade: false }
                    }
                    _ => Attempt::Granted,
                };
            }
            LockTarget::Gap { .. } => return self.try_grant_on_gap(txn, target, mode),
            _ => {}
        }
        let LockTable { queues, txns } = self;
        let queue = match queues.entry(target.clone()) {
            Entry::Vacant(vacant) => {
                vacant.insert(LockQueue { holders: vec![(txn, mode)], waiters: VecDeque::new() });
                txns.entry(txn).or_default().held.push(target.clone());
                return Attempt::Granted;
            }
            Entry::Occupied(occupied) => occupied.into_mut(),
        };
        if let Some(index) = queue.holder(txn) {
            let held = queue.holders[index].1;
            if held.covers(mode) {
                return Attempt::Granted;
            }
            let wanted = held.join(mode);
            if queue.fits(txn, wanted) {
                queue.holders[index].1 = wanted;
                return Attempt::Granted;
            }
            let position = queue.waiters.iter().take_while(|w| w.upgrade).count();
            return Attempt::Wait { position, mode: wanted, upgrade: true };
        }
        if queue.fits(txn, mode) && queue.waiters.iter().all(|w| compatible(w.mode, mode)) {
            queue.holders.push((txn, mode));
            txns.entry(txn).or_default().held.push(target.clone());
            return Attempt::Granted;
        }
        Attempt::Wait { position: queue.waiters.len(), mode, upgrade: false }
    }

    /// [`LockTable::try_grant`] on a gap: `Gap` is granted at once, always; `InsertIntention`
    /// when no other transaction holds `Gap`, and then leaves nothing behind.
    fn try_grant_on_gap(&mut self, txn: TxnId, target: &LockTarget, mode: LockMode) -> Attempt {
        if mode == LockMode::InsertIntention {
            return match self.queues.get(target) {
                Some(queue) if !queue.fits(txn, mode) => {
                    Attempt::Wait { position: queue.waiters.len(), mode, upgrade: false }
                }
                _ => Attempt::Granted,
            };
        }
        if self.add_gap_holder(txn, target) {
            self.refuse_cycles_through_waiters(target, &[txn]);
        }
        Attempt::Granted
    }

    /// Makes `txn` a holder of `Gap` on `target`. Returns whether that gave the waiters of the
    /// queue a new blocker (it was not a holder, and someone waits).
    fn add_gap_holder(&mut self, txn: TxnId, target: &LockTarget) -> bool {
        let LockTable { queues, txns } = self;
        let queue = match queues.entry(target.clone()) {
            Entry::Vacant(vacant) => vacant.insert(LockQueue::default()),
            Entry::Occupied(occupied) => {
                let queue = occupied.into_mut();
                if queue.holder(txn).is_some() {
                    return false;
                }
                queue
            }
        };
        queue.holders.push((txn, LockMode::Gap));
        txns.entry(txn).or_default().held.push(target.clone());
        !queue.waiters.is_empty()
    }

    /// After `new_holders` became holders of `target` without waiting for it, the waiters of
    /// `target` may have new edges to them. If one of them is waiting itself (so has out-edges),
    /// a new cycle may have formed through a waiter of `target`: refuse every such waiter that is
    /// on a cycle, as the request whose edge closed it.
    fn refuse_cycles_through_waiters(&mut self, target: &LockTarget, new_holders: &[TxnId]) {
        if !new_holders.iter().any(|&h| self.current_wait(h).is_some()) {
            return;
        }
        let waiters: Vec<TxnId> =
            self.queues.get(target).map(|q| q.waiters.iter().map(|w| w.txn).collect()).unwrap_or_default();
        let mut refused = false;
        for waiter in waiters {
            let Some(cycle) = self.find_deadlock(waiter) else {
                continue;
            };
            if let Some(wait) = self.txns.get_mut(&waiter).and_then(|s| s.wait.as_mut()) {
                wait.status = WaitStatus::Deadlocked;
                wait.cycle = cycle;
                wait.cv.notify_one();
            }
            self.dequeue(waiter, target);
            refused = true;
        }
        if refused {
            self.grant_waiters(target);
        }
    }

    /// Puts `txn` in the queue of `target` and records its wait.
    fn enqueue(
        &mut self,
        txn: TxnId,
        target: &LockTarget,
        mode: LockMode,
        position: usize,
        upgrade: bool,
    ) -> Arc<Condvar> {
        let cv = Arc::new(Condvar::new());
        let queue = self.queues.get_mut(target).expect("a request that waits has a queue");
        queue.waiters.insert(position, Waiter { txn, mode, upgrade });
        self.txns.entry(txn).or_default().wait = Some(WaitState {
            target: target.clone(),
            mode,
            status: WaitStatus::Waiting,
            cycle: Vec::new(),
            cv: Arc::clone(&cv),
        });
        cv
    }

    /// The wait of `txn`, if it is in a queue.
    fn current_wait(&self, txn: TxnId) -> Option<&WaitState> {
        self.txns.get(&txn).and_then(|s| s.wait.as_ref()).filter(|w| w.status == WaitStatus::Waiting)
    }

    /// A cycle of the waits-for graph through `txn`, if there is one.
    fn find_deadlock(&self, txn: TxnId) -> Option<Vec<Edge>> {
        let targets: BTreeSet<&LockTarget> = self
            .txns
            .values()
            .filter_map(|s| s.wait.as_ref())
            .filter(|w| w.status == WaitStatus::Waiting)
            .map(|w| &w.target)
            .collect();
        let snapshots: Vec<QueueSnapshot> =
            targets.into_iter().filter_map(|t| self.queues.get(t).map(|q| q.snapshot(t))).collect();
        WaitsForGraph::build(&snapshots).find_cycle(txn)
    }

    /// The sorted, deduplicated transactions `txn` waits for in the queue of `target`.
    fn blockers(&self, txn: TxnId, target: &LockTarget) -> Vec<TxnId> {
        let Some(queue) = self.queues.get(target) else {
            return Vec::new();
        };
        let Some(index) = queue.waiters.iter().position(|w| w.txn == txn) else {
            return Vec::new();
        };
        queue.snapshot(target).edges_of(index).into_iter().map(|e| e.blocker).collect()
    }

    /// Takes `txn` out of the queue of `target` (it stays recorded as waiting in its state).
    fn dequeue(&mut self, txn: TxnId, target: &LockTarget) {
        if let Some(queue) = self.queues.get_mut(target) {
            if let Some(index) = queue.waiters.iter().position(|w| w.txn == txn) {
                queue.waiters.remove(index);
            }
        }
    }

    /// Ends the wait of `txn` whatever its state, leaving the queue if it is still in it (and
    /// re-running the grant pass there), and forgets `txn` if it has nothing left.
    fn end_wait(&mut self, txn: TxnId) {
        let Some(wait) = self.txns.get_mut(&txn).and_then(|s| s.wait.take()) else {
            return;
        };
        if wait.status == WaitStatus::Waiting {
            self.dequeue(txn, &wait.target);
            self.grant_waiters(&wait.target);
        }
        self.forget_if_empty(txn);
    }

    fn forget_if_empty(&mut self, txn: TxnId) {
        if let Entry::Occupied(state) = self.txns.entry(txn) {
            if state.get().held.is_empty() && state.get().wait.is_none() {
                state.remove();
            }
        }
    }

    /// The grant pass: grant every waiter compatible with the holders and with the waiters still
    /// queued ahead of it (for independent waiters: with the holders), wake them; drop the queue
    /// if it is empty.
    fn grant_waiters(&mut self, target: &LockTarget) {
        let LockTable { queues, txns } = self;
        let Some(queue) = queues.get_mut(target) else {
            return;
        };
        let independent = target.waiters_are_independent();
        // The distinct modes of the waiters passed over (at most one per mode).
        let mut ahead: Vec<LockMode> = Vec::new();
        let mut index = 0;
        while index < queue.waiters.len() {
            let Waiter { txn, mode, upgrade } = queue.waiters[index];
            if !queue.fits(txn, mode) || ahead.iter().any(|&asked| !compatible(asked, mode)) {
                if !independent && !ahead.contains(&mode) {
                    if mode == LockMode::Exclusive {
                        break; // nothing behind a waiting X is compatible with it
                    }
                    ahead.push(mode);
                }
                index += 1;
                continue;
            }
            queue.waiters.remove(index);
            let state = txns.entry(txn).or_default();
            if !independent {
                match queue.holder(txn) {
                    Some(held) if upgrade => queue.holders[held].1 = mode,
                    _ => {
                        queue.holders.push((txn, mode));
                        state.held.push(target.clone());
                    }
                }
            }
            if let Some(wait) = state.wait.as_mut() {
                wait.status = WaitStatus::Granted;
                wait.cv.notify_one();
            }
        }
        if queue.is_empty() {
            queues.remove(target);
        }
    }
}

impl LockManager {
    /// A lock manager with no locks. `describe` renders a target for messages and introspection
    /// (`accounts(id=2)`); it must handle every target (`LockTarget`'s `Display` is a catalog-free
    /// fallback) and is never called with the lock table's mutex held.
    pub fn new(describe: Describe) -> LockManager {
        LockManager { table: Mutex::new(LockTable::default()), describe }
    }

    /// Transaction `txn` starts: from now until `release_all(txn)` it holds `Transaction(txn)`
    /// exclusively. Calling it again for a running transaction does nothing.
    pub fn begin(&self, txn: TxnId) {
        let mut table = self.table.lock();
        let LockTable { queues, txns } = &mut *table;
        let target = LockTarget::Transaction(txn);
        if let Entry::Vacant(vacant) = queues.entry(target.clone()) {
            vacant.insert(LockQueue { holders: vec![(txn, LockMode::Exclusive)], waiters: VecDeque::new() });
            txns.entry(txn).or_default().held.push(target);
        }
    }

    /// Acquires `mode` on `target` for `txn`, waiting as `policy` allows. `Ok(())` once granted.
    ///
    /// On `Transaction(T)` with `T != txn` this only waits for `T` to end: nothing is held
    /// afterwards (see [`LockManager::wait_for_transaction`]). On a gap, `Gap` is granted at
    /// once, always; `InsertIntention` waits while another transaction holds `Gap` there, and
    /// holds nothing once granted.
    ///
    /// Errors: [`Error::DeadlockDetected`] if this request closes a cycle of waits (the request is
    /// withdrawn, the other locks of `txn` stay held: the caller aborts the transaction);
    /// [`Error::LockNotAvailable`] (with the target's description) under `NoWait` if it would
    /// wait, or when the timeout expires; [`Error::QueryCanceled`] after [`LockManager::cancel`]
    /// (or `release_all(txn)` from another thread) while it waits, or if the policy's interrupt
    /// is requested when it is about to sleep; [`Error::Internal`] if `txn` is already waiting
    /// on another thread, or if `target` does not take `mode` (IX on a row, S on a gap, an
    /// `IndexRecord` of the primary index).
    pub fn acquire(&self, txn: TxnId, target: LockTarget, mode: LockMode, policy: WaitPolicy<'_>) -> crate::Result<()> {
        if !target.takes(mode) {
            return Err(Error::Internal(format!("a {mode} lock was requested on {target}, which takes no such lock")));
        }
        let mut table = self.table.lock();
        let (position, mode, upgrade) = match table.try_grant(txn, &target, mode) {
            Attempt::Granted => return Ok(()),
            Attempt::Wait { position, mode, upgrade } => (position, mode, upgrade),
        };
        let (timeout, interrupt) = match policy {
            WaitPolicy::NoWait => {
                drop(table);
                return Err(Error::LockNotAvailable((self.describe)(&target)));
            }
            WaitPolicy::Block { timeout, interrupt } => (timeout, interrupt),
        };
        if table.current_wait(txn).is_some() {
            return Err(Error::Internal(format!("transaction {txn} requested a lock while already waiting for one")));
        }
        let cv = table.enqueue(txn, &target, mode, position, upgrade);

        if let Some(cycle) = table.find_deadlock(txn) {
            table.end_wait(txn);
            drop(table);
            return Err(self.deadlock_error(txn, cycle));
        }

        // A deadline too far away to represent is no deadline.
        let deadline = timeout.and_then(|d| Instant::now().checked_add(d));
        let mut timed_out = false;
        loop {
            let status = table.txns.get(&txn).and_then(|s| s.wait.as_ref()).map(|w| w.status);
            match status {
                Some(WaitStatus::Waiting) if interrupt.is_some_and(Interrupt::is_requested) => {
                    table.end_wait(txn);
                    return Err(Error::QueryCanceled);
                }
                Some(WaitStatus::Waiting) => {}
                Some(WaitStatus::Granted) => {
                    table.end_wait(txn);
                    return Ok(());
                }
                Some(WaitStatus::Deadlocked) => {
                    let cycle = table
                        .txns
                        .get_mut(&txn)
                        .and_then(|s| s.wait.as_mut())
                        .map(|w| std::mem::take(&mut w.cycle))
                        .unwrap_or_default();
                    table.end_wait(txn);
                    drop(table);
                    return Err(self.deadlock_error(txn, cycle));
                }
                Some(WaitStatus::Canceled) | None => {
                    table.end_wait(txn);
                    return Err(Error::QueryCanceled);
                }
            }
            if timed_out {
                table.end_wait(txn);
                drop(table);
                return Err(Error::LockNotAvailable((self.describe)(&target)));
            }
            match deadline {
                Some(deadline) => timed_out = cv.wait_until(&mut table, deadline).timed_out(),
                None => cv.wait(&mut table),
            }
        }
    }

    /// Waits until transaction `other` has ended (committed or aborted): `acquire(txn,
    /// Transaction(other), Shared, policy)`, after which nothing is held. Returns at once if
    /// `other` is not running.
    pub fn wait_for_transaction(&self, txn: TxnId, other: TxnId, policy: WaitPolicy<'_>) -> crate::Result<()> {
        self.acquire(txn, LockTarget::Transaction(other), LockMode::Shared, policy)
    }

    /// Gap-lock inheritance, for when the caller splits or merges gaps: every transaction that
    /// holds `Gap` on `from` (or, if `from` is a record — `Row` or `IndexRecord` — any lock on
    /// it) now also holds `Gap` on `to`, until its `release_all`.
    ///
    /// * Insert of a new entry N before K: `inherit_gap_locks(&gap before K, gap before N)`, so
    ///   that a range locked before the insert stays locked after the split.
    /// * Removal of entry K (vacuum): `inherit_gap_locks(&gap before K, gap before K's
    ///   successor)` and `inherit_gap_locks(&record K, gap before K's successor)`.
    ///
    /// No-op if nobody holds such a lock on `from`, or if `to` is not a gap. Never blocks. If
    /// an heir is itself waiting, the insert intentions waiting on `to` now wait for it: one that
    /// is thereby on a cycle is refused with [`Error::DeadlockDetected`] (see the module doc).
    pub fn inherit_gap_locks(&self, from: &LockTarget, to: LockTarget) {
        if !matches!(to, LockTarget::Gap { .. }) || *from == to {
            return;
        }
        let mut table = self.table.lock();
        let heirs: Vec<TxnId> = match (from, table.queues.get(from)) {
            (LockTarget::Gap { .. } | LockTarget::Row { .. } | LockTarget::IndexRecord { .. }, Some(queue)) => {
                queue.holders.iter().map(|&(holder, _)| holder).collect()
            }
            _ => return,
        };
        let blocking: Vec<TxnId> = heirs.into_iter().filter(|&heir| table.add_gap_holder(heir, &to)).collect();
        if !blocking.is_empty() {
            table.refuse_cycles_through_waiters(&to, &blocking);
        }
    }

    /// Whether anyone holds or waits for `target` (for `Transaction(T)`: whether `T` runs).
    pub fn has_locks(&self, target: &LockTarget) -> bool {
        self.table.lock().queues.contains_key(target)
    }

    /// Transaction `txn` ended: drops all its locks and `Transaction(txn)`, and grants waiters
    /// (FIFO) on every target it held. If `txn` is itself waiting (called from another thread),
    /// its wait is withdrawn and its `acquire` returns `QueryCanceled`.
    pub fn release_all(&self, txn: TxnId) {
        let mut table = self.table.lock();
        let Some(state) = table.txns.get_mut(&txn) else {
            return;
        };
        let held = std::mem::take(&mut state.held);
        let mut withdrawn = None;
        if let Some(wait) = state.wait.as_mut() {
            if wait.status == WaitStatus::Waiting {
                wait.status = WaitStatus::Canceled;
                wait.cv.notify_one();
                withdrawn = Some(wait.target.clone());
            }
        }
        table.forget_if_empty(txn);
        if let Some(target) = withdrawn {
            table.dequeue(txn, &target);
            table.grant_waiters(&target);
        }
        for target in held {
            let Entry::Occupied(mut entry) = table.queues.entry(target) else { continue };
            let queue = entry.get_mut();
            if let Some(index) = queue.holder(txn) {
                queue.holders.swap_remove(index);
            }
            // Nobody waits (the common case): drop the queue if it is empty, in this lookup.
            if queue.waiters.is_empty() {
                if queue.holders.is_empty() {
                    entry.remove();
                }
                continue;
            }
            let target = entry.key().clone();
            table.grant_waiters(&target);
        }
    }
    /// Wakes `txn` if it is waiting; its `acquire` returns `QueryCanceled`. No-op otherwise.
    pub fn cancel(&self, txn: TxnId) {
        let mut table = self.table.lock();
        let Some(wait) = table.txns.get_mut(&txn).and_then(|s| s.wait.as_mut()) else {
            return;
        };
        if wait.status != WaitStatus::Waiting {
            return;
        }
        wait.status = WaitStatus::Canceled;
        wait.cv.notify_one();
        let target = wait.target.clone();
        table.dequeue(txn, &target);
        table.grant_waiters(&target);
    }

    /// One entry per waiting transaction, sorted by waiter.
    pub fn waits(&self) -> Vec<LockWait> {
        let raw: Vec<(TxnId, LockTarget, LockMode, Vec<TxnId>)> = {
            let table = self.table.lock();
            table
                .txns
                .keys()
                .filter_map(|&txn| {
                    let wait = table.current_wait(txn)?;
                    let blockers = table.blockers(txn, &wait.target);
                    Some((txn, wait.target.clone(), wait.mode, blockers))
                })
                .collect()
        };
        let mut waits: Vec<LockWait> = raw
            .into_iter()
            .map(|(waiter, target, mode, blockers)| LockWait {
                waiter,
                description: (self.describe)(&target),
                target,
                mode,
                blockers,
            })
            .collect();
        waits.sort_by_key(|w| w.waiter);
        waits
    }

    /// Every granted lock except the implicit `Transaction(T)` self-locks, sorted by target then
    /// transaction.
    pub fn held(&self) -> Vec<HeldLock> {
        let mut raw: Vec<(LockTarget, TxnId, LockMode)> = {
            let table = self.table.lock();
            table
                .queues
                .iter()
                .filter(|(target, _)| !matches!(target, LockTarget::Transaction(_)))
                .flat_map(|(target, queue)| queue.holders.iter().map(move |&(txn, mode)| (target.clone(), txn, mode)))
                .collect()
        };
        raw.sort();
        raw.into_iter()
            .map(|(target, txn, mode)| HeldLock { txn, description: (self.describe)(&target), target, mode })
            .collect()
    }

    /// What `txn` waits for, if it waits.
    pub fn waiting_for(&self, txn: TxnId) -> Option<LockWait> {
        let (target, mode, blockers) = {
            let table = self.table.lock();
            let wait = table.current_wait(txn)?;
            let blockers = table.blockers(txn, &wait.target);
            (wait.target.clone(), wait.mode, blockers)
        };
        Some(LockWait { waiter: txn, description: (self.describe)(&target), target, mode, blockers })
    }

    /// The mode `txn` holds on `target`, if any (`Exclusive` on its own `Transaction(txn)`
    /// while it runs).
    pub fn holds(&self, txn: TxnId, target: &LockTarget) -> Option<LockMode> {
        let table = self.table.lock();
        let queue = table.queues.get(target)?;
        queue.holder(txn).map(|index| queue.holders[index].1)
    }

    /// Whether no lock is held, nobody waits, and no per-transaction state is kept: the memory
    /// of the lock table has returned to zero entries.
    pub fn is_idle(&self) -> bool {
        let table = self.table.lock();
        table.queues.is_empty() && table.txns.is_empty()
    }

    /// The error for a deadlock victim: the cycle with each edge's object described.
    fn deadlock_error(&self, victim: TxnId, cycle: Vec<Edge>) -> Error {
        let cycle = cycle
            .into_iter()
            .map(|edge| WaitEdge {
                waiter: edge.waiter,
                holder: edge.blocker,
                object: match &edge.target {
                    LockTarget::Transaction(txn) => format!("end of transaction {txn}"),
                    target => format!("{} lock on {}", edge.mode, (self.describe)(target)),
                },
            })
            .collect();
        Error::DeadlockDetected(Box::new(Deadlock { victim, cycle }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;
    use std::sync::mpsc;
    use std::time::Duration;
    use LockMode::{Exclusive as X, Shared as S};

    /// Every spawned thread must finish within this, or the test fails instead of hanging.
    const LIMIT: Duration = Duration::from_secs(10);
    const BLOCK: WaitPolicy<'static> = WaitPolicy::Block { timeout: None, interrupt: None };

    fn t(id: u64) -> TxnId {
        TxnId(id)
    }

    fn row(k: i64) -> LockTarget {
        LockTarget::Row { table: TableId(1), key: Key::One(Value::Integer(k)) }
    }

    /// A lock manager whose catalog knows table 1 as `accounts(id)`.
    fn manager() -> Arc<LockManager> {
        Arc::new(LockManager::new(Box::new(|target: &LockTarget| match target {
            LockTarget::Row { table: TableId(1), key } => format!("accounts(id={key})"),
            other => other.to_string(),
        })))
    }

    /// A thread whose result arrives through a channel, so that joining has a time limit.
    struct Spawned<T> {
        rx: mpsc::Receiver<T>,
    }

    fn spawn<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Spawned<T> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        Spawned { rx }
    }

    impl<T> Spawned<T> {
        fn join(self) -> T {
            match self.rx.recv_timeout(LIMIT) {
                Ok(value) => value,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("thread still running after {LIMIT:?}")
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => panic!("thread panicked"),
            }
        }

        /// Asserts the thread has not returned yet.
        fn assert_pending(&self) {
            assert!(
                matches!(self.rx.try_recv(), Err(mpsc::TryRecvError::Empty)),
                "thread returned (or panicked) while it should still wait"
            );
        }
    }

    /// Acquires on a new thread.
    fn acquire_in_thread(
        lm: &Arc<LockManager>,
        txn: u64,
        target: LockTarget,
        mode: LockMode,
        policy: WaitPolicy<'static>,
    ) -> Spawned<crate::Result<()>> {
        let lm = Arc::clone(lm);
        spawn(move || lm.acquire(t(txn), target, mode, policy))
    }

    /// Polls until `txn` is seen waiting, and returns its wait.
    fn await_waiting(lm: &LockManager, txn: u64) -> LockWait {
        let deadline = Instant::now() + LIMIT;
        loop {
            if let Some(wait) = lm.waiting_for(t(txn)) {
                return wait;
            }
            assert!(Instant::now() < deadline, "T{txn} never started waiting");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn deadlock_of(result: crate::Result<()>) -> Deadlock {
        match result {
            Err(Error::DeadlockDetected(d)) => *d,
            other => panic!("expected a deadlock, got {other:?}"),
        }
    }

    fn cycle_pairs(d: &Deadlock) -> Vec<(u64, u64)> {
        d.cycle.iter().map(|e| (e.waiter.0, e.holder.0)).collect()
    }

    fn ok(lm: &LockManager, txn: u64, target: LockTarget, mode: LockMode) {
        lm.acquire(t(txn), target, mode, BLOCK).expect("uncontended acquire");
    }

    #[test]
    fn lock_manager_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<LockManager>();
    }

    #[test]
    fn compatibility_matrix() {
        assert!(compatible(S, S));
        assert!(!compatible(S, X));
        assert!(!compatible(X, S));
        assert!(!compatible(X, X));
        assert!(X.covers(S) && X.covers(X) && S.covers(S) && !S.covers(X));
        assert_eq!(S.join(X), X);
        assert_eq!((S.to_string(), X.to_string()), ("S".into(), "X".into()));
    }

    #[test]
    fn shared_locks_are_compatible() {
        let lm = manager();
        for txn in 1..=3 {
            lm.begin(t(txn));
            assert_eq!(lm.acquire(t(txn), row(1), S, WaitPolicy::NoWait), Ok(()));
        }
        for txn in 1..=3 {
            assert_eq!(lm.holds(t(txn), &row(1)), Some(S));
        }
        assert!(lm.waits().is_empty());
        for txn in 1..=3 {
            lm.release_all(t(txn));
        }
        assert!(lm.is_idle());
    }

    #[test]
    fn rerequest_of_held_or_weaker_mode_returns_at_once() {
        let lm = manager();
        ok(&lm, 1, row(1), X);
        ok(&lm, 2, row(2), S);
        // Another transaction waits for row 1: re-requests by the holder must not queue.
        let waiter = acquire_in_thread(&lm, 3, row(1), S, BLOCK);
        await_waiting(&lm, 3);
        assert_eq!(lm.acquire(t(1), row(1), X, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.acquire(t(1), row(1), S, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.acquire(t(2), row(2), S, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.holds(t(1), &row(1)), Some(X));
        assert_eq!(lm.held().len(), 2, "no duplicate entries");
        lm.release_all(t(1));
        assert_eq!(waiter.join(), Ok(()));
        lm.release_all(t(2));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn exclusive_waits_for_shared_holder_and_is_granted_at_release() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, row(1), S);
        let writer = acquire_in_thread(&lm, 2, row(1), X, BLOCK);
        let wait = await_waiting(&lm, 2);
        assert_eq!(wait.target, row(1));
        assert_eq!(wait.mode, X);
        assert_eq!(wait.blockers, vec![t(1)]);
        assert_eq!(wait.description, "accounts(id=1)");
        writer.assert_pending();
        assert_eq!(lm.holds(t(2), &row(1)), None);
        lm.release_all(t(1));
        assert_eq!(writer.join(), Ok(()));
        assert_eq!(lm.holds(t(2), &row(1)), Some(X));
        assert_eq!(lm.waiting_for(t(2)), None);
        lm.release_all(t(2));
        assert!(lm.is_idle());
    }

    #[test]
    fn fifo_shared_request_queues_behind_waiting_exclusive() {
        let lm = manager();
        ok(&lm, 1, row(1), S);
        let writer = acquire_in_thread(&lm, 2, row(1), X, BLOCK);
        await_waiting(&lm, 2);
        // T3's S is compatible with the holder, but T2 waits: no barging.
        assert!(matches!(
            lm.acquire(t(3), row(1), S, WaitPolicy::NoWait),
            Err(Error::LockNotAvailable(ref what)) if what == "accounts(id=1)"
        ));
        let reader = acquire_in_thread(&lm, 3, row(1), S, BLOCK);
        let wait = await_waiting(&lm, 3);
        assert_eq!(wait.blockers, vec![t(2)], "soft edge to the X queued ahead");
        lm.release_all(t(1));
        assert_eq!(writer.join(), Ok(()));
        reader.assert_pending();
        assert_eq!(await_waiting(&lm, 3).blockers, vec![t(2)], "now a hard edge");
        lm.release_all(t(2));
        assert_eq!(reader.join(), Ok(()));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn grant_pass_grants_every_compatible_waiter_but_none_behind_a_conflicting_one() {
        let lm = manager();
        ok(&lm, 1, row(1), X);
        let r2 = acquire_in_thread(&lm, 2, row(1), S, BLOCK);
        await_waiting(&lm, 2);
        let r3 = acquire_in_thread(&lm, 3, row(1), S, BLOCK);
        await_waiting(&lm, 3);
        let w4 = acquire_in_thread(&lm, 4, row(1), X, BLOCK);
        await_waiting(&lm, 4);
        let r5 = acquire_in_thread(&lm, 5, row(1), S, BLOCK);
        await_waiting(&lm, 5);
        lm.release_all(t(1));
        assert_eq!(r2.join(), Ok(()));
        assert_eq!(r3.join(), Ok(()));
        // T4 cannot be granted, and T5 (compatible with the readers) stays behind it.
        w4.assert_pending();
        r5.assert_pending();
        assert_eq!(await_waiting(&lm, 4).blockers, vec![t(2), t(3)]);
        assert_eq!(await_waiting(&lm, 5).blockers, vec![t(4)]);
        lm.release_all(t(2));
        lm.release_all(t(3));
        assert_eq!(w4.join(), Ok(()));
        lm.release_all(t(4));
        assert_eq!(r5.join(), Ok(()));
        lm.release_all(t(5));
        assert!(lm.is_idle());
    }

    #[test]
    fn upgrade_by_sole_holder_is_immediate_even_with_waiters() {
        let lm = manager();
        ok(&lm, 1, row(1), S);
        let writer = acquire_in_thread(&lm, 2, row(1), X, BLOCK);
        await_waiting(&lm, 2);
        assert_eq!(lm.acquire(t(1), row(1), X, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.holds(t(1), &row(1)), Some(X));
        assert_eq!(lm.held().len(), 1);
        lm.release_all(t(1));
        assert_eq!(writer.join(), Ok(()));
        lm.release_all(t(2));
        assert!(lm.is_idle());
    }

    #[test]
    fn upgrade_waits_ahead_of_queued_waiters() {
        let lm = manager();
        ok(&lm, 1, row(1), S);
        ok(&lm, 2, row(1), S);
        let w3 = acquire_in_thread(&lm, 3, row(1), X, BLOCK);
        await_waiting(&lm, 3);
        // T1 upgrades: T2 still holds S, so it waits, but at the front: it waits for T2 only,
        // not for T3 (which waits for T1), so no deadlock.
        let up = acquire_in_thread(&lm, 1, row(1), X, BLOCK);
        let wait = await_waiting(&lm, 1);
        assert_eq!((wait.mode, wait.blockers.clone()), (X, vec![t(2)]));
        assert_eq!(await_waiting(&lm, 3).blockers, vec![t(1), t(2)]);
        lm.release_all(t(2));
        assert_eq!(up.join(), Ok(()));
        assert_eq!(lm.holds(t(1), &row(1)), Some(X));
        w3.assert_pending();
        lm.release_all(t(1));
        assert_eq!(w3.join(), Ok(()));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn two_upgraders_deadlock_and_the_second_is_the_victim() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, row(1), S);
        ok(&lm, 2, row(1), S);
        let first = acquire_in_thread(&lm, 1, row(1), X, BLOCK);
        await_waiting(&lm, 1);
        let d = deadlock_of(lm.acquire(t(2), row(1), X, BLOCK));
        assert_eq!(d.victim, t(2));
        assert_eq!(cycle_pairs(&d), vec![(2, 1), (1, 2)]);
        assert!(d.cycle.iter().all(|e| e.object == "X lock on accounts(id=1)"));
        // The victim's request is withdrawn, its S lock stays; the other still waits.
        assert_eq!(lm.waiting_for(t(2)), None);
        assert_eq!(lm.holds(t(2), &row(1)), Some(S));
        first.assert_pending();
        lm.release_all(t(2));
        assert_eq!(first.join(), Ok(()));
        assert_eq!(lm.holds(t(1), &row(1)), Some(X));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn classic_two_row_deadlock_refuses_the_closing_request() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, row(1), X);
        ok(&lm, 2, row(2), X);
        let t1 = acquire_in_thread(&lm, 1, row(2), X, BLOCK);
        await_waiting(&lm, 1);
        let err = lm.acquire(t(2), row(1), X, BLOCK).unwrap_err();
        assert_eq!(err.sqlstate(), "40P01");
        let d = deadlock_of(Err(err));
        assert_eq!(
            d,
            Deadlock {
                victim: t(2),
                cycle: vec![
                    WaitEdge { waiter: t(2), holder: t(1), object: "X lock on accounts(id=1)".into() },
                    WaitEdge { waiter: t(1), holder: t(2), object: "X lock on accounts(id=2)".into() },
                ]
            }
        );
        assert_eq!(
            d.to_string(),
            "T2 waits for T1 (X lock on accounts(id=1)); T1 waits for T2 (X lock on \
             accounts(id=2)); T2 was chosen as victim because its request closed the cycle"
        );
        t1.assert_pending();
        assert_eq!(lm.holds(t(2), &row(2)), Some(X));
        lm.release_all(t(2)); // the caller aborts the victim
        assert_eq!(t1.join(), Ok(()));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn three_transaction_cycle() {
        let lm = manager();
        for txn in 1..=3 {
            lm.begin(t(txn));
            ok(&lm, txn, row(txn as i64), X);
        }
        let a = acquire_in_thread(&lm, 1, row(2), S, BLOCK);
        await_waiting(&lm, 1);
        let b = acquire_in_thread(&lm, 2, row(3), X, BLOCK);
        await_waiting(&lm, 2);
        let d = deadlock_of(lm.acquire(t(3), row(1), X, BLOCK));
        assert_eq!(d.victim, t(3));
        assert_eq!(cycle_pairs(&d), vec![(3, 1), (1, 2), (2, 3)]);
        let objects: Vec<&str> = d.cycle.iter().map(|e| e.object.as_str()).collect();
        assert_eq!(objects, vec!["X lock on accounts(id=1)", "S lock on accounts(id=2)", "X lock on accounts(id=3)"]);
        a.assert_pending();
        lm.release_all(t(3));
        assert_eq!(b.join(), Ok(()));
        lm.release_all(t(2));
        assert_eq!(a.join(), Ok(()));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn cycle_through_a_transaction_wait() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, row(1), X);
        let t2 = {
            let lm = Arc::clone(&lm);
            spawn(move || lm.wait_for_transaction(t(2), t(1), BLOCK))
        };
        let wait = await_waiting(&lm, 2);
        assert_eq!(wait.target, LockTarget::Transaction(t(1)));
        assert_eq!(wait.description, "transaction 1");
        assert_eq!(wait.blockers, vec![t(1)]);
        // T1 now waits for T2's end: the cycle closes.
        let d = deadlock_of(lm.wait_for_transaction(t(1), t(2), BLOCK));
        assert_eq!(d.victim, t(1));
        assert_eq!(cycle_pairs(&d), vec![(1, 2), (2, 1)]);
        assert_eq!(d.cycle[0].object, "end of transaction 2");
        assert_eq!(d.cycle[1].object, "end of transaction 1");
        lm.release_all(t(1));
        assert_eq!(t2.join(), Ok(()));
        lm.release_all(t(2));
        assert!(lm.is_idle());
    }

    #[test]
    fn long_chain_without_cycle_is_not_aborted() {
        // T(i) holds row i and waits for row i-1: a chain of 8 waits, no cycle.
        const N: u64 = 8;
        let lm = manager();
        for txn in 1..=N {
            lm.begin(t(txn));
            ok(&lm, txn, row(txn as i64), X);
        }
        let mut waiters = Vec::new();
        for txn in 2..=N {
            waiters.push(acquire_in_thread(&lm, txn, row(txn as i64 - 1), X, BLOCK));
            await_waiting(&lm, txn);
        }
        std::thread::sleep(Duration::from_millis(50));
        for w in &waiters {
            w.assert_pending();
        }
        assert_eq!(lm.waits().len() as u64, N - 1);
        // Unwind from the head: each release lets the next one through.
        for (i, w) in waiters.into_iter().enumerate() {
            lm.release_all(t(i as u64 + 1));
            assert_eq!(w.join(), Ok(()));
        }
        lm.release_all(t(N));
        assert!(lm.is_idle());
    }

    #[test]
    fn wait_for_transaction_returns_when_the_other_ends() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        lm.begin(t(3));
        let w2 = {
            let lm = Arc::clone(&lm);
            spawn(move || lm.wait_for_transaction(t(2), t(1), BLOCK))
        };
        let w3 = {
            let lm = Arc::clone(&lm);
            spawn(move || lm.wait_for_transaction(t(3), t(1), BLOCK))
        };
        await_waiting(&lm, 2);
        await_waiting(&lm, 3);
        assert_eq!(lm.waits().iter().map(|w| w.waiter).collect::<Vec<_>>(), vec![t(2), t(3)]);
        assert!(lm.held().is_empty(), "self-locks are not listed");
        assert_eq!(lm.holds(t(1), &LockTarget::Transaction(t(1))), Some(X));
        lm.release_all(t(1));
        // Every waiter is released at once, and holds nothing afterwards.
        assert_eq!(w2.join(), Ok(()));
        assert_eq!(w3.join(), Ok(()));
        assert_eq!(lm.holds(t(2), &LockTarget::Transaction(t(1))), None);
        lm.release_all(t(2));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn wait_for_transaction_returns_at_once_if_not_running() {
        let lm = manager();
        // Never begun.
        assert_eq!(lm.wait_for_transaction(t(2), t(1), WaitPolicy::NoWait), Ok(()));
        lm.begin(t(1));
        assert!(matches!(
            lm.wait_for_transaction(t(2), t(1), WaitPolicy::NoWait),
            Err(Error::LockNotAvailable(ref what)) if what == "transaction 1"
        ));
        // A transaction waiting for itself does not wait.
        assert_eq!(lm.wait_for_transaction(t(1), t(1), WaitPolicy::NoWait), Ok(()));
        lm.release_all(t(1));
        // Already ended.
        assert_eq!(lm.wait_for_transaction(t(2), t(1), WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.acquire(t(2), LockTarget::Transaction(t(1)), X, WaitPolicy::NoWait), Ok(()));
        assert!(lm.is_idle());
    }

    #[test]
    fn cancel_wakes_the_waiter_and_regrants_behind_it() {
        let lm = manager();
        lm.begin(t(2));
        ok(&lm, 1, row(1), S);
        let writer = acquire_in_thread(&lm, 2, row(1), X, BLOCK);
        await_waiting(&lm, 2);
        let reader = acquire_in_thread(&lm, 3, row(1), S, BLOCK);
        await_waiting(&lm, 3);
        lm.cancel(t(3 + 100)); // not waiting (unknown): no-op
        lm.cancel(t(1)); // holds but does not wait: no-op
        reader.assert_pending();
        lm.cancel(t(2));
        let err = writer.join().unwrap_err();
        assert_eq!(err, Error::QueryCanceled);
        assert_eq!(err.sqlstate(), "57014");
        // With T2's X out of the way, T3's S fits next to T1's.
        assert_eq!(reader.join(), Ok(()));
        assert_eq!(lm.holds(t(3), &row(1)), Some(S));
        assert_eq!(lm.waiting_for(t(2)), None);
        lm.cancel(t(2)); // no longer waiting: no-op
                         // The canceled transaction can go on and lock again.
        assert_eq!(lm.acquire(t(2), row(2), X, WaitPolicy::NoWait), Ok(()));
        for txn in 1..=3 {
            lm.release_all(t(txn));
        }
        assert!(lm.is_idle());
    }

    #[test]
    fn a_requested_interrupt_refuses_to_wait_and_leaves_the_queue_as_it_was() {
        let lm = manager();
        ok(&lm, 1, row(1), X);
        let interrupt = Interrupt::default();
        let policy = WaitPolicy::Block { timeout: None, interrupt: Some(&interrupt) };
        // Not requested and grantable: granted as usual.
        assert_eq!(lm.acquire(t(2), row(2), X, policy), Ok(()));
        interrupt.request();
        // Requested, but grantable at once: no wait, no check.
        assert_eq!(lm.acquire(t(2), row(3), X, policy), Ok(()));
        // Requested and it would wait: refused before sleeping, and nothing stays queued.
        assert_eq!(lm.acquire(t(2), row(1), X, policy), Err(Error::QueryCanceled));
        assert_eq!(lm.waiting_for(t(2)), None);
        assert!(lm.waits().is_empty());
        for txn in 1..=2 {
            lm.release_all(t(txn));
        }
        assert!(lm.is_idle());
    }

    #[test]
    fn release_all_of_a_waiting_transaction_cancels_its_wait() {
        let lm = manager();
        lm.begin(t(2));
        ok(&lm, 1, row(1), X);
        ok(&lm, 2, row(2), X);
        let writer = acquire_in_thread(&lm, 2, row(1), X, BLOCK);
        await_waiting(&lm, 2);
        lm.release_all(t(2));
        assert_eq!(writer.join(), Err(Error::QueryCanceled));
        assert_eq!(lm.holds(t(2), &row(2)), None);
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn nowait_fails_at_once_and_leaves_no_trace() {
        let lm = manager();
        ok(&lm, 1, row(1), X);
        let err = lm.acquire(t(2), row(1), S, WaitPolicy::NoWait).unwrap_err();
        assert_eq!(err, Error::LockNotAvailable("accounts(id=1)".into()));
        assert_eq!(err.sqlstate(), "55P03");
        assert_eq!(err.detail().as_deref(), Some("while waiting for accounts(id=1)"));
        assert!(lm.waits().is_empty());
        assert_eq!(lm.holds(t(2), &row(1)), None);
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn timeout_gives_lock_not_available_and_regrants_behind() {
        let lm = manager();
        ok(&lm, 1, row(1), S);
        let start = Instant::now();
        let writer = acquire_in_thread(
            &lm,
            2,
            row(1),
            X,
            WaitPolicy::Block { timeout: Some(Duration::from_millis(300)), interrupt: None },
        );
        await_waiting(&lm, 2);
        let reader = acquire_in_thread(&lm, 3, row(1), S, BLOCK);
        await_waiting(&lm, 3);
        assert_eq!(writer.join(), Err(Error::LockNotAvailable("accounts(id=1)".into())));
        assert!(start.elapsed() >= Duration::from_millis(300));
        // T3 was queued behind the timed-out X only; it is granted next to T1.
        assert_eq!(reader.join(), Ok(()));
        assert_eq!(lm.holds(t(3), &row(1)), Some(S));
        lm.release_all(t(1));
        lm.release_all(t(3));
        lm.release_all(t(2));
        assert!(lm.is_idle());
    }

    #[test]
    fn grant_before_timeout_wins() {
        let lm = manager();
        ok(&lm, 1, row(1), X);
        let writer =
            acquire_in_thread(&lm, 2, row(1), X, WaitPolicy::Block { timeout: Some(LIMIT / 2), interrupt: None });
        await_waiting(&lm, 2);
        lm.release_all(t(1));
        assert_eq!(writer.join(), Ok(()));
        lm.release_all(t(2));
        assert!(lm.is_idle());
    }

    #[test]
    fn waits_and_held_are_complete_and_sorted() {
        let lm = manager();
        for txn in [4, 3, 2, 1] {
            lm.begin(t(txn));
        }
        ok(&lm, 3, row(2), S);
        ok(&lm, 1, row(2), S);
        ok(&lm, 2, row(1), X);
        let w4 = acquire_in_thread(&lm, 4, row(2), X, BLOCK);
        await_waiting(&lm, 4);
        let w1 = acquire_in_thread(&lm, 1, row(1), S, BLOCK);
        await_waiting(&lm, 1);
        let held = lm.held();
        assert_eq!(
            held,
            vec![
                HeldLock { txn: t(2), target: row(1), mode: X, description: "accounts(id=1)".into() },
                HeldLock { txn: t(1), target: row(2), mode: S, description: "accounts(id=2)".into() },
                HeldLock { txn: t(3), target: row(2), mode: S, description: "accounts(id=2)".into() },
            ]
        );
        let waits = lm.waits();
        assert_eq!(
            waits,
            vec![
                LockWait {
                    waiter: t(1),
                    target: row(1),
                    mode: S,
                    description: "accounts(id=1)".into(),
                    blockers: vec![t(2)]
                },
                LockWait {
                    waiter: t(4),
                    target: row(2),
                    mode: X,
                    description: "accounts(id=2)".into(),
                    blockers: vec![t(1), t(3)]
                },
            ]
        );
        // Same answer on every call.
        for _ in 0..10 {
            assert_eq!(lm.held(), held);
            assert_eq!(lm.waits(), waits);
        }
        assert_eq!(lm.waiting_for(t(4)).as_ref(), Some(&waits[1]));
        assert_eq!(lm.waiting_for(t(3)), None);
        lm.release_all(t(2));
        assert_eq!(w1.join(), Ok(()));
        lm.release_all(t(1));
        lm.release_all(t(3));
        assert_eq!(w4.join(), Ok(()));
        lm.release_all(t(4));
        assert!(lm.held().is_empty() && lm.waits().is_empty());
        assert!(lm.is_idle());
    }

    #[test]
    fn idle_after_many_lock_release_cycles() {
        let lm = manager();
        for round in 0..1_000u64 {
            let txn = t(round + 1);
            lm.begin(txn);
            for k in 0..10 {
                let mode = if k % 2 == 0 { S } else { X };
                lm.acquire(txn, row(k), mode, BLOCK).unwrap();
                lm.acquire(txn, row(k), X, BLOCK).unwrap(); // upgrade or re-request
            }
            // Failed requests leave nothing behind either.
            assert_eq!(lm.wait_for_transaction(t(0), txn, WaitPolicy::NoWait).ok(), None);
            assert!(lm.acquire(t(0), row(3), S, WaitPolicy::NoWait).is_err());
            lm.release_all(txn);
            assert!(lm.is_idle(), "not idle after round {round}");
        }
    }

    #[test]
    fn concurrent_transfers_finish_and_leave_the_table_idle() {
        // Threads lock two random-ish rows in opposite orders: deadlocks happen, victims abort
        // and retry; everyone finishes and the table ends empty.
        let lm = manager();
        let next_id = Arc::new(std::sync::atomic::AtomicU64::new(1));
        let workers: Vec<Spawned<u32>> = (0..4i64)
            .map(|w| {
                let lm = Arc::clone(&lm);
                let next_id = Arc::clone(&next_id);
                spawn(move || {
                    let mut deadlocks = 0;
                    for i in 0..100i64 {
                        let (a, b) = if (w + i) % 2 == 0 { (1, 2) } else { (2, 1) };
                        loop {
                            let txn = t(next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                            lm.begin(txn);
                            let result = lm.acquire(txn, row(a), X, BLOCK).and_then(|()| {
                                // Hold the first lock a moment so that transfers overlap.
                                std::thread::sleep(Duration::from_micros(100));
                                lm.acquire(txn, row(b), X, BLOCK)
                            });
                            lm.release_all(txn);
                            match result {
                                Ok(()) => break,
                                Err(Error::DeadlockDetected(_)) => deadlocks += 1,
                                Err(e) => panic!("unexpected {e:?}"),
                            }
                        }
                    }
                    deadlocks
                })
            })
            .collect();
        for w in workers {
            w.join();
        }
        assert!(lm.is_idle());
    }

    // ---- Table locks, index records, gaps (strict two-phase locking) ----

    use LockMode::{
        Gap as G, InsertIntention as II, IntentionExclusive as IX, IntentionShared as IS,
        SharedIntentionExclusive as SIX,
    };

    const TABLE_MODES: [LockMode; 5] = [IS, IX, S, SIX, X];

    fn table() -> LockTarget {
        LockTarget::Table(TableId(1))
    }

    /// The gap of the primary index of table 1 before key `k`.
    fn gap(k: i64) -> LockTarget {
        LockTarget::Gap { table: TableId(1), index: IndexId::Primary, before: GapEnd::Key(Key::One(Value::Integer(k))) }
    }

    /// The gap after the last key of the primary index of table 1 (the whole index if empty).
    fn supremum() -> LockTarget {
        LockTarget::Gap { table: TableId(1), index: IndexId::Primary, before: GapEnd::Supremum }
    }

    /// The entry (value, pk) of secondary index 0 of table 1.
    fn entry(value: i64, pk: i64) -> Key {
        Key::from_values(vec![Value::Integer(value), Value::Integer(pk)])
    }

    /// Asserts that `txn` stays blocked (waiting, its thread pending) for `period`, polling.
    fn assert_still_waiting<T>(lm: &LockManager, txn: u64, thread: &Spawned<T>, period: Duration) {
        let until = Instant::now() + period;
        while Instant::now() < until {
            assert!(lm.waiting_for(t(txn)).is_some(), "T{txn} stopped waiting");
            thread.assert_pending();
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn table_compatibility_matrix_all_25_cells_both_directions() {
        // Rows: held; columns: requested (IS, IX, S, SIX, X).
        let expected = [
            [true, true, true, true, false],
            [true, true, false, false, false],
            [true, false, true, false, false],
            [true, false, false, false, false],
            [false, false, false, false, false],
        ];
        for (i, &held) in TABLE_MODES.iter().enumerate() {
            for (j, &requested) in TABLE_MODES.iter().enumerate() {
                assert_eq!(compatible(held, requested), expected[i][j], "held {held}, requested {requested}");
                assert_eq!(compatible(requested, held), expected[i][j], "symmetric: {requested} vs {held}");
            }
        }
        let names: Vec<String> = TABLE_MODES.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["IS", "IX", "S", "SIX", "X"]);
        assert_eq!((G.to_string(), II.to_string()), ("gap".into(), "insert intention".into()));
    }

    #[test]
    fn gap_mode_compatibility() {
        assert!(compatible(G, G), "gap locks of different transactions coexist");
        assert!(!compatible(G, II), "a gap lock blocks an insert intention");
        assert!(compatible(II, G), "an insert intention never blocks a gap lock");
        assert!(compatible(II, II), "insert intentions do not block each other");
        for &m in &TABLE_MODES {
            assert!(!compatible(m, G) && !compatible(G, m) && !compatible(m, II) && !compatible(II, m));
        }
    }

    #[test]
    fn covers_and_join_follow_the_lattice() {
        let covered_by =
            |m: LockMode| -> Vec<LockMode> { TABLE_MODES.iter().copied().filter(|h| h.covers(m)).collect() };
        assert_eq!(covered_by(IS), vec![IS, IX, S, SIX, X]);
        assert_eq!(covered_by(IX), vec![IX, SIX, X]);
        assert_eq!(covered_by(S), vec![S, SIX, X]);
        assert_eq!(covered_by(SIX), vec![SIX, X]);
        assert_eq!(covered_by(X), vec![X]);
        assert_eq!(S.join(IX), SIX);
        assert_eq!(IX.join(S), SIX);
        assert_eq!(IS.join(IX), IX);
        assert_eq!(IS.join(S), S);
        assert_eq!(SIX.join(X), X);
        assert_eq!(S.join(X), X);
        assert_eq!(IX.join(IX), IX);
        for &a in &TABLE_MODES {
            for &b in &TABLE_MODES {
                let j = a.join(b);
                assert_eq!(j, b.join(a), "join is commutative");
                assert!(j.covers(a) && j.covers(b), "{j} covers {a} and {b}");
                // The least such: every common cover covers the join.
                for &c in &TABLE_MODES {
                    if c.covers(a) && c.covers(b) {
                        assert!(c.covers(j), "{c} covers {a} and {b} but not their join {j}");
                    }
                }
                // A stronger mode is compatible with no more than a weaker one.
                if a.covers(b) {
                    for &r in &TABLE_MODES {
                        assert!(!compatible(a, r) || compatible(b, r), "{a} covers {b}, yet lets {r} in");
                    }
                }
            }
        }
        assert!(G.covers(G) && !G.covers(II) && !X.covers(G) && !X.covers(II));
    }

    #[test]
    fn targets_display_without_a_catalog() {
        let record = LockTarget::IndexRecord { table: TableId(1), index: IndexId::Secondary(0), entry: entry(5, 2) };
        assert_eq!(table().to_string(), "table#1");
        assert_eq!(record.to_string(), "table#1 index 0 entry (5, 2)");
        let gap_in_index =
            LockTarget::Gap { table: TableId(1), index: IndexId::Secondary(0), before: GapEnd::Key(entry(5, 2)) };
        assert_eq!(gap_in_index.to_string(), "gap before (5, 2) in table#1 index 0");
        assert_eq!(supremum().to_string(), "gap after the last entry of table#1 primary key");
        assert_eq!(gap(7).to_string(), "gap before 7 in table#1 primary key");
        assert!(GapEnd::Key(Key::One(Value::Integer(i64::MAX))) < GapEnd::Supremum);
    }

    #[test]
    fn a_mode_the_target_does_not_take_is_refused() {
        let lm = manager();
        let refused = |target: LockTarget, mode| {
            assert!(
                matches!(lm.acquire(t(1), target.clone(), mode, BLOCK), Err(Error::Internal(_))),
                "{mode} on {target}"
            );
        };
        refused(row(1), IX);
        refused(row(1), G);
        refused(gap(1), S);
        refused(gap(1), X);
        refused(table(), II);
        refused(LockTarget::IndexRecord { table: TableId(1), index: IndexId::Primary, entry: entry(1, 1) }, S);
        assert!(lm.is_idle());
    }

    #[test]
    fn table_intention_locks_coexist_and_s_blocks_ix() {
        let lm = manager();
        for txn in 1..=4 {
            lm.begin(t(txn));
        }
        ok(&lm, 1, table(), IS);
        ok(&lm, 2, table(), IX);
        ok(&lm, 3, table(), IS);
        // S fits next to IS but not IX.
        let reader = acquire_in_thread(&lm, 4, table(), S, BLOCK);
        let wait = await_waiting(&lm, 4);
        assert_eq!((wait.mode, wait.blockers.clone(), wait.description.as_str()), (S, vec![t(2)], "table#1"));
        lm.release_all(t(2));
        assert_eq!(reader.join(), Ok(()));
        assert_eq!(lm.holds(t(4), &table()), Some(S));
        // Now S is held: an IX waits for it, an IS does not.
        let writer = acquire_in_thread(&lm, 2, table(), IX, BLOCK);
        assert_eq!(await_waiting(&lm, 2).blockers, vec![t(4)]);
        // IS is compatible with the S holder and with the queued IX: granted at once, it passes
        // the waiter without delaying it.
        assert_eq!(lm.acquire(t(5), table(), IS, WaitPolicy::NoWait), Ok(()));
        lm.release_all(t(4));
        assert_eq!(writer.join(), Ok(()));
        assert_eq!(lm.holds(t(2), &table()), Some(IX));
        for txn in 1..=5 {
            lm.release_all(t(txn));
        }
        assert!(lm.is_idle());
    }

    #[test]
    fn table_request_conflicting_with_a_waiter_queues_behind_it() {
        let lm = manager();
        ok(&lm, 1, table(), IX);
        let s = acquire_in_thread(&lm, 2, table(), S, BLOCK);
        await_waiting(&lm, 2);
        // IX fits the IX holder but conflicts with the waiting S: no barging.
        assert!(matches!(lm.acquire(t(3), table(), IX, WaitPolicy::NoWait), Err(Error::LockNotAvailable(_))));
        let ix = acquire_in_thread(&lm, 3, table(), IX, BLOCK);
        assert_eq!(await_waiting(&lm, 3).blockers, vec![t(2)], "soft edge to the S queued ahead");
        lm.release_all(t(1));
        assert_eq!(s.join(), Ok(()));
        ix.assert_pending();
        lm.release_all(t(2));
        assert_eq!(ix.join(), Ok(()));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn table_upgrades_follow_join() {
        let lm = manager();
        ok(&lm, 1, table(), IS);
        ok(&lm, 1, table(), IX);
        assert_eq!(lm.holds(t(1), &table()), Some(IX));
        ok(&lm, 1, table(), S); // IX + S = SIX
        assert_eq!(lm.holds(t(1), &table()), Some(SIX));
        ok(&lm, 1, table(), IS); // covered: no change
        assert_eq!(lm.holds(t(1), &table()), Some(SIX));
        ok(&lm, 2, table(), IS); // compatible with SIX
                                 // SIX -> X: T2's IS is in the way.
        assert!(matches!(lm.acquire(t(1), table(), X, WaitPolicy::NoWait), Err(Error::LockNotAvailable(_))));
        assert_eq!(lm.holds(t(1), &table()), Some(SIX), "a refused upgrade keeps the old mode");
        lm.release_all(t(2));
        ok(&lm, 1, table(), X);
        assert_eq!(lm.holds(t(1), &table()), Some(X));
        assert_eq!(lm.held().len(), 1, "one entry per transaction and target");
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn upgrade_ix_to_six_goes_ahead_of_queued_waiters() {
        let lm = manager();
        for txn in 1..=4 {
            lm.begin(t(txn));
        }
        ok(&lm, 1, table(), IX);
        ok(&lm, 2, table(), IX);
        let x = acquire_in_thread(&lm, 3, table(), X, BLOCK);
        assert_eq!(await_waiting(&lm, 3).blockers, vec![t(1), t(2)]);
        // IS conflicts with the queued X only.
        let is = acquire_in_thread(&lm, 4, table(), IS, BLOCK);
        assert_eq!(await_waiting(&lm, 4).blockers, vec![t(3)]);
        // T1 reads the whole table it writes to: IX -> SIX. T2's IX is in the way; T1 waits at
        // the front, for T2 only (not for T3 and T4, which wait for it).
        let six = acquire_in_thread(&lm, 1, table(), S, BLOCK);
        let wait = await_waiting(&lm, 1);
        assert_eq!((wait.mode, wait.blockers.clone()), (SIX, vec![t(2)]));
        assert_eq!(await_waiting(&lm, 4).blockers, vec![t(3)], "IS is compatible with SIX");
        lm.release_all(t(2));
        assert_eq!(six.join(), Ok(()));
        assert_eq!(lm.holds(t(1), &table()), Some(SIX));
        // T4's IS fits next to SIX, but the X queued ahead of it still waits.
        x.assert_pending();
        is.assert_pending();
        lm.release_all(t(1));
        assert_eq!(x.join(), Ok(()));
        is.assert_pending();
        lm.release_all(t(3));
        assert_eq!(is.join(), Ok(()));
        lm.release_all(t(4));
        assert!(lm.is_idle());
    }

    #[test]
    fn two_six_upgraders_deadlock() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, table(), IX);
        ok(&lm, 2, table(), IX);
        let first = acquire_in_thread(&lm, 1, table(), S, BLOCK);
        await_waiting(&lm, 1);
        let d = deadlock_of(lm.acquire(t(2), table(), S, BLOCK));
        assert_eq!(d.victim, t(2));
        assert_eq!(cycle_pairs(&d), vec![(2, 1), (1, 2)]);
        assert!(d.cycle.iter().all(|e| e.object == "SIX lock on table#1"), "{d}");
        lm.release_all(t(2));
        assert_eq!(first.join(), Ok(()));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn index_records_lock_like_rows() {
        let lm = manager();
        let record = |value, pk| LockTarget::IndexRecord {
            table: TableId(1),
            index: IndexId::Secondary(0),
            entry: entry(value, pk),
        };
        ok(&lm, 1, record(5, 1), S);
        ok(&lm, 2, record(5, 1), S);
        ok(&lm, 2, record(5, 2), X); // another entry with the same index value
        let w = acquire_in_thread(&lm, 3, record(5, 1), X, BLOCK);
        let wait = await_waiting(&lm, 3);
        assert_eq!(
            (wait.blockers.clone(), wait.description.as_str()),
            (vec![t(1), t(2)], "table#1 index 0 entry (5, 1)")
        );
        lm.release_all(t(1));
        lm.release_all(t(2));
        assert_eq!(w.join(), Ok(()));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn gap_locks_of_two_transactions_are_granted_at_once() {
        let lm = manager();
        // A reader (next-key S on 10) and a writer (next-key X on 10) lock the same gap.
        ok(&lm, 1, row(10), S);
        assert_eq!(lm.acquire(t(1), gap(10), G, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.acquire(t(2), gap(10), G, WaitPolicy::NoWait), Ok(()));
        let writer = acquire_in_thread(&lm, 2, row(10), X, BLOCK);
        await_waiting(&lm, 2);
        // Even next to an X record lock, and with someone waiting on the record.
        assert_eq!(lm.acquire(t(3), gap(10), G, WaitPolicy::NoWait), Ok(()));
        // Asking again holds nothing more.
        assert_eq!(lm.acquire(t(3), gap(10), G, WaitPolicy::NoWait), Ok(()));
        for txn in 1..=3 {
            assert_eq!(lm.holds(t(txn), &gap(10)), Some(G));
        }
        assert_eq!(lm.held().iter().filter(|h| h.target == gap(10)).count(), 3);
        lm.release_all(t(1));
        assert_eq!(writer.join(), Ok(()));
        for txn in 2..=3 {
            lm.release_all(t(txn));
        }
        assert!(lm.is_idle());
    }

    #[test]
    fn gap_lock_never_waits_even_behind_a_waiting_insert() {
        let lm = manager();
        ok(&lm, 1, gap(10), G);
        let insert = acquire_in_thread(&lm, 2, gap(10), II, BLOCK);
        await_waiting(&lm, 2);
        assert_eq!(lm.acquire(t(3), gap(10), G, WaitPolicy::NoWait), Ok(()));
        assert_eq!(await_waiting(&lm, 2).blockers, vec![t(1), t(3)]);
        lm.release_all(t(1));
        insert.assert_pending();
        lm.release_all(t(3));
        assert_eq!(insert.join(), Ok(()));
        lm.release_all(t(2));
        assert!(lm.is_idle());
    }

    #[test]
    fn insert_intention_waits_for_another_gap_lock_until_release_all() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, gap(13), G);
        assert!(matches!(
            lm.acquire(t(2), gap(13), II, WaitPolicy::NoWait),
            Err(Error::LockNotAvailable(ref what)) if what == "gap before 13 in table#1 primary key"
        ));
        let insert = acquire_in_thread(&lm, 2, gap(13), II, BLOCK);
        let wait = await_waiting(&lm, 2);
        assert_eq!((wait.target.clone(), wait.mode, wait.blockers.clone()), (gap(13), II, vec![t(1)]));
        assert_eq!(lm.waits(), vec![wait]);
        // Other gaps are free.
        assert_eq!(lm.acquire(t(3), gap(20), II, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.acquire(t(3), supremum(), II, WaitPolicy::NoWait), Ok(()));
        assert_still_waiting(&lm, 2, &insert, Duration::from_millis(20));
        lm.release_all(t(1));
        assert_eq!(insert.join(), Ok(()));
        assert_eq!(lm.holds(t(2), &gap(13)), None);
        lm.release_all(t(2));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn insert_intention_is_blocked_neither_by_its_own_gap_lock_nor_by_other_insert_intentions() {
        let lm = manager();
        ok(&lm, 1, gap(13), G);
        assert_eq!(lm.acquire(t(1), gap(13), II, WaitPolicy::NoWait), Ok(()), "own gap lock");
        // Two inserts into a gap nobody locked.
        assert_eq!(lm.acquire(t(2), gap(20), II, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.acquire(t(3), gap(20), II, WaitPolicy::NoWait), Ok(()));
        // T2 waits to insert into T1's gap; T1's own insert there does not queue behind it.
        let insert = acquire_in_thread(&lm, 2, gap(13), II, BLOCK);
        await_waiting(&lm, 2);
        assert_eq!(lm.acquire(t(1), gap(13), II, WaitPolicy::NoWait), Ok(()));
        // Nor does a third transaction's once T1's gap lock is gone: waiting insert intentions
        // do not block each other.
        ok(&lm, 3, gap(13), G);
        let third = acquire_in_thread(&lm, 4, gap(13), II, BLOCK);
        assert_eq!(await_waiting(&lm, 4).blockers, vec![t(1), t(3)], "no edge to the insert intention ahead");
        assert_eq!(await_waiting(&lm, 2).blockers, vec![t(1), t(3)]);
        lm.release_all(t(1));
        lm.release_all(t(3));
        assert_eq!(insert.join(), Ok(()));
        assert_eq!(third.join(), Ok(()));
        lm.release_all(t(2));
        lm.release_all(t(4));
        assert!(lm.is_idle());
    }

    #[test]
    fn insert_intention_holds_nothing_afterwards() {
        let lm = manager();
        lm.begin(t(1));
        assert_eq!(lm.acquire(t(1), gap(13), II, WaitPolicy::NoWait), Ok(()));
        assert_eq!(lm.holds(t(1), &gap(13)), None);
        assert!(!lm.has_locks(&gap(13)));
        assert!(lm.held().is_empty());
        // And after a wait.
        ok(&lm, 2, gap(13), G);
        let insert = acquire_in_thread(&lm, 1, gap(13), II, BLOCK);
        await_waiting(&lm, 1);
        lm.release_all(t(2));
        assert_eq!(insert.join(), Ok(()));
        assert_eq!(lm.holds(t(1), &gap(13)), None);
        assert!(!lm.has_locks(&gap(13)));
        // Another transaction's gap lock is granted, and T1's next insert waits for it again.
        ok(&lm, 3, gap(13), G);
        assert!(lm.acquire(t(1), gap(13), II, WaitPolicy::NoWait).is_err());
        lm.release_all(t(3));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn empty_range_insert_deadlock_refuses_the_second_insert() {
        // Both scan the empty table (gap lock on the supremum), then both insert into it.
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, supremum(), G);
        ok(&lm, 2, supremum(), G);
        let first = acquire_in_thread(&lm, 1, supremum(), II, BLOCK);
        assert_eq!(await_waiting(&lm, 1).blockers, vec![t(2)]);
        let err = lm.acquire(t(2), supremum(), II, BLOCK).unwrap_err();
        assert_eq!(err.sqlstate(), "40P01");
        let d = deadlock_of(Err(err));
        let object = "insert intention lock on gap after the last entry of table#1 primary key";
        assert_eq!(
            d,
            Deadlock {
                victim: t(2),
                cycle: vec![
                    WaitEdge { waiter: t(2), holder: t(1), object: object.into() },
                    WaitEdge { waiter: t(1), holder: t(2), object: object.into() },
                ]
            }
        );
        // The victim's gap lock stays until it aborts; then the first insert goes ahead.
        assert_eq!(lm.waiting_for(t(2)), None);
        assert_eq!(lm.holds(t(2), &supremum()), Some(G));
        first.assert_pending();
        lm.release_all(t(2));
        assert_eq!(first.join(), Ok(()));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn inherited_gap_lock_makes_an_insert_into_the_new_sub_gap_wait() {
        // Keys 10, 20. T1 scanned (10, 20): it holds the gap before 20. T1 then inserts 15
        // itself (its own gap does not stop it): the gap (10, 20) splits into (10, 15) and
        // (15, 20); the gap before 15 inherits T1's lock.
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, gap(20), G);
        assert_eq!(lm.acquire(t(1), gap(20), II, WaitPolicy::NoWait), Ok(()));
        ok(&lm, 1, row(15), X);
        assert!(!lm.has_locks(&gap(15)));
        lm.inherit_gap_locks(&gap(20), gap(15));
        assert!(lm.has_locks(&gap(15)));
        assert_eq!(lm.holds(t(1), &gap(15)), Some(G));
        assert_eq!(lm.holds(t(1), &gap(20)), Some(G), "the old gap keeps its locks");
        // Inheriting twice holds nothing more.
        lm.inherit_gap_locks(&gap(20), gap(15));
        assert_eq!(lm.held().iter().filter(|h| h.target == gap(15)).count(), 1);
        // T2 inserting 12 goes into the gap before 15: it waits for T1.
        let insert = acquire_in_thread(&lm, 2, gap(15), II, BLOCK);
        assert_eq!(await_waiting(&lm, 2).blockers, vec![t(1)]);
        lm.release_all(t(1));
        assert_eq!(insert.join(), Ok(()));
        lm.release_all(t(2));
        assert!(lm.is_idle());
    }

    #[test]
    fn inherit_gap_locks_is_a_no_op_without_gap_holders() {
        let lm = manager();
        lm.inherit_gap_locks(&gap(20), gap(15));
        assert!(!lm.has_locks(&gap(15)));
        // Holders of other modes on another kind of target do not inherit; nor does a
        // non-gap destination receive anything.
        ok(&lm, 1, table(), IX);
        lm.inherit_gap_locks(&table(), gap(15));
        assert!(!lm.has_locks(&gap(15)));
        ok(&lm, 1, gap(20), G);
        lm.inherit_gap_locks(&gap(20), row(20));
        assert!(!lm.has_locks(&row(20)));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn removal_of_an_entry_hands_its_gap_and_record_lockers_to_the_next_gap() {
        // Keys 10, 13, 20; vacuum removes 13. T1 held the gap before 13, T2 the record 13:
        // both now hold the gap before 20 ((10, 20) after the merge).
        let lm = manager();
        ok(&lm, 1, gap(13), G);
        ok(&lm, 2, row(13), S);
        lm.inherit_gap_locks(&gap(13), gap(20));
        lm.inherit_gap_locks(&row(13), gap(20));
        assert_eq!((lm.holds(t(1), &gap(20)), lm.holds(t(2), &gap(20))), (Some(G), Some(G)));
        let insert = acquire_in_thread(&lm, 3, gap(20), II, BLOCK);
        assert_eq!(await_waiting(&lm, 3).blockers, vec![t(1), t(2)]);
        lm.release_all(t(1));
        insert.assert_pending();
        lm.release_all(t(2));
        assert_eq!(insert.join(), Ok(()));
        lm.release_all(t(3));
        assert!(lm.is_idle());
    }

    #[test]
    fn inheritance_that_closes_a_cycle_refuses_the_waiting_insert() {
        let lm = manager();
        for txn in 1..=3 {
            lm.begin(t(txn));
        }
        // T1 holds row 1 and waits to insert before 20 (T3 holds that gap).
        ok(&lm, 1, row(1), X);
        ok(&lm, 3, gap(20), G);
        let insert = acquire_in_thread(&lm, 1, gap(20), II, BLOCK);
        await_waiting(&lm, 1);
        // T2 holds the gap before 13 and waits for row 1 (T1): no cycle yet.
        ok(&lm, 2, gap(13), G);
        let reader = acquire_in_thread(&lm, 2, row(1), S, BLOCK);
        await_waiting(&lm, 2);
        // 13 goes away: T2 inherits the gap before 20, and T1's insert now waits for T2, which
        // waits for T1.
        lm.inherit_gap_locks(&gap(13), gap(20));
        let d = deadlock_of(insert.join());
        assert_eq!(d.victim, t(1));
        assert_eq!(cycle_pairs(&d), vec![(1, 2), (2, 1)]);
        assert_eq!(d.cycle[0].object, "insert intention lock on gap before 20 in table#1 primary key");
        assert_eq!(d.cycle[1].object, "S lock on accounts(id=1)");
        assert_eq!(lm.waiting_for(t(1)), None);
        lm.release_all(t(1));
        assert_eq!(reader.join(), Ok(()));
        for txn in 2..=3 {
            lm.release_all(t(txn));
        }
        assert!(lm.is_idle());
    }

    #[test]
    fn has_locks_sees_holders_and_waiters() {
        let lm = manager();
        assert!(!lm.has_locks(&row(1)) && !lm.has_locks(&table()) && !lm.has_locks(&gap(1)));
        ok(&lm, 1, row(1), X);
        ok(&lm, 1, table(), IX);
        ok(&lm, 1, gap(1), G);
        assert!(lm.has_locks(&row(1)) && lm.has_locks(&table()) && lm.has_locks(&gap(1)));
        assert!(!lm.has_locks(&row(2)) && !lm.has_locks(&gap(2)) && !lm.has_locks(&supremum()));
        lm.begin(t(2));
        assert!(lm.has_locks(&LockTarget::Transaction(t(2))));
        let w = acquire_in_thread(&lm, 2, row(1), S, BLOCK);
        await_waiting(&lm, 2);
        lm.release_all(t(1));
        assert_eq!(w.join(), Ok(()));
        assert!(lm.has_locks(&row(1)) && !lm.has_locks(&gap(1)) && !lm.has_locks(&table()));
        lm.release_all(t(2));
        assert!(!lm.has_locks(&row(1)) && !lm.has_locks(&LockTarget::Transaction(t(2))));
        assert!(lm.is_idle());
    }

    #[test]
    fn next_key_locks_over_10_11_13_20() {
        // T1 reads id BETWEEN 11 AND 15 through the primary key: next-key S locks on 11 and 13
        // and on 20, which ends the range: (10, 11], (11, 13], (13, 20].
        let lm = manager();
        lm.begin(t(1));
        ok(&lm, 1, table(), IS);
        for k in [11, 13, 20] {
            ok(&lm, 1, gap(k), G);
            ok(&lm, 1, row(k), S);
        }
        let inserts = |txn: u64, key: i64, before: LockTarget| {
            ok(&lm, txn, table(), IX);
            lm.acquire(t(txn), before, II, WaitPolicy::NoWait).map(|()| ok(&lm, txn, row(key), X))
        };
        assert!(inserts(2, 12, gap(13)).is_err(), "12 is in (11, 13]");
        assert!(inserts(3, 17, gap(20)).is_err(), "17 is in (13, 20]");
        assert_eq!(inserts(4, 5, gap(10)), Ok(()), "5 is in (-inf, 10]: not locked");
        assert_eq!(inserts(5, 25, supremum()), Ok(()), "25 is in (20, +inf): not locked");
        assert!(lm.acquire(t(6), row(13), X, WaitPolicy::NoWait).is_err(), "13 itself is locked");
        assert_eq!(lm.acquire(t(6), row(10), X, WaitPolicy::NoWait), Ok(()), "10 is not");
        for txn in 1..=6 {
            lm.release_all(t(txn));
        }
        assert!(lm.is_idle());
    }

    #[test]
    fn four_transaction_cycle_has_exactly_one_victim_and_the_others_finish() {
        // T(i) holds row i and then wants row i+1 (T4 wants row 1). Each thread "commits"
        // (release_all) after its second lock, or aborts (release_all) on an error.
        let lm = manager();
        for txn in 1..=4 {
            lm.begin(t(txn));
            ok(&lm, txn, row(txn as i64), X);
        }
        let run = |txn: u64| {
            let lm = Arc::clone(&lm);
            spawn(move || {
                let result = lm.acquire(t(txn), row(txn as i64 % 4 + 1), X, BLOCK);
                lm.release_all(t(txn));
                result
            })
        };
        let mut threads = Vec::new();
        for txn in 1..=3 {
            threads.push(run(txn));
            await_waiting(&lm, txn);
        }
        threads.push(run(4));
        let results: Vec<crate::Result<()>> = threads.into_iter().map(Spawned::join).collect();
        let victims: Vec<usize> = (0..4).filter(|&i| results[i].is_err()).collect();
        assert_eq!(victims, vec![3], "{results:?}");
        let d = deadlock_of(results[3].clone());
        assert_eq!(d.victim, t(4));
        assert_eq!(cycle_pairs(&d), vec![(4, 1), (1, 2), (2, 3), (3, 4)]);
        assert!(lm.is_idle());
    }

    #[test]
    fn long_insert_wait_without_a_cycle_is_not_aborted() {
        let lm = manager();
        lm.begin(t(1));
        lm.begin(t(2));
        ok(&lm, 1, supremum(), G);
        ok(&lm, 2, supremum(), G);
        let insert = acquire_in_thread(&lm, 1, supremum(), II, BLOCK);
        await_waiting(&lm, 1);
        // T2 does other work meanwhile (a wait for an unrelated row), without closing a cycle.
        ok(&lm, 3, row(1), X);
        let other = acquire_in_thread(&lm, 2, row(1), X, BLOCK);
        await_waiting(&lm, 2);
        assert_still_waiting(&lm, 1, &insert, Duration::from_millis(100));
        lm.release_all(t(3));
        assert_eq!(other.join(), Ok(()));
        insert.assert_pending();
        lm.release_all(t(2));
        assert_eq!(insert.join(), Ok(()));
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn cancel_and_timeout_of_an_insert_intention_leave_no_trace() {
        let lm = manager();
        ok(&lm, 1, gap(5), G);
        let insert = acquire_in_thread(&lm, 2, gap(5), II, BLOCK);
        await_waiting(&lm, 2);
        lm.cancel(t(2));
        assert_eq!(insert.join(), Err(Error::QueryCanceled));
        let timed = acquire_in_thread(
            &lm,
            3,
            gap(5),
            II,
            WaitPolicy::Block { timeout: Some(Duration::from_millis(20)), interrupt: None },
        );
        assert_eq!(timed.join(), Err(Error::LockNotAvailable("gap before 5 in table#1 primary key".into())));
        assert!(lm.waits().is_empty());
        lm.release_all(t(1));
        assert!(lm.is_idle());
    }

    #[test]
    fn mixed_workload_with_gaps_leaves_the_table_idle() {
        // Threads read a range (IS, next-key S) then insert into it (IX, insert intention, X):
        // empty-range deadlocks happen, victims abort and retry; everyone finishes.
        let lm = manager();
        let next_id = Arc::new(std::sync::atomic::AtomicU64::new(1));
        let workers: Vec<Spawned<u32>> = (0..4i64)
            .map(|w| {
                let lm = Arc::clone(&lm);
                let next_id = Arc::clone(&next_id);
                spawn(move || {
                    let mut deadlocks = 0;
                    for i in 0..50i64 {
                        loop {
                            let txn = t(next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                            lm.begin(txn);
                            let key = 1000 + w * 100 + i;
                            let result = lm
                                .acquire(txn, table(), IS, BLOCK)
                                .and_then(|()| lm.acquire(txn, supremum(), G, BLOCK))
                                .and_then(|()| lm.acquire(txn, table(), IX, BLOCK))
                                .and_then(|()| lm.acquire(txn, supremum(), II, BLOCK))
                                .and_then(|()| lm.acquire(txn, row(key), X, BLOCK));
                            lm.release_all(txn);
                            match result {
                                Ok(()) => break,
                                Err(Error::DeadlockDetected(_)) => deadlocks += 1,
                                Err(e) => panic!("unexpected {e:?}"),
                            }
                        }
                    }
                    deadlocks
                })
            })
            .collect();
        for w in workers {
            w.join();
        }
        assert!(lm.is_idle());
    }
}
