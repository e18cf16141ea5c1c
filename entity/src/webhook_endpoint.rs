//! `webhook_endpoint`: an integrator's URL that receives signed deliveries of the event types it chose.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The service account or user that registered it; deliveries pass the read rule as this principal.
    pub owner_id: Uuid,
    /// `USER` or `SERVICE_ACCOUNT`.
    pub owner_kind: String,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    pub description: String,
    /// The signing secret, `whsec_` + base64 (shown once, when created or rotated).
    pub secret: String,
    /// The secret before the last rotation, still signing (beside the new one) until `previous_secret_until`.
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    /// `ACTIVE` or `DISABLED` (after failing for longer than the configured time).
    pub status: String,
    /// Since when every delivery has failed; none while deliveries succeed.
    pub failing_since: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
