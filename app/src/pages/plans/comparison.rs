//! The comparison tables. Every figure comes from `model::Plan`; nothing here restates a rule.

use leptos::prelude::*;
use model::availability::Period;
use model::component::COMPONENT_VERSIONS;
use model::plan::{AUTO_HEALING_DELAY_MINUTES, AutoHealing, Commitment, RegionSupport, UpgradeStrategy};
use model::{Ipv4Cidr, Plan};

/// A table with one row per fact and one column per plan.
#[component]
fn PlanTable(
    id: &'static str,
    caption: &'static str,
    rows: Vec<(&'static str, [String; 2])>,
) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|(label, [free, standard])| {
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td>{free}</td>
                    <td>{standard}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="compare" id=id>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <td></td>
                        {Plan::ALL.map(|plan| view! { <th scope="col">{plan.name()}</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    // Erased: every table otherwise adds its whole type to the page's, past the compiler's limits.
    .into_any()
}

/// The same fact for both plans, as text.
fn per_plan(fact: impl Fn(Plan) -> String) -> [String; 2] {
    Plan::ALL.map(fact)
}

fn commitment_text(c: Commitment) -> String {
    let main = format!("{} {}", c.availability, c.kind.abbreviation());
    match c.single_zone_availability {
        Some(one_az) => format!("{main} ({one_az} in 1-AZ regions)"),
        None => main,
    }
}

fn downtime_text(c: Commitment, period: Period) -> String {
    let main = c.availability.downtime_budget(period).to_string();
    match c.single_zone_availability {
        Some(one_az) => format!("{main} ({} in 1-AZ regions)", one_az.downtime_budget(period)),
        None => main,
    }
}

/// Control plane, availability and downtime, limits, regions and features.
#[component]
pub fn OverviewTable() -> impl IntoView {
    let rows = vec![
        ("API value of plan", per_plan(|p| p.api_value().to_string())),
        (
            "Control plane",
            per_plan(|p| match p.control_plane_zones() {
                1 => "Managed, in a single zone, shared".to_string(),
                zones => format!("Managed, replicated across {zones} availability zones, dedicated"),
            }),
        ),
        ("Availability", per_plan(|p| commitment_text(p.commitment()))),
        ("Downtime budget per 30-day month", per_plan(|p| downtime_text(p.commitment(), Period::Month))),
        ("Downtime budget per year", per_plan(|p| downtime_text(p.commitment(), Period::Year))),
        (
            "etcd storage",
            per_plan(|p| {
                let sharing = if p.control_plane_shared() { "shared" } else { "dedicated" };
                format!("{}, {sharing}", p.etcd_quota())
            }),
        ),
        ("Nodes per cluster", per_plan(|p| format!("up to {}", p.max_nodes()))),
        (
            "Regions",
            per_plan(|p| match p.region_support() {
                RegionSupport::SingleZoneOnly => "Single-zone (1-AZ) regions".to_string(),
                RegionSupport::SingleAndThreeZone => "1-AZ and 3-AZ regions; in 3-AZ regions a private \
                    network with a gateway is required and each node pool lives in one zone"
                    .to_string(),
            }),
        ),
        ("Network plugin (CNI)", per_plan(|p| p.cni().label().to_string())),
        ("Floating IP per node", per_plan(|p| yes_no(p.floating_ips()))),
        (
            "Clusters per project",
            per_plan(|p| match p.default_cluster_quota() {
                Some(n) => format!("{n} by default"),
                None => "No plan-specific quota".to_string(),
            }),
        ),
    ];
    view! { <PlanTable id="plan-overview" caption="At a glance" rows=rows /> }
}

/// Worker upgrades and auto-healing, side by side.
#[component]
pub fn OperationsTable() -> impl IntoView {
    let rows = vec![
        (
            "Worker upgrades",
            per_plan(|p| match p.upgrade_strategy() {
                UpgradeStrategy::InPlace => "In place, strictly one node at a time: each node is drained \
                    and upgraded, so capacity drops by one node while it drains"
                    .to_string(),
                UpgradeStrategy::Rolling => "Rolling: a new node is added first, then an old one is \
                    drained and deleted, across all pools at once; capacity never drops"
                    .to_string(),
            }),
        ),
        (
            "Auto-healing",
            per_plan(|p| {
                let action = match p.auto_healing() {
                    AutoHealing::ReinstallInPlace => "the node is reinstalled in place",
                    AutoHealing::Replace => "the node is deleted and a new one is created",
                };
                format!("After {AUTO_HEALING_DELAY_MINUTES} minutes NotReady, {action}")
            }),
        ),
    ];
    view! { <PlanTable id="plan-operations" caption="Upgrades and auto-healing" rows=rows /> }
}

/// The pod, service and other address ranges a private network must not overlap.
#[component]
pub fn RangesTable() -> impl IntoView {
    let cidr = |c: Ipv4Cidr| c.to_string();
    let rows = vec![
        ("Pods", per_plan(|p| cidr(p.cluster_ranges().pods))),
        ("Services", per_plan(|p| cidr(p.cluster_ranges().services))),
        ("Docker bridge", per_plan(|p| p.cluster_ranges().docker.map_or("—".to_string(), cidr))),
        (
            "Choose other ranges at creation",
            per_plan(|p| match p.cluster_ranges().configurable {
                true => "Yes: each at least /16, private, not overlapping".to_string(),
                false => "No: the ranges are fixed".to_string(),
            }),
        ),
    ];
    view! {
        <PlanTable
            id="plan-ranges"
            caption="Reserved address ranges (keep your private networks clear of them)"
            rows=rows
        />
    }
}

/// The software every cluster runs.
#[component]
pub fn ComponentTable() -> impl IntoView {
    let rows = COMPONENT_VERSIONS.iter().map(|c| (c.component, per_plan(|p| c.on(p).to_string()))).collect();
    view! { <PlanTable id="plan-components" caption="Component versions" rows=rows /> }
}

fn yes_no(value: bool) -> String {
    if value { "Yes" } else { "No" }.to_string()
}
