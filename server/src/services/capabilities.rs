//! What the provider offers a project: regions (with their zones), flavors, Kubernetes versions,
//! prices; regions and flavors kept for ten minutes, prices for a day.

use model::catalogue;
use model::cost::{PriceList, example_prices};
use model::flavor::Flavor;
use model::region::Region;
use model::version::{KubeVersion, OFFERED_MINORS};

use super::{ServiceError, Services};

impl Services {
    /// The regions where the project can create clusters, with their availability zones.
    pub async fn regions(&self, project: &str) -> Result<Vec<Region>, ServiceError> {
        let project = self.project(project)?;
        let load = project.client.regions(&project.service_name);
        let names = self
            .caches
            .regions
            .get_or_load(project.id.clone(), load)
            .await
            .map_err(ServiceError::Provider)?;
        let known = catalogue::regions();
        Ok(names
            .into_iter()
            .map(|name| {
                let zones =
                    known.iter().find(|r| r.name == name).map(|r| r.zones.clone()).unwrap_or_default();
                Region { name, zones }
            })
            .collect())
    }

    /// The region `name`, if the project offers it.
    pub async fn region(&self, project: &str, name: &str) -> Result<Option<Region>, ServiceError> {
        Ok(self.regions(project).await?.into_iter().find(|r| r.name == name))
    }

    /// The flavors offered in `region`, with the disk sizes the catalogue knows.
    pub async fn flavors(&self, project: &str, region: &str) -> Result<Vec<Flavor>, ServiceError> {
        let project = self.project(project)?;
        let load = async {
            let flavors = project.client.flavors(&project.service_name, region).await?;
            Ok(flavors
                .into_iter()
                .map(|f| Flavor {
                    disk_gb: f.disk_gb.or(catalogue::flavor(&f.name).and_then(|c| c.disk_gb)),
                    ..f
                })
                .collect())
        };
        let key = (project.id.clone(), region.to_string());
        self.caches.flavors.get_or_load(key, load).await.map_err(ServiceError::Provider)
    }

    /// The prices cost estimates use: the provider's price catalog for the configured subsidiary
    /// (read once a day for every project), or the example list, labelled as such, when none is
    /// configured or the catalog cannot be read.
    pub async fn prices(&self, project: &str) -> PriceList {
        let Some(book) = &self.price_subsidiary else { return example_prices() };
        let Ok(project) = self.project(project) else { return example_prices() };
        let load = async { project.client.price_catalog(book).await.map(|catalog| catalog.price_list()) };
        match self.caches.prices.get_or_load(book.clone(), load).await {
            Ok(prices) => prices,
            Err(error) => {
                tracing::warn!(subsidiary = %book, %error, "the provider's price catalog could not be read; showing example prices");
                example_prices()
            }
        }
    }

    /// The Kubernetes minors offered for new clusters, newest last.
    pub fn versions(&self) -> Vec<KubeVersion> {
        OFFERED_MINORS.to_vec()
    }
}
