//! Notifications: the events a project's admins subscribe to, where they are sent (a webhook in
//! one of three formats, or an email address), the messages themselves, and what the pages show
//! of subscriptions and their deliveries.

use serde::{Deserialize, Serialize};

use crate::validation::FieldErrors;

mod address;
pub use address::{URL_MAX, check_email, check_url, shown_url};

/// The longest a subscription's name may be.
pub const NAME_MAX: usize = 64;

/// Something that happened that a subscription can ask to be told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    OperationFailed,
    OperationSucceeded,
    ClusterCreated,
    ClusterDeleted,
    NewVersion,
    EndOfLife,
    NodeNotReady,
    NodeAutoHealed,
    EtcdHigh,
    /// "Send test": only ever sent on request.
    Test,
}

impl EventKind {
    /// Those a subscription can choose.
    pub const CHOOSABLE: [EventKind; 9] = [
        EventKind::OperationFailed,
        EventKind::OperationSucceeded,
        EventKind::ClusterCreated,
        EventKind::ClusterDeleted,
        EventKind::NewVersion,
        EventKind::EndOfLife,
        EventKind::NodeNotReady,
        EventKind::NodeAutoHealed,
        EventKind::EtcdHigh,
    ];

    /// The name in messages' `event` field and in the `Pilothouse-Event` header.
    pub const fn key(self) -> &'static str {
        match self {
            EventKind::OperationFailed => "operation-failed",
            EventKind::OperationSucceeded => "operation-succeeded",
            EventKind::ClusterCreated => "cluster-created",
            EventKind::ClusterDeleted => "cluster-deleted",
            EventKind::NewVersion => "new-version",
            EventKind::EndOfLife => "end-of-life",
            EventKind::NodeNotReady => "node-not-ready",
            EventKind::NodeAutoHealed => "node-auto-healed",
            EventKind::EtcdHigh => "etcd-high",
            EventKind::Test => "test",
        }
    }

    pub fn from_key(key: &str) -> Option<EventKind> {
        EventKind::CHOOSABLE.into_iter().chain([EventKind::Test]).find(|e| e.key() == key)
    }

    pub const fn label(self) -> &'static str {
        match self {
            EventKind::OperationFailed => "An operation failed",
            EventKind::OperationSucceeded => "An operation succeeded",
            EventKind::ClusterCreated => "A cluster was created",
            EventKind::ClusterDeleted => "A cluster was deleted",
            EventKind::NewVersion => "A new Kubernetes version is available for a cluster",
            EventKind::EndOfLife => "A cluster's version reaches its end of life within the days set",
            EventKind::NodeNotReady => "A node has been not ready for the minutes set",
            EventKind::NodeAutoHealed => "A node was auto-healed",
            EventKind::EtcdHigh => "etcd is above the share of its quota set",
            EventKind::Test => "Test message",
        }
    }
}

/// How a webhook's body is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum WebhookFormat {
    /// The [`Notification`] as JSON.
    #[default]
    Json,
    /// Slack's incoming webhooks (`{"text": …}`).
    Slack,
    /// Microsoft Teams' incoming webhooks (a `MessageCard`).
    Teams,
}

impl WebhookFormat {
    pub const ALL: [WebhookFormat; 3] = [WebhookFormat::Json, WebhookFormat::Slack, WebhookFormat::Teams];

    pub const fn key(self) -> &'static str {
        match self {
            WebhookFormat::Json => "json",
            WebhookFormat::Slack => "slack",
            WebhookFormat::Teams => "teams",
        }
    }

    pub fn from_key(key: &str) -> Option<WebhookFormat> {
        WebhookFormat::ALL.into_iter().find(|f| f.key() == key)
    }

    pub const fn label(self) -> &'static str {
        match self {
            WebhookFormat::Json => "JSON (signed)",
            WebhookFormat::Slack => "Slack incoming webhook",
            WebhookFormat::Teams => "Microsoft Teams incoming webhook",
        }
    }
}

/// Where a subscription sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Channel {
    Webhook { url: String, format: WebhookFormat },
    Email { address: String },
}

impl Channel {
    /// "Webhook https://hooks.example.com/…", "Email ops@example.com".
    pub fn describe(&self) -> String {
        match self {
            Channel::Webhook { url, format } => format!("{} to {url}", format.label()),
            Channel::Email { address } => format!("Email to {address}"),
        }
    }
}

/// The limits thresholded events use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    /// Tell when a version's end of life is this many days away or less.
    pub end_of_life_days: u32,
    /// Tell when a node has been not ready this many minutes.
    pub node_not_ready_minutes: u32,
    /// Tell when etcd holds more than this share of its quota, in percent.
    pub etcd_percent: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { end_of_life_days: 30, node_not_ready_minutes: 5, etcd_percent: 80 }
    }
}

/// A subscription as an admin asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionForm {
    pub name: String,
    pub channel: Channel,
    pub events: Vec<EventKind>,
    pub thresholds: Thresholds,
}

impl SubscriptionForm {
    /// The form's problems, each at its field. `loopback_http` allows `http://` to a loopback
    /// address (a receiver on the console's own machine); every other webhook must be https.
    pub fn check(&self, loopback_http: bool) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", "Give the subscription a name, so you can tell it apart later.");
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", format!("A subscription's name is at most {NAME_MAX} characters."));
        } else if name.chars().any(char::is_control) {
            errors.add("name", "A subscription's name cannot contain control characters.");
        }
        match &self.channel {
            Channel::Webhook { url, .. } => {
                if let Err(problem) = check_url(url, loopback_http) {
                    errors.add("url", problem);
                }
            }
            Channel::Email { address } => {
                if let Err(problem) = check_email(address) {
                    errors.add("email", problem);
                }
            }
        }
        if self.events.is_empty() {
            errors.add("events", "Choose at least one event.");
        } else if self.events.contains(&EventKind::Test) {
            errors.add("events", "Test messages are sent with \"Send test\", not subscribed to.");
        }
        let t = self.thresholds;
        if !(1..=365).contains(&t.end_of_life_days) {
            errors.add("endOfLifeDays", "Between 1 and 365 days.");
        }
        if !(1..=1440).contains(&t.node_not_ready_minutes) {
            errors.add("nodeNotReadyMinutes", "Between 1 and 1,440 minutes (a day).");
        }
        if !(1..=100).contains(&t.etcd_percent) {
            errors.add("etcdPercent", "Between 1 and 100 percent.");
        }
        errors
    }
}

/// What happened, as every channel sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The delivery's id: the same on every retry of one message, for deduplication.
    pub id: String,
    pub event: EventKind,
    pub project_id: String,
    pub cluster_id: Option<String>,
    pub cluster_name: Option<String>,
    /// One line.
    pub title: String,
    /// The details.
    pub text: String,
    /// RFC 3339.
    pub occurred_at: String,
    /// Where to look in the console, when known.
    pub link: Option<String>,
}

/// A subscription as lists show it (never its signing key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// Where it sends; a webhook's address only as [`shown_url`] (its path may be a secret).
    pub channel: Channel,
    pub events: Vec<EventKind>,
    pub thresholds: Thresholds,
    pub created_by: String,
    pub created_at: String,
    /// The last characters of the webhook's signing key, to tell keys apart.
    pub key_hint: Option<String>,
    /// The newest deliveries first.
    pub deliveries: Vec<DeliveryView>,
}

/// A subscription just created: its signing key, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedSubscription {
    pub subscription: SubscriptionView,
    /// For webhooks: the key signatures are made with.
    pub signing_key: Option<String>,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryState {
    /// Not sent yet, or to be tried again.
    Pending,
    Delivered,
    /// Given up after the last attempt.
    Failed,
}

impl DeliveryState {
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> DeliveryState {
        match text {
            "delivered" => DeliveryState::Delivered,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        }
    }
}

/// One message to one subscription, with its attempts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    pub id: String,
    pub event: EventKind,
    pub title: String,
    pub state: DeliveryState,
    pub attempts: u32,
    /// The receiver's last HTTP status (webhooks) or SMTP reply code (email).
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<String>,
}

/// The notifications page: the caller's inbox and, per project they administer, the
/// subscriptions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationsView {
    pub inbox: Vec<InboxEntry>,
    pub unread: u32,
    pub projects: Vec<ProjectSubscriptions>,
    /// Whether email can be sent (SMTP is configured).
    pub email_available: bool,
}

/// One notification in the in-console inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InboxEntry {
    pub notification: Notification,
    pub project_name: String,
    pub unread: bool,
}

/// A project's subscriptions, for the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProjectSubscriptions {
    pub project_id: String,
    pub project_name: String,
    /// Whether the caller may add, test and delete subscriptions here (admins).
    pub may_manage: bool,
    pub subscriptions: Vec<SubscriptionView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(channel: Channel) -> SubscriptionForm {
        SubscriptionForm {
            name: "ops".into(),
            channel,
            events: vec![EventKind::OperationFailed],
            thresholds: Thresholds::default(),
        }
    }

    fn fields(errors: &FieldErrors) -> Vec<String> {
        errors.iter().map(|e| e.field.clone()).collect()
    }

    #[test]
    fn every_problem_is_at_its_field() {
        let mut bad =
            form(Channel::Webhook { url: "http://hooks.example.com".into(), format: WebhookFormat::Json });
        bad.name = " ".into();
        bad.events.clear();
        bad.thresholds = Thresholds { end_of_life_days: 0, node_not_ready_minutes: 2000, etcd_percent: 101 };
        assert_eq!(
            fields(&bad.check(true)),
            ["name", "url", "events", "endOfLifeDays", "nodeNotReadyMinutes", "etcdPercent"]
        );
        let email = form(Channel::Email { address: "nobody".into() });
        assert_eq!(fields(&email.check(true)), ["email"]);
        let test = SubscriptionForm {
            events: vec![EventKind::Test],
            ..form(Channel::Email { address: "a@b.co".into() })
        };
        assert_eq!(fields(&test.check(true)), ["events"]);
        assert!(form(Channel::Email { address: "ops@example.com".into() }).check(false).is_empty());
    }

    #[test]
    fn keys_read_back() {
        assert_eq!(EventKind::from_key("etcd-high"), Some(EventKind::EtcdHigh));
        assert_eq!(EventKind::from_key("test"), Some(EventKind::Test));
        assert_eq!(WebhookFormat::from_key("teams"), Some(WebhookFormat::Teams));
    }
}
