//! The Upgrades tab: the current and next versions, how the plan upgrades nodes, a pre-flight
//! check, starting an upgrade, and every node's progress, kept current by live updates.

use leptos::prelude::*;
use model::access::Role;
use model::cluster_view::ClusterOverview;
use model::operation::OperationKind;
use model::plan::{Plan, UpgradeStrategy};
use model::pool_view::PoolView;
use model::version::UpdateStrategy;
use model::workload_view::Preflight;

use super::pools::reload_on_changes;
use crate::api::{upgrade_cluster, upgrade_preflight};
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
    let check = Action::new(move |_: &()| upgrade_preflight(project.get_value(), cluster.get_value()));
    Effect::new(move |_| {
        check.dispatch(());
    });
    view! {
        <section class="card">
            <h2>"Version"</h2>
            <VersionFacts overview />
            <PreflightResult check />
            {may_upgrade.then(|| view! { <UpgradeButtons overview start check /> })}
            {move || outcome(start.value().get(), "Upgrade requested; the nodes below follow it.")}
            {(!may_upgrade).then(|| view! { <p class="muted">"Starting an upgrade needs the operator role."</p> })}
        </section>
        <UpgradeNodes pools />
    }
}

/// The version running, the next one, and how the plan upgrades (with what the pre-flight found).
#[component]
fn VersionFacts(overview: Memo<ClusterOverview>) -> impl IntoView {
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
    }
}

/// What the pre-flight found: the pods that would find no room while a node drains, the
/// budgets that would hold a drain up, or that nothing would.
#[component]
fn PreflightResult(check: Action<(), Result<Preflight, AppError>>) -> impl IntoView {
    let result = move || {
        match check.value().get() {
        None => view! { <p class="muted">"Checking the cluster's pods against its nodes…"</p> }.into_any(),
        Some(Err(error)) => view! {
            <p class="muted">"The pre-flight check could not read the cluster: " {error.message()}</p>
        }
        .into_any(),
        Some(Ok(found)) if found.passes() => view! {
            <p class="notice" data-testid="preflight-passes">
                {format!("{} pods on {} nodes: every drain finds room, and no disruption budget holds one up.", found.pods, found.nodes)}
            </p>
        }
        .into_any(),
        Some(Ok(found)) => {
            let issues = found.issues.iter().map(|i| view! { <li>{i.clone()}</li> }).collect_view();
            view! {
                <div class="warning" role="alert" data-testid="preflight-issues">
                    <p>{format!("{} pods on {} nodes; while nodes drain:", found.pods, found.nodes)}</p>
                    <ul>{issues}</ul>
                </div>
            }
            .into_any()
        }
    }
    };
    view! {
        <section class="preflight" aria-labelledby="preflight-title">
            <h3 id="preflight-title">"Pre-flight check"</h3>
            {result}
            <button type="button" class="button secondary" disabled=move || check.pending().get() on:click=move |_| {
                check.dispatch(());
            }>"Check again"</button>
        </section>
    }
}

/// One button per upgrade on offer (the next minor, the latest patch); each asks first, with
/// what the pre-flight found, read again at that moment.
#[component]
fn UpgradeButtons(
    overview: Memo<ClusterOverview>,
    start: Action<UpdateStrategy, Result<String, AppError>>,
    check: Action<(), Result<Preflight, AppError>>,
) -> impl IntoView {
    let asking = RwSignal::new(None::<(UpdateStrategy, String)>);
    let button = move |strategy: UpdateStrategy, class: &'static str, text: String| {
        let target = text.clone();
        view! {
            <button type="button" class=class disabled=move || start.pending().get() || asking.with(Option::is_some) on:click=move |_| {
                check.dispatch(());
                asking.set(Some((strategy, target.clone())));
            }>
                {text}
            </button>
        }
    };
    let buttons = move || {
        let (next, patch) = overview.with(|c| (c.next_versions.first().cloned(), c.patch_pending));
        let minor =
            next.map(|v| button(UpdateStrategy::NextMinor, "button", format!("Upgrade to Kubernetes {v}")));
        let latest = patch.then(|| {
            button(UpdateStrategy::LatestPatch, "button secondary", "Apply the latest patch".into())
        });
        view! { <div class="confirm-buttons">{minor} {latest}</div> }
    };
    let confirm = move || {
        asking.get().map(|(strategy, what)| {
            let found = move || check.value().get().and_then(Result::ok);
            let warned = move || found().is_some_and(|f| !f.passes());
            let question = move || match (check.pending().get(), found()) {
                (true, _) => "Checking the pods once more…".to_string(),
                (false, Some(f)) if !f.passes() => format!(
                    "{what}? The pre-flight check above found {} problem(s): pods may stay Pending or a drain may wait.",
                    f.issues.len()
                ),
                _ => format!("{what}? The pre-flight check found no problem."),
            };
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby="upgrade-question">
                    <p id="upgrade-question">{question}</p>
                    <div class="confirm-buttons">
                        <button type="button" class=move || if warned() { "button danger" } else { "button" }
                            disabled=move || check.pending().get() || start.pending().get()
                            on:click=move |_| {
                                start.dispatch(strategy);
                                asking.set(None);
                            }>
                            {move || if warned() { "Upgrade anyway" } else { "Start the upgrade" }}
                        </button>
                        <button type="button" class="button secondary" on:click=move |_| asking.set(None)>"Cancel"</button>
                    </div>
                </div>
            }
        })
    };
    view! { {buttons} {confirm} }
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
