//! The `country` table: the programme's eligible countries (ISO and NUTS codes, status).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("country")
                    .if_not_exists()
                    .col(char_len("code", 2).primary_key())
                    .col(char_len_uniq("nuts_code", 2))
                    .col(string_len("name", 100))
                    .col(string_len("status", 20))
                    .col(boolean("eligible"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("country").to_owned()).await
    }
}
