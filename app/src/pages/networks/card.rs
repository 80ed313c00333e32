//! One network on the network page: its regions and subnets, each subnet's gateway, the clusters
//! on them, and the network's deletion.

use leptos::prelude::*;
use model::private_network::{NetworkView, SubnetView};

use crate::api::{create_gateway, delete_network};
use crate::components::outcome::ErrorMessage;

fn names(list: &[String]) -> String {
    list.join(", ")
}

#[component]
pub fn NetworkCard(
    project: StoredValue<String>,
    network: NetworkView,
    may_create: bool,
    may_delete: bool,
    /// Goes up when an operation was queued: the page reads the networks again.
    version: RwSignal<u32>,
) -> impl IntoView {
    let title_id = format!("network-{}", network.id);
    let labelled_by = title_id.clone();
    let used = match network.used_by.is_empty() {
        true => "No cluster uses it.".to_string(),
        false => format!("Used by {}.", names(&network.used_by)),
    };
    let network_id = StoredValue::new(network.id.clone());
    let regions = network
        .regions
        .iter()
        .map(|region| {
            let rows = region
                .subnets
                .iter()
                .map(|subnet| view! { <SubnetRow project network=network_id subnet=subnet.clone() may_create version /> })
                .collect_view();
            let empty = region.subnets.is_empty().then(|| {
                view! { <tr><td colspan="4" class="muted">"No subnet in this region."</td></tr> }
            });
            view! {
                <div class="table-scroll">
                <table class="list subnets">
                    <caption>
                        {region.region.clone()}
                        <span class="muted">" · network id there: " <code>{region.openstack_id.clone()}</code></span>
                    </caption>
                    <thead>
                        <tr>
                            <th scope="col">"Subnet"</th>
                            <th scope="col">"DHCP range"</th>
                            <th scope="col">"Gateway"</th>
                            <th scope="col">"Used by"</th>
                        </tr>
                    </thead>
                    <tbody>{rows} {empty}</tbody>
                </table>
                </div>
            }
        })
        .collect_view();
    let deletion = may_delete.then(|| view! { <DeleteNetwork project network=network.clone() version /> });
    view! {
        <article class="card network" aria-labelledby=labelled_by data-network=network.id.clone()>
            <header class="network-head">
                <h2 id=title_id>{network.name.clone()}</h2>
                <p class="muted">
                    {format!("VLAN {} · {} · ", network.vlan_id, network.status)}
                    <code>{network.id.clone()}</code>
                </p>
            </header>
            <p>{used}</p>
            {regions}
            {deletion}
        </article>
    }
}

#[component]
fn SubnetRow(
    project: StoredValue<String>,
    network: StoredValue<String>,
    subnet: SubnetView,
    may_create: bool,
    version: RwSignal<u32>,
) -> impl IntoView {
    let range = match (&subnet.dhcp_start, &subnet.dhcp_end) {
        (Some(start), Some(end)) => format!("{start} – {end}"),
        _ => "—".to_string(),
    };
    let gateway = match &subnet.gateway {
        Some(g) => view! { <span>{g.describe()}</span> }.into_any(),
        None if may_create => view! {
            <span class="muted">"None "</span>
            <AddGateway project network subnet=subnet.id.clone() cidr=subnet.cidr.clone() version />
        }
        .into_any(),
        None => view! { <span class="muted">"None"</span> }.into_any(),
    };
    let used = match subnet.used_by.is_empty() {
        true => "—".to_string(),
        false => names(&subnet.used_by),
    };
    view! {
        <tr data-subnet=subnet.id.clone()>
            <th scope="row"><code>{subnet.cidr.clone()}</code></th>
            <td>{range}</td>
            <td>{gateway}</td>
            <td>{used}</td>
        </tr>
    }
}

/// "Add gateway": the size, then the request.
#[component]
fn AddGateway(
    project: StoredValue<String>,
    network: StoredValue<String>,
    subnet: String,
    cidr: String,
    version: RwSignal<u32>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let size = RwSignal::new("s".to_string());
    let subnet = StoredValue::new(subnet);
    let add = Action::new(move |size: &String| {
        create_gateway(project.get_value(), network.get_value(), subnet.get_value(), size.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            open.set(false);
            version.update(|v| *v += 1);
        }
    });
    let select_id = format!("gateway-size-{}", subnet.get_value());
    let failure = move || match add.value().get() {
        Some(Err(error)) => Some(view! { <ErrorMessage error inline=true /> }),
        _ => None,
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="button secondary small" on:click=move |_| open.set(true)>
                    "Add gateway"
                </button>
            }
        >
            <span class="inline-form">
                <label for=select_id.clone()>{format!("Gateway size for {cidr}")}</label>
                " "
                <select id=select_id.clone() on:change=move |ev| size.set(event_target_value(&ev))>
                    {super::gateway_sizes()}
                </select>
                " "
                <button
                    type="button"
                    class="button small"
                    disabled=move || add.pending().get()
                    on:click=move |_| {
                        add.dispatch(size.get_untracked());
                    }
                >
                    "Create gateway"
                </button>
                <button type="button" class="button secondary small" on:click=move |_| open.set(false)>"Cancel"</button>
            </span>
        </Show>
        {failure}
    }
}

/// Deletion: refused at once while clusters use the network, else confirmed first.
#[component]
fn DeleteNetwork(
    project: StoredValue<String>,
    network: NetworkView,
    version: RwSignal<u32>,
) -> impl IntoView {
    let asked = RwSignal::new(false);
    let id = StoredValue::new(network.id.clone());
    let delete = Action::new(move |_: &()| delete_network(project.get_value(), id.get_value()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete.value().get() {
            asked.set(false);
            version.update(|v| *v += 1);
        }
    });
    let name = network.name.clone();
    let subnets: usize = network.regions.iter().map(|r| r.subnets.len()).sum();
    let gateways: usize =
        network.regions.iter().flat_map(|r| r.subnets.iter()).filter(|s| s.gateway.is_some()).count();
    let question = format!(
        "Delete {name} with its {subnets} subnet(s) and {gateways} gateway(s)? This cannot be undone."
    );
    let refusal = (!network.used_by.is_empty()).then(|| {
        format!(
            "{name} cannot be deleted: it is used by {}. Delete or reset {} first.",
            names(&network.used_by),
            if network.used_by.len() == 1 { "that cluster" } else { "those clusters" }
        )
    });
    let panel = move || {
        if !asked.get() {
            return None;
        }
        Some(match refusal.clone() {
            Some(refusal) => view! { <p class="error" role="alert">{refusal}</p> }.into_any(),
            None => view! {
                <div class="confirm" role="alertdialog" aria-label="Confirm deletion">
                    <p>{question.clone()}</p>
                    <div class="confirm-buttons">
                        <button
                            type="button"
                            class="button danger"
                            disabled=move || delete.pending().get()
                            on:click=move |_| {
                                delete.dispatch(());
                            }
                        >
                            "Delete network"
                        </button>
                        <button type="button" class="button secondary" on:click=move |_| asked.set(false)>"Cancel"</button>
                    </div>
                </div>
            }
            .into_any(),
        })
    };
    let failure = move || match delete.value().get() {
        Some(Err(error)) => Some(view! { <ErrorMessage error /> }),
        _ => None,
    };
    view! {
        <div class="network-actions">
            <button type="button" class="button secondary danger" on:click=move |_| asked.set(true) disabled=move || asked.get()>
                {format!("Delete {}…", network.name)}
            </button>
            {panel}
            {failure}
        </div>
    }
}
