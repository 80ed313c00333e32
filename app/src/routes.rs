//! The console's pages as routes whose code loads lazily: the browser bundle is split (`cargo
//! leptos build --split`) so that each page's code is a chunk of its own, fetched the first time
//! the page shows. The page a browser loads first needs only the frame's code and its own
//! chunks, which the server names in the page's head so they download alongside the frame.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::{
    AccessRoute, ActivityPage, ActivityRoute, ClusterPage, ClustersPage, OverviewRoute, PlansPage,
    PoolsRoute, SettingsRoute, UpgradesRoute, WizardPage,
};

/// `$route`: the route of the component `$page`, whose code is a chunk of its own.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/clusters`.
    Clusters => ClustersPage
);
lazy_page!(
    /// The create-cluster wizard, `/clusters/new[/step]`.
    Wizard => WizardPage
);
lazy_page!(
    /// A cluster's page around its tabs, `/clusters/{id}`.
    Cluster => ClusterPage
);
lazy_page!(Overview => OverviewRoute);
lazy_page!(Pools => PoolsRoute);
lazy_page!(Upgrades => UpgradesRoute);
lazy_page!(Access => AccessRoute);
lazy_page!(Settings => SettingsRoute);
lazy_page!(ClusterActivity => ActivityRoute);
lazy_page!(
    /// `/activity`.
    Activity => ActivityPage
);
lazy_page!(
    /// `/plans`.
    Plans => PlansPage
);
