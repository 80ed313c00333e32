//! Authorisation in the emulated clusters, driven with the real kubectl: the default roles,
//! bindings applied and deleted, requests allowed or refused in kube-apiserver's words,
//! `kubectl auth can-i` (and `--list`), and impersonation (`--as`, `--as-group`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::kube_api::{Cluster, kubectl};

const BINDINGS: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: operators
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: oidc:operators
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: viewers
  namespace: default
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: oidc:viewers
";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
";

/// kubectl's exit status, stdout and stderr (`auth can-i` answers "no" on stdout, failing).
async fn run(kubeconfig: &Path, args: &[&str]) -> (bool, String, String) {
    let binary = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    let mut command = Command::new(&binary);
    command.arg("--kubeconfig").arg(kubeconfig).arg("--cache-dir").arg(kubeconfig.with_extension("cache"));
    command.args(args);
    let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.success(), text(output.stdout), text(output.stderr))
}

/// kubectl as `user` in `groups`, through the admin's right to impersonate.
async fn as_user(kubeconfig: &Path, user: &str, groups: &[&str], args: &[&str]) -> (bool, String, String) {
    let mut all = vec![format!("--as={user}")];
    all.extend(groups.iter().map(|g| format!("--as-group={g}")));
    all.extend(args.iter().map(|a| a.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    run(kubeconfig, &all).await
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[tokio::test]
async fn the_default_roles_are_there_and_aggregated() {
    let cluster = Cluster::start().await;
    let file = cluster.kubeconfig("admin.yaml").await;
    let roles = kubectl(&file, &["get", "clusterroles"]).await.unwrap();
    assert!(roles.starts_with("NAME"), "{roles}");
    assert!(roles.lines().next().unwrap().contains("CREATED AT"), "{roles}");
    for name in ["cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery"] {
        assert!(roles.lines().any(|l| l.split_whitespace().next() == Some(name)), "{name}: {roles}");
    }
    let view: Value =
        serde_json::from_str(&kubectl(&file, &["get", "clusterrole", "view", "-o", "json"]).await.unwrap())
            .unwrap();
    assert_eq!(
        view["aggregationRule"]["clusterRoleSelectors"][0]["matchLabels"]["rbac.authorization.k8s.io/aggregate-to-view"],
        "true"
    );
    let rules: Vec<model::rbac::PolicyRule> = serde_json::from_value(view["rules"].clone()).unwrap();
    assert_eq!(rules, model::rbac::BuiltInRole::View.rules());
    let bindings = kubectl(&file, &["get", "clusterrolebindings", "-o", "wide"]).await.unwrap();
    let admin =
        bindings.lines().find(|l| l.starts_with("cluster-admin ")).unwrap_or_else(|| panic!("{bindings}"));
    assert!(admin.contains("ClusterRole/cluster-admin") && admin.contains("system:masters"), "{bindings}");

    // A role of one's own that aggregates into view reaches edit and admin.
    let crontabs = write(
        cluster.dir.path(),
        "crontabs.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: crontabs-view\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: \"true\"\nrules:\n  - apiGroups: [stable.example.com]\n    resources: [crontabs]\n    verbs: [get, list, watch]\n",
    );
    assert_eq!(
        kubectl(&file, &["apply", "-f", &crontabs]).await.unwrap().trim(),
        "clusterrole.rbac.authorization.k8s.io/crontabs-view created"
    );
    let admin = kubectl(&file, &["get", "clusterrole", "admin", "-o", "json"]).await.unwrap();
    assert!(admin.contains("crontabs"), "{admin}");
}

#[tokio::test]
async fn bindings_decide_what_each_user_may_do() {
    let cluster = Cluster::start().await;
    let file = cluster.kubeconfig("admin.yaml").await;
    let deployment = write(cluster.dir.path(), "web.yaml", DEPLOYMENT);
    kubectl(&file, &["apply", "-f", &deployment]).await.unwrap();
    let node = kubectl(&file, &["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"]).await.unwrap();
    let bob = ("oidc:bob", ["oidc:operators"]);
    let vera = ("oidc:vera", ["oidc:viewers"]);
    let carol = ("oidc:carol", ["oidc:nobody"]);

    // Before any binding, nobody but the admin gets anything.
    let (ok, _, refused) = as_user(&file, bob.0, &bob.1, &["get", "pods", "-A"]).await;
    assert!(!ok);
    assert!(
        refused.contains("pods is forbidden: User \"oidc:bob\" cannot list resource \"pods\" in API group \"\" at the cluster scope"),
        "{refused}"
    );

    let bindings = write(cluster.dir.path(), "bindings.yaml", BINDINGS);
    let applied = kubectl(&file, &["apply", "-f", &bindings]).await.unwrap();
    assert!(applied.contains("clusterrolebinding.rbac.authorization.k8s.io/operators created"), "{applied}");
    assert!(applied.contains("rolebinding.rbac.authorization.k8s.io/viewers created"), "{applied}");
    let listed = kubectl(&file, &["get", "rolebindings", "-n", "default", "-o", "wide"]).await.unwrap();
    assert!(
        listed.lines().any(|l| l.starts_with("viewers ")
            && l.contains("ClusterRole/view")
            && l.contains("oidc:viewers")),
        "{listed}"
    );

    // The operator: every namespace's pods, scaling; not the nodes.
    let (ok, pods, _) = as_user(&file, bob.0, &bob.1, &["get", "pods", "-A"]).await;
    assert!(ok && pods.contains("kube-system") && pods.contains("web-"), "{pods}");
    let (ok, scaled, error) =
        as_user(&file, bob.0, &bob.1, &["scale", "deployment", "web", "--replicas=2"]).await;
    assert!(ok, "{error}");
    assert_eq!(scaled.trim(), "deployment.apps/web scaled");
    let (ok, _, refused) = as_user(&file, bob.0, &bob.1, &["delete", "node", &node]).await;
    assert!(!ok);
    assert!(
        refused.contains(&format!(
            "nodes \"{node}\" is forbidden: User \"oidc:bob\" cannot delete resource \"nodes\" in API group \"\" at the cluster scope"
        )),
        "{refused}"
    );
    let (_, answer, _) = as_user(&file, bob.0, &bob.1, &["auth", "can-i", "delete", "nodes"]).await;
    assert_eq!(answer.trim(), "no");
    let (ok, answer, _) =
        as_user(&file, bob.0, &bob.1, &["auth", "can-i", "list", "pods", "--all-namespaces"]).await;
    assert!(ok && answer.trim() == "yes", "{answer}");
    let (_, answer, _) = as_user(&file, bob.0, &bob.1, &["auth", "can-i", "create", "rolebindings"]).await;
    assert_eq!(answer.trim(), "no");
    let (_, answer, _) = as_user(&file, bob.0, &bob.1, &["auth", "can-i", "impersonate", "users"]).await;
    assert_eq!(answer.trim(), "no");

    // The viewer: reads in default only, changes nothing.
    let (ok, pods, error) = as_user(&file, vera.0, &vera.1, &["get", "pods", "-n", "default"]).await;
    assert!(ok && pods.contains("web-"), "{pods}{error}");
    let (ok, _, refused) =
        as_user(&file, vera.0, &vera.1, &["scale", "deployment", "web", "--replicas=3"]).await;
    assert!(!ok);
    assert!(
        refused.contains(
            "cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"default\""
        ),
        "{refused}"
    );
    let (ok, _, _) = as_user(&file, vera.0, &vera.1, &["get", "pods", "-n", "kube-system"]).await;
    assert!(!ok);

    // Someone in no mapped group: nothing, but they may ask.
    for args in [&["get", "pods"][..], &["get", "nodes"], &["get", "namespaces"]] {
        let (ok, _, refused) = as_user(&file, carol.0, &carol.1, args).await;
        assert!(!ok && refused.contains("is forbidden: User \"oidc:carol\""), "{refused}");
    }
    let (ok, list, error) = as_user(&file, carol.0, &carol.1, &["auth", "can-i", "--list"]).await;
    assert!(ok, "{error}");
    assert!(list.starts_with("Resources"), "{list}");
    assert!(list.contains("selfsubjectaccessreviews.authorization.k8s.io"), "{list}");
    assert!(!list.contains("pods"), "{list}");
    let (ok, list, _) = as_user(&file, bob.0, &bob.1, &["auth", "can-i", "--list"]).await;
    assert!(ok && list.lines().any(|l| l.starts_with("pods ") && l.contains("delete")), "{list}");
    assert!(!list.lines().any(|l| l.starts_with("nodes")), "{list}");
    let (ok, list, _) = run(&file, &["auth", "can-i", "--list"]).await;
    assert!(ok && list.lines().any(|l| l.starts_with("*.* ") && l.contains("[*]")), "{list}");

    // whoami shows whom the admin acts as.
    let (ok, who, _) = as_user(&file, bob.0, &bob.1, &["auth", "whoami"]).await;
    assert!(ok && who.contains("oidc:bob") && who.contains("oidc:operators"), "{who}");

    // A binding's role cannot change; deleting the binding takes the rights away.
    let moved = write(cluster.dir.path(), "moved.yaml", &BINDINGS.replace("name: edit", "name: view"));
    let refused = kubectl(&file, &["apply", "-f", &moved]).await.unwrap_err();
    assert!(refused.contains("cannot change roleRef"), "{refused}");
    let deleted = kubectl(&file, &["delete", "clusterrolebinding", "operators"]).await.unwrap();
    assert!(deleted.contains("\"operators\" deleted"), "{deleted}");
    let (ok, _, _) = as_user(&file, bob.0, &bob.1, &["get", "pods", "-A"]).await;
    assert!(!ok);
}

#[tokio::test]
async fn kubectls_typed_create_commands_make_roles_and_bindings() {
    let cluster = Cluster::start().await;
    let file = cluster.kubeconfig("admin.yaml").await;
    let made = [
        (
            &["create", "clusterrole", "pod-reader", "--verb=get,list", "--resource=pods,pods/log"][..],
            "clusterrole.rbac.authorization.k8s.io/pod-reader created",
        ),
        (
            &[
                "create",
                "role",
                "scaler",
                "-n",
                "default",
                "--verb=get,update",
                "--resource=deployments.apps/scale",
            ],
            "role.rbac.authorization.k8s.io/scaler created",
        ),
        (
            &["create", "rolebinding", "devs", "-n", "default", "--role=scaler", "--group=oidc:devs"],
            "rolebinding.rbac.authorization.k8s.io/devs created",
        ),
        (
            &["create", "clusterrolebinding", "readers", "--clusterrole=pod-reader", "--user=oidc:carol"],
            "clusterrolebinding.rbac.authorization.k8s.io/readers created",
        ),
    ];
    for (args, said) in made {
        assert_eq!(kubectl(&file, args).await.map(|out| out.trim().to_string()), Ok(said.to_string()));
    }
    let binding: Value = serde_json::from_str(
        &kubectl(&file, &["get", "rolebinding", "devs", "-n", "default", "-o", "json"]).await.unwrap(),
    )
    .unwrap();
    assert_eq!(
        binding["roleRef"],
        serde_json::json!({ "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "scaler" })
    );
    assert_eq!(binding["subjects"][0]["name"], "oidc:devs");

    // The bindings decide at once.
    let can = |user: &'static str, groups: &'static [&'static str], args: &'static [&'static str]| {
        let file = file.clone();
        async move { as_user(&file, user, groups, args).await.1.trim().to_string() }
    };
    assert_eq!(can("oidc:carol", &[], &["auth", "can-i", "list", "pods", "-A"]).await, "yes");
    assert_eq!(can("oidc:carol", &[], &["auth", "can-i", "delete", "pods"]).await, "no");
    assert_eq!(
        can(
            "oidc:dan",
            &["oidc:devs"],
            &["auth", "can-i", "update", "deployments.apps", "--subresource=scale"]
        )
        .await,
        "yes"
    );
    assert_eq!(
        can(
            "oidc:dan",
            &["oidc:devs"],
            &["auth", "can-i", "update", "deployments.apps", "--subresource=scale", "-n", "kube-system"]
        )
        .await,
        "no"
    );
}

#[tokio::test]
async fn a_namespace_admin_grants_only_what_they_hold() {
    let cluster = Cluster::start().await;
    let file = cluster.kubeconfig("admin.yaml").await;
    kubectl(
        &file,
        &["create", "rolebinding", "leads", "-n", "default", "--clusterrole=admin", "--group=oidc:leads"],
    )
    .await
    .unwrap();
    let lead = |args: &'static [&'static str]| {
        let file = file.clone();
        async move { as_user(&file, "oidc:lena", &["oidc:leads"], args).await }
    };

    // What admin holds in the namespace, she may hand on.
    let (made, out, err) =
        lead(&["create", "rolebinding", "devs", "-n", "default", "--clusterrole=edit", "--group=oidc:devs"])
            .await;
    assert!(made, "{err}");
    assert_eq!(out.trim(), "rolebinding.rbac.authorization.k8s.io/devs created");
    let (made, _, err) =
        lead(&["create", "role", "reader", "-n", "default", "--verb=get,list", "--resource=pods"]).await;
    assert!(made, "{err}");

    // Not more: cluster-admin's rules, or a verb on nodes, are refused in kube-apiserver's words.
    const ROOT: &[&str] = &[
        "create",
        "rolebinding",
        "root",
        "-n",
        "default",
        "--clusterrole=cluster-admin",
        "--group=oidc:devs",
    ];
    let (made, _, err) = lead(ROOT).await;
    assert!(!made);
    assert!(
        err.contains("rolebindings.rbac.authorization.k8s.io \"root\" is forbidden: user \"oidc:lena\" (groups=[\"oidc:leads\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:"),
        "{err}"
    );
    assert!(err.contains("{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}"), "{err}");
    let (made, _, err) =
        lead(&["create", "role", "nodes", "-n", "default", "--verb=delete", "--resource=nodes"]).await;
    assert!(!made);
    assert!(err.contains("{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"delete\"]}"), "{err}");
    assert!(
        kubectl(&file, &["get", "rolebinding", "root", "-n", "default"]).await.is_err(),
        "nothing was made"
    );

    // With the `bind` verb on a role, binding it needs no more.
    let bind = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: bind-cluster-admin\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [clusterroles]\n    resourceNames: [cluster-admin]\n    verbs: [bind]\n";
    let bind = write(cluster.dir.path(), "bind.yaml", bind);
    kubectl(&file, &["apply", "-f", &bind]).await.unwrap();
    kubectl(
        &file,
        &[
            "create",
            "rolebinding",
            "binders",
            "-n",
            "default",
            "--clusterrole=bind-cluster-admin",
            "--group=oidc:leads",
        ],
    )
    .await
    .unwrap();
    let (made, _, err) = lead(ROOT).await;
    assert!(made, "{err}");
}
