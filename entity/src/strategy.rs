//! `strategy`: the CLLD strategy of one region, pointing at its current, reviewed and published versions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub current_version_id: Uuid,
    pub reviewed_version_id: Option<Uuid>,
    pub published_version_id: Option<Uuid>,
    pub status: StrategyStatus,
    pub reviewed_status: Option<StrategyStatus>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    /// Strictly increasing across strategies in commit order (the sync cursor's first key).
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum StrategyStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "IN_REVIEW")]
    InReview,
    #[sea_orm(string_value = "CHANGES_REQUESTED")]
    ChangesRequested,
    #[sea_orm(string_value = "ADOPTED")]
    Adopted,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
