//! Who can do what inside a cluster: the mapping checked against the cluster's namespaces,
//! applied as role bindings by the runner through the emulated API server, its drift after
//! changes made with the real kubectl, and "Restore".

use chrono::Utc;
use model::id::ClusterId;
use model::rbac::{AccessMapping, BuiltInRole, Drift, GroupAccess};
use server::projects::RoleGroups;
use server::services::ServiceError;

use crate::cloud::{Cloud, PROJECT, alice, runner};
use crate::helpers::{count, scalar};
use crate::workloads::{cluster, kubectl};

fn access(group: &str, role: BuiltInRole, namespaces: &[&str]) -> GroupAccess {
    GroupAccess { group: group.into(), role, namespaces: namespaces.iter().map(|n| n.to_string()).collect() }
}

#[tokio::test]
async fn a_mapping_is_checked_applied_and_restored_after_drift() {
    let cloud = Cloud::start().await;
    let id = cluster(&cloud).await;
    let groups = RoleGroups {
        admin: vec!["admins".into()],
        operator: vec!["operators".into()],
        viewer: vec!["viewers".into()],
        ..RoleGroups::default()
    };
    let app = crate::helpers::TestApp::with_projects(cloud.projects_with(groups)).await;
    let services = app.services();
    let cluster_id = ClusterId::new(&id);
    let dir = tempfile::tempdir().unwrap();

    let shown = services.in_cluster_access(PROJECT, &cluster_id, vec!["admins".into()]).await.unwrap();
    assert_eq!((shown.saved.as_ref(), shown.drift.len(), shown.unreadable.as_deref()), (None, 0, None));
    assert!(shown.namespaces.contains(&"kube-system".to_string()), "{:?}", shown.namespaces);
    assert_eq!(
        shown.default_mapping.groups,
        [
            access("admins", BuiltInRole::ClusterAdmin, &[]),
            access("operators", BuiltInRole::Edit, &[]),
            access("viewers", BuiltInRole::View, &[]),
        ]
    );

    // A namespace the cluster does not have, and a group twice: refused at their fields, nothing kept.
    let wrong = AccessMapping {
        groups: vec![access("devs", BuiltInRole::Edit, &["nowhere"]), access("devs", BuiltInRole::View, &[])],
    };
    let refused = services.set_cluster_access(PROJECT, &alice(), &cluster_id, &wrong, "oidc:", None).await;
    let Err(ServiceError::Invalid(errors)) = refused else { panic!("{refused:?}") };
    assert_eq!(
        errors.message_for("groups.0.namespaces"),
        Some("There is no namespace \"nowhere\" in this cluster.")
    );
    assert!(errors.message_for("groups.1.group").unwrap().contains("devs is mapped already"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cluster_access").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM operations").await, 0);

    let mapping = AccessMapping {
        groups: vec![
            access("admins", BuiltInRole::ClusterAdmin, &[]),
            access("devs", BuiltInRole::Edit, &["default"]),
        ],
    };
    services.set_cluster_access(PROJECT, &alice(), &cluster_id, &mapping, "oidc:", None).await.unwrap();
    let runner = runner(&app, "r1");
    runner.run_once(Utc::now()).await.unwrap();
    assert_eq!(scalar(&app, "SELECT state FROM operations").await, "succeeded");
    assert_eq!(
        scalar(&app, "SELECT detail FROM operation_steps WHERE name = 'apply_bindings'").await,
        "2 bindings in place: 2 created, 0 replaced, 0 as it was; 0 removed"
    );
    let bindings = kubectl(&cloud, &id, dir.path(), &["get", "clusterrolebindings", "-o", "wide"]).await;
    let admins = bindings
        .lines()
        .find(|l| l.starts_with("pilothouse:admins "))
        .unwrap_or_else(|| panic!("{bindings}"));
    assert!(admins.contains("ClusterRole/cluster-admin") && admins.contains("oidc:admins"), "{admins}");
    let shown = services.in_cluster_access(PROJECT, &cluster_id, vec!["devs".into()]).await.unwrap();
    assert!(shown.drift.is_empty(), "{:?}", shown.drift);
    assert_eq!(shown.saved.as_ref().unwrap().groups_prefix, "oidc:");
    assert_eq!(shown.saved.as_ref().unwrap().updated_by, "alice");
    assert_eq!(shown.your_rights(), [access("devs", BuiltInRole::Edit, &["default"])]);

    // Deleted and changed with kubectl: both show, and "Restore" puts them back.
    kubectl(&cloud, &id, dir.path(), &["delete", "clusterrolebinding", "pilothouse:admins"]).await;
    let patch =
        r#"{"subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"oidc:everyone"}]}"#;
    kubectl(
        &cloud,
        &id,
        dir.path(),
        &["patch", "rolebinding", "pilothouse:devs", "-n", "default", "--type=merge", "-p", patch],
    )
    .await;
    let shown = services.in_cluster_access(PROJECT, &cluster_id, Vec::new()).await.unwrap();
    assert_eq!(shown.drift.len(), 2, "{:?}", shown.drift);
    assert!(matches!(&shown.drift[0], Drift::Missing { binding } if binding.name == "pilothouse:admins"));
    assert_eq!(
        shown.drift[1].describe(),
        "RoleBinding default/pilothouse:devs was changed: it grants edit to oidc:everyone, not edit to oidc:devs."
    );
    services.restore_cluster_access(PROJECT, &alice(), &cluster_id, None).await.unwrap();
    runner.run_once(Utc::now()).await.unwrap();
    let shown = services.in_cluster_access(PROJECT, &cluster_id, Vec::new()).await.unwrap();
    assert!(shown.drift.is_empty(), "{:?}", shown.drift);

    // A smaller mapping removes the bindings it no longer has.
    let smaller = AccessMapping { groups: vec![access("admins", BuiltInRole::ClusterAdmin, &[])] };
    services.set_cluster_access(PROJECT, &alice(), &cluster_id, &smaller, "oidc:", None).await.unwrap();
    runner.run_once(Utc::now()).await.unwrap();
    let left = kubectl(
        &cloud,
        &id,
        dir.path(),
        &["get", "rolebindings", "-A", "-l", "app.kubernetes.io/managed-by=pilothouse", "-o", "name"],
    )
    .await;
    assert!(left.trim().is_empty(), "{left}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_events WHERE action = 'operation.set_cluster_access' AND outcome = 'succeeded'").await,
        3,
        "two mappings applied and one restore, each requested and then succeeded"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events WHERE outcome = 'requested'").await, 3);
}
