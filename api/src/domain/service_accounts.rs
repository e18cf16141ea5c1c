//! Service accounts of integrators: created by an admin with a secret shown once, exchanged for access
//! tokens (client-credentials style).

use crate::auth::jwt::SubjectKind;
use crate::auth::secrets::{burn_password_check, hash_password, new_token, verify_password};
use crate::auth::{Principal, Role};
use crate::domain::audit::{self, AuditAction, AuditEntry};
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

pub async fn create(
    services: &Services,
    origin: &Origin,
    admin: &Principal,
    name: &str,
) -> AppResult<CreatedServiceAccount> {
    let name = required_text("name", name, 200).map_err(|e| AppError::Rejected(vec![e]))?;
    let now = services.now();
    let client_secret = new_token();
    let client_id = format!("svc_{}", Uuid::new_v4().simple());
    let txn = crate::db::begin_write(&services.db).await?;
    let account = service_account::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        client_id: Set(client_id),
        secret_hash: Set(hash_password(&client_secret)?),
        created_by: Set(Some(admin.id)),
        created_at: Set(now),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let entry = AuditEntry {
        action: AuditAction::ServiceAccountCreated,
        actor: Some(admin.id),
        subject: None,
        detail: json!({ "serviceAccount": account.id, "clientId": account.client_id }),
    };
    audit::record(&txn, now, origin, entry).await?;
    txn.commit().await?;
    Ok(CreatedServiceAccount { account, client_secret })
}

/// An access token for a service account whose client id and secret match.
pub async fn issue_token(
    services: &Services,
    origin: &Origin,
    client_id: &str,
    client_secret: &str,
) -> AppResult<(String, DateTime<Utc>)> {
    let now = services.now();
    let account = service_account::Entity::find()
        .filter(service_account::Column::ClientId.eq(client_id.trim()))
        .filter(service_account::Column::RevokedAt.is_null())
        .one(&services.db)
        .await?;
    let valid = match &account {
        Some(account) => verify_password(client_secret, &account.secret_hash),
        None => {
            burn_password_check(client_secret);
            false
        }
    };
    let Some(account) = account.filter(|_| valid) else {
        return Err(AppError::rejected(
            &["clientSecret"],
            UserErrorCode::InvalidCredentials,
            "the client id or secret is not right",
        ));
    };
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
    audit::record(&services.db, now, origin, entry).await?;
    Ok(token)
}
