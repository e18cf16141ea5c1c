//! `service_account_scope`: one scope (`read:events`, `webhooks:manage`, ...) of a service account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_account_scope")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_account_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
