//! The security audit log: logins, role and password changes, written in the transaction of the change.

use crate::domain::Origin;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

/// What happened. Stored by name; the GraphQL enum mirrors it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    AccountRegistered,
    EmailVerified,
    LoginSucceeded,
    LoginFailed,
    LoginRefused,
    Logout,
    RefreshTokenReused,
    PasswordChanged,
    PasswordResetRequested,
    RoleGranted,
    RoleRevoked,
    ServiceAccountCreated,
    ServiceTokenIssued,
    ExternalUserLinked,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        AuditAction::AccountRegistered,
        AuditAction::EmailVerified,
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::LoginRefused,
        AuditAction::Logout,
        AuditAction::RefreshTokenReused,
        AuditAction::PasswordChanged,
        AuditAction::PasswordResetRequested,
        AuditAction::RoleGranted,
        AuditAction::RoleRevoked,
        AuditAction::ServiceAccountCreated,
        AuditAction::ServiceTokenIssued,
        AuditAction::ExternalUserLinked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::AccountRegistered => "ACCOUNT_REGISTERED",
            AuditAction::EmailVerified => "EMAIL_VERIFIED",
            AuditAction::LoginSucceeded => "LOGIN_SUCCEEDED",
            AuditAction::LoginFailed => "LOGIN_FAILED",
            AuditAction::LoginRefused => "LOGIN_REFUSED",
            AuditAction::Logout => "LOGOUT",
            AuditAction::RefreshTokenReused => "REFRESH_TOKEN_REUSED",
            AuditAction::PasswordChanged => "PASSWORD_CHANGED",
            AuditAction::PasswordResetRequested => "PASSWORD_RESET_REQUESTED",
            AuditAction::RoleGranted => "ROLE_GRANTED",
            AuditAction::RoleRevoked => "ROLE_REVOKED",
            AuditAction::ServiceAccountCreated => "SERVICE_ACCOUNT_CREATED",
            AuditAction::ServiceTokenIssued => "SERVICE_TOKEN_ISSUED",
            AuditAction::ExternalUserLinked => "EXTERNAL_USER_LINKED",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// One event to record.
pub struct AuditEntry {
    pub action: AuditAction,
    pub actor: Option<Uuid>,
    pub subject: Option<Uuid>,
    pub detail: Value,
}

pub async fn record(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    origin: &Origin,
    entry: AuditEntry,
) -> AppResult<()> {
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(now),
        action: Set(entry.action.as_str().to_owned()),
        actor_id: Set(entry.actor),
        subject_id: Set(entry.subject),
        client_address: Set(origin.client_address.clone()),
        detail: Set(entry.detail.to_string()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub subject: Option<Uuid>,
}

/// Newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: &PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    let mut select = audit_event::Entity::find();
    if let Some(action) = filter.action {
        select = select.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(subject) = filter.subject {
        select = select.filter(audit_event::Column::SubjectId.eq(subject));
    }
    paginate(
        conn,
        select,
        (audit_event::Column::OccurredAt, audit_event::Column::Id),
        |e| (e.occurred_at, e.id),
        SortOrder::Descending,
        page,
    )
    .await
}
