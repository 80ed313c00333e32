//! Trying a failed operation again: the same request queued anew (once, however often Retry is
//! pressed) and carried out; refused when the provider found the request itself wrong. Also the
//! request preview the wizard shows, which is the body the runner sends.

use chrono::Utc;
use model::operation::{OperationKind, OperationState};
use server::operations::store;
use server::services::ServiceError;

use crate::cloud::{Cloud, PROJECT, SERVICE, alice, drive, runner, spec};

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_creation_is_queued_again_once_and_then_carried_out() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let services = app.services();
    let first = services.create_cluster(PROJECT, &alice(), &spec("again"), None).await.unwrap().operation_id;
    // As if the provider had kept failing: the runner gave up with a server error.
    let error = Some(("Server::InternalServerError", "Internal server error", Some("EMU.1")));
    store::finish(&app.db, &first, OperationState::Failed, error, Utc::now()).await.unwrap();

    let bob = server::services::Actor { username: "bob".into(), address: None, token: None };
    let retried = services.retry(PROJECT, &bob, &first).await.unwrap();
    assert!(retried.new);
    let again = services.retry(PROJECT, &bob, &first).await.unwrap();
    assert_eq!((again.operation_id.clone(), again.new), (retried.operation_id.clone(), false));

    let view = services.operation(PROJECT, &retried.operation_id).await.unwrap();
    assert_eq!((view.kind, view.actor.as_str()), (Some(OperationKind::CreateCluster), "bob"));
    assert_eq!(view.target_name.as_deref(), Some("again"));
    drive(&cloud, &[&runner(&app, "r1")], Utc::now(), 30).await;
    let view = services.operation(PROJECT, &retried.operation_id).await.unwrap();
    assert_eq!(view.state, OperationState::Succeeded, "{view:?}");
    let clusters = cloud.client.list_clusters(SERVICE).await.unwrap();
    assert_eq!(clusters.iter().filter(|c| c.name == "again").count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_the_provider_found_wrong_is_not_retried() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let services = app.services();
    let first = services.create_cluster(PROJECT, &alice(), &spec("wrong"), None).await.unwrap().operation_id;
    let error = Some(("Client::BadRequest", "Version 1.29 is not available", Some("EMU.2")));
    store::finish(&app.db, &first, OperationState::Failed, error, Utc::now()).await.unwrap();
    assert!(matches!(services.retry(PROJECT, &alice(), &first).await, Err(ServiceError::Conflict(_))));

    let running = services.create_cluster(PROJECT, &alice(), &spec("running"), None).await.unwrap();
    assert!(matches!(
        services.retry(PROJECT, &alice(), &running.operation_id).await,
        Err(ServiceError::Conflict(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_request_preview_is_the_body_the_runner_sends() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let request = app.services().creation_request(PROJECT, &spec("preview")).unwrap();
    assert_eq!(request.method, "POST");
    assert!(request.url.ends_with(&format!("/1.0/cloud/project/{SERVICE}/kube")), "{}", request.url);
    let body: provider::api::ClusterCreation = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body, provider::api::ClusterCreation::from(&spec("preview")));
    assert_eq!(body.nodepools.as_ref().map(Vec::len), Some(2));
}
