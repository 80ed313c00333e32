//! The Upgrades tab: the current and next versions, how the plan upgrades nodes, a pre-flight
//! check, starting an upgrade, and every node's progress, kept current by live updates.

use leptos::prelude::*;
use model::access::Role;
use model::capacity::{DrainCheck, NodeLoad, check_in_place_drain};
use model::cluster_view::ClusterOverview;
use model::operation::OperationKind;
use model::plan::{Plan, UpgradeStrategy};
use model::pool_view::PoolView;
use model::resources::Resources;
use model::version::UpdateStrategy;

use super::pools::reload_on_changes;
use crate::api::upgrade_cluster;
use crate::components::outcome::outcome;
use crate::error::AppError;

fn strategy_text(plan: Plan) -> &'static str {
    match plan.upgrade_strategy() {
        UpgradeStrategy::InPlace => {
            "This plan upgrades nodes in place, strictly one at a time: each node is drained (its pods move to the others), upgraded, and back before the next starts. While a node drains, the cluster has one node less."
        }
        UpgradeStrategy::Rolling => {
            "This plan upgrades with extra nodes: a new node joins first, then an old one is drained and deleted, across all pools. Capacity never drops; the extra nodes are billed while they run."
        }
    }
}

/// The pre-flight check from the model. The console does not see the pods' requests, so the
/// nodes count as empty: what remains is whether one node can drain at all.
fn preflight(plan: Plan, pools: &[PoolView]) -> Option<&'static str> {
    if plan.upgrade_strategy() != UpgradeStrategy::InPlace {
        return None;
    }
    let empty = Resources { cpu_millicores: 0, memory_mb: 0, storage_gb: 0.0 };
    let loads: Vec<NodeLoad> = pools
        .iter()
        .flat_map(|p| p.nodes.iter().map(|_| NodeLoad { allocatable: empty, requested: empty, pods: 0 }))
        .collect();
    match check_in_place_drain(&loads) {
        DrainCheck::SingleNode => Some(
            "This cluster has a single node: while it is upgraded, every workload stops until it is back. Add a node first to keep them running.",
        ),
        DrainCheck::Short { .. } => Some("The other nodes cannot take the pods of a drained node."),
        DrainCheck::Fits => None,
    }
}

#[component]
pub fn UpgradesTab(
    project: String,
    cluster: String,
    overview: Memo<ClusterOverview>,
    pools: Vec<PoolView>,
    role: Role,
    changes: Memo<u64>,
) -> impl IntoView {
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let pools = RwSignal::new(pools);
    reload_on_changes(project, cluster, pools, changes);
    let may_upgrade = role.allows(OperationKind::UpgradeCluster.required_role());
    let start = Action::new(move |strategy: &UpdateStrategy| {
        upgrade_cluster(project.get_value(), cluster.get_value(), *strategy)
    });
    view! {
        <section class="card">
            <h2>"Version"</h2>
            <VersionFacts overview pools />
            {may_upgrade.then(|| view! { <UpgradeButtons overview start /> })}
            {move || outcome(start.value().get(), "Upgrade requested; the nodes below follow it.")}
            {(!may_upgrade).then(|| view! { <p class="muted">"Starting an upgrade needs the operator role."</p> })}
        </section>
        <UpgradeNodes pools />
    }
}

/// The version running, the next one, and how the plan upgrades (with what the pre-flight found).
#[component]
fn VersionFacts(overview: Memo<ClusterOverview>, pools: RwSignal<Vec<PoolView>>) -> impl IntoView {
    let plan = Memo::new(move |_| overview.with(|c| c.plan));
    let next = move || overview.with(|c| (c.next_versions.first().cloned(), c.patch_pending));
    view! {
        <dl class="facts">
            <dt>"Running"</dt>
            <dd data-testid="running-version">{move || overview.with(|c| c.version.clone())}</dd>
            <dt>"Next"</dt>
            <dd>
                {move || match next() {
                    (Some(v), _) => format!("Kubernetes {v}"),
                    (None, true) => "A patch of this version".to_string(),
                    (None, false) => "Nothing: this cluster is up to date".to_string(),
                }}
            </dd>
        </dl>
        <p>{move || strategy_text(plan.get())}</p>
        {move || {
            pools
                .with(|p| preflight(plan.get(), p))
                .map(|warning| view! { <p class="warning" role="status">{warning}</p> })
        }}
        {move || {
            (plan.get().upgrade_strategy() == UpgradeStrategy::InPlace)
                .then(|| {
                    view! {
                        <p class="muted">
                            "Pre-flight check: the console cannot see your pods' resource requests yet, so it only checks that a node can drain at all."
                        </p>
                    }
                })
        }}
    }
}

/// One button per upgrade on offer: the next minor, the latest patch.
#[component]
fn UpgradeButtons(
    overview: Memo<ClusterOverview>,
    start: Action<UpdateStrategy, Result<String, AppError>>,
) -> impl IntoView {
    let button = move |strategy: UpdateStrategy, class: &'static str, text: String| {
        view! {
            <button type="button" class=class disabled=move || start.pending().get() on:click=move |_| {
                start.dispatch(strategy);
            }>
                {text}
            </button>
        }
    };
    move || {
        let (next, patch) = overview.with(|c| (c.next_versions.first().cloned(), c.patch_pending));
        let minor =
            next.map(|v| button(UpdateStrategy::NextMinor, "button", format!("Upgrade to Kubernetes {v}")));
        let latest = patch.then(|| {
            button(UpdateStrategy::LatestPatch, "button secondary", "Apply the latest patch".into())
        });
        view! { <div class="confirm-buttons">{minor} {latest}</div> }
    }
}

/// Every node with its version, as the upgrade reaches it.
#[component]
fn UpgradeNodes(pools: RwSignal<Vec<PoolView>>) -> impl IntoView {
    let nodes = move || {
        pools.with(|pools| {
            pools
                .iter()
                .flat_map(|p| p.nodes.iter().map(|n| (p.spec.name.clone(), n.clone())))
                .collect::<Vec<_>>()
        })
    };
    let summary = move || {
        let all = nodes();
        let done = all.iter().filter(|(_, n)| n.is_up_to_date).count();
        format!("{done} of {} nodes up to date", all.len())
    };
    let rows = move || {
        nodes()
            .into_iter()
            .map(|(pool, node)| {
                view! {
                    <tr data-node=node.name.clone()>
                        <th scope="row">{node.name.clone()}</th>
                        <td>{pool}</td>
                        <td>{node.version.clone()}</td>
                        <td data-testid="node-status">{node.status.as_wire().to_string()}</td>
                        <td>{if node.is_up_to_date { "yes" } else { "not yet" }}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card">
            <h2>"Nodes"</h2>
            <p data-testid="upgrade-summary">{summary}</p>
            <div class="table-scroll">
                <table class="list compact">
                    <thead>
                        <tr>
                            <th scope="col">"Node"</th>
                            <th scope="col">"Pool"</th>
                            <th scope="col">"Version"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Up to date"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
