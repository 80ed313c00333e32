//! The audit trail as pages show it: entries, the filters of the Activity page, and one page of
//! results.

use serde::{Deserialize, Serialize};

/// One audit event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339.
    pub occurred_at: String,
    pub project_id: Option<String>,
    pub actor: String,
    pub actor_address: Option<String>,
    /// `session.sign_in`, `operation.delete_cluster`, `kubeconfig.download`, …
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    /// `requested`, `succeeded`, `failed` or `denied`.
    pub outcome: String,
    pub operation_id: Option<String>,
}

/// What the Activity page filters on; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFilter {
    /// The actor's username, exactly.
    pub actor: Option<String>,
    /// An action or the start of one (`session.`).
    pub action: Option<String>,
    /// A cluster's id or name.
    pub cluster: Option<String>,
    /// Dates or times (`2026-11-27` or RFC 3339); `until` is inclusive of its whole day.
    pub since: Option<String>,
    pub until: Option<String>,
    pub outcome: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
}

/// Entries per page.
pub const PAGE_SIZE: u32 = 50;

/// One page of entries, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityPage {
    pub entries: Vec<AuditEntry>,
    /// Entries matching the filter, all pages together.
    pub total: u64,
    pub page: u32,
}

impl ActivityPage {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(PAGE_SIZE)) as u32).max(1)
    }
}

impl ActivityFilter {
    /// The filter as a query string (without `?`), for links and exports.
    pub fn to_query(&self) -> String {
        let fields = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("cluster", &self.cluster),
            ("since", &self.since),
            ("until", &self.until),
            ("outcome", &self.outcome),
        ];
        let mut parts: Vec<String> = fields
            .iter()
            .filter_map(|(name, value)| {
                value.as_ref().filter(|v| !v.is_empty()).map(|v| format!("{name}={}", encode_query_value(v)))
            })
            .collect();
        if let Some(page) = self.page.filter(|p| *p > 1) {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

/// `text` as a URL query value: everything but unreserved characters and `/`, `:` percent-encoded
/// (so `+` and `&` in a value survive).
pub fn encode_query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b':' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_becomes_a_query_string() {
        let filter = ActivityFilter {
            actor: Some("alice".into()),
            action: Some("session.".into()),
            since: Some("2026-11-27T10:00:00+01:00".into()),
            page: Some(2),
            ..Default::default()
        };
        assert_eq!(filter.to_query(), "actor=alice&action=session.&since=2026-11-27T10:00:00%2B01:00&page=2");
        assert_eq!(ActivityFilter::default().to_query(), "");
    }

    #[test]
    fn pages_round_up() {
        let page = ActivityPage { entries: vec![], total: 101, page: 1 };
        assert_eq!(page.pages(), 3);
        assert_eq!(ActivityPage::default().pages(), 1);
    }
}
