//! Text to copy: a Copy button beside it (the clipboard), the text in a `<pre>`.

use leptos::prelude::*;

use super::browser;

#[component]
pub fn Copyable(
    /// The button's words ("Copy JSON").
    button: &'static str,
    text: String,
    /// The `data-testid` of the `<pre>`.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    let copied = StoredValue::new(text.clone());
    view! {
        <div class="copyable">
            <button type="button" class="button secondary" on:click=move |_| browser::copy(&copied.get_value())>
                {button}
            </button>
            <pre data-testid=(!testid.is_empty()).then_some(testid)>{text}</pre>
        </div>
    }
}
