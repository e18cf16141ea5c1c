//! `audit_event`: a security event (logins, role and password changes), readable by admins.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub action: String,
    /// Who did it (a user or service account), when known.
    pub actor_id: Option<Uuid>,
    /// Whom it concerned, when it concerned a user.
    pub subject_id: Option<Uuid>,
    pub client_address: Option<String>,
    /// JSON with details; never passwords or tokens.
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
