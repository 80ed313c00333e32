//! Islands mode (the `islands` feature): the server renders every page as HTML, and only the
//! components marked as islands (`#[island]`) are compiled into the browser bundle and hydrated,
//! each from its own `<leptos-island>` element. Everything else stays server-rendered HTML, so the
//! bundle holds the interactive parts alone. Without the feature the whole page hydrates.
//!
//! A component becomes an island with
//! `#[cfg_attr(feature = "islands", island)] #[cfg_attr(not(feature = "islands"), component)]`:
//! its props must be serialisable, and it reads no context and no router state provided outside
//! it (in the browser nothing outside an island exists).

use leptos::prelude::*;

/// Prepares the server's rendering of one page: in islands mode only what islands read is
/// numbered and sent for hydration, so that the browser, which counts from the first island,
/// finds each island's resources under the ids the server gave them.
pub fn prepare_render() {
    if cfg!(feature = "islands")
        && let Some(context) = Owner::current_shared_context()
    {
        context.set_is_hydrating(false);
    }
}
