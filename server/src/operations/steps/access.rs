//! Steps of the operations on who may reach a cluster: kubeconfig, API allow-list, OIDC.

use model::operation::StepState;
use provider::api::OpenIdConnect;

use super::{Outcome, StepContext, StepError, cluster_ready};
use crate::operations::params;

async fn then_ready(ctx: &mut StepContext<'_>) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    match ctx.wait(2, "wait_for_ready", cluster_ready(client, service, id)).await? {
        true => Ok(Outcome::Done),
        false => Ok(Outcome::Wait),
    }
}

/// 1 `reset_kubeconfig` (repeating it only issues yet another one), 2 `wait_for_ready`.
pub async fn reset_kubeconfig(ctx: &mut StepContext<'_>) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "reset_kubeconfig", async {
        client.reset_kubeconfig(service, id).await?;
        Ok((StepState::Succeeded, "earlier kubeconfigs no longer work".to_string()))
    })
    .await?;
    then_ready(ctx).await
}

/// 1 `set_ip_restrictions` (a PUT of the whole list: repeatable), 2 `wait_for_ready`.
pub async fn set_ip_restrictions(
    ctx: &mut StepContext<'_>,
    params::IpRestrictions { ips }: params::IpRestrictions,
) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "set_ip_restrictions", async {
        let set = client.replace_ip_restrictions(service, id, ips).await?;
        let detail = match set.is_empty() {
            true => "API server reachable from anywhere".to_string(),
            false => format!("API server reachable from {}", set.join(", ")),
        };
        Ok((StepState::Succeeded, detail))
    })
    .await?;
    then_ready(ctx).await
}

/// 1 `set_oidc` (created, changed, or skipped when already so), 2 `wait_for_ready`.
pub async fn set_oidc(ctx: &mut StepContext<'_>, wanted: OpenIdConnect) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "set_oidc", async {
        match client.oidc(service, id).await {
            Ok(current) if current == wanted => Ok((StepState::Skipped, "already configured so".to_string())),
            Ok(_) => {
                client.update_oidc(service, id, &wanted).await?;
                Ok((StepState::Succeeded, format!("trusts {}", wanted.issuer_url)))
            }
            Err(e) if e.is_not_found() => {
                client.create_oidc(service, id, &wanted).await?;
                Ok((StepState::Succeeded, format!("trusts {}", wanted.issuer_url)))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    then_ready(ctx).await
}

/// 1 `remove_oidc` (skipped when there is none), 2 `wait_for_ready`.
pub async fn remove_oidc(ctx: &mut StepContext<'_>) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "remove_oidc", async {
        match client.delete_oidc(service, id).await {
            Ok(()) => Ok((StepState::Succeeded, "OIDC configuration removed".to_string())),
            Err(e) if e.is_not_found() => Ok((StepState::Skipped, "no OIDC configuration".to_string())),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    then_ready(ctx).await
}
