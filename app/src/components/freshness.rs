//! The line under a page's title that says how fresh its data is ("Updated 4 s ago"), and the
//! warning shown instead of an error page while the provider does not answer.

use leptos::prelude::*;
use model::freshness::Freshness;

/// Seconds since the Unix epoch: this browser's clock, or the server's while rendering.
pub fn now_seconds() -> i64 {
    #[cfg(feature = "hydrate")]
    return (web_sys::js_sys::Date::now() / 1000.0) as i64;
    #[cfg(not(feature = "hydrate"))]
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// "Updated 4 s ago", counting on each second in the browser, with the warning when the
/// provider has stopped answering.
#[component]
pub fn FreshnessLine(#[prop(into)] freshness: Signal<Freshness>) -> impl IntoView {
    let now = RwSignal::new(now_seconds());
    #[cfg(feature = "hydrate")]
    crate::hydration::when_hydrated(move || {
        if let Ok(handle) = set_interval(move || now.set(now_seconds()), std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let line = move || freshness.with(|f| f.describe(now.get()));
    let banner = move || {
        freshness.with(|f| f.banner(now.get())).map(|text| {
            view! { <p class="warning" role="status" data-testid="stale-banner">{text}</p> }
        })
    };
    view! {
        {banner}
        <p class="muted freshness" data-testid="freshness">{line}</p>
    }
}
