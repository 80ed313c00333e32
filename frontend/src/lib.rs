//! The browser entry point: wasm-bindgen calls [`hydrate`] once the page's script has loaded, and
//! Leptos attaches the interactive UI to the HTML the server already rendered.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
