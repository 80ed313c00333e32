//! Kubernetes versions, the update policy and the upgrade rules.
//!
//! Sources: domain.md "Kubernetes versions and upgrades"; provider-api.md §5.1 (the cluster's
//! `version` is `major.minor.patch[-build]`, creation takes a minor), §5.6 (`VersionEnum`
//! 1.31–1.35, `UpdatePolicyEnum`, `UpdateStrategyEnum`) and §7 (one minor at a time, never down).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::open_enum::open_enum;

/// A Kubernetes version: a minor (`1.34`) or a full release (`1.34.2`, `1.34.2-1`).
///
/// Ordered by major, minor, then patch; a bare minor sorts before any of its patches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    major: u16,
    minor: u16,
    patch: Option<u16>,
    build: Option<u16>,
}

/// Why a text is not a Kubernetes version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionError(String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is not a Kubernetes version like 1.34 or 1.34.2.", self.0)
    }
}

impl std::error::Error for VersionError {}

impl KubeVersion {
    /// The minor `major.minor`.
    pub const fn minor(major: u16, minor: u16) -> Self {
        Self { major, minor, patch: None, build: None }
    }

    /// This version without patch and build: the minor it belongs to.
    pub const fn minor_version(self) -> Self {
        Self::minor(self.major, self.minor)
    }

    /// The minor after this one.
    pub const fn next_minor(self) -> Self {
        Self::minor(self.major, self.minor + 1)
    }

    /// The patch number, for a full release.
    pub const fn patch(self) -> Option<u16> {
        self.patch
    }

    /// The major and minor numbers.
    pub const fn numbers(self) -> (u16, u16) {
        (self.major, self.minor)
    }

    /// The Kubernetes release as its components report it (`v1.35.2`): without the provider's build.
    pub fn release_tag(self) -> String {
        format!("v{}", Self { build: None, ..self })
    }
}

impl FromStr for KubeVersion {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || VersionError(text.to_string());
        let trimmed = text.trim().trim_start_matches('v');
        let (release, build) = match trimmed.split_once('-') {
            Some((release, build)) => (release, Some(build.parse().map_err(|_| error())?)),
            None => (trimmed, None),
        };
        let parts: Vec<&str> = release.split('.').collect();
        let number = |i: usize| parts.get(i).and_then(|p| p.parse::<u16>().ok()).ok_or_else(error);
        match parts.len() {
            2 if build.is_none() => Ok(Self::minor(number(0)?, number(1)?)),
            3 => Ok(Self { major: number(0)?, minor: number(1)?, patch: Some(number(2)?), build }),
            _ => Err(error()),
        }
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        if let Some(build) = self.build {
            write!(f, "-{build}")?;
        }
        Ok(())
    }
}

crate::schema::string_schema!(KubeVersion, "A Kubernetes minor version (`1.35`).");

impl Serialize for KubeVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for KubeVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

/// The minors a new cluster can be created with (`cloud.kube.VersionEnum`, 2026), oldest first.
pub const OFFERED_MINORS: [KubeVersion; 5] = [
    KubeVersion::minor(1, 31),
    KubeVersion::minor(1, 32),
    KubeVersion::minor(1, 33),
    KubeVersion::minor(1, 34),
    KubeVersion::minor(1, 35),
];

/// The minor a new cluster gets when none is chosen: the newest offered.
pub const DEFAULT_MINOR: KubeVersion = OFFERED_MINORS[OFFERED_MINORS.len() - 1];

/// Whether `version`'s minor is offered for new clusters.
pub fn is_offered(version: KubeVersion) -> bool {
    OFFERED_MINORS.contains(&version.minor_version())
}

open_enum! {
    /// When the provider may apply security patches (`cloud.kube.UpdatePolicyEnum`, semantics in
    /// provider-api.md §9).
    #[derive(Default)]
    pub enum UpdatePolicy {
        /// Patch as soon as a patch is out, even if it briefly disrupts workloads (the default).
        #[default]
        AlwaysUpdate = "ALWAYS_UPDATE",
        /// Patch only when it does not make workloads unavailable.
        MinimalDowntime = "MINIMAL_DOWNTIME",
        /// Never patch automatically (end-of-life versions are still force-upgraded).
        NeverUpdate = "NEVER_UPDATE",
    }
}

impl UpdatePolicy {
    /// The policies a user can choose, the default first.
    pub fn choices() -> [UpdatePolicy; 3] {
        [UpdatePolicy::AlwaysUpdate, UpdatePolicy::MinimalDowntime, UpdatePolicy::NeverUpdate]
    }

    /// Its name in words ("minimal downtime").
    pub fn label(&self) -> String {
        self.as_wire().replace('_', " ").to_ascii_lowercase()
    }

    /// What it means, for the choice (provider-api.md §9).
    pub fn description(&self) -> &'static str {
        match self {
            UpdatePolicy::AlwaysUpdate => {
                "Patch as soon as a patch is out, even if workloads are briefly disrupted."
            }
            UpdatePolicy::MinimalDowntime => "Patch only when it does not make workloads unavailable.",
            UpdatePolicy::NeverUpdate => {
                "Never patch automatically; end-of-life versions are still upgraded."
            }
            UpdatePolicy::Other(_) => "A policy this console does not know.",
        }
    }
}

open_enum! {
    /// How kube-proxy routes service traffic (`cloud.kube.KubeProxyModeEnum`); `iptables` by
    /// default (provider-api.md §4.1, Terraform's documented default).
    #[derive(Default)]
    pub enum KubeProxyMode {
        #[default]
        Iptables = "iptables",
        Ipvs = "ipvs",
    }
}

/// What an upgrade request asks for (`cloud.kube.UpdateStrategyEnum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpdateStrategy {
    /// The newest patch of the current minor.
    LatestPatch,
    /// The next minor; only one minor at a time.
    NextMinor,
}

/// Why an upgrade to a given minor is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpgradeError {
    /// The target is older than the current version.
    Downgrade { current: KubeVersion, target: KubeVersion },
    /// The target is the current minor.
    SameMinor { current: KubeVersion },
    /// The target skips minors.
    SkipsMinors { current: KubeVersion, target: KubeVersion },
    /// The provider does not offer the target.
    NotOffered { target: KubeVersion },
    /// A patch upgrade was asked for, but the cluster already runs the latest patch.
    AlreadyLatestPatch { current: KubeVersion },
}

impl fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpgradeError::Downgrade { current, target } => write!(
                f,
                "Kubernetes cannot be downgraded: the cluster runs {current}, which is newer than {target}."
            ),
            UpgradeError::SameMinor { current } => write!(
                f,
                "The cluster already runs {}; apply the latest patch instead.",
                current.minor_version()
            ),
            UpgradeError::SkipsMinors { current, target } => write!(
                f,
                "Upgrades go one minor version at a time: from {} the next is {}, not {target}.",
                current.minor_version(),
                current.next_minor()
            ),
            UpgradeError::NotOffered { target } => {
                write!(f, "Kubernetes {target} is not offered by the provider.")
            }
            UpgradeError::AlreadyLatestPatch { current } => {
                write!(
                    f,
                    "The cluster already runs the latest patch of Kubernetes {}.",
                    current.minor_version()
                )
            }
        }
    }
}

impl std::error::Error for UpgradeError {}

/// Checks a minor upgrade (`NEXT_MINOR`) from `current` to `target`, against the targets the
/// provider offers for this cluster (`nextUpgradeVersions`).
pub fn check_minor_upgrade(
    current: KubeVersion,
    target: KubeVersion,
    offered: &[KubeVersion],
) -> Result<(), UpgradeError> {
    let (from, to) = (current.minor_version(), target.minor_version());
    if to < from {
        return Err(UpgradeError::Downgrade { current, target: to });
    }
    if to == from {
        return Err(UpgradeError::SameMinor { current });
    }
    if to != from.next_minor() {
        return Err(UpgradeError::SkipsMinors { current, target: to });
    }
    if !offered.iter().any(|v| v.minor_version() == to) {
        return Err(UpgradeError::NotOffered { target: to });
    }
    Ok(())
}

/// Checks a patch upgrade (`LATEST_PATCH`): worth starting only while the provider reports the
/// cluster as not up to date (`isUpToDate`, provider-api.md §6).
pub fn check_patch_upgrade(current: KubeVersion, is_up_to_date: bool) -> Result<(), UpgradeError> {
    if is_up_to_date { Err(UpgradeError::AlreadyLatestPatch { current }) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn update_policies_have_words() {
        assert_eq!(UpdatePolicy::MinimalDowntime.label(), "minimal downtime");
        assert_eq!(UpdatePolicy::choices()[0], UpdatePolicy::default());
        assert!(UpdatePolicy::NeverUpdate.description().contains("end-of-life"));
    }

    fn v(text: &str) -> KubeVersion {
        text.parse().unwrap()
    }

    #[test]
    fn parses_the_forms_the_provider_uses() {
        assert_eq!(v("1.34"), KubeVersion::minor(1, 34));
        assert_eq!(v("1.25.4-1").to_string(), "1.25.4-1");
        assert_eq!(v("v1.31.2").to_string(), "1.31.2");
        assert_eq!(v("1.25.4-1").minor_version(), v("1.25"));
        for bad in ["", "1", "1.x", "1.2.3.4", "1.34-1", "one.two"] {
            assert!(bad.parse::<KubeVersion>().is_err(), "{bad}");
        }
        assert_eq!(
            VersionError("1.x".into()).to_string(),
            "\"1.x\" is not a Kubernetes version like 1.34 or 1.34.2."
        );
    }

    #[test]
    fn orders_numerically_not_as_text() {
        assert!(v("1.9") < v("1.10"));
        assert!(v("1.31") < v("1.31.0"));
        assert!(v("1.31.9") < v("1.31.10"));
        assert!(v("1.31.10") < v("1.32"));
    }

    #[test]
    fn offers_1_31_to_1_35_and_defaults_to_the_newest() {
        assert_eq!(DEFAULT_MINOR, v("1.35"));
        assert!(is_offered(v("1.31.4")));
        assert!(!is_offered(v("1.30")));
        assert!(!is_offered(v("1.36")));
    }

    #[test]
    fn upgrades_go_one_minor_up_at_a_time() {
        let offered = [v("1.33")];
        assert_eq!(check_minor_upgrade(v("1.32.5-1"), v("1.33"), &offered), Ok(()));
        assert!(matches!(
            check_minor_upgrade(v("1.32.5"), v("1.31"), &offered),
            Err(UpgradeError::Downgrade { .. })
        ));
        assert!(matches!(
            check_minor_upgrade(v("1.32.5"), v("1.32"), &offered),
            Err(UpgradeError::SameMinor { .. })
        ));
        let skip = check_minor_upgrade(v("1.32.5"), v("1.34"), &offered).unwrap_err();
        assert_eq!(
            skip.to_string(),
            "Upgrades go one minor version at a time: from 1.32 the next is 1.33, not 1.34."
        );
        assert!(matches!(
            check_minor_upgrade(v("1.32.5"), v("1.33"), &[]),
            Err(UpgradeError::NotOffered { .. })
        ));
    }

    #[test]
    fn patch_upgrades_need_a_pending_patch() {
        assert_eq!(check_patch_upgrade(v("1.34.2-1"), false), Ok(()));
        let err = check_patch_upgrade(v("1.34.5"), true).unwrap_err();
        assert_eq!(err.to_string(), "The cluster already runs the latest patch of Kubernetes 1.34.");
    }

    #[test]
    fn enums_keep_unknown_values() {
        let policy: UpdatePolicy = serde_json::from_str("\"PATCH_ON_TUESDAYS\"").unwrap();
        assert_eq!(policy, UpdatePolicy::Other("PATCH_ON_TUESDAYS".into()));
        assert_eq!(serde_json::to_string(&policy).unwrap(), "\"PATCH_ON_TUESDAYS\"");
        assert_eq!(serde_json::to_string(&UpdatePolicy::default()).unwrap(), "\"ALWAYS_UPDATE\"");
        assert_eq!(serde_json::to_string(&UpdateStrategy::NextMinor).unwrap(), "\"NEXT_MINOR\"");
        assert_eq!(KubeProxyMode::from_wire("ipvs"), KubeProxyMode::Ipvs);
    }

    fn any_version() -> impl Strategy<Value = KubeVersion> {
        (0u16..3, 0u16..40, proptest::option::of(0u16..30), proptest::option::of(0u16..5)).prop_map(
            |(major, minor, patch, build)| KubeVersion { major, minor, patch, build: patch.and(build) },
        )
    }

    proptest! {
        #[test]
        fn text_round_trip_and_order_agree(a in any_version(), b in any_version()) {
            prop_assert_eq!(a.to_string().parse::<KubeVersion>(), Ok(a));
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<KubeVersion>(&json).unwrap(), a);
            let key = |v: KubeVersion| (v.major, v.minor, v.patch.map_or(-1, i32::from), v.build.map_or(-1, i32::from));
            prop_assert_eq!(a.cmp(&b), key(a).cmp(&key(b)));
        }
    }

    #[test]
    fn the_release_tag_drops_the_providers_build() {
        let version: KubeVersion = "1.35.2-1".parse().unwrap();
        assert_eq!(version.release_tag(), "v1.35.2");
        assert_eq!(version.numbers(), (1, 35));
    }
}
