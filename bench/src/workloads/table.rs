//! Table `t (id INTEGER PRIMARY KEY, k INTEGER, v TEXT)` with an index on `k`: one thread,
//! isolde against SQLite.
//!
//! Each run loads a fresh database on each engine (the `load` workload, timed), then runs the
//! other workloads on it in a fixed order: the reads first, on the table as loaded, then the
//! writes (`update_v`, `update_k`, `insert`), so that every run of a workload starts from the
//! same state. Within a run the two engines take turns workload by workload, and which one
//! goes first alternates from run to run.
//!
//! The harness keeps a model of the table (each row's `k`) and checks every result against it:
//! the checksum of every query (rows returned, sum of the integers and text lengths), the rows
//! each write affected, and after each write the table's `count(*)` and `sum(k)` and a few
//! counts through the index on `k`.

use anyhow::{ensure, Result};

use super::{rate, Config};
use crate::data::{self, Checksum, DataRow, V_LEN};
use crate::engines::isolde::IsoldeTable;
use crate::engines::sqlite::SqliteTable;
use crate::engines::{Cell, Engine, NewValue, Table, Timed};
use crate::report::{Comparison, Results};
use crate::rng::Rng;

pub const CREATE_TABLE: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, v TEXT)";
pub const CREATE_INDEX: &str = "CREATE INDEX t_k_idx ON t (k)";
pub const INSERT: &str = "INSERT INTO t (id, k, v) VALUES ($1, $2, $3)";
const POINT: &str = "SELECT k, v FROM t WHERE id = $1";
const RANGE_ID: &str = "SELECT id, k, v FROM t WHERE id BETWEEN $1 AND $1 + 99";
const RANGE_K: &str = "SELECT id, k, v FROM t WHERE k BETWEEN $1 AND $1 + 99";
const SUM_K: &str = "SELECT sum(k) FROM t";
pub const UPDATE_V: &str = "UPDATE t SET v = $1 WHERE id = $2";
const UPDATE_K: &str = "UPDATE t SET k = $1 WHERE id = $2";
pub const COUNT_AND_SUM: &str = "SELECT count(*), sum(k) FROM t";
const K_RANGE_COUNT: &str = "SELECT count(*), sum(id) FROM t WHERE k BETWEEN $1 AND $2";
pub const V_OF: &str = "SELECT v FROM t WHERE id = $1";

/// The point query as SQL text with the id in it, a new text for every id.
fn point_text(id: i64) -> String {
    format!("SELECT k, v FROM t WHERE id = {id}")
}

/// The workloads on table `t`, in the order each run executes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    Load,
    PointSelect,
    PointSelectSql,
    RangeId,
    RangeK,
    SumK,
    UpdateV,
    UpdateK,
    Insert,
}

pub const WORKLOADS: [Workload; 9] = [
    Workload::Load,
    Workload::PointSelect,
    Workload::PointSelectSql,
    Workload::RangeId,
    Workload::RangeK,
    Workload::SumK,
    Workload::UpdateV,
    Workload::UpdateK,
    Workload::Insert,
];

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Workload::Load => "load",
            Workload::PointSelect => "point_select",
            Workload::PointSelectSql => "point_select_sql_text",
            Workload::RangeId => "range_id",
            Workload::RangeK => "range_k",
            Workload::SumK => "sum_k",
            Workload::UpdateV => "update_v",
            Workload::UpdateK => "update_k",
            Workload::Insert => "insert",
        }
    }

    /// What one operation of the reported rate is.
    pub fn unit(self) -> &'static str {
        match self {
            Workload::Load | Workload::SumK => "rows/s",
            Workload::RangeId | Workload::RangeK => "scans/s",
            _ => "ops/s",
        }
    }

    /// What the workload runs, for the documentation.
    pub fn describe(self) -> String {
        match self {
            Workload::Load => format!("`BEGIN`; `{INSERT}` per row, prepared; `COMMIT` (index on `k` maintained)"),
            Workload::PointSelect => format!("`{POINT}`, prepared, random ids"),
            Workload::PointSelectSql => {
                format!("`{}`: SQL text with the id in it, random ids (see below)", point_text(42))
            }
            Workload::RangeId => format!("`{RANGE_ID}`, prepared, every row fetched"),
            Workload::RangeK => format!("`{RANGE_K}` (about 100 rows), prepared, every row fetched"),
            Workload::SumK => format!("`{SUM_K}`; the rate counts rows summed"),
            Workload::UpdateV => format!("`{UPDATE_V}`, prepared, autocommit, random ids"),
            Workload::UpdateK => format!("`{UPDATE_K}` (the index entry moves), prepared, autocommit"),
            Workload::Insert => format!("`{INSERT}` of new ids, prepared, autocommit"),
        }
    }
}

/// How many rows, and how many operations each workload times.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub rows: usize,
    pub point: usize,
    pub sql_text: usize,
    pub range_id: usize,
    pub range_k: usize,
    pub sum: usize,
    pub update_v: usize,
    pub update_k: usize,
    pub insert: usize,
}

/// The table sizes to run: 100,000 and (unless `--small`) 1,000,000 rows, with operation counts
/// chosen so that each timed run lasts about 0.2 to 1 s on a 2-core machine; in `--quick`
/// mode, 2,000 rows and a few hundred operations.
pub fn scales(config: &Config) -> Vec<Scale> {
    if config.quick {
        return vec![Scale {
            rows: 2_000,
            point: 500,
            sql_text: 500,
            range_id: 100,
            range_k: 100,
            sum: 5,
            update_v: 500,
            update_k: 500,
            insert: 500,
        }];
    }
    let small = Scale {
        rows: 100_000,
        point: 500_000,
        sql_text: 100_000,
        range_id: 20_000,
        range_k: 10_000,
        sum: 60,
        update_v: 200_000,
        update_k: 150_000,
        insert: 100_000,
    };
    let large = Scale {
        rows: 1_000_000,
        point: 300_000,
        sql_text: 100_000,
        range_id: 20_000,
        range_k: 5_000,
        sum: 6,
        update_v: 100_000,
        update_k: 80_000,
        insert: 100_000,
    };
    if config.small {
        vec![small]
    } else {
        vec![small, large]
    }
}

/// The inputs of every workload at one scale, generated once and given to both engines.
struct Inputs {
    scale: Scale,
    rows: Vec<DataRow>,
    point_ids: Vec<i64>,
    sql_text_ids: Vec<i64>,
    range_id_starts: Vec<i64>,
    range_k_starts: Vec<i64>,
    update_v: Vec<(i64, NewValue)>,
    update_k: Vec<(i64, NewValue)>,
    inserts: Vec<DataRow>,
}

impl Inputs {
    fn new(scale: Scale) -> Inputs {
        let n = scale.rows as i64;
        let label = |w: Workload| format!("{}/{}", w.name(), scale.rows);
        let mut rng = Rng::from_label(&label(Workload::UpdateV));
        let update_v = (0..scale.update_v)
            .map(|_| (rng.between(1, n), NewValue::Text(data::text_value(rng.next_u64()))))
            .collect();
        let mut rng = Rng::from_label(&label(Workload::UpdateK));
        let update_k = (0..scale.update_k).map(|_| (rng.between(1, n), NewValue::Int(rng.between(0, n - 1)))).collect();
        Inputs {
            scale,
            rows: data::rows(scale.rows),
            point_ids: data::keys(&label(Workload::PointSelect), scale.point, 1, n),
            sql_text_ids: data::keys(&label(Workload::PointSelectSql), scale.sql_text, 1, n),
            range_id_starts: data::keys(&label(Workload::RangeId), scale.range_id, 1, n - 99),
            range_k_starts: data::keys(&label(Workload::RangeK), scale.range_k, 0, n - 100),
            update_v,
            update_k,
            inserts: (n + 1..=n + scale.insert as i64).map(|id| data::row(id, scale.rows)).collect(),
        }
    }
}

/// What the table holds: `k` of each row, row `id` at `ks[id - 1]` (ids are dense).
#[derive(Clone)]
struct Model {
    ks: Vec<i64>,
}

impl Model {
    /// The checksum of rows `ids`, read as `k, v` (or `id, k, v` when `with_id`).
    fn checksum_of_ids(&self, ids: impl Iterator<Item = i64>, with_id: bool) -> Checksum {
        let mut seen = Checksum::default();
        for id in ids {
            let id_part = if with_id { id } else { 0 };
            seen.add(Checksum { rows: 1, sum: id_part + self.ks[id as usize - 1] + V_LEN });
        }
        seen
    }

    /// The rows with `k` in `lo..=hi`: how many, and the sum of their ids.
    fn k_range(&self, lo: i64, hi: i64) -> (i64, i64) {
        let ids = self.ks.iter().zip(1..).filter(|(k, _)| (lo..=hi).contains(*k)).map(|(_, id)| id);
        ids.fold((0, 0), |(count, sum), id| (count + 1, sum + id))
    }

    /// The checksum of the `k`-range queries starting at `starts`: the rows sorted by `k`, and
    /// prefix sums of `id + k + V_LEN` over that order.
    fn k_ranges(&self, starts: &[i64]) -> Checksum {
        let mut by_k: Vec<(i64, i64)> = self.ks.iter().zip(1..).map(|(&k, id)| (k, id)).collect();
        by_k.sort_unstable();
        let mut prefix = vec![0i64];
        prefix.extend(by_k.iter().scan(0, |acc, &(k, id)| {
            *acc += id + k + V_LEN;
            Some(*acc)
        }));
        let mut seen = Checksum::default();
        for &lo in starts {
            let from = by_k.partition_point(|&(k, _)| k < lo);
            let to = by_k.partition_point(|&(k, _)| k <= lo + 99);
            seen.add(Checksum { rows: (to - from) as u64, sum: prefix[to] - prefix[from] });
        }
        seen
    }

    fn apply_updates(&mut self, updates: &[(i64, NewValue)]) {
        for (id, value) in updates {
            if let NewValue::Int(k) = value {
                self.ks[*id as usize - 1] = *k;
            }
        }
    }
}

/// Runs the selected table workloads at every scale and adds their rates to `results`.
pub fn run(config: &Config, results: &mut Results) -> Result<()> {
    let selected: Vec<Workload> = WORKLOADS.into_iter().filter(|w| config.selects(w.name())).collect();
    if selected.is_empty() {
        return Ok(());
    }
    for scale in scales(config) {
        let inputs = Inputs::new(scale);
        let mut rates: Vec<Comparison> =
            selected.iter().map(|w| Comparison::new(w.name(), scale.rows, w.unit())).collect();
        for run in 0..config.runs {
            let mut isolde = IsoldeTable::create()?;
            let mut sqlite = SqliteTable::create()?;
            let mut model = Model { ks: inputs.rows.iter().map(|r| r.k).collect() };
            // The load builds the table every other workload needs, so it always runs.
            for workload in WORKLOADS.into_iter().filter(|w| *w == Workload::Load || selected.contains(w)) {
                let before = model.clone();
                match workload {
                    Workload::UpdateK => model.apply_updates(&inputs.update_k),
                    Workload::Insert => model.ks.extend(inputs.inserts.iter().map(|r| r.k)),
                    _ => {}
                }
                for engine in Engine::order(run) {
                    let ops_per_s = match engine {
                        Engine::Isolde => measure(workload, &mut isolde, &inputs, &before, &model)?,
                        Engine::Sqlite => measure(workload, &mut sqlite, &inputs, &before, &model)?,
                    };
                    if let Some(c) = rates.iter_mut().find(|c| c.workload == workload.name()) {
                        c.push(engine, ops_per_s);
                        let (name, engine) = (workload.name(), engine.name());
                        crate::report::progress(name, scale.rows, "rows", run, config.runs, engine, ops_per_s);
                    }
                }
            }
        }
        results.comparisons.extend(rates);
    }
    Ok(())
}

/// Runs `workload` once on `table` (whose contents `before` models), checks what it saw and
/// left (`after`), and returns its rate.
fn measure(workload: Workload, table: &mut impl Table, inputs: &Inputs, before: &Model, after: &Model) -> Result<f64> {
    let name = workload.name();
    let (timed, expected, ops): (Timed, Checksum, usize) = match workload {
        Workload::Load => {
            let n = inputs.rows.len();
            (table.insert_rows(&inputs.rows, true)?, Checksum { rows: n as u64, sum: 0 }, n)
        }
        Workload::PointSelect => {
            let ids = &inputs.point_ids;
            (table.query_each(POINT, ids)?, before.checksum_of_ids(ids.iter().copied(), false), ids.len())
        }
        Workload::PointSelectSql => {
            let ids = &inputs.sql_text_ids;
            (table.query_each_text(point_text, ids)?, before.checksum_of_ids(ids.iter().copied(), false), ids.len())
        }
        Workload::RangeId => {
            let starts = &inputs.range_id_starts;
            let expected = before.checksum_of_ids(starts.iter().flat_map(|&s| s..s + 100), true);
            (table.query_each(RANGE_ID, starts)?, expected, starts.len())
        }
        Workload::RangeK => {
            let starts = &inputs.range_k_starts;
            (table.query_each(RANGE_K, starts)?, before.k_ranges(starts), starts.len())
        }
        Workload::SumK => {
            let times = inputs.scale.sum;
            let total: i64 = before.ks.iter().sum();
            let expected = Checksum { rows: times as u64, sum: total * times as i64 };
            (table.query_repeat(SUM_K, times)?, expected, times * before.ks.len())
        }
        Workload::UpdateV => {
            let n = inputs.update_v.len();
            (table.update_each(UPDATE_V, &inputs.update_v)?, Checksum { rows: n as u64, sum: 0 }, n)
        }
        Workload::UpdateK => {
            let n = inputs.update_k.len();
            (table.update_each(UPDATE_K, &inputs.update_k)?, Checksum { rows: n as u64, sum: 0 }, n)
        }
        Workload::Insert => {
            let n = inputs.inserts.len();
            (table.insert_rows(&inputs.inserts, false)?, Checksum { rows: n as u64, sum: 0 }, n)
        }
    };
    ensure!(timed.seen == expected, "{name}: saw {:?}, expected {expected:?}", timed.seen);
    match workload {
        Workload::Load | Workload::UpdateK | Workload::Insert => check_contents(table, after, name)?,
        Workload::UpdateV => check_values(table, &inputs.update_v, name)?,
        _ => {}
    }
    Ok(rate(ops as u64, timed.elapsed))
}

/// The table's `count(*)` and `sum(k)`, and a few counts through the index on `k`, match the model.
fn check_contents(table: &mut impl Table, model: &Model, name: &str) -> Result<()> {
    let expected = vec![Cell::Int(model.ks.len() as i64), Cell::Int(model.ks.iter().sum())];
    let got = table.first_row(COUNT_AND_SUM, &[])?;
    ensure!(got == expected, "{name}: count(*), sum(k) = {got:?}, expected {expected:?}");
    let n = model.ks.len() as i64;
    for lo in [0, n / 3, n / 2, n - n / 10] {
        let (count, ids) = model.k_range(lo, lo + 9);
        let got = table.first_row(K_RANGE_COUNT, &[lo, lo + 9])?;
        let expected = vec![Cell::Int(count), if count == 0 { Cell::Null } else { Cell::Int(ids) }];
        ensure!(got == expected, "{name}: k in {lo}..={}: {got:?}, expected {expected:?}", lo + 9);
    }
    Ok(())
}

/// The last value written to each of the (up to 100) last rows updated is the one the table holds.
fn check_values(table: &mut impl Table, updates: &[(i64, NewValue)], name: &str) -> Result<()> {
    let mut checked = Vec::new();
    for (id, value) in updates.iter().rev() {
        if checked.len() == 100 {
            break;
        }
        if checked.contains(id) {
            continue;
        }
        checked.push(*id);
        let NewValue::Text(v) = value else { continue };
        let got = table.first_row(V_OF, &[*id])?;
        ensure!(got == vec![Cell::Text(v.clone())], "{name}: row {id} holds {got:?}, expected {v:?}");
    }
    Ok(())
}
