//! `strategy_action`: a planned action of an objective.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub position: i32,
    pub revision: i32,
    pub objective_id: Uuid,
    pub title: String,
    pub description: String,
    pub responsible_organisation_id: Option<Uuid>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// Decimal string, EUR.
    pub budget: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
