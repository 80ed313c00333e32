//! A secret just made (an API token, a webhook signing key): shown this once, with a way to
//! copy it.

use leptos::prelude::*;

use crate::components::browser;

#[component]
pub fn SecretOnce(
    /// The box's `data-testid`.
    testid: &'static str,
    /// What was made ("Token ci created.").
    title: String,
    /// What to do with it, and that it is not shown again.
    note: &'static str,
    secret: String,
) -> impl IntoView {
    let copy = StoredValue::new(secret.clone());
    let copied = RwSignal::new(false);
    view! {
        <div class="card secret-once" role="status" data-testid=testid>
            <p>
                <strong>{title}</strong>
                {note}
            </p>
            <pre class="secret"><code>{secret}</code></pre>
            <button
                type="button"
                class="button secondary"
                on:click=move |_| {
                    browser::copy(&copy.get_value());
                    copied.set(true);
                }
            >
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
    }
}
