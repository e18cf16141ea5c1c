//! `cross_border_region`: a territory spanning two or three countries (its sides), candidate or pilot.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cross_border_region")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub population: Option<i64>,
    pub area_km2: Option<f64>,
    pub status: RegionStatus,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum RegionStatus {
    #[sea_orm(string_value = "CANDIDATE")]
    Candidate,
    #[sea_orm(string_value = "PILOT")]
    Pilot,
    #[sea_orm(string_value = "ALUMNI")]
    Alumni,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
