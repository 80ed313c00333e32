//! A cluster as code for the provider's Terraform provider (`ovh/ovh`): the resources
//! `ovh_cloud_project_kube`, `ovh_cloud_project_kube_nodepool`,
//! `ovh_cloud_project_kube_iprestrictions` and `ovh_cloud_project_kube_oidc`, with the exact
//! values of a cluster or of the wizard's draft.
//!
//! Source: `docs/provider-terraform.md`, each attribute mapped to the API field it sets from the
//! provider's resource documentation.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::cluster_spec::ClusterSpec;
use crate::customization::{ADMISSION_PLUGINS, CustomizationView};
use crate::node_pool::NodePoolSpec;
use crate::oidc::OidcConfig;
use crate::version::KubeProxyMode;

/// A cluster as code: the template `POST /api/v1/projects/{p}/clusters` takes to make one
/// like it, and the provider's Terraform resources for it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AsCode {
    pub template: ClusterSpec,
    pub terraform: String,
}

/// What is rendered: the cluster's spec and, for an existing cluster, its customization and
/// OIDC settings.
#[derive(Clone, Copy, Debug)]
pub struct ClusterCode<'a> {
    pub spec: &'a ClusterSpec,
    /// The provider's project id, as the `service_name` variable's default.
    pub service_name: Option<&'a str>,
    pub customization: Option<&'a CustomizationView>,
    pub oidc: Option<&'a OidcConfig>,
}

impl ClusterCode<'_> {
    /// The HCL text.
    pub fn render(&self) -> String {
        let spec = self.spec;
        let cluster = identifier(&spec.name);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Cluster {} in {}, for the provider's Terraform provider (ovh/ovh).",
            quoted(&spec.name),
            spec.region
        );
        out.push_str(
            "terraform {\n  required_providers {\n    ovh = {\n      source = \"ovh/ovh\"\n    }\n  }\n}\n\n",
        );
        out.push_str("variable \"service_name\" {\n  description = \"The provider's project id (serviceName).\"\n  type        = string\n");
        if let Some(service_name) = self.service_name {
            let _ = writeln!(out, "  default     = {}", quoted(service_name));
        }
        out.push_str("}\n\n");

        let mut block = Block::new(&format!("resource \"ovh_cloud_project_kube\" \"{cluster}\""));
        block.attribute("service_name", "var.service_name");
        block.string("name", &spec.name);
        block.string("region", &spec.region);
        block.string("version", &spec.version.minor_version().to_string());
        block.string("plan", spec.plan.api_value());
        block.string("kube_proxy_mode", spec.kube_proxy_mode.as_wire());
        block.string("update_policy", spec.update_policy.as_wire());
        if let Some(network) = &spec.private_network {
            block.string("private_network_id", &network.private_network_id);
            if let Some(subnet) = &network.nodes_subnet_id {
                block.string("nodes_subnet_id", subnet);
            }
            if let Some(subnet) = &network.load_balancers_subnet_id {
                block.string("load_balancers_subnet_id", subnet);
            }
            let mut configuration = Block::new("private_network_configuration");
            configuration.string("default_vrack_gateway", &network.default_vrack_gateway);
            configuration.attribute(
                "private_network_routing_as_default",
                &network.private_network_routing_as_default.to_string(),
            );
            block.block(configuration);
        }
        if let Some(policy) = &spec.ip_allocation_policy {
            let mut ranges = Block::new("ip_allocation_policy");
            ranges.string("pods_ipv4_cidr", &policy.pods_ipv4_cidr.to_string());
            ranges.string("services_ipv4_cidr", &policy.services_ipv4_cidr.to_string());
            block.block(ranges);
        }
        if let Some(customization) = self.customization {
            let mut plugins = Block::new("admissionplugins");
            plugins.attribute("enabled", &list(&customization.enabled_plugins()));
            let disabled: Vec<String> = ADMISSION_PLUGINS
                .iter()
                .filter(|p| customization.disabled_plugins.iter().any(|d| d == p.name))
                .map(|p| p.name.to_string())
                .collect();
            plugins.attribute("disabled", &list(&disabled));
            let mut apiserver = Block::new("customization_apiserver");
            apiserver.block(plugins);
            block.block(apiserver);
            if !customization.min_sync_period.is_empty() || !customization.sync_period.is_empty() {
                let mode = match spec.kube_proxy_mode {
                    KubeProxyMode::Ipvs => "ipvs",
                    _ => "iptables",
                };
                let mut periods = Block::new(mode);
                if !customization.min_sync_period.is_empty() {
                    periods.string("min_sync_period", &customization.min_sync_period);
                }
                if !customization.sync_period.is_empty() {
                    periods.string("sync_period", &customization.sync_period);
                }
                let mut proxy = Block::new("customization_kube_proxy");
                proxy.block(periods);
                block.block(proxy);
            }
        }
        out.push_str(&block.finish(0));

        let mut names = BTreeMap::new();
        for pool in &spec.node_pools {
            let mut name = identifier(&pool.name);
            let seen = names.entry(name.clone()).or_insert(0);
            *seen += 1;
            if *seen > 1 {
                name = format!("{name}_{seen}");
            }
            out.push('\n');
            out.push_str(&node_pool(&cluster, &name, pool).finish(0));
        }
        if !spec.api_allow_list.is_empty() {
            let mut allow =
                Block::new(&format!("resource \"ovh_cloud_project_kube_iprestrictions\" \"{cluster}\""));
            allow.attribute("service_name", "var.service_name");
            allow.attribute("kube_id", &format!("ovh_cloud_project_kube.{cluster}.id"));
            let ips: Vec<String> = spec.api_allow_list.iter().map(ToString::to_string).collect();
            allow.attribute("ips", &list(&ips));
            out.push('\n');
            out.push_str(&allow.finish(0));
        }
        if let Some(oidc) = self.oidc {
            out.push('\n');
            out.push_str(&oidc_block(&cluster, oidc).finish(0));
        }
        out
    }
}

fn node_pool(cluster: &str, name: &str, pool: &NodePoolSpec) -> Block {
    let mut block = Block::new(&format!("resource \"ovh_cloud_project_kube_nodepool\" \"{name}\""));
    block.attribute("service_name", "var.service_name");
    block.attribute("kube_id", &format!("ovh_cloud_project_kube.{cluster}.id"));
    block.string("name", &pool.name);
    block.string("flavor_name", &pool.flavor_name);
    block.attribute("desired_nodes", &pool.desired_nodes.to_string());
    block.attribute("min_nodes", &pool.min_nodes.to_string());
    block.attribute("max_nodes", &pool.max_nodes.to_string());
    block.attribute("autoscale", &pool.autoscale.to_string());
    let tuning = pool.autoscaling;
    block.attribute(
        "autoscaling_scale_down_unneeded_time_seconds",
        &tuning.scale_down_unneeded_time_seconds.to_string(),
    );
    block.attribute(
        "autoscaling_scale_down_unready_time_seconds",
        &tuning.scale_down_unready_time_seconds.to_string(),
    );
    block.attribute(
        "autoscaling_scale_down_utilization_threshold",
        &tuning.scale_down_utilization_threshold.to_string(),
    );
    block.attribute("monthly_billed", &pool.monthly_billed.to_string());
    block.attribute("anti_affinity", &pool.anti_affinity.to_string());
    if !pool.availability_zones.is_empty() {
        block.attribute("availability_zones", &list(&pool.availability_zones));
    }
    let template = &pool.template;
    let mut metadata = Block::new("metadata");
    metadata.attribute("annotations", &map(&template.annotations, 6));
    metadata.attribute("finalizers", &list(&template.finalizers));
    metadata.attribute("labels", &map(&template.labels, 6));
    let taints: Vec<String> = template
        .taints
        .iter()
        .map(|t| {
            format!(
                "{{ effect = {}, key = {}, value = {} }}",
                quoted(t.effect.as_str()),
                quoted(&t.key),
                quoted(&t.value)
            )
        })
        .collect();
    let mut template_spec = Block::new("spec");
    template_spec.attribute("taints", &format!("[{}]", taints.join(", ")));
    template_spec.attribute("unschedulable", &template.unschedulable.to_string());
    let mut template_block = Block::new("template");
    template_block.block(metadata);
    template_block.block(template_spec);
    block.block(template_block);
    block
}

fn oidc_block(cluster: &str, oidc: &OidcConfig) -> Block {
    let mut block = Block::new(&format!("resource \"ovh_cloud_project_kube_oidc\" \"{cluster}\""));
    block.attribute("service_name", "var.service_name");
    block.attribute("kube_id", &format!("ovh_cloud_project_kube.{cluster}.id"));
    block.string("client_id", &oidc.client_id);
    block.string("issuer_url", &oidc.issuer_url);
    if let Some(claim) = &oidc.username_claim {
        block.string("oidc_username_claim", claim);
    }
    if let Some(prefix) = &oidc.username_prefix {
        block.string("oidc_username_prefix", prefix);
    }
    if !oidc.groups_claim.is_empty() {
        block.attribute("oidc_groups_claim", &list(&oidc.groups_claim));
    }
    if let Some(prefix) = &oidc.groups_prefix {
        block.string("oidc_groups_prefix", prefix);
    }
    if !oidc.required_claim.is_empty() {
        block.attribute("oidc_required_claim", &list(&oidc.required_claim));
    }
    if !oidc.signing_algorithms.is_empty() {
        let algorithms: Vec<String> =
            oidc.signing_algorithms.iter().map(|a| a.as_wire().to_string()).collect();
        block.attribute("oidc_signing_algs", &list(&algorithms));
    }
    if let Some(ca) = &oidc.ca_content {
        block.string("oidc_ca_content", ca);
    }
    block
}

/// An HCL block being written: attributes, then nested blocks.
struct Block {
    header: String,
    attributes: Vec<(String, String)>,
    blocks: Vec<Block>,
}

impl Block {
    fn new(header: &str) -> Self {
        Self { header: header.to_string(), attributes: Vec::new(), blocks: Vec::new() }
    }

    /// `name = expression`, the expression written as it is.
    fn attribute(&mut self, name: &str, expression: &str) {
        self.attributes.push((name.to_string(), expression.to_string()));
    }

    fn string(&mut self, name: &str, value: &str) {
        self.attribute(name, &quoted(value));
    }

    fn block(&mut self, block: Block) {
        self.blocks.push(block);
    }

    fn finish(&self, depth: usize) -> String {
        let indent = "  ".repeat(depth);
        let width = self.attributes.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        let mut out = format!("{indent}{} {{\n", self.header);
        for (name, expression) in &self.attributes {
            let _ = writeln!(out, "{indent}  {name:<width$} = {expression}");
        }
        for block in &self.blocks {
            out.push_str(&block.finish(depth + 1));
        }
        let _ = writeln!(out, "{indent}}}");
        out
    }
}

/// `text` as an HCL string literal: quotes and backslashes escaped, and template sequences
/// (`${`, `%{`) doubled so that they stay text.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn map(entries: &BTreeMap<String, String>, indent: usize) -> String {
    if entries.is_empty() {
        return "{}".into();
    }
    let pad = " ".repeat(indent + 2);
    let lines: Vec<String> =
        entries.iter().map(|(k, v)| format!("{pad}{} = {}", quoted(k), quoted(v))).collect();
    format!("{{\n{}\n{}}}", lines.join("\n"), " ".repeat(indent))
}

/// A resource name from `name`: letters, digits and `_`, starting with a letter.
fn identifier(name: &str) -> String {
    let mut id: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert_str(0, "k_");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{Taint, TaintEffect};
    use crate::plan::Plan;
    use crate::version::{DEFAULT_MINOR, UpdatePolicy};

    fn spec() -> ClusterSpec {
        let mut pool = NodePoolSpec {
            name: "general".into(),
            flavor_name: "b3-8".into(),
            desired_nodes: 2,
            ..NodePoolSpec::default()
        };
        pool.template.labels.insert("team".into(), "shop ${x}".into());
        pool.template.taints.push(Taint {
            key: "dedicated".into(),
            value: "db".into(),
            effect: TaintEffect::NoSchedule,
        });
        ClusterSpec {
            name: "shop-1".into(),
            region: "GRA11".into(),
            plan: Plan::Free,
            version: DEFAULT_MINOR,
            update_policy: UpdatePolicy::MinimalDowntime,
            kube_proxy_mode: KubeProxyMode::Iptables,
            private_network: None,
            ip_allocation_policy: None,
            api_allow_list: vec!["203.0.113.0/24".parse().unwrap()],
            node_pools: vec![pool],
        }
    }

    #[test]
    fn a_cluster_becomes_the_providers_resources_with_its_values() {
        let spec = spec();
        let customization =
            CustomizationView { disabled_plugins: vec!["AlwaysPullImages".into()], ..Default::default() };
        let text = ClusterCode {
            spec: &spec,
            service_name: Some("abc"),
            customization: Some(&customization),
            oidc: None,
        }
        .render();
        assert!(text.contains("resource \"ovh_cloud_project_kube\" \"shop_1\" {"), "{text}");
        assert!(text.contains("  update_policy   = \"MINIMAL_DOWNTIME\""), "{text}");
        assert!(text.contains(&format!("  version         = \"{DEFAULT_MINOR}\"")), "{text}");
        assert!(text.contains("= ovh_cloud_project_kube.shop_1.id\n"), "{text}");
        assert!(text.contains("resource \"ovh_cloud_project_kube_nodepool\" \"general\""), "{text}");
        assert!(text.contains("{ effect = \"NoSchedule\", key = \"dedicated\", value = \"db\" }"), "{text}");
        assert!(text.contains("ips          = [\"203.0.113.0/24\"]"), "{text}");
        assert!(text.contains("disabled = [\"AlwaysPullImages\"]"), "{text}");
        assert!(text.contains("\"team\" = \"shop $${x}\""), "template sequences stay text: {text}");
        assert!(!text.contains("ovh_cloud_project_kube_oidc"));
    }

    #[test]
    fn strings_and_names_are_safe_in_hcl() {
        assert_eq!(quoted("a\"b\\c\n%{d}"), "\"a\\\"b\\\\c\\n%%{d}\"");
        assert_eq!(identifier("1-web"), "k_1_web");
        assert_eq!(identifier("Web-Pool"), "web_pool");
    }
}
