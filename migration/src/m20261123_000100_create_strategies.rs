//! CLLD strategies (issue 9): one strategy per region with its versions, the Article 32 content of each version
//! in tables of their own, translations of its texts, the history of its workflow moves, and the clock that
//! gives strategy changes strictly increasing `updated_at` stamps in commit order (for incremental sync).

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

/// The columns every content row of a version has: its id, version, position and revision.
fn content_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .if_not_exists()
        .col(pk_uuid("id"))
        .col(uuid("version_id"))
        .col(integer("position"))
        .col(integer("revision").default(1))
        .foreign_key(&mut fk(name, "version_id", "strategy_version", "id"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("strategy")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("region_id").unique_key())
                    // The newest version, the newest one that reached review, the newest published one.
                    .col(uuid("current_version_id"))
                    .col(uuid_null("reviewed_version_id"))
                    .col(uuid_null("published_version_id"))
                    // Statuses of the current and the reviewed version, for filters.
                    .col(string_len("status", 20))
                    .col(string_len_null("reviewed_status", 20))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    // Strictly increasing across all strategies, in commit order (see `strategy_clock`).
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("strategy", "region_id", "cross_border_region", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("strategy", &["updated_at", "id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("strategy_version")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("strategy_id"))
                    .col(integer("number"))
                    .col(string_len("status", 20))
                    .col(integer("revision").default(1))
                    .col(char_len("main_language", 2))
                    .col(string_len_null("title", 300))
                    .col(text_null("area_description"))
                    .col(big_integer_null("population"))
                    .col(string_len_null("area_km2", 20))
                    .col(text_null("community_involvement"))
                    .col(text_null("needs_analysis"))
                    .col(text_null("management"))
                    .col(text_null("monitoring"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .col(timestamp_with_time_zone_null("adopted_at"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .foreign_key(&mut fk("strategy_version", "strategy_id", "strategy", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("strategy_version", &["strategy_id", "number"]).unique().to_owned()).await?;
        let mut engagement = content_table("strategy_engagement");
        engagement
            .col(date("held_on"))
            .col(string_len("kind", 30))
            .col(integer("participants"))
            .col(text("description"));
        manager.create_table(engagement).await?;
        let mut swot = content_table("strategy_swot_item");
        swot.col(string_len("category", 20)).col(text("text"));
        manager.create_table(swot).await?;
        let mut objective = content_table("strategy_objective");
        objective.col(string_len("title", 300)).col(text("description"));
        manager.create_table(objective).await?;
        let mut target = content_table("strategy_target");
        target
            .col(uuid("objective_id"))
            .col(string_len("indicator", 300))
            .col(string_len_null("baseline", 30))
            .col(string_len_null("target_value", 30))
            .col(string_len_null("unit", 50))
            .col(date_null("target_date"))
            .foreign_key(&mut fk("strategy_target", "objective_id", "strategy_objective", "id"));
        manager.create_table(target).await?;
        let mut action = content_table("strategy_action");
        action
            .col(uuid("objective_id"))
            .col(string_len("title", 300))
            .col(text("description"))
            .col(uuid_null("responsible_organisation_id"))
            .col(date_null("starts_on"))
            .col(date_null("ends_on"))
            .col(string_len_null("budget", 30))
            .foreign_key(&mut fk("strategy_action", "objective_id", "strategy_objective", "id"));
        manager.create_table(action).await?;
        let mut member = content_table("strategy_lag_member");
        member
            .col(uuid_null("organisation_id"))
            .col(string_len_null("name", 300))
            .col(string_len("interest_group", 20))
            .col(string_len("voting_share", 10));
        manager.create_table(member).await?;
        let mut line = content_table("strategy_finance_line");
        line.col(string_len("source", 30))
            .col(uuid_null("programme_id"))
            .col(integer("year"))
            .col(string_len("amount", 30))
            .col(char_len("currency", 3));
        manager.create_table(line).await?;
        for table in [
            "strategy_engagement",
            "strategy_swot_item",
            "strategy_objective",
            "strategy_target",
            "strategy_action",
            "strategy_lag_member",
            "strategy_finance_line",
        ] {
            manager.create_index(index(table, &["version_id"])).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("strategy_translation")
                    .if_not_exists()
                    .col(uuid("version_id"))
                    // The version itself or one of its objectives or actions.
                    .col(uuid("subject_id"))
                    .col(char_len("language", 2))
                    .col(string_len("field", 40))
                    .col(text("text"))
                    .primary_key(Index::create().col("version_id").col("subject_id").col("language").col("field"))
                    .foreign_key(&mut fk("strategy_translation", "version_id", "strategy_version", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("strategy_move")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("strategy_id"))
                    .col(uuid("version_id"))
                    .col(string_len_null("from_status", 20))
                    .col(string_len("to_status", 20))
                    .col(uuid("actor_id"))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .foreign_key(&mut fk("strategy_move", "strategy_id", "strategy", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("strategy_move", &["strategy_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("strategy_clock")
                    .if_not_exists()
                    .col(integer("id").primary_key())
                    .col(big_integer("ticks").default(0))
                    .col(timestamp_with_time_zone_null("last_stamp"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("strategy_clock")
                    .columns(["id", "ticks"])
                    .values_panic([1.into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "strategy_clock",
            "strategy_move",
            "strategy_translation",
            "strategy_finance_line",
            "strategy_lag_member",
            "strategy_action",
            "strategy_target",
            "strategy_objective",
            "strategy_swot_item",
            "strategy_engagement",
            "strategy_version",
            "strategy",
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
