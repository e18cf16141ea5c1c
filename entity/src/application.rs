//! `application`: a partnership's application to a call for pilot regions, its content and assessment.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub call_id: Uuid,
    pub partnership_id: Uuid,
    pub status: ApplicationStatus,
    pub motivation: Option<String>,
    pub challenges: Option<String>,
    pub priorities: Option<String>,
    pub cooperation: Option<String>,
    pub capacity: Option<String>,
    /// ISO 639-1 codes, comma-separated.
    pub languages: String,
    /// JSON: `[{"title": .., "url": ..}]`.
    pub attachments: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub eligibility_passed: Option<bool>,
    pub eligibility_reasons: Option<String>,
    /// JSON: `{"criterion": score}`.
    pub quality_scores: Option<String>,
    pub quality_comment: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ApplicationStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "RETURNED")]
    Returned,
    #[sea_orm(string_value = "ELIGIBLE")]
    Eligible,
    #[sea_orm(string_value = "INELIGIBLE")]
    Ineligible,
    #[sea_orm(string_value = "SELECTED")]
    Selected,
    #[sea_orm(string_value = "RESERVE")]
    Reserve,
    #[sea_orm(string_value = "NOT_SELECTED")]
    NotSelected,
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
