//! `event`: a webinar, in-person or hybrid meeting that people register for; `seats_taken` never exceeds `capacity`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: EventKind,
    pub title: String,
    /// Markdown.
    pub description: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// IANA name of the zone to show the times in, e.g. `Europe/Ljubljana`.
    pub time_zone: String,
    pub venue: Option<String>,
    pub join_url: Option<String>,
    pub capacity: i32,
    pub seats_taken: i32,
    pub registration_opens_at: DateTimeUtc,
    pub registration_closes_at: DateTimeUtc,
    /// Newsletter topics, delimited: `,EVENTS,NEWS,`.
    pub topics: String,
    pub language: String,
    pub country_code: Option<String>,
    pub status: EventStatus,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum EventKind {
    #[sea_orm(string_value = "WEBINAR")]
    Webinar,
    #[sea_orm(string_value = "IN_PERSON")]
    InPerson,
    #[sea_orm(string_value = "HYBRID")]
    Hybrid,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum EventStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
