//! `organisation`: a legal entity taking part in an application (a partner of a partnership).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub original_name: Option<String>,
    pub organisation_type: OrganisationType,
    /// ISO code of an eligible country.
    pub country_code: String,
    pub nuts_code: Option<String>,
    pub address: Option<String>,
    /// The legal registration id; unique per country.
    pub registration_id: String,
    pub website: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The kinds of legal entity that may apply.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum OrganisationType {
    #[sea_orm(string_value = "REGIONAL_AUTHORITY")]
    RegionalAuthority,
    #[sea_orm(string_value = "LOCAL_AUTHORITY")]
    LocalAuthority,
    #[sea_orm(string_value = "NGO")]
    Ngo,
    #[sea_orm(string_value = "CIVIL_SOCIETY")]
    CivilSociety,
    #[sea_orm(string_value = "LOCAL_ACTION_GROUP")]
    LocalActionGroup,
    #[sea_orm(string_value = "FISHERIES_LOCAL_ACTION_GROUP")]
    FisheriesLocalActionGroup,
    #[sea_orm(string_value = "TOURISM_ORGANISATION")]
    TourismOrganisation,
    #[sea_orm(string_value = "EGTC")]
    Egtc,
    #[sea_orm(string_value = "EUROREGION")]
    Euroregion,
    #[sea_orm(string_value = "OTHER_CROSS_BORDER_STRUCTURE")]
    OtherCrossBorderStructure,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
