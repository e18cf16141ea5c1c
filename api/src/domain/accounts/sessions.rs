//! Sessions: login with throttling, refresh-token rotation with reuse detection, logout.
//!
//! A login starts a session family; each refresh spends the presented refresh token and issues the next
//! one in the same family. Presenting a spent token again means it was stolen (or replayed), so the whole
//! family is revoked. Access tokens name their family, so a revoked family ends them at once.

use crate::auth::jwt::SubjectKind;
use crate::auth::secrets::{burn_password_check, new_token, token_hash, verify_password};
use crate::auth::{Principal, authenticate::roles_of};
use crate::domain::accounts::throttle::{self, ThrottleKeys};
use crate::domain::accounts::{find_by_email, policy};
use crate::domain::audit::{self, AuditAction, AuditEntry};
use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::NodeType;
use crate::domain::values::Email;
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult, UserErrorCode};
use chrono::{DateTime, Duration, Utc};
use entity::{app_user, session};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

/// What a successful login or refresh hands the client.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: app_user::Model,
}

/// Signs in with e-mail and password. Wrong e-mail and wrong password answer alike; repeated failures for
/// one account or one client are slowed down, then refused for a while (see [`throttle`]): the attempt is
/// reserved before the password is checked, so concurrent guesses cannot outrun the limit. A failure is
/// recorded (throttle rows and audit entry) in units of work that commit although the command answers an error.
pub async fn login(services: &Services, origin: &Origin, email: &str, password: &str) -> AppResult<IssuedSession> {
    let keys = ThrottleKeys::account(email, origin);
    let attempt = match throttle::reserve(services, origin, &keys).await {
        Err(AppError::RateLimited { retry_after_secs }) => {
            let tx = services.write(None).await?.from_origin(origin);
            let entry = AuditEntry {
                action: AuditAction::LoginRefused,
                actor: None,
                subject: None,
                detail: json!({ "retryAfterSeconds": retry_after_secs }),
            };
            audit::record(&*tx, tx.now(), tx.origin(), entry).await?;
            tx.commit().await?;
            return Err(AppError::RateLimited { retry_after_secs });
        }
        reserved => reserved?,
    };

    let user = match Email::parse("email", email) {
        Ok(email) => find_by_email(&services.db, &email).await?,
        Err(_) => None,
    };
    let password_ok = match user.as_ref().and_then(|u| u.password_hash.as_deref()) {
        Some(hash) => verify_password(password, hash)?,
        None => {
            burn_password_check(password)?;
            false
        }
    };
    let Some(user) = user.filter(|_| password_ok) else {
        attempt.failed();
        let tx = services.write(None).await?.from_origin(origin);
        let entry = AuditEntry { action: AuditAction::LoginFailed, actor: None, subject: None, detail: json!({}) };
        audit::record(&*tx, tx.now(), tx.origin(), entry).await?;
        tx.commit().await?;
        return Err(AppError::rejected(
            &["email"],
            UserErrorCode::InvalidCredentials,
            "the e-mail address or the password is not right",
        ));
    };
    attempt.succeeded(&services.db).await?;
    if user.email_verified_at.is_none() {
        return Err(AppError::rejected(
            &["email"],
            UserErrorCode::EmailNotVerified,
            "confirm your e-mail address first: follow the link we sent you, or ask for a new one",
        ));
    }
    let mut tx = services.write(None).await?.from_origin(origin);
    let now = tx.now();
    let family = Uuid::now_v7();
    let issued = start_session(&*tx, services, user, family, now).await?;
    let entry = AuditEntry {
        action: AuditAction::LoginSucceeded,
        actor: Some(issued.user.id),
        subject: Some(issued.user.id),
        detail: json!({}),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(
        DomainEvent::new(EventType::SessionStarted, NodeType::User, issued.user.id)
            .payload(json!({ "sessionId": family.to_string(), "via": "password" })),
    );
    tx.commit().await?;
    Ok(issued)
}

/// Exchanges a refresh token for a new access token and the next refresh token. A rotation continues the
/// session (no event); a reused token ends the session's family (`session.ended`).
pub async fn refresh(services: &Services, origin: &Origin, refresh_token: &str) -> AppResult<IssuedSession> {
    let invalid =
        || AppError::rejected(&["refreshToken"], UserErrorCode::InvalidToken, "the session has ended; sign in again");
    let mut tx = services.write(None).await?.from_origin(origin);
    let now = tx.now();
    // The token's row lock makes concurrent uses of one token wait for each other (PostgreSQL; SQLite's write
    // lock already does): the first rotates it, each later one finds it spent and is told it is invalid.
    let Some(current) = session::Entity::find()
        .filter(session::Column::RefreshTokenHash.eq(token_hash(refresh_token)))
        .lock_exclusive()
        .one(&*tx)
        .await?
    else {
        return Err(invalid());
    };
    if current.revoked_at.is_some() || current.expires_at <= now {
        return Err(invalid());
    }
    // Spend the token; if it was spent already (now or by a concurrent request), this is reuse.
    let spent = session::Entity::update_many()
        .col_expr(session::Column::RotatedAt, Expr::value(now))
        .filter(session::Column::Id.eq(current.id))
        .filter(session::Column::RotatedAt.is_null())
        .exec(&*tx)
        .await?;
    if current.rotated_at.is_some() || spent.rows_affected != 1 {
        revoke_family(&*tx, current.family_id, now).await?;
        let entry = AuditEntry {
            action: AuditAction::RefreshTokenReused,
            actor: None,
            subject: Some(current.user_id),
            detail: json!({ "family": current.family_id }),
        };
        audit::record(&*tx, now, tx.origin(), entry).await?;
        tx.emit(
            DomainEvent::new(EventType::SessionEnded, NodeType::User, current.user_id)
                .payload(json!({ "sessionId": current.family_id.to_string(), "reason": "refresh_token_reused" })),
        );
        tx.commit().await?;
        return Err(invalid());
    }
    let user = crate::domain::accounts::load(&*tx, current.user_id).await?;
    let issued = start_session(&*tx, services, user, current.family_id, now).await?;
    tx.commit().await?;
    Ok(issued)
}

/// Ends the caller's session (or all of the caller's sessions).
pub async fn logout(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    everywhere: bool,
) -> AppResult<()> {
    let principal = policy::can_logout(actor)?;
    let user_id = principal.id;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let now = tx.now();
    let ended = match (everywhere, principal.session) {
        (false, Some(family)) => {
            revoke_family(&*tx, family, now).await?;
            json!({ "sessionId": family.to_string(), "everywhere": false, "reason": "logout" })
        }
        _ => {
            revoke_all(&*tx, user_id, None, now).await?;
            json!({ "sessionId": null, "everywhere": true, "reason": "logout" })
        }
    };
    let entry = AuditEntry {
        action: AuditAction::Logout,
        actor: Some(user_id),
        subject: Some(user_id),
        detail: json!({ "everywhere": everywhere }),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(DomainEvent::new(EventType::SessionEnded, NodeType::User, user_id).payload(ended));
    tx.commit().await?;
    Ok(())
}

/// Revokes every session of a user, but `keep` (the caller's own, after a password change).
pub async fn revoke_all(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    keep: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::FamilyId.ne(keep));
    }
    update.exec(conn).await?;
    Ok(())
}

async fn revoke_family(conn: &impl ConnectionTrait, family: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::FamilyId.eq(family))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

async fn start_session(
    conn: &impl ConnectionTrait,
    services: &Services,
    user: app_user::Model,
    family: Uuid,
    now: DateTime<Utc>,
) -> AppResult<IssuedSession> {
    let refresh_token = new_token();
    session::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family),
        user_id: Set(user.id),
        refresh_token_hash: Set(token_hash(&refresh_token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::seconds(services.config.auth.refresh_token_ttl_secs as i64)),
        rotated_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    let (roles, _) = roles_of(conn, user.id).await?;
    let role_names = roles.iter().map(ActiveEnum::to_value).collect();
    let (access_token, expires_at) =
        services.authenticator.keys().issue(now, user.id, SubjectKind::User, role_names, Some(family))?;
    Ok(IssuedSession { access_token, refresh_token, expires_at, user })
}
