//! The wizard's private network: the region's networks and subnets picked from lists, each
//! subnet with its range and gateway, and what is missing (a network, a subnet, a gateway)
//! created here, the wizard following the operations until they end.

use leptos::prelude::*;
use model::cidr::Ipv4Cidr;
use model::operation::OperationView;
use model::private_network::{NetworkView, NetworksView, SubnetForm, SubnetView};
use model::region::RegionKind;
use model::validation::FieldErrors;

use super::{Bound, Checkbox, DraftStoreFields, TextField, Wizard, message_at};
use crate::api::{create_gateway, create_subnet, networks};
use crate::components::outcome::{ErrorMessage, caught};
use crate::components::timeline::Timeline;
use crate::error::AppError;
use crate::pages::networks::{NewNetwork, follow_operations, gateway_sizes, track_operation};

/// The networks of the project present in `region`, each with its subnets there.
fn in_region(view: &NetworksView, region: &str) -> Vec<(NetworkView, String, Vec<SubnetView>)> {
    view.networks
        .iter()
        .filter_map(|n| {
            let here = n.regions.iter().find(|r| r.region == region)?;
            Some((n.clone(), here.openstack_id.clone(), here.subnets.clone()))
        })
        .collect()
}

fn subnet_label(subnet: &SubnetView) -> String {
    let gateway = match &subnet.gateway {
        Some(g) if g.is_active() => "gateway active".to_string(),
        Some(g) => format!("gateway {}", g.status),
        None => "no gateway".to_string(),
    };
    format!("{} — {gateway}", subnet.cidr)
}

#[component]
pub fn PrivateNetworkChoice(wizard: Wizard) -> impl IntoView {
    let (draft, errors, project) = (wizard.draft, wizard.errors, wizard.project);
    let version = RwSignal::new(0_u32);
    let data = Resource::new(move || (project.get_value(), version.get()), |(p, _)| networks(p));
    // The operations started from this wizard, followed until they end.
    let operations = RwSignal::new(Vec::<OperationView>::new());
    follow_operations(project, operations, version);
    let started = Callback::new(move |id: String| track_operation(project, id, operations, version));
    // The chosen subnet's range and gateway, as last read: the rules check them, not the user.
    Effect::new(move |_| {
        let Some(Ok(view)) = data.get() else { return };
        let region = draft.region().get();
        let network = draft.private_network_id().get();
        let subnet = draft.nodes_subnet_id().get();
        let found = in_region(&view, &region)
            .into_iter()
            .find(|(_, id, _)| *id == network)
            .and_then(|(_, _, subnets)| subnets.into_iter().find(|s| s.id == subnet));
        let cidr = found.as_ref().map(|s| s.cidr.clone()).unwrap_or_default();
        let gateway = found.as_ref().and_then(|s| s.gateway.as_ref()).is_some_and(|g| g.is_active());
        if draft.nodes_subnet_cidr().get_untracked() != cidr {
            draft.nodes_subnet_cidr().set(cidr);
        }
        if draft.subnet_has_gateway().get_untracked() != gateway {
            draft.subnet_has_gateway().set(gateway);
        }
    });
    let three_zone = move || wizard.region().is_some_and(|r| r.kind() == RegionKind::ThreeZone);
    let explanation = move || {
        three_zone().then(|| {
            view! {
                <p class="notice" role="note">
                    "This is a 3-AZ region: the nodes spread over three zones and leave the private network through the subnet's gateway, so the nodes subnet must have an active gateway."
                </p>
            }
        })
    };
    view! {
        {explanation}
        <Suspense fallback=|| view! { <p class="muted">"Loading the project's networks…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || Suspend::new(async move {
                    let view = data.await?;
                    Ok::<_, AppError>(view! { <Choices wizard view version started /> })
                })}
            </ErrorBoundary>
        </Suspense>
        <Show when=move || operations.with(|ops| !ops.is_empty())>
            <Timeline
                project=project.get_value()
                operations=operations.into()
                role=model::access::Role::Operator
                empty=""
            />
        </Show>
        {move || errors.with(|e| message_at(e, "privateNetwork.nodesSubnetCidr")).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
}

/// The lists, and the forms that add what they lack.
#[component]
fn Choices(
    wizard: Wizard,
    view: NetworksView,
    version: RwSignal<u32>,
    started: Callback<String>,
) -> impl IntoView {
    let (draft, errors, project) = (wizard.draft, wizard.errors, wizard.project);
    let region = draft.region().get_untracked();
    let here = StoredValue::new(in_region(&view, &region));
    let taken: Vec<u32> = view.networks.iter().map(|n| n.vlan_id).collect();
    let regions: Vec<_> = wizard.region().into_iter().collect();
    let new_network = RwSignal::new(false);
    let new_subnet = RwSignal::new(false);
    let queued = Callback::new(move |id: String| {
        started.run(id);
        version.update(|v| *v += 1);
    });
    let chosen = move || {
        let network = draft.private_network_id().get();
        here.with_value(|h| h.iter().find(|(_, id, _)| *id == network).cloned())
    };
    let network_options = here.with_value(|h| {
        h.iter()
            .map(|(n, id, _)| view! { <option value=id.clone()>{format!("{} (VLAN {})", n.name, n.vlan_id)}</option> })
            .collect_view()
    });
    let subnet_options = move |empty: &'static str| {
        let subnets = chosen().map(|(_, _, s)| s).unwrap_or_default();
        let mut options = vec![view! { <option value="">{empty}</option> }.into_any()];
        options.extend(
            subnets
                .iter()
                .map(|s| view! { <option value=s.id.clone()>{subnet_label(s)}</option> }.into_any()),
        );
        options
    };
    let error = move |path: &'static str| errors.with(|e| message_at(e, path));
    let chosen_subnet = move || {
        let id = draft.nodes_subnet_id().get();
        chosen().and_then(|(_, _, subnets)| subnets.into_iter().find(|s| s.id == id))
    };
    let gateway_line = move || {
        let subnet = chosen_subnet()?;
        Some(match subnet.gateway.clone() {
            Some(g) => view! {
                <p class="muted">{format!("Gateway {}", g.describe())}</p>
            }
            .into_any(),
            None => {
                let network = chosen().map(|(n, _, _)| n.id).unwrap_or_default();
                view! { <AddGatewayHere project network subnet=subnet.id.clone() queued /> }.into_any()
            }
        })
    };
    let empty_region = here.with_value(Vec::is_empty).then(|| {
        view! { <p class="empty">{format!("The project has no private network in {region} yet.")}</p> }
    });
    view! {
        {empty_region}
        <div class="field-grid">
            <div class="field">
                <label for="private-network">"Private network"</label>
                <select
                    id="private-network"
                    aria-invalid=move || error("privateNetwork.privateNetworkId").is_some().to_string()
                    aria-describedby="private-network-error"
                    prop:value=move || draft.private_network_id().get()
                    on:change=move |ev| {
                        draft.private_network_id().set(event_target_value(&ev));
                        draft.nodes_subnet_id().set(String::new());
                        draft.load_balancers_subnet_id().set(String::new());
                    }
                >
                    <option value="">"Choose a network…"</option>
                    {network_options}
                </select>
                <p class="field-error" id="private-network-error" role="alert">{move || error("privateNetwork.privateNetworkId")}</p>
            </div>
            <div class="field">
                <label for="nodes-subnet">"Nodes subnet"</label>
                <select
                    id="nodes-subnet"
                    disabled=move || chosen().is_none()
                    aria-invalid=move || error("privateNetwork.nodesSubnetId").is_some().to_string()
                    aria-describedby="nodes-subnet-error"
                    prop:value=move || draft.nodes_subnet_id().get()
                    on:change=move |ev| draft.nodes_subnet_id().set(event_target_value(&ev))
                >
                    {move || subnet_options("Let the provider choose")}
                </select>
                <p class="field-error" id="nodes-subnet-error" role="alert">{move || error("privateNetwork.nodesSubnetId")}</p>
            </div>
            <div class="field">
                <label for="lb-subnet">"Load-balancer subnet"</label>
                <select
                    id="lb-subnet"
                    disabled=move || chosen().is_none()
                    aria-describedby="lb-subnet-error"
                    prop:value=move || draft.load_balancers_subnet_id().get()
                    on:change=move |ev| draft.load_balancers_subnet_id().set(event_target_value(&ev))
                >
                    {move || subnet_options("The nodes subnet")}
                </select>
                <p class="field-error" id="lb-subnet-error" role="alert">{move || error("privateNetwork.loadBalancersSubnetId")}</p>
            </div>
        </div>
        {gateway_line}
        <div class="confirm-buttons">
            <button type="button" class="button secondary" on:click=move |_| new_network.set(true) disabled=move || new_network.get()>
                {format!("Create a network in {region}")}
            </button>
            <Show when=move || chosen().is_some()>
                <button type="button" class="button secondary" on:click=move |_| new_subnet.set(true) disabled=move || new_subnet.get()>
                    "Create a subnet in this network"
                </button>
            </Show>
        </div>
        <Show when=move || new_network.get()>
            <NewNetwork project regions=regions.clone() taken=taken.clone() open=new_network queued />
        </Show>
        {move || {
            let (network, _, subnets) = chosen()?;
            new_subnet.get().then(|| {
                let neighbours: Vec<Ipv4Cidr> = subnets.iter().filter_map(|s| s.cidr.parse().ok()).collect();
                view! { <NewSubnet project network=network.id region=draft.region().get_untracked() neighbours open=new_subnet queued /> }
            })
        }}
    }
}

/// "No gateway on this subnet": its size, then the request.
#[component]
fn AddGatewayHere(
    project: StoredValue<String>,
    network: String,
    subnet: String,
    queued: Callback<String>,
) -> impl IntoView {
    let size = RwSignal::new("s".to_string());
    let ids = StoredValue::new((network, subnet));
    let add = Action::new(move |size: &String| {
        let (network, subnet) = ids.get_value();
        create_gateway(project.get_value(), network, subnet, size.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = add.value().get() {
            queued.run(id);
        }
    });
    let failure = move || match add.value().get() {
        Some(Err(error)) => Some(view! { <ErrorMessage error /> }),
        _ => None,
    };
    view! {
        <div class="inline-form gateway-here">
            <span>"This subnet has no gateway."</span>
            <label for="gateway-here-size">"Size"</label>
            <select id="gateway-here-size" on:change=move |ev| size.set(event_target_value(&ev))>{gateway_sizes()}</select>
            <button
                type="button"
                class="button secondary"
                disabled=move || add.pending().get() || matches!(add.value().get(), Some(Ok(_)))
                on:click=move |_| {
                    add.dispatch(size.get_untracked());
                }
            >
                "Add a gateway here"
            </button>
        </div>
        {failure}
    }
}

/// A subnet of the chosen network in the wizard's region.
#[component]
fn NewSubnet(
    project: StoredValue<String>,
    network: String,
    region: String,
    neighbours: Vec<Ipv4Cidr>,
    open: RwSignal<bool>,
    queued: Callback<String>,
) -> impl IntoView {
    let form = RwSignal::new(SubnetForm {
        cidr: String::new(),
        dhcp_start: String::new(),
        dhcp_end: String::new(),
        gateway: None,
    });
    let touched = RwSignal::new(false);
    let ids = StoredValue::new((network, region));
    let create = Action::new(move |form: &SubnetForm| {
        let (network, region) = ids.get_value();
        create_subnet(project.get_value(), network, region, form.clone())
    });
    let errors = Memo::new(move |_| {
        let mut found = form.with(|f| f.parse(&neighbours).err().unwrap_or_default());
        if let Some(Err(AppError::Invalid { errors: server })) = create.value().get() {
            found.append(server);
        }
        if touched.get() { found } else { FieldErrors::new() }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            open.set(false);
            queued.run(id);
        }
    });
    let text = move |at: fn(&mut SubnetForm) -> &mut String| {
        Bound::place(form, move |f| Some(at(f)), move || touched.set(true))
    };
    let cidr = Bound::place(
        form,
        |f: &mut SubnetForm| Some(&mut f.cidr),
        move || {
            touched.set(true);
            form.update(|f| {
                if let Ok(range) = f.cidr.trim().parse::<Ipv4Cidr>() {
                    let (start, end) = SubnetForm::suggested_range(&range);
                    (f.dhcp_start, f.dhcp_end) = (start.to_string(), end.to_string());
                }
            });
        },
    );
    let gateway = RwSignal::new(false);
    Effect::new(move |_| {
        let wanted = gateway.get().then(|| "s".to_string());
        form.update(|f| f.gateway = wanted);
    });
    let failure = move || match create.value().get() {
        Some(Err(error)) if !matches!(error, AppError::Invalid { .. }) => {
            Some(view! { <ErrorMessage error /> })
        }
        _ => None,
    };
    view! {
        <form class="card new-subnet" aria-label="New subnet" novalidate on:submit=move |ev| {
            ev.prevent_default();
            touched.set(true);
            if errors.with(|e| e.is_empty()) && !create.pending().get_untracked() {
                create.dispatch(form.get_untracked());
            }
        }>
            <h3>"New subnet"</h3>
            <div class="field-grid">
                <TextField id="new-subnet-cidr".into() label="Subnet range" value=cidr errors path="cidr".into() />
                <TextField id="new-subnet-start".into() label="DHCP range start" value=text(|f| &mut f.dhcp_start) errors path="dhcpStart".into() />
                <TextField id="new-subnet-end".into() label="DHCP range end" value=text(|f| &mut f.dhcp_end) errors path="dhcpEnd".into() />
            </div>
            <Checkbox id="new-subnet-gateway".into() label="Add a managed gateway (size Small)" value=gateway />
            <div class="confirm-buttons">
                <button type="submit" class="button" disabled=move || create.pending().get()>"Create the subnet"</button>
                <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
            </div>
            {failure}
        </form>
    }
}
