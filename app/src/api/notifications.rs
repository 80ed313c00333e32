//! Server functions of the notifications page and the bell.

use leptos::prelude::*;
use leptos::server_fn;
use model::notification::{CreatedSubscription, NotificationsView, SubscriptionForm};

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The caller's inbox and their projects' subscriptions.
#[server(endpoint = "notifications")]
pub async fn notifications() -> Result<NotificationsView, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.notifications(&caller).await)
}

/// How many notifications the caller has not read. The bell on every page asks: its failure
/// leaves the page's own status alone.
#[server(endpoint = "unread_notifications")]
pub async fn unread_notifications() -> Result<u32, AppError> {
    let caller = port::caller()?;
    port::backend()?.unread_notifications(&caller).await
}

/// Marks the caller's inbox read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.mark_notifications_read(&caller).await)
}

/// Adds a subscription to `project` (admins).
#[server(endpoint = "create_subscription", input = server_fn::codec::Json)]
pub async fn create_subscription(
    project: String,
    form: SubscriptionForm,
) -> Result<CreatedSubscription, AppError> {
    let caller = port::caller()?;
    let project = port::id(model::id::ProjectId::parse(&project))?;
    port::respond(port::backend()?.create_subscription(&caller, &project, &form).await)
}

/// Deletes a subscription (admins).
#[server(endpoint = "delete_subscription", input = server_fn::codec::Json)]
pub async fn delete_subscription(project: String, id: String) -> Result<(), AppError> {
    let caller = port::caller()?;
    let project = port::id(model::id::ProjectId::parse(&project))?;
    port::respond(port::backend()?.delete_subscription(&caller, &project, &id).await)
}

/// Sends a test message to a subscription (admins); the delivery's id.
#[server(endpoint = "test_subscription", input = server_fn::codec::Json)]
pub async fn test_subscription(project: String, id: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(model::id::ProjectId::parse(&project))?;
    port::respond(port::backend()?.test_subscription(&caller, &project, &id).await)
}
