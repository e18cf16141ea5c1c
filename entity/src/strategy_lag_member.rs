//! `strategy_lag_member`: a member of the local action group with its interest group and voting share.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_lag_member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub position: i32,
    pub revision: i32,
    pub organisation_id: Option<Uuid>,
    pub name: Option<String>,
    pub interest_group: InterestGroup,
    /// Decimal string, percent.
    pub voting_share: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum InterestGroup {
    #[sea_orm(string_value = "PUBLIC_SECTOR")]
    PublicSector,
    #[sea_orm(string_value = "PRIVATE_SECTOR")]
    PrivateSector,
    #[sea_orm(string_value = "CIVIL_SOCIETY")]
    CivilSociety,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
