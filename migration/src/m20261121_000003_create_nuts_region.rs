//! The `nuts_region` table: NUTS 2024 regions and the statistical regions of non-EU countries.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("nuts_region")
                    .if_not_exists()
                    .col(string_len("code", 5).primary_key())
                    .col(small_integer("level"))
                    .col(string_len_null("parent_code", 5))
                    .col(char_len("nuts_country", 2))
                    .col(string_len("name", 200))
                    .col(string_len("name_search", 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_nuts_region_country_level")
                    .table("nuts_region")
                    .col("nuts_country")
                    .col("level")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_nuts_region_parent").table("nuts_region").col("parent_code").to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("nuts_region").to_owned()).await
    }
}
