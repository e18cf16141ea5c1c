//! Subscriptions without an account: subscribe (answers the same for known and unknown addresses), confirm
//! with a single-use expiring token, update, unsubscribe (also one-click, RFC 8058), with every change written
//! to the append-only consent history. Signed-in users manage the subscription of their account's address.

use super::{Topic, check_topics, new_manage_token, policy, subscriber_mail, topics_column};
use crate::auth::Principal;
use crate::auth::secrets::{new_token, token_hash};
use crate::config::CONSENT_WORDING_VERSION;
use crate::domain::accounts;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::unit_of_work::Write;
use crate::domain::values::{Checks, Email, LanguageCode};
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use chrono::{DateTime, Duration, Utc};
use entity::subscriber::{self, SubscriptionStatus};
use entity::subscriber_token::{self, SubscriberTokenPurpose};
use entity::subscription_consent::{self, ConsentAction};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr};
use serde_json::json;
use uuid::Uuid;

/// Where a consent change came from when the client does not say.
pub const DEFAULT_SOURCE: &str = "api";
/// The source recorded for the one-click unsubscribe route.
pub const ONE_CLICK_SOURCE: &str = "one-click";
const MAX_SOURCE_CHARS: usize = 100;

pub struct SubscribeInput {
    pub email: String,
    pub topics: Vec<Topic>,
    pub language: String,
    /// Which frontend the subscriber used (e.g. `impact-website`); `api` when not given.
    pub source: Option<String>,
}

/// Whose subscription a change is about: the holder of a manage token, or a signed-in user's own address.
pub enum SubscriberKey<'a> {
    Token(&'a str),
    Caller(&'a Principal),
}

fn source(field: &str, input: Option<&str>) -> Result<String, UserError> {
    let source = input.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(DEFAULT_SOURCE);
    if source.chars().count() > MAX_SOURCE_CHARS {
        return Err(UserError::new(
            &[field],
            UserErrorCode::Invalid,
            format!("`source` is longer than {MAX_SOURCE_CHARS} characters"),
        ));
    }
    Ok(source.to_owned())
}

fn invalid_token() -> AppError {
    AppError::rejected(&["token"], UserErrorCode::InvalidToken, "this link is invalid, already used or expired")
}

/// The event of a change to a subscription: its topics and language after the change; never the address or a
/// token. Visible to its parties (the holder of the address) and staff.
fn subscription_event(event_type: EventType, subscriber: &subscriber::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::NewsletterSubscription, subscriber.id)
        .visibility(Visibility::Parties)
        .payload(json!({
            "topics": super::topics_of(&subscriber.topics).iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            "language": subscriber.language,
        }))
}

/// Subscribes an address (pending until confirmed) and mails a confirmation link. Answers the same whether
/// the address is new, pending, unsubscribed or already confirmed (then the mail holds a manage link instead,
/// and nothing changes, so no event is written), so the answer reveals nothing about who subscribed.
/// Exactly one mail per call, within the mail limits of the address and the client (`RATE_LIMITED` beyond,
/// whatever the address's state, so the answer still reveals nothing).
pub async fn subscribe(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    input: SubscribeInput,
) -> AppResult<()> {
    policy::can_subscribe(actor)?;
    let mut checks = Checks::default();
    let email = checks.take(Email::parse("email", &input.email));
    let topics = checks.take(check_topics("topics", &input.topics));
    let language = checks.take(LanguageCode::parse("language", &input.language));
    let source = checks.take(source("source", input.source.as_deref()));
    checks.finish()?;
    let (Some(email), Some(topics), Some(language), Some(source)) = (email, topics, language, source) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked subscription lost a value")));
    };
    let language = language.into_string();
    let mut tx = services.write(actor).await?.from_origin(origin);
    tx.count_mail_to(email.as_str()).await?;
    let now = tx.now();
    let existing = find_by_email(&*tx, email.as_str()).await?;
    let subscriber = match existing {
        Some(found) if found.status == SubscriptionStatus::Confirmed => {
            let token = new_manage_token(&*tx, found.id, now).await?;
            let text = "Hello,\n\nsomeone (hopefully you) asked to subscribe this address to IMPACT news. \
                        It is subscribed already; nothing has changed.\n\nTo change your topics or language, \
                        use the manage link below.";
            let mail = subscriber_mail(services, email.as_str(), "Your IMPACT subscription", text, &token);
            tx.mail(mail).await?;
            tx.commit().await?;
            return Ok(());
        }
        Some(found) => {
            let mut active: subscriber::ActiveModel = found.into();
            active.status = Set(SubscriptionStatus::Pending);
            active.topics = Set(topics_column(&topics));
            active.language = Set(Some(language.clone()));
            active.updated_at = Set(now);
            active.update(&*tx).await?
        }
        None => {
            let inserted = subscriber::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(Some(email.as_str().to_owned())),
                status: Set(SubscriptionStatus::Pending),
                topics: Set(topics_column(&topics)),
                language: Set(Some(language.clone())),
                created_at: Set(now),
                updated_at: Set(now),
                confirmed_at: Set(None),
                unsubscribed_at: Set(None),
            }
            .insert(&*tx)
            .await;
            match inserted {
                Ok(subscriber) => subscriber,
                // The same address subscribed at the same moment: that request sends the mail (dropping the
                // unit of work rolls this one back).
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    record_consent(&*tx, &subscriber, ConsentAction::Subscribed, &source, now).await?;
    send_confirmation(&mut tx, &subscriber, email.as_str()).await?;
    tx.emit(subscription_event(EventType::SubscriptionRequested, &subscriber));
    tx.commit().await?;
    Ok(())
}

/// Replaces any earlier confirmation token with a new one and queues the mail carrying it.
async fn send_confirmation(tx: &mut Write, subscriber: &subscriber::Model, email: &str) -> AppResult<()> {
    let now = tx.now();
    burn_confirmation_tokens(&**tx, subscriber.id, now).await?;
    let token = new_token();
    let ttl = tx.services().config.subscription_token_ttl_secs;
    subscriber_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        subscriber_id: Set(subscriber.id),
        purpose: Set(SubscriberTokenPurpose::Confirm),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(Some(now + Duration::seconds(ttl as i64))),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(&**tx)
    .await?;
    let manage = new_manage_token(&**tx, subscriber.id, now).await?;
    let frontend = tx.services().config.frontend_url.trim_end_matches('/').to_owned();
    let text = format!(
        "Hello,\n\nplease confirm your subscription to IMPACT news ({topics}):\n\n\
         {frontend}/confirm-subscription?token={token}\n\nThe link works once and expires in {hours} hours. \
         If you did not subscribe, ignore this mail: nothing will be sent to you.",
        topics = super::topics_of(&subscriber.topics).iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "),
        hours = ttl / 3600,
    );
    let mail = subscriber_mail(tx.services(), email, "Confirm your subscription to IMPACT news", &text, &manage);
    tx.mail(mail).await?;
    Ok(())
}

async fn burn_confirmation_tokens(
    conn: &impl ConnectionTrait,
    subscriber_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    subscriber_token::Entity::update_many()
        .col_expr(subscriber_token::Column::UsedAt, Expr::value(now))
        .filter(subscriber_token::Column::SubscriberId.eq(subscriber_id))
        .filter(subscriber_token::Column::Purpose.eq(SubscriberTokenPurpose::Confirm))
        .filter(subscriber_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Confirms a pending subscription with the token of its confirmation mail: once, before it expires.
pub async fn confirm(
    services: &Services,
    actor: Option<&Principal>,
    token: &str,
    source_input: Option<&str>,
) -> AppResult<subscriber::Model> {
    policy::can_confirm(actor)?;
    let source = source("source", source_input).map_err(|e| AppError::Rejected(vec![e]))?;
    let mut tx = services.write(actor).await?;
    let now = tx.now();
    let found = subscriber_token::Entity::find()
        .filter(subscriber_token::Column::TokenHash.eq(token_hash(token)))
        .filter(subscriber_token::Column::Purpose.eq(SubscriberTokenPurpose::Confirm))
        .one(&*tx)
        .await?
        .ok_or_else(invalid_token)?;
    if found.used_at.is_some() || found.expires_at.is_none_or(|at| at <= now) {
        return Err(invalid_token());
    }
    // Conditional: two concurrent uses of one token succeed once.
    let spent = subscriber_token::Entity::update_many()
        .col_expr(subscriber_token::Column::UsedAt, Expr::value(now))
        .filter(subscriber_token::Column::Id.eq(found.id))
        .filter(subscriber_token::Column::UsedAt.is_null())
        .exec(&*tx)
        .await?;
    if spent.rows_affected != 1 {
        return Err(invalid_token());
    }
    let subscriber = load(&*tx, found.subscriber_id).await?;
    if subscriber.status != SubscriptionStatus::Pending {
        return Err(invalid_token());
    }
    let mut active: subscriber::ActiveModel = subscriber.into();
    active.status = Set(SubscriptionStatus::Confirmed);
    active.confirmed_at = Set(Some(now));
    active.unsubscribed_at = Set(None);
    active.updated_at = Set(now);
    let subscriber = active.update(&*tx).await?;
    record_consent(&*tx, &subscriber, ConsentAction::Confirmed, &source, now).await?;
    tx.emit(subscription_event(EventType::SubscriptionConfirmed, &subscriber));
    tx.commit().await?;
    Ok(subscriber)
}

pub struct SubscriptionChange {
    pub topics: Vec<Topic>,
    pub language: String,
    pub source: Option<String>,
}

/// Changes the topics and language of a pending or confirmed subscription.
pub async fn update(
    services: &Services,
    actor: Option<&Principal>,
    key: SubscriberKey<'_>,
    change: SubscriptionChange,
) -> AppResult<subscriber::Model> {
    policy::can_change(actor, &key)?;
    let mut checks = Checks::default();
    let topics = checks.take(check_topics("topics", &change.topics));
    let language = checks.take(LanguageCode::parse("language", &change.language));
    let source = checks.take(source("source", change.source.as_deref()));
    checks.finish()?;
    let (Some(topics), Some(language), Some(source)) = (topics, language, source) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked change lost a value")));
    };
    let mut tx = services.write(actor).await?;
    let now = tx.now();
    let subscriber = find_by_key(&*tx, &key).await?;
    if !matches!(subscriber.status, SubscriptionStatus::Pending | SubscriptionStatus::Confirmed) {
        return Err(AppError::invalid_state(
            &[],
            "this address is unsubscribed; subscribe again (and confirm) to receive news",
        ));
    }
    let mut active: subscriber::ActiveModel = subscriber.into();
    active.topics = Set(topics_column(&topics));
    active.language = Set(Some(language.into_string()));
    active.updated_at = Set(now);
    let subscriber = active.update(&*tx).await?;
    record_consent(&*tx, &subscriber, ConsentAction::Updated, &source, now).await?;
    tx.emit(subscription_event(EventType::SubscriptionUpdated, &subscriber));
    tx.commit().await?;
    Ok(subscriber)
}

/// Withdraws consent: no more mail until the address subscribes and confirms again. Unsubscribing twice is
/// not an error (the second changes nothing and records nothing, no consent and no event).
pub async fn unsubscribe(
    services: &Services,
    actor: Option<&Principal>,
    key: SubscriberKey<'_>,
    source_input: Option<&str>,
) -> AppResult<subscriber::Model> {
    policy::can_change(actor, &key)?;
    let source = source("source", source_input).map_err(|e| AppError::Rejected(vec![e]))?;
    let mut tx = services.write(actor).await?;
    let now = tx.now();
    let subscriber = find_by_key(&*tx, &key).await?;
    if subscriber.status == SubscriptionStatus::Unsubscribed {
        return Ok(subscriber);
    }
    burn_confirmation_tokens(&*tx, subscriber.id, now).await?;
    let mut active: subscriber::ActiveModel = subscriber.into();
    active.status = Set(SubscriptionStatus::Unsubscribed);
    active.unsubscribed_at = Set(Some(now));
    active.updated_at = Set(now);
    let subscriber = active.update(&*tx).await?;
    record_consent(&*tx, &subscriber, ConsentAction::Unsubscribed, &source, now).await?;
    tx.emit(subscription_event(EventType::SubscriptionUnsubscribed, &subscriber));
    tx.commit().await?;
    Ok(subscriber)
}

/// The subscription a manage token belongs to, if any (for the manage page).
pub async fn by_token(conn: &impl ConnectionTrait, token: &str) -> AppResult<Option<subscriber::Model>> {
    match find_by_key(conn, &SubscriberKey::Token(token)).await {
        Ok(subscriber) => Ok(Some(subscriber)),
        Err(AppError::Rejected(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The subscription of a user's account address, if any.
pub async fn of_user(conn: &impl ConnectionTrait, user_id: Uuid) -> AppResult<Option<subscriber::Model>> {
    let user = accounts::load(conn, user_id).await?;
    find_by_email(conn, &user.email).await
}

/// The consent history of a subscriber, oldest first.
pub async fn consents(conn: &impl ConnectionTrait, subscriber_id: Uuid) -> AppResult<Vec<subscription_consent::Model>> {
    Ok(subscription_consent::Entity::find()
        .filter(subscription_consent::Column::SubscriberId.eq(subscriber_id))
        .order_by_asc(subscription_consent::Column::OccurredAt)
        .order_by_asc(subscription_consent::Column::Id)
        .all(conn)
        .await?)
}

pub(crate) async fn find_by_key(conn: &impl ConnectionTrait, key: &SubscriberKey<'_>) -> AppResult<subscriber::Model> {
    match key {
        SubscriberKey::Token(token) => {
            let found = subscriber_token::Entity::find()
                .filter(subscriber_token::Column::TokenHash.eq(token_hash(token)))
                .filter(subscriber_token::Column::Purpose.eq(SubscriberTokenPurpose::Manage))
                .one(conn)
                .await?
                .ok_or_else(invalid_token)?;
            let subscriber = load(conn, found.subscriber_id).await?;
            if subscriber.status == SubscriptionStatus::Erased {
                return Err(invalid_token());
            }
            Ok(subscriber)
        }
        SubscriberKey::Caller(principal) => {
            let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
            of_user(conn, user_id).await?.ok_or_else(|| {
                AppError::rejected(&[], UserErrorCode::NotFound, "your account's address has no subscription")
            })
        }
    }
}

pub async fn find_by_email(conn: &impl ConnectionTrait, email: &str) -> AppResult<Option<subscriber::Model>> {
    Ok(subscriber::Entity::find().filter(subscriber::Column::Email.eq(email)).one(conn).await?)
}

async fn load(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<subscriber::Model> {
    subscriber::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::NotFound("subscriber".to_owned()))
}

/// Appends to the consent history: what happened, the topics and language at that moment, the wording version
/// and the source. The address is never part of it.
pub(crate) async fn record_consent(
    conn: &impl ConnectionTrait,
    subscriber: &subscriber::Model,
    action: ConsentAction,
    source: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    subscription_consent::ActiveModel {
        id: Set(Uuid::now_v7()),
        subscriber_id: Set(subscriber.id),
        action: Set(action),
        topics: Set(subscriber.topics.clone()),
        language: Set(subscriber.language.clone()),
        wording_version: Set(CONSENT_WORDING_VERSION.to_owned()),
        source: Set(source.to_owned()),
        occurred_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}
