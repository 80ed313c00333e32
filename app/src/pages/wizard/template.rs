//! "Start from a template": a cluster's exported template (or the review's "Show as
//! template"), pasted in, becomes the draft; each step then shows it for review.

use leptos::prelude::*;
use model::cluster_spec::ClusterSpec;

use reactive_stores::Store;

use super::{Draft, DraftStoreFields};
use crate::components::browser;

#[component]
pub fn FromTemplate(draft: Store<Draft>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    // `Ok(left out)` once used, the reason it cannot be read otherwise.
    let outcome = RwSignal::new(None::<Result<Vec<String>, String>>);
    let apply = move |_| {
        let typed = text.get_untracked();
        match serde_json::from_str::<ClusterSpec>(&typed) {
            Ok(spec) => {
                let (mut read, left_out) = Draft::from_spec(&spec, browser::random_key());
                read.number_pools();
                draft.set(read);
                draft.pools().update_keys();
                outcome.set(Some(Ok(left_out)));
            }
            Err(error) => outcome.set(Some(Err(format!("This is not a cluster template: {error}.")))),
        }
    };
    let shown = move || {
        outcome.get().map(|result| match result {
            Ok(left_out) if left_out.is_empty() => view! {
                <p class="notice" role="status">"The draft now holds the template. Check each step, then create."</p>
            }
            .into_any(),
            Ok(left_out) => {
                let items = left_out.into_iter().map(|l| view! { <li>{l}</li> }).collect_view();
                view! {
                    <div class="notice" role="status">
                        <p>"The draft now holds the template, except what the wizard has no field for:"</p>
                        <ul>{items}</ul>
                        <p>"Create from the template with the API or " <code>"pilothouse cli"</code> " to keep those."</p>
                    </div>
                }
                .into_any()
            }
            Err(message) => view! { <p class="field-error" id="template-error" role="alert">{message}</p> }.into_any(),
        })
    };
    view! {
        <details class="from-template">
            <summary>"Start from a template"</summary>
            <label for="template-text">"A cluster's template (JSON, from a cluster's Export or the review's \"Show as template\")"</label>
            <textarea
                id="template-text"
                rows="6"
                spellcheck="false"
                prop:value=move || text.get()
                on:input=move |e| text.set(event_target_value(&e))
                aria-describedby="template-error"
            ></textarea>
            <button type="button" class="button secondary" on:click=apply disabled=move || text.with(|t| t.trim().is_empty())>
                "Use this template"
            </button>
            {shown}
        </details>
    }
}
