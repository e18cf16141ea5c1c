//! `subscription_consent`: the append-only history of a subscriber's consent (no address in it).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_consent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subscriber_id: Uuid,
    pub action: ConsentAction,
    /// Topic names between commas, as at that moment.
    #[sea_orm(column_type = "Text")]
    pub topics: String,
    pub language: Option<String>,
    /// The version of the consent wording shown to the subscriber.
    pub wording_version: String,
    /// Which frontend (or channel) the change came through.
    pub source: String,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ConsentAction {
    #[sea_orm(string_value = "SUBSCRIBED")]
    Subscribed,
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    #[sea_orm(string_value = "UPDATED")]
    Updated,
    #[sea_orm(string_value = "UNSUBSCRIBED")]
    Unsubscribed,
    #[sea_orm(string_value = "ERASED")]
    Erased,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
