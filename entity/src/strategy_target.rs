//! `strategy_target`: a measurable target of an objective (indicator, baseline, value, unit, date).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_target")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub position: i32,
    pub revision: i32,
    pub objective_id: Uuid,
    pub indicator: String,
    pub baseline: Option<String>,
    pub target_value: Option<String>,
    pub unit: Option<String>,
    pub target_date: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
