//! What a reset does to a cluster's worker nodes (provider-api.md §4.2,
//! `cloud.kube.ResetWorkerNodesPolicyEnum`).

use crate::open_enum::open_enum;

open_enum! {
    /// What happens to the worker nodes when the cluster is reset; `delete` when not said.
    #[derive(Default)]
    pub enum WorkerNodesPolicy {
        /// The nodes are deleted; the pools get new ones.
        #[default]
        Delete = "delete",
        /// The same nodes are wiped and reinstalled.
        Reinstall = "reinstall",
    }
}

impl WorkerNodesPolicy {
    /// The choice as the reset form offers it.
    pub fn label(&self) -> &'static str {
        match self {
            WorkerNodesPolicy::Delete => "Delete them: the pools get new nodes",
            WorkerNodesPolicy::Reinstall => "Reinstall them: the same nodes, wiped",
            WorkerNodesPolicy::Other(_) => "A policy this console does not know",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_values_are_the_providers_and_unknown_ones_survive() {
        assert_eq!(serde_json::to_string(&WorkerNodesPolicy::Reinstall).unwrap(), "\"reinstall\"");
        assert_eq!(WorkerNodesPolicy::from_wire("delete"), WorkerNodesPolicy::default());
        let other: WorkerNodesPolicy = serde_json::from_str("\"recycle\"").unwrap();
        assert_eq!(other, WorkerNodesPolicy::Other("recycle".into()));
    }
}
