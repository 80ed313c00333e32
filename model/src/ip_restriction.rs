//! The API server allow-list: which addresses may reach a cluster's Kubernetes API.
//!
//! Sources: domain.md "Networking" (an empty list means open; warn when a list would exclude the
//! caller's own address) and provider-api.md §3.2 / §4.2 (a list of CIDR blocks).

use std::fmt;
use std::net::Ipv4Addr;

use crate::cidr::Ipv4Cidr;
use crate::validation::FieldErrors;

/// Reads one entry as typed: a range (`203.0.113.0/24`) or a single address (`203.0.113.7`,
/// taken as a /32).
pub fn parse_entry(text: &str) -> Result<Ipv4Cidr, String> {
    let text = text.trim();
    if !text.contains('/')
        && let Ok(address) = text.parse::<Ipv4Addr>()
    {
        return Ok(Ipv4Cidr::new(address.octets(), 32).expect("a /32 has no host bits"));
    }
    text.parse::<Ipv4Cidr>().map_err(|e| e.to_string())
}

/// Reads a whole allow-list; errors are at `ips.<index>`.
pub fn parse_allow_list<S: AsRef<str>>(entries: &[S]) -> Result<Vec<Ipv4Cidr>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut list: Vec<Ipv4Cidr> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        match parse_entry(entry.as_ref()) {
            Ok(cidr) if list.contains(&cidr) => {
                errors.add(format!("ips.{i}"), format!("{cidr} is listed twice."))
            }
            Ok(cidr) => list.push(cidr),
            Err(message) => errors.add(format!("ips.{i}"), message),
        }
    }
    errors.into_result().map(|()| list)
}

/// A cluster's API server allow-list, and the address the asking user comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllowList {
    /// Ranges allowed in; empty means every address.
    pub entries: Vec<String>,
    /// The user's own address as the console sees it, to offer "add my address" and to warn.
    pub your_address: Option<String>,
}

/// Saving the list would keep `address` (the user's own) out of the API server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lockout {
    pub address: Ipv4Addr,
}

impl fmt::Display for Lockout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "This list does not include your address {}: after saving, you could no longer reach the \
             cluster's API from here.",
            self.address
        )
    }
}

/// Whether `list` would shut out `address`. An empty list lets everyone in.
pub fn lockout(list: &[Ipv4Cidr], address: Ipv4Addr) -> Option<Lockout> {
    let open = list.is_empty() || list.iter().any(|cidr| cidr.contains(address));
    (!open).then_some(Lockout { address })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_addresses_become_slash_32() {
        assert_eq!(parse_entry("203.0.113.7").unwrap().to_string(), "203.0.113.7/32");
        assert_eq!(parse_entry(" 203.0.113.0/24 ").unwrap().to_string(), "203.0.113.0/24");
        assert!(parse_entry("203.0.113.7/24").unwrap_err().contains("did you mean 203.0.113.0/24"));
        assert!(parse_entry("example.com").is_err());
    }

    #[test]
    fn list_errors_point_at_the_entry() {
        let errors = parse_allow_list(&["10.0.0.0/8", "nonsense", "10.0.0.0/8"]).unwrap_err();
        assert!(errors.message_for("ips.1").is_some());
        assert_eq!(errors.message_for("ips.2"), Some("10.0.0.0/8 is listed twice."));
        assert_eq!(parse_allow_list::<&str>(&[]).unwrap(), vec![]);
    }

    #[test]
    fn warns_only_when_the_callers_address_is_left_out() {
        let me: Ipv4Addr = "198.51.100.20".parse().unwrap();
        let list = parse_allow_list(&["203.0.113.0/24"]).unwrap();
        assert_eq!(lockout(&list, me), Some(Lockout { address: me }));
        assert!(lockout(&list, me).unwrap().to_string().contains("198.51.100.20"));
        assert_eq!(lockout(&[], me), None, "an empty list is open to all");
        let with_me = parse_allow_list(&["203.0.113.0/24", "198.51.100.0/24"]).unwrap();
        assert_eq!(lockout(&with_me, me), None);
    }
}
