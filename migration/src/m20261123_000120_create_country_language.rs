//! The official languages (ISO 639-1) of the eligible countries, at state level, from `data/country_languages.csv`
//! (sources in `data/SOURCES.md`): experts are matched with the sides of a region by these languages.

use crate::reference_data::{insert_rows, records};
use crate::schema_helpers::foreign_key;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const LANGUAGES: &str = include_str!("../data/country_languages.csv");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("country_language")
                    .if_not_exists()
                    .col(char_len("country_code", 2))
                    .col(char_len("language_code", 2))
                    .primary_key(Index::create().col("country_code").col("language_code"))
                    .foreign_key(&mut foreign_key(
                        "country_language",
                        "country_code",
                        "country",
                        "code",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        let rows =
            records("country_languages.csv", LANGUAGES)?.iter().map(|r| vec![r[0].into(), r[1].into()]).collect();
        insert_rows(manager, "country_language", &["country_code", "language_code"], rows).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("country_language").if_exists().to_owned()).await
    }
}
