//! Reading an emulated cluster's objects: each kind lists its objects from the emulator's
//! records at the moment of the request; lists filter by label selector and answer as tables
//! when kubectl asks for them. Also the caller's own identity (`kubectl auth whoami`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::KubeApi;
use super::authn::{ClusterId, User};
use super::namespace::NAMESPACES;
use super::node::NODES;
use super::pool::POOLS;
use super::selector::Selector;
use super::status::KubeError;
use super::table::{self, Column};
use crate::cluster::ClusterRecord;
use crate::node::NodeRecord;
use crate::node_pool::PoolRecord;

/// A cluster as it stands at one instant.
pub struct Snapshot {
    pub cluster: ClusterRecord,
    pub now: DateTime<Utc>,
    pub pools: Vec<(PoolRecord, Vec<NodeRecord>)>,
}

impl Snapshot {
    fn take(api: &KubeApi, id: &str) -> Result<Self, KubeError> {
        let now = api.emulator.clock.now();
        let mut world = api.emulator.world();
        crate::autoscaler::reconcile(&api.emulator, &mut world, now);
        let cluster = world.clusters.get(id).cloned().ok_or_else(KubeError::no_such_path)?;
        let pools = world
            .live_pools(id, now)
            .into_iter()
            .map(|pool| (pool.clone(), world.pool_nodes(&pool.id, now).cloned().collect()))
            .collect();
        Ok(Self { cluster, now, pools })
    }
}

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One object of a kind, and when it was created (for the AGE column).
pub struct Item {
    pub object: Value,
    pub created: DateTime<Utc>,
}

/// A kind of object the API servers serve.
pub struct Kind {
    pub resource: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub short_names: &'static [&'static str],
    pub group: &'static str,
    /// `<group>/<version>`, or `v1` for the core group.
    pub api_version: &'static str,
    pub columns: &'static [Column],
    pub items: fn(&Snapshot) -> Vec<Item>,
    /// The table cells of an object, given its age.
    pub row: fn(&Value, String) -> Vec<Value>,
}

/// An authenticated request to one cluster.
pub struct Call {
    api: Arc<KubeApi>,
    cluster: String,
    user: User,
    table: bool,
}

impl FromRequestParts<Arc<KubeApi>> for Call {
    type Rejection = KubeError;

    async fn from_request_parts(parts: &mut Parts, api: &Arc<KubeApi>) -> Result<Self, Self::Rejection> {
        let ClusterId(cluster) = ClusterId::from_request_parts(parts, api).await?;
        let user = User::from_request_parts(parts, api).await?;
        let table = table::wanted(&parts.headers);
        Ok(Self { api: api.clone(), cluster, user, table })
    }
}

/// Query parameters of list requests.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    label_selector: Option<String>,
    watch: Option<String>,
}

impl Kind {
    fn answer(&self, call: &Call, snapshot: &Snapshot, items: Vec<Item>, single: bool) -> Value {
        if call.table {
            let rows = items
                .into_iter()
                .map(|item| {
                    (
                        (self.row)(&item.object, table::age(item.created, snapshot.now)),
                        item.object["metadata"].clone(),
                    )
                })
                .collect();
            table::table(self.columns, rows)
        } else if single {
            items.into_iter().next().map(|item| item.object).unwrap_or_default()
        } else {
            let items: Vec<Value> = items.into_iter().map(|item| item.object).collect();
            let kind = format!("{}List", self.kind);
            json!({ "kind": kind, "apiVersion": self.api_version, "metadata": { "resourceVersion": "1" }, "items": items })
        }
    }

    async fn list(&self, call: Call, query: ListQuery) -> Result<Json<Value>, KubeError> {
        call.user.require_admin("list", self.resource, self.group, None)?;
        if query.watch.as_deref().is_some_and(|w| w == "true" || w == "1") {
            return Err(KubeError::bad_request("watching is not supported by the emulated API server"));
        }
        let selector =
            Selector::parse(query.label_selector.as_deref().unwrap_or("")).map_err(KubeError::bad_request)?;
        let snapshot = Snapshot::take(&call.api, &call.cluster)?;
        let items = (self.items)(&snapshot)
            .into_iter()
            .filter(|i| selector.matches(&i.object["metadata"]["labels"]))
            .collect();
        Ok(Json(self.answer(&call, &snapshot, items, false)))
    }

    async fn read(&self, call: Call, name: String) -> Result<Json<Value>, KubeError> {
        call.user.require_admin("get", self.resource, self.group, Some(&name))?;
        let snapshot = Snapshot::take(&call.api, &call.cluster)?;
        let item =
            (self.items)(&snapshot).into_iter().find(|i| i.object["metadata"]["name"] == name.as_str());
        let item = item.ok_or_else(|| KubeError::not_found(self.resource, self.group, &name))?;
        Ok(Json(self.answer(&call, &snapshot, vec![item], true)))
    }
}

pub async fn list_nodes(call: Call, Query(query): Query<ListQuery>) -> Result<Json<Value>, KubeError> {
    NODES.list(call, query).await
}

pub async fn read_node(call: Call, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    NODES.read(call, name).await
}

pub async fn list_namespaces(call: Call, Query(query): Query<ListQuery>) -> Result<Json<Value>, KubeError> {
    NAMESPACES.list(call, query).await
}

pub async fn read_namespace(call: Call, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    NAMESPACES.read(call, name).await
}

pub async fn list_pools(call: Call, Query(query): Query<ListQuery>) -> Result<Json<Value>, KubeError> {
    POOLS.list(call, query).await
}

pub async fn read_pool(call: Call, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    POOLS.read(call, name).await
}

/// The kinds served, in discovery's order.
pub const KINDS: [&Kind; 3] = [&NAMESPACES, &NODES, &POOLS];

/// `kubectl auth whoami`: the caller as the API server authenticated them.
pub async fn who_am_i(user: User) -> Json<Value> {
    Json(json!({
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": { "creationTimestamp": null },
        "status": { "userInfo": { "username": user.name, "groups": user.groups } },
    }))
}
