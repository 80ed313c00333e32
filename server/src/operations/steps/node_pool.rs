//! Steps of the operations on node pools and nodes.

use model::id::NodePoolId;
use model::operation::StepState;
use model::status::Status;
use provider::api::{NodePoolCreation, NodePoolSizing, NodePoolUpdate};

use super::{Check, Outcome, StepContext, StepError, pools_check};
use crate::operations::{params, store};

fn done_or_wait(done: bool) -> Outcome {
    if done { Outcome::Done } else { Outcome::Wait }
}

/// 1 `create` (adopting a pool of that name already there), 2 `wait_for_nodes`.
pub async fn create(ctx: &mut StepContext<'_>, body: NodePoolCreation) -> Result<Outcome, StepError> {
    let (client, service, db, op, cluster) = (ctx.client, ctx.service, ctx.db, ctx.op, &ctx.cluster_id()?);
    ctx.once(1, "create", async {
        let name = body.name.clone().unwrap_or_default();
        let pools = client.list_node_pools(service, cluster).await?;
        let (state, id) = match pools.into_iter().find(|p| !name.is_empty() && p.name == name) {
            Some(pool) => (StepState::Skipped, pool.id),
            None => (StepState::Succeeded, client.create_node_pool(service, cluster, &body).await?.id),
        };
        store::set_target(db, &op.id, &id).await?;
        Ok((state, id))
    })
    .await?;
    let pool_id =
        store::target(db, &op.id).await?.ok_or_else(|| StepError::Invalid("no pool id recorded".into()))?;
    let pool_id = NodePoolId::new(pool_id);
    let check = async { pools_check(&[client.get_node_pool(service, cluster, &pool_id).await?]) };
    Ok(done_or_wait(ctx.wait(2, "wait_for_nodes", check).await?))
}

/// 1 `update` (a PUT of the whole body: repeatable), 2 `wait_for_nodes`.
pub async fn update(
    ctx: &mut StepContext<'_>,
    params::UpdatePool { node_pool_id, update }: params::UpdatePool,
) -> Result<Outcome, StepError> {
    let node_pool_id = NodePoolId::new(node_pool_id);
    let (client, service, cluster) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "update", async {
        client.update_node_pool(service, cluster, &node_pool_id, &update).await?;
        Ok((StepState::Succeeded, "pool updated".to_string()))
    })
    .await?;
    let check = async { pools_check(&[client.get_node_pool(service, cluster, &node_pool_id).await?]) };
    Ok(done_or_wait(ctx.wait(2, "wait_for_nodes", check).await?))
}

/// 1 `delete` (skipped when already gone or going), 2 `wait_for_deletion`.
pub async fn delete(
    ctx: &mut StepContext<'_>,
    params::Pool { node_pool_id }: params::Pool,
) -> Result<Outcome, StepError> {
    let (client, service, cluster) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    let pool = &NodePoolId::new(node_pool_id);
    ctx.once(1, "delete", async {
        match client.get_node_pool(service, cluster, pool).await {
            Err(e) if e.is_not_found() => return Ok((StepState::Skipped, "already gone".to_string())),
            Err(e) => return Err(e.into()),
            Ok(p) if p.status == Status::Deleting => {
                return Ok((StepState::Skipped, "already being deleted".to_string()));
            }
            Ok(_) => {}
        }
        client.delete_node_pool(service, cluster, pool).await?;
        Ok((StepState::Succeeded, "deletion requested: nodes are drained, then removed".to_string()))
    })
    .await?;
    let gone = async {
        match client.get_node_pool(service, cluster, pool).await {
            Err(e) if e.is_not_found() => Ok(Check::Reached("pool deleted".to_string())),
            Err(e) => Err(e.into()),
            Ok(p) => {
                Ok(Check::NotYet(format!("pool is {}, {} nodes left", p.status.as_wire(), p.current_nodes)))
            }
        }
    };
    Ok(done_or_wait(ctx.wait(2, "wait_for_deletion", gone).await?))
}

/// 1 `remove` (that node named in `nodesToRemove` and the desired size one lower; skipped when
/// the node is already going), 2 `wait_for_removal`.
pub async fn remove_node(
    ctx: &mut StepContext<'_>,
    params::RemoveNode { node_pool_id, node_id }: params::RemoveNode,
) -> Result<Outcome, StepError> {
    let (client, service, cluster) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    let (pool_id, node) = (&NodePoolId::new(node_pool_id), node_id.as_str());
    ctx.once(1, "remove", async {
        let nodes = client.list_nodes(service, cluster).await?;
        let Some(found) = nodes.iter().find(|n| n.id == node) else {
            return Ok((StepState::Skipped, "node already gone".to_string()));
        };
        if found.status == Status::Deleting {
            return Ok((StepState::Skipped, "node already being removed".to_string()));
        }
        if found.node_pool_id != pool_id {
            return Err(StepError::Invalid(format!("node {} is not in this pool", found.name)));
        }
        let pool = client.get_node_pool(service, cluster, pool_id).await?;
        let desired = pool
            .desired_nodes
            .checked_sub(1)
            .ok_or_else(|| StepError::Invalid("the pool has no nodes".into()))?;
        let mut sizing = NodePoolSizing { desired_nodes: Some(desired), ..Default::default() };
        if pool.autoscale && desired < pool.min_nodes {
            sizing.min_nodes = Some(desired);
        }
        let update =
            NodePoolUpdate { sizing, nodes_to_remove: Some(vec![node.to_string()]), ..Default::default() };
        client.update_node_pool(service, cluster, pool_id, &update).await?;
        Ok((StepState::Succeeded, format!("removing {}; the pool shrinks to {desired}", found.name)))
    })
    .await?;
    let gone = async {
        let nodes = client.list_nodes(service, cluster).await?;
        match nodes.iter().find(|n| n.id == node) {
            None => Ok(Check::Reached("node removed".to_string())),
            Some(n) => Ok(Check::NotYet(format!("node is {}", n.status.as_wire()))),
        }
    };
    Ok(done_or_wait(ctx.wait(2, "wait_for_removal", gone).await?))
}
