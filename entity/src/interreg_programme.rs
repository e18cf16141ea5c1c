//! `interreg_programme`: an Interreg programme of 2021–2027, with its strand and (once confirmed) its CCI code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interreg_programme")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The Commission's CCI code (e.g. `2021TC16RFIR001`); null until confirmed.
    #[sea_orm(unique)]
    pub cci: Option<String>,
    #[sea_orm(unique)]
    pub name: String,
    pub strand: InterregStrand,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The strand of Interreg a programme belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum InterregStrand {
    /// Internal cross-border cooperation between EU member states (and EFTA neighbours).
    #[sea_orm(string_value = "A")]
    A,
    /// Transnational cooperation over larger areas, including the NEXT sea-basin programmes.
    #[sea_orm(string_value = "B")]
    B,
    /// Interregional cooperation across the whole EU.
    #[sea_orm(string_value = "C")]
    C,
    /// Cooperation of the outermost regions with their neighbours.
    #[sea_orm(string_value = "D")]
    D,
    /// Cross-border cooperation with pre-accession (IPA) countries.
    #[sea_orm(string_value = "IPA")]
    Ipa,
    /// Cross-border cooperation with neighbourhood (NEXT) countries.
    #[sea_orm(string_value = "NEXT")]
    Next,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::interreg_programme_country::Entity")]
    Countries,
}

impl Related<super::interreg_programme_country::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Countries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
