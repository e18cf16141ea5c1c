//! A person's data in the applicant flow: the history rows of applications record the acting user by id
//! (`application_event.actor_id`); applications, partnerships and candidate regions record their creator by id;
//! partners record who named the organisation and which owner answered the invitation (`partner.invited_by`,
//! `partner.answered_by`).
//!
//! Export: the applications the person acted on, each with the history entries by this person, and the partners
//! the person named or answered for. Erasure keeps
//! these rows: they hold the person's id only (no name, no address), which no longer leads to anybody once the
//! account is gone, and the history of an application is a record of the programme's decisions.

use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::{application, application_event, partner};
use sea_orm::{ActiveEnum, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "applications",
    tables: &["application", "application_event", "partnership", "partner", "cross_border_region"],
    on_erasure: "kept: history rows, applications, partnerships, partners (who named or answered) and regions keep \
                 the actor's or creator's id only, nothing personal beyond the id",
};

/// The applications the person created or acted on, with the person's history entries; the partners the
/// person named or answered for.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let entries = application_event::Entity::find()
        .filter(application_event::Column::ActorId.eq(person.user_id))
        .order_by_asc(application_event::Column::OccurredAt)
        .order_by_asc(application_event::Column::Id)
        .all(db)
        .await?;
    let applications = application::Entity::find()
        .filter(
            Condition::any()
                .add(application::Column::CreatedBy.eq(person.user_id))
                .add(application::Column::Id.is_in(entries.iter().map(|e| e.application_id))),
        )
        .order_by_asc(application::Column::CreatedAt)
        .all(db)
        .await?;
    let partners = partner::Entity::find()
        .filter(
            Condition::any()
                .add(partner::Column::InvitedBy.eq(person.user_id))
                .add(partner::Column::AnsweredBy.eq(person.user_id)),
        )
        .order_by_asc(partner::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(json!({
        "partnerInvitations": partners.iter().map(|p| json!({
            "partnershipId": p.partnership_id.to_string(),
            "organisationId": p.organisation_id.to_string(),
            "status": p.status.to_value(),
            "namedByYou": p.invited_by == Some(person.user_id),
            "answeredByYou": p.answered_by == Some(person.user_id),
            "namedAt": p.created_at,
            "answeredAt": p.answered_at,
        })).collect::<Vec<_>>(),
        "applications": applications.iter().map(|a| json!({
            "applicationId": a.id.to_string(),
            "callId": a.call_id.to_string(),
            "partnershipId": a.partnership_id.to_string(),
            "status": a.status.to_value(),
            "createdByYou": a.created_by == person.user_id,
            "history": entries.iter().filter(|e| e.application_id == a.id).map(|e| json!({
                "from": e.from_status.map(|s| s.to_value()),
                "to": e.to_status.to_value(),
                "note": e.note,
                "at": e.occurred_at,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    }))
}

/// Nothing to delete: the rows keep the person's id only (see the module's note).
pub async fn erase(_tx: &mut Write, _person: &Person) -> AppResult<()> {
    Ok(())
}
