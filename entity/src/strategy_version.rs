//! `strategy_version`: one version of a strategy, its status, revision and Article 32 texts.

use crate::strategy::StrategyStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub strategy_id: Uuid,
    pub number: i32,
    pub status: StrategyStatus,
    /// Raised by every change of the version's own texts (optimistic concurrency).
    pub revision: i32,
    pub main_language: String,
    pub title: Option<String>,
    pub area_description: Option<String>,
    pub population: Option<i64>,
    /// Decimal string, km².
    pub area_km2: Option<String>,
    pub community_involvement: Option<String>,
    pub needs_analysis: Option<String>,
    pub management: Option<String>,
    pub monitoring: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub adopted_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
