//! The lock manager: the engine's one waiting mechanism.
//!
//! Every wait in the engine — a writer waiting for a row another transaction has locked, a
//! unique-key check waiting for an uncommitted inserter to end, a serializable reader waiting for
//! a row lock — goes through [`LockManager::acquire`] or [`LockManager::wait_for_transaction`].
//! So at every moment the lock manager knows who waits for whom: the REPL shows it
//! ([`LockManager::waits`], [`LockManager::held`]), the isolation test runner detects that a step
//! blocks by polling [`LockManager::waiting_for`], and deadlock detection reads the same table.
//!
//! ## Lock targets
//!
//! * [`LockTarget::Row`]: one row of a table, named by its primary key.
//! * [`LockTarget::Transaction`]`(T)`: "the end of transaction T". `T` holds it exclusively, and
//!   implicitly, from [`LockManager::begin`] to [`LockManager::release_all`]; nobody else ever
//!   holds it. Waiting for it is waiting for `T` to commit or abort: a unique-key check that
//!   finds a key inserted by an uncommitted transaction, or an update that finds a row version
//!   deleted by an uncommitted one (PostgreSQL sleeps on the xmax's transaction id in the same
//!   way, so that its deadlock detector sees the wait). When `T` ends every waiter is released
//!   at once, whatever mode it asked for, and none of them holds anything afterwards. A request
//!   on `Transaction(T)` when `T` is not running (never begun, or already ended) succeeds at once.
//!
//! ## Modes and compatibility ([`compatible`])
//!
//! ```text
//!                 requested
//!                 S     X
//!   held   S      yes   no
//!          X      no    no
//! ```
//!
//! Holding X satisfies a request for S ([`LockMode::covers`]); asking again for a mode already
//! held, or a weaker one, returns at once without queueing.
//!
//! ## Queues and grants
//!
//! Each target with a holder or a waiter has a `LockQueue`: the holders (transaction, mode) and
//! a FIFO of waiters.
//!
//! * A new request is granted at once iff it is compatible with every holder AND nobody waits in
//!   the queue: no barging past waiters, so a stream of readers cannot starve a writer.
//! * Upgrade (a holder asks for a stronger mode, S -> X): granted at once if the stronger mode is
//!   compatible with every other holder (for S -> X: it is the only holder), whoever waits.
//!   Otherwise it waits at the FRONT of the queue, behind only the upgraders already there: the
//!   waiters behind wait for its S lock anyway, so queueing behind them would deadlock it with
//!   requests that wait for it (PostgreSQL's queue rule, test `tuplelock-upgrade-no-deadlock`).
//!   Two holders that both upgrade do deadlock: the second to ask is refused (below).
//! * Grant pass, after a release or after a waiter leaves the queue (timeout, cancel, deadlock
//!   victim): walk the queue from the front and grant every waiter compatible with the holders
//!   (those granted earlier in the pass included); stop at the first one that cannot be granted
//!   (strict FIFO).
//! * Each waiter sleeps on its own `parking_lot::Condvar` (with the table's mutex) and is woken
//!   only when its request is decided: no polling, no thundering herd.
//!
//! Locks are held until [`LockManager::release_all`] (strict two-phase locking); there is no
//! early release of one lock.
//!
//! ## Deadlocks
//!
//! Detection runs on every request that has to wait, before it sleeps (InnoDB's choice; PostgreSQL
//! waits `deadlock_timeout` first). It builds the waits-for graph over all waiting transactions,
//! the new request included (`deadlock.rs`): `W -> H` for every holder `H` whose mode conflicts
//! with `W`'s request (hard edge), `W -> Q` for every waiter `Q` queued ahead of `W` whose
//! request conflicts with `W`'s (soft edge), `W -> T` for a wait on `Transaction(T)`. It then
//! searches for a cycle through the requester, in ascending transaction id order.
//!
//! **Rule: the request that closes the cycle is refused.** A waits-for edge appears only when a
//! transaction starts waiting: its own out-edges, plus, when an upgrader goes to the front of a
//! queue, soft edges into it from the waiters behind. (A grant turns soft edges into hard ones
//! between the same transactions; releases and withdrawals only remove edges.) Every new edge
//! touches the new waiter, so every new cycle passes through it: checking each wait finds every
//! deadlock, at the moment it forms, and the requester is on it. The choice is deterministic and
//! needs no cost model; PostgreSQL's detector also aborts itself. The victim's request is
//! withdrawn (the grant pass re-runs on its
//! queue), nobody else is touched, and `acquire` returns [`Error::DeadlockDetected`] with the
//! cycle from the victim round back to it, e.g.
//! `T2 waits for T1 (X lock on accounts(id=1)); T1 waits for T2 (X lock on accounts(id=2))`.
//! The victim's other locks stay held: the caller aborts the transaction, which calls
//! `release_all`. A long wait without a cycle is never aborted; only a timeout the caller asked
//! for ends it ([`WaitPolicy::Block`]).
//!
//! ## State, cost, and what runs under the mutex
//!
//! One `parking_lot::Mutex` guards a `LockTable`: `HashMap<LockTarget, LockQueue>` plus, per
//! transaction, the targets it holds and its current wait. An uncontended acquire is one mutex
//! lock and one hash insert (plus a push on the holder's list); `release_all` of a transaction
//! that held k locks costs O(k) queue visits. Empty queues and transactions with neither locks
//! nor a wait are removed, so an idle lock manager holds no memory ([`LockManager::is_idle`]).
//! The `describe` closure (which may consult the catalog) is never called with the mutex held.
//!
//! ## Left for later
//!
//! * Issue 3: table intention locks (IS, IX, SIX) and index-range / gap locks for the S2PL
//!   scheme. New targets are new [`LockTarget`] variants; new modes are new [`LockMode`]
//!   variants with their rows in [`compatible`], [`LockMode::covers`] and [`LockMode::join`]
//!   (the upgrade target mode), which are the only places the queue logic asks about modes.
//!   Gap locks are compatible with each other and conflict only with insert intentions, which is
//!   again a matter of the matrix.
//! * Re-ordering queues to break soft-edge cycles without an abort (PostgreSQL `deadlock-soft`).
//! * The detector rebuilds the graph over all waiters on each wait: fine for interactive use and
//!   tests, quadratic for a convoy of hundreds of exclusive waiters on one row.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{Condvar, Mutex};

use crate::error::{Deadlock, Error, TxnId, WaitEdge};
use crate::storage::TableId;
use crate::types::Key;

use super::deadlock::{Edge, QueueSnapshot, WaitsForGraph};

/// What a lock protects.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LockTarget {
    /// One row, by primary key.
    Row { table: TableId, key: Key },
    /// The end of a transaction: held implicitly by that transaction from `begin` to
    /// `release_all`, waited on by others.
    Transaction(TxnId),
}

impl LockTarget {
    /// Whether the waiters of this target are all released together when its holder leaves,
    /// never hold it afterwards, and so never wait for each other.
    pub(super) fn releases_waiters_together(&self) -> bool {
        matches!(self, LockTarget::Transaction(_))
    }
}

impl fmt::Display for LockTarget {
    /// A catalog-free rendering (`table#1(2)`, `transaction 7`), for a `describe` closure to fall
    /// back on.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockTarget::Row { table, key } => write!(f, "{table}({key})"),
            LockTarget::Transaction(txn) => write!(f, "transaction {txn}"),
        }
    }
}

/// A lock mode. Ordered by strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LockMode {
    Shared,
    Exclusive,
}

impl LockMode {
    /// Whether holding `self` already grants a request for `requested`.
    pub fn covers(self, requested: LockMode) -> bool {
        match (self, requested) {
            (LockMode::Exclusive, _) => true,
            (LockMode::Shared, LockMode::Shared) => true,
            (LockMode::Shared, LockMode::Exclusive) => false,
        }
    }

    /// The weakest mode that covers both: what a holder of `self` asking for `other` upgrades to.
    pub fn join(self, other: LockMode) -> LockMode {
        self.max(other)
    }
}

impl fmt::Display for LockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockMode::Shared => "S",
            LockMode::Exclusive => "X",
        })
    }
}

/// Whether a lock held in mode `held` by one transaction lets another be granted `requested`.
/// Symmetric. The compatibility matrix of the module doc.
pub fn compatible(held: LockMode, requested: LockMode) -> bool {
    matches!((held, requested), (LockMode::Shared, LockMode::Shared))
}

/// What to do when a request cannot be granted at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitPolicy {
    /// Wait until granted, or fail with `LockNotAvailable` after `timeout` if one is given.
    Block { timeout: Option<std::time::Duration> },
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
    queues: HashMap<LockTarget, LockQueue>,
    /// Transactions with at least one lock (their own `Transaction(T)` included) or a wait.
    txns: HashMap<TxnId, TxnState>,
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
        let LockTable { queues, txns } = self;
        if let LockTarget::Transaction(owner) = target {
            // Only the owner holds it; for anyone else it is a wait for the owner's end, or
            // nothing if the owner is not running (no queue).
            if *owner == txn || !queues.contains_key(target) {
                return Attempt::Granted;
            }
            let position = queues[target].waiters.len();
            return Attempt::Wait { position, mode, upgrade: false };
        }
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
        if queue.waiters.is_empty() && queue.fits(txn, mode) {
            queue.holders.push((txn, mode));
            txns.entry(txn).or_default().held.push(target.clone());
            return Attempt::Granted;
        }
        Attempt::Wait { position: queue.waiters.len(), mode, upgrade: false }
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
        self.txns.entry(txn).or_default().wait =
            Some(WaitState { target: target.clone(), mode, status: WaitStatus::Waiting, cv: Arc::clone(&cv) });
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

    /// The grant pass: grant waiters from the front while they fit, wake them; drop the queue
    /// if it is empty.
    fn grant_waiters(&mut self, target: &LockTarget) {
        let LockTable { queues, txns } = self;
        let Some(queue) = queues.get_mut(target) else {
            return;
        };
        let holds = !target.releases_waiters_together();
        while let Some(front) = queue.waiters.front() {
            if !queue.fits(front.txn, front.mode) {
                break;
            }
            let waiter = queue.waiters.pop_front().expect("front exists");
            let state = txns.entry(waiter.txn).or_default();
            if holds {
                match queue.holder(waiter.txn) {
                    Some(index) if waiter.upgrade => queue.holders[index].1 = waiter.mode,
                    _ => {
                        queue.holders.push((waiter.txn, waiter.mode));
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
    /// afterwards (see [`LockManager::wait_for_transaction`]).
    ///
    /// Errors: [`Error::DeadlockDetected`] if this request closes a cycle of waits (the request is
    /// withdrawn, the other locks of `txn` stay held: the caller aborts the transaction);
    /// [`Error::LockNotAvailable`] (with the target's description) under `NoWait` if it would
    /// wait, or when the timeout expires; [`Error::QueryCanceled`] after [`LockManager::cancel`]
    /// (or `release_all(txn)` from another thread) while it waits; [`Error::Internal`] if `txn`
    /// is already waiting on another thread.
    pub fn acquire(&self, txn: TxnId, target: LockTarget, mode: LockMode, policy: WaitPolicy) -> crate::Result<()> {
        let mut table = self.table.lock();
        let (position, mode, upgrade) = match table.try_grant(txn, &target, mode) {
            Attempt::Granted => return Ok(()),
            Attempt::Wait { position, mode, upgrade } => (position, mode, upgrade),
        };
        let timeout = match policy {
            WaitPolicy::NoWait => {
                drop(table);
                return Err(Error::LockNotAvailable((self.describe)(&target)));
            }
            WaitPolicy::Block { timeout } => timeout,
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
                Some(WaitStatus::Waiting) => {}
                Some(WaitStatus::Granted) => {
                    table.end_wait(txn);
                    return Ok(());
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
    pub fn wait_for_transaction(&self, txn: TxnId, other: TxnId, policy: WaitPolicy) -> crate::Result<()> {
        self.acquire(txn, LockTarget::Transaction(other), LockMode::Shared, policy)
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
            if let Some(queue) = table.queues.get_mut(&target) {
                if let Some(index) = queue.holder(txn) {
                    queue.holders.swap_remove(index);
                }
            }
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
    const BLOCK: WaitPolicy = WaitPolicy::Block { timeout: None };

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
        policy: WaitPolicy,
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
    fn grant_pass_grants_every_compatible_waiter_and_stops_at_the_first_misfit() {
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
        let writer =
            acquire_in_thread(&lm, 2, row(1), X, WaitPolicy::Block { timeout: Some(Duration::from_millis(300)) });
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
        let writer = acquire_in_thread(&lm, 2, row(1), X, WaitPolicy::Block { timeout: Some(LIMIT / 2) });
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
}
