//! Islands: the server renders every page as HTML, and only the components marked as islands
//! (`#[island]`) are compiled into the browser bundle and hydrated, each from its own
//! `<leptos-island>` element. Everything else stays server-rendered HTML, so the bundle holds the
//! interactive parts alone, and a move to another page is a page load.
//!
//! A component becomes an island with
//! `#[cfg_attr(island = "Name", island)] #[cfg_attr(not(island = "Name"), component)]` and its
//! name in the table of `island_bundles`, which says which browser bundles hold it (`build.rs`
//! sets the `island` cfg from it); the header's islands, in every bundle, are plain `#[island]`s.
//! What holds for every island:
//!
//! - Its props are serialisable, and it reads no context and no router state provided outside it
//!   (in the browser nothing outside an island exists): the page around it reads the address
//!   and the user on the server and passes what the island needs as props
//!   (`components::user_menu::with_user`); links load the next page from the server, and
//!   `components::browser::navigator` opens one from code.
//! - An island inside another's `children` reads the context the outer one provides (the cluster
//!   page's tabs read the live state of `pages::cluster::ClusterLive` this way).
//! - The resources the server sends with the page are those an island creates as its body runs.
//!   An island rendered inside a `<Suspense>` of the page around it, or a part of an island
//!   rendered once something was awaited, reads in the browser instead (`LocalResource`,
//!   outside any `<Suspense>`) or gets its data as props.

use leptos::prelude::*;

/// Prepares the server's rendering of one page: only what islands read is numbered and sent for
/// hydration, so that the browser, which counts from the first island, finds each island's
/// resources under the ids the server gave them.
pub fn prepare_render() {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
}
