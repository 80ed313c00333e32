//! The browser entry point: wasm-bindgen calls [`hydrate`] once the page's script has loaded, and
//! Leptos hydrates each island (see `app::islands`) of the HTML the server already rendered; the
//! page's script then calls [`hydrated`].

// Leptos view types nest deeply; the hydrate build needs more room than the default 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

/// Called once every island of the page is hydrated: what waited for it starts.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrated() {
    app::hydration::done();
}
