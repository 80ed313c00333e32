//! The console-wide audit trail: who did what, to which target, when, from where, with which
//! outcome; filters in the address (so a filtered view can be shared), pages of 50, and exports.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::activity::{ActivityFilter, ActivityPage as Page, AuditEntry, Outcome};

use crate::api::activity;
use crate::components::outcome::caught;
use crate::error::AppError;

/// The filter the address asks for.
fn filter_from(query: &leptos_router::params::ParamsMap) -> ActivityFilter {
    let get = |name: &str| query.get(name).filter(|v| !v.trim().is_empty()).map(|v| v.trim().to_string());
    ActivityFilter {
        actor: get("actor"),
        action: get("action"),
        cluster: get("cluster"),
        since: get("since"),
        until: get("until"),
        outcome: get("outcome"),
        page: get("page").and_then(|p| p.parse().ok()),
    }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| filter_from(&query.read()));
    let entries = Resource::new(move || filter.get(), activity);
    view! {
        <Title text="Activity" />
        <section class="page">
            <h1>"Activity"</h1>
            <p class="lead">"Sign-ins, sign-outs and every change and download, newest first."</p>
            {move || view! { <Filters filter=filter.get() /> }}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                <ErrorBoundary fallback=caught>
                    {move || Suspend::new(async move {
                        let page = entries.await?;
                        Ok::<_, AppError>(view! { <Entries page filter=filter.get_untracked() /> })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

#[component]
fn Filters(filter: ActivityFilter) -> impl IntoView {
    let text = |id: &'static str, label: &'static str, value: Option<String>, hint: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input type="text" id=id name=id value=value.unwrap_or_default() placeholder=hint />
            </div>
        }
    };
    let outcome = filter.outcome.clone().unwrap_or_default();
    let options = std::iter::once("")
        .chain(Outcome::ALL.map(Outcome::as_str))
        .map(|value| {
            let label = if value.is_empty() { "Any" } else { value };
            view! {
                <option value=value selected=outcome == value>
                    {label}
                </option>
            }
        })
        .collect_view();
    view! {
        <form class="filters" method="get" action="/activity">
            {text("actor", "Actor", filter.actor, "alice")}
            {text("action", "Action", filter.action, "session.sign_in")}
            {text("cluster", "Cluster", filter.cluster, "name or id")}
            {text("since", "From", filter.since, "2026-11-01")}
            {text("until", "To", filter.until, "2026-11-30")}
            <div class="field">
                <label for="outcome">"Outcome"</label>
                <select id="outcome" name="outcome">{options}</select>
            </div>
            <div class="filter-buttons">
                <button type="submit" class="button">"Filter"</button>
                <a href="/activity" rel="external">"Clear"</a>
            </div>
        </form>
    }
}

#[component]
pub fn Entries(page: Page, filter: ActivityFilter) -> impl IntoView {
    let query = ActivityFilter { page: None, ..filter.clone() }.to_query();
    let link = |page: u32| {
        let query = ActivityFilter { page: Some(page), ..filter.clone() }.to_query();
        if query.is_empty() { "/activity".to_string() } else { format!("/activity?{query}") }
    };
    let export = |format: &str| {
        if query.is_empty() {
            format!("/api/activity.{format}")
        } else {
            format!("/api/activity.{format}?{query}")
        }
    };
    let (current, pages) = (page.page, page.pages());
    let previous = (current > 1).then(|| view! { <a href=link(current - 1) rel="external">"← Newer"</a> });
    let next = (current < pages).then(|| view! { <a href=link(current + 1) rel="external">"Older →"</a> });
    let summary = format!("{} entries · page {current} of {pages}", page.total);
    if page.entries.is_empty() {
        return view! {
            <p class="empty">"Nothing matches these filters."</p>
        }
        .into_any();
    }
    let rows = page.entries.into_iter().map(|entry| view! { <Row entry /> }).collect_view();
    view! {
        <div class="list-tools">
            <p class="muted" data-testid="activity-summary">{summary}</p>
            <p>
                "Export: " <a href=export("csv") rel="external" download="">"CSV"</a> " · "
                <a href=export("json") rel="external" download="">"JSON"</a>
            </p>
        </div>
        <div class="table-scroll">
            <table class="list">
                <thead>
                    <tr>
                        <th scope="col">"When (UTC)"</th>
                        <th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"From"</th>
                        <th scope="col">"Outcome"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">{previous} {next}</nav>
    }
    .into_any()
}

#[component]
fn Row(entry: AuditEntry) -> impl IntoView {
    let when = entry.occurred_at.get(..19).unwrap_or(&entry.occurred_at).replace('T', " ");
    let target = match (&entry.target_kind, &entry.target_name, &entry.target_id) {
        (Some(kind), Some(name), _) => format!("{} {name}", kind.label()),
        (Some(kind), None, Some(id)) => format!("{} {id}", kind.label()),
        (None, Some(detail), _) => detail.clone(),
        _ => String::new(),
    };
    view! {
        <tr>
            <td>{when}</td>
            <td>{entry.actor}</td>
            <td>
                <code>{entry.action.to_string()}</code>
            </td>
            <td>{target}</td>
            <td>{entry.actor_address.unwrap_or_default()}</td>
            <td>
                <span class=format!("outcome {}", entry.outcome.as_str())>{entry.outcome.as_str()}</span>
            </td>
        </tr>
    }
}
