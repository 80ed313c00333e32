//! Sending one delivery: a signed webhook in the subscription's format, or an email through the
//! configured SMTP server.

use std::time::Duration;

use chrono::Utc;
use lettre::message::Mailbox;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use model::notification::{Notification, WebhookFormat};
use serde_json::{Value, json};

use super::crypto::signature;

/// How long a receiver may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// How an attempt ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The HTTP status, or the SMTP reply code.
    pub status: Option<u16>,
    /// Why it failed, in words safe to show; `None` when delivered.
    pub error: Option<String>,
    /// Whether trying again may help (5xx, 429, timeouts, refused connections).
    pub retryable: bool,
}

impl Attempt {
    fn delivered(status: u16) -> Self {
        Self { status: Some(status), error: None, retryable: false }
    }
}

/// The body a webhook of `format` sends.
pub fn webhook_body(message: &Notification, format: WebhookFormat) -> Value {
    match format {
        WebhookFormat::Json => serde_json::to_value(message).unwrap_or_default(),
        WebhookFormat::Slack => {
            let link =
                message.link.as_ref().map(|l| format!("\n<{l}|Open in Pilothouse>")).unwrap_or_default();
            json!({ "text": format!("*{}*\n{}{link}", message.title, message.text) })
        }
        WebhookFormat::Teams => {
            let mut card = json!({
                "@type": "MessageCard",
                "@context": "https://schema.org/extensions",
                "summary": message.title,
                "title": message.title,
                "text": message.text,
            });
            if let Some(link) = &message.link {
                card["potentialAction"] = json!([{
                    "@type": "OpenUri",
                    "name": "Open in Pilothouse",
                    "targets": [{ "os": "default", "uri": link }],
                }]);
            }
            card
        }
    }
}

/// POSTs `message` to `url`, signed with `key`.
pub async fn webhook(
    client: &reqwest::Client,
    url: &str,
    format: WebhookFormat,
    key: &str,
    message: &Notification,
) -> Attempt {
    let body = serde_json::to_vec(&webhook_body(message, format)).unwrap_or_default();
    let timestamp = Utc::now().timestamp();
    let sent = client
        .post(url)
        .timeout(TIMEOUT)
        .header("content-type", "application/json")
        .header("user-agent", concat!("Pilothouse/", env!("CARGO_PKG_VERSION")))
        .header("pilothouse-delivery", &message.id)
        .header("pilothouse-event", message.event.key())
        .header("pilothouse-timestamp", timestamp.to_string())
        .header("pilothouse-signature", signature(key, timestamp, &body))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(answer) if answer.status().is_success() => Attempt::delivered(answer.status().as_u16()),
        Ok(answer) => {
            let status = answer.status();
            Attempt {
                status: Some(status.as_u16()),
                error: Some(format!("The receiver answered {status}.")),
                retryable: status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408,
            }
        }
        Err(error) if error.is_timeout() => Attempt {
            status: None,
            error: Some(format!("The receiver did not answer within {} s.", TIMEOUT.as_secs())),
            retryable: true,
        },
        Err(_) => Attempt {
            status: None,
            error: Some("The receiver could not be reached.".into()),
            retryable: true,
        },
    }
}

/// Sends email through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `url` sending as `from`: `smtps://` (TLS), `smtp://…?tls=required`
    /// (STARTTLS), or plain `smtp://host:port` — refused with a user or password in it, which
    /// would cross the network in the clear.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let plain =
            url.starts_with("smtp://") && !url.contains("tls=required") && !url.contains("tls=opportunistic");
        if plain && url.contains('@') {
            return Err("PILOTHOUSE_SMTP_URL sends a password without TLS: add ?tls=required (STARTTLS) or use smtps://".into());
        }
        // The URL may hold a password: errors name neither.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| {
                "PILOTHOUSE_SMTP_URL is not an SMTP URL like smtp://user:password@host:587".to_string()
            })?
            .timeout(Some(TIMEOUT))
            .build();
        let from =
            from.parse().map_err(|_| format!("PILOTHOUSE_SMTP_FROM is not an email address: {from}"))?;
        Ok(Self { transport, from })
    }

    /// Sends `message` to `to`.
    pub async fn send(&self, to: &str, message: &Notification) -> Attempt {
        let Ok(to) = to.parse::<Mailbox>() else {
            return Attempt { status: None, error: Some("Not an email address.".into()), retryable: false };
        };
        let link = message.link.as_ref().map(|l| format!("\n\nOpen in Pilothouse: {l}")).unwrap_or_default();
        let body = format!(
            "{}\n\nProject: {}\nEvent: {}\nWhen: {}\nDelivery: {}{link}\n",
            message.text,
            message.project_id,
            message.event.key(),
            message.occurred_at,
            message.id
        );
        let delivery =
            HeaderValue::new(HeaderName::new_from_ascii_str("Pilothouse-Delivery"), message.id.clone());
        let built = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("[Pilothouse] {}", message.title))
            .raw_header(delivery)
            .body(body);
        let Ok(email) = built else {
            return Attempt {
                status: None,
                error: Some("The email could not be written.".into()),
                retryable: false,
            };
        };
        match self.transport.send(email).await {
            Ok(answer) => Attempt::delivered(u16::from(answer.code())),
            Err(error) => {
                let status = error.status().map(u16::from);
                Attempt {
                    status,
                    error: Some(match status {
                        Some(code) => format!("The mail server refused ({code})."),
                        None => "The mail server could not be reached.".into(),
                    }),
                    retryable: !error.is_permanent(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use model::notification::EventKind;

    use super::*;

    fn message() -> Notification {
        Notification {
            id: "d-1".into(),
            event: EventKind::OperationFailed,
            project_id: "default".into(),
            cluster_id: Some("c-1".into()),
            cluster_name: Some("web".into()),
            title: "Scaling pool general of web failed".into(),
            text: "The provider refused: quota exceeded.".into(),
            occurred_at: "2026-12-01T10:00:00Z".into(),
            link: Some("https://console.example.com/clusters/c-1?project=default".into()),
        }
    }

    #[test]
    fn bodies_for_each_format() {
        let message = message();
        let json = webhook_body(&message, WebhookFormat::Json);
        assert_eq!(json["event"], "operation-failed");
        assert_eq!(json["id"], "d-1");
        let slack = webhook_body(&message, WebhookFormat::Slack);
        let text = slack["text"].as_str().unwrap();
        assert!(text.starts_with("*Scaling pool general of web failed*\n"), "{text}");
        assert!(text.ends_with("|Open in Pilothouse>"), "{text}");
        let teams = webhook_body(&message, WebhookFormat::Teams);
        assert_eq!(teams["@type"], "MessageCard");
        assert_eq!(teams["potentialAction"][0]["targets"][0]["uri"], message.link.clone().unwrap());
    }

    #[test]
    fn smtp_settings_are_checked_without_showing_them() {
        let bad = Mailer::new("mailto:someone", "a@b.co").unwrap_err();
        assert!(!bad.contains("someone"), "{bad}");
        assert!(Mailer::new("smtp://127.0.0.1:2525", "not an address").is_err());
        assert!(Mailer::new("smtp://127.0.0.1:2525", "Pilothouse <p@example.com>").is_ok());
        let clear = Mailer::new("smtp://user:pw@mail.example.com:587", "p@example.com").unwrap_err();
        assert!(clear.contains("without TLS") && !clear.contains("pw"), "{clear}");
        assert!(Mailer::new("smtp://user:pw@mail.example.com:587?tls=required", "p@example.com").is_ok());
        assert!(Mailer::new("smtps://user:pw@mail.example.com", "p@example.com").is_ok());
    }
}
