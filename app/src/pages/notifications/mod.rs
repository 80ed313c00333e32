//! Notifications: the inbox of the user's projects (what the bell counts), and per project the
//! subscriptions that send them out — a webhook (JSON signed, Slack, Teams) or an email address
//! — which admins add, test and delete, each with its delivery log.

use leptos::prelude::*;
use leptos_meta::Title;
use model::notification::{
    Channel, CreatedSubscription, DeliveryState, DeliveryView, EventKind, InboxEntry, NotificationsView,
    ProjectSubscriptions, SubscriptionForm, SubscriptionView, Thresholds, WebhookFormat,
};
use model::validation::FieldErrors;

use crate::api::{
    create_subscription, delete_subscription, mark_notifications_read, notifications, test_subscription,
};
use crate::components::outcome::{ErrorMessage, caught};
use crate::components::secret_once::SecretOnce;
use crate::error::AppError;
use crate::pages::wizard::message_at;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <Title text="Notifications" />
        <section class="page">
            <h1>"Notifications"</h1>
            <Inboxes />
        </section>
    }
}

/// The inbox and the subscriptions, read again after each change.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn Inboxes() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let data = Resource::new(move || version.get(), |_| notifications());
    let created = RwSignal::new(None::<CreatedSubscription>);
    view! {
        {move || created.get().map(|created| view! { <KeyOnce created /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || Suspend::new(async move {
                    let view = data.await?;
                    Ok::<_, AppError>(view! { <Notifications view version created /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Notifications(
    view: NotificationsView,
    version: RwSignal<u32>,
    created: RwSignal<Option<CreatedSubscription>>,
) -> impl IntoView {
    let NotificationsView { inbox, unread, projects, email_available } = view;
    let projects = projects
        .into_iter()
        .map(|project| view! { <ProjectSection project email_available version created /> })
        .collect_view();
    view! {
        <Inbox inbox unread version />
        {projects}
    }
}

/// The newest notifications of the user's projects, unread ones marked.
#[component]
fn Inbox(inbox: Vec<InboxEntry>, unread: u32, version: RwSignal<u32>) -> impl IntoView {
    let mark = Action::new(|_: &()| mark_notifications_read());
    Effect::new(move |_| {
        if let Some(Ok(())) = mark.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let heading = if unread == 0 { "Inbox".to_string() } else { format!("Inbox — {unread} unread") };
    let body = if inbox.is_empty() {
        view! { <p class="empty">"Nothing has happened in your projects that needs telling yet."</p> }
            .into_any()
    } else {
        let items = inbox.into_iter().map(|entry| view! { <InboxItem entry /> }).collect_view();
        view! { <ul class="inbox" data-testid="inbox">{items}</ul> }.into_any()
    };
    let button = (unread > 0).then(|| {
        view! {
            <button type="button" class="button secondary" on:click=move |_| _ = mark.dispatch(())>
                "Mark all as read"
            </button>
        }
    });
    view! {
        <div class="page-head">
            <h2 id="inbox">{heading}</h2>
            {button}
        </div>
        {body}
    }
}

#[component]
fn InboxItem(entry: InboxEntry) -> impl IntoView {
    let n = entry.notification;
    let when = n.occurred_at.replace('T', " ").chars().take(16).collect::<String>();
    let meta = format!("{} · {} · {when} UTC", entry.project_name, n.event.key());
    let title = match n.link {
        Some(link) => view! { <a href=link>{n.title.clone()}</a> }.into_any(),
        None => view! { <span>{n.title.clone()}</span> }.into_any(),
    };
    view! {
        <li class:unread=entry.unread data-event=n.event.key()>
            <p class="inbox-title">
                <strong>{title}</strong>
            </p>
            <p>{n.text}</p>
            <p class="muted">{meta}</p>
        </li>
    }
}

/// One project's subscriptions, and the form to add one (admins).
#[component]
fn ProjectSection(
    project: ProjectSubscriptions,
    email_available: bool,
    version: RwSignal<u32>,
    created: RwSignal<Option<CreatedSubscription>>,
) -> impl IntoView {
    let ProjectSubscriptions { project_id, project_name, may_manage, subscriptions } = project;
    let list = if subscriptions.is_empty() {
        let hint = if may_manage {
            "No subscription yet: add one to be told by webhook or email."
        } else {
            "No subscription yet. Project admins can add one."
        };
        view! { <p class="empty">{hint}</p> }.into_any()
    } else {
        subscriptions
            .into_iter()
            .map(|subscription| {
                view! { <SubscriptionCard project=project_id.clone() subscription may_manage version /> }
            })
            .collect_view()
            .into_any()
    };
    let form = may_manage
        .then(|| view! { <NewSubscription project=project_id.clone() email_available version created /> });
    view! {
        <section class="project-subscriptions" data-project=project_id.clone()>
            <h2>{format!("Subscriptions — {project_name}")}</h2>
            {list}
            {form}
        </section>
    }
}

#[component]
fn SubscriptionCard(
    project: String,
    subscription: SubscriptionView,
    may_manage: bool,
    version: RwSignal<u32>,
) -> impl IntoView {
    let id = StoredValue::new(subscription.id.clone());
    let project = StoredValue::new(project);
    let test = Action::new(move |_: &()| test_subscription(project.get_value(), id.get_value()));
    let remove = Action::new(move |_: &()| delete_subscription(project.get_value(), id.get_value()));
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(test.value().get(), Some(Ok(_))) || matches!(remove.value().get(), Some(Ok(()))) {
            version.update(|v| *v += 1);
        }
    });
    let events = subscription.events.iter().map(|e| e.label()).collect::<Vec<_>>().join("; ");
    let t = subscription.thresholds;
    let limits = format!(
        "End of life within {} days · node not ready for {} min · etcd above {} %",
        t.end_of_life_days, t.node_not_ready_minutes, t.etcd_percent
    );
    let made = match &subscription.key_hint {
        Some(hint) => format!("Added by {} · signing key …{hint}", subscription.created_by),
        None => format!("Added by {}", subscription.created_by),
    };
    let outcome = move || {
        [test.value().get().map(|r| r.map(|_| ())), remove.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|error| view! { <ErrorMessage error /> })
    };
    let actions = may_manage.then(|| {
        view! {
            <div class="confirm-buttons">
                <button type="button" class="button secondary" disabled=move || test.pending().get() on:click=move |_| _ = test.dispatch(())>
                    "Send test"
                </button>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="button danger" on:click=move |_| confirming.set(true)>"Delete…"</button>
                    }
                >
                    <span>"Delete this subscription? Pending deliveries are dropped."</span>
                    <button type="button" class="button danger" on:click=move |_| _ = remove.dispatch(())>"Delete subscription"</button>
                    <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </Show>
            </div>
        }
    });
    view! {
        <article class="card subscription" data-subscription=subscription.name.clone()>
            <h3>{subscription.name.clone()}</h3>
            <p>{subscription.channel.describe()}</p>
            <p class="muted">{events}</p>
            <p class="muted">{limits}</p>
            <p class="muted">{made}</p>
            {actions}
            {outcome}
            <Deliveries deliveries=subscription.deliveries />
        </article>
    }
}

/// The subscription's newest deliveries.
#[component]
fn Deliveries(deliveries: Vec<DeliveryView>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="muted">"Nothing sent yet."</p> }.into_any();
    }
    let rows = deliveries
        .into_iter()
        .map(|d| {
            let state = match d.state {
                DeliveryState::Delivered => "Delivered".to_string(),
                DeliveryState::Failed => "Failed".to_string(),
                DeliveryState::Pending if d.attempts == 0 => "Waiting".to_string(),
                DeliveryState::Pending => format!(
                    "Retrying at {}",
                    d.next_attempt_at
                        .as_deref()
                        .map(|t| t.chars().skip(11).take(8).collect::<String>())
                        .unwrap_or_default()
                ),
            };
            let status = d.last_status.map_or("—".to_string(), |s| s.to_string());
            let error = d.last_error.clone().unwrap_or_default();
            let when = d.created_at.replace('T', " ").chars().take(19).collect::<String>();
            view! {
                <tr data-delivery=d.id.clone() data-state=d.state.as_str()>
                    <td>{when}</td>
                    <td>{d.title.clone()}</td>
                    <td>{state}</td>
                    <td>{d.attempts}</td>
                    <td>{status}</td>
                    <td>{error}</td>
                    <td><code>{d.id.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="deliveries">
            <summary>"Delivery log"</summary>
            <div class="table-scroll">
                <table class="list compact">
                    <thead>
                        <tr>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Message"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Attempts"</th>
                            <th scope="col">"Last answer"</th>
                            <th scope="col">"Last error"</th>
                            <th scope="col">"Delivery id"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}

/// The form to add a subscription; the created one (with its signing key) goes to `created`.
#[component]
fn NewSubscription(
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
fn KeyOnce(created: CreatedSubscription) -> impl IntoView {
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
