//! The cluster page's tabs: each at its own address, `/clusters/{id}/{slug}` (a nested route).

/// One tab of the cluster page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterTab {
    Overview,
    Pools,
    Workloads,
    Upgrades,
    Access,
    Settings,
    Activity,
}

impl ClusterTab {
    /// Every tab, in the tab bar's order.
    pub const ALL: [ClusterTab; 7] = [
        ClusterTab::Overview,
        ClusterTab::Pools,
        ClusterTab::Workloads,
        ClusterTab::Upgrades,
        ClusterTab::Access,
        ClusterTab::Settings,
        ClusterTab::Activity,
    ];

    /// The tab at the address's `slug` (empty for the overview); none for a slug it does not know.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tab| tab.slug() == slug)
    }

    /// The tab at `path`, an address under the cluster page's own, `prefix`.
    pub fn under(prefix: &str, path: &str) -> Option<Self> {
        let rest = path.strip_prefix(prefix)?;
        let slug = match rest.strip_prefix('/') {
            Some(slug) => slug.trim_end_matches('/'),
            None if rest.is_empty() => "",
            None => return None,
        };
        Self::from_slug(slug)
    }

    /// The last part of the tab's address (empty for the overview, at the cluster's own).
    pub fn slug(self) -> &'static str {
        match self {
            ClusterTab::Overview => "",
            ClusterTab::Pools => "pools",
            ClusterTab::Workloads => "workloads",
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
            ClusterTab::Workloads => "Workloads",
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_is_found_at_its_own_address_and_nothing_else_is_a_tab() {
        for tab in ClusterTab::ALL {
            assert_eq!(ClusterTab::from_slug(tab.slug()), Some(tab));
            let href = tab.href("default", "c1");
            assert_eq!(ClusterTab::under("/clusters/c1", href.split('?').next().unwrap()), Some(tab));
        }
        assert_eq!(ClusterTab::from_slug("nodes"), None);
        assert_eq!(ClusterTab::under("/clusters/c1", "/clusters/c1/nodes"), None);
        assert_eq!(ClusterTab::under("/clusters/c1", "/clusters/c12"), None);
        assert_eq!(ClusterTab::under("/clusters/c1", "/clusters/c1/"), Some(ClusterTab::Overview));
        assert_eq!(ClusterTab::Access.href("default", "c1"), "/clusters/c1/access?project=default");
        assert_eq!(ClusterTab::Overview.href("default", "c1"), "/clusters/c1?project=default");
    }
}
