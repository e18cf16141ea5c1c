//! Accounts: registration, e-mail verification, password reset and change, profile, external identities and
//! the operator's `create-admin`. Single-use e-mail tokens are stored as hashes and expire; every command runs in
//! a unit of work, so its mail, its domain event and its security audit entry commit with the change.

pub mod personal_data;
pub mod policy;
pub mod roles;
pub mod scopes;
pub mod service_accounts;
pub mod sessions;
pub mod throttle;

use crate::auth::external::ExternalIdentity;
use crate::auth::secrets::{hash_password, new_token, token_hash, verify_password};
use crate::auth::{Principal, Role};
use crate::domain::audit::{self, AuditAction, AuditEntry};
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::unit_of_work::Write;
use crate::domain::values::{Checks, Email, LanguageCode, PersonName, check_password};
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::{OutgoingEmail, quote};
use chrono::{DateTime, Duration, Utc};
use entity::user_token::TokenPurpose;
use entity::{app_user, external_identity, user_role, user_token};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr};
use serde_json::json;
use uuid::Uuid;

/// An event about the account `user_id`, seen by its owner and the back office.
fn account_event(event_type: EventType, user_id: Uuid) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::User, user_id)
}

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
    let display_name = checks.take(PersonName::parse("displayName", &input.display_name).map(PersonName::into_string));
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
    let mut tx = services.write(None).await?.from_origin(origin);
    let now = tx.now();
    if find_by_email(&*tx, &email).await?.is_some() {
        return Err(email_taken());
    }
    tx.count_mail_to(email.as_str()).await?;
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
    .insert(&*tx)
    .await
    .map_err(|e| match e.sql_err() {
        // Two registrations of one address at once: the second meets the unique index.
        Some(SqlErr::UniqueConstraintViolation(_)) => email_taken(),
        _ => e.into(),
    })?;
    grant(&*tx, user.id, input.intended_role, None, now).await?;
    send_token_mail(&mut tx, &user, TokenPurpose::VerifyEmail).await?;
    let entry = AuditEntry {
        action: AuditAction::AccountRegistered,
        actor: Some(user.id),
        subject: Some(user.id),
        detail: json!({ "role": format!("{:?}", input.intended_role) }),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(
        account_event(EventType::AccountRegistered, user.id)
            .payload(json!({ "role": input.intended_role.to_value(), "via": "registration" })),
    );
    tx.commit().await?;
    Ok(user)
}

fn email_taken() -> AppError {
    AppError::rejected(
        &["email"],
        UserErrorCode::Taken,
        "an account with this e-mail address exists; sign in or reset the password",
    )
}

/// What `verify_email` did.
pub struct Verified {
    pub user: app_user::Model,
    /// A password set before the address was proven was removed (it was not shown).
    pub password_removed: bool,
}

/// Confirms the address of the token's account. The token works once, before it expires.
///
/// The link proves the mailbox, not who chose the password: anyone may have registered the address
/// (pre-hijacking). So a password set before this confirmation stays only when the caller shows it; otherwise
/// it is removed and every session of the account ends. A password shown but wrong is refused (throttled like
/// any password check) and the token stays valid.
pub async fn verify_email(
    services: &Services,
    origin: &Origin,
    token: &str,
    password: Option<&str>,
) -> AppResult<Verified> {
    let holder = token_holder(&services.db, token, TokenPurpose::VerifyEmail).await?;
    let unproven = holder.as_ref().filter(|u| u.email_verified_at.is_none()).and_then(|u| u.password_hash.as_deref());
    let mut keep_password = false;
    if let (Some(user), Some(hash), Some(password)) = (holder.as_ref(), unproven, password) {
        let attempt =
            throttle::reserve(services, origin, &throttle::ThrottleKeys::account(&user.email, origin)).await?;
        if !verify_password(password, hash)? {
            attempt.failed();
            return Err(AppError::rejected(
                &["password"],
                UserErrorCode::InvalidCredentials,
                "this is not the password of the account; leave it out to confirm the address without it",
            ));
        }
        attempt.succeeded(&services.db).await?;
        keep_password = true;
    }
    let mut tx = services.write(None).await?.from_origin(origin);
    let now = tx.now();
    let user_id = use_token(&*tx, token, TokenPurpose::VerifyEmail, now).await?;
    let user = load(&*tx, user_id).await?;
    // Decided on the row as it is now, under the write lock: the password read above may have changed since.
    let password_removed = user.email_verified_at.is_none()
        && user.password_hash.is_some()
        && !(keep_password && user.password_hash.as_deref() == unproven);
    if password_removed {
        drop_password(&*tx, user_id, now).await?;
    }
    let user = mark_verified(&*tx, user_id, now).await?;
    let entry = AuditEntry {
        action: AuditAction::EmailVerified,
        actor: Some(user_id),
        subject: Some(user_id),
        detail: json!({ "passwordRemoved": password_removed }),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(account_event(EventType::AccountEmailVerified, user_id));
    tx.commit().await?;
    Ok(Verified { user, password_removed })
}

/// Removes a password set before the address was proven, and ends every session of the account: whoever
/// chose it may not own the address.
async fn drop_password(conn: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    app_user::Entity::update_many()
        .col_expr(app_user::Column::PasswordHash, Expr::value(Option::<String>::None))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    sessions::revoke_all(conn, user_id, None, now).await
}

/// The account a token of `purpose` belongs to, if the token is known (spent or not; `use_token` decides).
async fn token_holder(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
) -> AppResult<Option<app_user::Model>> {
    let found = user_token::Entity::find()
        .filter(user_token::Column::TokenHash.eq(token_hash(token)))
        .filter(user_token::Column::Purpose.eq(purpose))
        .one(conn)
        .await?;
    match found {
        Some(found) => Ok(app_user::Entity::find_by_id(found.user_id).one(conn).await?),
        None => Ok(None),
    }
}

/// Sends a new verification link to an unverified account. Answers the same whether or not the address
/// has an account, so it cannot be used to find out who is registered: the request counts against the mail
/// limits of the address and the client before the address is looked up (`RATE_LIMITED` beyond them).
pub async fn request_email_verification(services: &Services, origin: &Origin, email: &str) -> AppResult<()> {
    let Ok(email) = Email::parse("email", email) else { return Ok(()) };
    let mut tx = services.write(None).await?.from_origin(origin);
    tx.count_mail_to(email.as_str()).await?;
    if let Some(user) = find_by_email(&*tx, &email).await?
        && user.email_verified_at.is_none()
    {
        send_token_mail(&mut tx, &user, TokenPurpose::VerifyEmail).await?;
        tx.emit(account_event(EventType::AccountVerificationRequested, user.id));
    }
    tx.commit().await?;
    Ok(())
}

/// Mails a password-reset link if the address has an account; answers the same either way. The request counts
/// against the mail limits of the address and the client before the address is looked up, so `RATE_LIMITED`
/// comes as soon for an unknown address as for a known one.
pub async fn request_password_reset(services: &Services, origin: &Origin, email: &str) -> AppResult<()> {
    let Ok(email) = Email::parse("email", email) else { return Ok(()) };
    let mut tx = services.write(None).await?.from_origin(origin);
    tx.count_mail_to(email.as_str()).await?;
    if let Some(user) = find_by_email(&*tx, &email).await? {
        send_token_mail(&mut tx, &user, TokenPurpose::ResetPassword).await?;
        let entry = AuditEntry {
            action: AuditAction::PasswordResetRequested,
            actor: None,
            subject: Some(user.id),
            detail: json!({}),
        };
        audit::record(&*tx, tx.now(), tx.origin(), entry).await?;
        tx.emit(account_event(EventType::AccountPasswordResetRequested, user.id));
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a reset token, ends every session of the account, and (since the link
/// reached the mailbox) confirms the address.
pub async fn reset_password(services: &Services, origin: &Origin, token: &str, new_password: &str) -> AppResult<()> {
    let mut tx = services.write(None).await?.from_origin(origin);
    let now = tx.now();
    let hash = token_hash(token);
    let user =
        user_token::Entity::find().filter(user_token::Column::TokenHash.eq(hash)).one(&*tx).await?.map(|t| t.user_id);
    let user = match user {
        Some(id) => app_user::Entity::find_by_id(id).one(&*tx).await?,
        None => None,
    };
    // The password is checked before the token is spent, so a weak choice does not burn the link.
    if let Some(user) = &user {
        check_password("newPassword", new_password, Some(&user.email), services.config.auth.min_password_length)
            .map_err(|e| AppError::Rejected(vec![e]))?;
    }
    let user_id = use_token(&*tx, token, TokenPurpose::ResetPassword, now).await?;
    set_password(&*tx, user_id, new_password, now).await?;
    mark_verified(&*tx, user_id, now).await?;
    sessions::revoke_all(&*tx, user_id, None, now).await?;
    let entry = AuditEntry {
        action: AuditAction::PasswordChanged,
        actor: Some(user_id),
        subject: Some(user_id),
        detail: json!({ "via": "reset" }),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(account_event(EventType::AccountPasswordReset, user_id).payload(json!({ "sessionsEnded": "all" })));
    tx.commit().await?;
    Ok(())
}

/// Changes the caller's password after checking the current one; ends the caller's other sessions.
pub async fn change_password(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    current: &str,
    new_password: &str,
) -> AppResult<()> {
    let principal = policy::can_change_own_account(actor)?;
    let user_id = principal.id;
    let user = load(&services.db, user_id).await?;
    let keys = throttle::ThrottleKeys::account(&user.email, origin);
    let attempt = throttle::reserve(services, origin, &keys).await?;
    let current_ok = match user.password_hash.as_deref() {
        Some(hash) => verify_password(current, hash)?,
        None => false,
    };
    if current_ok {
        attempt.succeeded(&services.db).await?;
    } else {
        attempt.failed();
        return Err(AppError::rejected(
            &["currentPassword"],
            UserErrorCode::InvalidCredentials,
            "the current password is not right",
        ));
    }
    check_password("newPassword", new_password, Some(&user.email), services.config.auth.min_password_length)
        .map_err(|e| AppError::Rejected(vec![e]))?;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let now = tx.now();
    set_password(&*tx, user_id, new_password, now).await?;
    sessions::revoke_all(&*tx, user_id, principal.session, now).await?;
    let entry = AuditEntry {
        action: AuditAction::PasswordChanged,
        actor: Some(user_id),
        subject: Some(user_id),
        detail: json!({ "via": "change" }),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(account_event(EventType::AccountPasswordChanged, user_id).payload(json!({ "sessionsEnded": "others" })));
    tx.commit().await?;
    Ok(())
}

pub struct ProfileChange {
    pub display_name: Option<String>,
    pub preferred_language: Option<String>,
}

pub async fn update_profile(
    services: &Services,
    actor: Option<&Principal>,
    change: ProfileChange,
) -> AppResult<app_user::Model> {
    let user_id = policy::can_change_own_account(actor)?.id;
    let mut checks = Checks::default();
    let display_name =
        change.display_name.map(|n| checks.take(PersonName::parse("displayName", &n).map(PersonName::into_string)));
    let language = change.preferred_language.map(|l| checks.take(LanguageCode::parse("preferredLanguage", &l)));
    checks.finish()?;
    let mut tx = services.write(actor).await?;
    let mut user: app_user::ActiveModel = load(&*tx, user_id).await?.into();
    let mut fields = Vec::new();
    if let Some(Some(name)) = display_name {
        user.display_name = Set(name);
        fields.push("displayName");
    }
    if let Some(Some(language)) = language {
        user.preferred_language = Set(language.into_string());
        fields.push("preferredLanguage");
    }
    user.updated_at = Set(tx.now());
    let user = user.update(&*tx).await?;
    tx.emit(account_event(EventType::AccountProfileUpdated, user_id).payload(json!({ "fields": fields })));
    tx.commit().await?;
    Ok(user)
}

/// `impact create-admin`: creates a verified admin account, or grants the admin role to an existing one
/// (whose password is then left as it is). Returns the user and whether it was created.
pub async fn create_admin(services: &Services, email: &str, password: &str) -> AppResult<(app_user::Model, bool)> {
    provision(services, &Provisioned { email, password, display_name: None, role: Role::Admin, via: "create-admin" })
        .await
}

/// An account an operator provisions (not self-service): created verified with the role, or, when the
/// address already has an account, given the role (its password left as it is).
pub struct Provisioned<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The part of the address before `@` when absent.
    pub display_name: Option<&'a str>,
    pub role: Role,
    /// Which command provisioned it (`create-admin`, `seed-demo`), recorded in the events.
    pub via: &'a str,
}

/// Provisions an account (`create-admin`, the demo data). A system command: it runs without a principal, in
/// a unit of work like any other, so the grant is audited (ROLE_GRANTED, no actor) from its `role.granted`
/// event. Returns the user and whether it was created.
pub async fn provision(services: &Services, account: &Provisioned<'_>) -> AppResult<(app_user::Model, bool)> {
    let min_length = services.config.auth.min_password_length;
    let email = Email::parse("email", account.email).map_err(|e| AppError::BadUserInput(e.message))?;
    let mut tx = services.write(None).await?;
    let now = tx.now();
    let (user, created) = match find_by_email(&*tx, &email).await? {
        Some(user) => (user, false),
        None => {
            check_password("password", account.password, Some(email.as_str()), min_length)
                .map_err(|e| AppError::BadUserInput(e.message))?;
            let local_part = email.as_str().split('@').next().unwrap_or("user").to_owned();
            let user = app_user::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(email.as_str().to_owned()),
                email_verified_at: Set(Some(now)),
                password_hash: Set(Some(hash_password(account.password)?)),
                display_name: Set(account.display_name.map_or(local_part, str::to_owned)),
                preferred_language: Set("en".to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&*tx)
            .await?;
            tx.emit(
                account_event(EventType::AccountRegistered, user.id)
                    .payload(json!({ "role": account.role.to_value(), "via": account.via })),
            );
            (user, true)
        }
    };
    if grant(&*tx, user.id, account.role, None, now).await? {
        tx.emit(account_event(EventType::RoleGranted, user.id).visibility(Visibility::Staff).payload(json!({
            "role": account.role.to_value(), "programmeIds": [], "via": account.via,
        })));
    }
    tx.commit().await?;
    Ok((user, created))
}

/// The local user of an external identity: linked before, or found by the verified e-mail address, or
/// created (verified, without a password). Without a verified address nobody is linked. Linking an account
/// whose address was not proven yet proves it, and removes a password set before (see `verify_email`).
pub async fn link_external(services: &Services, identity: &ExternalIdentity) -> AppResult<Uuid> {
    let key = (identity.issuer.clone(), identity.subject.clone());
    if let Some(link) = external_identity::Entity::find_by_id(key.clone()).one(&services.db).await? {
        return Ok(link.user_id);
    }
    let email = identity.verified_email.as_deref().ok_or(AppError::Unauthenticated)?;
    let email = Email::parse("email", email).map_err(|_| AppError::Unauthenticated)?;
    let mut tx = services.write(None).await?;
    let now = tx.now();
    let mut password_removed = false;
    let user = match find_by_email(&*tx, &email).await? {
        // The provider vouches for the address: an unverified account is proven now, and a password chosen
        // before that may be someone else's (pre-hijacking): it goes, with every session of the account.
        Some(user) if user.email_verified_at.is_none() => {
            if user.password_hash.is_some() {
                drop_password(&*tx, user.id, now).await?;
                password_removed = true;
            }
            mark_verified(&*tx, user.id, now).await?
        }
        Some(user) => user,
        None => {
            // The provider's name becomes the display name, which mails show: one line, like any other.
            let name = identity.name.as_deref().and_then(PersonName::sanitised).map(PersonName::into_string);
            let user = app_user::ActiveModel {
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
            .insert(&*tx)
            .await?;
            tx.emit(account_event(EventType::AccountRegistered, user.id).payload(json!({ "via": "external" })));
            user
        }
    };
    external_identity::ActiveModel {
        issuer: Set(key.0),
        subject: Set(key.1),
        user_id: Set(user.id),
        created_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    let entry = AuditEntry {
        action: AuditAction::ExternalUserLinked,
        actor: Some(user.id),
        subject: Some(user.id),
        detail: json!({ "issuer": identity.issuer, "passwordRemoved": password_removed }),
    };
    audit::record(&*tx, now, tx.origin(), entry).await?;
    tx.emit(account_event(EventType::AccountExternalLinked, user.id).payload(json!({ "issuer": identity.issuer })));
    tx.commit().await?;
    Ok(user.id)
}

pub async fn find_by_email(conn: &impl ConnectionTrait, email: &Email) -> AppResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find().filter(app_user::Column::Email.eq(email.as_str())).one(conn).await?)
}

pub async fn load(conn: &impl ConnectionTrait, user_id: Uuid) -> AppResult<app_user::Model> {
    app_user::Entity::find_by_id(user_id).one(conn).await?.ok_or_else(|| AppError::NotFound("user".to_owned()))
}

/// Adds a role to a user if not there yet; whether it was added.
pub async fn grant(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    role: Role,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let exists = user_role::Entity::find_by_id((user_id, role)).one(conn).await?.is_some();
    if !exists {
        user_role::ActiveModel { user_id: Set(user_id), role: Set(role), granted_at: Set(now), granted_by: Set(by) }
            .insert(conn)
            .await?;
    }
    Ok(!exists)
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
async fn send_token_mail(tx: &mut Write, user: &app_user::Model, purpose: TokenPurpose) -> AppResult<()> {
    let now = tx.now();
    let token = new_token();
    let config = tx.services().config.clone();
    let auth = &config.auth;
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
    .insert(&**tx)
    .await?;
    let frontend = config.frontend_url.trim_end_matches('/');
    let hours = ttl / 3600;
    let (subject, text_body) = match purpose {
        TokenPurpose::VerifyEmail => (
            "Confirm your e-mail address for IMPACT".to_owned(),
            format!(
                "Hello,\n\nsomeone (hopefully you) registered an IMPACT account with this address, under the name:\n\n{name}\n\n\
                 Please confirm your e-mail address:\n\n{frontend}/verify-email?token={token}\n\n\
                 Or enter this code: {token}\n\nThe link works once and expires in {hours} hours. If you did not register, ignore this mail.\n",
                name = quote(&user.display_name)
            ),
        ),
        TokenPurpose::ResetPassword => (
            "Reset your IMPACT password".to_owned(),
            format!(
                "Hello,\n\nsomeone (hopefully you) asked to reset the password of your IMPACT account:\n\n\
                 {frontend}/reset-password?token={token}\n\nOr enter this code: {token}\n\nThe link works once and expires in {hours} hour(s). \
                 If you did not ask for it, ignore this mail: your password stays as it is.\n"
            ),
        ),
    };
    tx.mail(OutgoingEmail { to: user.email.clone(), subject, text_body, headers: Vec::new() }).await?;
    Ok(())
}
