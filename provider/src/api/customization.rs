//! `cloud.ProjectKubeCustomization` (provider-api.md §4.3). A block that is present in a PUT
//! replaces that whole block and an absent one is kept, so absent blocks are never sent.

use serde::{Deserialize, Serialize};

/// API server, kube-proxy and Cilium settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Customization {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_server: Option<ApiServerCustomization>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_proxy: Option<KubeProxyCustomization>,
    /// Cilium settings (Standard plan), kept as the provider sent them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cilium: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiServerCustomization {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admission_plugins: Option<AdmissionPlugins>,
}

/// Admission plugins (`AlwaysPullImages`, `NodeRestriction`) switched on or off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdmissionPlugins {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KubeProxyCustomization {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iptables: Option<SyncPeriods>,
    /// The ipvs block also carries `scheduler` and timeouts; kept as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipvs: Option<serde_json::Map<String, serde_json::Value>>,
}

/// RFC 3339 durations (`PT30S`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncPeriods {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_sync_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_period: Option<String>,
}
