//! A person's data in strategies: strategies and versions record their creator by id (`created_by`), and the
//! workflow history the acting user by id (`strategy_move.actor_id`). LAG members may name a person (`name`),
//! typed in by the editors, not tied to an account.
//!
//! Export: the history entries by this person. Erasure keeps these rows: they hold the person's id only, which
//! leads to nobody once the account is gone, and the history of a strategy is a record of the programme's decisions.

use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::strategy_move;
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "strategies",
    tables: &["strategy", "strategy_version", "strategy_move"],
    on_erasure: "kept: strategies, versions and history rows keep the creator's or actor's id only, nothing personal \
                 beyond the id",
};

/// The workflow moves the person made.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let moves = strategy_move::Entity::find()
        .filter(strategy_move::Column::ActorId.eq(person.user_id))
        .order_by_asc(strategy_move::Column::OccurredAt)
        .order_by_asc(strategy_move::Column::Id)
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
    }))
}

/// Nothing to delete: the rows keep the person's id only (see the module's note).
pub async fn erase(_tx: &mut Write, _person: &Person) -> AppResult<()> {
    Ok(())
}
