//! An index for every foreign key that had none, and one for the list of cross-border regions.
//!
//! Neither database indexes a referencing column by itself (SQLite and PostgreSQL index only primary keys and
//! unique constraints), so each batched lookup by such a column (`partnership.region_id IN (...)` for a page of
//! regions, the objectives' targets and actions, a version's comments, a user's registrations) read the whole
//! table, and deleting or erasing a referenced row checked every child row. Regions are listed by status in
//! (name, id) order: `(status, name, id)` gives that page without reading and sorting every region.
//! Measured in BENCHMARKS.md (issue 14).

use crate::schema_helpers::{index, index_name};
use sea_orm_migration::prelude::*;

/// (table, columns) of the new indexes.
const INDEXES: &[(&str, &[&str])] = &[
    ("user_token", &["user_id"]),
    ("external_identity", &["user_id"]),
    ("user_programme", &["programme_id"]),
    ("organisation_invitation", &["organisation_id"]),
    ("region_nuts", &["nuts_code"]),
    ("region_programme", &["programme_id"]),
    ("partnership", &["region_id"]),
    ("application", &["partnership_id"]),
    ("subscriber_token", &["subscriber_id"]),
    ("newsletter_delivery", &["subscriber_id"]),
    ("event_registration", &["user_id"]),
    ("strategy_target", &["objective_id"]),
    ("strategy_action", &["objective_id"]),
    ("strategy_comment", &["version_id"]),
    ("expert_profile", &["call_id"]),
    ("expert_country", &["country_code"]),
    ("expert_conflict", &["organisation_id"]),
    ("cross_border_region", &["status", "name", "id"]),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in INDEXES {
            manager.create_index(index(table, columns).if_not_exists().to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in INDEXES {
            manager.drop_index(Index::drop().name(index_name(table, columns)).table(*table).to_owned()).await?;
        }
        Ok(())
    }
}
