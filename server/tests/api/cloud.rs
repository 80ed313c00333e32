//! `Cloud`: the provider emulator on a free port with a stopped virtual clock, as the console's
//! project `default`; and `drive`, which moves runners and the clock along together.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use emulator::Emulator;
use emulator::fault::Fault;
use emulator::local::Local;
use model::cluster_spec::ClusterSpec;
use model::node_pool::NodePoolSpec;
use model::plan::Plan;
use model::version::{DEFAULT_MINOR, KubeProxyMode, UpdatePolicy};
use provider::client::Client;
use server::operations::runner::Runner;
use server::projects::{Project, Projects, RoleGroups};
use server::services::Actor;

use crate::helpers::TestApp;

pub const SERVICE: &str = emulator::local::PROJECT;
pub const PROJECT: &str = "default";

pub struct Cloud {
    pub emulator: Arc<Emulator>,
    pub client: Arc<Client>,
}

impl Cloud {
    pub async fn start() -> Self {
        let Local { emulator, client, .. } = Local::start(0.0).await;
        Self { emulator, client }
    }

    pub fn projects(&self) -> Projects {
        self.projects_with(RoleGroups::default())
    }

    /// The project, its roles given to `groups`.
    pub fn projects_with(&self, groups: RoleGroups) -> Projects {
        Projects::from_list(vec![Project {
            id: PROJECT.into(),
            name: "Test".into(),
            service_name: SERVICE.into(),
            client: self.client.clone(),
            groups,
        }])
    }

    /// A console acting in this cloud.
    pub async fn app(&self) -> TestApp {
        TestApp::with_projects(self.projects()).await
    }

    pub fn advance(&self, seconds: u64) {
        self.emulator.clock.advance(Duration::from_secs(seconds));
    }

    pub fn set_faults(&self, faults: Vec<Fault>) {
        self.emulator.set_faults(faults);
    }
}

pub fn alice() -> Actor {
    Actor { username: "alice".into(), address: Some("127.0.0.1".into()), token: None }
}

/// A runner of `app` named `owner`, polling every 5 s (of the tests' own time).
pub fn runner(app: &TestApp, owner: &str) -> Runner {
    Runner {
        owner: owner.into(),
        ..Runner::new(app.db.clone(), app.projects.clone(), Duration::from_secs(5))
    }
}

pub fn later(now: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    now + chrono::Duration::seconds(seconds)
}

/// Runs `runners` in turn and moves the provider's clock and the runners' time on by a minute
/// at each round, until nothing is left to run or `rounds` have passed; returns the time reached.
pub async fn drive(
    cloud: &Cloud,
    runners: &[&Runner],
    mut now: DateTime<Utc>,
    rounds: usize,
) -> DateTime<Utc> {
    for _ in 0..rounds {
        for runner in runners {
            while runner.run_once(now).await.unwrap().is_some() {}
        }
        cloud.advance(60);
        now = later(now, 60);
    }
    now
}

pub fn pool(name: &str, nodes: u32) -> NodePoolSpec {
    NodePoolSpec { name: name.into(), flavor_name: "b3-8".into(), desired_nodes: nodes, ..Default::default() }
}

/// A Free cluster in GRA11 with two pools.
pub fn spec(name: &str) -> ClusterSpec {
    ClusterSpec {
        name: name.into(),
        region: "GRA11".into(),
        plan: Plan::Free,
        version: DEFAULT_MINOR,
        update_policy: UpdatePolicy::AlwaysUpdate,
        kube_proxy_mode: KubeProxyMode::Iptables,
        private_network: None,
        ip_allocation_policy: None,
        api_allow_list: Vec::new(),
        node_pools: vec![pool("general", 2), pool("batch", 1)],
    }
}
