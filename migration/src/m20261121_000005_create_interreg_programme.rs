//! The `interreg_programme` table (the Interreg programmes 2021–2027) and `interreg_programme_country`, the
//! countries each one covers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("interreg_programme")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    // The Commission's CCI code; unknown for most programmes until it is confirmed.
                    .col(string_len_null("cci", 20).unique_key())
                    .col(string_len_uniq("name", 255))
                    .col(string_len("strand", 10))
                    .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
                    .col(timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("interreg_programme_country")
                    .if_not_exists()
                    .col(uuid("programme_id"))
                    // An ISO 3166-1 code, not a reference to `country`: programmes also cover countries that are
                    // not eligible for IMPACT (e.g. the United Kingdom, Iceland, the southern Mediterranean).
                    .col(char_len("country_code", 2))
                    .primary_key(Index::create().col("programme_id").col("country_code"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_interreg_programme_country_programme")
                            .from("interreg_programme_country", "programme_id")
                            .to("interreg_programme", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_interreg_programme_country_code")
                    .table("interreg_programme_country")
                    .col("country_code")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("interreg_programme_country").to_owned()).await?;
        manager.drop_table(Table::drop().table("interreg_programme").to_owned()).await
    }
}
