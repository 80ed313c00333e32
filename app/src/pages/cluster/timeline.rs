//! The live timeline of a cluster's operations: each with its steps and their times, a failed
//! one with the provider's words, its query id and, where another try could help, Retry.

use leptos::prelude::*;
use model::access::Role;
use model::operation::{OperationState, OperationView, StepState};

use crate::api::retry_operation;
use crate::components::outcome::ErrorMessage;

/// `wait_for_ready` → "Wait for ready".
fn step_title(name: &str) -> String {
    let text = name.replace('_', " ");
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The time of day of an RFC 3339 time, in UTC.
fn clock(time: &str) -> String {
    time.get(11..19).map_or_else(|| time.to_string(), |t| format!("{t} UTC"))
}

fn state_text(state: OperationState) -> &'static str {
    match state {
        OperationState::Pending => "Queued",
        OperationState::Running => "Running",
        OperationState::Succeeded => "Done",
        OperationState::Failed => "Failed",
        OperationState::Cancelled => "Cancelled",
    }
}

fn step_text(state: StepState) -> &'static str {
    match state {
        StepState::Running => "running",
        StepState::Succeeded => "done",
        StepState::Failed => "failed",
        StepState::Skipped => "not needed",
    }
}

#[component]
pub fn Timeline(project: String, operations: RwSignal<Vec<OperationView>>, role: Role) -> impl IntoView {
    let project = StoredValue::new(project);
    let items = move || {
        operations
            .get()
            .into_iter()
            .map(|op| view! { <Entry project=project.get_value() op role /> })
            .collect_view()
    };
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Operations"</h2>
            <Show
                when=move || operations.with(|ops| !ops.is_empty())
                fallback=|| view! { <p class="muted">"No operation on this cluster from this console yet."</p> }
            >
                <ol class="operations" aria-live="polite">{items}</ol>
            </Show>
        </section>
    }
}

#[component]
fn Entry(project: String, op: OperationView, role: Role) -> impl IntoView {
    let state = op.state.as_str();
    let steps = op
        .steps
        .iter()
        .map(|step| {
            let times = match &step.finished_at {
                Some(end) => format!("{} → {}", clock(&step.started_at), clock(end)),
                None => format!("since {}", clock(&step.started_at)),
            };
            view! {
                <li class=format!("step-entry {}", step.state.as_str())>
                    <span class="step-name">{step_title(&step.name)}</span>
                    " — "
                    <span class="step-state">{step_text(step.state)}</span>
                    {step.detail.clone().map(|d| view! { <span class="step-detail">{format!(" ({d})")}</span> })}
                    <span class="muted step-time">{format!(" · {times}")}</span>
                </li>
            }
        })
        .collect_view();
    let may_retry = op.retryable() && op.kind.is_some_and(|kind| role.allows(kind.required_role()));
    let failure = op.error.clone().map(|error| {
        let query = error.query_id.clone().map(|q| {
            view! {
                <p class="muted">
                    "Query id for the provider's support: " <code>{q}</code>
                </p>
            }
        });
        view! {
            <div class="failure" role="alert">
                <p>{error.message}</p>
                {query}
                {may_retry.then(|| view! { <RetryButton project=project.clone() operation=op.id.clone() /> })}
            </div>
        }
    });
    view! {
        <li class=format!("operation {state}") data-operation=op.id.clone()>
            <p class="operation-head">
                <strong>{op.label()}</strong>
                " "
                <span class=format!("outcome {state}") data-testid="operation-state">{state_text(op.state)}</span>
                <span class="muted">{format!(" · by {} · {}", op.actor, clock(&op.created_at))}</span>
            </p>
            <ol class="steps-log">{steps}</ol>
            {failure}
        </li>
    }
}

#[component]
fn RetryButton(project: String, operation: String) -> impl IntoView {
    let retry = Action::new(|(project, operation): &(String, String)| {
        let (project, operation) = (project.clone(), operation.clone());
        async move { retry_operation(project, operation).await }
    });
    let outcome = move || {
        retry.value().get().map(|result| match result {
            Ok(_) => view! { <span class="notice" role="status">" Queued again."</span> }.into_any(),
            Err(error) => view! { " " <ErrorMessage error inline=true /> }.into_any(),
        })
    };
    view! {
        <button
            type="button"
            class="button secondary"
            disabled=move || retry.pending().get() || retry.value().with(|v| matches!(v, Some(Ok(_))))
            on:click=move |_| {
                retry.dispatch((project.clone(), operation.clone()));
            }
        >
            "Retry"
        </button>
        {outcome}
    }
}
