//! Where notifications may go: webhook addresses (https, or http to this machine) and email
//! addresses, and what members see of a webhook's address.

/// The longest a webhook address may be.
pub const URL_MAX: usize = 2048;

/// What project members see of a webhook's address: its scheme and host, with "/…" when it has
/// a path — Slack's and Teams' addresses carry their secret there.
pub fn shown_url(url: &str) -> String {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return "…".into();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let more = if tail.trim_matches('/').is_empty() { "" } else { "/…" };
    format!("{scheme}://{host}{more}")
}

/// Whether `url` may receive webhooks: `https://host…`, or `http://` to a loopback address
/// when `loopback_http`; no user or password in it (they would be shown in the list).
pub fn check_url(url: &str, loopback_http: bool) -> Result<(), String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("Enter the address to send to, like https://hooks.example.com/pilothouse.".into());
    }
    if url.len() > URL_MAX {
        return Err(format!("An address is at most {URL_MAX} characters."));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("An address cannot contain spaces or control characters.".into());
    }
    let (scheme, rest) = url.split_once("://").ok_or("An address starts with https://.")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("Put no user name or password in the address: it would show in the list.".into());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
    };
    if host.is_empty() {
        return Err("The address has no host.".into());
    }
    let loopback = host == "localhost" || host.starts_with("127.") || host == "::1";
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if loopback && loopback_http => Ok(()),
        "http" => Err("Use https:// (http:// only to a receiver on this machine).".into()),
        _ => Err("An address starts with https://.".into()),
    }
}

/// Whether `address` looks like an email address (`name@domain.tld`).
pub fn check_email(address: &str) -> Result<(), String> {
    let address = address.trim();
    let problem = || "Enter an email address like ops@example.com.".to_string();
    let (local, domain) = address.rsplit_once('@').ok_or_else(problem)?;
    let fine = !local.is_empty()
        && local.len() <= 64
        && address.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
    if fine { Ok(()) } else { Err(problem()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_must_be_https_but_for_a_local_receiver() {
        assert_eq!(check_url("https://hooks.slack.com/services/T/B/x", false), Ok(()));
        assert_eq!(shown_url("https://hooks.slack.com/services/T/B/x"), "https://hooks.slack.com/…");
        assert_eq!(shown_url("http://127.0.0.1:9000/hook?token=s"), "http://127.0.0.1:9000/…");
        assert_eq!(shown_url("https://hooks.example.com"), "https://hooks.example.com");
        assert_eq!(shown_url("https://hooks.example.com/"), "https://hooks.example.com");
        assert_eq!(shown_url("https://u:p@hooks.example.com?x"), "https://hooks.example.com/…");
        assert_eq!(check_url("http://127.0.0.1:9000/hook", true), Ok(()));
        assert_eq!(check_url("http://[::1]:9000/hook", true), Ok(()));
        assert!(check_url("http://127.0.0.1:9000/hook", false).is_err());
        assert!(check_url("http://hooks.example.com/x", true).unwrap_err().contains("https"));
        assert!(check_url("https://user:pw@hooks.example.com/x", false).unwrap_err().contains("password"));
        assert!(check_url("ftp://example.com", true).is_err());
        assert!(check_url("", true).is_err());
        assert!(check_url("https://exa mple.com", true).is_err());
        assert!(check_url("https:///path", true).is_err());
    }

    #[test]
    fn email_addresses_are_checked() {
        assert_eq!(check_email("ops@example.com"), Ok(()));
        for bad in ["ops", "@example.com", "ops@example", "ops@.com", "o ps@example.com", "a@b.c,"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
