//! The write routes: each path of the API servers' writes, naming the kind and where it lives,
//! handed to [`super::write`]. Core kinds live under `/api/v1`, the others under
//! `/apis/{group}/{version}`, cluster-scoped ones (ClusterRoles, ClusterRoleBindings) without a
//! namespace.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::objects::{Call, Kind, kind_at};
use super::status::KubeError;
use super::write::{WriteQuery, create, delete, patch, replace, scale};

pub async fn create_namespace(
    call: Call,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), KubeError> {
    create(call, kind_at("v1", "namespaces")?, None, query, body).await
}

pub async fn replace_namespace(
    call: Call,
    Path(name): Path<String>,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    replace(call, kind_at("v1", "namespaces")?, None, name, query, body).await
}

pub async fn patch_namespace(
    call: Call,
    Path(name): Path<String>,
    Query(query): Query<WriteQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    patch(call, kind_at("v1", "namespaces")?, None, name, query, headers, body).await
}

pub async fn delete_namespace(call: Call, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    delete(call, kind_at("v1", "namespaces")?, None, name).await
}

pub async fn create_core(
    call: Call,
    Path((namespace, resource)): Path<(String, String)>,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), KubeError> {
    create(call, kind_at("v1", &resource)?, Some(namespace), query, body).await
}

pub async fn replace_core(
    call: Call,
    Path((namespace, resource, name)): Path<(String, String, String)>,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    replace(call, kind_at("v1", &resource)?, Some(namespace), name, query, body).await
}

pub async fn patch_core(
    call: Call,
    Path((namespace, resource, name)): Path<(String, String, String)>,
    Query(query): Query<WriteQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    patch(call, kind_at("v1", &resource)?, Some(namespace), name, query, headers, body).await
}

pub async fn delete_core(
    call: Call,
    Path((namespace, resource, name)): Path<(String, String, String)>,
) -> Result<Json<Value>, KubeError> {
    delete(call, kind_at("v1", &resource)?, Some(namespace), name).await
}

type GroupPath = (String, String, String, String);
type GroupNamePath = (String, String, String, String, String);

pub async fn create_group(
    call: Call,
    Path((group, version, namespace, resource)): Path<GroupPath>,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), KubeError> {
    create(call, kind_at(&format!("{group}/{version}"), &resource)?, Some(namespace), query, body).await
}

pub async fn replace_group(
    call: Call,
    Path((group, version, namespace, resource, name)): Path<GroupNamePath>,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    replace(call, kind_at(&format!("{group}/{version}"), &resource)?, Some(namespace), name, query, body)
        .await
}

pub async fn patch_group(
    call: Call,
    Path((group, version, namespace, resource, name)): Path<GroupNamePath>,
    Query(query): Query<WriteQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    patch(
        call,
        kind_at(&format!("{group}/{version}"), &resource)?,
        Some(namespace),
        name,
        query,
        headers,
        body,
    )
    .await
}

pub async fn delete_group(
    call: Call,
    Path((group, version, namespace, resource, name)): Path<GroupNamePath>,
) -> Result<Json<Value>, KubeError> {
    delete(call, kind_at(&format!("{group}/{version}"), &resource)?, Some(namespace), name).await
}

type ClusterGroupPath = (String, String, String);
type ClusterGroupNamePath = (String, String, String, String);

/// A cluster-scoped kind at `group`/`version` (ClusterRoles, ClusterRoleBindings).
fn cluster_kind(group: &str, version: &str, resource: &str) -> Result<&'static Kind, KubeError> {
    let kind = kind_at(&format!("{group}/{version}"), resource)?;
    if kind.namespaced { Err(KubeError::no_such_path()) } else { Ok(kind) }
}

pub async fn create_cluster_group(
    call: Call,
    Path((group, version, resource)): Path<ClusterGroupPath>,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), KubeError> {
    create(call, cluster_kind(&group, &version, &resource)?, None, query, body).await
}

pub async fn replace_cluster_group(
    call: Call,
    Path((group, version, resource, name)): Path<ClusterGroupNamePath>,
    Query(query): Query<WriteQuery>,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    replace(call, cluster_kind(&group, &version, &resource)?, None, name, query, body).await
}

pub async fn patch_cluster_group(
    call: Call,
    Path((group, version, resource, name)): Path<ClusterGroupNamePath>,
    Query(query): Query<WriteQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    patch(call, cluster_kind(&group, &version, &resource)?, None, name, query, headers, body).await
}

pub async fn delete_cluster_group(
    call: Call,
    Path((group, version, resource, name)): Path<ClusterGroupNamePath>,
) -> Result<Json<Value>, KubeError> {
    delete(call, cluster_kind(&group, &version, &resource)?, None, name).await
}

type SubresourcePath = (String, String, String, String, String, String);

fn scale_kind(
    group: &str,
    version: &str,
    resource: &str,
    subresource: &str,
) -> Result<&'static Kind, KubeError> {
    if subresource != "scale" {
        return Err(KubeError::no_such_path());
    }
    kind_at(&format!("{group}/{version}"), resource)
}

pub async fn read_subresource(
    call: Call,
    Path((group, version, namespace, resource, name, sub)): Path<SubresourcePath>,
) -> Result<Json<Value>, KubeError> {
    scale(call, scale_kind(&group, &version, &resource, &sub)?, namespace, name, None).await
}

pub async fn write_subresource(
    call: Call,
    Path((group, version, namespace, resource, name, sub)): Path<SubresourcePath>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    scale(call, scale_kind(&group, &version, &resource, &sub)?, namespace, name, Some((headers, body))).await
}
