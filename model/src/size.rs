//! Amounts of storage, shown the way the provider states them (binary multiples, "MB"/"GB").

use std::fmt;

use serde::{Deserialize, Serialize};

/// A number of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ByteSize(u64);

impl ByteSize {
    /// Exactly `bytes` bytes.
    pub const fn from_bytes(bytes: u64) -> Self {
        Self(bytes)
    }

    /// `n` × 1024² bytes.
    pub const fn mebibytes(n: u64) -> Self {
        Self(n * 1024 * 1024)
    }

    /// `n` × 1024³ bytes.
    pub const fn gibibytes(n: u64) -> Self {
        Self(n * 1024 * 1024 * 1024)
    }

    /// The size in bytes.
    pub const fn bytes(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ByteSize {
    /// The largest unit with a value of at least one, with at most one decimal: "400 MB", "8 GB",
    /// "1.5 GB". Units are binary, as the provider's quotas are (400 MB = 400 × 1024² bytes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
        let mut unit = 0;
        let mut scale = 1u64;
        while unit + 1 < UNITS.len() && self.0 >= scale * 1024 {
            scale *= 1024;
            unit += 1;
        }
        let tenths = (self.0 * 10 + scale / 2) / scale;
        if tenths.is_multiple_of(10) {
            write!(f, "{} {}", tenths / 10, UNITS[unit])
        } else {
            write!(f, "{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_binary_multiples() {
        assert_eq!(ByteSize::mebibytes(400).to_string(), "400 MB");
        assert_eq!(ByteSize::gibibytes(8).to_string(), "8 GB");
        assert_eq!(ByteSize::mebibytes(1536).to_string(), "1.5 GB");
        assert_eq!(ByteSize::from_bytes(512).to_string(), "512 B");
    }
}
