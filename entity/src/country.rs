//! `country`: an eligible country with its ISO 3166-1 and NUTS codes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "country")]
pub struct Model {
    /// ISO 3166-1 alpha-2 (XK for Kosovo).
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Eurostat code; differs from `code` only for Greece (EL).
    #[sea_orm(unique)]
    pub nuts_code: String,
    pub name: String,
    pub status: CountryStatus,
    pub eligible: bool,
}

/// Why a country takes part in the programme.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum CountryStatus {
    /// One of the 27 EU member states.
    #[sea_orm(string_value = "EU")]
    Eu,
    /// An EFTA member (Liechtenstein, Norway, Switzerland).
    #[sea_orm(string_value = "EFTA")]
    Efta,
    /// Associated without EFTA membership (Andorra).
    #[sea_orm(string_value = "ASSOCIATED")]
    Associated,
    /// An IPA (pre-accession) country.
    #[sea_orm(string_value = "IPA")]
    Ipa,
    /// A NEXT (neighbourhood) country.
    #[sea_orm(string_value = "NEXT")]
    Next,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
