//! `strategy_finance_line`: a line of the financial plan: source, year and amount.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_finance_line")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub position: i32,
    pub revision: i32,
    pub source: FundingSource,
    pub programme_id: Option<Uuid>,
    pub year: i32,
    /// Decimal string.
    pub amount: String,
    pub currency: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(30))")]
pub enum FundingSource {
    #[sea_orm(string_value = "INTERREG_PROGRAMME")]
    InterregProgramme,
    #[sea_orm(string_value = "OTHER_EU_FUND")]
    OtherEuFund,
    #[sea_orm(string_value = "NATIONAL_OR_REGIONAL")]
    NationalOrRegional,
    #[sea_orm(string_value = "PRIVATE")]
    Private,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
