//! `/auth/login`, `/auth/callback`, `/auth/logout` and `/auth/signed-out`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::Utc;
use model::access::ClientAddress;
use serde::Deserialize;
use tower_sessions::Session;

use super::oidc::{Attempt, SignInError};
use super::{ATTEMPT, Mode, SessionUser, USER, html, same_origin_path};
use crate::audit::{self, AuditEvent};
use crate::error_page::{escape, message_page};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/logout", post(logout))
        .route("/auth/signed-out", get(signed_out))
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

fn event(actor: &str, action: &str, outcome: &'static str, address: Option<String>) -> AuditEvent {
    AuditEvent {
        project_id: None,
        actor: actor.to_string(),
        actor_address: address,
        action: action.to_string(),
        target_kind: None,
        target_id: None,
        target_name: None,
        outcome,
        operation_id: None,
    }
}

/// Starts a sign-in: remembers state, nonce, PKCE verifier and the page asked for, and sends the
/// browser to the issuer.
async fn login(State(state): State<AppState>, session: Session, Query(query): Query<Next>) -> Response {
    let next = same_origin_path(query.next.as_deref());
    let Mode::Oidc(oidc) = &state.auth.mode else {
        return Redirect::to(&next).into_response();
    };
    match oidc.start(next.clone()).await {
        Ok((url, attempt)) => match session.insert(ATTEMPT, &attempt).await {
            Ok(()) => Redirect::to(&url).into_response(),
            Err(error) => {
                tracing::error!(%error, "could not keep the sign-in attempt");
                failure_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the console could not keep your session",
                    &next,
                )
            }
        },
        Err(error) => failure_page(StatusCode::BAD_GATEWAY, &error.to_string(), &next),
    }
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Completes a sign-in; any failure ends on a page that says what happened, with no session,
/// and an audit event.
async fn callback(
    State(state): State<AppState>,
    session: Session,
    recorded: Option<Extension<ClientAddress>>,
    Query(answer): Query<Callback>,
) -> Response {
    let address = recorded.map(|Extension(ClientAddress(a))| a);
    let Mode::Oidc(oidc) = &state.auth.mode else {
        return Redirect::to("/").into_response();
    };
    // Taken out at once: a code or state can be used once only.
    let attempt: Option<Attempt> = session.remove(ATTEMPT).await.ok().flatten();
    let next = attempt.as_ref().map_or("/".to_string(), |a| a.next.clone());
    let result = match (&attempt, &answer) {
        (_, Callback { error: Some(error), error_description, .. }) => Err(SignInError::Refused(
            error_description.clone().map_or(error.clone(), |d| format!("{error}: {d}")),
        )),
        (None, _) => Err(SignInError::NoAttempt),
        (Some(attempt), Callback { code: Some(code), state: Some(returned), .. }) => {
            oidc.finish(attempt, code, returned).await
        }
        (Some(_), _) => Err(SignInError::Refused("the answer has no code or state".into())),
    };
    let identity = match result {
        Ok(identity) => identity,
        Err(error) => {
            tracing::info!(reason = %error, "sign-in failed");
            let mut failed = event("unknown", "session.sign_in", "failed", address);
            failed.target_name = Some(error.to_string());
            let _ = audit::record(&state.db, &failed, Utc::now()).await;
            let _ = session.flush().await;
            return failure_page(StatusCode::BAD_REQUEST, &error.to_string(), &next);
        }
    };
    let now = Utc::now().timestamp();
    let user = SessionUser {
        username: identity.username.clone(),
        groups: identity.groups.clone(),
        signed_in_at: now,
        refresh_token: identity.refresh_token,
        access_expires_at: identity.access_expires_in.map(|d| now + d.as_secs() as i64),
    };
    // A new session id at sign-in, so an id planted before it is worth nothing after.
    if let Err(error) = session.cycle_id().await.and(session.insert(USER, &user).await) {
        tracing::error!(%error, "could not start the session");
        return failure_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "the console could not keep your session",
            &next,
        );
    }
    let _ = audit::record(
        &state.db,
        &event(&identity.username, "session.sign_in", "succeeded", address),
        Utc::now(),
    )
    .await;
    Redirect::to(&next).into_response()
}

/// Ends the session here and, where the issuer offers it, there too.
async fn logout(
    State(state): State<AppState>,
    session: Session,
    recorded: Option<Extension<ClientAddress>>,
) -> Response {
    let Mode::Oidc(oidc) = &state.auth.mode else {
        return Redirect::to("/").into_response();
    };
    let user: Option<SessionUser> = session.get(USER).await.ok().flatten();
    let _ = session.flush().await;
    let Some(user) = user else {
        return Redirect::to("/auth/signed-out").into_response();
    };
    let signed_out =
        event(&user.username, "session.sign_out", "succeeded", recorded.map(|Extension(ClientAddress(a))| a));
    let _ = audit::record(&state.db, &signed_out, Utc::now()).await;
    match oidc.end_session_url().await {
        Some(url) => Redirect::to(&url).into_response(),
        None => Redirect::to("/auth/signed-out").into_response(),
    }
}

async fn signed_out() -> Response {
    let body = "<p>You have signed out of Pilothouse.</p>\n<p><a href=\"/auth/login\">Sign in again</a></p>";
    html(StatusCode::OK, message_page("Signed out", body))
}

fn failure_page(status: StatusCode, reason: &str, next: &str) -> Response {
    let retry = format!("/auth/login?next={}", model::activity::encode_query_value(next));
    let body = format!(
        "<p>You are not signed in: {}.</p>\n<p><a href=\"{}\">Try again</a>. If it keeps failing, tell your \
         administrator what this page says.</p>",
        escape(reason),
        escape(&retry)
    );
    html(status, message_page("Sign-in failed", &body))
}
