//! The live timeline of operations (a cluster's, the project's networks'): each with its steps and their times, a failed
//! one with the provider's words, its query id and, where another try could help, Retry.

use leptos::prelude::*;
use model::access::Role;
use model::operation::{OperationState, OperationView, StepState, StepView};

use crate::api::retry_operation;
use crate::components::outcome::ErrorMessage;
use crate::error::AppError;

/// `wait_for_ready` → "Wait for ready".
fn step_title(name: &str) -> String {
    let mut text = name.replace('_', " ");
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
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
pub fn Timeline(
    project: String,
    operations: Signal<Vec<OperationView>>,
    role: Role,
    /// What shows while there is none.
    empty: &'static str,
) -> impl IntoView {
    let project = StoredValue::new(project);
    let ids = move || operations.with(|ops| ops.iter().map(|op| op.id.clone()).collect::<Vec<_>>());
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Operations"</h2>
            <Show
                when=move || operations.with(|ops| !ops.is_empty())
                fallback=move || view! { <p class="muted">{empty}</p> }
            >
                <ol class="operations" aria-live="polite">
                    <For each=ids key=String::clone let:id>
                        <Entry project=project.get_value() operations id role />
                    </For>
                </ol>
            </Show>
        </section>
    }
}

/// One operation, kept in place while the stream updates it: only what changed is redrawn.
#[component]
fn Entry(project: String, operations: Signal<Vec<OperationView>>, id: String, role: Role) -> impl IntoView {
    let op = {
        let id = id.clone();
        Memo::new(move |_| operations.with(|ops| ops.iter().find(|op| op.id == id).cloned()))
    };
    let state = Memo::new(move |_| op.with(|o| o.as_ref().map_or(OperationState::Pending, |o| o.state)));
    let steps = Memo::new(move |_| op.with(|o| o.as_ref().map(|o| o.steps.clone()).unwrap_or_default()));
    let failure = Memo::new(move |_| {
        op.with(|o| {
            let o = o.as_ref()?;
            let may_retry = o.retryable() && o.kind.is_some_and(|kind| role.allows(kind.required_role()));
            o.error.clone().map(|error| (error, may_retry))
        })
    });
    let (label, by) = op.with_untracked(|o| {
        o.as_ref()
            .map(|o| (o.label(), format!(" · by {} · {}", o.actor, clock(&o.created_at))))
            .unwrap_or_default()
    });
    let operation = StoredValue::new(id.clone());
    let failure = move || {
        failure.get().map(|(error, may_retry)| {
            let query = error.query_id.map(|q| {
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
                    {may_retry.then(|| view! { <RetryButton project=project.clone() operation=operation.get_value() /> })}
                </div>
            }
        })
    };
    view! {
        <li class=move || format!("operation {}", state.get().as_str()) data-operation=id.clone()>
            <p class="operation-head">
                <strong>{label}</strong>
                " "
                <span class=move || format!("outcome {}", state.get().as_str()) data-testid="operation-state">
                    {move || state_text(state.get())}
                </span>
                <span class="muted">{by}</span>
            </p>
            <ol class="steps-log">
                <For each=move || steps.get() key=|step| (step.seq, step.state, step.detail.clone(), step.finished_at.clone()) let:step>
                    <Step step />
                </For>
            </ol>
            {failure}
        </li>
    }
}

#[component]
fn Step(step: StepView) -> impl IntoView {
    let times = match &step.finished_at {
        Some(end) => format!("{} → {}", clock(&step.started_at), clock(end)),
        None => format!("since {}", clock(&step.started_at)),
    };
    view! {
        <li class=format!("step-entry {}", step.state.as_str())>
            <span class="step-name">{step_title(&step.name)}</span>
            " — "
            <span class="step-state">{step_text(step.state)}</span>
            {step.detail.map(|d| view! { <span class="step-detail">{format!(" ({d})")}</span> })}
            <span class="muted step-time">{format!(" · {times}")}</span>
        </li>
    }
}

#[component]
fn RetryButton(project: String, operation: String) -> impl IntoView {
    // Once asked: `None` while the request is out, then its answer.
    let asked = RwSignal::new(None::<Option<Result<String, AppError>>>);
    let retry = move |_| {
        let (project, operation) = (project.clone(), operation.clone());
        asked.set(Some(None));
        leptos::task::spawn_local(async move {
            asked.set(Some(Some(retry_operation(project, operation).await)));
        });
    };
    let outcome = move || {
        asked.get().flatten().map(|result| match result {
            Ok(_) => view! { <span class="notice" role="status">" Queued again."</span> }.into_any(),
            Err(error) => view! { " " <ErrorMessage error inline=true /> }.into_any(),
        })
    };
    let disabled = move || asked.with(|asked| matches!(asked, Some(None | Some(Ok(_)))));
    view! {
        <button type="button" class="button secondary" disabled=disabled on:click=retry>
            "Retry"
        </button>
        {outcome}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_name_reads_as_words() {
        assert_eq!(step_title("wait_for_ready"), "Wait for ready");
        assert_eq!(step_title("x"), "X");
        assert_eq!(step_title(""), "");
    }
}
