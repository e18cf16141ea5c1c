//! `expert_assignment`: an expert assigned by staff to a pilot region, with the planned days a month.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert_assignment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub expert_id: Uuid,
    pub region_id: Uuid,
    pub role: AssignmentRole,
    /// Days a month planned for this region.
    pub planned_days: i32,
    pub status: AssignmentStatus,
    /// When the expert declared having no conflict of interest (on accepting).
    pub no_conflict_declared_at: Option<DateTimeUtc>,
    pub response_note: Option<String>,
    pub assigned_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub responded_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum AssignmentRole {
    /// Leads the region's expert team (one at a time).
    #[sea_orm(string_value = "LEAD_EXPERT")]
    LeadExpert,
    #[sea_orm(string_value = "EXPERT")]
    Expert,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum AssignmentStatus {
    /// Proposed by staff; the expert accepts or declines. Its days are already held.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    #[sea_orm(string_value = "ENDED")]
    Ended,
}

impl AssignmentStatus {
    /// Proposed and accepted assignments hold the expert's days.
    pub const ACTIVE: [AssignmentStatus; 2] = [AssignmentStatus::Proposed, AssignmentStatus::Accepted];
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
