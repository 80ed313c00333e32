//! One project's refresher. Every replica runs one per project; each tick it tries to take or
//! renew the project's lease. The holder reads the provider, only what is due:
//!
//! - the cluster list every [`Timings::list_active`] while anything moves (an operation pending
//!   or running, a status not settled), backing off to
//!   [`Timings::list_idle`] while nothing does, at once when poked or an operation changed, and
//!   when a page looks at a list older than [`Timings::view_refresh`];
//! - a cluster's pools and nodes when the cluster is new or changed in the list, moves, has an
//!   operation, or is open in a page here, and otherwise in a slow sweep that reads each cluster
//!   once per [`Timings::sweep`];
//!
//! - a cluster's configuration (allow-list, OpenID Connect, customization) when a page asks for
//!   it, and the project's private networks, subnets and gateways likewise;
//!
//! all within its share of the project's rate, so the operations runner keeps the rest. Each
//! change becomes a new snapshot, stored in the database. The other replicas load a newer stored
//! snapshot each tick; when the holder stops renewing, the lease expires and one of them takes
//! over from the stored snapshot.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use model::id::ClusterId;
use model::oidc::OidcConfig;
use provider::api::Cluster;

use super::snapshot::{Config, Detail, Entry, Networks, Snapshot};
use super::{ProjectCatalog, Timings, store};
use crate::db::Db;
use crate::projects::Project;

fn after(now: DateTime<Utc>, duration: std::time::Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

/// The refresher's memory between ticks.
struct State {
    holding: bool,
    /// The list's interval now: short while things move, doubling while they do not.
    list_interval: std::time::Duration,
    /// The latest operation change seen.
    operations_seen: DateTime<Utc>,
    next_sweep: DateTime<Utc>,
}

/// Runs the refresher of `catalog` until the task is dropped.
pub async fn run(db: Db, replica: String, timings: Timings, catalog: Arc<ProjectCatalog>) {
    let now = Utc::now();
    let mut state =
        State { holding: false, list_interval: timings.list_active, operations_seen: now, next_sweep: now };
    loop {
        if let Err(error) = tick(&db, &replica, &timings, &catalog, &mut state).await {
            tracing::warn!(%error, project = %catalog.project.id, "catalog: database error");
        }
        let _ = tokio::time::timeout(timings.tick, catalog.poke.notified()).await;
    }
}

async fn tick(
    db: &Db,
    replica: &str,
    timings: &Timings,
    catalog: &ProjectCatalog,
    state: &mut State,
) -> Result<(), sqlx::Error> {
    let project = &catalog.project.id;
    let now = Utc::now();
    let holding = store::lease(db, project, replica, now, after(now, timings.lease)).await?;
    catalog.holding.store(holding, Ordering::SeqCst);
    let took_over = holding && !state.holding;
    state.holding = holding;
    if !holding || took_over {
        // Serve what the holder stored; a new holder continues from it.
        let mine = catalog.current().version;
        if store::version(db, project).await?.is_some_and(|stored| stored > mine)
            && let Some(stored) = store::load(db, project).await?
        {
            catalog.publish(stored);
        }
        if took_over {
            tracing::info!(project = %project, "catalog: this replica reads the provider now");
        }
        if !holding {
            return Ok(());
        }
    }
    let activity = store::activity(db, project, state.operations_seen).await?;
    let operations_moved = activity.latest.is_some();
    if let Some(latest) = activity.latest {
        state.operations_seen = latest;
    }
    let poked = catalog.poked.swap(false, Ordering::SeqCst);
    let looked = catalog.looked.swap(false, Ordering::SeqCst);
    if catalog.arrived.swap(false, Ordering::SeqCst) {
        state.list_interval = state.list_interval.min(timings.view_refresh.max(timings.list_active));
    }
    let current = catalog.current();
    let moving = activity.busy || current.is_moving();
    if moving {
        state.list_interval = timings.list_active;
    }
    let scheduled = current.listed_at.is_none_or(|at| now >= after(at, state.list_interval));
    let list_due = poked || looked || operations_moved || scheduled;
    let sweep_due = now >= state.next_sweep && current.failing_since.is_none();
    let configs = catalog.configs_wanted();
    let networks_wanted = catalog.networks_wanted();
    if !list_due && !sweep_due && configs.is_empty() && networks_wanted.is_none() {
        // Nothing to read: no copy of the snapshot either.
        return Ok(());
    }
    let mut next = current.next();
    next.stale_after = timings.stale_after.as_secs() as i64;
    let mut wanted = BTreeSet::new();
    let mut changed = false;
    if list_due {
        changed = true;
        match read_list(catalog).await {
            Ok(clusters) => {
                // Clusters with an operation, new or changed ones, moving ones: with each list.
                wanted.extend(activity.clusters);
                wanted.extend(merge_list(&mut next, clusters));
                wanted.extend(next.clusters.iter().filter(|e| e.is_moving()).map(|e| e.cluster.id.clone()));
                // Open pages' clusters at the list's own pace, not at every look.
                if scheduled || poked || operations_moved {
                    wanted.extend(catalog.viewed());
                }
                next.listed_at = Some(now);
                next.failing_since = None;
                next.problem = None;
                state.list_interval = if moving || next.is_moving() {
                    timings.list_active
                } else {
                    (state.list_interval * 2).min(timings.list_idle)
                };
            }
            Err(error) => {
                tracing::debug!(%error, project = %project, "catalog: the provider did not list the clusters");
                next.failing_since.get_or_insert(now);
                next.problem = Some(problem(&error));
                state.list_interval = (state.list_interval * 2).min(timings.list_idle / 2);
            }
        }
    }
    // Pools and nodes nobody asked for: the one read longest ago, one cluster at a time.
    if sweep_due && next.failing_since.is_none() {
        let oldest = next.clusters.iter().min_by_key(|e| e.detail.as_ref().map(|d| d.read_at));
        if let Some(entry) =
            oldest.filter(|e| e.detail.as_ref().is_none_or(|d| now >= after(d.read_at, timings.sweep)))
        {
            wanted.insert(entry.cluster.id.clone());
        }
        let count = next.clusters.len().max(1) as u32;
        state.next_sweep = after(now, timings.sweep / count);
    }
    for id in wanted {
        let Some(index) = next.clusters.iter().position(|e| e.cluster.id == id) else { continue };
        if let Some(detail) = read_detail(catalog, &id).await {
            next.clusters[index].detail = Some(detail);
            changed = true;
        }
    }
    for (id, after) in configs {
        let listed = next.clusters.iter().any(|e| e.cluster.id == id);
        let current = next.configs.get(&id).is_some_and(|c| c.read_at >= after);
        if !listed || current {
            continue;
        }
        catalog.budget.acquire().await;
        catalog.budget.acquire().await;
        catalog.budget.acquire().await;
        catalog.calls.fetch_add(3, Ordering::Relaxed);
        match read_config(&catalog.project, &ClusterId::new(&id)).await {
            Ok(config) => {
                next.configs.insert(id, config);
                changed = true;
            }
            Err(error) => {
                tracing::debug!(%error, cluster = id, "catalog: could not read a cluster's configuration")
            }
        }
    }
    if networks_wanted.is_some() {
        match read_networks(&catalog.project, Some(catalog)).await {
            Ok(networks) => {
                next.networks = Some(networks);
                changed = true;
            }
            Err(error) => tracing::debug!(%error, project = %project, "catalog: could not read the networks"),
        }
    }
    if changed {
        next.configs.retain(|id, _| next.clusters.iter().any(|e| &e.cluster.id == id));
        store::save(db, &next, Utc::now()).await?;
        catalog.publish(next);
    }
    Ok(())
}

/// The list, within the refresher's share of the rate.
async fn read_list(catalog: &ProjectCatalog) -> Result<Vec<Cluster>, provider::client::Error> {
    let project = &catalog.project;
    catalog.budget.acquire().await;
    catalog.calls.fetch_add(1, Ordering::Relaxed);
    project.client.list_clusters(&project.service_name).await
}

/// Puts `clusters` in `snapshot` (keeping what was read of the ones it had); the ids of the
/// clusters that are new or changed.
fn merge_list(snapshot: &mut Snapshot, clusters: Vec<Cluster>) -> Vec<String> {
    let mut changed = Vec::new();
    let mut entries = Vec::with_capacity(clusters.len());
    for cluster in clusters {
        let before = snapshot.clusters.iter_mut().find(|e| e.cluster.id == cluster.id);
        let detail = match before {
            Some(entry) if entry.cluster == cluster => entry.detail.take(),
            Some(entry) => {
                // Its configuration may have changed with it: read again when next asked for.
                snapshot.configs.remove(&cluster.id);
                changed.push(cluster.id.clone());
                entry.detail.take()
            }
            None => {
                changed.push(cluster.id.clone());
                None
            }
        };
        entries.push(Entry { cluster, detail });
    }
    snapshot.clusters = entries;
    changed
}

/// A cluster's pools, nodes and etcd usage, or `None` when the pools or the nodes could not be
/// read (what was read before stays, so a failed call never shows as no nodes; etcd's figures
/// are only left out).
async fn read_detail(catalog: &ProjectCatalog, id: &str) -> Option<Detail> {
    let project = &catalog.project;
    let cluster = ClusterId::new(id);
    for _ in 0..3 {
        catalog.budget.acquire().await;
    }
    catalog.calls.fetch_add(3, Ordering::Relaxed);
    // A read is as current as its first request: what changed while it ran may be missing.
    let read_at = Utc::now();
    let (pools, nodes, etcd) = tokio::join!(
        project.client.list_node_pools(&project.service_name, &cluster),
        project.client.list_nodes(&project.service_name, &cluster),
        project.client.etcd_usage(&project.service_name, &cluster),
    );
    match (pools, nodes) {
        (Ok(pools), Ok(nodes)) => Some(Detail { pools, nodes, etcd: etcd.ok(), read_at }),
        (Err(error), _) | (_, Err(error)) => {
            tracing::debug!(%error, cluster = id, "catalog: could not read a cluster's pools and nodes");
            None
        }
    }
}

/// A cluster's configuration, its three parts asked for together (three calls).
pub async fn read_config(project: &Project, id: &ClusterId) -> Result<Config, provider::client::Error> {
    let service = &project.service_name;
    let read_at = Utc::now();
    let (ip_restrictions, oidc, customization) = tokio::join!(
        project.client.ip_restrictions(service, id),
        project.client.oidc(service, id),
        project.client.customization(service, id),
    );
    let oidc = match oidc {
        Ok(config) => Some(OidcConfig::from(&config)),
        // The cluster is in the list: a 404 here says it trusts no provider.
        Err(error) if error.is_not_found() => None,
        Err(error) => return Err(error),
    };
    Ok(Config { ip_restrictions: ip_restrictions?, oidc, customization: customization?, read_at })
}

/// The networks, each one's subnets, and the gateways of every region they are in; within the
/// refresher's share of the rate when `catalog` is given.
pub async fn read_networks(
    project: &Project,
    catalog: Option<&ProjectCatalog>,
) -> Result<Networks, provider::client::Error> {
    let (client, service) = (&project.client, project.service_name.as_str());
    let call = || async {
        if let Some(catalog) = catalog {
            catalog.budget.acquire().await;
            catalog.calls.fetch_add(1, Ordering::Relaxed);
        }
    };
    call().await;
    let read_at = Utc::now();
    let networks = client.list_networks(service).await?;
    let mut subnets = Vec::with_capacity(networks.len());
    for network in &networks {
        call().await;
        subnets.push(client.list_subnets(service, &network.id).await?);
    }
    let regions: BTreeSet<&str> =
        networks.iter().flat_map(|n| n.regions.iter().map(|r| r.region.as_str())).collect();
    let mut gateways = Vec::new();
    for region in regions {
        call().await;
        gateways.extend(client.list_gateways(service, region).await?);
    }
    Ok(Networks { networks, subnets, gateways, read_at })
}

/// A failure in words safe to show.
fn problem(error: &provider::client::Error) -> String {
    match error.status() {
        Some(429) => "The provider is limiting the console's calls.".into(),
        Some(status) if status >= 500 => format!("The provider answered with an error ({status})."),
        Some(status) => format!("The provider refused the call ({status})."),
        None => "The provider could not be reached.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::status::Status;

    fn cluster(id: &str, status: Status) -> Cluster {
        Cluster { id: id.into(), name: id.into(), status, ..Cluster::default() }
    }

    #[test]
    fn a_new_list_keeps_what_was_read_and_names_what_changed() {
        let read = Detail { pools: Vec::new(), nodes: Vec::new(), etcd: None, read_at: Utc::now() };
        let mut snapshot = Snapshot::empty("default", 30);
        snapshot.clusters = vec![
            Entry { cluster: cluster("same", Status::Ready), detail: Some(read.clone()) },
            Entry { cluster: cluster("moved", Status::Ready), detail: Some(read.clone()) },
            Entry { cluster: cluster("gone", Status::Ready), detail: Some(read) },
        ];
        let changed = merge_list(
            &mut snapshot,
            vec![
                cluster("same", Status::Ready),
                cluster("moved", Status::Updating),
                cluster("new", Status::Installing),
            ],
        );
        assert_eq!(changed, vec!["moved".to_string(), "new".to_string()]);
        let ids: Vec<_> =
            snapshot.clusters.iter().map(|e| (e.cluster.id.as_str(), e.detail.is_some())).collect();
        assert_eq!(ids, vec![("same", true), ("moved", true), ("new", false)]);
    }
}
