//! A person's newsletter data: the subscription of the address, its consent history and deliveries.
//! Erasure keeps anonymous rows (the subscriber and its consent records without the address, deliveries for
//! the counts), records ERASED in the consent history, deletes the subscriber's tokens and every mail to the
//! address, sent or not (the bodies hold personal links and the recipient column the address).

use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::newsletter::subscriptions::{self, record_consent};
use crate::domain::newsletter::topics_of;
use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::subscriber::{self, SubscriptionStatus};
use entity::subscription_consent::ConsentAction;
use entity::{outbound_email, subscriber_token};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "newsletter",
    tables: &["subscriber", "subscription_consent", "subscriber_token", "newsletter_delivery", "newsletter_issue"],
    on_erasure: "the subscriber kept without address, language or topics (status ERASED, an ERASED consent \
                 recorded); its tokens and every mail to the address deleted; deliveries kept for the counts; issues the \
                 person wrote keep the author's id only",
};

/// The subscription of the person's address with its consent history (null when there is none).
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let Some(s) = subscriptions::find_by_email(db, &person.email).await? else {
        return Ok(Value::Null);
    };
    let consents = subscriptions::consents(db, s.id).await?;
    Ok(json!({
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
    }))
}

fn topic_names(stored: &str) -> Vec<&'static str> {
    topics_of(stored).into_iter().map(|t| t.as_str()).collect()
}

/// Erases the subscription of the person's address, if any (source `account-erasure`).
pub async fn erase(tx: &mut Write, person: &Person) -> AppResult<()> {
    if let Some(subscriber) = subscriptions::find_by_email(&**tx, &person.email).await? {
        erase_subscriber(tx, subscriber, "account-erasure").await?;
    }
    Ok(())
}

/// Removes the address and personal fields of a subscriber, its tokens and every mail to it; records ERASED
/// in the consent history (which never held the address). Also the path of `eraseSubscription`.
pub async fn erase_subscriber(tx: &mut Write, subscriber: subscriber::Model, source: &str) -> AppResult<()> {
    let now = tx.now();
    if let Some(email) = subscriber.email.as_deref() {
        outbound_email::Entity::delete_many().filter(outbound_email::Column::ToAddress.eq(email)).exec(&**tx).await?;
    }
    subscriber_token::Entity::delete_many()
        .filter(subscriber_token::Column::SubscriberId.eq(subscriber.id))
        .exec(&**tx)
        .await?;
    let mut active: subscriber::ActiveModel = subscriber.into();
    active.email = Set(None);
    active.language = Set(None);
    active.topics = Set(String::new());
    active.status = Set(SubscriptionStatus::Erased);
    active.updated_at = Set(now);
    let erased = active.update(&**tx).await?;
    record_consent(&**tx, &erased, ConsentAction::Erased, source, now).await?;
    tx.emit(
        DomainEvent::new(EventType::SubscriptionErased, NodeType::NewsletterSubscription, erased.id)
            .visibility(Visibility::Staff)
            .payload(json!({ "source": source })),
    );
    Ok(())
}
