//! How the end of a request shows on a page: a notice when it was accepted, the error otherwise,
//! each announced to screen readers. The one place for that markup.

use leptos::prelude::*;

use crate::error::AppError;

/// A failed request, in words a user can act on.
#[component]
pub fn ErrorMessage(
    error: AppError,
    /// Within a line of text (a table cell's actions) rather than a paragraph of its own.
    #[prop(optional)]
    inline: bool,
) -> impl IntoView {
    let message = error.message();
    match inline {
        true => view! { <span class="error" role="alert">{message}</span> }.into_any(),
        false => view! { <p class="error" role="alert">{message}</p> }.into_any(),
    }
}

/// The errors an `ErrorBoundary` caught from the `Suspend`s inside it, with the request's
/// reference when the server rendered them.
pub fn caught(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let list = move || {
        errors.with(|errors| {
            errors
                .iter()
                .map(|(_, error)| view! { <p class="error" role="alert">{error.to_string()}</p> })
                .collect_view()
        })
    };
    view! { {list} <RequestReference /> }
}

/// The id of the request that rendered the page (the `X-Request-Id` its log lines carry), for
/// the user to quote; nothing on pages rendered in the browser.
#[component]
pub fn RequestReference() -> impl IntoView {
    let id = SharedValue::new(request_id);
    id.into_inner().map(|id| view! { <p class="muted reference">"Reference: " <code>{id}</code></p> })
}

#[cfg(feature = "ssr")]
fn request_id() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts.headers.get("x-request-id")?.to_str().ok().map(str::to_string)
}

#[cfg(not(feature = "ssr"))]
fn request_id() -> Option<String> {
    None
}

/// The end of an action's last run: `done` when it was accepted, the error otherwise; nothing
/// before it ends.
pub fn outcome<T>(result: Option<Result<T, AppError>>, done: &'static str) -> Option<AnyView> {
    result.map(|result| match result {
        Ok(_) => view! { <p class="notice" role="status">{done}</p> }.into_any(),
        Err(error) => view! { <ErrorMessage error /> }.into_any(),
    })
}

/// As [`outcome`], for a form whose fields show the field errors (`Invalid`) themselves.
pub fn outcome_beside_fields<T>(result: Option<Result<T, AppError>>, done: &'static str) -> Option<AnyView> {
    match result {
        Some(Err(AppError::Invalid { .. })) => None,
        other => outcome(other, done),
    }
}
