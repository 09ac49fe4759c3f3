//! A fast hasher for the engine's internal hash maps: the lock table, the SSI markers, the
//! statement cache.
//!
//! The standard library's default, SipHash-1-3, resists collision attacks by hostile keys and
//! costs tens of nanoseconds per small key; the lock table hashes a target on every lock,
//! release and grant, which made hashing a tenth of an autocommit UPDATE. This is the
//! multiply-rotate hash rustc uses for its own tables (FxHash): a few instructions per word,
//! good enough spread for keys that are integers, short tuples and short strings.
//!
//! The price: a party that chooses many keys that collide could slow these maps down. isolde
//! is embedded; its keys come from the program that embeds it, so this is that program's
//! choice to make, and the maps that see user data (lock targets, markers) stay correct,
//! only slower, under collisions.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub type FastHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The multiplier of FxHash (from the golden ratio).
const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

/// FxHash: each word is folded in with a rotate, an xor and a multiply.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, Hash};

    use super::*;

    fn hash(value: impl Hash) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(value)
    }

    #[test]
    fn equal_values_hash_alike_and_small_differences_spread() {
        assert_eq!(hash(("t", 42u64)), hash(("t", 42u64)));
        let hashes: std::collections::HashSet<u64> = (0u64..1000).map(hash).collect();
        assert_eq!(hashes.len(), 1000);
        // The map's control bytes use the top bits: consecutive keys must differ there too.
        let tops: std::collections::HashSet<u64> = (0u64..1000).map(|i| hash(i) >> 57).collect();
        assert!(tops.len() > 64, "{} distinct top-7-bit patterns", tops.len());
        assert_ne!(hash("abcdefgh1"), hash("abcdefgh2"));
    }
}
