//! Comments on strategies (issue 10): staff and assigned experts comment on a strategy version (optionally on one
//! of its objectives), the strategy's editors reply (one level: a reply belongs to a thread's first comment), and
//! threads are resolved and reopened, recording who and when.

use crate::schema_helpers::{foreign_key, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let cascade = ForeignKeyAction::Cascade;
        manager
            .create_table(
                Table::create()
                    .table("strategy_comment")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("strategy_id"))
                    // The version the comment was written on, and its number (comments stay on later versions).
                    .col(uuid("version_id"))
                    .col(integer("version_number"))
                    // An objective of that version; no foreign key: removing the objective from a draft keeps
                    // the comment (it then names an objective that is gone).
                    .col(uuid_null("objective_id"))
                    // The thread's first comment, for a reply; null for a thread.
                    .col(uuid_null("thread_id"))
                    // The author; null once the author's account is erased.
                    .col(uuid_null("created_by"))
                    // STAFF, EXPERT or EDITOR: the author's part in the strategy when writing.
                    .col(string_len("author_role", 20))
                    // Null once the author's account is erased.
                    .col(text_null("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(uuid_null("resolved_by"))
                    .col(timestamp_with_time_zone_null("reopened_at"))
                    .col(uuid_null("reopened_by"))
                    .col(timestamp_with_time_zone_null("erased_at"))
                    .foreign_key(&mut foreign_key("strategy_comment", "strategy_id", "strategy", "id", cascade))
                    .foreign_key(&mut foreign_key("strategy_comment", "version_id", "strategy_version", "id", cascade))
                    .foreign_key(&mut foreign_key("strategy_comment", "thread_id", "strategy_comment", "id", cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("strategy_comment", &["strategy_id", "created_at", "id"])).await?;
        manager.create_index(index("strategy_comment", &["thread_id"])).await?;
        manager.create_index(index("strategy_comment", &["created_by"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("strategy_comment").if_exists().to_owned()).await?;
        Ok(())
    }
}
