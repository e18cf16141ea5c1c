//! `mail_quota`: how many mails to a typed address (or from one client) were asked for in a fixed window,
//! so that the limits hold across instances. One row per key and window, counted up with an upsert.

use crate::schema_helpers::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("mail_quota")
                    .if_not_exists()
                    // `to:<hash of the address>` or `client:<address>`: never the e-mail address itself.
                    .col(string_len("quota_key", 128))
                    .col(timestamp_with_time_zone("window_start"))
                    .col(integer("requests"))
                    .primary_key(Index::create().col("quota_key").col("window_start"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("mail_quota", &["window_start"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("mail_quota").to_owned()).await
    }
}
