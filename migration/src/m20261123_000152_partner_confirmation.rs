//! Partners confirm taking part: `partner.status` (INVITED, CONFIRMED, DECLINED), who named the organisation,
//! and who answered and when. A partner named from now on starts INVITED unless the person naming it owns the
//! organisation; the partners that exist already were accepted under the old rules (no confirmation asked) and
//! become CONFIRMED, so applications in progress keep their partners.

use crate::schema_helpers::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager.has_column("partner", "status").await? {
            // The default is the safe one (not confirmed) for any row written without a status; the rows that
            // exist now are confirmed explicitly just below.
            manager
                .alter_table(
                    Table::alter().table("partner").add_column(string_len("status", 10).default("INVITED")).to_owned(),
                )
                .await?;
            manager.exec_stmt(Query::update().table("partner").value("status", "CONFIRMED").to_owned()).await?;
        }
        for column in ["invited_by", "answered_by"] {
            if !manager.has_column("partner", column).await? {
                manager.alter_table(Table::alter().table("partner").add_column(uuid_null(column)).to_owned()).await?;
            }
        }
        if !manager.has_column("partner", "answered_at").await? {
            manager
                .alter_table(
                    Table::alter().table("partner").add_column(timestamp_with_time_zone_null("answered_at")).to_owned(),
                )
                .await?;
        }
        manager.create_index(index("partner", &["organisation_id", "status"]).if_not_exists().to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_partner_organisation_id_status").table("partner").to_owned())
            .await?;
        for column in ["answered_at", "answered_by", "invited_by", "status"] {
            manager.alter_table(Table::alter().table("partner").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
