//! Events (webinars, in-person and hybrid meetings) and their registrations with a waitlist.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("event")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 20))
                    .col(string_len("title", 300))
                    .col(text("description"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(string_len("time_zone", 64))
                    .col(string_len_null("venue", 500))
                    .col(string_len_null("join_url", 1000))
                    .col(integer("capacity"))
                    // Confirmed registrations; only ever changed by conditional updates (never above capacity).
                    .col(integer("seats_taken").default(0))
                    .col(timestamp_with_time_zone("registration_opens_at"))
                    .col(timestamp_with_time_zone("registration_closes_at"))
                    // Newsletter topics, delimited: `,EVENTS,NEWS,` (so `LIKE '%,EVENTS,%'` filters on both databases).
                    .col(string_len("topics", 200))
                    .col(char_len("language", 2))
                    .col(string_len_null("country_code", 2))
                    .col(string_len("status", 20))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_event_starts_at_id").table("event").col("starts_at").col("id").to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_registration")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("event_id"))
                    // Null for people who registered by e-mail without an account.
                    .col(uuid_null("user_id"))
                    // Normalised (trimmed, lower-case).
                    .col(string_len("email", 254))
                    .col(string_len("name", 200))
                    .col(string_len("status", 20))
                    // Order on the waitlist (1, 2, ...); kept after promotion, for the record.
                    .col(integer_null("waitlist_position"))
                    .col(string_len_null("confirm_token_hash", 64).unique_key())
                    .col(timestamp_with_time_zone_null("confirm_token_expires_at"))
                    .col(string_len_null("cancel_token_hash", 64).unique_key())
                    .col(boolean("attended").default(false))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("confirmed_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_registration_event_id")
                            .from("event_registration", "event_id")
                            .to("event", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_registration_user_id")
                            .from("event_registration", "user_id")
                            .to("app_user", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One registration per person per event: by account, and by address (NULL user ids never clash).
        manager
            .create_index(
                Index::create()
                    .name("uq_event_registration_event_user")
                    .table("event_registration")
                    .col("event_id")
                    .col("user_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_event_registration_event_email")
                    .table("event_registration")
                    .col("event_id")
                    .col("email")
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["event_registration", "event"] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
