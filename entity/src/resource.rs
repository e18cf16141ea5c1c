//! `resource`: an item of the resources library (guide, tool, report, template, recording).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resource")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub kind: ResourceKind,
    pub url: String,
    /// ISO 639-1 codes between commas: `,en,fr,`.
    #[sea_orm(column_type = "Text")]
    pub languages: String,
    /// Topic names between commas.
    #[sea_orm(column_type = "Text")]
    pub topics: String,
    /// None while a draft; the public sees only published resources.
    pub published_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ResourceKind {
    #[sea_orm(string_value = "GUIDE")]
    Guide,
    #[sea_orm(string_value = "TOOL")]
    Tool,
    #[sea_orm(string_value = "REPORT")]
    Report,
    #[sea_orm(string_value = "TEMPLATE")]
    Template,
    #[sea_orm(string_value = "RECORDING")]
    Recording,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
