//! The client against the emulator over real HTTP: signing, time offset, typed calls, retries of
//! idempotent calls only, and the provider's errors kept whole.

mod common;

use model::id::ClusterId;
use std::time::Duration;

use common::{PROJECT, spawn_emulator};
use provider::api::{
    ClusterCreation, ClusterUpdate, GatewayCreation, NetworkCreation, NodePoolCreation, NodePoolSizing,
    SubnetCreation,
};
use provider::client::{Client, ClientConfig, Credentials};

fn client(url: &str, secret: &str) -> Client {
    client_with_attempts(url, secret, 5)
}

fn client_with_attempts(url: &str, secret: &str, attempts: u32) -> Client {
    let credentials = Credentials::Application {
        application_key: "ak".into(),
        application_secret: secret.into(),
        consumer_key: "ck".into(),
    };
    let mut config = ClientConfig::new(format!("{url}/1.0"), credentials);
    config.backoff = Duration::from_millis(5);
    config.max_attempts = attempts;
    config.rate_per_second = 0.0;
    Client::new(config).unwrap()
}

async fn admin(url: &str, method: &str, path: &str, body: &str) {
    let request = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{url}{path}"))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    assert!(request.send().await.unwrap().status().is_success());
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_calls_create_read_and_change_clusters_and_pools() {
    let (_emulator, url) = spawn_emulator().await;
    let client = client(&url, "as");
    assert!(client.regions(PROJECT).await.unwrap().contains(&"GRA11".to_string()));
    let creation =
        ClusterCreation { region: "GRA11".into(), name: Some("typed".into()), ..Default::default() };
    let created = client.create_cluster(PROJECT, &creation).await.unwrap();
    assert_eq!(client.list_clusters(PROJECT).await.unwrap()[0].id, created.id);
    admin(&url, "POST", "/emulator/clock/advance", r#"{"seconds":600}"#).await;

    client
        .update_cluster(
            PROJECT,
            &ClusterId::new(&created.id),
            &ClusterUpdate { name: Some("renamed".into()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(client.get_cluster(PROJECT, &ClusterId::new(&created.id)).await.unwrap().name, "renamed");

    let pool = NodePoolCreation {
        flavor_name: "b3-8".into(),
        name: Some("workers".into()),
        sizing: NodePoolSizing { desired_nodes: Some(3), ..Default::default() },
        ..Default::default()
    };
    client.create_node_pool(PROJECT, &ClusterId::new(&created.id), &pool).await.unwrap();
    assert_eq!(
        client.list_node_pools(PROJECT, &ClusterId::new(&created.id)).await.unwrap()[0].desired_nodes,
        3
    );
    // More nodes than one page: the client follows the cursor.
    assert_eq!(client.list_nodes(PROJECT, &ClusterId::new(&created.id)).await.unwrap().len(), 3);

    admin(&url, "POST", "/emulator/clock/advance", r#"{"seconds":600}"#).await;
    let ips = client
        .replace_ip_restrictions(PROJECT, &ClusterId::new(&created.id), vec!["203.0.113.0/24".into()])
        .await
        .unwrap();
    assert_eq!(ips, vec!["203.0.113.0/24".to_string()]);
    admin(&url, "POST", "/emulator/clock/advance", r#"{"seconds":600}"#).await;
    client.remove_ip_restriction(PROJECT, &ClusterId::new(&created.id), "203.0.113.0/24").await.unwrap();
    assert!(
        client
            .kubeconfig(PROJECT, &ClusterId::new(&created.id))
            .await
            .unwrap()
            .content
            .contains("client-certificate-data")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotent_calls_survive_server_errors_and_posts_are_not_repeated() {
    let (emulator, url) = spawn_emulator().await;
    // 30 % of GETs fail; with 12 tries a call fails only with probability 0.3^12 ≈ 5e-7.
    let client = client_with_attempts(&url, "as", 12);
    admin(&url, "PUT", "/emulator/faults", r#"[{"method":"GET","status":503,"rate":0.3}]"#).await;
    for _ in 0..20 {
        client.list_clusters(PROJECT).await.expect("retried until it got through");
    }

    admin(&url, "PUT", "/emulator/faults", r#"[{"method":"POST","status":500}]"#).await;
    let creation = ClusterCreation { region: "GRA11".into(), ..Default::default() };
    let before = emulator.answered();
    let refused = client.create_cluster(PROJECT, &creation).await.unwrap_err();
    assert_eq!(emulator.answered() - before, 1, "a POST is sent once");
    assert_eq!(refused.status(), Some(500));
    assert!(refused.query_id().unwrap().starts_with("EMU."), "the provider's query id is kept");
    admin(&url, "DELETE", "/emulator/faults", "null").await;
    assert!(client.list_clusters(PROJECT).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_refusals_are_returned_whole_and_not_retried() {
    let (_emulator, url) = spawn_emulator().await;
    let client = client(&url, "as");
    let bad = ClusterCreation { region: "GRA11".into(), version: Some("1.29".into()), ..Default::default() };
    let error = client.create_cluster(PROJECT, &bad).await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.body().unwrap().class.as_deref(), Some("Client::BadRequest"));
    assert_eq!(error.to_string(), "the provider refused the call (400): Version 1.29 is not available");
    assert!(!error.is_retryable());

    let wrong = client_with_secret(&url).get_cluster(PROJECT, &ClusterId::new("x")).await.unwrap_err();
    assert!(wrong.is_signature_refusal());
    assert!(!format!("{wrong:?}").contains("wrong-secret"));
}

fn client_with_secret(url: &str) -> Client {
    client(url, "wrong-secret")
}

fn service_account(url: &str, secret: &str) -> Client {
    let credentials = Credentials::OAuth2 {
        token_url: format!("{url}/auth/oauth2/token"),
        client_id: "ak".into(),
        client_secret: secret.into(),
    };
    let mut config = ClientConfig::new(format!("{url}/1.0"), credentials);
    config.rate_per_second = 0.0;
    Client::new(config).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_account_gets_a_token_and_a_new_one_when_it_is_refused() {
    let (emulator, url) = spawn_emulator().await;
    let client = service_account(&url, "as");
    assert!(client.list_clusters(PROJECT).await.unwrap().is_empty());
    emulator.tokens.revoke_all();
    assert!(client.list_clusters(PROJECT).await.unwrap().is_empty(), "a new token is fetched once");

    let wrong = service_account(&url, "not-the-secret");
    let error = wrong.list_clusters(PROJECT).await.unwrap_err();
    assert!(error.to_string().contains("invalid_client"), "{error}");
    assert!(!error.to_string().contains("not-the-secret"));

    let stale =
        Client::new(ClientConfig::new(format!("{url}/1.0"), Credentials::Bearer("stale".into()))).unwrap();
    let error = stale.list_clusters(PROJECT).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert!(error.is_token_refusal());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limited_provider_answers_429_and_the_client_waits_its_turn() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = emulator::EmulatorConfig {
        speed: 0.0,
        rate_per_second: 2.0,
        ..emulator::EmulatorConfig::new(PROJECT, "ak", "as", "ck")
    };
    let url = emulator::serve(listener, config).unwrap().url;
    let once = client_with_attempts(&url, "as", 1);
    let answers: Vec<_> = list_times(&once, 3).await;
    let refused = answers.into_iter().find_map(Result::err).expect("the third call in a second is refused");
    assert_eq!(refused.status(), Some(429));
    assert_eq!(refused.body().map(|b| b.class.clone()), Some(Some("Client::TooManyRequests".to_string())));
    // A client that retries idempotent calls gets through once a token is earned.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let credentials = Credentials::Application {
        application_key: "ak".into(),
        application_secret: "as".into(),
        consumer_key: "ck".into(),
    };
    let mut config = ClientConfig::new(format!("{url}/1.0"), credentials);
    config.rate_per_second = 0.0;
    config.backoff = Duration::from_millis(300);
    let patient = Client::new(config).unwrap();
    for answer in list_times(&patient, 4).await {
        answer.expect("retried until the provider lets it through");
    }
}

/// `n` cluster listings one after the other.
async fn list_times(
    client: &Client,
    n: usize,
) -> Vec<Result<Vec<provider::api::Cluster>, provider::client::Error>> {
    let mut answers = Vec::new();
    for _ in 0..n {
        answers.push(client.list_clusters(PROJECT).await);
    }
    answers
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_calls_create_networks_subnets_and_gateways() {
    let (_emulator, url) = spawn_emulator().await;
    let client = client(&url, "as");
    let creation = NetworkCreation { name: "apps".into(), vlan_id: 20, regions: vec!["EU-WEST-PAR".into()] };
    let network = client.create_network(PROJECT, &creation).await.unwrap();
    let openstack = network.openstack_id("EU-WEST-PAR").unwrap().to_string();
    assert_eq!(network.openstack_id("GRA9"), None);
    let subnet = SubnetCreation {
        region: "EU-WEST-PAR".into(),
        network: "10.20.0.0/16".into(),
        start: "10.20.0.10".into(),
        end: "10.20.255.250".into(),
        dhcp: true,
        no_gateway: false,
    };
    let subnet = client.create_subnet(PROJECT, &network.id, &subnet).await.unwrap();
    assert_eq!(client.list_subnets(PROJECT, &network.id).await.unwrap(), vec![subnet.clone()]);
    let gateway = GatewayCreation { name: "apps-gw".into(), model: "s".into() };
    let operation =
        client.create_gateway(PROJECT, "EU-WEST-PAR", &openstack, &subnet.id, &gateway).await.unwrap();
    assert_eq!(client.cloud_operation(PROJECT, &operation.id).await.unwrap().id, operation.id);
    let gateways = client.list_gateways(PROJECT, "EU-WEST-PAR").await.unwrap();
    assert_eq!(Some(&gateways[0].id), operation.resource_id.as_ref());
    assert_eq!(gateways[0].interfaces[0].network_id, openstack);
    assert_eq!(client.list_networks(PROJECT).await.unwrap()[0].id, network.id);

    let refused = client.delete_network(PROJECT, &network.id).await.unwrap_err();
    assert_eq!(refused.status(), Some(409), "a gateway serves its subnet");
    client.delete_gateway(PROJECT, "EU-WEST-PAR", &gateways[0].id).await.unwrap();
    client.delete_subnet(PROJECT, &network.id, &subnet.id).await.unwrap();
    client.delete_network(PROJECT, &network.id).await.unwrap();
    assert!(client.list_networks(PROJECT).await.unwrap().is_empty());
}
