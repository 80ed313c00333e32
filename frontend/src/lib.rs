//! The browser entry point: wasm-bindgen calls [`hydrate`] once the page's script has loaded, and
//! Leptos attaches the interactive UI to the HTML the server already rendered. In islands mode
//! (the `islands` feature, see `app::islands`) the page's script then hydrates each island and
//! calls [`hydrated`].

// Leptos view types nest deeply; the hydrate build needs more room than the default 128.
#![recursion_limit = "256"]

#[cfg(not(feature = "islands"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Hydration is done: what waited for it starts (see `app::hydration`).
    app::hydration::done();
}

#[cfg(feature = "islands")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

/// Called once every island of the page is hydrated: what waited for it starts.
#[cfg(feature = "islands")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrated() {
    app::hydration::done();
}
