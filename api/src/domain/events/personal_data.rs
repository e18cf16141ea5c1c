//! A person's event registrations: exported with the event they are for, and on erasure cancelled through
//! the one cancellation path (a held seat goes to the first person on the waitlist, who is mailed), then
//! deleted, whether made by the account or by its address.

use crate::domain::events::registrations::{cancel_registration, lock_event};
use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::event::{self, EventStatus};
use entity::event_registration::{self, RegistrationStatus};
use sea_orm::{ActiveEnum, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::collections::HashMap;

pub const CLAIM: Claim = Claim {
    area: "events",
    tables: &["event_registration", "event"],
    on_erasure: "active registrations cancelled (seats released, the waitlist promoted), then every registration \
                 of the account or the address deleted; events the person created keep the creator's id only",
};

/// The registrations of the account or of its address.
fn of_person(person: &Person) -> Condition {
    Condition::any()
        .add(event_registration::Column::UserId.eq(person.user_id))
        .add(event_registration::Column::Email.eq(person.email.as_str()))
}

/// The person's registrations, oldest first: the event (id, title), status and dates.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let registrations = event_registration::Entity::find()
        .filter(of_person(person))
        .order_by_asc(event_registration::Column::CreatedAt)
        .order_by_asc(event_registration::Column::Id)
        .all(db)
        .await?;
    let event_ids: Vec<_> = registrations.iter().map(|r| r.event_id).collect();
    let events: HashMap<_, _> = event::Entity::find()
        .filter(event::Column::Id.is_in(event_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(Value::Array(
        registrations
            .iter()
            .map(|r| {
                let event = events.get(&r.event_id);
                json!({
                    "eventId": r.event_id,
                    "eventTitle": event.map(|e| e.title.as_str()),
                    "eventStartsAt": event.map(|e| e.starts_at),
                    "name": r.name,
                    "email": r.email,
                    "status": r.status.to_value(),
                    "waitlistPosition": r.waitlist_position,
                    "attended": r.attended,
                    "registeredAt": r.created_at,
                    "confirmedAt": r.confirmed_at,
                    "cancelledAt": r.cancelled_at,
                })
            })
            .collect(),
    ))
}

/// Cancels the person's active registrations of published events the way a cancellation does (releasing
/// the seat, promoting and mailing the first on the waitlist), then deletes every registration of the
/// account and of the address.
pub async fn erase(tx: &mut Write, person: &Person) -> AppResult<()> {
    let active = event_registration::Entity::find()
        .filter(of_person(person))
        .filter(event_registration::Column::Status.ne(RegistrationStatus::Cancelled))
        // Events locked in one order, so two erasures cannot wait on each other.
        .order_by_asc(event_registration::Column::EventId)
        .order_by_asc(event_registration::Column::Id)
        .all(&**tx)
        .await?;
    for found in active {
        let event = lock_event(tx, found.event_id, &["eventId"]).await?;
        // Read again under the event's lock: a concurrent change may have moved it.
        let Some(registration) = event_registration::Entity::find_by_id(found.id).one(&**tx).await? else {
            continue;
        };
        if event.status == EventStatus::Published && registration.status != RegistrationStatus::Cancelled {
            cancel_registration(tx, &event, registration).await?;
        }
    }
    event_registration::Entity::delete_many().filter(of_person(person)).exec(&**tx).await?;
    Ok(())
}
