//! Notifications: the inbox of the user's projects (what the bell counts), and per project the
//! subscriptions that send them out — a webhook (JSON signed, Slack, Teams) or an email address
//! — which admins add, test and delete, each with its delivery log.

use leptos::prelude::*;
use leptos_meta::Title;
use model::notification::{
    CreatedSubscription, DeliveryState, DeliveryView, InboxEntry, NotificationsView, ProjectSubscriptions,
    SubscriptionView,
};

use crate::api::{delete_subscription, mark_notifications_read, notifications, test_subscription};
use crate::components::outcome::{ErrorMessage, caught};
use crate::error::AppError;

mod new_subscription;
use new_subscription::{KeyOnce, NewSubscription};

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
#[cfg_attr(island = "Inboxes", island)]
#[cfg_attr(not(island = "Inboxes"), component)]
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
