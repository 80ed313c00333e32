//! Whether the page is hydrated. Anything that may change what a component shows on its own (a
//! live-update stream, a ticking clock) starts only once the whole page has taken over the
//! server's HTML: a change before would make the browser's view differ from the HTML it is
//! taking over (fatal to hydration), and a page hydrated in several steps would be exposed.

use std::sync::OnceLock;

use leptos::prelude::*;

fn hydrated() -> &'static ArcRwSignal<bool> {
    static HYDRATED: OnceLock<ArcRwSignal<bool>> = OnceLock::new();
    HYDRATED.get_or_init(|| ArcRwSignal::new(false))
}

/// Called by the browser entry point once every part of the page is hydrated: runs what waited
/// for it, and marks the body (tests and styles rely on `body[data-hydrated]`).
pub fn done() {
    hydrated().set(true);
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}

/// Whether the page is hydrated; read in an effect, it runs the effect again once it is.
pub fn is_hydrated() -> bool {
    hydrated().get()
}

/// Runs `start` once the page is hydrated (at once after a move within the app), in the
/// calling component's life: what `start` registers with `on_cleanup` ends with the component.
pub fn when_hydrated(start: impl FnOnce() + 'static) {
    let mut start = Some(start);
    let hydrated = hydrated().clone();
    Effect::new(move |_| {
        if hydrated.get()
            && let Some(start) = start.take()
        {
            start();
        }
    });
}
