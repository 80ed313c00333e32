//! The cluster page's tabs: each at its own address, `/clusters/{id}/{slug}`.

/// One tab of the cluster page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterTab {
    Overview,
    Pools,
    Upgrades,
    Access,
    Settings,
    Activity,
}

impl ClusterTab {
    /// Every tab, in the tab bar's order.
    pub const ALL: [ClusterTab; 6] = [
        ClusterTab::Overview,
        ClusterTab::Pools,
        ClusterTab::Upgrades,
        ClusterTab::Access,
        ClusterTab::Settings,
        ClusterTab::Activity,
    ];

    /// The tab at the address's `slug`; the overview for none or one it does not know.
    pub fn from_slug(slug: &str) -> Self {
        Self::ALL.into_iter().find(|tab| tab.slug() == slug).unwrap_or(ClusterTab::Overview)
    }

    /// The last part of the tab's address (empty for the overview, at the cluster's own).
    pub fn slug(self) -> &'static str {
        match self {
            ClusterTab::Overview => "",
            ClusterTab::Pools => "pools",
            ClusterTab::Upgrades => "upgrades",
            ClusterTab::Access => "access",
            ClusterTab::Settings => "settings",
            ClusterTab::Activity => "activity",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ClusterTab::Overview => "Overview",
            ClusterTab::Pools => "Node pools",
            ClusterTab::Upgrades => "Upgrades",
            ClusterTab::Access => "Access",
            ClusterTab::Settings => "Settings",
            ClusterTab::Activity => "Activity",
        }
    }

    /// The tab's address for cluster `id` of `project`.
    pub fn href(self, project: &str, id: &str) -> String {
        match self.slug() {
            "" => format!("/clusters/{id}?project={project}"),
            slug => format!("/clusters/{id}/{slug}?project={project}"),
        }
    }

    /// Whether the tab shows the cluster's pools (read with the page).
    pub fn shows_pools(self) -> bool {
        matches!(self, ClusterTab::Pools | ClusterTab::Upgrades)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_is_found_at_its_own_slug_and_anything_else_is_the_overview() {
        for tab in ClusterTab::ALL {
            assert_eq!(ClusterTab::from_slug(tab.slug()), tab);
        }
        assert_eq!(ClusterTab::from_slug("nodes"), ClusterTab::Overview);
        assert_eq!(ClusterTab::Access.href("default", "c1"), "/clusters/c1/access?project=default");
        assert_eq!(ClusterTab::Overview.href("default", "c1"), "/clusters/c1?project=default");
    }
}
