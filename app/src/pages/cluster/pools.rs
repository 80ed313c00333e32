//! The Node pools tab: each pool with its sizes, status and nodes, kept current by the cluster's
//! live updates; edit the mutable settings (the model judges them, fixed fields are shown with
//! why), delete a pool, remove one chosen node.

use leptos::prelude::*;
use model::access::Role;
use model::operation::OperationKind;
use model::plan::Plan;
use model::pool_view::PoolView;

use crate::api::{delete_node_pool, node_pools};
use crate::components::metadata_text::{pairs_text, taints_text};
use crate::components::outcome::outcome;
use crate::pages::wizard::PoolDraft;

use super::edit_pool::EditPool;
use super::new_pool::NewPool;
use super::nodes::Nodes;

/// What every part of the tab works with.
#[derive(Clone, Copy)]
pub(super) struct Context {
    pub(super) project: StoredValue<String>,
    pub(super) cluster: StoredValue<String>,
    pub(super) plan: Plan,
    pub(super) role: Role,
    pub(super) pools: RwSignal<Vec<PoolView>>,
    /// The new-pool form's starting point while it is open.
    pub(super) new_pool: RwSignal<Option<PoolDraft>>,
    /// What runs on each node, once read (in the browser).
    pub(super) workloads: RwSignal<Option<model::workload_view::WorkloadsView>>,
}

#[component]
pub fn PoolsTab(
    project: String,
    cluster: String,
    plan: Plan,
    region: String,
    role: Role,
    pools: Vec<PoolView>,
    changes: Memo<u64>,
) -> impl IntoView {
    let context = Context {
        project: StoredValue::new(project),
        cluster: StoredValue::new(cluster),
        plan,
        role,
        pools: RwSignal::new(pools),
        new_pool: RwSignal::new(None),
        workloads: RwSignal::new(None),
    };
    super::workloads::keep_current(
        context.project.get_value(),
        context.cluster.get_value(),
        Callback::new(move |read| context.workloads.set(Some(read))),
    );
    let requested = RwSignal::new(None::<String>);
    let add = move |_| {
        let name = format!("pool-{}", context.pools.with(Vec::len) + 1);
        requested.set(None);
        context.new_pool.set(Some(PoolDraft { name, ..PoolDraft::default() }));
    };
    let may_create = role.allows(OperationKind::CreateNodePool.required_role());
    let region = StoredValue::new(region);
    view! {
        {may_create.then(|| view! {
            <div class="pool-actions">
                <button type="button" class="button" on:click=add>"Add a node pool"</button>
            </div>
        })}
        {move || requested.get().map(|name| view! {
            <p class="notice" role="status">{format!("Pool {name} requested; it appears below once the provider has it.")}</p>
        })}
        // Its own Suspense: the form's loads must not suspend the page around it.
        {move || context.new_pool.get().map(|start| view! {
            <Suspense fallback=|| view! { <p class="muted">"Loading the region's flavors…"</p> }>
                <NewPool project=context.project cluster=context.cluster plan region=region.get_value() pools=context.pools start open=context.new_pool requested />
            </Suspense>
        })}
        <PoolList context changes />
    }
}

/// Loads the cluster's pools again into `pools` at each provider update after the first.
pub fn reload_on_changes(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    pools: RwSignal<Vec<PoolView>>,
    changes: Memo<u64>,
) {
    Effect::new(move |previous: Option<u64>| {
        let now = changes.get();
        if previous.is_some_and(|p| p != now) {
            leptos::task::spawn_local(async move {
                if let Ok(loaded) = node_pools(project.get_value(), cluster.get_value()).await {
                    pools.set(loaded);
                }
            });
        }
        now
    });
}

/// The pools, first as the server rendered them, then reloaded at each provider update (the
/// rows stay, so an open editor keeps what is typed).
#[component]
fn PoolList(context: Context, changes: Memo<u64>) -> impl IntoView {
    reload_on_changes(context.project, context.cluster, context.pools, changes);
    let ids = move || context.pools.with(|pools| pools.iter().map(|p| p.id.clone()).collect::<Vec<_>>());
    view! {
        <For each=ids key=|id| id.clone() let:id>
            <Pool context id />
        </For>
        <Show when=move || context.pools.with(Vec::is_empty)>
            <p class="empty">"This cluster has no node pools."</p>
        </Show>
    }
}

#[component]
fn Pool(context: Context, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let pool = Memo::new(move |_| {
        context.pools.with(|pools| pools.iter().find(|p| p.id == id.get_value()).cloned())
    });
    let field =
        move |pick: fn(&PoolView) -> String| move || pool.with(|p| p.as_ref().map(pick).unwrap_or_default());
    let editing = RwSignal::new(false);
    let may_edit = context.role.allows(OperationKind::UpdateNodePool.required_role());
    let may_delete = context.role.allows(OperationKind::DeleteNodePool.required_role());
    let name = field(|p| p.spec.name.clone());
    view! {
        <section class="pool card" data-pool=name>
            <h3>
                {name} " " <span class="muted">{field(|p| p.spec.flavor_name.clone())}</span> " "
                <span class="status">{field(|p| p.status.as_wire().to_string())}</span>
            </h3>
            <dl class="facts">
                <dt>"Nodes"</dt>
                <dd data-testid="pool-counts">
                    {field(|p| {
                        format!(
                            "{} desired · {} current · {} available · {} up to date",
                            p.spec.desired_nodes,
                            p.current_nodes,
                            p.available_nodes,
                            p.up_to_date_nodes,
                        )
                    })}
                </dd>
                <dt>"Size"</dt>
                <dd>{field(|p| p.size_status.as_wire().replace('_', " ").to_lowercase())}</dd>
                <dt>"Autoscaling"</dt>
                <dd>
                    {field(|p| {
                        if p.spec.autoscale {
                            format!("between {} and {} nodes", p.spec.min_nodes, p.spec.max_nodes)
                        } else {
                            "off".into()
                        }
                    })}
                </dd>
                <dt>"Labels"</dt>
                <dd data-testid="pool-labels">{field(|p| pairs_text(&p.spec.template.labels).replace('\n', ", "))}</dd>
                <dt>"Taints"</dt>
                <dd data-testid="pool-taints">{field(|p| taints_text(&p.spec.template.taints).replace('\n', ", "))}</dd>
            </dl>
            <div class="pool-actions">
                {may_edit
                    .then(|| {
                        view! {
                            <button type="button" class="button secondary" on:click=move |_| editing.update(|e| *e = !*e)>
                                {move || if editing.get() { "Close the editor" } else { "Edit…" }}
                            </button>
                        }
                    })}
                {may_delete.then(|| view! { <DeletePool context id=id.get_value() name=name /> })}
            </div>
            <Show when=move || editing.get()>
                {move || pool.get_untracked().map(|pool| view! { <EditPool context pool editing /> })}
            </Show>
            <Nodes context pool />
        </section>
    }
    .into_any()
}

#[component]
fn DeletePool(
    context: Context,
    id: String,
    name: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let id = StoredValue::new(id);
    let delete = Action::new(move |_: &()| {
        delete_node_pool(context.project.get_value(), context.cluster.get_value(), id.get_value())
    });
    let outcome = move || outcome(delete.value().get(), "Deletion requested.");
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! { <button type="button" class="button danger" on:click=move |_| open.set(true)>"Delete pool…"</button> }
        >
            <div class="confirm" role="group" aria-label="Confirm deletion">
                <p>
                    "Delete " <strong>{name()}</strong>
                    "? Its nodes are drained first: pods move to other pools where they fit, and those that fit nowhere stop."
                </p>
                <div class="confirm-buttons">
                    <button type="button" class="button danger" disabled=move || delete.pending().get() on:click=move |_| { delete.dispatch(()); }>
                        "Delete the pool"
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
                {outcome}
            </div>
        </Show>
    }
}
