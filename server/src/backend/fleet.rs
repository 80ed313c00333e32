//! The fleet: every cluster the caller can see, from each project's catalog, with what needs
//! attention (failed operations from the operations store, etcd from the catalog's sweep) and
//! each project's estimated cost. No provider call but the daily price catalog.

use std::time::Duration;

use app::api::port::{Caller, Fleet};
use app::error::AppError;
use async_trait::async_trait;
use chrono::Utc;
use futures::future::join_all;
use model::access::Membership;
use model::cluster_view::EtcdUsage;
use model::cost::PriceList;
use model::fleet::{Facts, FleetProject, FleetRow, FleetView};
use model::freshness::Freshness;
use model::node_pool::NodePoolSpec;

use super::{ConsoleBackend, internal};
use crate::operations::store;

/// How long the fleet waits for a project's first read before listing it as not read yet.
const FLEET_WAIT: Duration = Duration::from_secs(3);

#[async_trait]
impl Fleet for ConsoleBackend {
    async fn fleet(&self, caller: &Caller) -> Result<FleetView, AppError> {
        let mut memberships: Vec<&Membership> = caller
            .user
            .memberships
            .iter()
            .filter(|m| self.services.catalog.project(&m.project_id).is_some())
            .collect();
        memberships.sort_by(|a, b| a.project_name.cmp(&b.project_name));
        let prices = match memberships.first() {
            Some(first) => self.services.prices(&first.project_id),
            None => model::cost::example_prices(),
        };
        let parts = join_all(memberships.iter().map(|m| self.fleet_project(m, &prices))).await;
        let mut view = FleetView {
            rows: Vec::new(),
            projects: Vec::new(),
            currency: prices.currency.clone(),
            prices_origin: prices.origin(),
        };
        for part in parts {
            let (project, rows) = part?;
            view.projects.push(project);
            view.rows.extend(rows);
        }
        Ok(view)
    }
}

impl ConsoleBackend {
    /// One project's clusters and cost.
    async fn fleet_project(
        &self,
        membership: &Membership,
        prices: &PriceList,
    ) -> Result<(FleetProject, Vec<FleetRow>), AppError> {
        let catalog = self.catalog(&membership.project_id)?;
        let mut project = FleetProject {
            id: membership.project_id.clone(),
            name: membership.project_name.clone(),
            clusters: 0,
            cost: None,
            freshness: Freshness::default(),
            problem: None,
        };
        let Ok(snapshot) = catalog.read(FLEET_WAIT).await else {
            project.problem = Some("The cloud provider has not answered yet.".into());
            return Ok((project, Vec::new()));
        };
        catalog.looked_at(&snapshot);
        let since = Utc::now() - chrono::Duration::days(1);
        let failed =
            store::failed_since(&self.db, &membership.project_id, since).await.map_err(|e| internal(&e))?;
        let today = Utc::now().date_naive().to_string();
        let mut pools: Vec<NodePoolSpec> = Vec::new();
        let mut every_pool_read = true;
        let rows: Vec<FleetRow> = snapshot
            .clusters
            .iter()
            .map(|entry| {
                match &entry.detail {
                    Some(detail) => pools.extend(detail.pools.iter().map(NodePoolSpec::from)),
                    None => every_pool_read = false,
                }
                let facts = Facts {
                    failed_operations: failed.get(&entry.cluster.id).copied().unwrap_or(0),
                    etcd: entry
                        .detail
                        .as_ref()
                        .and_then(|d| d.etcd)
                        .map(|e| EtcdUsage { usage: e.usage, quota: e.quota }),
                    today: today.clone(),
                };
                FleetRow::new(&membership.project_id, &membership.project_name, entry.live().row(), &facts)
            })
            .collect();
        project.clusters = rows.len() as u32;
        project.cost = every_pool_read.then(|| prices.estimate(&pools));
        project.freshness = snapshot.freshness();
        Ok((project, rows))
    }
}
