//! The step of applying who can do what inside a cluster: its role bindings, through the
//! cluster's own API with the provider's admin kubeconfig.

use model::operation::StepState;

use super::{Outcome, StepContext, StepError};
use crate::cluster_api::ClusterApi;
use crate::cluster_rbac;
use crate::operations::params;

/// 1 `apply_bindings`: the wanted bindings in place, the console's others removed (repeatable).
pub async fn apply(
    ctx: &mut StepContext<'_>,
    params::ClusterAccess { bindings }: params::ClusterAccess,
) -> Result<Outcome, StepError> {
    let (client, service, id) = (ctx.client, ctx.service, &ctx.cluster_id()?);
    ctx.once(1, "apply_bindings", async {
        let kubeconfig = client.kubeconfig(service, id).await?;
        let api = ClusterApi::from_kubeconfig(&kubeconfig.content)?;
        let applied = cluster_rbac::apply(&api, &bindings).await?;
        Ok((StepState::Succeeded, applied.describe()))
    })
    .await?;
    Ok(Outcome::Done)
}
