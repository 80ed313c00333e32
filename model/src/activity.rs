//! The audit trail as pages show it: entries, the filters of the Activity page, and one page of
//! results.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::open_enum::open_enum;
use crate::operation::OperationKind;

/// How an audited action ended; the stored text matches the `CHECK` constraint of
/// `migrations/*/0001_operations_and_audit.sql`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Accepted and queued as an operation.
    Requested,
    Succeeded,
    Failed,
    /// Refused for want of a role.
    Denied,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Outcome::Requested, Outcome::Succeeded, Outcome::Failed, Outcome::Denied];

    /// The stored text.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Requested => "requested",
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Denied => "denied",
        }
    }

    /// The outcome stored as `text`.
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

open_enum! {
    /// What an audited action or an operation was done to.
    pub enum TargetKind {
        Cluster = "cluster",
        NodePool = "node_pool",
        Node = "node",
        Network = "network",
        Subnet = "subnet",
        Gateway = "gateway",
        Token = "token",
        Subscription = "subscription",
    }
}

impl TargetKind {
    /// Its name in words ("node pool").
    pub fn label(&self) -> String {
        self.as_wire().replace('_', " ")
    }
}

/// What was done, as the audit trail names it (`session.sign_in`, `operation.delete_cluster`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SignIn,
    SignOut,
    /// The session outlived its absolute lifetime.
    SessionExpired,
    /// The identity provider refused to refresh the session's tokens.
    SessionRefreshRefused,
    /// The session's groups were too old to trust and could not be read again.
    SessionGroupsExpired,
    /// The cluster's admin kubeconfig was downloaded.
    AdminKubeconfig,
    /// A kubeconfig for the user's own identity was downloaded.
    UserKubeconfig,
    /// An operation was asked for (or refused, or ended).
    Operation(OperationKind),
    CancelOperation,
    RetryOperation,
    /// Events left out by the throttle, counted.
    Suppressed,
    /// An API token was created.
    CreateToken,
    /// An API token was revoked.
    RevokeToken,
    /// A request came with a token that is unknown, expired, revoked or whose user's groups are
    /// too old to trust.
    TokenRefused,
    /// A notification subscription was added.
    SubscriptionCreate,
    /// A notification subscription was deleted.
    SubscriptionDelete,
    /// A test message was sent to a notification subscription.
    SubscriptionTest,
    /// An action written by another version of the console.
    Other(String),
}

impl AuditAction {
    const NAMED: [(AuditAction, &'static str); 16] = [
        (AuditAction::SignIn, "session.sign_in"),
        (AuditAction::SignOut, "session.sign_out"),
        (AuditAction::SessionExpired, "session.expired"),
        (AuditAction::SessionRefreshRefused, "session.refresh_refused"),
        (AuditAction::SessionGroupsExpired, "session.groups_expired"),
        (AuditAction::AdminKubeconfig, "kubeconfig.download"),
        (AuditAction::UserKubeconfig, "kubeconfig.download_user"),
        (AuditAction::CancelOperation, "operation.cancel"),
        (AuditAction::RetryOperation, "operation.retry"),
        (AuditAction::Suppressed, "audit.suppressed"),
        (AuditAction::CreateToken, "token.create"),
        (AuditAction::RevokeToken, "token.revoke"),
        (AuditAction::TokenRefused, "token.refused"),
        (AuditAction::SubscriptionCreate, "subscription.create"),
        (AuditAction::SubscriptionDelete, "subscription.delete"),
        (AuditAction::SubscriptionTest, "subscription.test"),
    ];

    /// The action stored as `text`.
    pub fn from_stored(text: &str) -> Self {
        if let Some((action, _)) = Self::NAMED.iter().find(|(_, name)| *name == text) {
            return action.clone();
        }
        let kind = text.strip_prefix("operation.").and_then(OperationKind::from_stored);
        kind.map_or_else(|| AuditAction::Other(text.to_string()), AuditAction::Operation)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditAction::Operation(kind) => write!(f, "operation.{}", kind.as_str()),
            AuditAction::Other(text) => f.write_str(text),
            named => {
                let name =
                    Self::NAMED.iter().find(|(action, _)| action == named).map_or("", |(_, name)| *name);
                f.write_str(name)
            }
        }
    }
}

crate::schema::string_schema!(
    AuditAction,
    "What was done: `session.sign_in`, `operation.create_cluster`, `token.create`, …"
);

impl Serialize for AuditAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AuditAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::from_stored(&String::deserialize(deserializer)?))
    }
}

/// One audit event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339.
    pub occurred_at: String,
    pub project_id: Option<String>,
    pub actor: String,
    pub actor_address: Option<String>,
    pub action: AuditAction,
    pub target_kind: Option<TargetKind>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub outcome: Outcome,
    pub operation_id: Option<String>,
}

/// What the Activity page filters on; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    fn actions_read_back_as_they_were_written() {
        let actions = [
            AuditAction::SignIn,
            AuditAction::UserKubeconfig,
            AuditAction::Operation(OperationKind::DeleteNodePool),
            AuditAction::RetryOperation,
            AuditAction::Suppressed,
            AuditAction::Other("cluster.archive".into()),
        ];
        for action in actions {
            assert_eq!(AuditAction::from_stored(&action.to_string()), action);
        }
        assert_eq!(
            AuditAction::Operation(OperationKind::DeleteCluster).to_string(),
            "operation.delete_cluster"
        );
        assert_eq!(serde_json::to_string(&AuditAction::SignOut).unwrap(), "\"session.sign_out\"");
    }

    #[test]
    fn outcomes_match_the_schema() {
        let schema = include_str!("../../migrations/sqlite/0001_operations_and_audit.sql");
        for outcome in Outcome::ALL {
            assert!(schema.contains(&format!("'{}'", outcome.as_str())), "{outcome:?}");
            assert_eq!(Outcome::from_stored(outcome.as_str()), Some(outcome));
            assert_eq!(serde_json::to_string(&outcome).unwrap(), format!("\"{}\"", outcome.as_str()));
        }
    }

    #[test]
    fn pages_round_up() {
        let page = ActivityPage { entries: vec![], total: 101, page: 1 };
        assert_eq!(page.pages(), 3);
        assert_eq!(ActivityPage::default().pages(), 1);
    }
}
