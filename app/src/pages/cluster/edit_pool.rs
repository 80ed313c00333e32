//! A pool's edit form: its mutable settings as text, judged by the model as typed; the settings
//! fixed at creation shown beside them.

use leptos::prelude::*;
use model::node_pool::{NodePoolSpec, check_pool_in_cluster};
use model::operation::OperationKind;
use model::pool_view::PoolView;
use model::validation::FieldErrors;

use super::pools::Context;
use crate::api::{removal_preflight, update_node_pool};
use crate::components::browser;
use crate::components::metadata_text::{number, pairs, pairs_text, taints, taints_text};
use crate::components::outcome::outcome;
use crate::pages::wizard::{Checkbox, PoolDraft, TextField};

/// The form's fields, started from the pool as it is.
#[derive(Clone, Copy)]
struct PoolFields {
    desired: RwSignal<String>,
    min: RwSignal<String>,
    max: RwSignal<String>,
    autoscale: RwSignal<bool>,
    unneeded: RwSignal<String>,
    unready: RwSignal<String>,
    threshold: RwSignal<String>,
    labels: RwSignal<String>,
    taints: RwSignal<String>,
    annotations: RwSignal<String>,
    unschedulable: RwSignal<bool>,
    floating: RwSignal<bool>,
}

impl PoolFields {
    fn new(spec: &NodePoolSpec) -> Self {
        let tuning = &spec.autoscaling;
        Self {
            desired: RwSignal::new(spec.desired_nodes.to_string()),
            min: RwSignal::new(spec.min_nodes.to_string()),
            max: RwSignal::new(spec.max_nodes.to_string()),
            autoscale: RwSignal::new(spec.autoscale),
            unneeded: RwSignal::new(tuning.scale_down_unneeded_time_seconds.to_string()),
            unready: RwSignal::new(tuning.scale_down_unready_time_seconds.to_string()),
            threshold: RwSignal::new(tuning.scale_down_utilization_threshold.to_string()),
            labels: RwSignal::new(pairs_text(&spec.template.labels)),
            taints: RwSignal::new(taints_text(&spec.template.taints)),
            annotations: RwSignal::new(pairs_text(&spec.template.annotations)),
            unschedulable: RwSignal::new(spec.template.unschedulable),
            floating: RwSignal::new(spec.attach_floating_ips),
        }
    }

    /// `spec` with the fields put in (so every setting the form does not show is sent back
    /// unchanged), and what could not be read, at its field.
    fn apply(&self, mut spec: NodePoolSpec) -> (NodePoolSpec, FieldErrors) {
        let mut errors = FieldErrors::new();
        spec.desired_nodes = number(&self.desired.get(), "desiredNodes".into(), &mut errors);
        spec.autoscale = self.autoscale.get();
        if spec.autoscale {
            spec.min_nodes = number(&self.min.get(), "minNodes".into(), &mut errors);
            spec.max_nodes = number(&self.max.get(), "maxNodes".into(), &mut errors);
            let tuning = &mut spec.autoscaling;
            tuning.scale_down_unneeded_time_seconds =
                number(&self.unneeded.get(), "autoscaling.scaleDownUnneededTimeSeconds".into(), &mut errors);
            tuning.scale_down_unready_time_seconds =
                number(&self.unready.get(), "autoscaling.scaleDownUnreadyTimeSeconds".into(), &mut errors);
            match self.threshold.get().trim().parse::<f64>() {
                Ok(share) => tuning.scale_down_utilization_threshold = share,
                Err(_) => errors.add(
                    "autoscaling.scaleDownUtilizationThreshold",
                    "Give a share between 0 and 1, like 0.5.",
                ),
            }
        }
        spec.template.labels = pairs(&self.labels.get(), "template.labels".into(), &mut errors);
        spec.template.taints = taints(&self.taints.get(), "template.taints".into(), &mut errors);
        spec.template.annotations =
            pairs(&self.annotations.get(), "template.annotations".into(), &mut errors);
        spec.template.unschedulable = self.unschedulable.get();
        spec.attach_floating_ips = self.floating.get();
        (spec, errors)
    }
}

#[component]
pub(super) fn EditPool(context: Context, pool: PoolView, editing: RwSignal<bool>) -> impl IntoView {
    let current = StoredValue::new(pool.spec.clone());
    let fields = PoolFields::new(&pool.spec);
    let key = StoredValue::new(browser::random_key());
    let pool_id = StoredValue::new(pool.id.clone());
    let edited = Memo::new(move |_| {
        let (spec, mut errors) = fields.apply(current.get_value());
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
        let (project, cluster, pool) =
            (context.project.get_value(), context.cluster.get_value(), pool_id.get_value());
        update_node_pool(project, cluster, pool, spec.clone(), key.get_value())
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(false);
        }
    });
    // A smaller pool drains nodes: their pods must find room elsewhere; asked first.
    let check = Action::new(move |desired: &u32| {
        let (project, cluster, pool) =
            (context.project.get_value(), context.cluster.get_value(), pool_id.get_value());
        removal_preflight(project, cluster, pool, None, Some(*desired))
    });
    let warning = RwSignal::new(false);
    Effect::new(move |_| match check.value().get() {
        Some(Ok(found)) if found.passes() => {
            save.dispatch(edited.with_untracked(|(spec, _)| spec.clone()));
        }
        Some(_) => warning.set(true),
        None => {}
    });
    let shrinks = move || {
        edited.with(|(spec, _)| {
            let before = current.get_value();
            !spec.autoscale && spec.desired_nodes < before.desired_nodes
        })
    };
    let blocked = move || save.pending().get() || check.pending().get() || errors.with(|e| !e.is_empty());
    let warned = move || {
        warning.get().then(|| {
            let text = match check.value().get() {
                Some(Ok(found)) => found.issues.join(" "),
                Some(Err(error)) => format!("The pods could not be checked: {}", error.message()),
                None => String::new(),
            };
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby="shrink-question">
                    <p id="shrink-question" class="warning">{"Removing nodes: "}{text}</p>
                    <div class="confirm-buttons">
                        <button type="button" class="button danger" on:click=move |_| {
                            warning.set(false);
                            save.dispatch(edited.with(|(spec, _)| spec.clone()));
                        }>"Save anyway"</button>
                        <button type="button" class="button secondary" on:click=move |_| warning.set(false)>"Cancel"</button>
                    </div>
                </div>
            }
        })
    };
    let like_this = context.role.allows(OperationKind::CreateNodePool.required_role()).then(|| {
        let start = current.with_value(|c| PoolDraft::like(c, format!("{}-2", c.name)));
        view! {
            <button type="button" class="button secondary" on:click=move |_| context.new_pool.set(Some(start.clone()))>
                "New pool with these settings"
            </button>
        }
    });
    view! {
        <form class="pool-editor" on:submit=move |ev| {
            ev.prevent_default();
            if blocked() {
                return;
            }
            if shrinks() {
                warning.set(false);
                check.dispatch(edited.with(|(spec, _)| spec.desired_nodes));
            } else {
                save.dispatch(edited.with(|(spec, _)| spec.clone()));
            }
        }>
            <PoolFieldsView fields prefix=format!("edit-{}", pool.spec.name) floating_ips=context.plan.floating_ips() errors />
            <FixedSettings spec=pool.spec />
            {like_this}
            <button type="submit" class="button" disabled=blocked>"Save changes"</button>
            {warned}
            {move || outcome(save.value().get(), "Saved; the change is under way.")}
        </form>
    }
}

/// The inputs, each with its error underneath.
#[component]
fn PoolFieldsView(
    fields: PoolFields,
    prefix: String,
    floating_ips: bool,
    errors: Memo<FieldErrors>,
) -> impl IntoView {
    let prefix = StoredValue::new(prefix);
    let id = move |name: &str| format!("{}-{name}", prefix.get_value());
    let input =
        move |name: &'static str, label: &'static str, value: RwSignal<String>, path: &'static str| {
            view! { <TextField id=id(name) label value errors path=path.to_string() decimal=true /> }
        };
    let text = move |name: &'static str, label: &'static str, value: RwSignal<String>, path: &'static str| {
        view! { <TextField id=id(name) label value errors path=path.to_string() multiline=true /> }
    };
    let PoolFields { desired, min, max, autoscale, unneeded, unready, threshold, .. } = fields;
    view! {
        <div class="field-grid">
            {input("desired", "Nodes", desired, "desiredNodes")}
            <Show when=move || autoscale.get()>
                {input("min", "Minimum nodes", min, "minNodes")}
                {input("max", "Maximum nodes", max, "maxNodes")}
                {input("unneeded", "Remove a node unneeded for (seconds)", unneeded, "autoscaling.scaleDownUnneededTimeSeconds")}
                {input("unready", "Remove a node unready for (seconds)", unready, "autoscaling.scaleDownUnreadyTimeSeconds")}
                {input("threshold", "Unneeded below this share of its resources requested (0–1)", threshold, "autoscaling.scaleDownUtilizationThreshold")}
            </Show>
        </div>
        <Checkbox id=id("autoscale") label="Autoscale between a minimum and a maximum" value=autoscale />
        <Checkbox id=id("unschedulable") label="Unschedulable: no new pods on these nodes" value=fields.unschedulable />
        {floating_ips.then(|| view! { <Checkbox id=id("floating") label="A public floating IP for every node" value=fields.floating /> })}
        {text("labels", "Labels (key=value per line)", fields.labels, "template.labels")}
        {text("taints", "Taints (key=value:Effect per line)", fields.taints, "template.taints")}
        {text("annotations", "Annotations (key=value per line)", fields.annotations, "template.annotations")}
    }
}

/// The settings fixed when the pool was created, each with what to do instead.
#[component]
fn FixedSettings(spec: NodePoolSpec) -> impl IntoView {
    let zone = spec.availability_zones.first().cloned().unwrap_or_else(|| "—".into());
    let anti_affinity = if spec.anti_affinity { "on" } else { "off" }.to_string();
    let billing = if spec.monthly_billed { "monthly" } else { "hourly" }.to_string();
    let fixed = [
        ("Flavor", spec.flavor_name, "flavor"),
        ("Zone", zone, "zone"),
        ("Anti-affinity", anti_affinity, "anti-affinity setting"),
        ("Billing", billing, "billing period"),
    ];
    let facts = fixed
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
    view! { <dl class="facts fixed">{facts}</dl> }
}
