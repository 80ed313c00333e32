//! What the provider reserves on every node, and what is left for pods.
//!
//! Source: the seed's formula (domain.md "Reserved resources per node"):
//! - CPU: 15 % of one core + 0.5 % of all cores, i.e. `150 m + 5 m × vCPUs`;
//! - RAM: a fixed 1590 MB (the seed's rule; the provider's 2024 versions page says
//!   `1024 MB + 5 %` instead, and the UI shows the formula next to the figure);
//! - storage: `log10(total GB) × 10 + 10 % of total GB`.
//!
//! Check from domain.md: b3-16 (4 vCPU, 16 GB, 100 GB) reserves 170 m, 1.59 GB and 30 GB.

use serde::{Deserialize, Serialize};

/// Most pods the kubelet runs on one node.
pub const MAX_PODS_PER_NODE: u32 = 110;

/// The reserved-memory rule, as shown to users next to the figure.
pub const RESERVED_MEMORY_FORMULA: &str = "1590 MB per node (the provider's architecture guide)";
/// The reserved-CPU rule, as shown to users.
pub const RESERVED_CPU_FORMULA: &str = "150 m + 5 m per vCPU";
/// The reserved-storage rule, as shown to users.
pub const RESERVED_STORAGE_FORMULA: &str = "log10(disk GB) × 10 + 10 % of the disk";

/// A node's machine: what its flavor provides.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeShape {
    pub vcpus: u32,
    /// Memory in GB, as the provider states flavors.
    pub ram_gb: u32,
    /// Local disk in GB.
    pub disk_gb: u32,
}

/// An amount of node resources.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resources {
    /// Thousandths of a vCPU.
    pub cpu_millicores: u32,
    /// Megabytes (10⁶ bytes), so that 1590 MB reads as 1.59 GB as in the sources.
    pub memory_mb: u32,
    /// Gigabytes of local storage.
    pub storage_gb: f64,
}

impl NodeShape {
    /// Everything the machine has.
    pub fn capacity(&self) -> Resources {
        Resources {
            cpu_millicores: self.vcpus * 1000,
            memory_mb: self.ram_gb * 1000,
            storage_gb: f64::from(self.disk_gb),
        }
    }

    /// What the provider keeps for the operating system and Kubernetes' own components.
    pub fn reserved(&self) -> Resources {
        let disk = f64::from(self.disk_gb);
        let storage_gb = if disk >= 1.0 { disk.log10() * 10.0 + disk * 0.1 } else { 0.0 };
        Resources { cpu_millicores: 150 + 5 * self.vcpus, memory_mb: 1590, storage_gb }
    }

    /// What is left for pods: capacity minus reserved, never below zero.
    pub fn allocatable(&self) -> Resources {
        let (capacity, reserved) = (self.capacity(), self.reserved());
        Resources {
            cpu_millicores: capacity.cpu_millicores.saturating_sub(reserved.cpu_millicores),
            memory_mb: capacity.memory_mb.saturating_sub(reserved.memory_mb),
            storage_gb: (capacity.storage_gb - reserved.storage_gb).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b3_16_matches_the_seed() {
        let b3_16 = NodeShape { vcpus: 4, ram_gb: 16, disk_gb: 100 };
        let reserved = b3_16.reserved();
        assert_eq!(reserved.cpu_millicores, 170);
        assert_eq!(reserved.memory_mb, 1590);
        assert!((reserved.storage_gb - 30.0).abs() < 1e-9);
        let allocatable = b3_16.allocatable();
        assert_eq!(allocatable.cpu_millicores, 3830);
        assert_eq!(allocatable.memory_mb, 14_410);
        assert!((allocatable.storage_gb - 70.0).abs() < 1e-9);
    }

    #[test]
    fn small_disks_keep_the_logarithmic_part() {
        let shape = NodeShape { vcpus: 2, ram_gb: 7, disk_gb: 50 };
        assert!((shape.reserved().storage_gb - 21.9897).abs() < 1e-3);
        assert_eq!(shape.reserved().cpu_millicores, 160);
    }

    #[test]
    fn allocatable_never_goes_negative() {
        let tiny = NodeShape { vcpus: 0, ram_gb: 1, disk_gb: 0 };
        assert_eq!(tiny.allocatable().cpu_millicores, 0);
        assert_eq!(tiny.allocatable().memory_mb, 0);
        assert_eq!(tiny.allocatable().storage_gb, 0.0);
    }
}
