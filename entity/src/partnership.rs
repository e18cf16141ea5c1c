//! `partnership`: the organisations of one region working together, with their governance and voting shares.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub name: String,
    pub governance: Option<String>,
    /// Voting shares of the interest groups, in percent; null until set.
    pub public_sector_share: Option<i32>,
    pub private_sector_share: Option<i32>,
    pub civil_society_share: Option<i32>,
    pub other_share: Option<i32>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
