//! Answers of the provider that change rarely (regions, flavors) or that many pages ask for at
//! once (etcd's figures), kept for a time to live so pages do not each call the provider.

use std::time::Duration;

use crate::ttl::TtlCache;

/// The provider's answers the services keep.
#[derive(Debug)]
pub struct Caches {
    /// Region names per project.
    pub regions: TtlCache<String, Vec<String>>,
    /// Flavors per project and region.
    pub flavors: TtlCache<(String, String), Vec<model::flavor::Flavor>>,
    /// The provider's price list per subsidiary, kept a day.
    pub prices: TtlCache<String, model::cost::PriceList>,
    /// Whether the price list is being read.
    pub prices_reading: std::sync::atomic::AtomicBool,
    /// etcd's figures per project and cluster.
    pub etcd: TtlCache<(String, String), provider::api::EtcdUsage>,
    /// Clients holding each cluster's admin credentials, per project and cluster.
    pub cluster_apis: TtlCache<(String, String), std::sync::Arc<crate::cluster_api::ClusterApi>>,
    /// What each cluster's API answered, for the pages that ask at the same moment.
    pub cluster_objects: TtlCache<(String, String), std::sync::Arc<crate::cluster_api::ClusterObjects>>,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            regions: TtlCache::new(Duration::from_secs(600)),
            flavors: TtlCache::new(Duration::from_secs(600)),
            prices: TtlCache::new(Duration::from_secs(24 * 3600)),
            prices_reading: std::sync::atomic::AtomicBool::new(false),
            etcd: TtlCache::new(Duration::from_secs(60)),
            cluster_apis: TtlCache::new(Duration::from_secs(3600)),
            cluster_objects: TtlCache::new(Duration::from_secs(2)),
        }
    }
}
