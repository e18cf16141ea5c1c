//! Accounts: registration, e-mail verification, password reset and change, profile, and the operator's
//! `create-admin`. Single-use e-mail tokens are stored as hashes and expire; mails go through the outbox
//! in the same transaction as the change that causes them.

use crate::auth::external::ExternalIdentity;
use crate::auth::secrets::{hash_password, new_token, token_hash, verify_password};
use crate::auth::{Principal, Role};
use crate::domain::audit::{self, AuditAction, AuditEntry};
use crate::domain::values::{Checks, Email, LanguageCode, check_password, required_text};
use crate::domain::{Origin, Services, sessions};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::{self, OutgoingEmail};
use chrono::{DateTime, Duration, Utc};
use entity::user_token::TokenPurpose;
use entity::{app_user, external_identity, user_role, user_token};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub preferred_language: String,
    pub intended_role: Role,
}

/// Creates an unverified account with the chosen self-service role, and mails a verification link.
pub async fn register(services: &Services, origin: &Origin, input: Registration) -> AppResult<app_user::Model> {
    let min_length = services.config.auth.min_password_length;
    let mut checks = Checks::default();
    let email = checks.take(Email::parse("email", &input.email));
    let display_name = checks.take(required_text("displayName", &input.display_name, 200));
    let language = checks.take(LanguageCode::parse("preferredLanguage", &input.preferred_language));
    checks.take(check_password("password", &input.password, email.as_ref().map(Email::as_str), min_length));
    if !matches!(input.intended_role, Role::Applicant | Role::Expert) {
        checks.push(UserError::new(
            &["intendedRole"],
            UserErrorCode::Invalid,
            "register as APPLICANT or EXPERT; other roles are granted by an administrator",
        ));
    }
    checks.finish()?;
    let (Some(email), Some(display_name), Some(language)) = (email, display_name, language) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked registration lost a value")));
    };
    let password_hash = hash_password(&input.password)?;
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(email_taken());
    }
    let user = app_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.into_string()),
        email_verified_at: Set(None),
        password_hash: Set(Some(password_hash)),
        display_name: Set(display_name),
        preferred_language: Set(language.into_string()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        // Two registrations of one address at once: the second meets the unique index.
        Some(SqlErr::UniqueConstraintViolation(_)) => email_taken(),
        _ => e.into(),
    })?;
    grant(&txn, user.id, input.intended_role, None, now).await?;
    send_token_mail(&txn, services, &user, TokenPurpose::VerifyEmail).await?;
    let entry = AuditEntry {
        action: AuditAction::AccountRegistered,
        actor: Some(user.id),
        subject: Some(user.id),
        detail: json!({ "role": format!("{:?}", input.intended_role) }),
    };
    audit::record(&txn, now, origin, entry).await?;
    txn.commit().await?;
    services.mailer.notify();
    Ok(user)
}

fn email_taken() -> AppError {
    AppError::rejected(
        &["email"],
        UserErrorCode::Taken,
        "an account with this e-mail address exists; sign in or reset the password",
    )
}

/// Confirms the address of the token's account. The token works once, before it expires.
pub async fn verify_email(services: &Services, origin: &Origin, token: &str) -> AppResult<app_user::Model> {
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    let user_id = use_token(&txn, token, TokenPurpose::VerifyEmail, now).await?;
    let user = mark_verified(&txn, user_id, now).await?;
    let entry = AuditEntry {
        action: AuditAction::EmailVerified,
        actor: Some(user_id),
        subject: Some(user_id),
        detail: json!({}),
    };
    audit::record(&txn, now, origin, entry).await?;
    txn.commit().await?;
    Ok(user)
}

/// Sends a new verification link to an unverified account. Answers the same whether or not the address
/// has an account, so it cannot be used to find out who is registered.
pub async fn request_email_verification(services: &Services, email: &str) -> AppResult<()> {
    let Ok(email) = Email::parse("email", email) else { return Ok(()) };
    let txn = crate::db::begin_write(&services.db).await?;
    if let Some(user) = find_by_email(&txn, &email).await?
        && user.email_verified_at.is_none()
    {
        send_token_mail(&txn, services, &user, TokenPurpose::VerifyEmail).await?;
    }
    txn.commit().await?;
    services.mailer.notify();
    Ok(())
}

/// Mails a password-reset link if the address has an account; answers the same either way.
pub async fn request_password_reset(services: &Services, origin: &Origin, email: &str) -> AppResult<()> {
    let Ok(email) = Email::parse("email", email) else { return Ok(()) };
    let txn = crate::db::begin_write(&services.db).await?;
    if let Some(user) = find_by_email(&txn, &email).await? {
        send_token_mail(&txn, services, &user, TokenPurpose::ResetPassword).await?;
        let entry = AuditEntry {
            action: AuditAction::PasswordResetRequested,
            actor: None,
            subject: Some(user.id),
            detail: json!({}),
        };
        audit::record(&txn, services.now(), origin, entry).await?;
    }
    txn.commit().await?;
    services.mailer.notify();
    Ok(())
}

/// Sets a new password with a reset token, ends every session of the account, and (since the link
/// reached the mailbox) confirms the address.
pub async fn reset_password(services: &Services, origin: &Origin, token: &str, new_password: &str) -> AppResult<()> {
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    let hash = token_hash(token);
    let user =
        user_token::Entity::find().filter(user_token::Column::TokenHash.eq(hash)).one(&txn).await?.map(|t| t.user_id);
    let user = match user {
        Some(id) => app_user::Entity::find_by_id(id).one(&txn).await?,
        None => None,
    };
    // The password is checked before the token is spent, so a weak choice does not burn the link.
    if let Some(user) = &user {
        check_password("newPassword", new_password, Some(&user.email), services.config.auth.min_password_length)
            .map_err(|e| AppError::Rejected(vec![e]))?;
    }
    let user_id = use_token(&txn, token, TokenPurpose::ResetPassword, now).await?;
    set_password(&txn, user_id, new_password, now).await?;
    mark_verified(&txn, user_id, now).await?;
    sessions::revoke_all(&txn, user_id, None, now).await?;
    let entry = AuditEntry {
        action: AuditAction::PasswordChanged,
        actor: Some(user_id),
        subject: Some(user_id),
        detail: json!({ "via": "reset" }),
    };
    audit::record(&txn, now, origin, entry).await?;
    txn.commit().await?;
    Ok(())
}

/// Changes the caller's password after checking the current one; ends the caller's other sessions.
pub async fn change_password(
    services: &Services,
    origin: &Origin,
    principal: &Principal,
    current: &str,
    new_password: &str,
) -> AppResult<()> {
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    let user = load(&txn, user_id).await?;
    if !user.password_hash.as_deref().is_some_and(|hash| verify_password(current, hash)) {
        return Err(AppError::rejected(
            &["currentPassword"],
            UserErrorCode::InvalidCredentials,
            "the current password is not right",
        ));
    }
    check_password("newPassword", new_password, Some(&user.email), services.config.auth.min_password_length)
        .map_err(|e| AppError::Rejected(vec![e]))?;
    set_password(&txn, user_id, new_password, now).await?;
    sessions::revoke_all(&txn, user_id, principal.session, now).await?;
    let entry = AuditEntry {
        action: AuditAction::PasswordChanged,
        actor: Some(user_id),
        subject: Some(user_id),
        detail: json!({ "via": "change" }),
    };
    audit::record(&txn, now, origin, entry).await?;
    txn.commit().await?;
    Ok(())
}

pub struct ProfileChange {
    pub display_name: Option<String>,
    pub preferred_language: Option<String>,
}

pub async fn update_profile(
    services: &Services,
    principal: &Principal,
    change: ProfileChange,
) -> AppResult<app_user::Model> {
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut checks = Checks::default();
    let display_name = change.display_name.map(|n| checks.take(required_text("displayName", &n, 200)));
    let language = change.preferred_language.map(|l| checks.take(LanguageCode::parse("preferredLanguage", &l)));
    checks.finish()?;
    let mut user: app_user::ActiveModel = load(&services.db, user_id).await?.into();
    if let Some(Some(name)) = display_name {
        user.display_name = Set(name);
    }
    if let Some(Some(language)) = language {
        user.preferred_language = Set(language.into_string());
    }
    user.updated_at = Set(services.now());
    Ok(user.update(&services.db).await?)
}

/// `impact create-admin`: creates a verified admin account, or grants the admin role to an existing one
/// (whose password is then left as it is). Returns the user and whether it was created.
pub async fn create_admin(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    email: &str,
    password: &str,
    min_length: usize,
) -> AppResult<(app_user::Model, bool)> {
    let email = Email::parse("email", email).map_err(|e| AppError::BadUserInput(e.message))?;
    let txn = crate::db::begin_write(db).await?;
    let (user, created) = match find_by_email(&txn, &email).await? {
        Some(user) => (user, false),
        None => {
            check_password("password", password, Some(email.as_str()), min_length)
                .map_err(|e| AppError::BadUserInput(e.message))?;
            let user = app_user::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(email.as_str().to_owned()),
                email_verified_at: Set(Some(now)),
                password_hash: Set(Some(hash_password(password)?)),
                display_name: Set(email.as_str().split('@').next().unwrap_or("admin").to_owned()),
                preferred_language: Set("en".to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            (user, true)
        }
    };
    grant(&txn, user.id, Role::Admin, None, now).await?;
    let entry = AuditEntry {
        action: AuditAction::RoleGranted,
        actor: None,
        subject: Some(user.id),
        detail: json!({ "role": "ADMIN", "by": "create-admin" }),
    };
    audit::record(&txn, now, &Origin::default(), entry).await?;
    txn.commit().await?;
    Ok((user, created))
}

/// The local user of an external identity: linked before, or found by the verified e-mail address, or
/// created (verified, without a password). Without a verified address nobody is linked.
pub async fn link_external(
    db: &DatabaseConnection,
    identity: &ExternalIdentity,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let key = (identity.issuer.clone(), identity.subject.clone());
    if let Some(link) = external_identity::Entity::find_by_id(key.clone()).one(db).await? {
        return Ok(link.user_id);
    }
    let email = identity.verified_email.as_deref().ok_or(AppError::Unauthenticated)?;
    let email = Email::parse("email", email).map_err(|_| AppError::Unauthenticated)?;
    let txn = crate::db::begin_write(db).await?;
    let user = match find_by_email(&txn, &email).await? {
        Some(user) => user,
        None => {
            let name = identity.name.clone().filter(|n| !n.trim().is_empty());
            app_user::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(email.as_str().to_owned()),
                email_verified_at: Set(Some(now)),
                password_hash: Set(None),
                display_name: Set(
                    name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().to_owned())
                ),
                preferred_language: Set("en".to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    external_identity::ActiveModel {
        issuer: Set(key.0),
        subject: Set(key.1),
        user_id: Set(user.id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let entry = AuditEntry {
        action: AuditAction::ExternalUserLinked,
        actor: Some(user.id),
        subject: Some(user.id),
        detail: json!({ "issuer": identity.issuer }),
    };
    audit::record(&txn, now, &Origin::default(), entry).await?;
    txn.commit().await?;
    Ok(user.id)
}

pub async fn find_by_email(conn: &impl ConnectionTrait, email: &Email) -> AppResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find().filter(app_user::Column::Email.eq(email.as_str())).one(conn).await?)
}

pub async fn load(conn: &impl ConnectionTrait, user_id: Uuid) -> AppResult<app_user::Model> {
    app_user::Entity::find_by_id(user_id).one(conn).await?.ok_or_else(|| AppError::NotFound("user".to_owned()))
}

/// Adds a role to a user if not there yet.
pub async fn grant(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    role: Role,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let exists = user_role::Entity::find_by_id((user_id, role)).one(conn).await?.is_some();
    if !exists {
        user_role::ActiveModel { user_id: Set(user_id), role: Set(role), granted_at: Set(now), granted_by: Set(by) }
            .insert(conn)
            .await?;
    }
    Ok(())
}

async fn set_password(conn: &impl ConnectionTrait, user_id: Uuid, password: &str, now: DateTime<Utc>) -> AppResult<()> {
    app_user::Entity::update_many()
        .col_expr(app_user::Column::PasswordHash, Expr::value(hash_password(password)?))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

async fn mark_verified(conn: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> AppResult<app_user::Model> {
    let user = load(conn, user_id).await?;
    if user.email_verified_at.is_some() {
        return Ok(user);
    }
    let mut active: app_user::ActiveModel = user.into();
    active.email_verified_at = Set(Some(now));
    active.updated_at = Set(now);
    Ok(active.update(conn).await?)
}

/// Spends a single-use token: valid only for its purpose, unused and unexpired. The conditional update
/// makes two concurrent uses of one token succeed once.
async fn use_token(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let invalid = || {
        AppError::rejected(
            &["token"],
            UserErrorCode::InvalidToken,
            "this link is invalid, already used or expired; ask for a new one",
        )
    };
    let found = user_token::Entity::find()
        .filter(user_token::Column::TokenHash.eq(token_hash(token)))
        .filter(user_token::Column::Purpose.eq(purpose))
        .one(conn)
        .await?
        .ok_or_else(invalid)?;
    if found.used_at.is_some() || found.expires_at <= now {
        return Err(invalid());
    }
    let spent = user_token::Entity::update_many()
        .col_expr(user_token::Column::UsedAt, Expr::value(now))
        .filter(user_token::Column::Id.eq(found.id))
        .filter(user_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(invalid());
    }
    Ok(found.user_id)
}

/// Stores a new token for `purpose` and queues the mail carrying it.
async fn send_token_mail(
    conn: &impl ConnectionTrait,
    services: &Services,
    user: &app_user::Model,
    purpose: TokenPurpose,
) -> AppResult<()> {
    let now = services.now();
    let token = new_token();
    let auth = &services.config.auth;
    let ttl = match purpose {
        TokenPurpose::VerifyEmail => auth.verification_token_ttl_secs,
        TokenPurpose::ResetPassword => auth.reset_token_ttl_secs,
    };
    user_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        purpose: Set(purpose),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(now + Duration::seconds(ttl as i64)),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    let frontend = services.config.frontend_url.trim_end_matches('/');
    let hours = ttl / 3600;
    let (subject, text_body) = match purpose {
        TokenPurpose::VerifyEmail => (
            "Confirm your e-mail address for IMPACT".to_owned(),
            format!(
                "Hello {name},\n\nplease confirm your e-mail address for your IMPACT account:\n\n{frontend}/verify-email?token={token}\n\n\
                 Or enter this code: {token}\n\nThe link works once and expires in {hours} hours. If you did not register, ignore this mail.\n",
                name = user.display_name
            ),
        ),
        TokenPurpose::ResetPassword => (
            "Reset your IMPACT password".to_owned(),
            format!(
                "Hello {name},\n\nsomeone (hopefully you) asked to reset the password of your IMPACT account:\n\n\
                 {frontend}/reset-password?token={token}\n\nOr enter this code: {token}\n\nThe link works once and expires in {hours} hour(s). \
                 If you did not ask for it, ignore this mail: your password stays as it is.\n",
                name = user.display_name
            ),
        ),
    };
    mail::enqueue(conn, now, OutgoingEmail { to: user.email.clone(), subject, text_body, headers: Vec::new() }).await?;
    Ok(())
}
