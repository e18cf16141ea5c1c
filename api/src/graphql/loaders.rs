//! DataLoaders, created fresh for each request: relations and `nodes` resolve in one query per type.

use crate::domain::reference;
use crate::error::AppError;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{country, nuts_region};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::Arc;

pub struct Loaders {
    pub countries: DataLoader<CountryLoader>,
    pub nuts_regions: DataLoader<NutsRegionLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            countries: DataLoader::new(CountryLoader(db.clone()), tokio::spawn),
            nuts_regions: DataLoader::new(NutsRegionLoader(db.clone()), tokio::spawn),
        }
    }
}

/// Loader errors are shared between all the fields waiting on one batch.
pub type LoadError = Arc<AppError>;

impl From<LoadError> for AppError {
    fn from(error: LoadError) -> Self {
        Arc::try_unwrap(error).unwrap_or_else(|shared| AppError::Internal(anyhow::anyhow!("{shared}")))
    }
}

pub struct CountryLoader(DatabaseConnection);

impl Loader<String> for CountryLoader {
    type Value = country::Model;
    type Error = LoadError;

    async fn load(&self, codes: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        let rows = reference::countries_by_code(&self.0, codes).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|c| (c.code.clone(), c)).collect())
    }
}

pub struct NutsRegionLoader(DatabaseConnection);

impl Loader<String> for NutsRegionLoader {
    type Value = nuts_region::Model;
    type Error = LoadError;

    async fn load(&self, codes: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        let rows = reference::nuts_regions_by_code(&self.0, codes).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.code.clone(), r)).collect())
    }
}
