//! `service_account_scope`: what an integrator's service account may do beyond reading public data
//! (`read:strategies`, `read:applications`, `read:events`, `webhooks:manage`), chosen by admins.

use crate::schema_helpers::foreign_key;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("service_account_scope")
                    .if_not_exists()
                    .col(uuid("service_account_id"))
                    .col(string_len("scope", 40))
                    .primary_key(Index::create().col("service_account_id").col("scope"))
                    .foreign_key(&mut foreign_key(
                        "service_account_scope",
                        "service_account_id",
                        "service_account",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("service_account_scope").to_owned()).await
    }
}
