//! The data every workload uses: the rows of table `t`, generated from their id, and the
//! values updates write.
//!
//! Row `id` of a table of `n` rows is `(id, k, v)` with `k` a pseudo-random number in `0..n`
//! (so a range of 100 consecutive `k` values holds about 100 rows) and `v` a 16-character
//! text. Every value written later (updates, inserts) is also 16 characters long, so a row's
//! checksum contribution (see [`Checksum`]) is `id + k + 16` whatever was written.

use crate::rng::{mix, Rng};

/// The length of every `v` value.
pub const V_LEN: i64 = 16;

/// One row of table `t`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataRow {
    pub id: i64,
    pub k: i64,
    pub v: String,
}

/// Row `id` of a table of `n` rows.
pub fn row(id: i64, n: usize) -> DataRow {
    let k = (mix(id as u64 ^ 0x6b6b_6b6b) % n as u64) as i64;
    DataRow { id, k, v: text_value(mix(id as u64 ^ 0x7676_7676)) }
}

/// The rows `1..=n` of a table of `n` rows.
pub fn rows(n: usize) -> Vec<DataRow> {
    (1..=n as i64).map(|id| row(id, n)).collect()
}

/// A `v` value made from a random number: `v` and 15 digits.
pub fn text_value(x: u64) -> String {
    format!("v{:015}", x % 1_000_000_000_000_000)
}

/// `count` random keys in `lo..=hi`, from the sequence named `label`.
pub fn keys(label: &str, count: usize, lo: i64, hi: i64) -> Vec<i64> {
    let mut rng = Rng::from_label(label);
    (0..count).map(|_| rng.between(lo, hi)).collect()
}

/// What a query returned, folded into two numbers both engines must agree on: how many rows,
/// and the sum of every integer column plus the length of every text column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum {
    pub rows: u64,
    pub sum: i64,
}

impl Checksum {
    pub fn add(&mut self, other: Checksum) {
        self.rows += other.rows;
        self.sum += other.sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_deterministic_and_values_have_the_fixed_length() {
        assert_eq!(row(7, 100), row(7, 100));
        assert!(rows(1000).iter().all(|r| (0..1000).contains(&r.k) && r.v.len() as i64 == V_LEN));
        assert_eq!(text_value(u64::MAX).len() as i64, V_LEN);
    }
}
