//! The page for an address that leads nowhere; answered with HTTP 404.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::outcome::RequestReference;

/// Tells the user the page does not exist and where to go instead. Reveals nothing about the
/// server.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="page narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p>
                <a href="/" rel="external">"Go to the console's start page"</a>
            </p>
            <RequestReference />
        </section>
    }
}
