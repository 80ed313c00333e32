//! Step 5: the node pools — for each, a flavor from the region's offer (with what the provider
//! reserves on every node and what is left for pods), the size, and the pool's options.

use leptos::prelude::*;
use model::cost::{FlavorPrice, PriceList};
use model::flavor::{Flavor, GPU_READY_WARNING};
use model::region::RegionKind;
use model::resources::{RESERVED_CPU_FORMULA, RESERVED_MEMORY_FORMULA, Resources};
use reactive_stores::Field;

use super::Wizard;
use super::draft::{Draft, DraftStoreFields};
use super::fields::{Checkbox, TextField, group_error, message_at};
use super::pool_draft::{PoolDraft, PoolDraftStoreFields};
use crate::components::outcome::caught;
use crate::error::AppError;

fn cpu(millicores: u32) -> String {
    if millicores.is_multiple_of(1000) {
        format!("{}", millicores / 1000)
    } else {
        format!("{:.2}", f64::from(millicores) / 1000.0)
    }
}

fn memory(mb: u32) -> String {
    format!("{:.2} GB", f64::from(mb) / 1000.0)
}

fn resources(r: Resources) -> String {
    format!("{} vCPU · {}", cpu(r.cpu_millicores), memory(r.memory_mb))
}

#[component]
pub fn PoolsStep(wizard: Wizard, prices: PriceList) -> impl IntoView {
    let draft = wizard.draft;
    let prices = StoredValue::new(prices);
    // An editor stays while its pool keeps its place; one whose place changed is drawn anew, so
    // that its fields' ids and error paths follow the place.
    let places =
        move || draft.pools().with(|pools| pools.iter().map(|p| p.id).enumerate().collect::<Vec<_>>());
    let add = move |_| {
        draft.pools().update(|pools| {
            let name = format!("pool-{}", pools.len() + 1);
            Draft::add_pool(pools, PoolDraft { name, ..PoolDraft::default() });
        })
    };
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading the region's flavors…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || Suspend::new(async move {
                    let flavors = StoredValue::new(wizard.flavors.await?);
                    Ok::<_, AppError>(view! {
                        <For each=places key=|place| *place let:((index, pool))>
                            <PoolEditor wizard index pool flavors prices />
                        </For>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
        {group_error(wizard.errors, "nodePools")}
        <button type="button" class="button secondary" on:click=add>
            "Add a node pool"
        </button>
    }
}

/// Where one pool's editor is: its place in the draft (which error paths and element ids name)
/// and its id (the draft's key for it).
#[derive(Clone, Copy)]
struct PoolAt {
    index: usize,
    pool: u32,
}

impl PoolAt {
    fn path(self, name: &str) -> String {
        format!("nodePools.{}.{name}", self.index)
    }

    fn id(self, name: &str) -> String {
        format!("pool-{}-{name}", self.index)
    }

    /// The pool in `wizard`'s draft (read as the default once removed).
    fn of(self, wizard: Wizard) -> Field<PoolDraft> {
        wizard.draft.pools().at_key(self.pool).into()
    }
}

#[component]
pub fn PoolEditor(
    wizard: Wizard,
    /// The pool's place in the draft, which its error paths name.
    index: usize,
    /// The pool's id in the draft.
    pool: u32,
    flavors: StoredValue<Vec<Flavor>>,
    prices: StoredValue<PriceList>,
) -> impl IntoView {
    let (draft, errors) = (wizard.draft, wizard.errors);
    let at = PoolAt { index, pool };
    let this = at.of(wizard);
    let chosen = move || {
        let flavor = this.flavor().try_get().unwrap_or_default();
        flavors.with_value(|all| all.iter().find(|f| f.name == flavor).cloned())
    };
    let three_zone = move || wizard.region().is_some_and(|r| r.kind() == RegionKind::ThreeZone);
    let monthly_offered = move || chosen().is_some_and(|f| f.billing().monthly);
    let remove = move |_| {
        draft.pools().update(|pools| {
            if pools.len() > 1 {
                pools.retain(|p| p.id != pool);
            }
        })
    };
    let title = move || {
        let name = this.name().try_get().unwrap_or_default();
        if name.is_empty() { format!("Node pool {}", index + 1) } else { format!("Node pool {name}") }
    };
    view! {
        <fieldset class="pool card" data-pool=index>
            <legend>{title}</legend>
            <TextField
                id=at.id("name")
                label="Pool name"
                value=Field::from(this.name())
                errors
                path=at.path("name")
            />
            <FlavorTable wizard at flavors prices />
            <Show when=move || chosen().is_some_and(|f| f.is_gpu())>
                <p class="warning" role="status">{GPU_READY_WARNING}</p>
            </Show>
            <PoolSize wizard at />
            <PoolOptions wizard at monthly_offered=Signal::derive(monthly_offered) />
            <Show when=three_zone>
                <ZoneChoice wizard at />
            </Show>
            <PoolMetadata wizard at />
            <Show when=move || draft.pools().with(|pools| pools.len() > 1)>
                <button type="button" class="button secondary" on:click=remove>
                    "Remove this pool"
                </button>
            </Show>
        </fieldset>
    }
}

/// The pool's yes/no options: autoscaling, anti-affinity, and where offered, monthly billing and
/// floating IPs.
#[component]
fn PoolOptions(wizard: Wizard, at: PoolAt, monthly_offered: Signal<bool>) -> impl IntoView {
    let (draft, errors) = (wizard.draft, wizard.errors);
    let this = at.of(wizard);
    let standard = move || draft.plan().with(|plan| plan.floating_ips());
    view! {
        <Checkbox
            id=at.id("autoscale")
            label="Autoscale between a minimum and a maximum"
            value=Field::from(this.autoscale())
        />
        <Checkbox
            id=at.id("anti-affinity")
            label="Anti-affinity: every node on a different hypervisor"
            hint=" (at most 5 nodes)"
            value=Field::from(this.anti_affinity())
        />
        <Show when=move || monthly_offered.get()>
            <Checkbox
                id=at.id("monthly")
                label="Monthly billing"
                value=Field::from(this.monthly_billed())
            />
        </Show>
        <Show when=standard>
            <Checkbox
                id=at.id("floating-ips")
                label="A public floating IP for every node"
                value=Field::from(this.floating_ips())
            />
            <p class="field-error" role="alert">
                {move || errors.with(|e| message_at(e, &at.path("attachFloatingIps")))}
            </p>
        </Show>
    }
}

/// How many nodes the pool has, or the bounds it autoscales between.
#[component]
fn PoolSize(wizard: Wizard, at: PoolAt) -> impl IntoView {
    let errors = wizard.errors;
    let this = at.of(wizard);
    let autoscale = move || this.autoscale().try_get().unwrap_or_default();
    view! {
        <div class="field-grid">
            <TextField
                id=at.id("desired")
                label="Nodes"
                value=Field::from(this.desired())
                errors
                path=at.path("desiredNodes")
                numeric=true
            />
            <Show when=autoscale>
                <TextField
                    id=at.id("min")
                    label="Minimum nodes"
                    value=Field::from(this.min())
                    errors
                    path=at.path("minNodes")
                    numeric=true
                />
                <TextField
                    id=at.id("max")
                    label="Maximum nodes"
                    value=Field::from(this.max())
                    errors
                    path=at.path("maxNodes")
                    numeric=true
                />
            </Show>
        </div>
    }
}

/// The availability zone of a pool in a three-zone region.
#[component]
fn ZoneChoice(wizard: Wizard, at: PoolAt) -> impl IntoView {
    let errors = wizard.errors;
    let this = at.of(wizard);
    let current = move || this.zone().try_get().unwrap_or_default();
    let zones = move || wizard.region().map(|r| r.zones).unwrap_or_default();
    view! {
        <div class="field">
            <label for=at.id("zone")>"Zone"</label>
            <select
                id=at.id("zone")
                on:change=move |event| {
                    _ = this.zone().try_set(event_target_value(&event));
                }
            >
                <option value="" selected=move || current().is_empty()>"Choose a zone"</option>
                {move || {
                    zones()
                        .into_iter()
                        .map(|zone| {
                            let selected = current() == zone;
                            view! { <option value=zone.clone() selected=selected>{zone.clone()}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <p class="field-error" role="alert">
                {move || errors.with(|e| message_at(e, &at.path("availabilityZones")))}
            </p>
        </div>
    }
}

/// The labels, taints and annotations given to the pool's nodes; open from the start when the
/// pool already has some (a copy of another pool).
#[component]
fn PoolMetadata(wizard: Wizard, at: PoolAt) -> impl IntoView {
    let errors = wizard.errors;
    let this = at.of(wizard);
    let has_metadata = this
        .try_with_untracked(|p| !(p.labels.is_empty() && p.taints.is_empty() && p.annotations.is_empty()))
        .unwrap_or_default();
    view! {
        <details class="pool-metadata" open=has_metadata>
            <summary>"Labels, taints and annotations"</summary>
            <TextField
                id=at.id("labels")
                label="Labels"
                hint="key=value, one per line"
                value=Field::from(this.labels())
                errors
                path=at.path("template.labels")
                multiline=true
            />
            <TextField
                id=at.id("taints")
                label="Taints"
                hint="key=value:NoSchedule, PreferNoSchedule or NoExecute, one per line"
                value=Field::from(this.taints())
                errors
                path=at.path("template.taints")
                multiline=true
            />
            <TextField
                id=at.id("annotations")
                label="Annotations"
                hint="key=value, one per line"
                value=Field::from(this.annotations())
                errors
                path=at.path("template.annotations")
                multiline=true
            />
        </details>
    }
}

/// "0.07 EUR/h · 24.20 EUR/month billed monthly (−52 %)".
fn flavor_price(price: &FlavorPrice, currency: &str) -> String {
    let hourly = format!("{} {currency}/h", price.hourly);
    match (price.monthly, price.monthly_saving_percent()) {
        (Some(monthly), Some(saving)) => {
            format!("{hourly} · {monthly} {currency}/month billed monthly (−{saving} %)")
        }
        (Some(monthly), None) => format!("{hourly} · {monthly} {currency}/month billed monthly"),
        (None, _) => hourly,
    }
}

/// The region's flavors, one row each, to choose the pool's.
#[component]
fn FlavorTable(
    wizard: Wizard,
    at: PoolAt,
    flavors: StoredValue<Vec<Flavor>>,
    prices: StoredValue<PriceList>,
) -> impl IntoView {
    let group = at.id("flavor");
    let error_id = format!("{group}-error");
    let rows = flavors.with_value(|all| {
        all.iter()
            .map(|flavor| view! { <FlavorRow wizard at flavor=flavor.clone() prices group=group.clone() /> })
            .collect_view()
    });
    let error = move || wizard.errors.with(|e| message_at(e, &at.path("flavorName")));
    let caption = format!(
        " — reserved per node: CPU {RESERVED_CPU_FORMULA}, memory {RESERVED_MEMORY_FORMULA}. {}",
        prices.with_value(PriceList::origin)
    );
    view! {
        <p class="flavor-caption" id=format!("{group}-caption")>
            <strong>"Flavor"</strong>
            <span class="muted">{caption}</span>
        </p>
        <div
            class="table-scroll flavor-table"
            role="radiogroup"
            aria-labelledby=format!("{group}-caption")
            aria-describedby=error_id.clone()
        >
            <table class="list compact">
                <thead>
                    <tr>
                        <th scope="col"><span class="visually-hidden">"Choose"</span></th>
                        <th scope="col">"Flavor"</th>
                        <th scope="col">"vCPU"</th>
                        <th scope="col">"RAM"</th>
                        <th scope="col">"GPU"</th>
                        <th scope="col">"Disk"</th>
                        <th scope="col">"Reserved"</th>
                        <th scope="col">"Allocatable"</th>
                        <th scope="col">"Price"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="field-error" id=error_id role="alert">{error}</p>
    }
}

/// One flavor: what a node of it has, keeps for the system and costs; choosing it sets the pool's.
#[component]
fn FlavorRow(
    wizard: Wizard,
    at: PoolAt,
    flavor: Flavor,
    prices: StoredValue<PriceList>,
    group: String,
) -> impl IntoView {
    let this = at.of(wizard);
    let shape = flavor.shape();
    let name = StoredValue::new(flavor.name.clone());
    let id = format!("{group}-{}", flavor.name);
    let price =
        prices.with_value(|p| p.flavors.get(&flavor.name).map(|price| flavor_price(price, &p.currency)));
    let available = flavor.is_available();
    let checked =
        move || this.flavor().try_with(|chosen| name.with_value(|n| chosen == n)).unwrap_or_default();
    let choose = move |_| _ = this.flavor().try_set(name.get_value());
    let disk = flavor.disk_gb.map_or("—".to_string(), |gb| format!("{gb} GB"));
    view! {
        <tr class:unavailable=!available>
            <td>
                <input type="radio" name=group id=id.clone() disabled=!available prop:checked=checked on:change=choose />
            </td>
            <th scope="row">
                <label for=id>{flavor.name.clone()}</label>
                {(!available).then(|| view! { <span class="muted">" out of stock"</span> })}
            </th>
            <td>{flavor.vcpus}</td>
            <td>{format!("{} GB", flavor.ram_gb)}</td>
            <td>{flavor.gpus}</td>
            <td>{disk}</td>
            <td>{resources(shape.reserved())}</td>
            <td>{resources(shape.allocatable())}</td>
            <td>{price.unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}
