//! `event_registration`: one person's place at an event (a seat, a waitlist place, or pending e-mail confirmation).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_registration")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    pub user_id: Option<Uuid>,
    pub email: String,
    pub name: String,
    pub status: RegistrationStatus,
    pub waitlist_position: Option<i32>,
    pub confirm_token_hash: Option<String>,
    pub confirm_token_expires_at: Option<DateTimeUtc>,
    pub cancel_token_hash: Option<String>,
    pub attended: bool,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum RegistrationStatus {
    /// Registered by e-mail; holds nothing until the address is confirmed.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Holds a seat.
    #[sea_orm(string_value = "REGISTERED")]
    Registered,
    #[sea_orm(string_value = "WAITLISTED")]
    Waitlisted,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
