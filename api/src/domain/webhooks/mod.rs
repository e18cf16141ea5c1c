//! Webhooks (Standard Webhooks): integrators register endpoints for event types; every committed event of
//! those types that the endpoint's owner may read (the delivery rule of `domain::live`) becomes a delivery,
//! sent at least once with a signature, retried on a schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h), logged
//! per endpoint, and replayable. An endpoint failing for longer than `IMPACT_WEBHOOK_DISABLE_AFTER_HOURS`
//! is disabled. The signing secret is shown once; a rotation keeps the old one signing for an overlap.

pub mod address;
pub mod dispatch;
pub mod personal_data;
pub mod policy;
pub mod signing;

use crate::auth::{Principal, SubjectKind};
use crate::domain::Services;
use crate::domain::accounts::scopes::{self, Scope};
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::required_text;
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use chrono::TimeDelta;
use entity::webhook_delivery::{self, WebhookDeliveryStatus};
use entity::{service_account, webhook_endpoint, webhook_endpoint_event_type};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

pub const ACTIVE: &str = "ACTIVE";
pub const DISABLED: &str = "DISABLED";
/// `owner_kind` of an endpoint registered by a person (staff), whose id `owner_id` is.
pub const USER_OWNER: &str = "USER";
/// `owner_kind` of an endpoint registered by a service account.
pub const SERVICE_ACCOUNT_OWNER: &str = "SERVICE_ACCOUNT";
const MAX_URL_CHARS: usize = 2000;

/// A registered endpoint with its secret, shown this once.
pub struct WithSecret {
    pub endpoint: webhook_endpoint::Model,
    pub secret: String,
}

/// Registers an endpoint for `event_types` (`area.fact`, at least one); the URL must resolve to public
/// addresses only (unless private ones are allowed by the configuration).
pub async fn create_endpoint(
    services: &Services,
    actor: Option<&Principal>,
    url: &str,
    event_types: &[String],
    description: &str,
) -> AppResult<WithSecret> {
    let owner = policy::can_manage(actor)?;
    scopes::require(&services.db, owner, Scope::WebhooksManage).await?;
    let mut errors = Vec::new();
    let url = url.trim();
    if url.chars().count() > MAX_URL_CHARS || url.chars().any(char::is_control) {
        errors.push(UserError::new(&["url"], UserErrorCode::Invalid, "the URL is too long or malformed"));
    } else if let Err(reason) = address::resolve(url, services.config.webhooks.allow_private).await {
        errors.push(UserError::new(&["url"], UserErrorCode::Invalid, reason));
    }
    let mut types = Vec::new();
    for name in event_types {
        match EventType::parse(name) {
            Some(t) if !types.contains(&t) => types.push(t),
            Some(_) => {}
            None => errors.push(UserError::new(
                &["eventTypes"],
                UserErrorCode::Invalid,
                format!("`{name}` is not an event type"),
            )),
        }
    }
    if event_types.is_empty() {
        errors.push(UserError::new(&["eventTypes"], UserErrorCode::Required, "name at least one event type"));
    }
    let description = if description.trim().is_empty() {
        String::new()
    } else {
        required_text("description", description, 500).map_err(|e| UserError { ..e }).unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        })
    };
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let secret = signing::new_secret();
    let mut tx = services.write(actor).await?;
    let now = tx.now();
    let endpoint = webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        owner_id: Set(owner.id),
        owner_kind: Set(owner_kind(owner.kind).to_owned()),
        url: Set(url.to_owned()),
        description: Set(description),
        secret: Set(secret.clone()),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        status: Set(ACTIVE.to_owned()),
        failing_since: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    for event_type in &types {
        webhook_endpoint_event_type::ActiveModel {
            endpoint_id: Set(endpoint.id),
            event_type: Set(event_type.as_str().to_owned()),
        }
        .insert(&*tx)
        .await?;
    }
    tx.emit(
        DomainEvent::new(EventType::WebhookEndpointCreated, NodeType::WebhookEndpoint, endpoint.id)
            .visibility(Visibility::Staff)
            .payload(json!({ "eventTypes": types.iter().map(|t| t.as_str()).collect::<Vec<_>>() })),
    );
    tx.commit().await?;
    Ok(WithSecret { endpoint, secret })
}

/// A new secret for the endpoint; the previous one keeps signing beside it for the configured overlap.
pub async fn rotate_secret(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<WithSecret> {
    scopes::require(&services.db, policy::can_manage(actor)?, Scope::WebhooksManage).await?;
    let mut tx = services.write(actor).await?;
    let endpoint = visible(&*tx, actor, id).await?;
    let secret = signing::new_secret();
    let overlap = TimeDelta::hours(i64::from(services.config.webhooks.secret_overlap_hours));
    let mut active: webhook_endpoint::ActiveModel = endpoint.clone().into();
    active.previous_secret = Set(Some(endpoint.secret));
    active.previous_secret_until = Set(Some(tx.now() + overlap));
    active.secret = Set(secret.clone());
    active.updated_at = Set(tx.now());
    let endpoint = active.update(&*tx).await?;
    tx.emit(
        DomainEvent::new(EventType::WebhookEndpointSecretRotated, NodeType::WebhookEndpoint, endpoint.id)
            .visibility(Visibility::Staff),
    );
    tx.commit().await?;
    Ok(WithSecret { endpoint, secret })
}

/// Sends a delivery again, as a new entry of the log with the same `webhook-id` and body, due at once; a
/// disabled endpoint is enabled again by it.
pub async fn replay_delivery(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
) -> AppResult<webhook_delivery::Model> {
    scopes::require(&services.db, policy::can_manage(actor)?, Scope::WebhooksManage).await?;
    let mut tx = services.write(actor).await?;
    let not_found = || AppError::not_found(&["id"], "webhook delivery");
    let original = webhook_delivery::Entity::find_by_id(id).one(&*tx).await?.ok_or_else(not_found)?;
    let endpoint = visible(&*tx, actor, original.endpoint_id).await.map_err(|_| not_found())?;
    if endpoint.status == DISABLED {
        let mut active: webhook_endpoint::ActiveModel = endpoint.into();
        active.status = Set(ACTIVE.to_owned());
        active.failing_since = Set(None);
        active.updated_at = Set(tx.now());
        active.update(&*tx).await?;
    }
    let replay = new_delivery(&original, tx.now());
    let replay = webhook_delivery::ActiveModel { body: Set(original.body.clone()), ..replay }.insert(&*tx).await?;
    tx.emit(
        DomainEvent::new(EventType::WebhookDeliveryReplayed, NodeType::WebhookDelivery, replay.id)
            .visibility(Visibility::Staff)
            .payload(json!({ "replayOf": original.id.to_string() })),
    );
    tx.commit().await?;
    services.publisher.notify();
    Ok(replay)
}

/// A pending delivery of the same event to the same endpoint, due `now`.
fn new_delivery(like: &webhook_delivery::Model, now: chrono::DateTime<chrono::Utc>) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(like.endpoint_id),
        event_id: Set(like.event_id),
        event_position: Set(like.event_position),
        event_type: Set(like.event_type.clone()),
        body: Set(like.body.clone()),
        status: Set(WebhookDeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        last_status_code: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    }
}

/// The endpoint if `actor` reads it; `NOT_FOUND` on `["input", "id"]` otherwise.
async fn visible(db: &impl ConnectionTrait, actor: Option<&Principal>, id: Uuid) -> AppResult<webhook_endpoint::Model> {
    webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|e| policy::can_read(actor, e))
        .ok_or_else(|| AppError::not_found(&["id"], "webhook endpoint"))
}

/// The endpoints `actor` reads, oldest first.
pub async fn endpoints(
    services: &Services,
    actor: Option<&Principal>,
    page: &PageRequest,
) -> AppResult<Page<webhook_endpoint::Model>> {
    scopes::require(&services.db, policy::can_manage(actor)?, Scope::WebhooksManage).await?;
    let select = webhook_endpoint::Entity::find().filter(policy::read_filter(actor));
    paginate(&services.db, select, webhook_endpoint::Column::Id, |e| e.id, SortOrder::Ascending, page).await
}

/// The event types of an endpoint.
pub async fn event_types_of(db: &impl ConnectionTrait, endpoint_id: Uuid) -> AppResult<Vec<String>> {
    Ok(event_types_of_endpoints(db, &[endpoint_id]).await?.remove(&endpoint_id).unwrap_or_default())
}

/// The event types of several endpoints in one statement, each in alphabetical order; endpoints without any
/// are absent.
pub async fn event_types_of_endpoints(
    db: &impl ConnectionTrait,
    endpoint_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<String>>> {
    let mut by_endpoint: HashMap<Uuid, Vec<String>> = HashMap::new();
    if endpoint_ids.is_empty() {
        return Ok(by_endpoint);
    }
    let rows = webhook_endpoint_event_type::Entity::find()
        .filter(webhook_endpoint_event_type::Column::EndpointId.is_in(endpoint_ids.iter().copied()))
        .order_by_asc(webhook_endpoint_event_type::Column::EventType)
        .all(db)
        .await?;
    for row in rows {
        by_endpoint.entry(row.endpoint_id).or_default().push(row.event_type);
    }
    Ok(by_endpoint)
}

/// The delivery log of an endpoint, newest first.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    endpoint_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<webhook_delivery::Model>> {
    let select = webhook_delivery::Entity::find().filter(webhook_delivery::Column::EndpointId.eq(endpoint_id));
    paginate(db, select, webhook_delivery::Column::Id, |d| d.id, SortOrder::Descending, page).await
}

fn owner_kind(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::User => USER_OWNER,
        SubjectKind::Service => SERVICE_ACCOUNT_OWNER,
    }
}

/// The endpoint's owner as a principal, as they are now (roles, revocation); none when they are gone.
pub async fn owner(db: &impl ConnectionTrait, endpoint: &webhook_endpoint::Model) -> AppResult<Option<Principal>> {
    let id = endpoint.owner_id;
    if endpoint.owner_kind == SERVICE_ACCOUNT_OWNER {
        let active = service_account::Entity::find_by_id(id)
            .filter(service_account::Column::RevokedAt.is_null())
            .one(db)
            .await?
            .is_some();
        return Ok(active.then(|| Principal {
            id,
            kind: SubjectKind::Service,
            roles: vec![crate::auth::Role::Integrator],
            programmes: Vec::new(),
            session: None,
        }));
    }
    if entity::app_user::Entity::find_by_id(id).one(db).await?.is_none() {
        return Ok(None);
    }
    let (roles, programmes) = crate::auth::authenticate::roles_of(db, id).await?;
    Ok(Some(Principal { id, kind: SubjectKind::User, roles, programmes, session: None }))
}
