//! The Settings and Access tabs: rename, security-patch policy, customization, reset and
//! deletion; the admin
//! kubeconfig download and the kubeconfig reset.

use leptos::prelude::*;
use model::access::Role;
use model::customization::CustomizationView;
use model::name::check_name;
use model::operation::OperationKind;
use model::version::UpdatePolicy;

use crate::api::{rename_cluster, reset_kubeconfig, update_cluster_policy};
use crate::components::outcome::outcome;
use crate::pages::clusters::DeleteCluster;

use super::as_code::AsCodeCard;
use super::customize::{CustomizationForm, ResetCluster};
use super::network_card::NetworkCard;

#[component]
pub fn SettingsTab(
    project: String,
    cluster: String,
    name: String,
    policy: UpdatePolicy,
    role: Role,
    customization: CustomizationView,
) -> impl IntoView {
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let may_change = role.allows(OperationKind::RenameCluster.required_role());
    let may_customize = role.allows(OperationKind::CustomizeCluster.required_role());
    let may_reset = role.allows(OperationKind::ResetCluster.required_role());
    let may_delete = role.allows(OperationKind::DeleteCluster.required_role());
    view! {
        <RenameForm project cluster name=name.clone() may_change />
        <PolicyForm project cluster policy may_change />
        <NetworkCard project cluster may_change=role.allows(OperationKind::UpdatePrivateNetwork.required_role()) />
        <CustomizationForm project cluster current=customization may_change=may_customize />
        <AsCodeCard project cluster name=name.clone() />
        {may_reset.then(|| view! { <ResetCluster project cluster name=name.clone() /> })}
        {may_delete.then(|| view! {
            <section class="card danger-zone">
                <h2>"Delete the cluster"</h2>
                <p>"Deleting removes the cluster, its nodes and everything running on them. It cannot be undone."</p>
                <DeleteCluster project=project.get_value() id=cluster.get_value() name=name.clone() />
            </section>
        })}
        {(!may_change).then(|| view! { <p class="muted">"Changing these settings needs the operator role."</p> })}
    }
}

/// The cluster's name, checked as typed.
#[component]
fn RenameForm(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    name: String,
    may_change: bool,
) -> impl IntoView {
    let new_name = RwSignal::new(name);
    let name_error = move || new_name.with(|n| check_name(n).err().map(|e| e.to_string()));
    let rename = Action::new(move |name: &String| {
        rename_cluster(project.get_value(), cluster.get_value(), name.clone())
    });
    view! {
        <section class="card">
            <h2>"Name"</h2>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if may_change && name_error().is_none() {
                    rename.dispatch(new_name.get());
                }
            }>
                <div class="field">
                    <label for="settings-name">"Cluster name"</label>
                    <input id="settings-name" type="text" disabled=!may_change aria-invalid=move || name_error().is_some().to_string() bind:value=new_name />
                    <p class="field-error" role="alert">{name_error}</p>
                </div>
                {may_change.then(|| view! {
                    <button type="submit" class="button" disabled=move || rename.pending().get() || name_error().is_some()>"Rename"</button>
                })}
                {move || outcome(rename.value().get(), "Rename requested.")}
            </form>
        </section>
    }
}

/// When the provider may apply security patches: one choice per policy, with what it means.
#[component]
fn PolicyForm(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    policy: UpdatePolicy,
    may_change: bool,
) -> impl IntoView {
    let chosen = RwSignal::new(policy);
    let save_policy = Action::new(move |policy: &UpdatePolicy| {
        update_cluster_policy(project.get_value(), cluster.get_value(), policy.clone())
    });
    let policies = UpdatePolicy::choices()
        .into_iter()
        .map(|policy| {
            let text = policy.description();
            let id = format!("settings-policy-{}", policy.as_wire().to_lowercase());
            let (label, chosen_value) = (policy.label(), policy.clone());
            let checked = move || chosen.with(|c| *c == policy);
            view! {
                <label class="check" for=id.clone()>
                    <input
                        type="radio"
                        name="settings-policy"
                        id=id.clone()
                        disabled=!may_change
                        prop:checked=checked
                        on:change=move |_| chosen.set(chosen_value.clone())
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
    view! {
        <section class="card">
            <h2>"Security patches"</h2>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if may_change {
                    save_policy.dispatch(chosen.get());
                }
            }>
                <fieldset>
                    <legend class="visually-hidden">"When the provider may patch"</legend>
                    {policies}
                </fieldset>
                {may_change.then(|| view! {
                    <button type="submit" class="button" disabled=move || save_policy.pending().get()>"Save the policy"</button>
                })}
                {move || outcome(save_policy.value().get(), "Policy change requested.")}
            </form>
        </section>
    }
}

#[component]
pub fn AccessTab(project: String, cluster: String, name: String, role: Role) -> impl IntoView {
    let is_admin = role.allows(OperationKind::ResetKubeconfig.required_role());
    let action = format!("/api/projects/{project}/clusters/{cluster}/kubeconfig");
    let try_it = format!("kubectl --kubeconfig {name}.yaml get nodes");
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let confirming = RwSignal::new(false);
    let reset = Action::new(move |_: &()| reset_kubeconfig(project.get_value(), cluster.get_value()));
    let admin = move || {
        view! {
            <form method="post" action=action.clone()>
                <button type="submit" class="button">"Download the admin kubeconfig"</button>
            </form>
            <p class="muted">
                "The file gives full control of " <strong>{name.clone()}</strong>
                ": keep it secret. Each download is recorded in the Activity page."
            </p>
            <p class="muted">"Try it: " <code>{try_it.clone()}</code></p>
            <h3>"Reset the kubeconfig"</h3>
            <Show
                when=move || confirming.get()
                fallback=move || view! { <button type="button" class="button danger" on:click=move |_| confirming.set(true)>"Reset the kubeconfig…"</button> }
            >
                <div class="confirm" role="group" aria-label="Confirm the reset">
                    <p>"Every admin kubeconfig downloaded so far stops working; download a new one afterwards. Per-user kubeconfigs keep working."</p>
                    <div class="confirm-buttons">
                        <button type="button" class="button danger" disabled=move || reset.pending().get() on:click=move |_| { reset.dispatch(()); }>
                            "Reset it"
                        </button>
                        <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
            {move || outcome(reset.value().get(), "Reset requested; follow it on the Overview tab.")}
        }
    };
    view! {
        <section class="card">
            <h2>"Admin kubeconfig"</h2>
            {if is_admin {
                admin().into_any()
            } else {
                view! { <p class="muted">"Downloading or resetting the admin kubeconfig needs the admin role."</p> }.into_any()
            }}
        </section>
    }
}
