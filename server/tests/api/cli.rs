//! Clusters as code end to end: the real `pilothouse cli` binary against a console on a socket
//! (with its runner, its catalog and the emulator) exports a cluster as a template and creates
//! an equal one from it, scales a pool, writes a kubeconfig and follows operations; and the
//! Terraform shown for the cluster parses as HCL (PyPI python-hcl2) and names the provider's
//! resources and attributes.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::cloud::{PROJECT, pool, spec};
use crate::helpers::TestApp;
use crate::rest::{Running, finished};
use crate::tokens::api;

/// Serves `app` on a loopback port; its base URL.
async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router(false).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// Runs `pilothouse cli <args>` with its configuration in `home`.
async fn cli(home: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .arg("cli")
        .args(args)
        .env_clear()
        .env("XDG_CONFIG_HOME", home)
        .env("HOME", home)
        .output()
        .await
        .unwrap()
}

fn succeeded(output: &Output) -> String {
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    stdout.into_owned()
}

/// A cluster with non-default settings everywhere a template carries them.
fn original() -> Value {
    let mut general = pool("general", 2);
    general.autoscale = true;
    general.min_nodes = 1;
    general.max_nodes = 4;
    general.template.labels.insert("team".into(), "shop".into());
    general.template.taints.push(model::metadata::Taint {
        key: "dedicated".into(),
        value: "web".into(),
        effect: model::metadata::TaintEffect::NoSchedule,
    });
    let mut cluster = spec("original");
    cluster.update_policy = model::version::UpdatePolicy::MinimalDowntime;
    cluster.api_allow_list = vec!["203.0.113.0/24".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
    cluster.node_pools = vec![general, pool("batch", 1)];
    serde_json::to_value(cluster).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exported_template_recreates_an_equal_cluster_through_the_cli() {
    let running = Running::start("cli").await;
    let (app, token) = (&running.app, &running.token);
    let url = serve(app).await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();

    // The original, made through the API with its allow-list.
    let created =
        api(app, "POST", &format!("/api/v1/projects/{PROJECT}/clusters"), token, Some(original())).await;
    assert_eq!(finished(app, token, &created).await["state"], "succeeded");

    // Signing in keeps the token in a file only its owner reads.
    let login = tokio::process::Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .args(["cli", "login", "--url", &url])
        .env_clear()
        .env("XDG_CONFIG_HOME", dir)
        .env("PILOTHOUSE_TOKEN", token)
        .output()
        .await
        .unwrap();
    succeeded(&login);
    let kept = dir.join("pilothouse/cli.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777, 0o600);

    // Export, then create a copy from the template and wait for it.
    let template = succeeded(&cli(dir, &["clusters", "export", "original"]).await);
    let file = dir.join("template.json");
    std::fs::write(&file, &template).unwrap();
    let create =
        cli(dir, &["clusters", "create", "-f", file.to_str().unwrap(), "--name", "copy", "--wait"]).await;
    let created = succeeded(&create);
    assert!(created.contains("succeeded"), "{created}");

    // The copy is the original but for its name.
    let copy: Value =
        serde_json::from_str(&succeeded(&cli(dir, &["clusters", "export", "copy"]).await)).unwrap();
    let mut expected: Value = serde_json::from_str(&template).unwrap();
    expected["name"] = json!("copy");
    assert_eq!(copy, expected);
    assert_eq!(expected["updatePolicy"], "MINIMAL_DOWNTIME");
    assert_eq!(expected["apiAllowList"], json!(["203.0.113.0/24", "127.0.0.1/32"]));
    let general = expected["nodePools"].as_array().unwrap().iter().find(|p| p["name"] == "general").unwrap();
    assert_eq!(general["template"]["taints"][0]["key"], "dedicated");
    let listed: Value =
        serde_json::from_str(&succeeded(&cli(dir, &["-o", "json", "clusters", "list"]).await)).unwrap();
    assert_eq!(listed["rows"].as_array().unwrap().len(), 2, "{listed}");
    let table = succeeded(&cli(dir, &["clusters", "list"]).await);
    assert!(table.starts_with("ID") && table.contains("copy"), "{table}");

    // A pool scaled by name, followed to its end; then its kubeconfig.
    succeeded(&cli(dir, &["pools", "scale", "copy", "batch", "3", "--wait"]).await);
    let pools: Value =
        serde_json::from_str(&succeeded(&cli(dir, &["-o", "json", "pools", "list", "copy"]).await)).unwrap();
    let batch = pools.as_array().unwrap().iter().find(|p| p["spec"]["name"] == "batch").unwrap();
    assert_eq!(batch["spec"]["desiredNodes"], 3);
    let kubeconfig = dir.join("copy.yaml");
    succeeded(&cli(dir, &["kubeconfig", "copy", "-f", kubeconfig.to_str().unwrap()]).await);
    assert!(std::fs::read_to_string(&kubeconfig).unwrap().contains("client-key-data"));
    assert_eq!(std::fs::metadata(&kubeconfig).unwrap().permissions().mode() & 0o777, 0o600);

    // `wait` on an operation already ended, and a refusal in the console's words.
    let operations: Value =
        serde_json::from_str(&succeeded(&cli(dir, &["-o", "json", "clusters", "get", "copy"]).await))
            .unwrap();
    assert_eq!(operations["name"], "copy");
    let id = created.split_whitespace().nth(1).unwrap().to_string();
    succeeded(&cli(dir, &["wait", &id]).await);
    let refused = cli(dir, &["clusters", "delete", "copy", "--confirm", "wrong"]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("422"), "{refused:?}");

    // The Terraform parses as HCL and names the provider's resources and attributes.
    let terraform = succeeded(&cli(dir, &["clusters", "terraform", "original"]).await);
    let hcl = dir.join("main.tf");
    std::fs::write(&hcl, &terraform).unwrap();
    let parse = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/hcl_to_json.py");
    let parsed =
        tokio::process::Command::new("python3").args([parse, hcl.to_str().unwrap()]).output().await.unwrap();
    let parsed: Value = serde_json::from_str(&succeeded(&parsed)).expect("python-hcl2 reads it");
    let resources = parsed["resource"].as_array().unwrap();
    // Every resource of `kind`, by name.
    let find = |kind: &str| {
        let mut all = serde_json::Map::new();
        for named in resources.iter().filter_map(|r| r.get(kind)) {
            all.extend(named.as_object().unwrap().clone());
        }
        assert!(!all.is_empty(), "{kind}: {terraform}");
        Value::Object(all)
    };
    let cluster = &find("ovh_cloud_project_kube")["original"];
    assert_eq!(cluster["region"], "GRA11");
    assert_eq!(cluster["update_policy"], "MINIMAL_DOWNTIME");
    assert_eq!(cluster["plan"], "free");
    let pools = find("ovh_cloud_project_kube_nodepool");
    assert_eq!(pools["general"]["flavor_name"], "b3-8");
    assert_eq!(pools["general"]["autoscale"], true);
    assert_eq!(pools["general"]["max_nodes"], 4);
    assert_eq!(
        find("ovh_cloud_project_kube_iprestrictions")["original"]["ips"],
        json!(["203.0.113.0/24", "127.0.0.1/32"])
    );
}
