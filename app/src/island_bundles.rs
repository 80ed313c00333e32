// Which islands each browser bundle holds. Read by `build.rs` as well as compiled
// into the crate, so it holds this one table and nothing else.

/// Each bundle's name and the islands it holds besides the header's (`ThemeSwitcher`,
/// `NotificationBell`, `ProjectChoice`, which every bundle holds). The hydrate build with the
/// feature `bundle-<name>` compiles exactly these as islands; every other component it leaves
/// out. Without a `bundle-` feature, and on the server, every island is one.
pub const BUNDLES: &[(&str, &[&str])] = &[
    ("base", &[]),
    ("clusters", &["FilteredClusters"]),
    ("plans", &["PlanFitHelper"]),
    ("cluster", &["ClusterLive", "OverviewTab", "OperationsOfCluster"]),
    (
        "cluster-tabs",
        &[
            "ClusterLive",
            "PoolsOfCluster",
            "WorkloadsOfCluster",
            "UpgradesOfCluster",
            "AccessOfCluster",
            "SettingsOfCluster",
        ],
    ),
    ("wizard-first", &["WizardFirstStep"]),
    ("wizard", &["WizardSteps"]),
    ("more", &["ProjectNetworks", "Fleet", "Inboxes", "UserTokens"]),
];
