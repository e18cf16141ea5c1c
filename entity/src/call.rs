//! `call`: a call for pilot regions or for experts, open between two instants (UTC).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "call")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: CallKind,
    pub title: String,
    pub round: i32,
    pub description: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub max_selections: i32,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum CallKind {
    #[sea_orm(string_value = "PILOT_REGIONS")]
    PilotRegions,
    #[sea_orm(string_value = "EXPERTS")]
    Experts,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
