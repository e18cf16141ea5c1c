//! The `domain_event` table (and the subject type of audit entries, which now record changes of any object): every committed change as a fact in the past tense, numbered by `position`.
//!
//! Written by the unit of work in the transaction of the change; read by the event publisher (live updates),
//! the change feed and webhooks. On PostgreSQL the unit of work takes a transaction-level advisory lock before
//! inserting events, so positions become visible in commit order and a reader by position never skips one.

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
                    .table("domain_event")
                    .if_not_exists()
                    .col(big_pk_auto("position"))
                    .col(uuid_uniq("id"))
                    .col(string_len("event_type", 80))
                    .col(string_len("subject_type", 40))
                    .col(uuid("subject_id"))
                    .col(string_len("subject", 120))
                    .col(uuid_null("actor_id"))
                    .col(string_len_null("actor_kind", 20))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_len("visibility", 20))
                    .col(text("payload"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("domain_event", &["event_type", "position"])).await?;
        manager.create_index(index("domain_event", &["subject_id"])).await?;
        manager.create_index(index("domain_event", &["occurred_at"])).await?;
        // Audit entries recorded from domain events are about any object, not only users.
        if !manager.has_column("audit_event", "subject_type").await? {
            manager
                .alter_table(
                    Table::alter().table("audit_event").add_column(string_len_null("subject_type", 40)).to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("audit_event").drop_column("subject_type").to_owned()).await?;
        manager.drop_table(Table::drop().table("domain_event").to_owned()).await
    }
}
