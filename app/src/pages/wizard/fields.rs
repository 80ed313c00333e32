//! Inputs bound to the draft (or to a form's own signals), each with its error from the model's
//! rules underneath.

use leptos::prelude::*;
use model::validation::FieldErrors;
use reactive_stores::Field;

/// The first message about `path` or anything under it (`nodePools.0.template.labels.team`
/// belongs to `nodePools.0.template.labels`).
pub fn message_at(errors: &FieldErrors, path: &str) -> Option<String> {
    let under = format!("{path}.");
    errors.iter().find(|e| e.field == path || e.field.starts_with(&under)).map(|e| e.message.clone())
}

/// A value a field shows and sets: a place in the wizard's draft, or a form's own signal.
pub struct Bound<T: Send + Sync + 'static> {
    get: Signal<T>,
    set: Callback<T>,
}

impl<T: Send + Sync + 'static> Clone for Bound<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Bound<T> {}

impl<T: Clone + Send + Sync + 'static> From<RwSignal<T>> for Bound<T> {
    fn from(signal: RwSignal<T>) -> Self {
        Self { get: signal.into(), set: Callback::new(move |value| signal.set(value)) }
    }
}

impl<T: Clone + Send + Sync + 'static> Bound<T> {
    fn get(&self) -> T {
        self.get.get()
    }

    fn set(&self, value: T) {
        self.set.run(value)
    }
}

impl<T: Clone + Default + Send + Sync + 'static> Bound<T> {
    /// A place inside `signal`'s value: read (tracked) without copying the rest of the value;
    /// written with its readers told, then `after` run (a form marking itself touched).
    pub fn place<S: Send + Sync + 'static>(
        signal: RwSignal<S>,
        at: impl Fn(&mut S) -> Option<&mut T> + Copy + Send + Sync + 'static,
        after: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        let get = Signal::derive(move || {
            signal.track();
            signal.try_update_untracked(|value| at(value).cloned()).flatten().unwrap_or_default()
        });
        let set = Callback::new(move |new: T| {
            signal.update(|value| {
                if let Some(place) = at(value) {
                    *place = new;
                }
            });
            after();
        });
        Self { get, set }
    }
}

impl<T: Clone + Default + Send + Sync + 'static> From<Field<T>> for Bound<T> {
    /// A field of the wizard's draft (the default once its pool is removed).
    fn from(field: Field<T>) -> Self {
        let get = Signal::derive(move || field.try_get().unwrap_or_default());
        Self { get, set: Callback::new(move |value| _ = field.try_set(value)) }
    }
}

/// A labelled text input (or text area), its hint and its error.
#[component]
pub fn TextField(
    id: String,
    label: &'static str,
    #[prop(into)] value: Bound<String>,
    errors: Memo<FieldErrors>,
    /// The error path shown under the field.
    path: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] numeric: bool,
    /// Numbers with a fraction (a share like 0.5).
    #[prop(optional)]
    decimal: bool,
    /// Shown to a user whose role may not change it.
    #[prop(optional)]
    disabled: bool,
) -> impl IntoView {
    let inputmode = if decimal { Some("decimal") } else { numeric.then_some("numeric") };
    let error_id = format!("{id}-error");
    let error = Signal::derive(move || errors.with(|e| message_at(e, &path)));
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                rows="3"
                disabled=disabled
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                type="text"
                inputmode=inputmode
                autocomplete="off"
                disabled=disabled
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
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
    #[prop(into)] value: Bound<bool>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    view! {
        <label class="check" for=id.clone()>
            <input
                id=id.clone()
                type="checkbox"
                prop:checked=move || value.get()
                on:change=move |event| value.set(event_target_checked(&event))
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
