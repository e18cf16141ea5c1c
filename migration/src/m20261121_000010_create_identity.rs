//! Identity and access: users and their roles, single-use e-mail tokens, refresh-token sessions,
//! service accounts for integrators, failed-login records for throttling, and the security audit log.

use crate::schema_helpers::{foreign_key, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows of a user go with the user.
fn fk(table: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    foreign_key(table, column, to, "id", ForeignKeyAction::Cascade)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("app_user")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    // Normalised (trimmed, lower-case), so uniqueness ignores case.
                    .col(string_len_uniq("email", 254))
                    .col(timestamp_with_time_zone_null("email_verified_at"))
                    // Null for users who only sign in through an external identity provider.
                    .col(string_len_null("password_hash", 255))
                    .col(string_len("display_name", 200))
                    .col(char_len("preferred_language", 2))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("user_role")
                    .if_not_exists()
                    .col(uuid("user_id"))
                    .col(string_len("role", 40))
                    .col(timestamp_with_time_zone("granted_at"))
                    .col(uuid_null("granted_by"))
                    .primary_key(Index::create().col("user_id").col("role"))
                    .foreign_key(&mut fk("user_role", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("user_programme")
                    .if_not_exists()
                    .col(uuid("user_id"))
                    .col(uuid("programme_id"))
                    .primary_key(Index::create().col("user_id").col("programme_id"))
                    .foreign_key(&mut fk("user_programme", "user_id", "app_user"))
                    .foreign_key(&mut fk("user_programme", "programme_id", "interreg_programme"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("user_token")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(string_len("purpose", 30))
                    // SHA-256 of the token; the token itself exists only in the mail.
                    .col(string_len_uniq("token_hash", 64))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("user_token", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("session")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    // All refresh tokens rotated from one login share a family; reuse revokes the family.
                    .col(uuid("family_id"))
                    .col(uuid("user_id"))
                    .col(string_len_uniq("refresh_token_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("rotated_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut fk("session", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("session", &["family_id"])).await?;
        manager.create_index(index("session", &["user_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("external_identity")
                    .if_not_exists()
                    .col(string_len("issuer", 500))
                    .col(string_len("subject", 255))
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("issuer").col("subject"))
                    .foreign_key(&mut fk("external_identity", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("service_account")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("name", 200))
                    .col(string_len_uniq("client_id", 64))
                    .col(string_len("secret_hash", 255))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("login_failure")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    // `account:<hash of e-mail>` or `client:<address>`: recorded whether or not the account exists.
                    .col(string_len("throttle_key", 128))
                    .col(timestamp_with_time_zone("failed_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("login_failure", &["throttle_key", "failed_at"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_event")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_len("action", 50))
                    .col(uuid_null("actor_id"))
                    .col(uuid_null("subject_id"))
                    .col(string_len_null("client_address", 64))
                    .col(text("detail"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("audit_event", &["occurred_at"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_event",
            "login_failure",
            "service_account",
            "external_identity",
            "session",
            "user_token",
            "user_programme",
            "user_role",
            "app_user",
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
