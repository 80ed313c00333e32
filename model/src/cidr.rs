//! IPv4 address ranges in CIDR notation (`10.3.0.0/16`).
//!
//! Used for the plans' reserved ranges (domain.md "Plans", provider-api.md §4.5) and, later, for
//! private networks, pod/service ranges and the API server allow-list.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An IPv4 network: a base address with no host bits set, and a prefix length of 0–32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    base: u32,
    prefix: u8,
}

/// Why a text is not a valid IPv4 range, in words a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CidrError {
    /// No `/` separating address and prefix length.
    MissingPrefix,
    /// The part before `/` is not four numbers 0–255.
    BadAddress,
    /// The prefix length is not a number from 0 to 32.
    BadPrefix,
    /// The address has bits set beyond the prefix; carries the range the user probably meant.
    HostBitsSet(Ipv4Cidr),
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CidrError::MissingPrefix => {
                f.write_str("Write the range as an address and a prefix length, like 10.0.0.0/16.")
            }
            CidrError::BadAddress => {
                f.write_str("The address must be four numbers from 0 to 255 separated by dots.")
            }
            CidrError::BadPrefix => f.write_str("The prefix length after / must be from 0 to 32."),
            CidrError::HostBitsSet(meant) => write!(
                f,
                "The address has bits set outside the /{} prefix; did you mean {meant}?",
                meant.prefix
            ),
        }
    }
}

impl std::error::Error for CidrError {}

impl Ipv4Cidr {
    /// A range from an address and prefix length; `None` if the prefix is over 32 or host bits
    /// are set.
    pub const fn new(address: [u8; 4], prefix: u8) -> Option<Self> {
        let base = u32::from_be_bytes(address);
        if prefix > 32 || base & !mask(prefix) != 0 {
            return None;
        }
        Some(Self { base, prefix })
    }

    /// The first address of the range.
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.base)
    }

    /// The prefix length (16 in `10.3.0.0/16`).
    pub const fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Number of addresses in the range.
    pub const fn size(&self) -> u64 {
        1u64 << (32 - self.prefix)
    }

    /// Whether `address` lies in the range.
    pub fn contains(&self, address: Ipv4Addr) -> bool {
        u32::from(address) & mask(self.prefix) == self.base
    }

    /// Whether every address of `other` lies in this range.
    pub fn contains_range(&self, other: &Ipv4Cidr) -> bool {
        self.prefix <= other.prefix && self.contains(other.network())
    }

    /// Whether the whole range is private address space (RFC 1918: 10.0.0.0/8, 172.16.0.0/12,
    /// 192.168.0.0/16).
    pub fn is_private(&self) -> bool {
        PRIVATE_RANGES.iter().any(|private| private.contains_range(self))
    }

    /// Whether the two ranges share at least one address.
    pub fn overlaps(&self, other: &Ipv4Cidr) -> bool {
        let shorter = self.prefix.min(other.prefix);
        self.base & mask(shorter) == other.base & mask(shorter)
    }
}

/// RFC 1918 private address space.
const PRIVATE_RANGES: [Ipv4Cidr; 3] = [
    Ipv4Cidr { base: 10 << 24, prefix: 8 },
    Ipv4Cidr { base: (172 << 24) | (16 << 16), prefix: 12 },
    Ipv4Cidr { base: (192 << 24) | (168 << 16), prefix: 16 },
];

/// The netmask of a prefix length, as an integer.
const fn mask(prefix: u8) -> u32 {
    if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = text.trim().split_once('/').ok_or(CidrError::MissingPrefix)?;
        let address: Ipv4Addr = address.parse().map_err(|_| CidrError::BadAddress)?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32).ok_or(CidrError::BadPrefix)?;
        let bits = u32::from(address);
        let base = bits & mask(prefix);
        let cidr = Ipv4Cidr { base, prefix };
        if base != bits {
            return Err(CidrError::HostBitsSet(cidr));
        }
        Ok(cidr)
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network(), self.prefix)
    }
}

crate::schema::string_schema!(
    Ipv4Cidr,
    "An IPv4 range in CIDR notation (`10.0.0.0/16`), or a single address."
);

impl Serialize for Ipv4Cidr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ipv4Cidr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cidr(text: &str) -> Ipv4Cidr {
        text.parse().unwrap()
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(cidr("10.240.0.0/13").to_string(), "10.240.0.0/13");
        assert_eq!(cidr(" 0.0.0.0/0 ").size(), 1 << 32);
        assert_eq!(cidr("192.168.1.7/32").size(), 1);
    }

    #[test]
    fn explains_each_mistake() {
        assert_eq!("10.0.0.0".parse::<Ipv4Cidr>(), Err(CidrError::MissingPrefix));
        assert_eq!("10.0.0.256/8".parse::<Ipv4Cidr>(), Err(CidrError::BadAddress));
        assert_eq!("10.0.0.0/33".parse::<Ipv4Cidr>(), Err(CidrError::BadPrefix));
        let err = "10.2.3.0/16".parse::<Ipv4Cidr>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "The address has bits set outside the /16 prefix; did you mean 10.2.0.0/16?"
        );
    }

    #[test]
    fn overlap_and_containment() {
        assert!(cidr("10.240.0.0/13").overlaps(&cidr("10.247.0.0/16")));
        assert!(!cidr("10.240.0.0/13").overlaps(&cidr("10.3.0.0/16")));
        assert!(cidr("10.2.0.0/16").contains("10.2.255.1".parse().unwrap()));
        assert!(!cidr("10.2.0.0/16").contains("10.3.0.1".parse().unwrap()));
    }

    #[test]
    fn private_ranges_are_rfc_1918() {
        assert!(cidr("10.240.0.0/13").is_private());
        assert!(cidr("172.31.0.0/16").is_private());
        assert!(cidr("192.168.10.0/24").is_private());
        assert!(!cidr("172.32.0.0/16").is_private());
        assert!(!cidr("8.0.0.0/8").is_private());
        assert!(!cidr("0.0.0.0/0").is_private(), "a range larger than any private block");
        assert!(cidr("10.0.0.0/8").contains_range(&cidr("10.3.0.0/16")));
        assert!(!cidr("10.3.0.0/16").contains_range(&cidr("10.0.0.0/8")));
    }

    #[test]
    fn const_constructor_refuses_host_bits() {
        assert_eq!(Ipv4Cidr::new([10, 3, 0, 0], 16), Some(cidr("10.3.0.0/16")));
        assert_eq!(Ipv4Cidr::new([10, 3, 0, 1], 16), None);
        assert_eq!(Ipv4Cidr::new([10, 0, 0, 0], 33), None);
    }

    fn any_cidr() -> impl Strategy<Value = Ipv4Cidr> {
        (any::<u32>(), 0u8..=32).prop_map(|(bits, prefix)| Ipv4Cidr { base: bits & mask(prefix), prefix })
    }

    proptest! {
        #[test]
        fn overlap_is_symmetric_and_matches_a_shared_address(a in any_cidr(), b in any_cidr()) {
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
            // Two prefixes overlap exactly when one contains the other's first address.
            let shared = a.contains(b.network()) || b.contains(a.network());
            prop_assert_eq!(a.overlaps(&b), shared);
        }

        #[test]
        fn display_parse_round_trip(a in any_cidr()) {
            prop_assert_eq!(a.to_string().parse::<Ipv4Cidr>(), Ok(a));
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<Ipv4Cidr>(&json).unwrap(), a);
        }
    }
}
