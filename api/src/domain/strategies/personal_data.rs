//! A person's data in strategies: strategies and versions record their creator by id (`created_by`), and the
//! workflow history the acting user by id (`strategy_move.actor_id`). LAG members may name a person (`name`),
//! typed in by the editors, not tied to an account. Comments hold their author's id and words
//! (`strategy_comment.created_by`, `body`) and who resolved or reopened a thread (`resolved_by`, `reopened_by`).
//!
//! Export: the history entries and the comments by this person. Erasure keeps the strategy rows: they hold the
//! person's id only, which leads to nobody once the account is gone, and the history of a strategy is a record
//! of the programme's decisions. The person's comments stay in their threads (so the others' replies still make
//! sense) without their words or author: body and author are cleared and the comment marked erased; the ids in
//! `resolved_by` and `reopened_by` are cleared too.

use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::{strategy_comment, strategy_move};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "strategies",
    tables: &["strategy", "strategy_version", "strategy_move", "strategy_comment"],
    on_erasure: "kept: strategies, versions and history rows keep the creator's or actor's id only, nothing personal \
                 beyond the id; comments: the person's words and authorship cleared (the comment stays in its \
                 thread, marked erased), and the person's id cleared where they resolved or reopened a thread",
};

/// The workflow moves the person made and the comments they wrote.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let moves = strategy_move::Entity::find()
        .filter(strategy_move::Column::ActorId.eq(person.user_id))
        .order_by_asc(strategy_move::Column::OccurredAt)
        .order_by_asc(strategy_move::Column::Id)
        .all(db)
        .await?;
    let comments = strategy_comment::Entity::find()
        .filter(strategy_comment::Column::CreatedBy.eq(person.user_id))
        .order_by_asc(strategy_comment::Column::CreatedAt)
        .order_by_asc(strategy_comment::Column::Id)
        .all(db)
        .await?;
    Ok(json!({
        "strategyMoves": moves.iter().map(|m| json!({
            "strategyId": m.strategy_id.to_string(),
            "versionId": m.version_id.to_string(),
            "from": m.from_status.map(|s| s.to_value()),
            "to": m.to_status.to_value(),
            "note": m.note,
            "at": m.occurred_at,
        })).collect::<Vec<_>>(),
        "strategyComments": comments.iter().map(|c| json!({
            "strategyId": c.strategy_id.to_string(),
            "version": c.version_number,
            "objectiveId": c.objective_id.map(|id| id.to_string()),
            "replyTo": c.thread_id.map(|id| id.to_string()),
            "role": c.author_role.to_value(),
            "body": c.body,
            "at": c.created_at,
        })).collect::<Vec<_>>(),
    }))
}

/// Clears the person's comments and their id on resolved or reopened threads (see the module's note).
pub async fn erase(tx: &mut Write, person: &Person) -> AppResult<()> {
    let now = tx.now();
    strategy_comment::Entity::update_many()
        .col_expr(strategy_comment::Column::Body, Expr::value(Option::<String>::None))
        .col_expr(strategy_comment::Column::CreatedBy, Expr::value(Option::<uuid::Uuid>::None))
        .col_expr(strategy_comment::Column::ErasedAt, Expr::value(Some(now)))
        .filter(strategy_comment::Column::CreatedBy.eq(person.user_id))
        .exec(&**tx)
        .await?;
    strategy_comment::Entity::update_many()
        .col_expr(strategy_comment::Column::ResolvedBy, Expr::value(Option::<uuid::Uuid>::None))
        .filter(strategy_comment::Column::ResolvedBy.eq(person.user_id))
        .exec(&**tx)
        .await?;
    strategy_comment::Entity::update_many()
        .col_expr(strategy_comment::Column::ReopenedBy, Expr::value(Option::<uuid::Uuid>::None))
        .filter(strategy_comment::Column::ReopenedBy.eq(person.user_id))
        .exec(&**tx)
        .await?;
    Ok(())
}
