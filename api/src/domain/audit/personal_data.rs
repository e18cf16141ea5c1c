//! A person's data in the audit log: entries name the acting user (`actor_id`) and the user concerned
//! (`subject_id`) by id only, plus the client address of the request. Erasure keeps them: the log is the record
//! of who changed what, its rows hold no name and no e-mail address, and the id leads to nobody once the
//! account is gone.

use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::audit_event;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "audit",
    tables: &["audit_event"],
    on_erasure: "kept by id: entries hold the actor's and subject's ids only, no name or address",
};

/// The entries the person made or that concern the person, oldest first.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let entries = audit_event::Entity::find()
        .filter(
            Condition::any()
                .add(audit_event::Column::ActorId.eq(person.user_id))
                .add(audit_event::Column::SubjectId.eq(person.user_id)),
        )
        .order_by_asc(audit_event::Column::OccurredAt)
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?;
    Ok(json!({
        "auditEvents": entries.iter().map(|e| json!({
            "occurredAt": e.occurred_at, "action": e.action, "actorId": e.actor_id, "subjectId": e.subject_id,
            "clientAddress": e.client_address, "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::Null),
        })).collect::<Vec<_>>(),
    }))
}

/// Nothing to delete: the entries keep ids only (see the module's note).
pub async fn erase(_tx: &mut Write, _person: &Person) -> AppResult<()> {
    Ok(())
}
