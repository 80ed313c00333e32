//! The HTML document and the frame every page sits in: header, navigation, main, footer.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::bundle::{BundleLinks, Bundles};
use crate::components::bell::NotificationBell;
use crate::components::theme::{THEME_BOOT_SCRIPT, ThemeSwitcher};
use crate::components::user_menu::{ProjectSwitcher, UserMenu, load_current_user};
use crate::pages::{
    AccessRoute, ActivityPage, ActivityRoute, ClusterPage, ClustersPage, FleetPage, NetworksPage,
    NoAccessPage, NotFoundPage, NotificationsPage, OverviewRoute, PlansPage, PoolsRoute, SettingsRoute,
    TokensPage, UpgradesRoute, WizardPage, WorkloadsRoute,
};

/// The whole document, rendered on the server around [`App`], loading the page's bundle of
/// `bundles`.
pub fn shell(bundles: &Bundles) -> impl IntoView + use<> {
    #[cfg(feature = "ssr")]
    let path =
        use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_string()).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let path = String::new();
    let bundle = bundles.for_page(&path).clone();
    let next = bundles.next_for_page(&path);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                // Applies the saved theme before the first paint, so a dark page never flashes white.
                <script inner_html=THEME_BOOT_SCRIPT></script>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <BundleLinks bundle next />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: the frame and the routed page inside it.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(load_current_user());
    view! {
        <Title formatter=|page: String| format!("{page} · Pilothouse") />
        <Router>
            // Left to the browser (not the router), which moves focus to the target as well as
            // scrolling, before and after hydration alike.
            <a class="skip-link" href="#main" rel="external">
                "Skip to content"
            </a>
            <header class="site-header">
                // The start page is a server redirect, so leave it to the browser.
                <a class="brand" href="/" rel="external">
                    <span class="brand-mark" aria-hidden="true">"⎈"</span>
                    "Pilothouse"
                </a>
                <div class="header-slot" id="header-slot">
                    <ProjectSwitcher />
                    <NotificationBell />
                    <UserMenu />
                </div>
                <ThemeSwitcher />
            </header>
            <nav class="site-nav" aria-label="Main">
                <ul>
                    <li>
                        <A href="/fleet">"Fleet"</A>
                    </li>
                    <li>
                        <A href="/clusters">"Clusters"</A>
                    </li>
                    <li>
                        <A href="/networks">"Networks"</A>
                    </li>
                    <li>
                        <A href="/activity">"Activity"</A>
                    </li>
                    <li>
                        <A href="/plans">"Plans"</A>
                    </li>
                </ul>
            </nav>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    // Rendered whole before the first byte is sent: the first paint has the data.
                    <Route path=path!("/clusters") view=ClustersPage ssr=SsrMode::Async />
                    <Route path=path!("/clusters/new") view=WizardPage ssr=SsrMode::Async />
                    <Route path=path!("/clusters/new/:step") view=WizardPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("/clusters/:id") view=ClusterPage ssr=SsrMode::Async>
                        <Route path=path!("") view=OverviewRoute />
                        <Route path=path!("pools") view=PoolsRoute />
                        <Route path=path!("workloads") view=WorkloadsRoute />
                        <Route path=path!("upgrades") view=UpgradesRoute />
                        <Route path=path!("access") view=AccessRoute />
                        <Route path=path!("settings") view=SettingsRoute />
                        <Route path=path!("activity") view=ActivityRoute />
                    </ParentRoute>
                    <Route path=path!("/fleet") view=FleetPage ssr=SsrMode::Async />
                    <Route path=path!("/networks") view=NetworksPage ssr=SsrMode::Async />
                    <Route path=path!("/activity") view=ActivityPage ssr=SsrMode::Async />
                    <Route path=path!("/plans") view=PlansPage ssr=SsrMode::Async />
                    <Route path=path!("/tokens") view=TokensPage ssr=SsrMode::Async />
                    <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/no-access") view=NoAccessPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"Pilothouse — a console for managed Kubernetes."</p>
            </footer>
        </Router>
    }
}
