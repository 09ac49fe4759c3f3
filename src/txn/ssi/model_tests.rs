//! Randomised check of the whole scheme: a tiny MVCC model (snapshot isolation with first updater
//! wins, no-wait) drives the tracker through random interleavings; the committed transactions'
//! dependency graph (ww, wr, rw) must always be acyclic. The same histories without the tracker's
//! verdicts must show cycles, or the oracle would prove nothing.
//!
//! Each transaction is: BEGIN (id), first statement (snapshot + `begin`), reads / range scans /
//! writes, pre-commit, commit in the "manager" (seq, invisible to later snapshots' running lists)
//! and, as a separate later step, the `committed` report, so that late reports are exercised.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::Included;

use super::*;
use crate::types::Value;

const ITEMS: usize = 4;
const INIT: TxnId = TxnId(0);

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Read(usize),
    Scan(usize, usize),
    Write(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    New,
    Begun,
    Active,
    Prepared,
    Unreported,
    Done,
}

struct Txn {
    id: TxnId,
    ops: Vec<Op>,
    pc: usize,
    phase: Phase,
    read_only: bool,
    snapshot: BTreeSet<TxnId>,
    wrote: bool,
    seq: u64,
    /// (item, creator of the version read).
    reads: Vec<(usize, TxnId)>,
}

#[derive(Default)]
struct World {
    next_id: u64,
    seq: u64,
    running: BTreeSet<TxnId>,
    committed: BTreeSet<TxnId>,
    /// Per item, the creators of its versions in order (INIT first).
    chains: Vec<Vec<TxnId>>,
}

fn key(i: usize) -> Key {
    Key::One(Value::Integer(i as i64))
}

/// One random history; returns (committed count, whether the committed graph has a cycle).
fn run(seed: u64, use_ssi: bool) -> (usize, bool) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let ssi = SsiTracker::new();
    let mut world = World { chains: vec![vec![INIT]; ITEMS], ..World::default() };
    let mut txns: Vec<Txn> = (0..3 + rng.below(3))
        .map(|_| {
            let read_only = rng.below(4) == 0;
            let ops = (0..1 + rng.below(4))
                .map(|_| match rng.below(if read_only { 2 } else { 5 }) {
                    0 => Op::Read(rng.below(ITEMS)),
                    1 => {
                        let a = rng.below(ITEMS);
                        Op::Scan(a, a + rng.below(ITEMS - a))
                    }
                    _ => Op::Write(rng.below(ITEMS)),
                })
                .collect();
            let none = BTreeSet::new();
            Txn {
                id: INIT,
                ops,
                pc: 0,
                phase: Phase::New,
                read_only,
                snapshot: none,
                wrote: false,
                seq: 0,
                reads: vec![],
            }
        })
        .collect();
    let ok = |r: Result<()>| !use_ssi || r.is_ok();
    while let Some(i) = {
        let live: Vec<usize> = (0..txns.len()).filter(|&i| txns[i].phase != Phase::Done).collect();
        (!live.is_empty()).then(|| live[rng.below(live.len())])
    } {
        let t = &mut txns[i];
        let alive = match t.phase {
            Phase::New => {
                world.next_id += 1;
                t.id = TxnId(world.next_id);
                world.running.insert(t.id);
                t.phase = Phase::Begun;
                true
            }
            Phase::Begun => {
                t.snapshot = world.committed.clone();
                let running: Vec<TxnId> = world.running.iter().copied().collect();
                ssi.begin(t.id, &running, t.read_only);
                t.phase = Phase::Active;
                true
            }
            Phase::Active if t.pc == t.ops.len() => {
                let alive = ok(ssi.pre_commit(t.id));
                t.phase = Phase::Prepared;
                alive
            }
            Phase::Active => {
                t.pc += 1;
                ok(ssi.check_doomed(t.id)) && step(&ssi, &mut world, t, t.ops[t.pc - 1], use_ssi)
            }
            Phase::Prepared => {
                world.seq += 1;
                t.seq = world.seq;
                world.running.remove(&t.id);
                world.committed.insert(t.id);
                t.phase = Phase::Unreported;
                true
            }
            Phase::Unreported => {
                ssi.committed(t.id, t.seq, t.wrote);
                t.phase = Phase::Done;
                true
            }
            Phase::Done => unreachable!(),
        };
        if !alive {
            for chain in &mut world.chains {
                chain.retain(|&c| c != t.id);
            }
            world.running.remove(&t.id);
            ssi.aborted(t.id);
            t.phase = Phase::Done;
        }
    }
    assert!(ssi.is_idle(), "seed {seed}: not idle: {:?}, {} markers", ssi.edges(), ssi.marker_count());
    (world.committed.len(), has_cycle(&world, &txns))
}

/// Executes one operation; false if the transaction must abort.
fn step(ssi: &SsiTracker, world: &mut World, t: &mut Txn, op: Op, use_ssi: bool) -> bool {
    let ok = |r: Result<()>| !use_ssi || r.is_ok();
    let visible = |t: &Txn, c: TxnId| c == INIT || c == t.id || t.snapshot.contains(&c);
    match op {
        Op::Read(k) | Op::Scan(k, _) => {
            let (first, last) = if let Op::Scan(a, b) = op { (a, b) } else { (k, k) };
            ssi.record_read(
                t.id,
                ReadTarget::Range {
                    table: TableId(1),
                    index: None,
                    lower: Included(key(first)),
                    upper: Included(key(last)),
                },
            );
            for item in first..=last {
                let chain = &world.chains[item];
                let at = chain.iter().rposition(|&c| visible(t, c)).expect("INIT is visible");
                t.reads.push((item, chain[at]));
                for &skipped in &chain[at + 1..] {
                    if !ok(ssi.read_conflict(t.id, skipped, &format!("item {item}"))) {
                        return false;
                    }
                }
            }
            true
        }
        Op::Write(k) => {
            let last = *world.chains[k].last().expect("INIT");
            // First updater wins, without waiting: a concurrent writer, running or committed, aborts me.
            if last != t.id && !visible(t, last) {
                return false;
            }
            let target = WriteTarget { table: TableId(1), index: None, key: key(k) };
            if !ok(ssi.write_conflict(t.id, std::slice::from_ref(&target), &|| format!("item {k}"))) {
                return false;
            }
            if last != t.id {
                world.chains[k].push(t.id);
            }
            t.wrote = true;
            true
        }
    }
}

/// Whether the dependency graph of the committed transactions has a cycle.
fn has_cycle(world: &World, txns: &[Txn]) -> bool {
    let mut edges: BTreeMap<TxnId, BTreeSet<TxnId>> = BTreeMap::new();
    let mut add = |a: TxnId, b: TxnId| {
        if a != b && a != INIT {
            edges.entry(a).or_default().insert(b);
        }
    };
    for chain in &world.chains {
        for pair in chain.windows(2) {
            add(pair[0], pair[1]);
        }
    }
    for t in txns.iter().filter(|t| world.committed.contains(&t.id)) {
        for &(item, creator) in &t.reads {
            add(creator, t.id);
            let chain = &world.chains[item];
            if let Some(next) = chain.iter().position(|&c| c == creator).and_then(|i| chain.get(i + 1)) {
                add(t.id, *next);
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(n: TxnId, edges: &BTreeMap<TxnId, BTreeSet<TxnId>>, state: &mut BTreeMap<TxnId, u8>) -> bool {
        match state.get(&n) {
            Some(1) => return true,
            Some(_) => return false,
            None => {}
        }
        state.insert(n, 1);
        let cyclic = edges.get(&n).is_some_and(|next| next.iter().any(|&m| visit(m, edges, state)));
        state.insert(n, 2);
        cyclic
    }
    let mut state = BTreeMap::new();
    edges.keys().any(|&n| visit(n, &edges, &mut state))
}

#[test]
fn random_histories_are_serializable() {
    let (mut committed, mut anomalies_without_ssi) = (0, 0);
    for seed in 1..=20_000 {
        let (n, cyclic) = run(seed, true);
        assert!(!cyclic, "seed {seed}: a non-serializable history committed");
        committed += n;
        anomalies_without_ssi += run(seed, false).1 as usize;
    }
    assert!(committed > 20_000, "too few commits: {committed}");
    assert!(anomalies_without_ssi > 100, "the oracle finds too few anomalies: {anomalies_without_ssi}");
}
