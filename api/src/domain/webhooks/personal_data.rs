//! A person's data in webhooks: the endpoints the person registered (`webhook_endpoint.owner_id` names them;
//! the URL and description are theirs), with their event types and delivery log. Endpoints of service
//! accounts name no person and are left alone.
//!
//! Export: each endpoint's URL, description, event types, status and dates (never its secrets). Erasure: the
//! person's endpoints are deleted with their event types and deliveries, so nothing is sent on their behalf.

use super::{USER_OWNER, event_types_of};
use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::{webhook_delivery, webhook_endpoint, webhook_endpoint_event_type};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

pub const CLAIM: Claim = Claim {
    area: "webhooks",
    tables: &["webhook_endpoint", "webhook_endpoint_event_type", "webhook_delivery"],
    on_erasure: "the person's webhook endpoints deleted with their event types and delivery logs (service \
                 accounts' endpoints name no person)",
};

async fn endpoints_of(db: &impl ConnectionTrait, person: &Person) -> AppResult<Vec<webhook_endpoint::Model>> {
    Ok(webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OwnerId.eq(person.user_id))
        .filter(webhook_endpoint::Column::OwnerKind.eq(USER_OWNER))
        .order_by_asc(webhook_endpoint::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The person's webhook endpoints, without their secrets.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let mut endpoints = Vec::new();
    for endpoint in endpoints_of(db, person).await? {
        endpoints.push(json!({
            "url": endpoint.url,
            "description": endpoint.description,
            "eventTypes": event_types_of(db, endpoint.id).await?,
            "status": endpoint.status,
            "createdAt": endpoint.created_at,
        }));
    }
    Ok(json!({ "webhookEndpoints": endpoints }))
}

/// Deletes the person's endpoints, their event types and their deliveries.
pub async fn erase(tx: &mut Write, person: &Person) -> AppResult<()> {
    let ids: Vec<Uuid> = endpoints_of(&**tx, person).await?.into_iter().map(|e| e.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::EndpointId.is_in(ids.iter().copied()))
        .exec(&**tx)
        .await?;
    webhook_endpoint_event_type::Entity::delete_many()
        .filter(webhook_endpoint_event_type::Column::EndpointId.is_in(ids.iter().copied()))
        .exec(&**tx)
        .await?;
    webhook_endpoint::Entity::delete_many().filter(webhook_endpoint::Column::Id.is_in(ids)).exec(&**tx).await?;
    Ok(())
}
