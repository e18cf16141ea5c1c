//! `expert_profile`: an expert's profile (one per user with the EXPERT role) and where its vetting stands.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert_profile")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub headline: String,
    pub biography: String,
    pub years_experience: i32,
    pub days_per_month: i32,
    pub cv_url: Option<String>,
    pub status: ExpertStatus,
    /// The expert call applied to.
    pub call_id: Option<Uuid>,
    /// The short statement of the application to the expert call.
    pub statement: Option<String>,
    pub applied_at: Option<DateTimeUtc>,
    pub vetted_by: Option<Uuid>,
    pub vetted_at: Option<DateTimeUtc>,
    pub vetting_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Where an expert stands with the programme.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ExpertStatus {
    /// A profile, not yet applied to an expert call.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Applied to an expert call; waiting for vetting.
    #[sea_orm(string_value = "APPLIED")]
    Applied,
    /// Selected by the programme: may be matched and assigned.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
