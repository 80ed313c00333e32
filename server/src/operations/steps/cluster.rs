//! Steps of the operations on a whole cluster.

use model::id::ClusterId;
use model::operation::StepState;
use model::status::Status;
use model::version::{KubeVersion, UpdateStrategy};
use provider::api::{
    ClusterUpdate, Customization, LoadBalancersSubnet, ResetCreation, Restart, UpdateCreation,
    UpdatePolicyUpdate,
};

use super::{Check, Outcome, StepContext, StepError, cluster_ready, pools_check};
use crate::operations::params;
use crate::operations::store;

/// 1 `create` (adopting a cluster of that name that a crashed runner already created),
/// 2 `wait_for_ready`, 3 `set_ip_restrictions` when the request has an allow-list,
/// 4 `wait_for_node_pools`.
pub async fn create(ctx: &mut StepContext<'_>, params: params::CreateCluster) -> Result<Outcome, StepError> {
    let (client, service, db, op) = (ctx.client, ctx.service, ctx.db, ctx.op);
    let id = match store::target(db, &op.id).await? {
        Some(id) => id,
        None => {
            let body = &params.body;
            ctx.once(1, "create", async {
                let name = body.name.clone().unwrap_or_default();
                let existing = client.list_clusters(service).await?;
                let (state, id) = match existing.into_iter().find(|c| !name.is_empty() && c.name == name) {
                    Some(cluster) => (StepState::Skipped, cluster.id),
                    None => (StepState::Succeeded, client.create_cluster(service, body).await?.id),
                };
                store::set_target(db, &op.id, &id).await?;
                Ok((state, id))
            })
            .await?;
            store::target(db, &op.id)
                .await?
                .ok_or_else(|| StepError::Invalid("no cluster id recorded".into()))?
        }
    };
    let id = ClusterId::new(id);
    if !ctx.wait(2, "wait_for_ready", cluster_ready(client, service, &id)).await? {
        return Ok(Outcome::Wait);
    }
    if !params.ip_restrictions.is_empty() {
        let ips = params.ip_restrictions.clone();
        ctx.once(3, "set_ip_restrictions", async {
            let set = client.replace_ip_restrictions(service, &id, ips).await?;
            Ok((StepState::Succeeded, format!("API server reachable from {}", set.join(", "))))
        })
        .await?;
    }
    let pools = async { pools_check(&client.list_node_pools(service, &id).await?) };
    match ctx.wait(4, "wait_for_node_pools", pools).await? {
        true => Ok(Outcome::Done),
        false => Ok(Outcome::Wait),
    }
}

/// 1 `rename` (skipped when the cluster already has the name).
pub async fn rename(
    ctx: &mut StepContext<'_>,
    params::Rename { name }: params::Rename,
) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "rename", async {
        if client.get_cluster(service, id).await?.name == name {
            return Ok((StepState::Skipped, format!("already named {name}")));
        }
        let body = ClusterUpdate { name: Some(name.clone()), ..Default::default() };
        client.update_cluster(service, id, &body).await?;
        Ok((StepState::Succeeded, format!("renamed to {name}")))
    })
    .await?;
    Ok(Outcome::Done)
}

/// 1 `update_policy` (skipped when already in force).
pub async fn update_policy(
    ctx: &mut StepContext<'_>,
    params::Policy { update_policy }: params::Policy,
) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "update_policy", async {
        let wire = update_policy.as_wire().to_string();
        if client.get_cluster(service, id).await?.update_policy == update_policy {
            return Ok((StepState::Skipped, format!("already {wire}")));
        }
        client.update_policy(service, id, &UpdatePolicyUpdate { update_policy }).await?;
        Ok((StepState::Succeeded, format!("now {wire}")))
    })
    .await?;
    Ok(Outcome::Done)
}

/// 1 `request_upgrade` (skipped when the provider is already upgrading or already reached the
/// target), 2 `wait_for_upgrade`: the cluster READY and up to date.
pub async fn upgrade(
    ctx: &mut StepContext<'_>,
    params::Upgrade { strategy, from_version }: params::Upgrade,
) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "request_upgrade", async {
        let cluster = client.get_cluster(service, id).await?;
        let moved_on = match strategy {
            UpdateStrategy::NextMinor => minor(&cluster.version) != minor(&from_version),
            UpdateStrategy::LatestPatch => cluster.version != from_version,
        };
        if cluster.status == Status::Updating || moved_on {
            return Ok((
                StepState::Skipped,
                format!("already under way (cluster {})", cluster.status.as_wire()),
            ));
        }
        client.upgrade(service, id, &UpdateCreation { strategy, force: None }).await?;
        Ok((StepState::Succeeded, format!("upgrade from {from_version} requested")))
    })
    .await?;
    let check = async {
        let cluster = client.get_cluster(service, id).await?;
        let arrived = match strategy {
            UpdateStrategy::NextMinor => minor(&cluster.version) != minor(&from_version),
            UpdateStrategy::LatestPatch => cluster.version != from_version,
        };
        match super::cluster_check(&cluster)? {
            Check::Reached(_) if arrived => Ok(Check::Reached(format!("cluster runs {}", cluster.version))),
            _ => Ok(Check::NotYet(format!("cluster is {} on {}", cluster.status.as_wire(), cluster.version))),
        }
    };
    match ctx.wait(2, "wait_for_upgrade", check).await? {
        true => Ok(Outcome::Done),
        false => Ok(Outcome::Wait),
    }
}

/// The minor of a version the provider reports, when it reads as one.
fn minor(version: &str) -> Option<KubeVersion> {
    version.parse::<KubeVersion>().ok().map(KubeVersion::minor_version)
}

/// A call the provider cannot repeat safely (reset, restart): sent unless an earlier try was
/// interrupted after starting it and the cluster is now busy with it.
async fn request_once(
    ctx: &mut StepContext<'_>,
    name: &str,
    send: impl std::future::Future<Output = Result<(), provider::client::Error>>,
) -> Result<(), StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    let interrupted = ctx.was_started(1);
    ctx.once(1, name, async {
        if interrupted {
            let cluster = client.get_cluster(service, id).await?;
            if cluster.status.is_in_progress() {
                return Ok((
                    StepState::Skipped,
                    format!("already under way (cluster {})", cluster.status.as_wire()),
                ));
            }
        }
        send.await?;
        Ok((StepState::Succeeded, "requested".to_string()))
    })
    .await
}

async fn then_ready(ctx: &mut StepContext<'_>, seq: i64) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    match ctx.wait(seq, "wait_for_ready", cluster_ready(client, service, id)).await? {
        true => Ok(Outcome::Done),
        false => Ok(Outcome::Wait),
    }
}

/// 1 `reset`, 2 `wait_for_ready`.
pub async fn reset(ctx: &mut StepContext<'_>, body: ResetCreation) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    request_once(ctx, "reset", client.reset(service, id, &body)).await?;
    then_ready(ctx, 2).await
}

/// 1 `restart`, 2 `wait_for_ready`.
pub async fn restart(ctx: &mut StepContext<'_>, body: Restart) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    request_once(ctx, "restart", client.restart(service, id, &body)).await?;
    then_ready(ctx, 2).await
}

/// 1 `customize` (a PUT of the whole customization: repeatable), 2 `wait_for_ready`.
pub async fn customize(ctx: &mut StepContext<'_>, body: Customization) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "customize", async {
        let answer = client.customize(service, id, &body).await?;
        Ok((StepState::Succeeded, answer.message))
    })
    .await?;
    then_ready(ctx, 2).await
}

/// 1 `update_private_network` and 2 `update_load_balancers_subnet` (PUTs: repeatable), each when
/// asked for, 3 `wait_for_ready`.
pub async fn update_private_network(
    ctx: &mut StepContext<'_>,
    params::PrivateNetwork { configuration, load_balancers_subnet_id }: params::PrivateNetwork,
) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    if let Some(body) = configuration {
        ctx.once(1, "update_private_network", async {
            Ok((StepState::Succeeded, client.update_private_network(service, id, &body).await?.message))
        })
        .await?;
    }
    if let Some(subnet) = load_balancers_subnet_id {
        ctx.once(2, "update_load_balancers_subnet", async {
            let detail = match &subnet {
                Some(subnet) => format!("load balancers in subnet {subnet}"),
                None => "load balancers in the nodes subnet".to_string(),
            };
            let body = LoadBalancersSubnet { load_balancers_subnet_id: subnet };
            client.update_load_balancers_subnet(service, id, &body).await?;
            Ok((StepState::Succeeded, detail))
        })
        .await?;
    }
    then_ready(ctx, 3).await
}

/// 1 `delete` (skipped when already gone or going), 2 `wait_for_deletion`.
pub async fn delete(ctx: &mut StepContext<'_>) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "delete", async {
        match client.get_cluster(service, id).await {
            Err(e) if e.is_not_found() => return Ok((StepState::Skipped, "already gone".to_string())),
            Err(e) => return Err(e.into()),
            Ok(c) if c.status == Status::Deleting => {
                return Ok((StepState::Skipped, "already being deleted".to_string()));
            }
            Ok(_) => {}
        }
        match client.delete_cluster(service, id).await {
            // Deleted between the look and the request (by another console, or a request of
            // this one whose answer was lost): what was asked for is done.
            Err(e) if e.is_not_found() => Ok((StepState::Skipped, "already gone".to_string())),
            Err(e) => Err(e.into()),
            Ok(()) => Ok((StepState::Succeeded, "deletion requested".to_string())),
        }
    })
    .await?;
    let gone = async {
        match client.get_cluster(service, id).await {
            Err(e) if e.is_not_found() => Ok(Check::Reached("cluster deleted".to_string())),
            Err(e) => Err(e.into()),
            Ok(c) => Ok(Check::NotYet(format!("cluster is {}", c.status.as_wire()))),
        }
    };
    match ctx.wait(2, "wait_for_deletion", gone).await? {
        true => Ok(Outcome::Done),
        false => Ok(Outcome::Wait),
    }
}

#[cfg(test)]
mod tests {
    use model::version::KubeVersion;

    #[test]
    fn minor_of_a_version() {
        assert_eq!(super::minor("1.31.2-1"), Some(KubeVersion::minor(1, 31)));
        assert_eq!(super::minor("1.31"), Some(KubeVersion::minor(1, 31)));
        assert_eq!(super::minor("latest"), None);
    }
}
