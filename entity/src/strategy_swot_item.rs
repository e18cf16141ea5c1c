//! `strategy_swot_item`: one entry of the SWOT analysis (strength, weakness, opportunity or threat).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_swot_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub position: i32,
    pub revision: i32,
    pub category: SwotCategory,
    pub text: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SwotCategory {
    #[sea_orm(string_value = "STRENGTH")]
    Strength,
    #[sea_orm(string_value = "WEAKNESS")]
    Weakness,
    #[sea_orm(string_value = "OPPORTUNITY")]
    Opportunity,
    #[sea_orm(string_value = "THREAT")]
    Threat,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
