//! Loads NUTS 2024 levels 1–3 (and the statistical regions of non-EU countries) from `data/nuts2024.csv`,
//! leaving out the Extra-Regio codes (ending in Z), which are no territory an applicant can be in.

use crate::reference_data::{insert_rows, records};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NUTS: &str = include_str!("../data/nuts2024.csv");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut rows = Vec::new();
        for r in records("nuts2024.csv", NUTS)? {
            let code = &r[0];
            if code.ends_with('Z') {
                continue;
            }
            let level: i16 =
                r[1].parse().map_err(|_| DbErr::Migration(format!("nuts2024.csv: bad level for {code}")))?;
            // A NUTS code grows by one character per level: AT1 → AT11 → AT111.
            let parent: Option<String> = (level > 1).then(|| code[..code.len() - 1].to_owned());
            rows.push(vec![
                code.into(),
                level.into(),
                parent.into(),
                r[2].into(),
                r[3].into(),
                r[3].to_lowercase().into(),
            ]);
        }
        insert_rows(
            manager,
            "nuts_region",
            &["code", "level", "parent_code", "nuts_country", "name", "name_search"],
            rows,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute(&Query::delete().from_table("nuts_region").to_owned()).await?;
        Ok(())
    }
}
