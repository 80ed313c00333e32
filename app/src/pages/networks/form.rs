//! The form that asks for a new private network with its first subnet and, when wanted, a
//! managed gateway; on the network page (any region) and in the wizard (the cluster's region).

use leptos::prelude::*;
use model::cidr::Ipv4Cidr;
use model::private_network::{NetworkForm, SubnetForm};
use model::region::{Region, RegionKind};
use model::validation::FieldErrors;

use crate::api::create_network;
use crate::components::outcome::ErrorMessage;
use crate::error::AppError;
use crate::pages::wizard::{Bound, Checkbox, TextField};

/// The form's own state: the network as typed, the VLAN as text.
#[derive(Clone, Debug, Default)]
struct Typed {
    name: String,
    vlan: String,
    region: String,
    cidr: String,
    start: String,
    end: String,
    gateway: bool,
    size: String,
    /// The user typed a DHCP range: a new subnet range no longer replaces it.
    range_chosen: bool,
}

impl Typed {
    fn form(&self) -> (NetworkForm, FieldErrors) {
        let mut errors = FieldErrors::new();
        let vlan_id = match self.vlan.trim().parse::<u32>() {
            Ok(vlan) => vlan,
            Err(_) => {
                errors.add("vlanId", "Give the VLAN id as a whole number from 0 to 4000.");
                0
            }
        };
        let form = NetworkForm {
            name: self.name.trim().to_string(),
            vlan_id,
            region: self.region.clone(),
            subnet: SubnetForm {
                cidr: self.cidr.trim().to_string(),
                dhcp_start: self.start.trim().to_string(),
                dhcp_end: self.end.trim().to_string(),
                gateway: self.gateway.then(|| self.size.clone()),
            },
        };
        (form, errors)
    }
}

/// Every problem with `typed`, beside the project's `taken` VLAN ids.
fn problems(typed: &Typed, taken: &[u32]) -> FieldErrors {
    let (form, mut errors) = typed.form();
    if errors.is_empty() {
        errors.append(form.validate(taken));
    } else {
        errors.append(NetworkForm { vlan_id: 0, ..form.clone() }.validate(&[]));
    }
    if let Err(subnet) = form.subnet.parse(&[]) {
        errors.extend_under("subnet", subnet);
    }
    errors
}

#[component]
pub fn NewNetwork(
    project: StoredValue<String>,
    /// The regions to choose from; one region: the form is for that region only.
    regions: Vec<Region>,
    /// VLAN ids the project's networks use.
    taken: Vec<u32>,
    /// Closed (set to false) by Cancel or once the network is requested.
    open: RwSignal<bool>,
    /// Told the new operation's id.
    queued: Callback<String>,
) -> impl IntoView {
    let first = regions.first().map(|r| r.name.clone()).unwrap_or_default();
    let typed = RwSignal::new(Typed {
        vlan: String::new(),
        region: first,
        cidr: "10.0.0.0/24".into(),
        start: "10.0.0.2".into(),
        end: "10.0.0.254".into(),
        size: "s".into(),
        ..Typed::default()
    });
    let create = Action::new(move |form: &NetworkForm| create_network(project.get_value(), form.clone()));
    let sent = RwSignal::new(None::<NetworkForm>);
    let touched = RwSignal::new(false);
    let errors = Memo::new(move |_| {
        let mut found = typed.with(|t| problems(t, &taken));
        if let Some(Err(AppError::Invalid { errors: server })) = create.value().get()
            && sent.get() == Some(typed.with(|t| t.form().0))
        {
            found.append(server);
        }
        found
    });
    let shown = Memo::new(move |_| if touched.get() { errors.get() } else { FieldErrors::new() });
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            open.set(false);
            queued.run(id);
        }
    });
    let field = move |at: fn(&mut Typed) -> &mut String| {
        Bound::place(typed, move |t| Some(at(t)), move || touched.set(true))
    };
    // A new range suggests its DHCP range, as long as the user has not chosen one.
    let cidr = Bound::place(
        typed,
        |t: &mut Typed| Some(&mut t.cidr),
        move || {
            touched.set(true);
            typed.update(|t| {
                if t.range_chosen {
                    return;
                }
                if let Ok(range) = t.cidr.trim().parse::<Ipv4Cidr>() {
                    let (start, end) = SubnetForm::suggested_range(&range);
                    (t.start, t.end) = (start.to_string(), end.to_string());
                }
            })
        },
    );
    let range = move |at: fn(&mut Typed) -> &mut String| {
        Bound::place(
            typed,
            move |t| Some(at(t)),
            move || {
                touched.set(true);
                typed.update(|t| t.range_chosen = true);
            },
        )
    };
    let three_zone = {
        let regions = regions.clone();
        move || {
            let region = typed.with(|t| t.region.clone());
            regions.iter().any(|r| r.name == region && r.kind() == RegionKind::ThreeZone)
        }
    };
    let region_choice = match regions.len() {
        1 => view! { <p class="muted">"In " {regions[0].name.clone()}</p> }.into_any(),
        _ => {
            let options = regions
                .iter()
                .map(|r| {
                    let kind = if r.kind() == RegionKind::ThreeZone { " (3-AZ)" } else { "" };
                    view! { <option value=r.name.clone()>{format!("{}{kind}", r.name)}</option> }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for="network-region">"Region"</label>
                    <select
                        id="network-region"
                        prop:value=move || typed.with(|t| t.region.clone())
                        on:change=move |ev| typed.update(|t| t.region = event_target_value(&ev))
                    >
                        {options}
                    </select>
                </div>
            }
            .into_any()
        }
    };
    let gateway = Bound::place(typed, |t: &mut Typed| Some(&mut t.gateway), move || touched.set(true));
    let failure = move || match create.value().get() {
        Some(Err(error)) if !matches!(error, AppError::Invalid { .. }) => {
            Some(view! { <ErrorMessage error /> })
        }
        _ => None,
    };
    view! {
        <form
            class="card new-network"
            aria-labelledby="new-network-title"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                touched.set(true);
                if errors.with(|e| e.is_empty()) && !create.pending().get_untracked() {
                    let form = typed.with_untracked(|t| t.form().0);
                    sent.set(Some(form.clone()));
                    create.dispatch(form);
                }
            }
        >
            <h3 id="new-network-title">"New private network"</h3>
            {region_choice}
            <div class="field-grid">
                <TextField id="network-name".into() label="Name" value=field(|t| &mut t.name) errors=shown path="name".into() />
                <TextField
                    id="network-vlan".into()
                    label="VLAN id"
                    hint="0 to 4000; one network per VLAN in the project."
                    value=field(|t| &mut t.vlan)
                    errors=shown
                    path="vlanId".into()
                    numeric=true
                />
                <TextField
                    id="subnet-cidr".into()
                    label="Subnet range"
                    hint="Private space: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."
                    value=cidr
                    errors=shown
                    path="subnet.cidr".into()
                />
                <TextField id="subnet-start".into() label="DHCP range start" value=range(|t| &mut t.start) errors=shown path="subnet.dhcpStart".into() />
                <TextField id="subnet-end".into() label="DHCP range end" value=range(|t| &mut t.end) errors=shown path="subnet.dhcpEnd".into() />
            </div>
            <Checkbox
                id="subnet-gateway-new".into()
                label="Add a managed gateway on the subnet"
                hint=" Nodes without public addresses reach the internet through it; Standard clusters in 3-AZ regions need one."
                value=gateway
            />
            <Show when=move || typed.with(|t| t.gateway)>
                <div class="field">
                    <label for="gateway-size">"Gateway size"</label>
                    <select
                        id="gateway-size"
                        prop:value=move || typed.with(|t| t.size.clone())
                        on:change=move |ev| typed.update(|t| t.size = event_target_value(&ev))
                    >
                        {super::gateway_sizes()}
                    </select>
                </div>
            </Show>
            <Show when=move || three_zone() && !typed.with(|t| t.gateway)>
                <p class="notice" role="status">"A Standard cluster in a 3-AZ region can use this subnet only once it has a gateway."</p>
            </Show>
            <div class="confirm-buttons">
                <button type="submit" class="button" disabled=move || create.pending().get()>"Create the network"</button>
                <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
            </div>
            {failure}
        </form>
    }
}
