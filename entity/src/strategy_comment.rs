//! `strategy_comment`: a comment on a strategy version (optionally on one objective), or a reply to one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_comment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub strategy_id: Uuid,
    /// The version the comment was written on.
    pub version_id: Uuid,
    pub version_number: i32,
    pub objective_id: Option<Uuid>,
    /// The thread's first comment, for a reply.
    pub thread_id: Option<Uuid>,
    /// The author; null once the author's account is erased.
    pub created_by: Option<Uuid>,
    pub author_role: CommentAuthorRole,
    /// Null once the author's account is erased.
    pub body: Option<String>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<Uuid>,
    pub reopened_at: Option<DateTimeUtc>,
    pub reopened_by: Option<Uuid>,
    pub erased_at: Option<DateTimeUtc>,
}

/// The author's part in the strategy when writing.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum CommentAuthorRole {
    /// Programme staff.
    #[sea_orm(string_value = "STAFF")]
    Staff,
    /// An expert with an accepted assignment to the strategy's region.
    #[sea_orm(string_value = "EXPERT")]
    Expert,
    /// An owner or editor of an organisation of the region's partnership.
    #[sea_orm(string_value = "EDITOR")]
    Editor,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
