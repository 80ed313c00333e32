//! The review's "Show as template" and "Show as Terraform": the draft as the JSON that
//! `POST /api/v1/projects/{project}/clusters` and `pilothouse cli clusters create -f` take, and
//! as the provider's Terraform resources.

use leptos::prelude::*;
use model::cluster_spec::ClusterSpec;

use super::Wizard;
use crate::api::spec_terraform;
use crate::components::copyable::Copyable;
use crate::components::outcome::ErrorMessage;

#[component]
pub fn CodePreview(wizard: Wizard, spec: Memo<ClusterSpec>) -> impl IntoView {
    // Asked for only once "Show as Terraform" is opened.
    let opened = RwSignal::new(false);
    let terraform = Resource::new(
        move || opened.get().then(|| (wizard.project.get_value(), spec.get())),
        |asked| async move {
            match asked {
                Some((project, spec)) => Some(spec_terraform(project, spec).await),
                None => None,
            }
        },
    );
    let template = move || serde_json::to_string_pretty(&spec.get()).unwrap_or_default();
    let shown = move || {
        terraform.get().flatten().map(|result| match result {
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
            Ok(text) => view! { <Copyable button="Copy Terraform" text testid="terraform" /> }.into_any(),
        })
    };
    view! {
        <details class="api-request">
            <summary>"Show as template"</summary>
            {move || view! { <Copyable button="Copy template" text=template() testid="template" /> }}
            <p class="muted">
                "Keep it as a file: " <code>"pilothouse cli clusters create -f template.json"</code>
                ", the API, or this wizard (Plan step, \"Start from a template\") make a cluster like this one from it."
            </p>
        </details>
        <details class="api-request" on:toggle=move |_| opened.set(true)>
            <summary>"Show as Terraform"</summary>
            <Suspense fallback=|| view! { <p class="muted">"Preparing…"</p> }>{shown}</Suspense>
            <p class="muted">"For the provider's Terraform provider (ovh/ovh); see docs/provider-terraform.md for each attribute."</p>
        </details>
    }
}
