//! Service accounts of integrators: created by an admin with a secret shown once, exchanged for access
//! tokens (client-credentials style).

use crate::auth::jwt::SubjectKind;
use crate::auth::secrets::{burn_password_check, hash_password, new_token, verify_password};
use crate::auth::{Principal, Role};
use crate::domain::accounts::policy;
use crate::domain::accounts::throttle::{self, ThrottleKeys};
use crate::domain::audit::{self, AuditAction, AuditEntry};
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::values::required_text;
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult, UserErrorCode};
use chrono::{DateTime, Utc};
use entity::service_account;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// A new account with its secret, which is not stored and cannot be shown again.
pub struct CreatedServiceAccount {
    pub account: service_account::Model,
    pub client_secret: String,
}

/// Creates an integrator's account (admins). The `service_account.created` event is also the audit entry.
pub async fn create(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    name: &str,
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
    tx.emit(
        DomainEvent::new(EventType::ServiceAccountCreated, NodeType::ServiceAccount, account.id)
            .visibility(Visibility::Staff)
            .payload(json!({ "serviceAccount": account.id.to_string(), "clientId": account.client_id })),
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
    throttle::before_check(services, &keys).await?;
    let valid = match &account {
        Some(account) => verify_password(client_secret, &account.secret_hash)?,
        None => {
            burn_password_check(client_secret)?;
            false
        }
    };
    let Some(account) = account.filter(|_| valid) else {
        throttle::record_failure(services, origin, &keys).await?;
        return Err(AppError::rejected(
            &["clientSecret"],
            UserErrorCode::InvalidCredentials,
            "the client id or secret is not right",
        ));
    };
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
