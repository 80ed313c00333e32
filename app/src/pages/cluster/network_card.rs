//! The Settings tab's Network card: the cluster's private network, subnets, gateway and routing;
//! operators move the load balancers to another subnet and change the routing, each checked as
//! typed and confirmed after the redeploy it causes is said.

use leptos::prelude::*;
use model::cidr::Ipv4Cidr;
use model::cluster_network::{ClusterNetwork, REDEPLOY_NOTICE, Routing, check_load_balancers_subnet};
use model::operation::OperationView;
use model::private_network::{GatewayView, SubnetView};
use model::validation::FieldErrors;

use crate::api::{cluster_network_settings, set_cluster_routing, set_load_balancers_subnet};
use crate::components::outcome::ErrorMessage;
use crate::error::AppError;
use crate::pages::networks::{follow_operations, track_operation};
use crate::pages::wizard::message_at;

fn subnet_text(subnet: &SubnetView) -> String {
    format!("{} ({})", subnet.cidr, subnet.id)
}

fn gateway_text(subnet: &SubnetView) -> String {
    subnet.gateway.as_ref().map_or_else(|| "None".to_string(), GatewayView::describe)
}

#[component]
pub fn NetworkCard(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    may_change: bool,
) -> impl IntoView {
    let version = RwSignal::new(0_u32);
    // Read in the browser (the server renders "Loading…"), outside any <Suspense>: in islands
    // mode the card is part of the tab's island, rendered once the tab's data is read, too late
    // for the server to send a resource of its with the page.
    let data = LocalResource::new(move || {
        version.track();
        cluster_network_settings(project.get_value(), cluster.get_value())
    });
    let operations = RwSignal::new(Vec::<OperationView>::new());
    follow_operations(project, operations, version);
    let queued = Callback::new(move |id: String| track_operation(project, id, operations, version));
    let working = move || operations.with(|ops| ops.iter().any(|o| !o.state.is_finished()));
    view! {
        <section class="card network-card" aria-labelledby="network-title">
            <h2 id="network-title">"Network"</h2>
            {move || match data.get() {
                None => view! { <p class="muted">"Loading the network…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorMessage error /> }.into_any(),
                Some(Ok(shown)) => view! { <Shown project cluster shown may_change queued /> }.into_any(),
            }}
            <Show when=working>
                <p class="notice" role="status">"The cluster is redeploying with the new settings; this card updates when it is done."</p>
            </Show>
        </section>
    }
}

#[component]
fn Shown(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    shown: ClusterNetwork,
    may_change: bool,
    queued: Callback<String>,
) -> impl IntoView {
    let Some(openstack_id) = shown.private_network_id.clone() else {
        return view! {
            <p>"Public network: the nodes have public addresses. A private network can only be chosen when the cluster is created or reset."</p>
        }
        .into_any();
    };
    let network = match (&shown.network_name, &shown.network_id) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        _ => "Not among the project's networks".to_string(),
    };
    let nodes = shown.nodes_subnet.as_ref().map_or("Chosen by the provider".to_string(), subnet_text);
    let gateway = shown.nodes_subnet.as_ref().map_or("Unknown".to_string(), gateway_text);
    let balancers = shown.load_balancers_subnet.as_ref().map_or("The nodes subnet".to_string(), subnet_text);
    let routing = shown.routing.describe();
    let forms = may_change.then(|| {
        let shown = StoredValue::new(shown.clone());
        view! {
            <LoadBalancersForm project cluster shown queued />
            <RoutingForm project cluster shown queued />
        }
    });
    view! {
        <dl class="facts">
            <dt>"Private network"</dt>
            <dd data-testid="network-name">{network}</dd>
            <dt>{format!("Network id in {}", shown.region)}</dt>
            <dd><code>{openstack_id}</code></dd>
            <dt>"Nodes subnet"</dt>
            <dd data-testid="nodes-subnet">{nodes}</dd>
            <dt>"Gateway"</dt>
            <dd>{gateway}</dd>
            <dt>"Load-balancer subnet"</dt>
            <dd data-testid="lb-subnet">{balancers}</dd>
            <dt>"Routing"</dt>
            <dd data-testid="routing">{routing}</dd>
        </dl>
        {forms}
    }
    .into_any()
}

/// Asks "really?" with the redeploy explained, then sends.
#[component]
fn Confirm(
    asked: RwSignal<bool>,
    pending: Signal<bool>,
    label: &'static str,
    send: Callback<()>,
) -> impl IntoView {
    view! {
        <Show when=move || asked.get()>
            <div class="confirm" role="alertdialog" aria-label="Confirm the change">
                <p>{REDEPLOY_NOTICE}</p>
                <div class="confirm-buttons">
                    <button type="button" class="button" disabled=move || pending.get() on:click=move |_| send.run(())>
                        {label}
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| asked.set(false)>"Cancel"</button>
                </div>
            </div>
        </Show>
    }
}

#[component]
fn LoadBalancersForm(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    shown: StoredValue<ClusterNetwork>,
    queued: Callback<String>,
) -> impl IntoView {
    let current =
        shown.with_value(|s| s.load_balancers_subnet.as_ref().map(|s| s.id.clone()).unwrap_or_default());
    let chosen = RwSignal::new(current.clone());
    let current = StoredValue::new(current);
    let asked = RwSignal::new(false);
    let wanted = move || Some(chosen.get()).filter(|s| !s.is_empty());
    let errors =
        Memo::new(move |_| shown.with_value(|s| check_load_balancers_subnet(s, wanted().as_deref())));
    let change = Action::new(move |subnet: &Option<String>| {
        set_load_balancers_subnet(project.get_value(), cluster.get_value(), subnet.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = change.value().get() {
            asked.set(false);
            queued.run(id);
        }
    });
    let options = shown.with_value(|s| {
        s.subnets
            .iter()
            .map(|sub| view! { <option value=sub.id.clone()>{subnet_text(sub)}</option> })
            .collect_view()
    });
    let unchanged = move || current.with_value(|c| chosen.with(|now| now == c));
    let error = move || errors.with(|e| message_at(e, "loadBalancersSubnetId"));
    let failure = move || match change.value().get() {
        Some(Err(error)) => Some(view! { <ErrorMessage error /> }),
        _ => None,
    };
    view! {
        <form class="network-form" on:submit=move |ev| {
            ev.prevent_default();
            if errors.with(FieldErrors::is_empty) && !unchanged() {
                asked.set(true);
            }
        }>
            <div class="field">
                <label for="lb-subnet-change">"Load balancers on"</label>
                <select
                    id="lb-subnet-change"
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby="lb-subnet-change-error"
                    prop:value=move || chosen.get()
                    on:change=move |ev| {
                        chosen.set(event_target_value(&ev));
                        asked.set(false);
                    }
                >
                    <option value="">"The nodes subnet"</option>
                    {options}
                </select>
                <p class="field-error" id="lb-subnet-change-error" role="alert">{error}</p>
            </div>
            <button type="submit" class="button secondary" disabled=move || unchanged() || asked.get() || error().is_some()>
                "Change the load-balancer subnet…"
            </button>
            <Confirm
                asked
                pending=change.pending().into()
                label="Move the load balancers"
                send=Callback::new(move |()| {
                    change.dispatch(wanted());
                })
            />
            {failure}
        </form>
    }
}

#[component]
fn RoutingForm(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    shown: StoredValue<ClusterNetwork>,
    queued: Callback<String>,
) -> impl IntoView {
    let current = shown.with_value(|s| s.routing.clone());
    let mode = RwSignal::new(match &current {
        Routing::Public => "public",
        Routing::SubnetGateway => "subnet",
        Routing::Gateway(_) => "own",
    });
    let address = RwSignal::new(match &current {
        Routing::Gateway(a) => a.clone(),
        _ => String::new(),
    });
    let asked = RwSignal::new(false);
    let current = StoredValue::new(current);
    let routing = move || match mode.get() {
        "public" => Routing::Public,
        "subnet" => Routing::SubnetGateway,
        _ => Routing::Gateway(address.get()),
    };
    let nodes: Option<Ipv4Cidr> =
        shown.with_value(|s| s.nodes_subnet.as_ref().and_then(|n| n.cidr.parse().ok()));
    let errors = Memo::new(move |_| routing().validate(nodes.as_ref()));
    let change = Action::new(move |routing: &Routing| {
        set_cluster_routing(project.get_value(), cluster.get_value(), routing.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = change.value().get() {
            asked.set(false);
            queued.run(id);
        }
    });
    let unchanged = move || current.with_value(|c| routing() == *c);
    let error = move || {
        let server = match change.value().get() {
            Some(Err(AppError::Invalid { errors })) => message_at(&errors, "defaultVrackGateway"),
            _ => None,
        };
        errors.with(|e| message_at(e, "defaultVrackGateway")).or(server)
    };
    let failure = move || match change.value().get() {
        Some(Err(error)) if !matches!(error, AppError::Invalid { .. }) => {
            Some(view! { <ErrorMessage error /> })
        }
        _ => None,
    };
    let choice = move |value: &'static str, label: &'static str| {
        let id = format!("routing-{value}");
        view! {
            <label class="check" for=id.clone()>
                <input
                    type="radio"
                    name="routing"
                    id=id.clone()
                    prop:checked=move || mode.get() == value
                    on:change=move |_| {
                        mode.set(value);
                        asked.set(false);
                    }
                />
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <form class="network-form" on:submit=move |ev| {
            ev.prevent_default();
            if errors.with(FieldErrors::is_empty) && !unchanged() {
                asked.set(true);
            }
        }>
            <fieldset>
                <legend>"Traffic leaving the private network goes"</legend>
                {choice("public", "Through each node's public interface")}
                {choice("subnet", "Through the subnet's gateway (advertised by its DHCP)")}
                {choice("own", "Through a gateway address of my own")}
            </fieldset>
            <Show when=move || mode.get() == "own">
                <div class="field">
                    <label for="vrack-gateway">"Gateway address"</label>
                    <input
                        id="vrack-gateway"
                        type="text"
                        autocomplete="off"
                        aria-invalid=move || error().is_some().to_string()
                        aria-describedby="vrack-gateway-error"
                        prop:value=move || address.get()
                        on:input=move |ev| {
                            address.set(event_target_value(&ev));
                            asked.set(false);
                        }
                    />
                    <p class="field-error" id="vrack-gateway-error" role="alert">{error}</p>
                </div>
            </Show>
            <button type="submit" class="button secondary" disabled=move || unchanged() || asked.get() || error().is_some()>
                "Change the routing…"
            </button>
            <Confirm
                asked
                pending=change.pending().into()
                label="Change the routing"
                send=Callback::new(move |()| {
                    change.dispatch(routing());
                })
            />
            {failure}
        </form>
    }
}
