//! The notifications page and the bell: the caller's inbox (their projects' notifications),
//! and the subscriptions admins add, test and delete — each change audited.

use app::api::port::{Caller, Notifications};
use app::error::AppError;
use async_trait::async_trait;
use chrono::Utc;
use model::access::Role;
use model::activity::{AuditAction, Outcome, TargetKind};
use model::id::ProjectId;
use model::notification::{
    Channel, CreatedSubscription, InboxEntry, NotificationsView, ProjectSubscriptions, SubscriptionForm,
    shown_url,
};

use super::{ConsoleBackend, internal};
use crate::audit::{self, AuditEvent};
use crate::notifications::crypto::new_signing_key;
use crate::notifications::store::{self, Subscription};
use crate::services::ServiceError;

/// Most notifications the inbox lists.
const INBOX_SIZE: i64 = 50;
/// Most deliveries listed per subscription.
const DELIVERY_LOG: i64 = 20;

impl ConsoleBackend {
    fn member_projects(caller: &Caller) -> Vec<String> {
        caller.user.memberships.iter().map(|m| m.project_id.clone()).collect()
    }

    async fn audit_subscription(
        &self,
        caller: &Caller,
        project: &str,
        action: AuditAction,
        id: &str,
        name: &str,
    ) -> Result<(), AppError> {
        let event = AuditEvent {
            project_id: Some(project.to_string()),
            actor: caller.user.actor(),
            actor_address: caller.address.clone(),
            action,
            target_kind: Some(TargetKind::Subscription),
            target_id: Some(id.to_string()),
            target_name: Some(name.to_string()),
            outcome: Outcome::Succeeded,
            operation_id: None,
        };
        audit::record(&self.db, &event, Utc::now()).await.map_err(|e| internal(&e))
    }

    /// Refuses, and audits, a caller who is not an admin of `project`.
    async fn require_admin(
        &self,
        caller: &Caller,
        project: &ProjectId,
        action: AuditAction,
        target: Option<&str>,
    ) -> Result<(), AppError> {
        self.require_on(caller, project.as_str(), Role::Admin, action, TargetKind::Subscription, target).await
    }

    async fn subscription_of(&self, project: &str, id: &str) -> Result<Subscription, AppError> {
        store::subscription_by_id(&self.db, project, id)
            .await
            .map_err(|e| internal(&e))?
            .ok_or_else(|| AppError::from(ServiceError::NotFound("subscription".into())))
    }
}

#[async_trait]
impl Notifications for ConsoleBackend {
    async fn notifications(&self, caller: &Caller) -> Result<NotificationsView, AppError> {
        let projects = Self::member_projects(caller);
        let read_at = store::read_at(&self.db, &caller.user.username).await.map_err(|e| internal(&e))?;
        let inbox = store::inbox(&self.db, &projects, INBOX_SIZE).await.map_err(|e| internal(&e))?;
        let unread = store::count_since(&self.db, &projects, read_at).await.map_err(|e| internal(&e))?;
        let name_of = |id: &str| {
            caller
                .user
                .memberships
                .iter()
                .find(|m| m.project_id == id)
                .map(|m| m.project_name.clone())
                .unwrap_or_default()
        };
        let notifier = &self.services.notifier;
        let inbox = inbox
            .into_iter()
            .map(|mut notification| {
                let occurred = chrono::DateTime::parse_from_rfc3339(&notification.occurred_at).ok();
                let unread = match (read_at, occurred) {
                    (Some(read), Some(at)) => at > read,
                    _ => true,
                };
                notification.link = notifier
                    .public_url
                    .as_ref()
                    .zip(notification.cluster_id.as_ref())
                    .map(|(base, cluster)| {
                        format!("{base}/clusters/{cluster}?project={}", notification.project_id)
                    })
                    .or_else(|| {
                        notification
                            .cluster_id
                            .as_ref()
                            .map(|cluster| format!("/clusters/{cluster}?project={}", notification.project_id))
                    });
                InboxEntry { project_name: name_of(&notification.project_id), notification, unread }
            })
            .collect();
        let mut subscriptions = Vec::new();
        for membership in &caller.user.memberships {
            let mut listed = Vec::new();
            for subscription in
                store::subscriptions(&self.db, &membership.project_id).await.map_err(|e| internal(&e))?
            {
                let deliveries = store::deliveries(&self.db, &subscription.id, DELIVERY_LOG)
                    .await
                    .map_err(|e| internal(&e))?;
                listed.push(subscription.view(deliveries));
            }
            subscriptions.push(ProjectSubscriptions {
                project_id: membership.project_id.clone(),
                project_name: membership.project_name.clone(),
                may_manage: caller.user.may(&membership.project_id, Role::Admin)
                    && caller.user.via_token.is_none(),
                subscriptions: listed,
            });
        }
        Ok(NotificationsView {
            inbox,
            unread,
            projects: subscriptions,
            email_available: notifier.mailer.is_some(),
        })
    }

    async fn unread_notifications(&self, caller: &Caller) -> Result<u32, AppError> {
        let read_at = store::read_at(&self.db, &caller.user.username).await.map_err(|e| internal(&e))?;
        store::count_since(&self.db, &Self::member_projects(caller), read_at).await.map_err(|e| internal(&e))
    }

    async fn mark_notifications_read(&self, caller: &Caller) -> Result<(), AppError> {
        store::mark_read(&self.db, &caller.user.username, Utc::now()).await.map_err(|e| internal(&e))
    }

    async fn create_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        form: &SubscriptionForm,
    ) -> Result<CreatedSubscription, AppError> {
        let action = AuditAction::SubscriptionCreate;
        self.require_admin(caller, project, action.clone(), None).await?;
        let notifier = &self.services.notifier;
        let mut errors = form.check(notifier.loopback_http);
        if matches!(form.channel, Channel::Email { .. }) && notifier.mailer.is_none() {
            errors
                .add("email", "Email cannot be sent: the console has no SMTP server (PILOTHOUSE_SMTP_URL).");
        }
        let name = form.name.trim().to_string();
        let existing = store::subscriptions(&self.db, project.as_str()).await.map_err(|e| internal(&e))?;
        if existing.iter().any(|s| s.name == name) {
            errors.add("name", format!("This project already has a subscription named {name}."));
        }
        errors.into_result().map_err(|errors| AppError::Invalid { errors })?;
        let (signing_key, sealed, key_hint) = match form.channel {
            Channel::Webhook { .. } => {
                let key = new_signing_key();
                let sealed = notifier.keyring.seal(&key).map_err(|e| internal(&e))?;
                let hint =
                    key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect::<String>();
                (Some(key), Some(sealed), Some(hint))
            }
            Channel::Email { .. } => (None, None, None),
        };
        let (channel, sealed_url) = match &form.channel {
            Channel::Webhook { url, format } => {
                let sealed = notifier.keyring.seal(url.trim()).map_err(|e| internal(&e))?;
                (Channel::Webhook { url: shown_url(url), format: *format }, Some(sealed))
            }
            Channel::Email { address } => (Channel::Email { address: address.trim().to_string() }, None),
        };
        let mut events = form.events.clone();
        events.sort();
        events.dedup();
        let subscription = Subscription {
            id: uuid::Uuid::new_v4().to_string(),
            project_id: project.to_string(),
            name: name.clone(),
            channel,
            sealed_url,
            events,
            thresholds: form.thresholds,
            signing_key: sealed,
            key_hint,
            created_by: caller.user.actor(),
            created_at: Utc::now(),
        };
        store::create_subscription(&self.db, &subscription).await.map_err(|e| internal(&e))?;
        self.audit_subscription(caller, project.as_str(), action, &subscription.id, &name).await?;
        Ok(CreatedSubscription { subscription: subscription.view(Vec::new()), signing_key })
    }

    async fn delete_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &str,
    ) -> Result<(), AppError> {
        let action = AuditAction::SubscriptionDelete;
        self.require_admin(caller, project, action.clone(), Some(id)).await?;
        let subscription = self.subscription_of(project.as_str(), id).await?;
        store::delete_subscription(&self.db, project.as_str(), id, Utc::now())
            .await
            .map_err(|e| internal(&e))?;
        self.audit_subscription(caller, project.as_str(), action, id, &subscription.name).await
    }

    async fn test_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &str,
    ) -> Result<String, AppError> {
        let action = AuditAction::SubscriptionTest;
        self.require_admin(caller, project, action.clone(), Some(id)).await?;
        let subscription = self.subscription_of(project.as_str(), id).await?;
        let delivery = self
            .services
            .notifier
            .queue_test(&self.db, &subscription, &caller.user.actor(), Utc::now())
            .await
            .map_err(|e| internal(&e))?;
        self.audit_subscription(caller, project.as_str(), action, id, &subscription.name).await?;
        Ok(delivery)
    }
}
