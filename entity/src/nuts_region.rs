//! `nuts_region`: a NUTS 2024 region (or a statistical region of a non-EU country), levels 1 to 3.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nuts_region")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub level: i16,
    pub parent_code: Option<String>,
    /// The NUTS country code (EL for Greece).
    pub nuts_country: String,
    pub name: String,
    /// `name` lower-cased in Rust (Unicode-aware), for case-insensitive search on both databases.
    pub name_search: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
