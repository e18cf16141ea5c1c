//! A person's data in accounts: the account row (address, name, language, password hash), its roles and
//! programmes, single-use e-mail tokens, sessions, linked external identities, and the failed-login records of
//! its address (keyed by a hash of the address). Service accounts and role grants made by the person keep the
//! person's id only.
//!
//! Export: everything but token and password hashes. Erasure (the last step of `eraseMyAccount`): every row of
//! the account is deleted; ids the person left on other rows (`granted_by`, `service_account.created_by`) stay.

use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::{app_user, external_identity, login_failure, session, user_programme, user_role, user_token};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "accounts",
    tables: &[
        "app_user",
        "user_role",
        "user_programme",
        "user_token",
        "session",
        "external_identity",
        "login_failure",
        "service_account",
    ],
    on_erasure: "account, roles, programmes, tokens, sessions, external identities and the address's failed-login \
                 records deleted; grants made and service accounts created by the person keep the person's id only",
};

/// The throttle key of failed logins to the person's address (see `sessions::login`).
/// The account, its roles, programmes, sessions (without token hashes) and external identities.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let user_id = person.user_id;
    let user = super::load(db, user_id).await?;
    let roles = user_role::Entity::find().filter(user_role::Column::UserId.eq(user_id)).all(db).await?;
    let programmes = user_programme::Entity::find().filter(user_programme::Column::UserId.eq(user_id)).all(db).await?;
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_asc(session::Column::CreatedAt)
        .all(db)
        .await?;
    let identities =
        external_identity::Entity::find().filter(external_identity::Column::UserId.eq(user_id)).all(db).await?;
    Ok(json!({
        "account": {
            "id": user.id,
            "email": user.email,
            "emailVerifiedAt": user.email_verified_at,
            "displayName": user.display_name,
            "preferredLanguage": user.preferred_language,
            "hasPassword": user.password_hash.is_some(),
            "createdAt": user.created_at,
            "updatedAt": user.updated_at,
        },
        "roles": roles.iter().map(|r| json!({ "role": r.role, "grantedAt": r.granted_at, "grantedBy": r.granted_by })).collect::<Vec<_>>(),
        "programmes": programmes.iter().map(|p| p.programme_id).collect::<Vec<_>>(),
        "sessions": sessions.iter().map(|s| json!({
            "id": s.id, "familyId": s.family_id, "createdAt": s.created_at, "expiresAt": s.expires_at,
            "rotatedAt": s.rotated_at, "revokedAt": s.revoked_at,
        })).collect::<Vec<_>>(),
        "externalIdentities": identities.iter().map(|i| json!({ "issuer": i.issuer, "subject": i.subject, "createdAt": i.created_at })).collect::<Vec<_>>(),
    }))
}

/// Deletes the account and every row hanging on it, and the failed-login records of its address.
pub async fn erase(tx: &mut Write, person: &Person) -> AppResult<()> {
    let user_id = person.user_id;
    let (account, at_clients) = super::throttle::account_keys(&person.email);
    login_failure::Entity::delete_many()
        .filter(
            Condition::any()
                .add(login_failure::Column::ThrottleKey.eq(account))
                .add(login_failure::Column::ThrottleKey.starts_with(at_clients.as_str())),
        )
        .exec(&**tx)
        .await?;
    user_token::Entity::delete_many().filter(user_token::Column::UserId.eq(user_id)).exec(&**tx).await?;
    session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(&**tx).await?;
    external_identity::Entity::delete_many().filter(external_identity::Column::UserId.eq(user_id)).exec(&**tx).await?;
    user_programme::Entity::delete_many().filter(user_programme::Column::UserId.eq(user_id)).exec(&**tx).await?;
    user_role::Entity::delete_many().filter(user_role::Column::UserId.eq(user_id)).exec(&**tx).await?;
    app_user::Entity::delete_by_id(user_id).exec(&**tx).await?;
    Ok(())
}
