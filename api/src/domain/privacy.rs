//! Personal-data rights: the export of everything held about the caller, and erasure of a subscription or a
//! whole account. Erasure keeps anonymous rows (subscriber and consent records without the address, newsletter
//! deliveries for counts, the audit log by id) and removes every mail to the address from the outbox, sent or
//! not (the bodies hold personal links and the recipient column the address).

use crate::auth::Principal;
use crate::auth::secrets::{token_hash, verify_password};
use crate::domain::newsletter::subscriptions::{self, SubscriberKey, record_consent};
use crate::domain::newsletter::topics_of;
use crate::domain::{Services, accounts};
use crate::error::{AppError, AppResult, UserErrorCode};
use chrono::{DateTime, Utc};
use entity::subscriber::{self, SubscriptionStatus};
use entity::subscription_consent::ConsentAction;
use entity::{
    app_user, audit_event, external_identity, login_failure, outbound_email, session, subscriber_token, user_programme,
    user_role,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

/// Everything the service holds about the signed-in caller, as one JSON document (token hashes and password
/// hashes left out).
pub async fn export_my_data(services: &Services, principal: &Principal) -> AppResult<Value> {
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let db = &services.db;
    let user = accounts::load(db, user_id).await?;
    let roles = user_role::Entity::find().filter(user_role::Column::UserId.eq(user_id)).all(db).await?;
    let programmes = user_programme::Entity::find().filter(user_programme::Column::UserId.eq(user_id)).all(db).await?;
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_asc(session::Column::CreatedAt)
        .all(db)
        .await?;
    let identities =
        external_identity::Entity::find().filter(external_identity::Column::UserId.eq(user_id)).all(db).await?;
    let audit = audit_event::Entity::find()
        .filter(
            Condition::any()
                .add(audit_event::Column::ActorId.eq(user_id))
                .add(audit_event::Column::SubjectId.eq(user_id)),
        )
        .order_by_asc(audit_event::Column::OccurredAt)
        .all(db)
        .await?;
    let subscription = match subscriptions::find_by_email(db, &user.email).await? {
        Some(s) => {
            let consents = subscriptions::consents(db, s.id).await?;
            json!({
                "email": s.email,
                "status": format!("{:?}", s.status).to_uppercase(),
                "topics": topic_names(&s.topics),
                "language": s.language,
                "createdAt": s.created_at,
                "confirmedAt": s.confirmed_at,
                "unsubscribedAt": s.unsubscribed_at,
                "consents": consents.iter().map(|c| json!({
                    "action": format!("{:?}", c.action).to_uppercase(),
                    "occurredAt": c.occurred_at,
                    "topics": topic_names(&c.topics),
                    "language": c.language,
                    "wordingVersion": c.wording_version,
                    "source": c.source,
                })).collect::<Vec<_>>(),
            })
        }
        None => Value::Null,
    };
    Ok(json!({
        "exportedAt": services.now(),
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
        "subscription": subscription,
        "auditEvents": audit.iter().map(|e| json!({
            "occurredAt": e.occurred_at, "action": e.action, "actorId": e.actor_id, "subjectId": e.subject_id,
            "clientAddress": e.client_address, "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::Null),
        })).collect::<Vec<_>>(),
    }))
}

fn topic_names(stored: &str) -> Vec<&'static str> {
    topics_of(stored).into_iter().map(|t| t.as_str()).collect()
}

/// Erases a subscription given a manage token from any of its mails.
pub async fn erase_subscription(services: &Services, token: &str) -> AppResult<()> {
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    let subscriber = subscriptions::find_by_key(&txn, &SubscriberKey::Token(token)).await?;
    erase_subscriber(&txn, subscriber, "api", now).await?;
    txn.commit().await?;
    Ok(())
}

/// Removes the address and personal fields of a subscriber, its tokens and every mail to it; records ERASED
/// in the consent history (which never held the address).
async fn erase_subscriber(
    conn: &impl ConnectionTrait,
    subscriber: subscriber::Model,
    source: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if let Some(email) = subscriber.email.as_deref() {
        delete_mail_to(conn, email).await?;
    }
    subscriber_token::Entity::delete_many()
        .filter(subscriber_token::Column::SubscriberId.eq(subscriber.id))
        .exec(conn)
        .await?;
    let mut active: subscriber::ActiveModel = subscriber.into();
    active.email = Set(None);
    active.language = Set(None);
    active.topics = Set(String::new());
    active.status = Set(SubscriptionStatus::Erased);
    active.updated_at = Set(now);
    let erased = active.update(conn).await?;
    record_consent(conn, &erased, ConsentAction::Erased, source, now).await?;
    Ok(())
}

/// Every outbox row to the address, whatever its status.
async fn delete_mail_to(conn: &impl ConnectionTrait, email: &str) -> AppResult<()> {
    outbound_email::Entity::delete_many().filter(outbound_email::Column::ToAddress.eq(email)).exec(conn).await?;
    Ok(())
}

/// Erases the caller's account after checking the password: the account row and what hangs on it (roles,
/// programmes, tokens, sessions, external identities), the subscription of its address, every mail to it and
/// the failed-login records of the address. The audit log keeps its rows, which hold ids, not the address.
pub async fn erase_my_account(services: &Services, principal: &Principal, password: &str) -> AppResult<()> {
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    let user = accounts::load(&txn, user_id).await?;
    if !user.password_hash.as_deref().is_some_and(|hash| verify_password(password, hash)) {
        return Err(AppError::rejected(&["password"], UserErrorCode::InvalidCredentials, "the password is not right"));
    }
    if let Some(subscriber) = subscriptions::find_by_email(&txn, &user.email).await? {
        erase_subscriber(&txn, subscriber, "account-erasure", now).await?;
    }
    delete_mail_to(&txn, &user.email).await?;
    let account_key = format!("account:{}", token_hash(&user.email));
    login_failure::Entity::delete_many().filter(login_failure::Column::ThrottleKey.eq(account_key)).exec(&txn).await?;
    // Foreign keys cascade to roles, programmes, tokens, sessions and external identities.
    app_user::Entity::delete_by_id(user_id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
