//! The wizard's draft: what the user has typed, kept as typed (so nothing is lost between steps
//! or reloads), and turned into a [`ClusterSpec`] with the model's rules deciding what is wrong.

use model::cidr::Ipv4Cidr;
use model::cluster_spec::{ClusterSpec, PrivateNetwork};
use model::flavor::{Flavor, check_pool_flavors};
use model::ip_restriction::parse_entry;
use model::network::IpAllocationPolicy;
use model::plan::Plan;
use model::region::Region;
use model::validation::FieldErrors;
use model::version::{DEFAULT_MINOR, KubeProxyMode, KubeVersion, UpdatePolicy};
use reactive_stores::Store;
use serde::{Deserialize, Serialize};

use super::pool_draft::{PoolDraft, optional};
use crate::components::metadata_text::lines;

/// The whole draft, a store: a field read or written tells only that field's readers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Store)]
#[serde(default)]
pub struct Draft {
    pub name: String,
    pub plan: Plan,
    pub region: String,
    pub version: String,
    pub update_policy: UpdatePolicy,
    pub kube_proxy_mode: KubeProxyMode,
    pub private_network: bool,
    pub private_network_id: String,
    pub nodes_subnet_id: String,
    pub nodes_subnet_cidr: String,
    pub load_balancers_subnet_id: String,
    pub subnet_has_gateway: bool,
    pub custom_ranges: bool,
    pub pods_cidr: String,
    pub services_cidr: String,
    /// One address or range per line.
    pub allow_list: String,
    #[store(key: u32 = |pool| pool.id)]
    pub pools: Vec<PoolDraft>,
    /// Makes a repeated Create the same request.
    pub key: String,
}

impl Default for Draft {
    fn default() -> Self {
        let ranges = Plan::Standard.cluster_ranges();
        Self {
            name: String::new(),
            plan: Plan::Free,
            region: String::new(),
            version: DEFAULT_MINOR.to_string(),
            update_policy: UpdatePolicy::default(),
            kube_proxy_mode: KubeProxyMode::default(),
            private_network: false,
            private_network_id: String::new(),
            nodes_subnet_id: String::new(),
            nodes_subnet_cidr: String::new(),
            load_balancers_subnet_id: String::new(),
            subnet_has_gateway: false,
            custom_ranges: false,
            pods_cidr: ranges.pods.to_string(),
            services_cidr: ranges.services.to_string(),
            allow_list: String::new(),
            pools: vec![PoolDraft { name: "general".into(), ..PoolDraft::default() }],
            key: String::new(),
        }
    }
}

fn cidr(text: &str, field: &str, errors: &mut FieldErrors) -> Option<Ipv4Cidr> {
    text.trim().parse().map_err(|e| errors.add(field, e)).ok()
}

impl Draft {
    /// Adds `pool` with an id no other pool of the draft has.
    pub fn add_pool(pools: &mut Vec<PoolDraft>, pool: PoolDraft) {
        let id = pools.iter().map(|p| p.id + 1).max().unwrap_or(0);
        pools.push(PoolDraft { id, ..pool });
    }

    /// Gives each pool an id of its own (a draft saved before pools had ids has none).
    pub fn number_pools(&mut self) {
        for (id, pool) in (0..).zip(self.pools.iter_mut()) {
            pool.id = id;
        }
    }

    /// A draft holding `spec` (a template), with the request key `key`, and the settings of the
    /// template the wizard has no field for (they are left out).
    pub fn from_spec(spec: &ClusterSpec, key: String) -> (Self, Vec<String>) {
        let mut left_out = Vec::new();
        let network = spec.private_network.clone().unwrap_or_default();
        if !network.default_vrack_gateway.is_empty() || network.private_network_routing_as_default {
            left_out.push("the private network's routing (set it on the cluster's Network card)".to_string());
        }
        let mut pools = Vec::new();
        for pool in &spec.node_pools {
            if pool.autoscaling != Default::default() {
                left_out.push(format!("pool {}: its autoscaler tuning", pool.name));
            }
            if !pool.template.finalizers.is_empty() || pool.template.unschedulable {
                left_out.push(format!("pool {}: its finalizers and unschedulable flag", pool.name));
            }
            Self::add_pool(&mut pools, PoolDraft::like(pool, pool.name.clone()));
        }
        let ranges = spec.ip_allocation_policy.as_ref();
        let defaults = Self::default();
        let draft = Self {
            name: spec.name.clone(),
            plan: spec.plan,
            region: spec.region.clone(),
            version: spec.version.to_string(),
            update_policy: spec.update_policy.clone(),
            kube_proxy_mode: spec.kube_proxy_mode.clone(),
            private_network: spec.private_network.is_some(),
            private_network_id: network.private_network_id,
            nodes_subnet_id: network.nodes_subnet_id.unwrap_or_default(),
            nodes_subnet_cidr: network.nodes_subnet_cidr.map(|c| c.to_string()).unwrap_or_default(),
            load_balancers_subnet_id: network.load_balancers_subnet_id.unwrap_or_default(),
            subnet_has_gateway: network.subnet_has_gateway,
            custom_ranges: ranges.is_some(),
            pods_cidr: ranges.map_or(defaults.pods_cidr, |r| r.pods_ipv4_cidr.to_string()),
            services_cidr: ranges.map_or(defaults.services_cidr, |r| r.services_ipv4_cidr.to_string()),
            allow_list: spec.api_allow_list.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
            pools,
            key,
        };
        (draft, left_out)
    }

    /// The spec this draft asks for, and the fields that could not be read as typed.
    pub fn to_spec(&self) -> (ClusterSpec, FieldErrors) {
        let mut errors = FieldErrors::new();
        let version = self.version.parse::<KubeVersion>().unwrap_or_else(|e| {
            errors.add("version", e);
            DEFAULT_MINOR
        });
        let private_network = self.private_network.then(|| PrivateNetwork {
            private_network_id: self.private_network_id.trim().to_string(),
            nodes_subnet_id: optional(&self.nodes_subnet_id),
            nodes_subnet_cidr: optional(&self.nodes_subnet_cidr)
                .and_then(|text| cidr(&text, "privateNetwork.nodesSubnetCidr", &mut errors)),
            load_balancers_subnet_id: optional(&self.load_balancers_subnet_id),
            subnet_has_gateway: self.subnet_has_gateway,
            ..Default::default()
        });
        let ip_allocation_policy = if self.custom_ranges && self.plan.cluster_ranges().configurable {
            let pods = cidr(&self.pods_cidr, "ipAllocationPolicy.podsIpv4Cidr", &mut errors);
            let services = cidr(&self.services_cidr, "ipAllocationPolicy.servicesIpv4Cidr", &mut errors);
            pods.zip(services).map(|(pods_ipv4_cidr, services_ipv4_cidr)| IpAllocationPolicy {
                pods_ipv4_cidr,
                services_ipv4_cidr,
            })
        } else {
            None
        };
        let mut api_allow_list = Vec::new();
        for (i, entry) in lines(&self.allow_list).enumerate() {
            match parse_entry(entry) {
                Ok(range) if api_allow_list.contains(&range) => {
                    errors.add("apiAllowList", format!("Line {}: {range} is listed twice.", i + 1))
                }
                Ok(range) => api_allow_list.push(range),
                Err(message) => errors.add("apiAllowList", format!("Line {}: {message}", i + 1)),
            }
        }
        let node_pools = self
            .pools
            .iter()
            .enumerate()
            .map(|(i, pool)| pool.to_spec(&format!("nodePools.{i}"), self.plan, &mut errors))
            .collect();
        let spec = ClusterSpec {
            name: self.name.trim().to_string(),
            region: self.region.clone(),
            plan: self.plan,
            version,
            update_policy: self.update_policy.clone(),
            kube_proxy_mode: self.kube_proxy_mode.clone(),
            private_network,
            ip_allocation_policy,
            api_allow_list,
            node_pools,
        };
        (spec, errors)
    }

    /// Everything wrong with the draft: what could not be read, the model's rules in `region`
    /// (`None` until one is chosen), and the pools' flavors among `flavors` (when known).
    pub fn errors(&self, region: Option<&Region>, flavors: Option<&[Flavor]>) -> FieldErrors {
        let (spec, mut errors) = self.to_spec();
        match region {
            Some(region) => errors.append(spec.validate(region)),
            None => {
                errors.add("region", "Choose a region.");
                let anywhere = Region { name: String::new(), zones: vec![] };
                let found = spec.validate(&anywhere);
                errors.append(found.iter().filter(|e| !e.field.ends_with("availabilityZones")).fold(
                    FieldErrors::new(),
                    |mut kept, e| {
                        kept.add(e.field.clone(), &e.message);
                        kept
                    },
                ));
            }
        }
        if let Some(flavors) = flavors {
            errors.append(check_pool_flavors(&spec.node_pools, flavors, &self.region));
        }
        errors
    }

    /// The problems of the first step's fields, as [`Draft::errors`] finds them wherever the
    /// cluster goes: the name's (a plan is refused only by a region, at the region's step).
    pub fn first_step_errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("name", model::name::check_name(self.name.trim()));
        errors
    }
}

/// The wizard's steps, in order: the path segment and the title.
pub const STEPS: [(&str, &str); 6] = [
    ("plan", "Name and plan"),
    ("location", "Location"),
    ("version", "Version and updates"),
    ("network", "Network"),
    ("pools", "Node pools"),
    ("review", "Review"),
];

/// The step (index in [`STEPS`]) where the field `path` is entered.
pub fn step_of(path: &str) -> usize {
    let first = path.split('.').next().unwrap_or_default();
    match first {
        "name" | "plan" => 0,
        "region" => 1,
        "version" | "updatePolicy" | "kubeProxyMode" => 2,
        "privateNetwork" | "ipAllocationPolicy" | "apiAllowList" => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use model::node_pool::NodePoolSpec;

    use super::*;

    #[test]
    fn a_template_becomes_a_draft_that_asks_for_the_same_cluster() {
        let mut pool = NodePoolSpec {
            name: "web".into(),
            flavor_name: "b3-8".into(),
            desired_nodes: 2,
            min_nodes: 1,
            max_nodes: 4,
            autoscale: true,
            ..NodePoolSpec::default()
        };
        pool.template.taints.push(model::metadata::Taint {
            key: "dedicated".into(),
            value: "web".into(),
            effect: model::metadata::TaintEffect::NoSchedule,
        });
        let spec = ClusterSpec {
            name: "shop".into(),
            region: "GRA11".into(),
            plan: Plan::Standard,
            version: DEFAULT_MINOR,
            update_policy: UpdatePolicy::NeverUpdate,
            kube_proxy_mode: KubeProxyMode::Ipvs,
            private_network: None,
            ip_allocation_policy: Some(IpAllocationPolicy {
                pods_ipv4_cidr: "10.100.0.0/16".parse().unwrap(),
                services_ipv4_cidr: "10.200.0.0/16".parse().unwrap(),
            }),
            api_allow_list: vec!["203.0.113.0/24".parse().unwrap()],
            node_pools: vec![pool.clone()],
        };
        let (draft, left_out) = Draft::from_spec(&spec, "k".into());
        assert!(left_out.is_empty(), "{left_out:?}");
        let (again, errors) = draft.to_spec();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(again, spec);

        pool.autoscaling.scale_down_unneeded_time_seconds = 60;
        let (_, left_out) = Draft::from_spec(&ClusterSpec { node_pools: vec![pool], ..spec }, "k".into());
        assert_eq!(left_out, vec!["pool web: its autoscaler tuning".to_string()]);
    }

    #[test]
    fn the_first_step_finds_what_the_whole_draft_finds_at_the_first_step() {
        for (name, plan) in
            [("", Plan::Free), ("prod", Plan::Standard), (" Bad_Name ", Plan::Standard), ("a", Plan::Free)]
        {
            for region in [None, Some(gra())] {
                let draft = Draft { name: name.into(), plan, ..Draft::default() };
                let whole = draft.errors(region.as_ref(), None);
                let first: Vec<_> = whole.iter().filter(|e| step_of(&e.field) == 0).collect();
                let found = draft.first_step_errors();
                assert_eq!(found.iter().collect::<Vec<_>>(), first, "{name:?} {region:?}");
            }
        }
    }

    fn gra() -> Region {
        Region { name: "GRA11".into(), zones: vec![] }
    }

    fn draft() -> Draft {
        let mut draft = Draft { name: "prod".into(), region: "GRA11".into(), ..Draft::default() };
        draft.pools[0].flavor = "b3-16".into();
        draft
    }

    #[test]
    fn a_filled_in_draft_is_valid_and_round_trips() {
        assert_eq!(draft().errors(Some(&gra()), None), FieldErrors::new());
        let json = serde_json::to_string(&draft()).unwrap();
        assert_eq!(serde_json::from_str::<Draft>(&json).unwrap(), draft());
        // A draft saved by an older page (fewer fields) still loads.
        let partial: Draft = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
        assert_eq!(partial.pools.len(), 1);
    }

    #[test]
    fn pools_keep_ids_of_their_own() {
        let mut draft = draft();
        Draft::add_pool(&mut draft.pools, PoolDraft::default());
        Draft::add_pool(&mut draft.pools, PoolDraft::default());
        assert_eq!(draft.pools.iter().map(|p| p.id).collect::<Vec<_>>(), [0, 1, 2]);
        draft.pools.remove(1);
        Draft::add_pool(&mut draft.pools, PoolDraft::default());
        assert_eq!(draft.pools.iter().map(|p| p.id).collect::<Vec<_>>(), [0, 2, 3]);
        let mut saved: Draft = serde_json::from_str(r#"{"pools":[{"name":"a"},{"name":"b"}]}"#).unwrap();
        saved.number_pools();
        assert_eq!(saved.pools.iter().map(|p| p.id).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn unreadable_input_is_an_error_at_its_field() {
        let mut draft = draft();
        draft.pools[0].desired = "three".into();
        draft.pools[0].labels = "team=a\nbroken".into();
        draft.pools[0].taints = "gpu=true:NoSchedule\ngpu".into();
        draft.allow_list = "203.0.113.7\n300.1.1.1/8".into();
        let errors = draft.errors(Some(&gra()), None);
        assert_eq!(errors.message_for("nodePools.0.desiredNodes"), Some("Give a whole number, like 3."));
        assert!(errors.message_for("nodePools.0.template.labels").unwrap().contains("broken"));
        assert!(errors.message_for("nodePools.0.template.taints").unwrap().contains("NoSchedule"));
        assert!(errors.message_for("apiAllowList").unwrap().starts_with("Line 2"));
        let (spec, _) = draft.to_spec();
        assert_eq!(spec.node_pools[0].template.taints[0].value, "true");
        assert_eq!(spec.api_allow_list.len(), 1);
    }

    #[test]
    fn the_models_rules_decide() {
        let mut draft = draft();
        draft.pools[0].autoscale = true;
        draft.pools[0].min = "5".into();
        draft.pools[0].max = "2".into();
        let errors = draft.errors(Some(&gra()), None);
        assert!(errors.message_for("nodePools.0.minNodes").is_some());
        assert!(errors.message_for("nodePools.0.maxNodes").is_some());

        let mut big = Draft { plan: Plan::Free, ..self::draft() };
        big.pools[0].desired = "101".into();
        assert!(big.errors(Some(&gra()), None).message_for("nodePools.0.desiredNodes").is_some());

        let mut ranges = Draft { plan: Plan::Standard, custom_ranges: true, ..self::draft() };
        ranges.services_cidr = "10.240.0.0/16".into();
        assert!(
            ranges.errors(Some(&gra()), None).message_for("ipAllocationPolicy.servicesIpv4Cidr").is_some()
        );

        let unknown = Flavor { name: "b3-8".into(), ..model::catalogue::flavor("b3-8").unwrap() };
        assert!(draft.errors(Some(&gra()), Some(&[unknown])).message_for("nodePools.0.flavorName").is_some());
        assert_eq!(draft.errors(None, None).message_for("region"), Some("Choose a region."));
    }

    #[test]
    fn fields_belong_to_steps() {
        assert_eq!(step_of("name"), 0);
        assert_eq!(step_of("region"), 1);
        assert_eq!(step_of("version"), 2);
        assert_eq!(step_of("privateNetwork.nodesSubnetId"), 3);
        assert_eq!(step_of("ipAllocationPolicy.podsIpv4Cidr"), 3);
        assert_eq!(step_of("nodePools.1.maxNodes"), 4);
        assert_eq!(step_of("nodePools"), 4);
        assert_eq!(STEPS.len(), 6);
    }
}
