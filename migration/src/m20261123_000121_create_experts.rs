//! Experts: profiles (expertise, countries, languages with CEFR levels, unavailable periods, declared conflicts),
//! their vetting after the expert call, and their assignments to pilot regions.

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

/// A list table of a profile: `user_id` and one value, both the key.
fn profile_list(table: &'static str, column: ColumnDef) -> TableCreateStatement {
    let name = column.get_column_name();
    let mut statement = Table::create();
    statement
        .table(table)
        .if_not_exists()
        .col(uuid("user_id"))
        .col(column)
        .primary_key(Index::create().col("user_id").col(Alias::new(name)))
        .foreign_key(&mut fk(table, "user_id", "expert_profile", "user_id"));
    statement.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("expert_profile")
                    .if_not_exists()
                    .col(pk_uuid("user_id"))
                    .col(string_len("headline", 200))
                    .col(text("biography"))
                    .col(integer("years_experience"))
                    // Days a month the expert can give the programme; assignments' planned days never exceed it.
                    .col(integer("days_per_month"))
                    .col(string_len_null("cv_url", 1000))
                    // DRAFT, APPLIED, APPROVED, REJECTED.
                    .col(string_len("status", 20))
                    .col(uuid_null("call_id"))
                    .col(text_null("statement"))
                    .col(timestamp_with_time_zone_null("applied_at"))
                    .col(uuid_null("vetted_by"))
                    .col(timestamp_with_time_zone_null("vetted_at"))
                    .col(text_null("vetting_reason"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("expert_profile", "user_id", "app_user", "id"))
                    .foreign_key(&mut foreign_key("expert_profile", "call_id", "call", "id", ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("expert_profile", &["status", "user_id"])).await?;
        manager.create_table(profile_list("expert_expertise", string_len("area", 40))).await?;
        manager.create_index(index("expert_expertise", &["area"])).await?;
        let mut countries = profile_list("expert_country", char_len("country_code", 2));
        countries.foreign_key(&mut fk("expert_country", "country_code", "country", "code"));
        manager.create_table(countries).await?;
        let mut languages = profile_list("expert_language", char_len("language_code", 2));
        // A1..C2 or NATIVE.
        languages.col(string_len("level", 10));
        manager.create_table(languages).await?;
        manager.create_index(index("expert_language", &["language_code"])).await?;
        let mut conflicts = profile_list("expert_conflict", uuid("organisation_id"));
        conflicts.foreign_key(&mut fk("expert_conflict", "organisation_id", "organisation", "id"));
        manager.create_table(conflicts).await?;
        manager
            .create_table(
                Table::create()
                    .table("expert_unavailability")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .foreign_key(&mut fk("expert_unavailability", "user_id", "expert_profile", "user_id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("expert_unavailability", &["user_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("expert_assignment")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("expert_id"))
                    .col(uuid("region_id"))
                    // LEAD_EXPERT or EXPERT.
                    .col(string_len("role", 20))
                    // Days a month planned for this region.
                    .col(integer("planned_days"))
                    // PROPOSED, ACCEPTED, DECLINED, ENDED.
                    .col(string_len("status", 20))
                    // When the expert declared having no conflict of interest (on accepting).
                    .col(timestamp_with_time_zone_null("no_conflict_declared_at"))
                    .col(text_null("response_note"))
                    .col(uuid_null("assigned_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("responded_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("expert_assignment", "expert_id", "expert_profile", "user_id"))
                    .foreign_key(&mut fk("expert_assignment", "region_id", "cross_border_region", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("expert_assignment", &["expert_id", "status"])).await?;
        manager.create_index(index("expert_assignment", &["region_id", "status"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "expert_assignment",
            "expert_unavailability",
            "expert_conflict",
            "expert_language",
            "expert_country",
            "expert_expertise",
            "expert_profile",
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
