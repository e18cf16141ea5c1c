//! `strategy_move`: one move of a strategy version along its workflow: who, when, from, to, and a note.

use crate::strategy::StrategyStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_move")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub strategy_id: Uuid,
    pub version_id: Uuid,
    pub from_status: Option<StrategyStatus>,
    pub to_status: StrategyStatus,
    pub actor_id: Uuid,
    pub note: Option<String>,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
