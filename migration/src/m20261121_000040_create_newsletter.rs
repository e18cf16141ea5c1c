//! Newsletter: subscribers (no account needed), their tokens (hashes only), the append-only consent history,
//! newsletter issues and one delivery row per (issue, subscriber).

use crate::schema_helpers::foreign_key;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(table: &'static str, column: &'static str, to: &'static str, cascade: bool) -> ForeignKeyCreateStatement {
    let on_delete = if cascade { ForeignKeyAction::Cascade } else { ForeignKeyAction::NoAction };
    foreign_key(table, column, to, "id", on_delete)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("subscriber")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    // Trimmed and lower-cased; null once erased (the row stays, anonymous, for counts).
                    .col(string_len_null("email", 254).unique_key())
                    .col(string_len("status", 20))
                    // Topic names between commas (`,EVENTS,NEWS,`), so `LIKE '%,EVENTS,%'` finds a topic.
                    .col(text("topics"))
                    .col(string_len_null("language", 2))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("confirmed_at"))
                    .col(timestamp_with_time_zone_null("unsubscribed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_subscriber_status").table("subscriber").col("status").to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("subscriber_token")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("subscriber_id"))
                    // CONFIRM (single-use, expires) or MANAGE (long-lived: manage link and one-click unsubscribe).
                    .col(string_len("purpose", 20))
                    .col(string_len_uniq("token_hash", 64))
                    .col(timestamp_with_time_zone_null("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("subscriber_token", "subscriber_id", "subscriber", true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("subscription_consent")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("subscriber_id"))
                    // SUBSCRIBED, CONFIRMED, UPDATED, UNSUBSCRIBED, ERASED. Never updated, never deleted.
                    .col(string_len("action", 20))
                    .col(text("topics"))
                    .col(string_len_null("language", 2))
                    .col(string_len("wording_version", 40))
                    .col(string_len("source", 100))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .foreign_key(&mut fk("subscription_consent", "subscriber_id", "subscriber", false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_subscription_consent_subscriber")
                    .table("subscription_consent")
                    .col("subscriber_id")
                    .col("occurred_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("newsletter_issue")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("subject", 200))
                    .col(text("body"))
                    .col(text("topics"))
                    .col(string_len("language", 2))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("newsletter_delivery")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("issue_id"))
                    .col(uuid("subscriber_id"))
                    // The outbox row; null once it is erased with the subscriber's address.
                    .col(uuid_null("outbound_email_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("newsletter_delivery", "issue_id", "newsletter_issue", true))
                    .foreign_key(&mut fk("newsletter_delivery", "subscriber_id", "subscriber", false))
                    .to_owned(),
            )
            .await?;
        // Sending an issue twice (or twice at once) mails nobody twice.
        manager
            .create_index(
                Index::create()
                    .name("idx_newsletter_delivery_issue_subscriber")
                    .table("newsletter_delivery")
                    .col("issue_id")
                    .col("subscriber_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in
            ["newsletter_delivery", "newsletter_issue", "subscription_consent", "subscriber_token", "subscriber"]
        {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
