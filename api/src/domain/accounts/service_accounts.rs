//! Service accounts of integrators: created by an admin with a secret shown once, exchanged for access
//! tokens (client-credentials style).

use crate::auth::jwt::SubjectKind;
use crate::auth::secrets::{burn_password_check, hash_password, new_token, verify_password};
use crate::auth::{Principal, Role};
use crate::domain::accounts::policy;
use crate::domain::accounts::scopes::Scope;
use crate::domain::accounts::throttle::{self, ThrottleKeys};
use crate::domain::audit::{self, AuditAction, AuditEntry};
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::required_text;
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult, UserErrorCode};
use chrono::{DateTime, Utc};
use entity::service_account;
use entity::service_account_scope;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// A new account with its secret, which is not stored and cannot be shown again.
pub struct CreatedServiceAccount {
    pub account: service_account::Model,
    pub client_secret: String,
}

/// Creates an integrator's account (admins) without scopes. The `service_account.created` event is also the
/// audit entry.
pub async fn create(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    name: &str,
) -> AppResult<CreatedServiceAccount> {
    create_with_scopes(services, origin, actor, name, &[]).await
}

/// Creates an integrator's account (admins) with `scopes`.
pub async fn create_with_scopes(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    name: &str,
    scopes: &[Scope],
) -> AppResult<CreatedServiceAccount> {
    let admin = policy::can_manage_service_accounts(actor)?;
    let name = required_text("name", name, 200).map_err(|e| AppError::Rejected(vec![e]))?;
    let client_secret = new_token();
    let client_id = format!("svc_{}", Uuid::new_v4().simple());
    let secret_hash = hash_password(&client_secret)?;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let account = service_account::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        client_id: Set(client_id),
        secret_hash: Set(secret_hash),
        created_by: Set(Some(admin.id)),
        created_at: Set(tx.now()),
        revoked_at: Set(None),
    }
    .insert(&*tx)
    .await?;
    write_scopes(&*tx, account.id, scopes).await?;
    tx.emit(
        DomainEvent::new(EventType::ServiceAccountCreated, NodeType::ServiceAccount, account.id)
            .visibility(Visibility::Staff)
            .payload(json!({ "serviceAccount": account.id.to_string(), "clientId": account.client_id, "scopes": names(scopes) })),
    );
    tx.commit().await?;
    Ok(CreatedServiceAccount { account, client_secret })
}

/// An access token for a service account whose client id and secret match.
pub async fn issue_token(
    services: &Services,
    origin: &Origin,
    client_id: &str,
    client_secret: &str,
) -> AppResult<(String, DateTime<Utc>)> {
    let account = service_account::Entity::find()
        .filter(service_account::Column::ClientId.eq(client_id.trim()))
        .filter(service_account::Column::RevokedAt.is_null())
        .one(&services.db)
        .await?;
    let keys = ThrottleKeys::service(client_id, origin);
    let attempt = throttle::reserve(services, origin, &keys).await?;
    let valid = match &account {
        Some(account) => verify_password(client_secret, &account.secret_hash)?,
        None => {
            burn_password_check(client_secret)?;
            false
        }
    };
    let Some(account) = account.filter(|_| valid) else {
        attempt.failed();
        return Err(AppError::rejected(
            &["clientSecret"],
            UserErrorCode::InvalidCredentials,
            "the client id or secret is not right",
        ));
    };
    attempt.succeeded(&services.db).await?;
    let mut tx = services.write(None).await?.from_origin(origin);
    let now = tx.now();
    let token = services.authenticator.keys().issue(
        now,
        account.id,
        SubjectKind::Service,
        vec![sea_orm::ActiveEnum::to_value(&Role::Integrator)],
        None,
    )?;
    let entry = AuditEntry {
        action: AuditAction::ServiceTokenIssued,
        actor: Some(account.id),
        subject: None,
        detail: json!({ "clientId": account.client_id }),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(
        DomainEvent::new(EventType::ServiceAccountTokenIssued, NodeType::ServiceAccount, account.id)
            .visibility(Visibility::Staff)
            .payload(json!({ "serviceAccount": account.id.to_string(), "expiresAt": token.1 })),
    );
    tx.commit().await?;
    Ok(token)
}

fn names(scopes: &[Scope]) -> Vec<&'static str> {
    scopes.iter().map(|s| s.as_str()).collect()
}

async fn write_scopes(conn: &impl ConnectionTrait, account_id: Uuid, scopes: &[Scope]) -> AppResult<()> {
    service_account_scope::Entity::delete_many()
        .filter(service_account_scope::Column::ServiceAccountId.eq(account_id))
        .exec(conn)
        .await?;
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    for scope in scopes {
        service_account_scope::ActiveModel {
            service_account_id: Set(account_id),
            scope: Set(scope.as_str().to_owned()),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// The account `id` (admins); `NOT_FOUND` on `["id"]` when there is none.
async fn account(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<service_account::Model> {
    service_account::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found(&["id"], "service account"))
}

/// Replaces the scopes of a service account (admins); its tokens have the new scopes at once.
pub async fn set_scopes(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    id: Uuid,
    scopes: &[Scope],
) -> AppResult<service_account::Model> {
    policy::can_manage_service_accounts(actor)?;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let account = account(&*tx, id).await?;
    write_scopes(&*tx, id, scopes).await?;
    tx.emit(
        DomainEvent::new(EventType::ServiceAccountScopesChanged, NodeType::ServiceAccount, id)
            .visibility(Visibility::Staff)
            .payload(json!({ "scopes": names(scopes) })),
    );
    tx.commit().await?;
    Ok(account)
}

/// Revokes a service account (admins): its tokens stop working at once and no new ones are issued.
pub async fn revoke(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    id: Uuid,
) -> AppResult<service_account::Model> {
    policy::can_manage_service_accounts(actor)?;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let account = account(&*tx, id).await?;
    if account.revoked_at.is_some() {
        return Err(AppError::invalid_state(&["id"], "the service account is already revoked"));
    }
    let mut active: service_account::ActiveModel = account.into();
    active.revoked_at = Set(Some(tx.now()));
    let account = active.update(&*tx).await?;
    tx.emit(
        DomainEvent::new(EventType::ServiceAccountRevoked, NodeType::ServiceAccount, id).visibility(Visibility::Staff),
    );
    tx.commit().await?;
    Ok(account)
}

/// Every service account, oldest first (admins).
pub async fn list(
    services: &Services,
    actor: Option<&Principal>,
    page: &PageRequest,
) -> AppResult<Page<service_account::Model>> {
    policy::can_manage_service_accounts(actor)?;
    let select = service_account::Entity::find();
    paginate(&services.db, select, service_account::Column::Id, |a| a.id, SortOrder::Ascending, page).await
}
