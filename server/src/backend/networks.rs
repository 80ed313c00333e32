//! The project's private networks, for the network page and the wizard.

use app::api::port::{Caller, Networks};
use app::error::AppError;
use async_trait::async_trait;
use model::id::ProjectId;
use model::private_network::NetworksView;

use super::ConsoleBackend;

#[async_trait]
impl Networks for ConsoleBackend {
    async fn networks(&self, caller: &Caller, project: &ProjectId) -> Result<NetworksView, AppError> {
        self.require_viewer(caller, project.as_str())?;
        Ok(self.services.networks(project.as_str()).await?)
    }
}
