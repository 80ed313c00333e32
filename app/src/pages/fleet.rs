//! The fleet: every cluster the user can see across their projects, what needs attention, each
//! project's estimated cost; filters, search and sorting kept in the address, a CSV export of
//! what is shown, and live updates from every project's event stream.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::fleet::{Attention, FleetProject, FleetRow, FleetView, Show, SortKey, select};
use model::status::DisplayState;

use crate::api::fleet;
use crate::components::live::follow_projects;
use crate::components::outcome::caught;
use crate::error::AppError;

#[component]
pub fn FleetPage() -> impl IntoView {
    let view = Resource::new(|| (), |_| fleet());
    let query = use_query_map();
    let wanted = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    view! {
        <Title text="Fleet" />
        <section class="page">
            <h1>"Fleet"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                <ErrorBoundary fallback=caught>
                    {move || Suspend::new(async move {
                        let fleet = view.await?;
                        let (show, text, sort) = (wanted("show"), wanted("q"), wanted("sort"));
                        Ok::<_, AppError>(view! { <Fleet fleet show text sort /> })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

/// The filters.
#[derive(Clone, Copy)]
struct Filters {
    show: RwSignal<Show>,
    text: RwSignal<String>,
    sort: RwSignal<SortKey>,
}

impl Filters {
    /// The address of the CSV export of what the table shows.
    fn export(&self) -> String {
        let show = self.show.get().key();
        let sort = self.sort.get().key();
        let text = self.text.get();
        let query: Vec<String> = [("show", show), ("q", text.as_str()), ("sort", sort)]
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={}", encode(value)))
            .collect();
        match query.is_empty() {
            true => "/api/fleet.csv".to_string(),
            false => format!("/api/fleet.csv?{}", query.join("&")),
        }
    }
}

/// `text` percent-encoded for a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The fleet with its filters, first those the address asks for (`?show=&q=&sort=`).
#[cfg_attr(island = "Fleet", island)]
#[cfg_attr(not(island = "Fleet"), component)]
fn Fleet(fleet: FleetView, show: String, text: String, sort: String) -> impl IntoView {
    let filters = Filters {
        show: RwSignal::new(Show::from_key(&show)),
        text: RwSignal::new(text),
        sort: RwSignal::new(SortKey::from_key(&sort)),
    };
    let projects: Vec<String> = fleet.projects.iter().map(|p| p.id.clone()).collect();
    let state = RwSignal::new(fleet);
    // Any change in any project: read the fleet again (from the server's catalog, no provider call).
    let reload = Action::new(|_: &()| crate::api::fleet());
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = reload.value().get() {
            state.set(fresh);
        }
    });
    follow_projects(projects, move || {
        if !reload.pending().get_untracked() {
            reload.dispatch(());
        }
    });
    let shown = Memo::new(move |_| {
        state.with(|fleet| {
            select(&fleet.rows, filters.show.get(), &filters.text.get(), filters.sort.get())
                .into_iter()
                .cloned()
                .collect::<Vec<FleetRow>>()
        })
    });
    let total = move || state.with(|f| f.rows.len());
    let summary = move || {
        state.with(|f| {
            let projects = f.projects.len();
            format!("{} clusters in {projects} project{}", f.rows.len(), if projects == 1 { "" } else { "s" })
        })
    };
    view! {
        <p class="lead" data-testid="fleet-summary">{summary}</p>
        <Projects state />
        <AttentionBar state filters />
        <form class="filters" role="search" on:submit=|event| event.prevent_default()>
            <div class="field">
                <label for="fleet-search">"Search"</label>
                <input
                    id="fleet-search"
                    type="text"
                    placeholder="name, project, region, version or id"
                    prop:value=move || filters.text.get()
                    on:input=move |event| filters.text.set(event_target_value(&event))
                />
            </div>
            <div class="field">
                <label for="fleet-sort">"Sort"</label>
                <select id="fleet-sort" on:change=move |event| filters.sort.set(SortKey::from_key(&event_target_value(&event)))>
                    {SortKey::ALL
                        .into_iter()
                        .map(|key| {
                            let selected = filters.sort.get_untracked() == key;
                            view! { <option value=key.key() selected=selected>{key.label()}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <a class="button secondary" href=move || filters.export() download="fleet.csv" rel="external">
                    "Export CSV"
                </a>
            </div>
        </form>
        <p class="muted" data-testid="fleet-count">{move || format!("{} of {} clusters", shown.with(Vec::len), total())}</p>
        <Show
            when=move || shown.with(|rows| !rows.is_empty())
            fallback=move || {
                let text = if total() == 0 {
                    "No clusters in your projects yet."
                } else {
                    "No cluster matches these filters."
                };
                view! { <p class="empty">{text}</p> }
            }
        >
            <FleetTable shown />
        </Show>
    }
}

/// Each project: its clusters, its estimated monthly cost, how fresh its list is.
#[component]
fn Projects(state: RwSignal<FleetView>) -> impl IntoView {
    let rows = move || {
        state.with(|fleet| {
            fleet
                .projects
                .iter()
                .map(|project| {
                    let cost = project_cost(project, &fleet.currency);
                    let link = format!("/clusters?project={}", project.id);
                    view! {
                        <tr data-project=project.id.clone()>
                            <th scope="row">
                                <a href=link>{project.name.clone()}</a>
                            </th>
                            <td>{project.clusters}</td>
                            <td>{cost}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let origin = move || state.with(|f| format!("Nodes only. {}", f.prices_origin));
    view! {
        <div class="table-scroll">
            <table class="list compact" data-testid="fleet-projects">
                <caption class="visually-hidden">"Projects"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Project"</th>
                        <th scope="col">"Clusters"</th>
                        <th scope="col">"Estimated cost per month"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="muted">{origin}</p>
    }
}

/// "182.50 EUR", a range where pools autoscale, or why there is no figure.
fn project_cost(project: &FleetProject, currency: &str) -> String {
    if let Some(problem) = &project.problem {
        return problem.clone();
    }
    match &project.cost {
        Some(cost) => {
            let figure = cost.monthly.describe(currency);
            match cost.unpriced_note() {
                Some(note) => format!("{figure} ({note})"),
                None => figure,
            }
        }
        None => "Not known until every cluster's node pools were read".to_string(),
    }
}

/// One button per reason, with how many clusters need it; pressing one shows only those.
#[component]
fn AttentionBar(state: RwSignal<FleetView>, filters: Filters) -> impl IntoView {
    let button = move |show: Show, label: &'static str| {
        let count = move || {
            state.with(|fleet| match show {
                Show::All => fleet.rows.len(),
                Show::Attention => fleet.rows.iter().filter(|r| !r.attention.is_empty()).count(),
                Show::Only(attention) => fleet.count(attention),
            })
        };
        let pressed = move || filters.show.get() == show;
        let warn = move || show != Show::All && count() != 0;
        let text = move || format!("{label} ({})", count());
        view! {
            <li>
                <button
                    type="button"
                    class="chip"
                    class:active=pressed
                    class:warn=warn
                    aria-pressed=move || pressed().to_string()
                    data-attention=show.key()
                    on:click=move |_| filters.show.set(if pressed() && show != Show::All { Show::All } else { show })
                >
                    {text}
                </button>
            </li>
        }
    };
    let reasons = Attention::ALL.into_iter().map(|a| button(Show::Only(a), a.label())).collect_view();
    view! {
        <nav aria-label="Needs attention">
            <ul class="chips" data-testid="attention-filters">
                {button(Show::All, "All clusters")}
                {button(Show::Attention, "Needs attention")}
                {reasons}
            </ul>
        </nav>
    }
}

/// The clusters shown, keyed by project and id.
#[component]
fn FleetTable(shown: Memo<Vec<FleetRow>>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="list fleet" data-testid="fleet-clusters">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Project"</th>
                        <th scope="col">"Region"</th>
                        <th scope="col">"Plan"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Nodes ready"</th>
                        <th scope="col">"etcd"</th>
                        <th scope="col">"Needs attention"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || shown.get()
                        key=row_key
                        let:row
                    >
                        <Row row />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// A row is drawn again when anything it shows changes.
fn row_key(row: &FleetRow) -> String {
    serde_json::to_string(row).unwrap_or_else(|_| row.cluster.id.clone())
}

#[component]
fn Row(row: FleetRow) -> impl IntoView {
    let cluster = &row.cluster;
    let link = format!("/clusters/{}?project={}", cluster.id, row.project_id);
    let state = format!("status {}", cluster.status.display_state().name());
    let nodes = match cluster.nodes {
        Some(nodes) => format!("{} / {}", nodes.ready, nodes.total),
        None => "—".to_string(),
    };
    let version = match &row.end_of_life {
        Some(end) => format!("{} — {end}", cluster.version),
        None => cluster.version.clone(),
    };
    let etcd = row.etcd_percent.map_or("—".to_string(), |p| format!("{p} %"));
    let reasons = if row.attention.is_empty() {
        "—".to_string()
    } else {
        row.attention.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ")
    };
    let not_ready = cluster.status.display_state() == DisplayState::NotReady;
    view! {
        <tr data-cluster=cluster.name.clone() data-project=row.project_id.clone() class:attention=!row.attention.is_empty()>
            <th scope="row">
                <a href=link>{cluster.name.clone()}</a>
            </th>
            <td>{row.project_name.clone()}</td>
            <td>{cluster.region.clone()}</td>
            <td>{cluster.plan.api_value()}</td>
            <td class:warn=row.end_of_life.is_some()>{version}</td>
            <td>
                <span class=state class:warn=not_ready>{cluster.status.as_wire().to_string()}</span>
            </td>
            <td>{nodes}</td>
            <td>{etcd}</td>
            <td data-testid="attention">{reasons}</td>
        </tr>
    }
}
