//! Benchmark of the operations path: N clusters with two pools each, submitted through the
//! services and carried out by the runner against the in-process emulator at instant speed.
//! Prints operations per second, p50/p99 from submit to done, and the peak resident memory.
//!
//! `cargo run --release -p server --example bench_operations -- [clusters] [runners]`
//! (defaults 200 and 1); on PostgreSQL when `BENCH_DATABASE_URL` is set, else SQLite.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use emulator::local::{Local, PROJECT as SERVICE};
use model::cluster_spec::ClusterSpec;
use model::node_pool::NodePoolSpec;
use model::operation::OperationState;
use model::plan::Plan;
use model::version::{DEFAULT_MINOR, KubeProxyMode, UpdatePolicy};
use server::db::Db;
use server::operations::runner::Runner;
use server::operations::store;
use server::projects::{Project, Projects};
use server::services::{Actor, Services};
use tokio::sync::Notify;

fn spec(i: usize) -> ClusterSpec {
    let pool = |name: &str, nodes| NodePoolSpec {
        name: name.into(),
        flavor_name: "b3-8".into(),
        desired_nodes: nodes,
        ..Default::default()
    };
    ClusterSpec {
        name: format!("bench-{i}"),
        region: "GRA11".into(),
        plan: Plan::Standard,
        version: DEFAULT_MINOR,
        update_policy: UpdatePolicy::AlwaysUpdate,
        kube_proxy_mode: KubeProxyMode::Iptables,
        private_network: None,
        ip_allocation_policy: None,
        api_allow_list: Vec::new(),
        node_pools: vec![pool("general", 2), pool("batch", 1)],
    }
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let clusters: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(200);
    let runners: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1);

    // Instant: a cluster's six minutes pass in well under a millisecond.
    let Local { client, .. } = Local::start(1e7).await;
    let projects = Projects::from_list(vec![Project {
        id: "default".into(),
        name: "Bench".into(),
        service_name: SERVICE.into(),
        client,
        groups: Default::default(),
    }]);

    let data = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").ok();
    let db = Db::connect(url.as_deref(), data.path(), 10).await?;
    db.migrate().await?;
    let wake = Arc::new(Notify::new());
    let services = Services {
        db: db.clone(),
        projects: projects.clone(),
        wake: wake.clone(),
        issuers: Default::default(),
        audit_throttle: Default::default(),
        catalog: server::catalog::Catalog::new(db.clone(), &projects, Default::default()),
        caches: Default::default(),
        price_subsidiary: None,
        notifier: Arc::new(server::notifications::Notifier::new(
            server::notifications::crypto::Keyring::new(None, data.path()),
            None,
            Duration::from_secs(30),
            None,
            true,
        )),
    };
    let mut tasks = Vec::new();
    for _ in 0..runners {
        let runner = Runner {
            wake: wake.clone(),
            ..Runner::new(db.clone(), projects.clone(), Duration::from_millis(5))
        };
        tasks.push(tokio::spawn(runner.run()));
    }

    let actor = Actor { username: "bench".into(), address: None, token: None };
    let started = Instant::now();
    let mut submitted = Vec::with_capacity(clusters);
    for i in 0..clusters {
        let at = Utc::now();
        let done = services.create_cluster("default", &actor, &spec(i), None).await?;
        submitted.push((done.operation_id, at));
    }
    let submit_seconds = started.elapsed().as_secs_f64();

    let mut latencies = Vec::with_capacity(clusters);
    let mut failed = 0;
    for (id, at) in &submitted {
        let view = loop {
            let view = store::view(&db, id).await?.expect("the operation exists");
            if view.state.is_finished() {
                break view;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        if view.state != OperationState::Succeeded {
            failed += 1;
            eprintln!("{}: {:?} {:?}", view.target_name.unwrap_or_default(), view.state, view.error);
        }
        let finished: DateTime<Utc> = view.finished_at.as_deref().unwrap_or_default().parse()?;
        latencies.push((finished - *at).num_microseconds().unwrap_or(0) as f64 / 1000.0);
    }
    let total = started.elapsed().as_secs_f64();
    for task in tasks {
        task.abort();
    }
    latencies.sort_by(f64::total_cmp);
    println!("operations benchmark: {clusters} clusters x 2 pools, {runners} runner(s), {}", db.backend());
    println!(
        "  submitted in          {submit_seconds:.2} s ({:.0} submissions/s)",
        clusters as f64 / submit_seconds
    );
    println!("  all done in           {total:.2} s");
    println!("  operations/s          {:.1}", clusters as f64 / total);
    println!("  submit -> done p50    {:.0} ms", percentile(&latencies, 0.50));
    println!("  submit -> done p99    {:.0} ms", percentile(&latencies, 0.99));
    println!("  failed                {failed}");
    println!("  peak RSS              {:.1} MB", peak_rss_kib() as f64 / 1024.0);
    db.close().await;
    Ok(())
}
