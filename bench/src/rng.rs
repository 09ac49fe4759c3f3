//! A seeded pseudo-random generator (splitmix64), so that both engines see exactly the same keys.
//!
//! Every key sequence of the benchmark is generated before it is timed, from a seed derived
//! from the workload's name, and handed to both engines: they do the same work, in the same
//! order. splitmix64 is small, fast and good enough for picking keys; no `rand` crate needed.

/// splitmix64 (Steele, Lea and Flood; the seeding generator of xoshiro).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded from a label (a workload name, a thread number...): the same label
    /// always gives the same sequence.
    pub fn from_label(label: &str) -> Rng {
        // FNV-1a of the label.
        let seed =
            label.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// A number in `0..n` (Lemire's multiply-shift; the bias is negligible for our ranges).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

/// splitmix64's output function: a bijective mix of a 64-bit word.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_label_same_sequence_and_bounds_hold() {
        let mut a = Rng::from_label("x");
        let mut b = Rng::from_label("x");
        for _ in 0..1000 {
            let (x, y) = (a.between(5, 9), b.between(5, 9));
            assert_eq!(x, y);
            assert!((5..=9).contains(&x));
        }
        assert_ne!(Rng::from_label("x").next_u64(), Rng::from_label("y").next_u64());
    }
}
