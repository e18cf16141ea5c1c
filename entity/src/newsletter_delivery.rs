//! `newsletter_delivery`: one issue queued for one subscriber; unique per (issue, subscriber).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "newsletter_delivery")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub issue_id: Uuid,
    pub subscriber_id: Uuid,
    pub outbound_email_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::outbound_email::Entity",
        from = "Column::OutboundEmailId",
        to = "super::outbound_email::Column::Id"
    )]
    OutboundEmail,
}

impl Related<super::outbound_email::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OutboundEmail.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
