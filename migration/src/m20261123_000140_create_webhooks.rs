//! Webhooks (Standard Webhooks): integrators' endpoints with the event types they want, the deliveries (the
//! at-least-once outbox of signed requests, also the delivery log), and the dispatch cursor: the position up
//! to which committed domain events have been turned into deliveries.

use crate::schema_helpers::{foreign_key, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhook_endpoint")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("owner_id"))
                    .col(string_len("owner_kind", 20))
                    .col(text("url"))
                    .col(string_len("description", 500))
                    .col(string_len("secret", 100))
                    .col(string_len_null("previous_secret", 100))
                    .col(timestamp_with_time_zone_null("previous_secret_until"))
                    .col(string_len("status", 20))
                    .col(timestamp_with_time_zone_null("failing_since"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("webhook_endpoint", &["owner_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_endpoint_event_type")
                    .if_not_exists()
                    .col(uuid("endpoint_id"))
                    .col(string_len("event_type", 80))
                    .primary_key(Index::create().col("endpoint_id").col("event_type"))
                    .foreign_key(&mut foreign_key(
                        "webhook_endpoint_event_type",
                        "endpoint_id",
                        "webhook_endpoint",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_delivery")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("endpoint_id"))
                    .col(uuid("event_id"))
                    .col(big_integer("event_position"))
                    .col(string_len("event_type", 80))
                    .col(text("body"))
                    .col(string_len("status", 20))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(text_null("last_error"))
                    .col(integer_null("last_status_code"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .foreign_key(&mut foreign_key(
                        "webhook_delivery",
                        "endpoint_id",
                        "webhook_endpoint",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("webhook_delivery", &["status", "next_attempt_at"])).await?;
        manager.create_index(index("webhook_delivery", &["endpoint_id", "created_at"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_dispatch")
                    .if_not_exists()
                    .col(integer("id").primary_key())
                    .col(big_integer("position"))
                    .to_owned(),
            )
            .await?;
        // Webhooks begin with the events committed after this migration.
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO webhook_dispatch (id, position) SELECT 1, COALESCE(MAX(position), 0) FROM domain_event",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_dispatch", "webhook_delivery", "webhook_endpoint_event_type", "webhook_endpoint"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
