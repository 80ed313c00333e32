//! The Node pools tab: each pool with its sizes, status and nodes, kept current by the cluster's
//! live updates; edit the mutable settings (the model judges them, fixed fields are shown with
//! why), delete a pool, remove one chosen node.

use leptos::prelude::*;
use model::access::Role;
use model::node_pool::{NodePoolSpec, check_pool_in_cluster};
use model::operation::OperationKind;
use model::plan::Plan;
use model::pool_view::PoolView;
use model::validation::FieldErrors;

use crate::api::{delete_node_pool, node_pools, update_node_pool};
use crate::components::browser;
use crate::components::metadata_text::{number, pairs, pairs_text, taints, taints_text};
use crate::components::outcome::outcome;
use crate::pages::wizard::{PoolDraft, message_at};

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
    };
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

/// The edit form: mutable settings as text, judged by the model as typed.
#[component]
fn EditPool(context: Context, pool: PoolView, editing: RwSignal<bool>) -> impl IntoView {
    let current = StoredValue::new(pool.spec.clone());
    let spec = &pool.spec;
    let desired = RwSignal::new(spec.desired_nodes.to_string());
    let min = RwSignal::new(spec.min_nodes.to_string());
    let max = RwSignal::new(spec.max_nodes.to_string());
    let autoscale = RwSignal::new(spec.autoscale);
    let unneeded = RwSignal::new(spec.autoscaling.scale_down_unneeded_time_seconds.to_string());
    let unready = RwSignal::new(spec.autoscaling.scale_down_unready_time_seconds.to_string());
    let threshold = RwSignal::new(spec.autoscaling.scale_down_utilization_threshold.to_string());
    let labels = RwSignal::new(pairs_text(&spec.template.labels));
    let taint_text = RwSignal::new(taints_text(&spec.template.taints));
    let annotations = RwSignal::new(pairs_text(&spec.template.annotations));
    let unschedulable = RwSignal::new(spec.template.unschedulable);
    let floating = RwSignal::new(spec.attach_floating_ips);
    let key = StoredValue::new(browser::random_key());
    let pool_id = StoredValue::new(pool.id.clone());
    // The edited spec: the pool as it is, with the form's fields put in (so every setting the
    // form does not show is sent back unchanged), and every problem with it.
    let edited = Memo::new(move |_| {
        let mut errors = FieldErrors::new();
        let mut spec = current.get_value();
        spec.desired_nodes = number(&desired.get(), "desiredNodes".into(), &mut errors);
        spec.autoscale = autoscale.get();
        if spec.autoscale {
            spec.min_nodes = number(&min.get(), "minNodes".into(), &mut errors);
            spec.max_nodes = number(&max.get(), "maxNodes".into(), &mut errors);
            let tuning = &mut spec.autoscaling;
            tuning.scale_down_unneeded_time_seconds =
                number(&unneeded.get(), "autoscaling.scaleDownUnneededTimeSeconds".into(), &mut errors);
            tuning.scale_down_unready_time_seconds =
                number(&unready.get(), "autoscaling.scaleDownUnreadyTimeSeconds".into(), &mut errors);
            match threshold.get().trim().parse::<f64>() {
                Ok(share) => tuning.scale_down_utilization_threshold = share,
                Err(_) => errors.add(
                    "autoscaling.scaleDownUtilizationThreshold",
                    "Give a share between 0 and 1, like 0.5.",
                ),
            }
        }
        spec.template.labels = pairs(&labels.get(), "template.labels".into(), &mut errors);
        spec.template.taints = taints(&taint_text.get(), "template.taints".into(), &mut errors);
        spec.template.annotations = pairs(&annotations.get(), "template.annotations".into(), &mut errors);
        spec.template.unschedulable = unschedulable.get();
        spec.attach_floating_ips = floating.get();
        errors.append(spec.validate(context.plan));
        errors.append(current.with_value(|c| c.immutable_changes(&spec)));
        let others: Vec<NodePoolSpec> = context.pools.with(|pools| {
            pools.iter().filter(|p| p.id != pool_id.get_value()).map(|p| p.spec.clone()).collect()
        });
        errors.append(check_pool_in_cluster(context.plan, &spec, &others));
        (spec, errors)
    });
    let errors = Memo::new(move |_| edited.with(|(_, e)| e.clone()));
    let save = Action::new(move |spec: &NodePoolSpec| {
        let spec = spec.clone();
        async move {
            update_node_pool(
                context.project.get_value(),
                context.cluster.get_value(),
                pool_id.get_value(),
                spec,
                key.get_value(),
            )
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(false);
        }
    });
    let prefix = StoredValue::new(format!("edit-{}", pool.spec.name));
    let input = move |name: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      path: &'static str,
                      multiline: bool| {
        let id = format!("{}-{name}", prefix.get_value());
        let error = move || errors.with(|e| message_at(e, path));
        let control = if multiline {
            view! {
                <textarea id=id.clone() rows="3" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            }
            .into_any()
        } else {
            view! {
                <input id=id.clone() type="text" inputmode="decimal" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            }
            .into_any()
        };
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                {control}
                <p class="field-error" id=format!("{id}-error") role="alert">{error}</p>
            </div>
        }
    };
    let check = |id: String, label: &'static str, value: RwSignal<bool>| {
        view! {
            <label class="check" for=id.clone()>
                <input id=id.clone() type="checkbox" prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
                <span>{label}</span>
            </label>
        }
    };
    let fixed = current.with_value(|c| {
        let zone = c.availability_zones.first().cloned().unwrap_or_else(|| "—".into());
        [
            ("Flavor", c.flavor_name.clone(), "flavor"),
            ("Zone", zone, "zone"),
            (
                "Anti-affinity",
                if c.anti_affinity { "on" } else { "off" }.to_string(),
                "anti-affinity setting",
            ),
            ("Billing", if c.monthly_billed { "monthly" } else { "hourly" }.to_string(), "billing period"),
        ]
    });
    let fixed = fixed
        .into_iter()
        .map(|(label, value, what)| {
            view! {
                <dt>{label}</dt>
                <dd>
                    <span data-fixed=label>{value}</span>
                    <span class="hint">
                        {format!(" — fixed when the pool was created; create a new pool with another {what} instead.")}
                    </span>
                </dd>
            }
        })
        .collect_view();
    let outcome = move || outcome(save.value().get(), "Saved; the change is under way.");
    let blocked = move || save.pending().get() || errors.with(|e| !e.is_empty());
    view! {
        <form class="pool-editor" on:submit=move |ev| {
            ev.prevent_default();
            if !blocked() {
                save.dispatch(edited.with(|(spec, _)| spec.clone()));
            }
        }>
            <div class="field-grid">
                {input("desired", "Nodes", desired, "desiredNodes", false)}
                <Show when=move || autoscale.get()>
                    {input("min", "Minimum nodes", min, "minNodes", false)}
                    {input("max", "Maximum nodes", max, "maxNodes", false)}
                    {input("unneeded", "Remove a node unneeded for (seconds)", unneeded, "autoscaling.scaleDownUnneededTimeSeconds", false)}
                    {input("unready", "Remove a node unready for (seconds)", unready, "autoscaling.scaleDownUnreadyTimeSeconds", false)}
                    {input("threshold", "Unneeded below this share of its resources requested (0–1)", threshold, "autoscaling.scaleDownUtilizationThreshold", false)}
                </Show>
            </div>
            {check(format!("{}-autoscale", prefix.get_value()), "Autoscale between a minimum and a maximum", autoscale)}
            {check(format!("{}-unschedulable", prefix.get_value()), "Unschedulable: no new pods on these nodes", unschedulable)}
            {(context.plan.floating_ips()).then(|| check(format!("{}-floating", prefix.get_value()), "A public floating IP for every node", floating))}
            {input("labels", "Labels (key=value per line)", labels, "template.labels", true)}
            {input("taints", "Taints (key=value:Effect per line)", taint_text, "template.taints", true)}
            {input("annotations", "Annotations (key=value per line)", annotations, "template.annotations", true)}
            <dl class="facts fixed">{fixed}</dl>
            {context.role.allows(OperationKind::CreateNodePool.required_role()).then(|| {
                let start = current.with_value(|c| PoolDraft::like(c, format!("{}-2", c.name)));
                view! {
                    <button type="button" class="button secondary" on:click=move |_| context.new_pool.set(Some(start.clone()))>
                        "New pool with these settings"
                    </button>
                }
            })}
            <button type="submit" class="button" disabled=blocked>"Save changes"</button>
            {outcome}
        </form>
    }
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
