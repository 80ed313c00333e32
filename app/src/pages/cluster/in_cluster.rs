//! Who can do what inside a cluster, on the Access tab: identity-provider groups mapped to
//! Kubernetes' built-in roles, cluster-wide or in chosen namespaces (admins edit the mapping,
//! or start from the default one the console's roles suggest); how the cluster's bindings
//! drifted from it, with "Restore"; and what the caller's own groups give them there.

use leptos::prelude::*;
use model::rbac::mapping::GroupAccess;
use model::rbac::{AccessMapping, BuiltInRole, InClusterAccess};
use model::validation::FieldErrors;

use crate::api::{restore_cluster_access_mapping, set_cluster_access_mapping};
use crate::components::outcome::{outcome, outcome_beside_fields};
use crate::error::AppError;

const REQUESTED: &str = "Change requested; follow it on the Overview tab, then reload this tab.";

/// "in the whole cluster", "in namespaces web, shop".
fn place(access: &GroupAccess) -> String {
    match access.namespaces.as_slice() {
        [] => "in the whole cluster".to_string(),
        [one] => format!("in namespace {one}"),
        many => format!("in namespaces {}", many.join(", ")),
    }
}

/// What the caller's groups give them in the cluster, shown with their kubeconfig.
#[component]
pub fn YourRights(access: InClusterAccess) -> impl IntoView {
    let rights = access.your_rights();
    let text = if access.saved.is_none() {
        "No group has a role inside this cluster yet: your kubeconfig signs you in, and every request is refused."
            .to_string()
    } else if rights.is_empty() {
        let groups = if access.your_groups.is_empty() {
            "you are in none".to_string()
        } else {
            access.your_groups.join(", ")
        };
        format!("None of your groups ({groups}) has a role inside this cluster: every request is refused.")
    } else {
        String::new()
    };
    let list = rights
        .into_iter()
        .map(|right| {
            let rest = format!(" {} (group {}): {}", place(&right), right.group, right.role.describe());
            view! {
                <li>
                    <strong>{right.role.key()}</strong>
                    {rest}
                </li>
            }
        })
        .collect_view();
    view! {
        <div data-testid="your-rights">
            <h3>"What you may do inside"</h3>
            {(!text.is_empty()).then(|| view! { <p>{text.clone()}</p> })}
            <ul>{list}</ul>
        </div>
    }
}

/// The card: the mapping as it stands, its drift, and the form (admins).
#[component]
pub fn InClusterAccessCard(
    project: String,
    cluster: String,
    access: InClusterAccess,
    may_edit: bool,
) -> impl IntoView {
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let restore =
        Action::new(move |_: &()| restore_cluster_access_mapping(project.get_value(), cluster.get_value()));
    let current = match &access.saved {
        None => view! {
            <p data-testid="access-mapping-empty">
                "No group has a role inside this cluster yet: per-user kubeconfigs sign people in, and the API server refuses them everything."
            </p>
        }
        .into_any(),
        Some(saved) => view! { <MappingTable mapping=saved.mapping.clone() prefix=saved.groups_prefix.clone() /> }.into_any(),
    };
    let state = match (&access.unreadable, &access.saved, access.drift.is_empty()) {
        (Some(why), _, _) => {
            let text = format!("The cluster's bindings could not be read: {why}");
            Some(view! { <p class="warning" role="status">{text}</p> }.into_any())
        }
        (None, Some(_), true) => Some(view! { <p class="muted" data-testid="access-in-sync">"The cluster's bindings match this mapping."</p> }.into_any()),
        (None, _, false) => {
            let items = access.drift.iter().map(|d| view! { <li>{d.describe()}</li> }).collect_view();
            let button = may_edit.then(|| view! {
                <button type="button" class="button" disabled=move || restore.pending().get() on:click=move |_| { restore.dispatch(()); }>
                    "Restore"
                </button>
            });
            Some(view! {
                <div class="warning" data-testid="access-drift">
                    <p>"The cluster's bindings differ from this mapping (changed with kubectl, or not applied yet):"</p>
                    <ul>{items}</ul>
                    {button}
                    {move || outcome(restore.value().get(), REQUESTED)}
                </div>
            }.into_any())
        }
        (None, None, true) => None,
    };
    let form = match may_edit {
        true => view! { <MappingForm project cluster access=access.clone() /> }.into_any(),
        false => view! { <p class="muted">"Changing who can do what needs the admin role."</p> }.into_any(),
    };
    view! {
        <section class="card" aria-labelledby="in-cluster-title">
            <h2 id="in-cluster-title">"Who can do what in this cluster"</h2>
            {current}
            {state}
            {form}
        </section>
    }
}

#[component]
fn MappingTable(mapping: AccessMapping, prefix: String) -> impl IntoView {
    let rows = mapping
        .groups
        .into_iter()
        .map(|access| {
            let bound = format!("{prefix}{}", access.group);
            view! {
                <tr>
                    <td>{access.group.clone()}</td>
                    <td><code>{bound}</code></td>
                    <td>{access.role.key()}</td>
                    <td>{place(&access)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="list" data-testid="access-mapping">
                <thead><tr><th>"Group"</th><th>"Bound as"</th><th>"Role"</th><th>"Where"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One row of the form.
#[derive(Clone, Copy)]
struct Row {
    id: usize,
    group: RwSignal<String>,
    role: RwSignal<BuiltInRole>,
    namespaces: RwSignal<String>,
}

impl Row {
    fn new(id: usize, access: &GroupAccess) -> Self {
        Self {
            id,
            group: RwSignal::new(access.group.clone()),
            role: RwSignal::new(access.role),
            namespaces: RwSignal::new(access.namespaces.join(", ")),
        }
    }

    fn read(&self) -> GroupAccess {
        GroupAccess {
            group: self.group.get(),
            role: self.role.get(),
            namespaces: self.namespaces.with(|n| {
                n.split([',', ' ', '\n'])
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
        }
    }
}

/// The mapping as a form: a row per group (name, role, namespaces), checked as typed against
/// the cluster's namespaces, and by the server when applied.
#[component]
fn MappingForm(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    access: InClusterAccess,
) -> impl IntoView {
    let start = access.saved.as_ref().map(|s| s.mapping.clone()).unwrap_or_default();
    let next = StoredValue::new(start.groups.len());
    let rows =
        RwSignal::new(start.groups.iter().enumerate().map(|(i, g)| Row::new(i, g)).collect::<Vec<_>>());
    let namespaces = StoredValue::new(access.namespaces.clone());
    let default_mapping = StoredValue::new(access.default_mapping.clone());
    let touched = RwSignal::new(false);
    let mapping =
        Memo::new(move |_| AccessMapping { groups: rows.with(|rows| rows.iter().map(Row::read).collect()) });
    let save = Action::new(move |mapping: &AccessMapping| {
        set_cluster_access_mapping(project.get_value(), cluster.get_value(), mapping.clone())
    });
    let sent = RwSignal::new(None::<AccessMapping>);
    let errors = Memo::new(move |_| {
        let known = namespaces.get_value();
        let mut errors = FieldErrors::new();
        if touched.get() && !known.is_empty() {
            errors = mapping.with(|m| m.check(&known));
        }
        if let Some(Err(AppError::Invalid { errors: server })) = save.value().get()
            && sent.with(|sent| mapping.with(|m| sent.as_ref() == Some(m)))
        {
            errors.append(server);
        }
        errors
    });
    let add = move |_| {
        let id = next.get_value();
        next.set_value(id + 1);
        let empty = GroupAccess { group: String::new(), role: BuiltInRole::View, namespaces: Vec::new() };
        rows.update(|rows| rows.push(Row::new(id, &empty)));
    };
    let use_default = move |_| {
        let groups = default_mapping.get_value().groups;
        let first = next.get_value();
        next.set_value(first + groups.len());
        rows.set(groups.iter().enumerate().map(|(i, g)| Row::new(first + i, g)).collect());
        touched.set(true);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let known = namespaces.get_value();
        if known.is_empty() || mapping.with(|m| m.check(&known).is_empty()) {
            sent.set(Some(mapping.get()));
            save.dispatch(mapping.get());
        }
    };
    let general = move || errors.with(|e| e.message_for("groups").map(str::to_string));
    let has_default = !access.default_mapping.groups.is_empty();
    view! {
        <form class="access-form" on:submit=submit novalidate>
            <h3>"Change the mapping"</h3>
            <p class="hint">
                "Groups as the identity provider names them; the cluster's OIDC groups prefix is added when the bindings are made. A role in no namespace applies to the whole cluster."
            </p>
            <For each=move || rows.get() key=|row| row.id let:row>
                <MappingRow row rows errors touched />
            </For>
            <p class="field-error" role="alert">{general}</p>
            <div class="form-buttons">
                <button type="button" class="button secondary" on:click=add>"Add a group"</button>
                {has_default.then(|| view! {
                    <button type="button" class="button secondary" on:click=use_default>"Use the default mapping"</button>
                })}
            </div>
            <button type="submit" class="button" disabled=move || save.pending().get() || !errors.with(FieldErrors::is_empty)>
                "Apply to the cluster"
            </button>
            {move || outcome_beside_fields(save.value().get(), REQUESTED)}
        </form>
    }
}

#[component]
fn MappingRow(
    row: Row,
    rows: RwSignal<Vec<Row>>,
    errors: Memo<FieldErrors>,
    touched: RwSignal<bool>,
) -> impl IntoView {
    let index = Memo::new(move |_| rows.with(|rows| rows.iter().position(|r| r.id == row.id).unwrap_or(0)));
    let options = BuiltInRole::ALL
        .into_iter()
        .map(|role| view! { <option value=role.key() selected=move || row.role.get() == role>{role.key()}</option> })
        .collect_view();
    let remove = move |_| rows.update(|rows| rows.retain(|r| r.id != row.id));
    let describe = move || row.role.get().describe();
    let role_id = move || format!("access-role-{}", index.get());
    view! {
        <fieldset class="access-row">
            <legend>{move || format!("Group {}", index.get() + 1)}</legend>
            <RowInput field="group" label="Group" value=row.group index errors touched />
            <div class="field">
                <label for=role_id>"Role"</label>
                <select
                    id=role_id
                    on:change=move |ev| {
                        if let Some(role) = BuiltInRole::from_key(&event_target_value(&ev)) {
                            row.role.set(role);
                        }
                    }
                >
                    {options}
                </select>
                <span class="hint">{describe}</span>
            </div>
            <RowInput
                field="namespaces"
                label="Namespaces"
                value=row.namespaces
                index
                errors
                touched
                hint="Comma-separated; empty for the whole cluster."
            />
            <button type="button" class="button secondary" on:click=remove>"Remove"</button>
        </fieldset>
    }
}

/// One text field of the mapping row at `index`: `#access-{field}-{index}`, with its error
/// (`groups.{index}.{field}`) below it.
#[component]
fn RowInput(
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    index: Memo<usize>,
    errors: Memo<FieldErrors>,
    touched: RwSignal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = move || format!("access-{field}-{}", index.get());
    let error_id = move || format!("access-{field}-{}-error", index.get());
    let error = move || {
        errors.with(|e| e.message_for(&format!("groups.{}.{field}", index.get())).map(str::to_string))
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="text"
                autocomplete="off"
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    touched.set(true);
                }
            />
            {hint.map(|hint| view! { <span class="hint">{hint}</span> })}
            <p class="field-error" id=error_id role="alert">{error}</p>
        </div>
    }
}
