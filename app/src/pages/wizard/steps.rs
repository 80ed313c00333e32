//! Steps 1–4: name and plan, location, version and updates, network.

use leptos::prelude::*;
use model::plan::{Plan, RegionSupport, UpgradeStrategy};
use model::region::{Region, RegionKind};
use model::validation::FieldErrors;
use model::version::{KubeProxyMode, KubeVersion, UpdatePolicy};
use reactive_stores::{Field, Store};

use super::Wizard;
use super::draft::{Draft, DraftStoreFields};
use super::fields::{Checkbox, TextField, group_error, message_at};

/// What sets the plans apart, from the model's figures.
fn plan_points(plan: Plan) -> Vec<String> {
    let commitment = plan.commitment();
    vec![
        format!(
            "Control plane in {} zone{}{}",
            plan.control_plane_zones(),
            if plan.control_plane_zones() == 1 { "" } else { "s" },
            if plan.control_plane_shared() { ", shared" } else { ", dedicated" }
        ),
        format!("{} {}", commitment.availability, commitment.kind.abbreviation()),
        format!("Up to {} nodes", plan.max_nodes()),
        format!("etcd quota {}", plan.etcd_quota()),
        match plan.region_support() {
            RegionSupport::SingleZoneOnly => "Single-zone regions only".into(),
            RegionSupport::SingleAndThreeZone => "1-AZ and 3-AZ regions".into(),
        },
        match plan.upgrade_strategy() {
            UpgradeStrategy::InPlace => "Upgrades nodes in place, one at a time".into(),
            UpgradeStrategy::Rolling => "Rolling upgrades with extra nodes".into(),
        },
    ]
}

#[component]
pub fn PlanStep(draft: Store<Draft>, errors: Memo<FieldErrors>) -> impl IntoView {
    let cards = Plan::ALL
        .into_iter()
        .map(|plan| {
            let id = format!("plan-{}", plan.api_value());
            let points = plan_points(plan).into_iter().map(|p| view! { <li>{p}</li> }).collect_view();
            view! {
                <label class="choice-card" for=id.clone()>
                    <input
                        type="radio"
                        name="plan"
                        id=id.clone()
                        prop:checked=move || draft.plan().with(|value| *value == plan)
                        on:change=move |_| draft.plan().set(plan)
                    />
                    <span class="choice-title">{plan.name()}</span>
                    <ul class="choice-points">{points}</ul>
                </label>
            }
        })
        .collect_view();
    view! {
        <super::template::FromTemplate draft />
        <TextField
            id="cluster-name".into()
            label="Cluster name"
            hint="Lowercase letters, digits and dashes."
            value=Field::from(draft.name())
            errors
            path="name".into()
        />
        <fieldset>
            <legend>"Plan"</legend>
            <div class="choice-cards">{cards}</div>
        </fieldset>
        <p class="muted">
            "Every difference, with downtime budgets and a helper: " <a href="/plans">"compare the plans"</a> "."
        </p>
    }
}

#[component]
pub fn LocationStep(wizard: Wizard, regions: Vec<Region>) -> impl IntoView {
    let draft = wizard.draft;
    let plan = move || draft.plan().get();
    let cards = regions
        .into_iter()
        .map(|region| {
            let id = format!("region-{}", region.name);
            let name = region.name.clone();
            let kind = match region.kind() {
                RegionKind::ThreeZone => "3-AZ",
                RegionKind::SingleZone => "1-AZ",
            };
            let refused = {
                let region = region.clone();
                move || region.refuses(plan())
            };
            let refused_reason = refused.clone();
            let refused_input = refused.clone();
            let choose = name.clone();
            view! {
                <label class="choice-card region" for=id.clone() class:disabled=move || refused().is_some()>
                    <input
                        type="radio"
                        name="region"
                        id=id.clone()
                        disabled=move || refused_input().is_some()
                        prop:checked={
                            let name = name.clone();
                            move || draft.region().with(|value| *value == name)
                        }
                        on:change=move |_| draft.region().set(choose.clone())
                    />
                    <span class="choice-title">{region.name.clone()}</span>
                    <span class="badge">{kind}</span>
                    <span class="choice-reason">{refused_reason}</span>
                </label>
            }
        })
        .collect_view();
    let error = move || wizard.errors.with(|e| message_at(e, "region"));
    view! {
        <fieldset aria-describedby="region-error">
            <legend>"Region"</legend>
            <div class="choice-cards regions">{cards}</div>
            <p class="field-error" id="region-error" role="alert">{error}</p>
        </fieldset>
        <p class="muted">
            "3-AZ regions spread the nodes over three zones; they need the Standard plan and a private network with a gateway."
        </p>
    }
}

#[component]
pub fn VersionStep(wizard: Wizard, versions: Vec<KubeVersion>) -> impl IntoView {
    let draft = wizard.draft;
    let newest = versions.last().copied();
    let options = versions
        .into_iter()
        .rev()
        .map(|v| {
            let value = v.to_string();
            let text = if Some(v) == newest { format!("{v} (newest)") } else { v.to_string() };
            let selected = {
                let value = value.clone();
                move || draft.version().with(|version| *version == value)
            };
            view! { <option value=value selected=selected>{text}</option> }
        })
        .collect_view();
    let policies = UpdatePolicy::choices()
        .into_iter()
        .map(|policy| {
            let text = policy.description();
            let id = format!("policy-{}", policy.as_wire().to_lowercase());
            let checked = {
                let policy = policy.clone();
                move || draft.update_policy().with(|value| *value == policy)
            };
            let label = policy.label();
            view! {
                <label class="check" for=id.clone()>
                    <input
                        type="radio"
                        name="update-policy"
                        id=id.clone()
                        prop:checked=checked
                        on:change=move |_| draft.update_policy().set(policy.clone())
                    />
                    <span>
                        <strong>{label}</strong>
                        " — "
                        {text}
                    </span>
                </label>
            }
        })
        .collect_view();
    let error = move || wizard.errors.with(|e| message_at(e, "version"));
    view! {
        <div class="field">
            <label for="version">"Kubernetes version"</label>
            <select id="version" on:change=move |event| draft.version().set(event_target_value(&event))>
                {options}
            </select>
            <p class="field-error" role="alert">{error}</p>
        </div>
        <fieldset>
            <legend>"Security patches"</legend>
            {policies}
        </fieldset>
        <div class="field">
            <label for="kube-proxy">"kube-proxy mode"</label>
            <select
                id="kube-proxy"
                on:change=move |event| {
                    draft.kube_proxy_mode().set(KubeProxyMode::from_wire(&event_target_value(&event)))
                }
            >
                <option value="iptables" selected=move || draft.kube_proxy_mode().with(|value| *value == KubeProxyMode::Iptables)>
                    "iptables (default)"
                </option>
                <option value="ipvs" selected=move || draft.kube_proxy_mode().with(|value| *value == KubeProxyMode::Ipvs)>
                    "IPVS"
                </option>
            </select>
        </div>
    }
}

#[component]
pub fn NetworkStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let errors = wizard.errors;
    let private = move || draft.private_network().get();
    let standard = move || draft.plan().with(|plan| plan.cluster_ranges().configurable);
    let ranges = move || {
        let ranges = draft.plan().with(|plan| plan.cluster_ranges());
        let mut text = format!("pods {}, services {}", ranges.pods, ranges.services);
        if let Some(docker) = ranges.docker {
            text.push_str(&format!(", Docker {docker}"));
        }
        text
    };
    view! {
        <NetworkChoice wizard />
        <Show when=private>
            <super::network::PrivateNetworkChoice wizard />
        </Show>
        <p class="muted">"The cluster itself uses " {ranges} "; a private subnet must not overlap them."</p>
        <Show when=standard>
            <ClusterRanges wizard />
        </Show>
        <TextField
            id="allow-list".into()
            label="API server allow-list"
            hint="Optional: one address or range per line. Empty lets every address reach the API server."
            value=Field::from(draft.allow_list())
            errors
            path="apiAllowList".into()
            multiline=true
        />
    }
}

/// Public network, or a private network (vRack) the nodes join.
#[component]
fn NetworkChoice(wizard: Wizard) -> impl IntoView {
    let (draft, errors) = (wizard.draft, wizard.errors);
    let private = move || draft.private_network().get();
    view! {
        <fieldset>
            <legend>"Nodes' network"</legend>
            <label class="check" for="network-public">
                <input
                    type="radio"
                    name="network"
                    id="network-public"
                    prop:checked=move || !private()
                    on:change=move |_| draft.private_network().set(false)
                />
                <span>"Public network"</span>
            </label>
            <label class="check" for="network-private">
                <input
                    type="radio"
                    name="network"
                    id="network-private"
                    prop:checked=private
                    on:change=move |_| draft.private_network().set(true)
                />
                <span>"Private network (vRack)"</span>
            </label>
            {group_error(errors, "privateNetwork")}
        </fieldset>
    }
}

/// The pod and service ranges, when the plan lets the user choose them.
#[component]
fn ClusterRanges(wizard: Wizard) -> impl IntoView {
    let (draft, errors) = (wizard.draft, wizard.errors);
    view! {
        <Checkbox
            id="custom-ranges".into()
            label="Choose the pod and service ranges"
            value=Field::from(draft.custom_ranges())
        />
        <Show when=move || draft.custom_ranges().get()>
            <div class="field-grid">
                <TextField
                    id="pods-cidr".into()
                    label="Pods range"
                    value=Field::from(draft.pods_cidr())
                    errors
                    path="ipAllocationPolicy.podsIpv4Cidr".into()
                />
                <TextField
                    id="services-cidr".into()
                    label="Services range"
                    value=Field::from(draft.services_cidr())
                    errors
                    path="ipAllocationPolicy.servicesIpv4Cidr".into()
                />
            </div>
            {group_error(errors, "ipAllocationPolicy")}
        </Show>
    }
}
