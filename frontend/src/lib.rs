//! The browser entry point: wasm-bindgen calls [`hydrate`] once the page's script has loaded, and
//! Leptos attaches the interactive UI to the HTML the server already rendered.

// Leptos view types nest deeply; the hydrate build needs more room than the default 128.
#![recursion_limit = "256"]

use leptos::tachys::dom::body;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The page's routes load their code lazily (see `app::routes`): hydration waits for the
    // chunks the page needs. Once every part of the page is interactive, the body says so (tests
    // and styles rely on it).
    wasm_bindgen_futures::spawn_local(async {
        leptos::mount::hydrate_from_async(body(), app::App).await.forget();
        let _ = body().set_attribute("data-hydrated", "");
    });
}
