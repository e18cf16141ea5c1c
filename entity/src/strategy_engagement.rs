//! `strategy_engagement`: an engagement activity of the community involvement process.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_engagement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub position: i32,
    pub revision: i32,
    pub held_on: Date,
    pub kind: EngagementKind,
    pub participants: i32,
    pub description: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(30))")]
pub enum EngagementKind {
    #[sea_orm(string_value = "WORKSHOP")]
    Workshop,
    #[sea_orm(string_value = "PUBLIC_MEETING")]
    PublicMeeting,
    #[sea_orm(string_value = "SURVEY")]
    Survey,
    #[sea_orm(string_value = "CONSULTATION")]
    Consultation,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
