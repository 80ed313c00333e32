//! The Settings tab's "As code" card: the cluster as a template (to recreate it with the API,
//! the CLI or the wizard) and as the provider's Terraform resources, to read, copy or download.

use leptos::prelude::*;

use crate::api::cluster_code;
use crate::components::copyable::Copyable;
use crate::components::outcome::ErrorMessage;

#[component]
pub fn AsCodeCard(project: StoredValue<String>, cluster: StoredValue<String>, name: String) -> impl IntoView {
    // Asked for only once opened, by the browser (see `NetworkCard`).
    let opened = RwSignal::new(false);
    let code = LocalResource::new(move || {
        let asked = opened.get().then(|| (project.get_value(), cluster.get_value()));
        async move {
            match asked {
                Some((project, cluster)) => Some(cluster_code(project, cluster).await),
                None => None,
            }
        }
    });
    let shown = move || {
        if opened.get() && code.with(Option::is_none) {
            return Some(view! { <p class="muted">"Preparing…"</p> }.into_any());
        }
        code.get().flatten().map(|result| match result {
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
            Ok(code) => {
                let template = serde_json::to_string_pretty(&code.template).unwrap_or_default();
                view! {
                    <h3>"Terraform"</h3>
                    <Copyable button="Copy Terraform" text=code.terraform testid="terraform" />
                    <h3>"Template"</h3>
                    <Copyable button="Copy template" text=template testid="template" />
                }
                .into_any()
            }
        })
    };
    let base = move || format!("/api/v1/projects/{}/clusters/{}", project.get_value(), cluster.get_value());
    view! {
        <section class="card as-code">
            <h2>"As code"</h2>
            <p>
                "This cluster as a template — " <code>"pilothouse cli clusters create -f"</code>
                ", the API, or the wizard's \"Start from a template\" make one like it — and as the provider's Terraform resources."
            </p>
            <p class="actions">
                <a class="button secondary" href=move || format!("{}/export", base()) download=format!("{name}.json") rel="external">
                    "Export template"
                </a>
                <a class="button secondary" href=move || format!("{}/terraform", base()) download=format!("{name}.tf") rel="external">
                    "Download Terraform"
                </a>
            </p>
            <details on:toggle=move |_| opened.set(true)>
                <summary>"Show as Terraform"</summary>
                {shown}
            </details>
        </section>
    }
}
