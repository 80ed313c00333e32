//! The form that adds a notification subscription, and the signing key shown once after.

use leptos::prelude::*;
use model::notification::{
    Channel, CreatedSubscription, EventKind, SubscriptionForm, Thresholds, WebhookFormat,
};
use model::validation::FieldErrors;

use crate::api::create_subscription;
use crate::components::outcome::ErrorMessage;
use crate::components::secret_once::SecretOnce;
use crate::error::AppError;
use crate::pages::wizard::message_at;

/// The form to add a subscription; the created one (with its signing key) goes to `created`.
#[component]
pub fn NewSubscription(
    project: String,
    email_available: bool,
    version: RwSignal<u32>,
    created: RwSignal<Option<CreatedSubscription>>,
) -> impl IntoView {
    let prefix = StoredValue::new(format!("sub-{project}"));
    let field = move |name: &str| format!("{}-{name}", prefix.get_value());
    let project = StoredValue::new(project);
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("webhook".to_string());
    let url = RwSignal::new(String::new());
    let format = RwSignal::new(WebhookFormat::Json);
    let email = RwSignal::new(String::new());
    let events = RwSignal::new(vec![EventKind::OperationFailed]);
    let defaults = Thresholds::default();
    let days = RwSignal::new(defaults.end_of_life_days.to_string());
    let minutes = RwSignal::new(defaults.node_not_ready_minutes.to_string());
    let percent = RwSignal::new(defaults.etcd_percent.to_string());
    let create =
        Action::new(move |form: &SubscriptionForm| create_subscription(project.get_value(), form.clone()));
    Effect::new(move |_| {
        if let Some(Ok(subscription)) = create.value().get() {
            created.set(Some(subscription));
            name.set(String::new());
            version.update(|v| *v += 1);
        }
    });
    let errors = Memo::new(move |_| match create.value().get() {
        Some(Err(AppError::Invalid { errors })) => errors,
        _ => FieldErrors::new(),
    });
    let error_at = move |at: &'static str| move || errors.with(|e| message_at(e, at));
    let other_failure = move || match create.value().get() {
        Some(Err(AppError::Invalid { .. })) | None | Some(Ok(_)) => None,
        Some(Err(error)) => Some(view! { <ErrorMessage error /> }),
    };
    // A number as typed; what is not one is sent as 0 and refused at its field.
    let number = |text: RwSignal<String>| text.get_untracked().trim().parse::<u32>().unwrap_or(0);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let channel = if kind.get_untracked() == "email" {
            Channel::Email { address: email.get_untracked() }
        } else {
            Channel::Webhook { url: url.get_untracked(), format: format.get_untracked() }
        };
        create.dispatch(SubscriptionForm {
            name: name.get_untracked(),
            channel,
            events: events.get_untracked(),
            thresholds: Thresholds {
                end_of_life_days: number(days),
                node_not_ready_minutes: number(minutes),
                etcd_percent: number(percent),
            },
        });
    };
    let event_boxes = EventKind::CHOOSABLE
        .into_iter()
        .map(|event| {
            let id = field(event.key());
            let checked = move || events.with(|chosen| chosen.contains(&event));
            let toggle = move |_| {
                events.update(|chosen| match chosen.iter().position(|e| *e == event) {
                    Some(at) => _ = chosen.remove(at),
                    None => chosen.push(event),
                })
            };
            view! {
                <div class="check">
                    <input type="checkbox" id=id.clone() prop:checked=checked on:change=toggle />
                    <label for=id>{event.label()}</label>
                </div>
            }
        })
        .collect_view();
    let format_options = WebhookFormat::ALL
        .into_iter()
        .map(|f| view! { <option value=f.key() selected=move || format.get() == f>{f.label()}</option> })
        .collect_view();
    let email_note = (!email_available)
        .then(|| view! { <p class="muted">"Email needs an SMTP server in the console's settings (PILOTHOUSE_SMTP_URL)."</p> });
    let text_field = move |id: String,
                           label: &'static str,
                           value: RwSignal<String>,
                           error: &'static str,
                           kind: &'static str| {
        let error_id = format!("{id}-error");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    type=kind
                    prop:value=move || value.get()
                    on:input=move |e| value.set(event_target_value(&e))
                    aria-describedby=error_id.clone()
                />
                <p class="field-error" id=error_id role="alert">{error_at(error)}</p>
            </div>
        }
    };
    view! {
        <form class="card subscription-form" on:submit=submit>
            <h3>"Add a subscription"</h3>
            {text_field(field("name"), "Name", name, "name", "text")}
            <fieldset>
                <legend>"Send to"</legend>
                <div class="check">
                    <input type="radio" id=field("webhook") name=field("kind") prop:checked=move || kind.get() == "webhook" on:change=move |_| kind.set("webhook".into()) />
                    <label for=field("webhook")>"A webhook"</label>
                </div>
                <div class="check">
                    <input type="radio" id=field("email-kind") name=field("kind") prop:checked=move || kind.get() == "email" on:change=move |_| kind.set("email".into()) />
                    <label for=field("email-kind")>"An email address"</label>
                </div>
            </fieldset>
            <div class:hidden=move || kind.get() != "webhook">
                {text_field(field("url"), "Webhook address", url, "url", "url")}
                <div class="field">
                    <label for=field("format")>"Format"</label>
                    <select id=field("format") on:change=move |e| format.set(WebhookFormat::from_key(&event_target_value(&e)).unwrap_or_default())>
                        {format_options}
                    </select>
                </div>
            </div>
            <div class:hidden=move || kind.get() != "email">
                {text_field(field("email"), "Email address", email, "email", "email")}
                {email_note}
            </div>
            <fieldset aria-describedby=field("events-error")>
                <legend>"Events"</legend>
                {event_boxes}
                <p class="field-error" id=field("events-error") role="alert">{error_at("events")}</p>
            </fieldset>
            <div class="filters">
                {text_field(field("days"), "End of life within (days)", days, "endOfLifeDays", "number")}
                {text_field(field("minutes"), "Node not ready for (minutes)", minutes, "nodeNotReadyMinutes", "number")}
                {text_field(field("percent"), "etcd above (percent)", percent, "etcdPercent", "number")}
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>
                "Add subscription"
            </button>
            {other_failure}
        </form>
    }
}

/// A new webhook subscription's signing key: shown this once.
#[component]
pub fn KeyOnce(created: CreatedSubscription) -> impl IntoView {
    let name = created.subscription.name.clone();
    let Some(key) = created.signing_key else {
        return view! {
            <div class="card secret-once" role="status" data-testid="new-subscription">
                <p>
                    <strong>{format!("Subscription {name} added.")}</strong>
                </p>
            </div>
        }
        .into_any();
    };
    view! {
        <SecretOnce
            testid="new-subscription"
            title=format!("Subscription {name} added.")
            note=" Copy its signing key now: it is not shown again. Check each request's Pilothouse-Signature with it (see the README, Notifications)."
            secret=key
        />
    }
    .into_any()
}
