//! The resources library: guides, tools, reports, templates and recordings, published by staff.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("resource")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("title", 300))
                    .col(text("summary"))
                    .col(string_len("kind", 20))
                    .col(string_len("url", 2000))
                    // Codes between commas (`,en,fr,`), like subscriber topics, so one LIKE finds one.
                    .col(text("languages"))
                    .col(text("topics"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_resource_published_at_id")
                    .table("resource")
                    .col("published_at")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("resource").if_exists().to_owned()).await
    }
}
