//! Contract tests: the example payloads of provider-api.md §11 read into the wire types, and what
//! the types write carries exactly the provider's field names.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::*;

/// Reads `json` into `T` and writes it back.
fn reread<T: DeserializeOwned + Serialize>(json: &str) -> (T, Value) {
    let parsed: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let written = serde_json::to_value(&parsed).unwrap();
    (parsed, written)
}

/// Asserts that writing back gives the same document.
fn assert_exact<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let (parsed, written) = reread::<T>(json);
    assert_eq!(written, serde_json::from_str::<Value>(json).unwrap());
    parsed
}

/// Asserts that every field written exists in the example, and every non-null field of the
/// example is written: no invented names, none lost.
fn assert_same_fields(written: &Value, example: &Value, path: &str) {
    match (written, example) {
        (Value::Object(ours), Value::Object(theirs)) => {
            for (key, value) in ours {
                let Some(their) = theirs.get(key) else { panic!("{path}.{key} is not a provider field") };
                assert_same_fields(value, their, &format!("{path}.{key}"));
            }
            for (key, value) in theirs {
                assert!(value.is_null() || ours.contains_key(key), "{path}.{key} was lost");
            }
        }
        (Value::Array(ours), Value::Array(theirs)) => {
            for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
                assert_same_fields(a, b, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

const CREATE_CLUSTER: &str = r#"{
  "name": "demo-cluster", "region": "GRA11", "version": "1.34", "plan": "free",
  "updatePolicy": "MINIMAL_DOWNTIME", "kubeProxyMode": "iptables",
  "customization": {
    "apiServer": { "admissionPlugins": { "enabled": ["NodeRestriction"], "disabled": ["AlwaysPullImages"] } },
    "kubeProxy": { "iptables": { "minSyncPeriod": "PT1S", "syncPeriod": "PT30S" } }
  },
  "nodepools": [
    { "name": "workers", "flavorName": "b3-8", "desiredNodes": 3, "minNodes": 1, "maxNodes": 6, "autoscale": true }
  ]
}"#;

const CLUSTER: &str = r#"{
  "id": "5f1c2a9e-7d41-4c8a-9b3e-0a6d2f4e8c11", "name": "demo-cluster", "region": "GRA11", "plan": "free",
  "version": "1.34.2-1", "nextUpgradeVersions": ["1.35"], "status": "READY", "updatePolicy": "MINIMAL_DOWNTIME",
  "isUpToDate": true, "controlPlaneIsUpToDate": true, "url": "ab12cd.c1.gra.k8s.ovh.net",
  "nodesUrl": "ab12cd.nodes.c1.gra.k8s.ovh.net", "kubeProxyMode": "iptables",
  "customization": {
    "apiServer": { "admissionPlugins": { "enabled": ["NodeRestriction"], "disabled": ["AlwaysPullImages"] } },
    "kubeProxy": { "iptables": { "minSyncPeriod": "PT1S", "syncPeriod": "PT30S" }, "ipvs": null },
    "cilium": null
  },
  "ipAllocationPolicy": null, "privateNetworkId": null, "nodesSubnetId": null, "loadBalancersSubnetId": null,
  "privateNetworkConfiguration": null, "auditLogsSubscribed": false,
  "createdAt": "2026-01-05T09:12:44Z", "updatedAt": "2026-01-05T09:19:02Z"
}"#;

const CREATE_NODE_POOL: &str = r#"{
  "name": "gpu-pool", "flavorName": "b3-16", "desiredNodes": 2, "minNodes": 1, "maxNodes": 4, "autoscale": true,
  "autoscaling": { "scaleDownUnneededTimeSeconds": 900, "scaleDownUnreadyTimeSeconds": 1200, "scaleDownUtilizationThreshold": 0.6 },
  "antiAffinity": false, "monthlyBilled": false,
  "template": {
    "metadata": { "labels": { "team": "ml" }, "annotations": {}, "finalizers": [] },
    "spec": { "taints": [ { "key": "dedicated", "value": "ml", "effect": "NoSchedule" } ], "unschedulable": false }
  }
}"#;

const NODE_POOL: &str = r#"{
  "id": "d7c0e4b2-3a1f-4e2b-8c7d-91a5b6c4f203", "projectId": "0123456789abcdef0123456789abcdef",
  "name": "gpu-pool", "flavor": "b3-16", "status": "UPSCALING", "sizeStatus": "UNDER_CAPACITY",
  "autoscale": true, "monthlyBilled": false, "antiAffinity": false,
  "desiredNodes": 3, "minNodes": 1, "maxNodes": 4, "currentNodes": 3, "availableNodes": 2, "upToDateNodes": 3,
  "availabilityZones": null, "attachFloatingIps": { "enabled": false },
  "autoscaling": { "scaleDownUnneededTimeSeconds": 900, "scaleDownUnreadyTimeSeconds": 1200, "scaleDownUtilizationThreshold": 0.6 },
  "template": {
    "metadata": { "labels": { "team": "ml" }, "annotations": {}, "finalizers": [] },
    "spec": { "taints": [ { "key": "dedicated", "value": "ml", "effect": "NoSchedule" } ], "unschedulable": false }
  },
  "createdAt": "2026-01-05T10:00:00Z", "updatedAt": "2026-01-05T10:03:10Z"
}"#;

#[test]
fn cluster_creation_round_trips_exactly() {
    let creation: ClusterCreation = assert_exact(CREATE_CLUSTER);
    assert_eq!(creation.nodepools.unwrap()[0].flavor_name, "b3-8");
}

#[test]
fn cluster_reads_and_writes_the_providers_fields() {
    let (cluster, written) = reread::<Cluster>(CLUSTER);
    assert_eq!(cluster.status, model::status::Status::Ready);
    assert_eq!(cluster.next_upgrade_versions, Some(vec!["1.35".to_string()]));
    assert_same_fields(&written, &serde_json::from_str(CLUSTER).unwrap(), "cluster");
}

#[test]
fn node_pool_bodies_match_the_examples() {
    let creation: NodePoolCreation = assert_exact(CREATE_NODE_POOL);
    assert_eq!(creation.template.unwrap().spec.taints[0].key, "dedicated");
    let (pool, written) = reread::<NodePool>(NODE_POOL);
    assert_eq!((pool.current_nodes, pool.available_nodes), (3, 2));
    assert_eq!(pool.size_status, model::status::SizeStatus::UnderCapacity);
    assert_same_fields(&written, &serde_json::from_str(NODE_POOL).unwrap(), "nodePool");
    let update: NodePoolUpdate = assert_exact(
        r#"{ "desiredNodes": 2, "nodesToRemove": ["openstack:///3b9e1c6a-55f0-4f6e-a1de-2c7f0b9d8e44"] }"#,
    );
    assert_eq!(update.sizing.desired_nodes, Some(2));
}

#[test]
fn small_bodies_match_the_examples() {
    assert_exact::<OpenIdConnect>(
        r#"{ "issuerUrl": "https://idp.example.com/realms/ops", "clientId": "mks-demo", "usernameClaim": "email",
             "usernamePrefix": "oidc:", "groupsClaim": ["groups"], "groupsPrefix": "oidc:",
             "requiredClaim": ["aud=mks-demo"], "signingAlgorithms": ["RS256"], "caContent": null }"#,
    );
    assert_exact::<IpRestrictionUpsert>(r#"{ "ips": ["198.51.100.0/24", "203.0.113.7/32"] }"#);
    assert_exact::<IpRestrictionUpsert>(r#"{ "ips": [] }"#);
    assert_exact::<Kubeconfig>(r#"{ "content": "apiVersion: v1\nkind: Config\n" }"#);
    assert_exact::<UpdateCreation>(r#"{ "strategy": "NEXT_MINOR" }"#);
    assert_exact::<ResetCreation>(r#"{ "version": "1.34", "workerNodesPolicy": "reinstall" }"#);
    assert_exact::<EtcdUsage>(r#"{ "quota": 419430400, "usage": 1048576 }"#);
}

#[test]
fn both_error_shapes_read_and_write_back() {
    let current: ApiErrorBody =
        assert_exact(r#"{ "class": "Client::BadRequest", "message": "availabilityZones is mandatory" }"#);
    assert_eq!(current, ApiErrorBody::class("Client::BadRequest", "availabilityZones is mandatory"));
    let auth: ApiErrorBody = assert_exact(
        r#"{ "errorCode": "NOT_GRANTED_CALL", "httpCode": "403 Forbidden", "message": "This call has not been granted" }"#,
    );
    assert_eq!(
        auth,
        ApiErrorBody::auth("NOT_GRANTED_CALL", "403 Forbidden", "This call has not been granted")
    );
}

#[test]
fn unknown_fields_and_values_are_tolerated() {
    let newer =
        CLUSTER.replacen("\"status\": \"READY\"", "\"status\": \"HIBERNATING\", \"shinyNewField\": 1", 1);
    let cluster: Cluster = serde_json::from_str(&newer).unwrap();
    assert_eq!(cluster.status, model::status::Status::Other("HIBERNATING".into()));
    let sparse: NodePool = serde_json::from_str(r#"{ "id": "p", "status": "READY" }"#).unwrap();
    assert_eq!(sparse.max_nodes, 0);
}
