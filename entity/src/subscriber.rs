//! `subscriber`: an e-mail address subscribed to newsletter topics, with or without an account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriber")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Trimmed and lower-cased; none once erased.
    #[sea_orm(unique)]
    pub email: Option<String>,
    pub status: SubscriptionStatus,
    /// Topic names between commas: `,EVENTS,NEWS,`.
    #[sea_orm(column_type = "Text")]
    pub topics: String,
    /// ISO 639-1 code; none once erased.
    pub language: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub unsubscribed_at: Option<DateTimeUtc>,
}

/// Where a subscription stands. Only CONFIRMED subscribers get newsletters.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SubscriptionStatus {
    /// Waiting for the confirmation link to be followed.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    #[sea_orm(string_value = "UNSUBSCRIBED")]
    Unsubscribed,
    /// The address and personal fields are gone; the row stays for anonymous counts.
    #[sea_orm(string_value = "ERASED")]
    Erased,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
