//! The `outbound_email` table: the outbox of mails waiting to be sent, being sent, sent, or given up on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outbound_email")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(text("to_address"))
                    .col(text("subject"))
                    .col(text("text_body"))
                    .col(text("headers"))
                    .col(string_len("status", 20))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .to_owned(),
            )
            .await?;
        // The delivery pass asks for due rows: by status, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_outbound_email_status_next_attempt")
                    .table("outbound_email")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("outbound_email").to_owned()).await
    }
}
