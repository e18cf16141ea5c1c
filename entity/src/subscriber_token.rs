//! `subscriber_token`: tokens mailed to a subscriber (confirmation, manage/unsubscribe); only hashes are kept.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriber_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subscriber_id: Uuid,
    pub purpose: SubscriberTokenPurpose,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// CONFIRM tokens expire; MANAGE tokens live as long as the subscriber's address.
    pub expires_at: Option<DateTimeUtc>,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SubscriberTokenPurpose {
    /// Single-use, expiring: confirms a subscription.
    #[sea_orm(string_value = "CONFIRM")]
    Confirm,
    /// Long-lived: manage link and one-click unsubscribe.
    #[sea_orm(string_value = "MANAGE")]
    Manage,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
