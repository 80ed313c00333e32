//! Notifications end to end: a failed operation in the emulator (fault injection) reaches a
//! local webhook receiver, signed, retried after 500s, once per delivery id; the inbox and the
//! bell count it; "send test" and the delivery log; an email reaches a local SMTP server
//! (PyPI aiosmtpd).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::api::port::Caller;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use emulator::fault::Fault;
use model::access::{Membership, Role, User};
use model::id::{ClusterId, ProjectId};
use model::notification::{
    Channel, DeliveryState, DeliveryView, EventKind, SubscriptionForm, Thresholds, WebhookFormat,
};
use server::config::Settings;
use server::notifications::Notifier;
use server::notifications::crypto::Keyring;
use server::notifications::deliver::Mailer;

use crate::catalog::{quick, with_catalog};
use crate::cloud::{Cloud, PROJECT, alice, pool, runner};
use crate::helpers::TestApp;

/// What the receiver was sent: headers and body of each request.
type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A webhook receiver on a loopback port answering 500 to the first `failures` requests, 200
/// after; its address and what it received.
async fn receiver(failures: usize) -> (String, Received) {
    let received: Received = Arc::default();
    let seen = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let mut seen = seen.lock().unwrap();
                seen.push((headers, body));
                if seen.len() <= failures { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/hook"), received)
}

/// The console over `cloud`, its notifier retrying after 50 ms (doubling) and sending email
/// through `smtp` when given, its catalog running.
async fn console(cloud: &Cloud, data: &std::path::Path, smtp: Option<&str>) -> TestApp {
    let settings = Settings::load_from(["pilothouse"], |_| None).unwrap();
    let mut app = TestApp::with_settings(settings, cloud.projects()).await;
    let mailer = smtp.map(|url| Mailer::new(url, "Pilothouse <pilothouse@example.com>").unwrap());
    let notifier = Notifier::new(
        Keyring::new(None, data),
        mailer,
        Duration::from_millis(50),
        Some("https://console.example.com".into()),
        true,
    );
    app.state.services.notifier = Arc::new(notifier);
    with_catalog(&mut app, quick());
    app
}

fn admin() -> Caller {
    let membership =
        Membership { project_id: PROJECT.into(), project_name: "Test".into(), role: Role::Admin };
    let user = User {
        username: "alice".into(),
        groups: vec![],
        local_mode: false,
        memberships: vec![membership],
        via_token: None,
    };
    Caller { user, address: None }
}

fn form(name: &str, channel: Channel, events: Vec<EventKind>) -> SubscriptionForm {
    SubscriptionForm { name: name.into(), channel, events, thresholds: Thresholds::default() }
}

/// Runs the notifier as the server does (looking every 100 ms, sending every 50 ms) until
/// dropped.
struct Running(tokio::task::JoinHandle<()>);

impl Running {
    fn start(app: &TestApp) -> Self {
        let notifier = app.state.services.notifier.clone();
        let task = notifier.run(
            app.db.clone(),
            app.projects.clone(),
            app.state.services.catalog.clone(),
            Duration::from_millis(100),
            Duration::from_millis(50),
        );
        Self(tokio::spawn(task))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Waits up to 20 s for `ready`.
async fn until<T>(what: &str, mut ready: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = ready().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "waited too long for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn deliveries(app: &TestApp, name: &str) -> Vec<DeliveryView> {
    let view = app.state.backend.notifications(&admin()).await.unwrap();
    let project = view.projects.into_iter().find(|p| p.project_id == PROJECT).unwrap();
    project.subscriptions.into_iter().find(|s| s.name == name).map(|s| s.deliveries).unwrap_or_default()
}

/// The documented scheme: `v1=` and hex HMAC-SHA256(key, "<timestamp>.<body>").
fn verifies(key: &str, headers: &HeaderMap, body: &str) -> bool {
    let timestamp = headers["pilothouse-timestamp"].to_str().unwrap();
    let signature = headers["pilothouse-signature"].to_str().unwrap();
    let Some(hex_mac) = signature.strip_prefix("v1=") else { return false };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes());
    let signed = format!("{timestamp}.{body}");
    ring::hmac::verify(&key, signed.as_bytes(), &hex::decode(hex_mac).unwrap()).is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_operation_reaches_a_signed_webhook_once_after_retries() {
    let data = tempfile::tempdir().unwrap();
    let cloud = Cloud::start().await;
    let app = console(&cloud, data.path(), None).await;
    let project = ProjectId::parse(PROJECT).unwrap();
    let (url, received) = receiver(2).await;
    let backend = &app.state.backend;

    // Field errors, nothing kept.
    let bad = form("", Channel::Webhook { url: "ftp://x".into(), format: WebhookFormat::Json }, vec![]);
    let refused = backend.create_subscription(&admin(), &project, &bad).await.unwrap_err();
    let app::error::AppError::Invalid { errors } = refused else { panic!("{refused:?}") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "url", "events"]);
    let email =
        form("mail", Channel::Email { address: "ops@example.com".into() }, vec![EventKind::OperationFailed]);
    let no_smtp = backend.create_subscription(&admin(), &project, &email).await.unwrap_err();
    assert!(format!("{no_smtp:?}").contains("SMTP"), "{no_smtp:?}");

    let events = vec![EventKind::OperationFailed, EventKind::ClusterCreated];
    let hook = Channel::Webhook { url: url.clone(), format: WebhookFormat::Json };
    let created =
        backend.create_subscription(&admin(), &project, &form("ops", hook.clone(), events)).await.unwrap();
    let key = created.signing_key.expect("a webhook's signing key, shown once");
    assert!(key.starts_with("whsec_"));
    assert_eq!(created.subscription.key_hint.as_deref(), Some(&key[key.len() - 4..]));
    let twice =
        backend.create_subscription(&admin(), &project, &form("ops", hook, vec![EventKind::Test])).await;
    assert!(format!("{:?}", twice.unwrap_err()).contains("already has a subscription named ops"));
    // The key is stored encrypted, never in the clear.
    let stored: String =
        crate::helpers::scalar(&app, "SELECT signing_key FROM notification_subscriptions").await;
    assert!(stored.starts_with("v1:") && !stored.contains(&key[6..]), "{stored}");
    // So is the address (its path may be a Slack or Teams secret); members see its host only.
    let target: String = crate::helpers::scalar(&app, "SELECT target FROM notification_subscriptions").await;
    assert!(target.starts_with("v1:") && !target.contains("/hook"), "{target}");
    let host = url.trim_end_matches("/hook");
    let Channel::Webhook { url: shown, .. } = &created.subscription.channel else { panic!() };
    assert_eq!(shown, &format!("{host}/…"));
    let listed = backend.notifications(&admin()).await.unwrap().projects;
    assert!(!format!("{listed:?}").contains("/hook") && format!("{listed:?}").contains(host), "{listed:?}");

    // A cluster, then a rename the provider refuses (fault injection): the operation fails.
    let services = app.services();
    let cluster = cloud
        .client
        .create_cluster(
            crate::cloud::SERVICE,
            &provider::api::ClusterCreation {
                name: Some("web".into()),
                region: "GRA11".into(),
                nodepools: Some(vec![(&pool("general", 1)).into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    cloud.advance(3600);
    cloud.set_faults(vec![Fault {
        path_contains: format!("/kube/{cluster}"),
        method: Some("PUT".into()),
        rate: 1.0,
        status: Some(403),
        latency_ms: 0,
    }]);
    services.rename_cluster(PROJECT, &alice(), &ClusterId::new(&cluster), "webby", None).await.unwrap();
    runner(&app, "r1").run_once(Utc::now()).await.unwrap();
    let _running = Running::start(&app);

    // Two 500s, then 200: three attempts of one delivery, each signed.
    let attempts = until("three attempts", async || {
        let seen = received.lock().unwrap().clone();
        (seen.len() >= 3).then_some(seen)
    })
    .await;
    let ids: Vec<&str> = attempts.iter().map(|(h, _)| h["pilothouse-delivery"].to_str().unwrap()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one delivery id on every retry: {ids:?}");
    for (headers, body) in &attempts {
        assert!(verifies(&key, headers, body), "signature of {body}");
        assert!(!verifies("whsec_other", headers, body));
        assert_eq!(headers["pilothouse-event"], "operation-failed");
    }
    let message: serde_json::Value = serde_json::from_str(&attempts[2].1).unwrap();
    assert_eq!(message["event"], "operation-failed");
    assert_eq!(message["id"], ids[0]);
    assert_eq!(message["clusterId"], cluster.as_str());
    assert!(message["title"].as_str().unwrap().starts_with("Rename cluster"), "{message}");
    assert_eq!(message["link"], format!("https://console.example.com/clusters/{cluster}?project={PROJECT}"));

    // The log says so; looking again sends nothing more.
    let log = until("the delivery logged", async || {
        let log = deliveries(&app, "ops").await;
        log.first().filter(|d| d.state == DeliveryState::Delivered).map(|_| log.clone())
    })
    .await;
    assert_eq!((log.len(), log[0].attempts, log[0].last_status), (1, 3, Some(200)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received.lock().unwrap().len(), 3, "sent once");

    // The inbox has it, unread; the bell counts it until it is read.
    let view = backend.notifications(&admin()).await.unwrap();
    let failed = view.inbox.iter().find(|e| e.notification.event == EventKind::OperationFailed).unwrap();
    assert!(failed.unread);
    assert!(backend.unread_notifications(&admin()).await.unwrap() >= 1);
    backend.mark_notifications_read(&admin()).await.unwrap();
    let view = backend.notifications(&admin()).await.unwrap();
    let read = view.inbox.iter().find(|e| e.notification.event == EventKind::OperationFailed).unwrap();
    assert!(!read.unread);

    // "Send test": delivered, in the log.
    let ops = created.subscription.id.clone();
    let test = backend.test_subscription(&admin(), &project, &ops).await.unwrap();
    until("the test delivered", async || {
        let log = deliveries(&app, "ops").await;
        log.iter().find(|d| d.id == test && d.state == DeliveryState::Delivered).map(|_| ())
    })
    .await;
    let last = received.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.0["pilothouse-event"], "test");

    // Viewers may not manage subscriptions; deleting is audited.
    let mut viewer = admin();
    viewer.user.memberships[0].role = Role::Viewer;
    assert!(backend.test_subscription(&viewer, &project, &ops).await.is_err());
    backend.delete_subscription(&admin(), &project, &ops).await.unwrap();
    let audited =
        "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'subscription.%' AND outcome = 'succeeded'";
    assert_eq!(crate::helpers::count(&app, audited).await, 3, "created, tested, deleted");
    let refused =
        "SELECT COUNT(*) FROM audit_events WHERE action = 'subscription.test' AND outcome = 'denied'";
    assert_eq!(crate::helpers::count(&app, refused).await, 1, "the viewer's refused test");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_reaches_the_smtp_server() {
    let data = tempfile::tempdir().unwrap();
    let maildir = data.path().join("mail");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut smtp = tokio::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .kill_on_drop(true)
        .spawn()
        .expect("PyPI aiosmtpd (scripts/install-tools installs it)");
    until("the SMTP server", async || tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok()).await;

    let cloud = Cloud::start().await;
    let app = console(&cloud, data.path(), Some(&format!("smtp://127.0.0.1:{port}"))).await;
    let project = ProjectId::parse(PROJECT).unwrap();
    let backend = &app.state.backend;
    let bad = form("mail", Channel::Email { address: "ops".into() }, vec![EventKind::OperationFailed]);
    assert!(
        format!("{:?}", backend.create_subscription(&admin(), &project, &bad).await.unwrap_err())
            .contains("email")
    );
    let email =
        form("mail", Channel::Email { address: "ops@example.com".into() }, vec![EventKind::OperationFailed]);
    let created = backend.create_subscription(&admin(), &project, &email).await.unwrap();
    assert_eq!(created.signing_key, None);
    let delivery = backend.test_subscription(&admin(), &project, &created.subscription.id).await.unwrap();
    let _running = Running::start(&app);

    let mail = until("the email", async || {
        let dir = maildir.join("new");
        let file = std::fs::read_dir(&dir).ok()?.flatten().next()?;
        std::fs::read_to_string(file.path()).ok()
    })
    .await;
    assert!(mail.contains("Subject: [Pilothouse] Test message for \"mail\""), "{mail}");
    assert!(mail.contains("To: ops@example.com"), "{mail}");
    assert!(mail.contains(&format!("Pilothouse-Delivery: {delivery}")), "{mail}");
    let log = until("the delivery logged", async || {
        let log = deliveries(&app, "mail").await;
        log.first().filter(|d| d.state == DeliveryState::Delivered).map(|_| log.clone())
    })
    .await;
    assert_eq!(log[0].last_status, Some(250));
    smtp.kill().await.unwrap();
}
