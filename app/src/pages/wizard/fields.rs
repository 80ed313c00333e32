//! Inputs bound to the draft, each with its error from the model's rules underneath.

use leptos::prelude::*;
use model::validation::FieldErrors;

use super::draft::{Draft, PoolDraft};

/// The first message about `path` or anything under it (`nodePools.0.template.labels.team`
/// belongs to `nodePools.0.template.labels`).
pub fn message_at(errors: &FieldErrors, path: &str) -> Option<String> {
    let under = format!("{path}.");
    errors.iter().find(|e| e.field == path || e.field.starts_with(&under)).map(|e| e.message.clone())
}

/// Where a text lives in the draft: the cluster's fields or one pool's.
#[derive(Clone, Copy)]
pub enum Text {
    Cluster(fn(&mut Draft) -> &mut String),
    Pool(usize, fn(&mut PoolDraft) -> &mut String),
}

/// Where a yes/no choice lives in the draft.
#[derive(Clone, Copy)]
pub enum Flag {
    Cluster(fn(&mut Draft) -> &mut bool),
    Pool(usize, fn(&mut PoolDraft) -> &mut bool),
}

impl Text {
    pub fn get(self, draft: RwSignal<Draft>) -> String {
        draft.with(|d| {
            let mut copy = d.clone();
            match self {
                Text::Cluster(at) => at(&mut copy).clone(),
                Text::Pool(i, at) => copy.pools.get_mut(i).map(|p| at(p).clone()).unwrap_or_default(),
            }
        })
    }

    pub fn set(self, draft: RwSignal<Draft>, value: String) {
        draft.update(|d| match self {
            Text::Cluster(at) => *at(d) = value,
            Text::Pool(i, at) => {
                if let Some(pool) = d.pools.get_mut(i) {
                    *at(pool) = value;
                }
            }
        });
    }
}

impl Flag {
    pub fn get(self, draft: RwSignal<Draft>) -> bool {
        draft.with(|d| {
            let mut copy = d.clone();
            match self {
                Flag::Cluster(at) => *at(&mut copy),
                Flag::Pool(i, at) => copy.pools.get_mut(i).is_some_and(|p| *at(p)),
            }
        })
    }

    pub fn set(self, draft: RwSignal<Draft>, value: bool) {
        draft.update(|d| match self {
            Flag::Cluster(at) => *at(d) = value,
            Flag::Pool(i, at) => {
                if let Some(pool) = d.pools.get_mut(i) {
                    *at(pool) = value;
                }
            }
        });
    }
}

/// A labelled text input (or text area), its hint and its error.
#[component]
pub fn TextField(
    id: String,
    label: &'static str,
    text: Text,
    draft: RwSignal<Draft>,
    errors: Memo<FieldErrors>,
    /// The error path shown under the field.
    path: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let error = Signal::derive(move || errors.with(|e| message_at(e, &path)));
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                rows="3"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || text.get(draft)
                on:input=move |event| text.set(draft, event_target_value(&event))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                type="text"
                inputmode=numeric.then_some("numeric")
                autocomplete="off"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || text.get(draft)
                on:input=move |event| text.set(draft, event_target_value(&event))
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {(!hint.is_empty()).then(|| view! { <span class="hint">{hint}</span> })}
            {input}
            <p class="field-error" id=format!("{id}-error") role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A labelled checkbox.
#[component]
pub fn Checkbox(
    id: String,
    label: &'static str,
    flag: Flag,
    draft: RwSignal<Draft>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    view! {
        <label class="check" for=id.clone()>
            <input
                id=id.clone()
                type="checkbox"
                prop:checked=move || flag.get(draft)
                on:change=move |event| flag.set(draft, event_target_checked(&event))
            />
            <span>
                {label}
                {(!hint.is_empty()).then(|| view! { <span class="hint">{hint}</span> })}
            </span>
        </label>
    }
}

/// An error about a whole group of fields (`nodePools`, `privateNetwork`).
pub fn group_error(errors: Memo<FieldErrors>, path: &'static str) -> impl IntoView {
    move || {
        errors
            .with(|e| e.message_for(path).map(str::to_string))
            .map(|message| view! { <p class="field-error group-error" role="alert">{message}</p> })
    }
}
