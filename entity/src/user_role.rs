//! `user_role`: the roles granted to a user.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_role")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: Role,
    pub granted_at: DateTimeUtc,
    pub granted_by: Option<Uuid>,
}

/// What a principal may do. Self-registration gives `Applicant` or `Expert`; an admin grants the others.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    #[sea_orm(string_value = "APPLICANT")]
    Applicant,
    #[sea_orm(string_value = "EXPERT")]
    Expert,
    #[sea_orm(string_value = "MANAGING_AUTHORITY")]
    ManagingAuthority,
    #[sea_orm(string_value = "STAFF")]
    Staff,
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "INTEGRATOR")]
    Integrator,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::app_user::Entity", from = "Column::UserId", to = "super::app_user::Column::Id")]
    User,
}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
