//! `pilothouse cli`: the console's REST API from a shell, with an API token. `login` checks and
//! keeps the console's address, the token and the project (in `~/.config/pilothouse/cli.json`,
//! readable by its owner only); every other command reads them from there, or from
//! `--url`/`--token`/`--project` and `PILOTHOUSE_CONSOLE_URL`/`PILOTHOUSE_TOKEN`/
//! `PILOTHOUSE_PROJECT`. Tables by default, the API's JSON with `-o json`. Changes print
//! their operation and, with `--wait`, follow it to its end; the exit status is 0 only when
//! everything succeeded.

mod client;
mod output;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use client::{Client, Profile};
use output::Output;

/// The command line of `pilothouse cli`.
#[derive(Clone, Debug, Args)]
pub struct CliArgs {
    /// The console's address (`https://console.example.com`).
    #[arg(long, global = true, env = "PILOTHOUSE_CONSOLE_URL")]
    url: Option<String>,
    /// An API token (create one on the console's API tokens page). Prefer the environment or
    /// `login`: command lines are visible to other users of the machine.
    #[arg(long, global = true, env = "PILOTHOUSE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The console's project id; the token's project when not given.
    #[arg(long, global = true, env = "PILOTHOUSE_PROJECT")]
    project: Option<String>,
    /// How to print answers.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Format::Table)]
    output: Format,
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Clone, Debug, Subcommand)]
enum CliCommand {
    /// Checks the address and the token (read from standard input when not given), then keeps
    /// them for the next commands.
    Login,
    /// Clusters of the project.
    #[command(subcommand)]
    Clusters(ClusterCommand),
    /// Node pools of a cluster.
    #[command(subcommand)]
    Pools(PoolCommand),
    /// Writes a cluster's admin kubeconfig (admins), or with `--user` the caller's own.
    Kubeconfig {
        /// The cluster's id or name.
        cluster: String,
        /// The caller's own kubeconfig, through the console's identity provider.
        #[arg(long)]
        user: bool,
        /// Where to write it; standard output when not given.
        #[arg(short = 'f', long)]
        file: Option<PathBuf>,
    },
    /// Follows an operation until it ends; fails unless it succeeded.
    Wait {
        operation: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 3600)]
        timeout: u64,
    },
}

#[derive(Clone, Debug, Subcommand)]
enum ClusterCommand {
    List,
    Get {
        cluster: String,
    },
    /// Creates a cluster from a template (what `clusters export` prints).
    Create {
        /// The template file; `-` for standard input.
        #[arg(short = 'f', long)]
        file: PathBuf,
        /// The new cluster's name, instead of the template's.
        #[arg(long)]
        name: Option<String>,
        /// Follow the creation to its end.
        #[arg(long)]
        wait: bool,
    },
    /// Prints a cluster as a template that `clusters create -f` takes.
    Export {
        cluster: String,
    },
    /// Prints a cluster as the provider's Terraform resources.
    Terraform {
        cluster: String,
    },
    /// Deletes a cluster with its nodes (admins); `--confirm` must repeat its name.
    Delete {
        cluster: String,
        #[arg(long)]
        confirm: String,
        #[arg(long)]
        wait: bool,
    },
}

#[derive(Clone, Debug, Subcommand)]
enum PoolCommand {
    List {
        cluster: String,
    },
    /// Sets a pool's size (operators); its bounds widen to include it unless given.
    Scale {
        cluster: String,
        /// The pool's id or name.
        pool: String,
        desired: u32,
        #[arg(long)]
        min: Option<u32>,
        #[arg(long)]
        max: Option<u32>,
        #[arg(long)]
        wait: bool,
    },
}

/// Runs the command; the process's exit status follows its result.
pub async fn run(args: CliArgs) -> anyhow::Result<()> {
    let out = Output::new(args.output);
    if let CliCommand::Login = args.command {
        return login(&args, &out).await;
    }
    let profile = Profile::resolve(args.url.clone(), args.token.clone(), args.project.clone())?;
    let client = Client::new(profile)?;
    let project = client.project().await?;
    let root = format!("/api/v1/projects/{project}");
    match args.command {
        CliCommand::Login => unreachable!("handled above"),
        CliCommand::Clusters(ClusterCommand::List) => {
            let view = client.get(&format!("{root}/clusters")).await?;
            out.clusters(&view);
        }
        CliCommand::Clusters(ClusterCommand::Get { cluster }) => {
            let id = client.cluster_id(&root, &cluster).await?;
            out.value(&client.get(&format!("{root}/clusters/{id}")).await?);
        }
        CliCommand::Clusters(ClusterCommand::Create { file, name, wait }) => {
            let text = match file.to_str() {
                Some("-") => std::io::read_to_string(std::io::stdin())?,
                _ => std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?,
            };
            let mut template: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a JSON template", file.display()))?;
            if let Some(name) = name {
                template["name"] = json!(name);
            }
            let operation = client.change("POST", &format!("{root}/clusters"), Some(&template)).await?;
            finish(&client, &out, &root, operation, wait).await?;
        }
        CliCommand::Clusters(ClusterCommand::Export { cluster }) => {
            let id = client.cluster_id(&root, &cluster).await?;
            // Always JSON: the template is a file to keep.
            println!(
                "{}",
                serde_json::to_string_pretty(&client.get(&format!("{root}/clusters/{id}/export")).await?)?
            );
        }
        CliCommand::Clusters(ClusterCommand::Terraform { cluster }) => {
            let id = client.cluster_id(&root, &cluster).await?;
            print!("{}", client.get_text(&format!("{root}/clusters/{id}/terraform")).await?);
        }
        CliCommand::Clusters(ClusterCommand::Delete { cluster, confirm, wait }) => {
            let id = client.cluster_id(&root, &cluster).await?;
            let path = format!(
                "{root}/clusters/{id}?confirm={}",
                percent_encoding::utf8_percent_encode(&confirm, percent_encoding::NON_ALPHANUMERIC)
            );
            let operation = client.change("DELETE", &path, None).await?;
            finish(&client, &out, &root, operation, wait).await?;
        }
        CliCommand::Pools(PoolCommand::List { cluster }) => {
            let id = client.cluster_id(&root, &cluster).await?;
            out.pools(&client.get(&format!("{root}/clusters/{id}/node-pools")).await?);
        }
        CliCommand::Pools(PoolCommand::Scale { cluster, pool, desired, min, max, wait }) => {
            let id = client.cluster_id(&root, &cluster).await?;
            let pools = client.get(&format!("{root}/clusters/{id}/node-pools")).await?;
            let found = pools
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["id"] == pool.as_str() || p["spec"]["name"] == pool.as_str())
                .with_context(|| format!("the cluster has no node pool {pool}"))?;
            let mut spec = found["spec"].clone();
            let current = |field: &str| spec[field].as_u64().unwrap_or(0) as u32;
            let min = min.unwrap_or_else(|| current("minNodes").min(desired));
            let max = max.unwrap_or_else(|| current("maxNodes").max(desired));
            spec["desiredNodes"] = json!(desired);
            spec["minNodes"] = json!(min);
            spec["maxNodes"] = json!(max);
            let path =
                format!("{root}/clusters/{id}/node-pools/{}", found["id"].as_str().unwrap_or_default());
            let operation = client.change("PUT", &path, Some(&spec)).await?;
            finish(&client, &out, &root, operation, wait).await?;
        }
        CliCommand::Kubeconfig { cluster, user, file } => {
            let id = client.cluster_id(&root, &cluster).await?;
            let which = if user { "kubeconfig/user" } else { "kubeconfig" };
            let yaml = client.post_text(&format!("{root}/clusters/{id}/{which}")).await?;
            match file {
                Some(file) => {
                    client::write_private(&file, yaml.as_bytes())?;
                    eprintln!("Wrote {}", file.display());
                }
                None => print!("{yaml}"),
            }
        }
        CliCommand::Wait { operation, timeout } => {
            let view = client.get(&format!("{root}/operations/{operation}")).await?;
            wait_for(&client, &out, &root, view, Duration::from_secs(timeout)).await?;
        }
    }
    Ok(())
}

async fn login(args: &CliArgs, out: &Output) -> anyhow::Result<()> {
    let Some(url) = args.url.clone() else {
        bail!("give the console's address with --url (or PILOTHOUSE_CONSOLE_URL)");
    };
    let token = match args.token.clone() {
        Some(token) => token,
        None => {
            eprintln!("Paste an API token (from the console's API tokens page) and press Enter:");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim().to_string()
        }
    };
    let client = Client::new(Profile { url, token, project: args.project.clone() })?;
    let projects = client.get("/api/v1/projects").await?;
    let project = match &args.project {
        Some(project) => project.clone(),
        None => projects[0]["id"].as_str().context("the token gives no project")?.to_string(),
    };
    let profile = Profile { project: Some(project.clone()), ..client.profile().clone() };
    let path = profile.save()?;
    out.note(&format!("Signed in to {} in project {project}; kept in {}.", profile.url, path.display()));
    Ok(())
}

/// Prints a change's operation, and follows it when asked.
async fn finish(
    client: &Client,
    out: &Output,
    root: &str,
    operation: Value,
    wait: bool,
) -> anyhow::Result<()> {
    if wait {
        return wait_for(client, out, root, operation, Duration::from_secs(3600)).await;
    }
    out.operation(&operation);
    Ok(())
}

async fn wait_for(
    client: &Client,
    out: &Output,
    root: &str,
    mut operation: Value,
    timeout: Duration,
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    let id = operation["id"].as_str().context("the answer names no operation")?.to_string();
    let mut said = String::new();
    loop {
        let state = operation["state"].as_str().unwrap_or_default().to_string();
        let step = operation["steps"].as_array().and_then(|s| s.last()).cloned().unwrap_or_default();
        let progress = format!(
            "{state}: {}{}",
            step["name"].as_str().unwrap_or("queued"),
            step["detail"].as_str().map(|d| format!(" ({d})")).unwrap_or_default()
        );
        if progress != said {
            eprintln!("{id} {progress}");
            said = progress;
        }
        match state.as_str() {
            "succeeded" => {
                out.operation(&operation);
                return Ok(());
            }
            "failed" | "cancelled" => {
                out.operation(&operation);
                let why = operation["error"]["message"].as_str().unwrap_or("no reason given");
                bail!("operation {id} {state}: {why}");
            }
            _ => {}
        }
        if tokio::time::Instant::now() >= deadline {
            bail!("operation {id} did not end within {} s", timeout.as_secs());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        operation = client.get(&format!("{root}/operations/{id}")).await?;
    }
}
