//! `audit_event`: a security event or a workflow/administrative change, readable by admins.

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
    /// What it concerned: a user, or for workflow changes the object of `subject_type`.
    pub subject_id: Option<Uuid>,
    /// The GraphQL type of the subject (`Call`, `Application`, ...); none means a user.
    pub subject_type: Option<String>,
    pub client_address: Option<String>,
    /// JSON with details; never passwords or tokens.
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
