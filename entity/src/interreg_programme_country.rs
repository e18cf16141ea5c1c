//! `interreg_programme_country`: a country an Interreg programme covers, by ISO 3166-1 code (GR for Greece).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interreg_programme_country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: Uuid,
    /// Not a reference to `country`: a programme may also cover countries outside IMPACT (e.g. GB, IS, TN).
    #[sea_orm(primary_key, auto_increment = false)]
    pub country_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::interreg_programme::Entity",
        from = "Column::ProgrammeId",
        to = "super::interreg_programme::Column::Id",
        on_delete = "Cascade"
    )]
    Programme,
}

impl Related<super::interreg_programme::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Programme.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
