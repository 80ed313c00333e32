//! The pre-flight check before an in-place upgrade: can the other nodes absorb a drained node?
//!
//! Source: domain.md "Kubernetes versions and upgrades" — in-place upgrades (the Free plan's
//! strategy) lower capacity by one node while it drains; warn before starting when the remaining
//! nodes cannot take the load. Whichever node drains, every pod's requests must fit on the others,
//! so the worst case is the node with the most allocatable resources leaving.

use serde::{Deserialize, Serialize};

use crate::resources::{MAX_PODS_PER_NODE, Resources};

/// One node: what it offers to pods and what its pods request.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeLoad {
    pub allocatable: Resources,
    pub requested: Resources,
    pub pods: u32,
}

/// What is missing if the largest node drains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub cpu_millicores: u32,
    pub memory_mb: u32,
    pub pods: u32,
}

/// The answer of the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DrainCheck {
    /// The other nodes can take every pod of any one node.
    Fits,
    /// Some pods would stay pending while the node at `node` (an index into the input) drains.
    Short { node: usize, shortfall: Shortfall },
    /// A single node: draining it stops every workload until it is back.
    SingleNode,
}

/// Checks whether the cluster keeps room for all requested resources while one node drains.
pub fn check_in_place_drain(nodes: &[NodeLoad]) -> DrainCheck {
    if nodes.len() <= 1 {
        return DrainCheck::SingleNode;
    }
    let sum = |f: fn(&NodeLoad) -> u64| nodes.iter().map(f).sum::<u64>();
    let allocatable_cpu = sum(|n| u64::from(n.allocatable.cpu_millicores));
    let allocatable_memory = sum(|n| u64::from(n.allocatable.memory_mb));
    let requested_cpu = sum(|n| u64::from(n.requested.cpu_millicores));
    let requested_memory = sum(|n| u64::from(n.requested.memory_mb));
    let pods = sum(|n| u64::from(n.pods));
    // The worst node to lose is the one that takes the most with it.
    let mut worst = None;
    for (index, node) in nodes.iter().enumerate() {
        let short = |need: u64, have: u64| u32::try_from(need.saturating_sub(have)).unwrap_or(u32::MAX);
        let shortfall = Shortfall {
            cpu_millicores: short(
                requested_cpu,
                allocatable_cpu - u64::from(node.allocatable.cpu_millicores),
            ),
            memory_mb: short(requested_memory, allocatable_memory - u64::from(node.allocatable.memory_mb)),
            pods: short(pods, (nodes.len() as u64 - 1) * u64::from(MAX_PODS_PER_NODE)),
        };
        let size = (shortfall.cpu_millicores, shortfall.memory_mb, shortfall.pods);
        if size != (0, 0, 0)
            && worst.is_none_or(|(_, w): (usize, Shortfall)| size > (w.cpu_millicores, w.memory_mb, w.pods))
        {
            worst = Some((index, shortfall));
        }
    }
    match worst {
        Some((node, shortfall)) => DrainCheck::Short { node, shortfall },
        None => DrainCheck::Fits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::NodeShape;

    fn node(cpu: u32, memory: u32) -> NodeLoad {
        let b3_16 = NodeShape { vcpus: 4, ram_gb: 16, disk_gb: 100 }.allocatable();
        NodeLoad {
            allocatable: b3_16,
            requested: Resources { cpu_millicores: cpu, memory_mb: memory, storage_gb: 0.0 },
            pods: 10,
        }
    }

    #[test]
    fn light_load_fits_on_the_other_nodes() {
        assert_eq!(
            check_in_place_drain(&[node(1000, 4000), node(1000, 4000), node(1000, 4000)]),
            DrainCheck::Fits
        );
    }

    #[test]
    fn heavy_load_reports_what_is_missing() {
        // 3 × b3-16 offer 3830 m each; 9000 m requested cannot fit on two (7660 m).
        let check = check_in_place_drain(&[node(3000, 1000), node(3000, 1000), node(3000, 1000)]);
        let DrainCheck::Short { shortfall, .. } = check else { panic!("{check:?}") };
        assert_eq!(shortfall, Shortfall { cpu_millicores: 1340, memory_mb: 0, pods: 0 });
    }

    #[test]
    fn the_largest_node_is_the_worst_to_lose() {
        let big = NodeLoad {
            allocatable: NodeShape { vcpus: 16, ram_gb: 64, disk_gb: 400 }.allocatable(),
            ..node(500, 500)
        };
        let check = check_in_place_drain(&[node(3700, 8000), big, node(3700, 8000)]);
        let lost = Shortfall { cpu_millicores: 240, memory_mb: 0, pods: 0 };
        assert_eq!(check, DrainCheck::Short { node: 1, shortfall: lost });
    }

    #[test]
    fn a_single_node_always_interrupts() {
        assert_eq!(check_in_place_drain(&[node(0, 0)]), DrainCheck::SingleNode);
        assert_eq!(check_in_place_drain(&[]), DrainCheck::SingleNode);
    }
}
