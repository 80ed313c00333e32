//! The provider's official Python client (PyPI `ovh`), unchanged, against the emulator: it signs
//! requests its own way, so this proves the emulator verifies them as the provider does.

mod common;

use common::{PROJECT, spawn_emulator};

/// Points python-ovh at the emulator through its endpoint table, as testing-tools.md describes.
const SCRIPT: &str = r#"
import json, os, urllib.request, ovh
ovh.client.ENDPOINTS["pilothouse-emulator"] = os.environ["EMULATOR_URL"] + "/1.0"
client = ovh.Client(endpoint="pilothouse-emulator", application_key="ak",
                    application_secret="as", consumer_key="ck")
project = os.environ["PROJECT"]
created = client.post(f"/cloud/project/{project}/kube", name="from-python", region="GRA11", version="1.34")
listed = client.get(f"/cloud/project/{project}/kube")
fetched = client.get(f"/cloud/project/{project}/kube/{created['id']}")
flavors = client.get(f"/cloud/project/{project}/capabilities/kube/flavors", region="GRA11")
# Let the control plane finish installing (the emulator's admin API moves its clock).
urllib.request.urlopen(urllib.request.Request(os.environ["EMULATOR_URL"] + "/emulator/clock/advance",
    data=b'{"seconds": 600}', headers={"Content-Type": "application/json"}, method="POST"))
pool = client.post(f"/cloud/project/{project}/kube/{created['id']}/nodepool",
                   name="workers", flavorName="b3-16", desiredNodes=2, minNodes=1, maxNodes=4, autoscale=True)
pools = client.get(f"/cloud/project/{project}/kube/{created['id']}/nodepool")
kubeconfig = client.post(f"/cloud/project/{project}/kube/{created['id']}/kubeconfig")
try:
    client.get(f"/cloud/project/{project}/kube/no-such-cluster")
    missing = None
except ovh.exceptions.ResourceNotFoundError as error:
    missing = str(error)
bad = ovh.Client(endpoint="pilothouse-emulator", application_key="ak",
                 application_secret="wrong", consumer_key="ck")
try:
    bad.get(f"/cloud/project/{project}/kube")
    refused = None
except ovh.exceptions.APIError as error:
    refused = type(error).__name__
print(json.dumps({"created": created, "listed": listed, "fetched": fetched,
                  "flavors": [f["name"] for f in flavors], "pool": pool, "pools": pools,
                  "kubeconfig": kubeconfig["content"], "missing": missing, "refused": refused}))
"#;

/// Runs `script` against a fresh emulator; the JSON it prints.
async fn run(script: &str) -> serde_json::Value {
    let (_emulator, url) = spawn_emulator().await;
    let output = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .env("EMULATOR_URL", &url)
        .env("PROJECT", PROJECT)
        .output()
        .await
        .expect("python3 runs (scripts/install-tools installs PyPI ovh)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "python-ovh failed:\n{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn python_ovh_creates_clusters_and_pools_and_fetches_a_kubeconfig() {
    let result = run(SCRIPT).await;

    let id = result["created"]["id"].as_str().unwrap();
    assert_eq!(result["created"]["status"], "INSTALLING");
    assert_eq!(result["listed"], serde_json::json!([id]));
    assert_eq!(result["fetched"]["name"], "from-python");
    assert!(result["flavors"].as_array().unwrap().contains(&serde_json::json!("b3-16")));
    assert_eq!(result["pool"]["status"], "INSTALLING");
    assert_eq!(result["pools"][0]["name"], "workers");
    assert_eq!(result["pools"][0]["maxNodes"], 4);
    assert!(result["kubeconfig"].as_str().unwrap().contains("client-certificate-data: "));
    assert!(result["missing"].as_str().unwrap().contains("This cluster does not exist"));
    assert_eq!(result["refused"], "BadParametersError", "a wrong secret gives INVALID_SIGNATURE (400)");
}

/// The network calls as the provider's documentation and Terraform provider make them.
const NETWORK_SCRIPT: &str = r#"
import json, os, urllib.request, ovh
ovh.client.ENDPOINTS["pilothouse-emulator"] = os.environ["EMULATOR_URL"] + "/1.0"
client = ovh.Client(endpoint="pilothouse-emulator", application_key="ak",
                    application_secret="as", consumer_key="ck")
project = os.environ["PROJECT"]
network = client.post(f"/cloud/project/{project}/network/private", name="backend", vlanId=12, regions=["GRA9"])
subnet = client.post(f"/cloud/project/{project}/network/private/{network['id']}/subnet",
                     region="GRA9", network="192.168.12.0/24", start="192.168.12.10", end="192.168.12.200",
                     dhcp=True, noGateway=False)
openstack = network["regions"][0]["openstackId"]
operation = client.post(f"/cloud/project/{project}/region/GRA9/network/{openstack}/subnet/{subnet['id']}/gateway",
                        name="backend-gw", model="s")
urllib.request.urlopen(urllib.request.Request(os.environ["EMULATOR_URL"] + "/emulator/clock/advance",
    data=b'{"seconds": 600}', headers={"Content-Type": "application/json"}, method="POST"))
done = client.get(f"/cloud/project/{project}/operation/{operation['id']}")
print(json.dumps({"networks": client.get(f"/cloud/project/{project}/network/private"),
                  "subnets": client.get(f"/cloud/project/{project}/network/private/{network['id']}/subnet"),
                  "gateways": client.get(f"/cloud/project/{project}/region/GRA9/gateway"),
                  "operation": done}))
"#;

#[tokio::test(flavor = "multi_thread")]
async fn python_ovh_creates_networks_subnets_and_gateways() {
    let result = run(NETWORK_SCRIPT).await;

    assert_eq!(result["networks"][0]["vlanId"], 12);
    assert_eq!(result["networks"][0]["regions"][0]["region"], "GRA9");
    assert_eq!(result["subnets"][0]["cidr"], "192.168.12.0/24");
    assert_eq!(result["subnets"][0]["gatewayIp"], "192.168.12.1");
    assert_eq!(result["gateways"][0]["status"], "active");
    assert_eq!(result["gateways"][0]["interfaces"][0]["subnetId"], result["subnets"][0]["id"]);
    assert_eq!(result["operation"]["status"], "completed");
    assert_eq!(result["operation"]["resourceId"], result["gateways"][0]["id"]);
}
