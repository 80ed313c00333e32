//! Node pool bodies: `cloud.ProjectKubeNodePoolCreation`, `…Update` and the `cloud.kube.NodePool`
//! response (provider-api.md §4.7, §5.2, §5.3).

use std::collections::BTreeMap;

use model::metadata::Taint;
use model::status::{SizeStatus, Status};
use serde::{Deserialize, Serialize};

/// The autoscaler's three tunable values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalingSettings {
    pub scale_down_unneeded_time_seconds: u32,
    pub scale_down_unready_time_seconds: u32,
    pub scale_down_utilization_threshold: f64,
}

/// `attachFloatingIps`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloatingIps {
    pub enabled: bool,
}

/// `cloud.kube.NodePoolTemplate`: every sub-field is required when a template is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodePoolTemplate {
    pub metadata: TemplateMetadata,
    pub spec: TemplateSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateMetadata {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub finalizers: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateSpec {
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
}

/// Size and autoscaling, settable at creation and by update.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePoolSizing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscale: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<AutoscalingSettings>,
}

/// `POST …/kube/{kubeId}/nodepool` (also the items of a cluster creation's `nodepools`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePoolCreation {
    pub flavor_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub sizing: NodePoolSizing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anti_affinity: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_billed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zones: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach_floating_ips: Option<FloatingIps>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<NodePoolTemplate>,
}

/// `PUT …/nodepool/{nodePoolId}`: every field optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePoolUpdate {
    #[serde(flatten)]
    pub sizing: NodePoolSizing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<NodePoolTemplate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach_floating_ips: Option<FloatingIps>,
    /// Node ids, instance ids, `openstack:///<instanceId>` provider ids or node names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes_to_remove: Option<Vec<String>>,
}

/// `cloud.kube.NodePool`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodePool {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// The flavor name (not `flavorName`, unlike the creation body).
    pub flavor: String,
    pub status: Status,
    pub size_status: SizeStatus,
    pub autoscale: bool,
    pub monthly_billed: bool,
    pub anti_affinity: bool,
    pub desired_nodes: u32,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub current_nodes: u32,
    pub available_nodes: u32,
    pub up_to_date_nodes: u32,
    pub availability_zones: Option<Vec<String>>,
    pub attach_floating_ips: Option<FloatingIps>,
    pub autoscaling: Option<AutoscalingSettings>,
    pub template: NodePoolTemplate,
    pub created_at: String,
    pub updated_at: String,
}
