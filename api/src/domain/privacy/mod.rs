//! Personal-data rights: the export of everything held about the caller, and erasure of a subscription or a
//! whole account, over the personal-data registry: [`AREAS`] lists every area's claim, and
//! [`export_my_data`]/[`erase_my_account`] call each area's `personal_data::{export, erase}` in one fixed order.
//! Erasure keeps anonymous rows (subscriber and consent records without the address, newsletter deliveries for
//! counts, the audit log and domain events by id) and removes every mail to the address from the outbox, sent
//! or not (the bodies hold personal links and the recipient column the address).

use crate::auth::Principal;
use crate::auth::secrets::verify_password;
use crate::domain::accounts::throttle::{self, ThrottleKeys};
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::newsletter::subscriptions::{self, SubscriberKey};
use crate::domain::personal_data::{Claim, Person};
use crate::domain::policy::require_user;
use crate::domain::unit_of_work::Write;
use crate::domain::{
    Origin, Services, accounts, applications, audit, events, experts, newsletter, organisations, resources, strategies,
    webhooks,
};
use crate::error::{AppError, AppResult, UserErrorCode};
use entity::{domain_event, outbound_email};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value, json};

/// Every area's claim on tables with personal data: the registry. A test lists the database's tables with an
/// e-mail or user column and fails for any claimed by no entry here.
pub const AREAS: &[Claim] = &[
    accounts::personal_data::CLAIM,
    organisations::personal_data::CLAIM,
    applications::personal_data::CLAIM,
    newsletter::personal_data::CLAIM,
    events::personal_data::CLAIM,
    experts::personal_data::CLAIM,
    resources::personal_data::CLAIM,
    strategies::personal_data::CLAIM,
    webhooks::personal_data::CLAIM,
    MAIL,
    audit::personal_data::CLAIM,
    DOMAIN_EVENTS,
];

/// The outbox: mails to the person's address.
pub const MAIL: Claim = Claim {
    area: "mail",
    tables: &["outbound_email"],
    on_erasure: "every mail to the address deleted, sent or not (bodies hold personal links)",
};

/// The domain-event stream: events name their actor by id; payloads hold ids, statuses and counts only.
pub const DOMAIN_EVENTS: Claim = Claim {
    area: "domain_events",
    tables: &["domain_event"],
    on_erasure: "kept by id: the actor's id only, payloads carry no personal data",
};

/// Everything the service holds about the signed-in caller, as one JSON document (token hashes and password
/// hashes left out): each area's export, merged in the registry's order.
pub async fn export_my_data(services: &Services, actor: Option<&Principal>) -> AppResult<Value> {
    let principal = require_user(actor)?;
    let db = &services.db;
    let user = accounts::load(db, principal.id).await?;
    let person = Person { user_id: user.id, email: user.email };
    let mut document = Map::new();
    document.insert("exportedAt".to_owned(), json!(services.now()));
    for part in [
        accounts::personal_data::export(db, &person).await?,
        organisations::personal_data::export(db, &person).await?,
        applications::personal_data::export(db, &person).await?,
        json!({ "subscription": newsletter::personal_data::export(db, &person).await? }),
        json!({ "eventRegistrations": events::personal_data::export(db, &person).await? }),
        experts::personal_data::export(db, &person).await?,
        json!({ "resourcesAdded": resources::personal_data::export(db, &person).await? }),
        strategies::personal_data::export(db, &person).await?,
        webhooks::personal_data::export(db, &person).await?,
        export_mail(db, &person).await?,
        audit::personal_data::export(db, &person).await?,
        export_domain_events(db, &person).await?,
    ] {
        if let Value::Object(fields) = part {
            document.extend(fields);
        }
    }
    Ok(Value::Object(document))
}

/// Erases the caller's account after checking the password, in one unit of work: each area erases its part in
/// the registry's order, the account's own rows go last, and `account.erased` is recorded (and audited).
pub async fn erase_my_account(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    password: &str,
) -> AppResult<()> {
    let principal = require_user(actor)?;
    let user = accounts::load(&services.db, principal.id).await?;
    let keys = ThrottleKeys::account(&user.email, origin);
    let attempt = throttle::reserve(services, origin, &keys).await?;
    let password_ok = match user.password_hash.as_deref() {
        Some(hash) => verify_password(password, hash)?,
        None => false,
    };
    if password_ok {
        attempt.succeeded(&services.db).await?;
    } else {
        attempt.failed();
        return Err(AppError::rejected(&["password"], UserErrorCode::InvalidCredentials, "the password is not right"));
    }
    let mut tx = services.write(actor).await?;
    let user = accounts::load(&*tx, principal.id).await?;
    let person = Person { user_id: user.id, email: user.email };
    organisations::personal_data::erase(&mut tx, &person).await?;
    applications::personal_data::erase(&mut tx, &person).await?;
    newsletter::personal_data::erase(&mut tx, &person).await?;
    events::personal_data::erase(&mut tx, &person).await?;
    experts::personal_data::erase(&mut tx, &person).await?;
    strategies::personal_data::erase(&mut tx, &person).await?;
    webhooks::personal_data::erase(&mut tx, &person).await?;
    erase_mail(&mut tx, &person).await?;
    audit::personal_data::erase(&mut tx, &person).await?;
    accounts::personal_data::erase(&mut tx, &person).await?;
    let areas: Vec<&str> = AREAS.iter().map(|claim| claim.area).collect();
    tx.emit(
        DomainEvent::new(EventType::AccountErased, NodeType::User, person.user_id)
            .visibility(Visibility::Staff)
            .payload(json!({ "areas": areas })),
    );
    tx.commit().await
}

/// Erases a subscription given a manage token from any of its mails.
pub async fn erase_subscription(services: &Services, token: &str) -> AppResult<()> {
    let mut tx = services.write(None).await?;
    let subscriber = subscriptions::find_by_key(&*tx, &SubscriberKey::Token(token)).await?;
    newsletter::personal_data::erase_subscriber(&mut tx, subscriber, "api").await?;
    tx.commit().await
}

/// The mails to the person's address: subject, status and time (not the bodies, which hold tokens).
async fn export_mail(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let mails = outbound_email::Entity::find()
        .filter(outbound_email::Column::ToAddress.eq(&person.email))
        .order_by_asc(outbound_email::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(json!({
        "mails": mails.iter().map(|m| json!({
            "subject": m.subject, "status": format!("{:?}", m.status).to_uppercase(), "createdAt": m.created_at,
        })).collect::<Vec<_>>(),
    }))
}

/// Every outbox row to the address, whatever its status.
async fn erase_mail(tx: &mut Write, person: &Person) -> AppResult<()> {
    outbound_email::Entity::delete_many()
        .filter(outbound_email::Column::ToAddress.eq(&person.email))
        .exec(&**tx)
        .await?;
    Ok(())
}

/// The domain events the person caused: type, subject and time.
async fn export_domain_events(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let events = domain_event::Entity::find()
        .filter(domain_event::Column::ActorId.eq(person.user_id))
        .order_by_asc(domain_event::Column::Position)
        .all(db)
        .await?;
    Ok(json!({
        "domainEvents": events.iter().map(|e| json!({
            "type": e.event_type, "subject": e.subject, "occurredAt": e.occurred_at,
        })).collect::<Vec<_>>(),
    }))
}
