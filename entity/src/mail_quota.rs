//! `mail_quota`: mails asked for per key (a typed address's hash, or a client) in one fixed window.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_quota")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub quota_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_start: DateTimeUtc,
    pub requests: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
