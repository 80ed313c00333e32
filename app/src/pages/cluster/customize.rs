//! The Settings tab's admission plugins and kube-proxy periods (operators), and the cluster reset
//! with its choice of deleting or reinstalling the nodes (admins, after typing the name).

use leptos::prelude::*;
use model::customization::{ADMISSION_PLUGINS, CustomizationView};
use model::reset::WorkerNodesPolicy;
use model::validation::FieldErrors;

use crate::api::{customize_cluster, reset_cluster};
use crate::components::outcome::{outcome, outcome_beside_fields};
use crate::error::AppError;
use crate::pages::wizard::{TextField, message_at};

#[component]
pub fn CustomizationForm(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    current: CustomizationView,
    may_change: bool,
) -> impl IntoView {
    let disabled = RwSignal::new(current.disabled_plugins.clone());
    let min_sync = RwSignal::new(current.min_sync_period.clone());
    let sync = RwSignal::new(current.sync_period.clone());
    let view_now = Memo::new(move |_| CustomizationView {
        disabled_plugins: disabled.get(),
        min_sync_period: min_sync.get(),
        sync_period: sync.get(),
    });
    let save = Action::new(move |view: &CustomizationView| {
        customize_cluster(project.get_value(), cluster.get_value(), view.clone())
    });
    let sent = RwSignal::new(None::<CustomizationView>);
    let errors = Memo::new(move |_| {
        let mut errors = view_now.with(CustomizationView::validate);
        if let Some(Err(AppError::Invalid { errors: server })) = save.value().get()
            && sent.with(|sent| view_now.with(|now| sent.as_ref() == Some(now)))
        {
            errors.append(server);
        }
        errors
    });
    let period = move |id: &'static str, label: &'static str, value: RwSignal<String>, path: &'static str| {
        let hint = "A duration like PT30S or PT1M; empty for the provider's default.";
        view! { <TextField id=id.to_string() label hint value errors path=path.to_string() disabled=!may_change /> }
    };
    let outcome =
        move || outcome_beside_fields(save.value().get(), "Change requested; follow it on the Overview tab.");
    let plugins_error = move || errors.with(|e| message_at(e, "admissionPlugins"));
    view! {
        <section class="card">
            <h2>"Admission plugins and kube-proxy"</h2>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if may_change && errors.with(FieldErrors::is_empty) {
                    sent.set(Some(view_now.get()));
                    save.dispatch(view_now.get());
                }
            }>
                <fieldset>
                    <legend>"Admission plugins"</legend>
                    <AdmissionPluginChoices disabled may_change />
                    <p class="field-error" role="alert">{plugins_error}</p>
                </fieldset>
                <fieldset>
                    <legend>"kube-proxy (iptables mode)"</legend>
                    <div class="field-grid">
                        {period("kube-proxy-min-sync", "Minimum sync period", min_sync, "minSyncPeriod")}
                        {period("kube-proxy-sync", "Sync period", sync, "syncPeriod")}
                    </div>
                </fieldset>
                {may_change.then(|| view! {
                    <button type="submit" class="button" disabled=move || save.pending().get() || !errors.with(FieldErrors::is_empty)>
                        "Save the customization"
                    </button>
                })}
                {outcome}
            </form>
        </section>
    }
    .into_any()
}

/// One checkbox per admission plugin, checked when it is on; those that are always on cannot
/// be turned off.
#[component]
fn AdmissionPluginChoices(disabled: RwSignal<Vec<String>>, may_change: bool) -> impl IntoView {
    ADMISSION_PLUGINS
        .iter()
        .map(|plugin| {
            let id = format!("plugin-{}", plugin.name);
            let name = plugin.name;
            let on = move || disabled.with(|d| !d.iter().any(|n| n == name));
            let toggle = move |ev| {
                let checked = event_target_checked(&ev);
                disabled.update(|d| {
                    d.retain(|n| n != name);
                    if !checked {
                        d.push(name.to_string());
                    }
                });
            };
            view! {
                <label class="check" for=id.clone()>
                    <input id=id.clone() type="checkbox" disabled=!may_change || !plugin.optional prop:checked=on on:change=toggle />
                    <span>
                        <strong>{name}</strong>
                        " — "
                        {plugin.description}
                        {(!plugin.optional).then_some(" Always on.")}
                    </span>
                </label>
            }
        })
        .collect_view()
}

#[component]
pub fn ResetCluster(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    name: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let nodes = RwSignal::new(WorkerNodesPolicy::Reinstall);
    let reset = Action::new(move |(nodes, confirm): &(WorkerNodesPolicy, String)| {
        reset_cluster(project.get_value(), cluster.get_value(), nodes.clone(), confirm.clone())
    });
    let expected = StoredValue::new(name.clone());
    let matches = move || expected.with_value(|expected| *typed.read() == *expected);
    let choice = move |value: WorkerNodesPolicy| {
        let id = format!("reset-nodes-{}", value.as_wire());
        let label = value.label();
        let chosen = value.clone();
        view! {
            <label class="check" for=id.clone()>
                <input
                    type="radio"
                    name="reset-nodes"
                    id=id.clone()
                    prop:checked=move || nodes.with(|n| *n == chosen)
                    on:change=move |_| nodes.set(value.clone())
                />
                <span>{label}</span>
            </label>
        }
    };
    let outcome = move || outcome(reset.value().get(), "Reset requested; follow it on the Overview tab.");
    view! {
        <section class="card danger-zone">
            <h2>"Reset the cluster"</h2>
            <p>
                "Reinstalls the control plane with the same name, version, patch policy and network. "
                "Every Kubernetes object and workload in the cluster is lost."
            </p>
            <Show
                when=move || open.get()
                fallback=move || view! { <button type="button" class="button danger" on:click=move |_| open.set(true)>"Reset…"</button> }
            >
                <form class="confirm" on:submit=move |ev| {
                    ev.prevent_default();
                    if matches() {
                        reset.dispatch((nodes.get(), typed.get()));
                    }
                }>
                    <fieldset>
                        <legend>"The nodes"</legend>
                        {choice(WorkerNodesPolicy::Reinstall)}
                        {choice(WorkerNodesPolicy::Delete)}
                    </fieldset>
                    <label for="reset-confirm">"Type " <strong>{name.clone()}</strong> " to reset it"</label>
                    <input id="reset-confirm" type="text" autocomplete="off" bind:value=typed />
                    <div class="confirm-buttons">
                        <button type="submit" class="button danger" disabled=move || !matches() || reset.pending().get()>
                            "Reset cluster"
                        </button>
                        <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                    {outcome}
                </form>
            </Show>
        </section>
    }
    .into_any()
}
