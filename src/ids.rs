//! The ids and the time value every layer passes around. A leaf: it uses nothing of the crate.

/// Wall-clock time in milliseconds since the UNIX epoch. The runtime reads the clock and hands
/// the time to the reducer, which never reads it itself.
pub type Millis = u64;

/// Tags one request's stream. A fresh id for every request, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub u64);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ConversationId(pub u64);

/// Makes ids that are unique across runs, and across windows sharing one database, without
/// asking anyone: 41 bits of milliseconds since 2024 (ids sort by time, so search can list
/// the newest first), then 22 bits that start at a random point for each window and each
/// millisecond and count up within it. Two windows collide only by making ids in the same
/// millisecond within a few of each other's 4 million starting points; even then the store
/// refuses the second row instead of writing over the first (`StoreError::IdTaken`). 63 bits
/// in all: SQLite's integer keys.
#[derive(Debug, Clone)]
pub struct IdSource {
    seed: u64,
    last: u64,
}

/// 2024-01-01T00:00:00Z.
const ID_EPOCH: Millis = 1_704_067_200_000;
const LOW_BITS: u32 = 22;
const TIME_BITS: u32 = 41;

impl IdSource {
    /// `seed` should differ between windows (the runtime takes one from the OS).
    pub fn new(seed: u64) -> IdSource {
        IdSource { seed, last: 0 }
    }

    /// A new id, larger than every id this source made before.
    pub fn next(&mut self, now: Millis) -> u64 {
        let ms = now.saturating_sub(ID_EPOCH) & ((1 << TIME_BITS) - 1);
        let start = (ms << LOW_BITS) | (mix(self.seed ^ ms) & ((1 << LOW_BITS) - 1));
        let id = start.max(self.last + 1);
        self.last = id;
        id
    }
}

impl IdSource {
    /// The name across databases (a UUIDv7) of the message this source numbered `id`: the
    /// time of `at`, then 74 bits from this window's seed and `id`.
    pub fn uid(&self, id: u64, at: Millis) -> uuid::Uuid {
        let a = mix(self.seed ^ id).to_le_bytes();
        let b = mix(self.seed.rotate_left(17) ^ id.wrapping_mul(0x9E37_79B9)).to_le_bytes();
        let bytes = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]];
        uuid::Builder::from_unix_timestamp_millis(at, &bytes).into_uuid()
    }
}

/// SplitMix64's finalizer: spreads a seed over all 64 bits.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_800_000_000_000;

    #[test]
    fn ids_grow_fit_sqlite_and_two_windows_in_one_millisecond_differ() {
        let mut a = IdSource::new(1);
        let mut b = IdSource::new(2);
        let from_a: Vec<u64> = (0..3).map(|_| a.next(NOW)).collect();
        let from_b: Vec<u64> = (0..3).map(|_| b.next(NOW)).collect();
        assert!(from_a.windows(2).all(|w| w[0] < w[1]));
        assert!(
            from_a.iter().all(|id| !from_b.contains(id)),
            "{from_a:?} {from_b:?}"
        );
        assert!(
            from_a
                .iter()
                .chain(&from_b)
                .all(|&id| i64::try_from(id).is_ok())
        );
        // A later millisecond sorts after.
        assert!(a.next(NOW + 1) > from_a[2]);
        // Time going backwards (a clock step) still never repeats an id.
        let before = a.next(NOW + 1);
        assert!(a.next(NOW - 10_000) > before);
    }
}
