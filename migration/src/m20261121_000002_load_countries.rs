//! Loads the 40 countries eligible for IMPACT (EU, EFTA, Andorra, IPA and NEXT) from `data/countries.csv`.

use crate::reference_data::{insert_rows, records};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COUNTRIES: &str = include_str!("../data/countries.csv");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let rows = records("countries.csv", COUNTRIES)?
            .iter()
            .map(|r| {
                vec![
                    r[0].into(),
                    r[1].into(),
                    r[2].into(),
                    r[3].to_uppercase().into(),
                    // Every country in the file is one of the programme's eligible territories.
                    true.into(),
                ]
            })
            .collect();
        insert_rows(manager, "country", &["code", "nuts_code", "name", "status", "eligible"], rows).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute(&Query::delete().from_table("country").to_owned()).await?;
        Ok(())
    }
}
