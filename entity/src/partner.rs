//! `partner`: an organisation in a partnership, on one side of the border, lead or not, and whether the
//! organisation confirmed taking part (an invitation its owners answer).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partnership_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    /// ISO code of the country (of the region) the partner stands for.
    pub side: String,
    pub role: PartnerRole,
    pub created_at: DateTimeUtc,
    /// Whether the organisation confirmed taking part.
    pub status: PartnerStatus,
    /// Who named the organisation as a partner (null for partners from before confirmations existed).
    pub invited_by: Option<Uuid>,
    /// The owner of the organisation who answered the invitation (or who named it and owns it).
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum PartnerStatus {
    /// Named by the partnership; the organisation's owners have not answered yet.
    #[sea_orm(string_value = "INVITED")]
    Invited,
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    #[sea_orm(string_value = "DECLINED")]
    Declined,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum PartnerRole {
    #[sea_orm(string_value = "LEAD")]
    Lead,
    #[sea_orm(string_value = "PARTNER")]
    Partner,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
