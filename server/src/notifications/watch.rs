//! Noticing what happened: operations that ended (from the operations store) and what the
//! catalog shows (versions, end of life, etcd, nodes). Every notice has a key; the database
//! keeps each once per project and sends it once per subscription, however many replicas
//! notice it and however often.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use model::notification::EventKind;
use model::operation::OperationKind;
use model::status::{DisplayState, Status};
use model::version::KubeVersion;
use model::version_calendar;

use super::store::Notice;
use crate::catalog::Snapshot;
use crate::operations::store::Ended;

/// How far back operations are looked at: one that ended while no replica ran is still told
/// of if a replica starts within this time.
pub const OPERATIONS_LOOKBACK_MINUTES: i64 = 60;
/// How far ahead end-of-life notices are made (subscriptions choose up to this).
const END_OF_LIFE_HORIZON_DAYS: i64 = 365;

/// A node seen not ready, until it is ready again or gone.
#[derive(Clone, Debug)]
struct Episode {
    /// The node's id and the provider's `updatedAt` when it was first seen not ready.
    key: String,
    first_seen: DateTime<Utc>,
    /// Whether the provider was seen reinstalling or replacing it.
    healing: Option<&'static str>,
    cluster_id: String,
    cluster_name: String,
    node_name: String,
}

/// What this replica remembers between looks: the nodes not ready.
#[derive(Debug, Default)]
pub struct Watcher {
    episodes: Mutex<HashMap<(String, String), Episode>>,
}

/// The inbox's own thresholds (subscriptions choose theirs).
pub const INBOX_END_OF_LIFE_DAYS: i64 = 30;
pub const INBOX_NODE_MINUTES: i64 = 5;
pub const INBOX_ETCD_PERCENT: i64 = 80;

/// Whether `notice` belongs in the inbox: not routine successes, and thresholded ones past the
/// inbox's thresholds.
pub fn for_inbox(notice: &Notice) -> bool {
    let figure = notice.figure.unwrap_or(0);
    match notice.event {
        EventKind::OperationSucceeded | EventKind::Test => false,
        EventKind::EndOfLife => figure <= INBOX_END_OF_LIFE_DAYS,
        EventKind::NodeNotReady => figure >= INBOX_NODE_MINUTES,
        EventKind::EtcdHigh => figure > INBOX_ETCD_PERCENT,
        _ => true,
    }
}

/// What an operation that ended tells: its outcome, and a cluster created or deleted.
pub fn from_operation(ended: &Ended) -> Vec<Notice> {
    let kind = OperationKind::from_stored(&ended.kind);
    let label: &str = match kind {
        Some(kind) => kind.label(),
        None => &ended.kind,
    };
    let target = ended.target_name.clone().unwrap_or_default();
    let on = if target.is_empty() { String::new() } else { format!(" ({target})") };
    let base = |event: EventKind, key: String, title: String, text: String| Notice {
        project_id: ended.project_id.clone(),
        event,
        key,
        cluster_id: ended.cluster_id.clone(),
        cluster_name: ended.target_name.clone().filter(|_| ended.cluster_id.is_some()),
        title,
        text,
        occurred_at: ended.finished_at,
        figure: None,
    };
    let mut notices = Vec::new();
    if ended.succeeded {
        notices.push(base(
            EventKind::OperationSucceeded,
            format!("operation:{}", ended.id),
            format!("{label}{on} succeeded"),
            format!("{label}{on}, asked for by {}, succeeded.", ended.actor),
        ));
        let cluster = ended.cluster_id.clone().unwrap_or_else(|| ended.id.clone());
        match kind {
            Some(OperationKind::CreateCluster) => notices.push(base(
                EventKind::ClusterCreated,
                format!("cluster-created:{cluster}"),
                format!("Cluster {target} was created"),
                format!("Cluster {target} was created by {}.", ended.actor),
            )),
            Some(OperationKind::DeleteCluster) => notices.push(base(
                EventKind::ClusterDeleted,
                format!("cluster-deleted:{cluster}"),
                format!("Cluster {target} was deleted"),
                format!("Cluster {target} was deleted by {}.", ended.actor),
            )),
            _ => {}
        }
    } else {
        let why = ended.error_message.clone().unwrap_or_else(|| "No reason was given.".into());
        notices.push(base(
            EventKind::OperationFailed,
            format!("operation:{}", ended.id),
            format!("{label}{on} failed"),
            format!("{label}{on}, asked for by {}, failed: {why}", ended.actor),
        ));
    }
    notices
}

impl Watcher {
    /// What `snapshot` (project `project`) shows at `now`.
    pub fn from_catalog(&self, project: &str, snapshot: &Snapshot, now: DateTime<Utc>) -> Vec<Notice> {
        let today = now.date_naive().to_string();
        let mut notices = Vec::new();
        let notice =
            |event, key: String, entry: &crate::catalog::Entry, title: String, text: String, figure| Notice {
                project_id: project.to_string(),
                event,
                key,
                cluster_id: Some(entry.cluster.id.clone()),
                cluster_name: Some(entry.cluster.name.clone()),
                title,
                text,
                occurred_at: now,
                figure,
            };
        let mut seen_nodes = HashSet::new();
        for entry in &snapshot.clusters {
            let cluster = &entry.cluster;
            let live = entry.live();
            let name = &cluster.name;
            if let Some(next) = live.next_versions.first() {
                notices.push(notice(
                    EventKind::NewVersion,
                    format!("new-version:{}:{next}", cluster.id),
                    entry,
                    format!("Kubernetes {next} is available for {name}"),
                    format!(
                        "Cluster {name} runs {}; Kubernetes {next} is available (Upgrades tab).",
                        cluster.version
                    ),
                    None,
                ));
            }
            if let Ok(version) = cluster.version.parse::<KubeVersion>() {
                let lifecycle = version_calendar::lifecycle(version, &today, END_OF_LIFE_HORIZON_DAYS);
                if let (Some(days), Some(text)) = (lifecycle.days_left(), lifecycle.describe()) {
                    let minor = version.minor_version();
                    notices.push(notice(
                        EventKind::EndOfLife,
                        format!("end-of-life:{}:{minor}", cluster.id),
                        entry,
                        format!("{name}: Kubernetes {minor} — {}", text.to_lowercase()),
                        format!("Cluster {name} runs Kubernetes {minor}. {text}; upgrade before the provider does."),
                        Some(days),
                    ));
                }
            }
            let Some(detail) = &entry.detail else { continue };
            if let Some(etcd) = detail.etcd.filter(|e| e.quota > 0) {
                let percent = i64::try_from(etcd.usage * 100 / etcd.quota).unwrap_or(i64::MAX);
                notices.push(notice(
                    EventKind::EtcdHigh,
                    format!("etcd-high:{}:{today}", cluster.id),
                    entry,
                    format!("{name}: etcd at {percent} % of its quota"),
                    format!(
                        "Cluster {name}'s etcd holds {} of {} ({percent} %). Past the quota, the API server refuses writes.",
                        model::ByteSize::from_bytes(etcd.usage),
                        model::ByteSize::from_bytes(etcd.quota)
                    ),
                    Some(percent),
                ));
            }
            let mut episodes = self.episodes.lock().unwrap_or_else(|e| e.into_inner());
            for node in &detail.nodes {
                let id = (project.to_string(), node.id.clone());
                seen_nodes.insert(id.clone());
                let healing = match node.status {
                    Status::Redeploying => Some("reinstalled"),
                    Status::Deleting => Some("replaced"),
                    _ => None,
                };
                let state = node.status.display_state();
                if state == DisplayState::Ready {
                    if let Some(episode) = episodes.remove(&id)
                        && let Some(how) = episode.healing
                    {
                        notices.push(healed(project, &episode, how, now));
                    }
                    continue;
                }
                if let Some(how) = healing {
                    if let Some(episode) = episodes.get_mut(&id) {
                        episode.healing = Some(how);
                    }
                    continue;
                }
                if state != DisplayState::NotReady {
                    continue;
                }
                let episode = episodes
                    .entry(id)
                    .or_insert_with(|| Episode {
                        key: format!("{}:{}", node.id, node.updated_at),
                        first_seen: now,
                        healing: None,
                        cluster_id: cluster.id.clone(),
                        cluster_name: name.clone(),
                        node_name: node.name.clone(),
                    })
                    .clone();
                let minutes = (now - episode.first_seen).num_minutes();
                notices.push(notice(
                    EventKind::NodeNotReady,
                    format!("node-not-ready:{}", episode.key),
                    entry,
                    format!("{name}: node {} not ready", node.name),
                    format!(
                        "Node {} of cluster {name} has been {} for {minutes} min. The provider reinstalls or replaces a node after {} min.",
                        node.name,
                        node.status.as_wire(),
                        model::plan::AUTO_HEALING_DELAY_MINUTES
                    ),
                    Some(minutes),
                ));
            }
        }
        // Nodes gone while being replaced: healed by replacement. Others gone: forgotten.
        let mut episodes = self.episodes.lock().unwrap_or_else(|e| e.into_inner());
        let gone: Vec<(String, String)> =
            episodes.keys().filter(|k| k.0 == project && !seen_nodes.contains(*k)).cloned().collect();
        for id in gone {
            if let Some(episode) = episodes.remove(&id)
                && episode.healing.is_some()
            {
                notices.push(healed(project, &episode, "replaced", now));
            }
        }
        notices
    }
}

fn healed(project: &str, episode: &Episode, how: &str, now: DateTime<Utc>) -> Notice {
    Notice {
        project_id: project.to_string(),
        event: EventKind::NodeAutoHealed,
        key: format!("node-healed:{}", episode.key),
        cluster_id: Some(episode.cluster_id.clone()),
        cluster_name: Some(episode.cluster_name.clone()),
        title: format!("{}: node {} auto-healed", episode.cluster_name, episode.node_name),
        text: format!(
            "Node {} of cluster {} was not ready and the provider {how} it; it has been serving again since {}.",
            episode.node_name,
            episode.cluster_name,
            now.format("%Y-%m-%d %H:%M UTC")
        ),
        occurred_at: now,
        figure: None,
    }
}

/// Since when operations are looked at, at `now`.
pub fn operations_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::minutes(OPERATIONS_LOOKBACK_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(kind: &str, succeeded: bool) -> Ended {
        Ended {
            id: "op-1".into(),
            project_id: "default".into(),
            kind: kind.into(),
            cluster_id: Some("c-1".into()),
            target_name: Some("web".into()),
            succeeded,
            error_message: Some("The provider refused: quota exceeded.".into()),
            actor: "alice".into(),
            finished_at: Utc::now(),
        }
    }

    #[test]
    fn an_ended_operation_tells_its_outcome_and_what_it_made() {
        let failed = from_operation(&ended("update_node_pool", false));
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].event, EventKind::OperationFailed);
        assert_eq!(failed[0].key, "operation:op-1");
        assert!(
            failed[0].text.ends_with("failed: The provider refused: quota exceeded."),
            "{}",
            failed[0].text
        );
        let created = from_operation(&ended("create_cluster", true));
        assert_eq!(
            created.iter().map(|n| n.event).collect::<Vec<_>>(),
            [EventKind::OperationSucceeded, EventKind::ClusterCreated]
        );
        assert_eq!(created[1].key, "cluster-created:c-1");
        assert!(!for_inbox(&created[0]) && for_inbox(&created[1]));
    }

    #[test]
    fn the_inbox_keeps_what_passes_its_thresholds() {
        let mut notice = from_operation(&ended("update_node_pool", false)).remove(0);
        assert!(for_inbox(&notice));
        notice.event = EventKind::EndOfLife;
        notice.figure = Some(31);
        assert!(!for_inbox(&notice));
        notice.figure = Some(-5);
        assert!(for_inbox(&notice));
        notice.event = EventKind::NodeNotReady;
        notice.figure = Some(4);
        assert!(!for_inbox(&notice));
        notice.event = EventKind::EtcdHigh;
        notice.figure = Some(81);
        assert!(for_inbox(&notice));
    }
}
