//! The applicant flow: organisations and their members and invitations, cross-border regions, partnerships
//! and partners, calls, applications with their workflow events, and the lock that serialises selections.

use crate::schema_helpers::{foreign_key, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    table: &'static str,
    column: &'static str,
    to: &'static str,
    to_column: &'static str,
) -> ForeignKeyCreateStatement {
    foreign_key(table, column, to, to_column, ForeignKeyAction::Cascade)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("organisation")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("name", 255))
                    .col(string_len_null("original_name", 255))
                    .col(string_len("organisation_type", 40))
                    .col(char_len("country_code", 2))
                    .col(string_len_null("nuts_code", 5))
                    .col(text_null("address"))
                    .col(string_len("registration_id", 100))
                    .col(string_len_null("website", 500))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("organisation", "country_code", "country", "code"))
                    .to_owned(),
            )
            .await?;
        // One organisation per legal registration in a country, even under concurrent creation.
        manager.create_index(index("organisation", &["country_code", "registration_id"]).unique().to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table("organisation_member")
                    .if_not_exists()
                    .col(uuid("organisation_id"))
                    .col(uuid("user_id"))
                    .col(string_len("role", 10))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("organisation_id").col("user_id"))
                    .foreign_key(&mut fk("organisation_member", "organisation_id", "organisation", "id"))
                    .foreign_key(&mut fk("organisation_member", "user_id", "app_user", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("organisation_member", &["user_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("organisation_invitation")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("organisation_id"))
                    .col(string_len("email", 254))
                    .col(string_len("role", 10))
                    .col(string_len_uniq("token_hash", 128))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(uuid("invited_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("organisation_invitation", "organisation_id", "organisation", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("cross_border_region")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("name", 255))
                    .col(text("description"))
                    .col(big_integer_null("population"))
                    .col(double_null("area_km2"))
                    .col(string_len("status", 10))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for (table, column, ty, to, to_column) in [
            ("region_country", "country_code", "char", "country", "code"),
            ("region_nuts", "nuts_code", "string", "nuts_region", "code"),
            ("region_programme", "programme_id", "uuid", "interreg_programme", "id"),
        ] {
            let key = match ty {
                "uuid" => uuid(column),
                "char" => char_len(column, 2),
                _ => string_len(column, 5),
            };
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .if_not_exists()
                        .col(uuid("region_id"))
                        .col(key)
                        .primary_key(Index::create().col("region_id").col(column))
                        .foreign_key(&mut fk(table, "region_id", "cross_border_region", "id"))
                        .foreign_key(&mut fk(table, column, to, to_column))
                        .to_owned(),
                )
                .await?;
        }
        manager.create_index(index("region_country", &["country_code"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("partnership")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("region_id"))
                    .col(string_len("name", 255))
                    .col(text_null("governance"))
                    .col(integer_null("public_sector_share"))
                    .col(integer_null("private_sector_share"))
                    .col(integer_null("civil_society_share"))
                    .col(integer_null("other_share"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("partnership", "region_id", "cross_border_region", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("partner")
                    .if_not_exists()
                    .col(uuid("partnership_id"))
                    .col(uuid("organisation_id"))
                    .col(char_len("side", 2))
                    .col(string_len("role", 10))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("partnership_id").col("organisation_id"))
                    .foreign_key(&mut fk("partner", "partnership_id", "partnership", "id"))
                    .foreign_key(&mut fk("partner", "organisation_id", "organisation", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("partner", &["organisation_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("call")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 20))
                    .col(string_len("title", 255))
                    .col(integer("round"))
                    .col(text("description"))
                    .col(timestamp_with_time_zone("opens_at"))
                    .col(timestamp_with_time_zone("closes_at"))
                    .col(integer("max_selections"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("application")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("call_id"))
                    .col(uuid("partnership_id"))
                    .col(string_len("status", 20))
                    .col(text_null("motivation"))
                    .col(text_null("challenges"))
                    .col(text_null("priorities"))
                    .col(text_null("cooperation"))
                    .col(text_null("capacity"))
                    .col(text("languages"))
                    .col(text("attachments"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .col(boolean_null("eligibility_passed"))
                    .col(text_null("eligibility_reasons"))
                    .col(text_null("quality_scores"))
                    .col(text_null("quality_comment"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("application", "call_id", "call", "id"))
                    .foreign_key(&mut fk("application", "partnership_id", "partnership", "id"))
                    .to_owned(),
            )
            .await?;
        // One application per partnership and call.
        manager.create_index(index("application", &["call_id", "partnership_id"]).unique().to_owned()).await?;
        manager.create_index(index("application", &["status"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("application_event")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("application_id"))
                    .col(string_len_null("from_status", 20))
                    .col(string_len("to_status", 20))
                    .col(uuid("actor_id"))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .foreign_key(&mut fk("application_event", "application_id", "application", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("application_event", &["application_id", "occurred_at"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("selection_lock")
                    .if_not_exists()
                    .col(integer("id").primary_key())
                    .col(big_integer("decisions"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("selection_lock")
                    .columns(["id", "decisions"])
                    .values_panic([1.into(), 0i64.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "selection_lock",
            "application_event",
            "application",
            "call",
            "partner",
            "partnership",
            "region_programme",
            "region_nuts",
            "region_country",
            "cross_border_region",
            "organisation_invitation",
            "organisation_member",
            "organisation",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
