//! The emulated clusters' Kubernetes API: enough of it for kubectl to use the kubeconfigs the
//! emulator hands out.
//!
//! One HTTPS listener serves every cluster. A client names the cluster it wants by TLS server
//! name (the kubeconfig's `tls-server-name`, the cluster's `url`), and gets that cluster's
//! certificate, signed by its own authority. Served: `/version`, discovery, `/openapi/v3`,
//! nodes and the provider's in-cluster `NodePool` resource (`nodepools.kube.cloud.ovh.com`,
//! read off the provider's records), `selfsubjectreviews` (`kubectl auth whoami`), the access
//! reviews (`kubectl auth can-i`, [`review`]), and the kinds each cluster keeps
//! ([`crate::workload`]): namespaces, pods, events, Deployments (and their `scale`),
//! ReplicaSets, DaemonSets, PodDisruptionBudgets and the RBAC kinds ([`rbac`]), to create,
//! read, list, watch, replace, patch and delete. Lists answer as tables when kubectl asks for
//! them. The cluster's IP restrictions apply first; callers are authenticated as [`authn`]
//! says, then authorised (impersonation included) as [`authz`] says.

mod authn;
mod authz;
mod checks;
mod discovery;
mod escalation;
mod node;
mod objects;
mod oidc;
mod openapi;
mod pool;
mod protobuf;
mod protobuf_objects;
mod rbac;
mod review;
mod selector;
mod status;
mod strategic;
mod table;
mod tls;
mod watch;
mod workloads;
mod write;
mod write_routes;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::Emulator;
use super::cluster::ClusterRecord;
use super::kubeconfig::ClusterCredentials;
pub use authn::User;
pub use node::registered as node_object;
pub use objects::timestamp;
use provider::api::OpenIdConnect;

/// What the API servers share.
#[derive(Debug)]
pub struct KubeApi {
    emulator: Arc<Emulator>,
    issuer_keys: oidc::IssuerKeys,
}

/// What admission needs to know of a cluster.
#[derive(Clone, Debug)]
pub struct ClusterAccess {
    id: String,
    /// The authority client certificates must chain to.
    authority_pem: String,
    oidc: Option<OpenIdConnect>,
    ip_restrictions: Vec<String>,
}

impl ClusterAccess {
    /// Whether the cluster's IP restrictions let `address` in; an empty list lets everyone in. The
    /// list holds IPv4 ranges only, so a non-empty one keeps every IPv6 address out.
    fn allows(&self, address: IpAddr) -> bool {
        if self.ip_restrictions.is_empty() {
            return true;
        }
        match (address.to_canonical(), model::ip_restriction::parse_allow_list(&self.ip_restrictions)) {
            (IpAddr::V4(address), Ok(list)) => model::ip_restriction::lockout(&list, address).is_none(),
            _ => false,
        }
    }
}

impl Emulator {
    /// The cluster whose API server answers to `host` (its `url`): installed, not deleted.
    fn cluster_at<'w>(
        world: &'w super::World,
        host: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<&'w ClusterRecord> {
        world.clusters.values().find(|c| c.deleted_at.is_none() && now >= c.ready_at && c.api_host() == host)
    }

    /// What admission needs of the cluster at `host`, once it has credentials.
    fn cluster_for_host(&self, host: &str) -> Option<ClusterAccess> {
        let world = self.world();
        let cluster = Self::cluster_at(&world, host, self.clock.now())?;
        Some(ClusterAccess {
            id: cluster.id.clone(),
            authority_pem: cluster.credentials.as_ref()?.client_authority().to_string(),
            oidc: cluster.oidc.clone(),
            ip_restrictions: cluster.ip_restrictions.clone(),
        })
    }

    fn credentials_for_host(&self, host: &str) -> Option<ClusterCredentials> {
        let world = self.world();
        Self::cluster_at(&world, host, self.clock.now())?.credentials.clone()
    }

    /// Where the clusters' API servers answer, once [`serve`] runs.
    pub fn kube_address(&self) -> Option<SocketAddr> {
        self.kube_address.get().copied()
    }
}

/// How long a client may take over its TLS handshake, and a kept-alive connection may sit
/// without sending the next request's headers.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub handshake: Duration,
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { handshake: Duration::from_secs(10), idle: Duration::from_secs(90) }
    }
}

/// Serves the emulated API servers on `listener` in the background, and has the emulator's
/// kubeconfigs point at it.
pub fn serve(listener: TcpListener, emulator: Arc<Emulator>) -> std::io::Result<tokio::task::JoinHandle<()>> {
    serve_with(listener, emulator, Timeouts::default())
}

/// [`serve`] with these timeouts: a connection that stalls is closed, so stalled clients cannot
/// pile up.
pub fn serve_with(
    listener: TcpListener,
    emulator: Arc<Emulator>,
    timeouts: Timeouts,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let address = listener.local_addr()?;
    let config = tls::server_config(emulator.clone()).map_err(std::io::Error::other)?;
    let _ = emulator.kube_address.set(address);
    emulator.remember_kube_address(address);
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let api = Arc::new(KubeApi { emulator, issuer_keys: oidc::IssuerKeys::default() });
    let app = router(api);
    Ok(tokio::spawn(async move {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "the emulated API servers could not accept a connection");
                    continue;
                }
            };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(Ok(stream)) = tokio::time::timeout(timeouts.handshake, acceptor.accept(stream)).await
                else {
                    return;
                };
                let (_, session) = stream.get_ref();
                let connection = authn::Connection {
                    peer: peer.ip(),
                    server_name: session.server_name().map(str::to_string),
                    client_chain: session
                        .peer_certificates()
                        .map(|chain| chain.iter().map(|c| c.clone().into_owned()).collect())
                        .unwrap_or_default(),
                };
                let service = TowerToHyperService::new(app.layer(axum::Extension(Arc::new(connection))));
                let served = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(timeouts.idle)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
                if let Err(error) = served {
                    tracing::debug!(%error, "an emulated API server connection ended");
                }
            });
        }
    }))
}

fn router(api: Arc<KubeApi>) -> Router {
    Router::new()
        .route("/version", get(discovery::version))
        .route("/api", get(discovery::core_versions))
        .route("/api/v1", get(discovery::core_resources))
        .route("/apis", get(discovery::groups))
        .route("/apis/{group}", get(discovery::group))
        .route("/apis/{group}/{version}", get(discovery::group_resources))
        .route("/openapi/v3", get(openapi::root))
        .route("/openapi/v3/{*group_version}", get(openapi::group_version))
        .route("/api/v1/nodes", get(objects::list_nodes))
        .route("/api/v1/nodes/{name}", get(objects::read_node))
        .route("/api/v1/namespaces", get(objects::list_namespaces).post(write_routes::create_namespace))
        .route(
            "/api/v1/namespaces/{namespace}",
            get(objects::read_namespace)
                .put(write_routes::replace_namespace)
                .patch(write_routes::patch_namespace)
                .delete(write_routes::delete_namespace),
        )
        .route("/api/v1/{resource}", get(objects::list_core))
        .route(
            "/api/v1/namespaces/{namespace}/{resource}",
            get(objects::list_core_in).post(write_routes::create_core),
        )
        .route(
            "/api/v1/namespaces/{namespace}/{resource}/{name}",
            get(objects::read_core_in)
                .put(write_routes::replace_core)
                .patch(write_routes::patch_core)
                .delete(write_routes::delete_core),
        )
        .route("/apis/authentication.k8s.io/v1/selfsubjectreviews", post(objects::who_am_i))
        .route("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", post(review::access))
        .route("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", post(review::rules_review))
        .route("/apis/kube.cloud.ovh.com/v1alpha1/nodepools", get(objects::list_pools))
        .route("/apis/kube.cloud.ovh.com/v1alpha1/nodepools/{name}", get(objects::read_pool))
        .route(
            "/apis/{group}/{version}/{resource}",
            get(objects::list_group).post(write_routes::create_cluster_group),
        )
        .route(
            "/apis/{group}/{version}/{resource}/{name}",
            get(objects::read_cluster_group)
                .put(write_routes::replace_cluster_group)
                .patch(write_routes::patch_cluster_group)
                .delete(write_routes::delete_cluster_group),
        )
        .route(
            "/apis/{group}/{version}/namespaces/{namespace}/{resource}",
            get(objects::list_group_in).post(write_routes::create_group),
        )
        .route(
            "/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}",
            get(objects::read_group_in)
                .put(write_routes::replace_group)
                .patch(write_routes::patch_group)
                .delete(write_routes::delete_group),
        )
        .route(
            "/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}/{subresource}",
            get(write_routes::read_subresource)
                .put(write_routes::write_subresource)
                .patch(write_routes::write_subresource),
        )
        .fallback(|| async { status::KubeError::no_such_path() })
        .layer(axum::middleware::from_fn(write::json_only))
        .layer(axum::middleware::from_fn_with_state(api.clone(), authz::authorize))
        .layer(axum::middleware::from_fn_with_state(api.clone(), authn::admit))
        .with_state(api)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod allow_list_tests {
    use super::*;

    fn access(ips: &[&str]) -> ClusterAccess {
        let ip_restrictions = ips.iter().map(|s| s.to_string()).collect();
        ClusterAccess { id: "c".into(), authority_pem: String::new(), oidc: None, ip_restrictions }
    }

    #[test]
    fn ipv6_callers_are_kept_out_by_any_restriction() {
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert!(access(&[]).allows(v6));
        assert!(!access(&["203.0.113.0/24"]).allows(v6));
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert!(access(&["203.0.113.0/24"]).allows(mapped));
        assert!(!access(&["203.0.113.0/24"]).allows("127.0.0.1".parse().unwrap()));
    }
}
