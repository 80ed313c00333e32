//! `/auth/login`, `/auth/callback`, `/auth/logout` and `/auth/signed-out`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::Utc;
use model::access::ClientAddress;
use model::activity::{AuditAction, Outcome};
use serde::Deserialize;
use tower_sessions::Session;

use super::oidc::SignInError;
use super::session::SessionUser;
use super::{Mode, USER, attempt, html, same_origin_path};
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
    /// `1` for a silent re-authentication of a signed-in user (their groups are read again).
    silent: Option<String>,
}

fn event(actor: &str, action: AuditAction, outcome: Outcome, address: Option<String>) -> AuditEvent {
    AuditEvent {
        project_id: None,
        actor: actor.to_string(),
        actor_address: address,
        action,
        target_kind: None,
        target_id: None,
        target_name: None,
        outcome,
        operation_id: None,
    }
}

/// Starts a sign-in: keeps state, nonce, PKCE verifier and the page asked for in the sign-in
/// cookie (no session yet), and sends the browser to the issuer.
async fn login(State(state): State<AppState>, Query(query): Query<Next>) -> Response {
    let next = same_origin_path(query.next.as_deref());
    let Mode::Oidc(oidc) = &state.auth.mode else {
        return Redirect::to(&next).into_response();
    };
    let silent = query.silent.as_deref() == Some("1");
    match oidc.start(next.clone(), silent).await {
        Ok((url, started)) => {
            let mut response = Redirect::to(&url).into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, attempt::keep(&started, state.auth.secure_cookie));
            response
        }
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

/// Completes a sign-in; any failure ends on a page that says what happened, and an audit event
/// (throttled per client). An answer that does not belong to this browser's sign-in changes
/// nothing: whoever is signed in stays signed in. A silent re-authentication that fails ends the
/// session, whose groups could not be read again, and starts an ordinary sign-in.
async fn callback(
    State(state): State<AppState>,
    session: Session,
    recorded: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> Response {
    let address = recorded.map(|Extension(ClientAddress(a))| a);
    let Mode::Oidc(oidc) = &state.auth.mode else {
        return Redirect::to("/").into_response();
    };
    let secure = state.auth.secure_cookie;
    let started = attempt::read(&headers, secure);
    let next = started.as_ref().map_or("/".to_string(), |a| a.next.clone());
    let belongs = started.as_ref().is_some_and(|a| answer.state.as_deref() == Some(a.state.as_str()));
    let result = match (&started, &answer) {
        (None, _) => Err(SignInError::NoAttempt),
        (Some(_), Callback { error: Some(error), error_description, .. }) if belongs => {
            Err(SignInError::Refused(
                error_description.clone().map_or(error.clone(), |d| format!("{error}: {d}")),
            ))
        }
        (Some(_), _) if !belongs => Err(SignInError::WrongState),
        (Some(started), Callback { code: Some(code), state: Some(returned), .. }) => {
            oidc.finish(started, code, returned).await
        }
        (Some(_), _) => Err(SignInError::Refused("the answer has no code or state".into())),
    };
    let identity = match result {
        Ok(identity) => identity,
        Err(error) => {
            tracing::info!(reason = %error, "sign-in failed");
            let mut failed = event(audit::UNKNOWN_ACTOR, AuditAction::SignIn, Outcome::Failed, address);
            failed.target_name = Some(error.to_string());
            let _ =
                audit::record_throttled(&state.db, &state.services.audit_throttle, &failed, Utc::now()).await;
            let silent = started.as_ref().is_some_and(|a| a.silent);
            let mut response = if belongs && silent {
                let _ = session.flush().await;
                let retry = format!("/auth/login?next={}", model::activity::encode_query_value(&next));
                Redirect::to(&retry).into_response()
            } else {
                failure_page(StatusCode::BAD_REQUEST, &audit::capped(&error.to_string()), &next)
            };
            if belongs {
                // Used once: the same answer cannot be tried again.
                response.headers_mut().append(header::SET_COOKIE, attempt::forget(secure));
            }
            return response;
        }
    };
    let username = identity.username.clone();
    if let Err(error) =
        crate::tokens::store::remember_user(&state.db, &username, &identity.groups, Utc::now()).await
    {
        tracing::warn!(%error, "the user's groups could not be recorded for their API tokens");
    }
    let user = SessionUser::new(identity, Utc::now().timestamp());
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
        &event(&username, AuditAction::SignIn, Outcome::Succeeded, address),
        Utc::now(),
    )
    .await;
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().append(header::SET_COOKIE, attempt::forget(secure));
    response
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
    let signed_out = event(
        &user.username,
        AuditAction::SignOut,
        Outcome::Succeeded,
        recorded.map(|Extension(ClientAddress(a))| a),
    );
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
