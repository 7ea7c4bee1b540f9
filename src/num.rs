//! Saturating conversions between integer types, where a count meets a screen coordinate, a
//! database column or a signed offset. A value that does not fit becomes the nearest one that
//! does, never a wrapped one (the `as` casts these replace wrapped silently). A leaf module.

/// A count of rows or cells as a terminal coordinate.
pub fn cells(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

pub fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A count as a signed offset.
pub fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

pub fn i64_of(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_values_saturate() {
        assert_eq!(cells(70_000), u16::MAX);
        assert_eq!(cells(12), 12);
        assert_eq!(u32_of(usize::MAX), u32::MAX);
        assert_eq!(signed(usize::MAX), isize::MAX);
        assert_eq!(i64_of(u64::MAX), i64::MAX);
        assert_eq!(i64_of(5), 5);
    }
}
