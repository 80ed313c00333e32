//! The nodes of one pool on the Node pools tab: status, version and age, and removing one chosen
//! node (the pool shrinks by one).

use leptos::prelude::*;
use model::operation::OperationKind;
use model::pool_view::{NodeView, PoolView};

use super::pools::Context;
use crate::api::{removal_preflight, remove_node};
use crate::components::outcome::ErrorMessage;

#[component]
pub(super) fn Nodes(context: Context, pool: Memo<Option<PoolView>>) -> impl IntoView {
    let may_remove = context.role.allows(OperationKind::RemoveNode.required_role());
    // Rows are kept while a node's status and version stay the same (a confirmation in
    // progress survives the refreshes).
    let nodes = move || {
        pool.with(|p| {
            p.as_ref()
                .map(|p| p.nodes.iter().map(|n| (p.id.clone(), n.clone())).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="table-scroll">
            <table class="list compact">
                <caption>"Nodes"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Pods"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=nodes
                        key=|(_, node)| (node.id.clone(), node.status.as_wire().to_string(), node.version.clone())
                        let:((pool, node))
                    >
                        <NodeRow context pool node may_remove />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn NodeRow(context: Context, pool: String, node: NodeView, may_remove: bool) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let ids = StoredValue::new((pool, node.id.clone()));
    let node_name = StoredValue::new(node.name.clone());
    // Asked when the removal is: can this node's pods go elsewhere?
    let check = Action::new(move |_: &()| {
        let (pool, _) = ids.get_value();
        removal_preflight(
            context.project.get_value(),
            context.cluster.get_value(),
            pool,
            Some(node_name.get_value()),
            None,
        )
    });
    let found = move || match check.value().get() {
        None => "Checking where its pods would go… ".to_string(),
        Some(Ok(found)) if found.passes() => "Its pods find room on the other nodes. ".to_string(),
        Some(Ok(found)) => format!("{} ", found.issues.join(" ")),
        Some(Err(error)) => format!("Its pods could not be checked: {} ", error.message()),
    };
    let remove = Action::new(move |_: &()| {
        let (pool, node) = ids.get_value();
        remove_node(context.project.get_value(), context.cluster.get_value(), pool, node)
    });
    let outcome = move || {
        remove.value().get().map(|result| match result {
            Ok(_) => view! { <span class="notice" role="status">"Removal requested."</span> }.into_any(),
            Err(error) => view! { <ErrorMessage error inline=true /> }.into_any(),
        })
    };
    let pods = move || {
        context.workloads.with(|read| {
            match read.as_ref().and_then(|v| v.nodes.iter().find(|n| n.name == node_name.get_value())) {
                None if read.is_none() => "…".to_string(),
                None => "—".to_string(),
                Some(on) => format!(
                    "{} pods · CPU {} %, memory {} %",
                    on.pods.len() + on.hidden_pods,
                    on.cpu_percent(),
                    on.memory_percent()
                ),
            }
        })
    };
    let version =
        if node.is_up_to_date { node.version.clone() } else { format!("{} (update pending)", node.version) };
    let name = node.name.clone();
    let action = may_remove.then(|| {
        view! {
            <Show
                when=move || confirming.get()
                fallback=move || view! { <button type="button" class="button secondary" on:click=move |_| {
                    check.dispatch(());
                    confirming.set(true);
                }>"Remove…"</button> }
            >
                <span data-testid="removal-check">"The pool shrinks by one. " {found}</span>
                <button type="button" class="button danger" disabled=move || remove.pending().get() on:click=move |_| { remove.dispatch(()); }>
                    "Remove this node"
                </button>
                <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
            </Show>
            {outcome}
        }
    });
    view! {
        <tr data-node=name.clone()>
            <th scope="row">{name.clone()}</th>
            <td>{node.status.as_wire().to_string()}</td>
            <td>{version}</td>
            <td>{node.created_at.replace('T', " ").chars().take(16).collect::<String>()}</td>
            <td data-testid="node-pods">{pods}</td>
            <td class="actions">{action}</td>
        </tr>
    }
}
