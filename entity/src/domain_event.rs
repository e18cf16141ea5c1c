//! `domain_event`: one committed change (`application.submitted`, `call.published`, ...), numbered by `position`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_event")]
pub struct Model {
    /// Monotonically increasing; readers resume after the last position they saw.
    #[sea_orm(primary_key)]
    pub position: i64,
    /// Stable identity of the event (e.g. a webhook's `webhook-id`).
    #[sea_orm(unique)]
    pub id: Uuid,
    /// `area.fact`, e.g. `application.submitted`.
    pub event_type: String,
    /// The GraphQL type of the subject, e.g. `Application`.
    pub subject_type: String,
    pub subject_id: Uuid,
    /// The subject's global ID, as `node(id:)` takes it.
    pub subject: String,
    /// Who caused it (a user or a service account); none for anonymous callers and the system.
    pub actor_id: Option<Uuid>,
    /// `USER` or `SERVICE_ACCOUNT` when there is an actor.
    pub actor_kind: Option<String>,
    pub occurred_at: DateTimeUtc,
    /// Who may learn of it before the subject's own policy is asked: `PUBLIC`, `STAFF` or `PARTIES`.
    pub visibility: String,
    /// JSON facts of the change; never secrets, tokens or passwords.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
