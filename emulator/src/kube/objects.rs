//! Reading an emulated cluster's objects: each kind lists its objects as the cluster stands at
//! the moment of the request (its controllers run first); lists filter by namespace, label
//! selector and field selector, answer as tables when kubectl asks for them, and stream
//! changes when watched. Also the caller's own identity (`kubectl auth whoami`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::KubeApi;
use super::authn::{ClusterId, User};
use super::node::NODES;
use super::pool::POOLS;
use super::rbac::{CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, ROLES};
use super::selector::{FieldSelector, Selector};
use super::status::KubeError;
use super::table::{self, Column};
use super::workloads::{
    DAEMON_SETS, DEPLOYMENTS, DISRUPTION_BUDGETS, EVENTS, NAMESPACES, PODS, REPLICA_SETS,
};
use crate::cluster::ClusterRecord;
use crate::node::NodeRecord;
use crate::node_pool::PoolRecord;
use crate::workload::Store;

/// A cluster as it stands at one instant.
pub struct Snapshot {
    pub cluster: ClusterRecord,
    pub now: DateTime<Utc>,
    pub pools: Vec<(PoolRecord, Vec<NodeRecord>)>,
    pub store: Store,
}

impl Snapshot {
    pub fn take(api: &KubeApi, id: &str) -> Result<Self, KubeError> {
        let now = api.emulator.clock.now();
        let mut world = api.emulator.world();
        crate::autoscaler::reconcile(&api.emulator, &mut world, now);
        world.reconcile_workloads(&api.emulator, id, now);
        let cluster = world.clusters.get(id).cloned().ok_or_else(KubeError::no_such_path)?;
        let pools = world
            .live_pools(id, now)
            .into_iter()
            .map(|pool| (pool.clone(), world.pool_nodes(&pool.id, now).cloned().collect()))
            .collect();
        let store = world.workloads.get(id).cloned().unwrap_or_default();
        Ok(Self { cluster, now, pools, store })
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
    pub namespaced: bool,
    /// Kept in the cluster's store, so clients can write it; otherwise read off the provider's
    /// records (nodes, node pools).
    pub stored: bool,
    pub columns: &'static [Column],
    pub items: fn(&Snapshot) -> Vec<Item>,
    /// The table cells of an object, given its age.
    pub row: fn(&Value, String) -> Vec<Value>,
}

/// The kinds served, in discovery's order.
pub const KINDS: [&Kind; 13] = [
    &NAMESPACES,
    &NODES,
    &PODS,
    &EVENTS,
    &DEPLOYMENTS,
    &REPLICA_SETS,
    &DAEMON_SETS,
    &DISRUPTION_BUDGETS,
    &POOLS,
    &CLUSTER_ROLES,
    &ROLES,
    &CLUSTER_ROLE_BINDINGS,
    &ROLE_BINDINGS,
];

/// The kind served at `<group>/<version>` (`v1` for the core group) under `resource`.
pub fn kind_at(group_version: &str, resource: &str) -> Result<&'static Kind, KubeError> {
    KINDS
        .iter()
        .find(|k| k.api_version == group_version && k.resource == resource)
        .copied()
        .ok_or_else(KubeError::no_such_path)
}

/// An authenticated request to one cluster.
pub struct Call {
    pub api: Arc<KubeApi>,
    pub cluster: String,
    pub user: User,
    pub table: bool,
    /// Tables carry whole objects in their rows.
    pub whole_rows: bool,
}

impl FromRequestParts<Arc<KubeApi>> for Call {
    type Rejection = KubeError;

    async fn from_request_parts(parts: &mut Parts, api: &Arc<KubeApi>) -> Result<Self, Self::Rejection> {
        let ClusterId(cluster) = ClusterId::from_request_parts(parts, api).await?;
        let user = User::from_request_parts(parts, api).await?;
        let table = table::wanted(&parts.headers);
        let whole_rows = table::whole_rows(parts.uri.query());
        Ok(Self { api: api.clone(), cluster, user, table, whole_rows })
    }
}

/// Query parameters of list requests.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    label_selector: Option<String>,
    field_selector: Option<String>,
    pub watch: Option<String>,
    pub resource_version: Option<String>,
    pub timeout_seconds: Option<u64>,
}

impl ListQuery {
    pub fn watching(&self) -> bool {
        self.watch.as_deref().is_some_and(|w| w == "true" || w == "1")
    }
}

/// What a list selects: namespace, labels, fields.
pub struct Filter {
    namespace: Option<String>,
    labels: Selector,
    fields: FieldSelector,
}

impl Filter {
    pub fn new(namespace: Option<String>, query: &ListQuery) -> Result<Self, KubeError> {
        Ok(Self {
            namespace,
            labels: Selector::parse(query.label_selector.as_deref().unwrap_or(""))
                .map_err(KubeError::bad_request)?,
            fields: FieldSelector::parse(query.field_selector.as_deref().unwrap_or(""))
                .map_err(KubeError::bad_request)?,
        })
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.namespace.as_deref().is_none_or(|n| object["metadata"]["namespace"] == n)
            && self.labels.matches(&object["metadata"]["labels"])
            && self.fields.matches(object)
    }
}

impl Kind {
    /// The objects of `snapshot` that `filter` selects.
    pub fn select(&self, snapshot: &Snapshot, filter: &Filter) -> Vec<Item> {
        (self.items)(snapshot).into_iter().filter(|i| filter.matches(&i.object)).collect()
    }

    /// `items` as a table (with or without the column definitions) or as a list.
    pub fn answer(
        &self,
        (table, whole): (bool, bool),
        now: DateTime<Utc>,
        revision: u64,
        items: Vec<Item>,
        single: bool,
    ) -> Value {
        if table {
            let rows = items
                .into_iter()
                .map(|item| {
                    (
                        (self.row)(&item.object, table::age(item.created, now)),
                        table::row_object(&item.object, whole),
                    )
                })
                .collect();
            let mut answer = table::table(self.columns, rows);
            answer["metadata"]["resourceVersion"] = json!(revision.to_string());
            answer
        } else if single {
            items.into_iter().next().map(|item| item.object).unwrap_or_default()
        } else {
            let items: Vec<Value> = items.into_iter().map(|item| item.object).collect();
            let kind = format!("{}List", self.kind);
            json!({ "kind": kind, "apiVersion": self.api_version, "metadata": { "resourceVersion": revision.to_string() }, "items": items })
        }
    }

    pub async fn list(
        &'static self,
        call: Call,
        namespace: Option<String>,
        query: ListQuery,
    ) -> Result<Response, KubeError> {
        let filter = Filter::new(namespace, &query)?;
        if query.watching() {
            return Ok(super::watch::stream(self, call, filter, query));
        }
        let snapshot = Snapshot::take(&call.api, &call.cluster)?;
        let items = self.select(&snapshot, &filter);
        Ok(Json(self.answer(
            (call.table, call.whole_rows),
            snapshot.now,
            snapshot.store.revision,
            items,
            false,
        ))
        .into_response())
    }

    pub async fn read(
        &self,
        call: Call,
        namespace: Option<String>,
        name: String,
    ) -> Result<Json<Value>, KubeError> {
        let snapshot = Snapshot::take(&call.api, &call.cluster)?;
        let item = (self.items)(&snapshot).into_iter().find(|i| {
            i.object["metadata"]["name"] == name.as_str()
                && namespace.as_deref().is_none_or(|n| i.object["metadata"]["namespace"] == n)
        });
        let item = item.ok_or_else(|| KubeError::not_found(self.resource, self.group, &name))?;
        Ok(Json(self.answer(
            (call.table, call.whole_rows),
            snapshot.now,
            snapshot.store.revision,
            vec![item],
            true,
        )))
    }
}

/// `GET /api/v1/{resource}`: a core kind across namespaces.
pub async fn list_core(
    call: Call,
    Path(resource): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, KubeError> {
    kind_at("v1", &resource)?.list(call, None, query).await
}

/// `GET /api/v1/namespaces/{namespace}/{resource}`.
pub async fn list_core_in(
    call: Call,
    Path((namespace, resource)): Path<(String, String)>,
    Query(query): Query<ListQuery>,
) -> Result<Response, KubeError> {
    kind_at("v1", &resource)?.list(call, Some(namespace), query).await
}

/// `GET /api/v1/namespaces/{namespace}/{resource}/{name}`.
pub async fn read_core_in(
    call: Call,
    Path((namespace, resource, name)): Path<(String, String, String)>,
) -> Result<Json<Value>, KubeError> {
    kind_at("v1", &resource)?.read(call, Some(namespace), name).await
}

/// `GET /apis/{group}/{version}/{resource}`.
pub async fn list_group(
    call: Call,
    Path((group, version, resource)): Path<(String, String, String)>,
    Query(query): Query<ListQuery>,
) -> Result<Response, KubeError> {
    kind_at(&format!("{group}/{version}"), &resource)?.list(call, None, query).await
}

/// `GET /apis/{group}/{version}/{resource}/{name}`: a cluster-scoped kind's object.
pub async fn read_cluster_group(
    call: Call,
    Path((group, version, resource, name)): Path<(String, String, String, String)>,
) -> Result<Json<Value>, KubeError> {
    let kind = kind_at(&format!("{group}/{version}"), &resource)?;
    if kind.namespaced {
        return Err(KubeError::no_such_path());
    }
    kind.read(call, None, name).await
}

/// `GET /apis/{group}/{version}/namespaces/{namespace}/{resource}`.
pub async fn list_group_in(
    call: Call,
    Path((group, version, namespace, resource)): Path<(String, String, String, String)>,
    Query(query): Query<ListQuery>,
) -> Result<Response, KubeError> {
    kind_at(&format!("{group}/{version}"), &resource)?.list(call, Some(namespace), query).await
}

/// `GET /apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}`.
pub async fn read_group_in(
    call: Call,
    Path((group, version, namespace, resource, name)): Path<(String, String, String, String, String)>,
) -> Result<Json<Value>, KubeError> {
    kind_at(&format!("{group}/{version}"), &resource)?.read(call, Some(namespace), name).await
}

pub async fn list_nodes(call: Call, Query(query): Query<ListQuery>) -> Result<Response, KubeError> {
    NODES.list(call, None, query).await
}

pub async fn read_node(call: Call, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    NODES.read(call, None, name).await
}

pub async fn list_namespaces(call: Call, Query(query): Query<ListQuery>) -> Result<Response, KubeError> {
    NAMESPACES.list(call, None, query).await
}

pub async fn read_namespace(call: Call, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    NAMESPACES.read(call, None, name).await
}

pub async fn list_pools(call: Call, Query(query): Query<ListQuery>) -> Result<Response, KubeError> {
    POOLS.list(call, None, query).await
}

pub async fn read_pool(call: Call, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    POOLS.read(call, None, name).await
}

/// `kubectl auth whoami`: the caller as the API server authenticated them.
pub async fn who_am_i(user: User) -> Json<Value> {
    Json(json!({
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": { "creationTimestamp": null },
        "status": { "userInfo": { "username": user.name, "groups": user.groups } },
    }))
}
