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
    /// as last read (once a day for every project), or the example list, labelled as such, when
    /// none is configured or none has been read yet. Never waits on the provider: a missing or
    /// expired list is read in the background, one read at a time.
    pub fn prices(&self, project: &str) -> PriceList {
        let Some(book) = self.price_subsidiary.clone() else { return example_prices() };
        if let Some(prices) = self.caches.prices.get(&book) {
            return prices;
        }
        if let Ok(project) = self.project(project)
            && !self.caches.prices_reading.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            let (client, caches) = (project.client.clone(), self.caches.clone());
            tokio::spawn(async move {
                match client.price_catalog(&book).await {
                    Ok(catalog) => caches.prices.put(book, catalog.price_list()),
                    Err(error) => {
                        tracing::warn!(subsidiary = %book, %error, "the provider's price catalog could not be read; showing example prices")
                    }
                }
                caches.prices_reading.store(false, std::sync::atomic::Ordering::SeqCst);
            });
        }
        example_prices()
    }

    /// The Kubernetes minors offered for new clusters, newest last.
    pub fn versions(&self) -> Vec<KubeVersion> {
        OFFERED_MINORS.to_vec()
    }
}
