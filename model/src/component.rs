//! Software installed on every cluster, per plan.
//!
//! Source: the seed's "Component versions" table (domain.md repeats it for the plan page).

use crate::plan::Plan;

/// One component and the version each plan runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComponentVersion {
    /// What the component is ("Container runtime").
    pub component: &'static str,
    /// Version on Free clusters.
    pub free: &'static str,
    /// Version on Standard clusters.
    pub standard: &'static str,
}

impl ComponentVersion {
    /// The version on `plan`'s clusters.
    pub const fn on(&self, plan: Plan) -> &'static str {
        match plan {
            Plan::Free => self.free,
            Plan::Standard => self.standard,
        }
    }
}

/// Every component the seed lists, in its order.
pub const COMPONENT_VERSIONS: [ComponentVersion; 7] = [
    ComponentVersion {
        component: "Operating system",
        free: "Ubuntu 22.04 LTS",
        standard: "Ubuntu 22.04 LTS",
    },
    ComponentVersion { component: "Kernel", free: "5.15-generic", standard: "5.15-generic" },
    ComponentVersion {
        component: "Container runtime",
        free: "containerd 2.1.4",
        standard: "containerd 2.1.4",
    },
    ComponentVersion {
        component: "Network plugin (CNI)",
        free: "Canal (Calico v3.30.1 + Flannel v0.24.4)",
        standard: "Cilium",
    },
    ComponentVersion {
        component: "Storage driver (CSI)",
        free: "Cinder CSI v1.29.0",
        standard: "Cinder CSI v1.29.0",
    },
    ComponentVersion { component: "CoreDNS", free: "v1.12.4", standard: "v1.12.4" },
    ComponentVersion { component: "Metrics Server", free: "v0.8.0", standard: "v0.8.0" },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_plugin_differs_per_plan_and_agrees_with_the_plan_facts() {
        let cni = COMPONENT_VERSIONS.iter().find(|c| c.component.contains("CNI")).unwrap();
        assert!(cni.on(Plan::Free).starts_with("Canal"));
        assert!(cni.on(Plan::Standard).starts_with("Cilium"));
        assert!(Plan::Standard.cni().label().starts_with(cni.standard));
    }
}
