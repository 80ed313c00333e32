//! Step 6: everything on one page, the cost, warnings, the provider request, and Create.

use leptos::prelude::*;
use model::capabilities::ApiRequest;
use model::cluster_spec::ClusterSpec;
use model::cost::PriceList;
use model::flavor::GPU_READY_WARNING;
use model::node_pool::NodePoolSpec;
use model::operation::{OperationState, OperationView};

use super::{DraftStoreFields, STEPS, Wizard, forget_draft, step_of};
use crate::api::{create_cluster, creation_request};
use crate::components::browser;
use crate::components::copyable::Copyable;
use crate::components::outcome::ErrorMessage;
use crate::error::AppError;

fn pool_size(pool: &model::NodePoolSpec) -> String {
    if pool.autoscale {
        format!("{} nodes now, autoscaled {}–{}", pool.desired_nodes, pool.min_nodes, pool.max_nodes)
    } else {
        format!("{} nodes", pool.desired_nodes)
    }
}

#[component]
pub fn ReviewStep(wizard: Wizard, prices: PriceList) -> impl IntoView {
    let spec = Memo::new(move |_| wizard.draft.with(|d| d.to_spec().0));
    let problems = Memo::new(move |_| wizard.errors.with(|e| e.iter().cloned().collect::<Vec<_>>()));
    let prices = StoredValue::new(prices);
    view! {
        {move || {
            let problems = problems.get();
            (!problems.is_empty())
                .then(|| {
                    let items = problems
                        .into_iter()
                        .map(|p| {
                            let step = step_of(&p.field);
                            view! {
                                <li>
                                    <a href=wizard.href(step)>{STEPS[step].1}</a>
                                    ": "
                                    {p.message}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="problems" role="alert">
                            <p><strong>"Fix these before creating the cluster:"</strong></p>
                            <ul>{items}</ul>
                        </div>
                    }
                })
        }}
        {move || view! { <Summary spec=spec.get() prices=prices.get_value() /> }}
        <ApiPreview wizard spec />
        <super::as_code::CodePreview wizard spec />
        <CreateButton wizard spec />
    }
}

#[component]
fn Summary(spec: ClusterSpec, prices: PriceList) -> impl IntoView {
    let network = match &spec.private_network {
        None => "Public network".to_string(),
        Some(net) => format!(
            "Private network {}{}",
            net.private_network_id,
            net.nodes_subnet_id.as_ref().map(|s| format!(", nodes subnet {s}")).unwrap_or_default()
        ),
    };
    let ranges = spec
        .ip_allocation_policy
        .map(|p| format!("pods {}, services {}", p.pods_ipv4_cidr, p.services_ipv4_cidr))
        .unwrap_or_else(|| "the plan's defaults".into());
    let allow = if spec.api_allow_list.is_empty() {
        "every address".to_string()
    } else {
        spec.api_allow_list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    let gpu =
        spec.node_pools.iter().any(|p| model::catalogue::flavor(&p.flavor_name).is_some_and(|f| f.is_gpu()));
    view! {
        <dl class="facts">
            <dt>"Name"</dt>
            <dd>{spec.name.clone()}</dd>
            <dt>"Plan"</dt>
            <dd>{spec.plan.name()}</dd>
            <dt>"Region"</dt>
            <dd>{spec.region.clone()}</dd>
            <dt>"Version"</dt>
            <dd>{spec.version.to_string()}</dd>
            <dt>"Security patches"</dt>
            <dd>{spec.update_policy.label()}</dd>
            <dt>"kube-proxy"</dt>
            <dd>{spec.kube_proxy_mode.as_wire().to_string()}</dd>
            <dt>"Network"</dt>
            <dd>{network}</dd>
            <dt>"Pod and service ranges"</dt>
            <dd>{ranges}</dd>
            <dt>"API server reachable from"</dt>
            <dd>{allow}</dd>
        </dl>
        <PoolsSummary pools=spec.node_pools.clone() />
        <CostSummary spec=spec.clone() prices />
        {gpu.then(|| view! { <p class="warning" role="status">{GPU_READY_WARNING}</p> })}
    }
}

/// The node pools as they will be created.
#[component]
fn PoolsSummary(pools: Vec<NodePoolSpec>) -> impl IntoView {
    let pools = pools
        .iter()
        .map(|pool| {
            let zone = pool.availability_zones.first().cloned().unwrap_or_else(|| "—".into());
            view! {
                <tr>
                    <th scope="row">{pool.name.clone()}</th>
                    <td>{pool.flavor_name.clone()}</td>
                    <td>{pool_size(pool)}</td>
                    <td>{zone}</td>
                    <td>{if pool.anti_affinity { "yes" } else { "no" }}</td>
                    <td>{if pool.monthly_billed { "monthly" } else { "hourly" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="list">
                <caption>"Node pools"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Pool"</th>
                        <th scope="col">"Flavor"</th>
                        <th scope="col">"Size"</th>
                        <th scope="col">"Zone"</th>
                        <th scope="col">"Anti-affinity"</th>
                        <th scope="col">"Billing"</th>
                    </tr>
                </thead>
                <tbody>{pools}</tbody>
            </table>
        </div>
    }
}

/// What the nodes will cost, as a range where pools autoscale.
#[component]
fn CostSummary(spec: ClusterSpec, prices: PriceList) -> impl IntoView {
    let estimate = prices.estimate(&spec.node_pools);
    let figures = estimate.describe(&prices.currency);
    let note = ["Nodes only; a range where pools autoscale.".to_string(), prices.origin()]
        .into_iter()
        .chain(estimate.unpriced_note())
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="cost" data-testid="cost">
            <p>
                <strong>"Estimated cost: "</strong>
                <span>{figures}</span>
            </p>
            <p class="muted">{note}</p>
        </div>
    }
}

/// "Show as API request": the exact body the console will send, and the same as curl.
#[component]
fn ApiPreview(wizard: Wizard, spec: Memo<ClusterSpec>) -> impl IntoView {
    // Asked for only once opened, and again as the draft changes.
    let opened = RwSignal::new(false);
    let request = Resource::new(
        move || opened.get().then(|| (wizard.project.get_value(), spec.get())),
        |asked| async move {
            match asked {
                Some((project, spec)) => Some(creation_request(project, spec).await),
                None => None,
            }
        },
    );
    let shown = move || {
        request.get().flatten().map(|result| match result {
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
            Ok(request) => view! { <RequestText request /> }.into_any(),
        })
    };
    view! {
        <details class="api-request" on:toggle=move |_| opened.set(true)>
            <summary>"Show as API request"</summary>
            <Suspense fallback=|| view! { <p class="muted">"Preparing…"</p> }>{shown}</Suspense>
        </details>
    }
}

#[component]
fn RequestText(request: ApiRequest) -> impl IntoView {
    let curl = request.curl();
    view! {
        <p>
            <code>{format!("{} {}", request.method, request.url)}</code>
        </p>
        <Copyable button="Copy JSON" text=request.body testid="request-body" />
        <Copyable button="Copy curl" text=curl testid="request-curl" />
        <p class="muted">
            "The curl command reads an OAuth2 access token from $OVH_ACCESS_TOKEN; nothing secret is shown here. An API server allow-list is a second request, made once the cluster exists."
        </p>
    }
}

#[component]
fn CreateButton(wizard: Wizard, spec: Memo<ClusterSpec>) -> impl IntoView {
    let navigate = browser::navigator();
    let create = Action::new(|(project, spec, key): &(String, ClusterSpec, String)| {
        let (project, spec, key) = (project.clone(), spec.clone(), key.clone());
        async move { create_cluster(project, spec, key).await }
    });
    // Once the provider has the cluster: forget the draft and go to the cluster's page. When the
    // provider refused it, the next Create is a new request: it gets a new key.
    Effect::new(move |_| match create.value().get() {
        Some(Ok(OperationView { cluster_id: Some(cluster), .. })) => {
            let project = wizard.project.get_value();
            forget_draft(&project);
            navigate(&format!("/clusters/{cluster}?project={project}"));
        }
        Some(Ok(OperationView { state: OperationState::Failed, .. })) => {
            wizard.draft.key().set(browser::random_key());
        }
        _ => {}
    });
    let blocked = move || create.pending().get() || wizard.errors.with(|e| !e.is_empty());
    let submit = move |_| {
        if !blocked() {
            let key = wizard.draft.key().get();
            create.dispatch((wizard.project.get_value(), spec.get(), key));
        }
    };
    let outcome = move || {
        create.value().get().map(|result: Result<OperationView, AppError>| match result {
            Ok(op) if op.cluster_id.is_some() => {
                view! { <p class="notice" role="status">"Created. Opening the cluster…"</p> }.into_any()
            }
            Ok(OperationView { error: Some(error), .. }) => view! {
                <p class="error" role="alert">
                    "The provider refused: " {error.message} {error.query_id.map(|q| format!(" (query id {q})"))}
                </p>
            }
            .into_any(),
            Ok(op) => view! {
                <p class="notice" role="status">
                    "The creation is queued (operation " {op.id}
                    "); the provider has not answered yet. The cluster appears in the list once it has."
                </p>
            }
            .into_any(),
            Err(AppError::Invalid { errors }) => {
                let items = errors
                    .iter()
                    .map(|e| view! { <li>{e.message.clone()}</li> })
                    .collect_view();
                view! { <ul class="error" role="alert">{items}</ul> }.into_any()
            }
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })
    };
    view! {
        <div class="create">
            <button type="button" class="button primary" disabled=blocked on:click=submit>
                {move || if create.pending().get() { "Creating…" } else { "Create cluster" }}
            </button>
            {outcome}
        </div>
    }
}
