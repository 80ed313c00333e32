//! The Workloads tab: what runs inside the cluster, read by the server with the cluster's admin
//! credentials and refreshed every few seconds, so pods moving during an upgrade show as they
//! move. Deployments, Pending pods with the scheduler's reason, each node with what its pods
//! request against what it offers, the disruption budgets, and the drains a budget holds up.

use std::time::Duration;

use leptos::prelude::*;
use model::quantity::{format_bytes, format_cpu};
use model::workload_view::{NodePods, PodRow, WorkloadsView};

use crate::api::workloads;

/// How often the tab reads the cluster again.
const REFRESH: Duration = Duration::from_secs(3);

/// Reads the workloads at once and again every [`REFRESH`] while the page is open (in the
/// browser only), handing each read to `read`.
pub(super) fn keep_current(project: String, cluster: String, read: Callback<WorkloadsView>) {
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let fetch = move || {
        leptos::task::spawn_local(async move {
            if let Ok(view) = workloads(project.get_value(), cluster.get_value()).await {
                read.run(view);
            }
        });
    };
    Effect::new(move |_| {
        let handle = set_interval(fetch, REFRESH);
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
}

fn requests(pod: &PodRow) -> String {
    match (pod.cpu_millicores, pod.memory_bytes) {
        (0, 0) => "none".to_string(),
        (cpu, memory) => format!("{} CPU · {}", format_cpu(cpu), format_bytes(memory)),
    }
}

#[component]
pub(super) fn WorkloadsTab(project: String, cluster: String, view: WorkloadsView) -> impl IntoView {
    let view = RwSignal::new(view);
    keep_current(project, cluster, Callback::new(move |read| view.set(read)));
    let scope = move || {
        view.with(|v| match v.hidden_namespaces {
            0 => format!("All {} namespaces.", v.namespaces.len()),
            hidden => {
                format!("Namespaces {}; {hidden} more are not shown to your role.", v.namespaces.join(", "))
            }
        })
    };
    view! {
        <p class="muted" data-testid="workload-scope">{scope} " Read from the cluster every 3 seconds."</p>
        <HeldDrains view />
        <Pending view />
        <Deployments view />
        <NodesAndPods view />
        <Budgets view />
    }
}

#[component]
fn HeldDrains(view: RwSignal<WorkloadsView>) -> impl IntoView {
    move || {
        view.with(|v| {
            (!v.held_drains.is_empty()).then(|| {
                let items = v.held_drains.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view();
                view! {
                    <section class="card warning" role="status" aria-labelledby="held-title">
                        <h2 id="held-title">"Drains held up by disruption budgets"</h2>
                        <p>"A node's drain waits for these budgets, at most 10 minutes, then evicts anyway."</p>
                        <ul>{items}</ul>
                    </section>
                }
            })
        })
    }
}

#[component]
fn Pending(view: RwSignal<WorkloadsView>) -> impl IntoView {
    move || {
        view.with(|v| {
            (!v.pending.is_empty()).then(|| {
                let rows = v
                    .pending
                    .iter()
                    .map(|p| {
                        view! {
                            <tr>
                                <th scope="row">{format!("{}/{}", p.pod.namespace, p.pod.name)}</th>
                                <td>{requests(&p.pod)}</td>
                                <td>{p.reason.clone()}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-scroll">
                        <table class="list compact" data-testid="pending-pods">
                            <caption>{format!("Pending pods ({})", v.pending.len())} <span class="muted">" — no node has room for them"</span></caption>
                            <thead><tr><th scope="col">"Pod"</th><th scope="col">"Requests"</th><th scope="col">"Why"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
        })
    }
}

#[component]
fn Deployments(view: RwSignal<WorkloadsView>) -> impl IntoView {
    move || {
        view.with(|v| {
            if v.deployments.is_empty() {
                return view! { <p class="empty">"No Deployment in the namespaces you can see."</p> }
                    .into_any();
            }
            let rows = v
                .deployments
                .iter()
                .map(|d| {
                    view! {
                        <tr data-deployment=format!("{}/{}", d.namespace, d.name)>
                            <th scope="row">{d.name.clone()}</th>
                            <td>{d.namespace.clone()}</td>
                            <td data-testid="deployment-ready">{format!("{}/{}", d.ready, d.desired)}</td>
                            <td>{d.updated}</td>
                            <td>{d.available}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-scroll">
                    <table class="list compact">
                        <caption>"Deployments"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Namespace"</th>
                                <th scope="col">"Ready"</th>
                                <th scope="col">"Up to date"</th>
                                <th scope="col">"Available"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    }
}

/// A node's requested share of what it offers, as a meter and in words.
pub(super) fn load(node: &NodePods) -> impl IntoView + use<> {
    let (cpu, memory) = (node.cpu_percent(), node.memory_percent());
    let text = format!(
        "CPU {} of {} ({cpu} %), memory {} of {} ({memory} %)",
        format_cpu(node.cpu_requested),
        format_cpu(node.cpu_allocatable),
        format_bytes(node.memory_requested),
        format_bytes(node.memory_allocatable),
    );
    view! {
        <meter min="0" max="100" value=cpu.max(memory).to_string() high="85" aria-hidden="true"></meter>
        " "
        <span>{text}</span>
    }
}

#[component]
fn NodesAndPods(view: RwSignal<WorkloadsView>) -> impl IntoView {
    move || {
        view.with(|v| {
            v.nodes
                .iter()
                .map(|node| {
                    let state = match (node.ready, node.unschedulable) {
                        (true, false) => "Ready",
                        (true, true) => "Ready, no new pods (draining or cordoned)",
                        (false, _) => "Not ready",
                    };
                    let pods = node
                        .pods
                        .iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <th scope="row">{p.name.clone()}</th>
                                    <td>{p.namespace.clone()}</td>
                                    <td>{requests(p)}</td>
                                    <td>{if p.daemon { "on every node" } else { "moves when drained" }}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    let hidden = (node.hidden_pods > 0)
                        .then(|| view! { <p class="muted">{format!("And {} pod(s) in namespaces you cannot see.", node.hidden_pods)}</p> });
                    view! {
                        <section class="card node-pods" data-node=node.name.clone() aria-label=format!("Node {}", node.name)>
                            <h2>{node.name.clone()} <span class="muted">{node.pool.clone().map(|p| format!(" · pool {p}")).unwrap_or_default()}</span></h2>
                            <p>{state} " · " {load(node)}</p>
                            <div class="table-scroll">
                                <table class="list compact">
                                    <caption class="visually-hidden">{format!("Pods on {}", node.name)}</caption>
                                    <thead><tr><th scope="col">"Pod"</th><th scope="col">"Namespace"</th><th scope="col">"Requests"</th><th scope="col">"When drained"</th></tr></thead>
                                    <tbody>{pods}</tbody>
                                </table>
                            </div>
                            {hidden}
                        </section>
                    }
                })
                .collect_view()
        })
    }
}

#[component]
fn Budgets(view: RwSignal<WorkloadsView>) -> impl IntoView {
    move || {
        view.with(|v| {
            (!v.budgets.is_empty()).then(|| {
                let rows = v
                    .budgets
                    .iter()
                    .map(|b| {
                        let note = if b.allowed == 0 { "none now: drains wait" } else { "" };
                        view! {
                            <tr>
                                <th scope="row">{b.name.clone()}</th>
                                <td>{b.namespace.clone()}</td>
                                <td>{b.allowed} " " <span class="muted">{note}</span></td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-scroll">
                        <table class="list compact">
                            <caption>"Disruption budgets"</caption>
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Namespace"</th><th scope="col">"Evictions allowed"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
        })
    }
}
