//! Who is calling an emulated API server, and what they may do.
//!
//! Authentication follows kube-apiserver: a client certificate issued by the cluster's current
//! authority names the user (common name) and groups (organisations); otherwise a bearer ID
//! token, when the cluster has an OIDC configuration. `/version` is public; everything else is
//! authorised next, by [`super::authz`].

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rustls::pki_types::CertificateDer;

use super::KubeApi;
use super::status::KubeError;
use super::tls;

/// What the TLS layer knows about one connection.
#[derive(Clone, Debug)]
pub struct Connection {
    pub peer: IpAddr,
    /// The host name the client asked for (SNI).
    pub server_name: Option<String>,
    /// The client's certificate chain, leaf first, if it sent one.
    pub client_chain: Vec<CertificateDer<'static>>,
}

/// A signed-in user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    /// Including `system:authenticated`, as the API server adds it.
    pub groups: Vec<String>,
}

impl User {
    pub fn authenticated(name: String, mut groups: Vec<String>) -> Self {
        groups.push("system:authenticated".to_string());
        Self { name, groups }
    }
}

/// The cluster a connection is for, found by the host name it asked for.
#[derive(Clone, Debug)]
pub struct ClusterId(pub String);

/// Finds the cluster, enforces its IP restrictions, authenticates the caller and keeps both for
/// the handlers. `/version` answers anyone allowed in by address.
pub async fn admit(
    axum::extract::State(api): axum::extract::State<Arc<KubeApi>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(connection) = request.extensions().get::<Arc<Connection>>().cloned() else {
        return KubeError::unauthorized().into_response();
    };
    let cluster = connection.server_name.as_deref().and_then(|host| api.emulator.cluster_for_host(host));
    let Some(cluster) = cluster else { return KubeError::no_such_path().into_response() };
    if !cluster.allows(connection.peer) {
        return KubeError::address_refused(connection.peer).into_response();
    }
    request.extensions_mut().insert(ClusterId(cluster.id.clone()));
    if request.uri().path() == "/version" {
        return next.run(request).await;
    }
    let user = match authenticate(&api, &cluster, &connection, request.headers()).await {
        Ok(user) => user,
        Err(reason) => {
            tracing::debug!(cluster = %cluster.id, %reason, "emulated API server refused a caller");
            return KubeError::unauthorized().into_response();
        }
    };
    request.extensions_mut().insert(user);
    next.run(request).await
}

async fn authenticate(
    api: &KubeApi,
    cluster: &super::ClusterAccess,
    connection: &Connection,
    headers: &axum::http::HeaderMap,
) -> Result<User, String> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(leaf) = connection.client_chain.first() {
        if tls::chains_to(&connection.client_chain, &cluster.authority_pem) {
            let (name, groups) = tls::subject_of(leaf).ok_or("a client certificate without a common name")?;
            return Ok(User::authenticated(name, groups));
        }
        if bearer.is_none() {
            return Err("a client certificate the cluster's authority did not issue".into());
        }
    }
    let token = bearer.ok_or("no credentials")?;
    let config = cluster.oidc.as_ref().ok_or("a bearer token, but the cluster has no OIDC configuration")?;
    api.issuer_keys.verify(config, token).await
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = KubeError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<User>().cloned().ok_or_else(KubeError::unauthorized)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClusterId {
    type Rejection = KubeError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<ClusterId>().cloned().ok_or_else(KubeError::no_such_path)
    }
}
