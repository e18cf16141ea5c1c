//! Registrations for events: one per person per event, seats up to the capacity (never more, however many
//! requests arrive at once), a waitlist in order, confirmation of e-mail registrations, cancellation with
//! promotion of the first waiting person, and attendance.
//!
//! Only a proven address holds a seat: a registration by e-mail stays PENDING (holding nothing) until the
//! link mailed to the address confirms it, and a signed-in user's address is verified (signing in requires
//! it). A PENDING registration of an address is therefore nobody's yet: whoever proves the address takes
//! it over (the signed-in user whose verified address it is, or the next registration by e-mail, which mails a
//! fresh link to the address), and that user may cancel it, so typing someone's address squats nothing.
//!
//! Every change starts its transaction by writing the event's row (`lock_event`): on PostgreSQL that row lock
//! serialises the registrations of one event; on SQLite the write lock is taken at the first statement, where
//! the busy timeout applies (a deferred transaction that read first could fail with "database is locked").
//! Seats are then taken with a conditional update (`seats_taken < capacity`), so the capacity holds even so.

use super::policy;
use crate::auth::Principal;
use crate::auth::secrets::{new_token, token_hash};
use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::events::load;
use crate::domain::ids::{self, NodeType};
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::unit_of_work::Write;
use crate::domain::values::{Checks, Email, PersonName};
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::mail::{OutgoingEmail, quote};
use chrono::{DateTime, Duration, Utc};
use entity::app_user;
use entity::event::{self, EventStatus};
use entity::event_registration::{self, RegistrationStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Writes the event's row (changing nothing) as the transaction's first statement, so that the registrations
/// of one event run one after the other on both databases; then reads it. `field` names the input at fault
/// when there is no such event.
pub async fn lock_event(txn: &DatabaseTransaction, id: Uuid, field: &[&str]) -> AppResult<event::Model> {
    let locked = event::Entity::update_many()
        .col_expr(event::Column::SeatsTaken, Expr::col(event::Column::SeatsTaken))
        .filter(event::Column::Id.eq(id))
        .exec(txn)
        .await?;
    if locked.rows_affected != 1 {
        return Err(no_event(field));
    }
    load(txn, id).await
}

fn no_event(field: &[&str]) -> AppError {
    AppError::rejected(field, UserErrorCode::NotFound, "there is no such event")
}

fn already_registered() -> AppError {
    AppError::rejected(&["eventId"], UserErrorCode::AlreadyRegistered, "you are already registered for this event")
}

/// Registration is open for a published event between its opening and closing times (server clock).
/// Drafts do not exist for the public.
fn check_open(event: &event::Model, now: DateTime<Utc>) -> AppResult<()> {
    match event.status {
        EventStatus::Draft => return Err(no_event(&["eventId"])),
        EventStatus::Published => {}
        EventStatus::Cancelled | EventStatus::Completed => {
            return Err(AppError::rejected(
                &["eventId"],
                UserErrorCode::InvalidState,
                "this event is cancelled or over; registration is closed",
            ));
        }
    }
    if now < event.registration_opens_at || now >= event.registration_closes_at {
        return Err(AppError::rejected(
            &["eventId"],
            UserErrorCode::RegistrationClosed,
            format!(
                "registration is open from {} to {} (UTC)",
                event.registration_opens_at.format("%Y-%m-%d %H:%M"),
                event.registration_closes_at.format("%Y-%m-%d %H:%M")
            ),
        ));
    }
    Ok(())
}

/// The caller's registration for the event, as a signed-in user (one step: a seat or a waitlist place). A
/// PENDING registration by e-mail of the caller's (verified) address is taken over.
pub async fn register_user(
    services: &Services,
    actor: Option<&Principal>,
    event_id: Uuid,
) -> AppResult<event_registration::Model> {
    let principal = policy::can_register(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let event = lock_event(&tx, event_id, &["eventId"]).await?;
    check_open(&event, now)?;
    let user =
        app_user::Entity::find_by_id(user_id).one(&*tx).await?.ok_or_else(|| AppError::NotFound("user".to_owned()))?;
    let existing = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(
            event_registration::Column::UserId.eq(user_id).or(event_registration::Column::Email.eq(user.email.clone())),
        )
        .one(&*tx)
        .await?;
    let registration =
        new_or_revived(&tx, existing, &event, Some(user_id), &user.email, &user.display_name, now).await?;
    tx.emit(registration_event(EventType::RegistrationCreated, &registration));
    let registration = place(&mut tx, &event, registration).await?;
    tx.commit().await?;
    Ok(registration)
}

/// A registration without an account: held PENDING (no seat) until the link mailed to `email` confirms it.
/// A PENDING registration of the address is replaced (new name, new link; the old link stops working). The
/// mail counts against the mail limits of the address and the client (`RATE_LIMITED` beyond them).
pub async fn register_by_email(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    event_id: Uuid,
    email: &str,
    name: &str,
) -> AppResult<event_registration::Model> {
    let mut checks = Checks::default();
    let email = checks.take(Email::parse("email", email));
    let name = checks.take(PersonName::parse("name", name));
    checks.finish()?;
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked registration lost a value")));
    };
    let name = name.into_string();
    let mut tx = services.write(actor).await?.from_origin(origin);
    let now = tx.now();
    let event = lock_event(&tx, event_id, &["eventId"]).await?;
    check_open(&event, now)?;
    tx.count_mail_to(email.as_str()).await?;
    let existing = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::Email.eq(email.as_str()))
        .one(&*tx)
        .await?;
    let registration = new_or_revived(&tx, existing, &event, None, email.as_str(), &name, now).await?;
    let token = new_token();
    let ttl = services.config.auth.verification_token_ttl_secs;
    let mut pending: event_registration::ActiveModel = registration.into();
    pending.status = Set(RegistrationStatus::Pending);
    pending.confirm_token_hash = Set(Some(token_hash(&token)));
    pending.confirm_token_expires_at = Set(Some(now + Duration::seconds(ttl as i64)));
    let registration = pending.update(&*tx).await?;
    let frontend = services.config.frontend_url.trim_end_matches('/');
    let text_body = format!(
        "Hello,\n\nsomeone (hopefully you) registered this address for “{title}” ({start} UTC), with the name:\n\n\
         {name}\n\nPlease confirm the registration:\n\n\
         {frontend}/confirm-event-registration?token={token}\n\nOr enter this code: {token}\n\n\
         Until you confirm, no seat is kept for you. The link works once and expires in {hours} hours. \
         If you did not register, ignore this mail.\n",
        name = quote(&name),
        title = event.title,
        start = event.starts_at.format("%Y-%m-%d %H:%M"),
        hours = ttl / 3600,
    );
    let subject = format!("Confirm your registration: {}", event.title);
    tx.mail(OutgoingEmail { to: registration.email.clone(), subject, text_body, headers: Vec::new() }).await?;
    tx.emit(registration_event(EventType::RegistrationCreated, &registration));
    tx.commit().await?;
    Ok(registration)
}

/// A new PENDING row, or the address's cancelled or still unconfirmed (PENDING) one revived for this person;
/// `ALREADY_REGISTERED` when one holds a seat or a waitlist place.
async fn new_or_revived(
    txn: &DatabaseTransaction,
    existing: Option<event_registration::Model>,
    event: &event::Model,
    user_id: Option<Uuid>,
    email: &str,
    name: &str,
    now: DateTime<Utc>,
) -> AppResult<event_registration::Model> {
    match existing {
        Some(old) if !matches!(old.status, RegistrationStatus::Cancelled | RegistrationStatus::Pending) => {
            Err(already_registered())
        }
        Some(old) => {
            let mut revived: event_registration::ActiveModel = old.into();
            revived.user_id = Set(user_id);
            revived.name = Set(name.to_owned());
            revived.status = Set(RegistrationStatus::Pending);
            revived.waitlist_position = Set(None);
            revived.attended = Set(false);
            revived.created_at = Set(now);
            revived.confirmed_at = Set(None);
            revived.cancelled_at = Set(None);
            revived.updated_at = Set(now);
            Ok(revived.update(txn).await?)
        }
        None => event_registration::ActiveModel {
            id: Set(Uuid::now_v7()),
            event_id: Set(event.id),
            user_id: Set(user_id),
            email: Set(email.to_owned()),
            name: Set(name.to_owned()),
            status: Set(RegistrationStatus::Pending),
            waitlist_position: Set(None),
            confirm_token_hash: Set(None),
            confirm_token_expires_at: Set(None),
            cancel_token_hash: Set(None),
            attended: Set(false),
            created_at: Set(now),
            confirmed_at: Set(None),
            cancelled_at: Set(None),
            updated_at: Set(now),
        }
        .insert(txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => already_registered(),
            _ => e.into(),
        }),
    }
}

/// Confirms an e-mail registration with the mailed token (once, before it expires): it takes a seat, or the
/// next waitlist place, while registration is open.
pub async fn confirm(
    services: &Services,
    actor: Option<&Principal>,
    token: &str,
) -> AppResult<event_registration::Model> {
    let invalid =
        || AppError::rejected(&["token"], UserErrorCode::InvalidToken, "this link is invalid, already used or expired");
    let hash = token_hash(token);
    let by_token = |txn_hash: String| {
        event_registration::Entity::find().filter(event_registration::Column::ConfirmTokenHash.eq(txn_hash))
    };
    // Found before the transaction, which must begin by writing (see the module's note).
    let found = by_token(hash.clone()).one(&services.db).await?.ok_or_else(invalid)?;
    let mut tx = services.write(actor).await?;
    let now = tx.now();
    let event = lock_event(&tx, found.event_id, &["token"]).await?;
    let registration = by_token(hash).one(&*tx).await?.ok_or_else(invalid)?;
    if registration.status != RegistrationStatus::Pending
        || registration.confirm_token_expires_at.is_none_or(|expires| expires <= now)
    {
        return Err(invalid());
    }
    check_open(&event, now).map_err(|e| relabel(e, "token"))?;
    let registration = place(&mut tx, &event, registration).await?;
    tx.commit().await?;
    Ok(registration)
}

fn relabel(error: AppError, field: &str) -> AppError {
    match error {
        AppError::Rejected(errors) => AppError::Rejected(
            errors
                .into_iter()
                .map(|mut e| {
                    e.field = vec![field.to_owned()];
                    e
                })
                .collect(),
        ),
        other => other,
    }
}

/// Gives a PENDING registration a seat if one is free (conditional update), else the next waitlist place;
/// spends its confirmation token, gives it a cancellation token, and mails the outcome.
async fn place(
    tx: &mut Write,
    event: &event::Model,
    registration: event_registration::Model,
) -> AppResult<event_registration::Model> {
    let now = tx.now();
    let cancel_token = new_token();
    let mut placed: event_registration::ActiveModel = registration.into();
    placed.confirm_token_hash = Set(None);
    placed.confirm_token_expires_at = Set(None);
    placed.cancel_token_hash = Set(Some(token_hash(&cancel_token)));
    placed.confirmed_at = Set(Some(now));
    placed.updated_at = Set(now);
    if take_seat(tx, event.id).await? {
        placed.status = Set(RegistrationStatus::Registered);
    } else {
        placed.status = Set(RegistrationStatus::Waitlisted);
        placed.waitlist_position = Set(Some(next_waitlist_position(tx, event.id).await?));
    }
    let placed = placed.update(&**tx).await?;
    mail_outcome(tx, event, &placed, Some(&cancel_token)).await?;
    tx.emit(registration_event(EventType::RegistrationConfirmed, &placed));
    Ok(placed)
}

/// Takes a seat if one is free: `seats_taken + 1 WHERE seats_taken < capacity`; the rows affected decide.
async fn take_seat(txn: &DatabaseTransaction, event_id: Uuid) -> AppResult<bool> {
    let taken = event::Entity::update_many()
        .col_expr(event::Column::SeatsTaken, Expr::col(event::Column::SeatsTaken).add(1))
        .filter(event::Column::Id.eq(event_id))
        .filter(Expr::col(event::Column::SeatsTaken).lt(Expr::col(event::Column::Capacity)))
        .exec(txn)
        .await?;
    Ok(taken.rows_affected == 1)
}

async fn release_seat(txn: &DatabaseTransaction, event_id: Uuid) -> AppResult<()> {
    event::Entity::update_many()
        .col_expr(event::Column::SeatsTaken, Expr::col(event::Column::SeatsTaken).sub(1))
        .filter(event::Column::Id.eq(event_id))
        .filter(event::Column::SeatsTaken.gt(0))
        .exec(txn)
        .await?;
    Ok(())
}

/// One more than the highest place ever given on this event's waitlist (the event's row is locked).
async fn next_waitlist_position(txn: &DatabaseTransaction, event_id: Uuid) -> AppResult<i32> {
    let highest: Option<Option<i32>> = event_registration::Entity::find()
        .select_only()
        .column_as(event_registration::Column::WaitlistPosition.max(), "highest")
        .filter(event_registration::Column::EventId.eq(event_id))
        .into_tuple()
        .one(txn)
        .await?;
    Ok(highest.flatten().unwrap_or(0) + 1)
}

/// Gives free seats to the waiting people, first in line first, and mails each of them.
pub async fn fill_free_seats(tx: &mut Write, event: &event::Model) -> AppResult<()> {
    let now = tx.now();
    loop {
        let Some(first) = event_registration::Entity::find()
            .filter(event_registration::Column::EventId.eq(event.id))
            .filter(event_registration::Column::Status.eq(RegistrationStatus::Waitlisted))
            .order_by_asc(event_registration::Column::WaitlistPosition)
            .order_by_asc(event_registration::Column::Id)
            .one(&**tx)
            .await?
        else {
            return Ok(());
        };
        if !take_seat(tx, event.id).await? {
            return Ok(());
        }
        let mut promoted: event_registration::ActiveModel = first.into();
        promoted.status = Set(RegistrationStatus::Registered);
        promoted.updated_at = Set(now);
        let promoted = promoted.update(&**tx).await?;
        mail_outcome(tx, event, &promoted, None).await?;
        tx.emit(registration_event(EventType::RegistrationPromoted, &promoted));
    }
}

async fn mail_outcome(
    tx: &mut Write,
    event: &event::Model,
    registration: &event_registration::Model,
    cancel_token: Option<&str>,
) -> AppResult<()> {
    let frontend = tx.services().config.frontend_url.trim_end_matches('/').to_owned();
    let start = event.starts_at.format("%Y-%m-%d %H:%M");
    let (subject, mut text_body) = match (registration.status, cancel_token) {
        (RegistrationStatus::Registered, None) => (
            format!("A seat is free for you: {}", event.title),
            format!("Hello,\n\na seat became free: you are now registered for “{}” ({start} UTC).\n", event.title),
        ),
        (RegistrationStatus::Registered, Some(_)) => (
            format!("You are registered: {}", event.title),
            format!("Hello,\n\nyou are registered for “{}” ({start} UTC).\n", event.title),
        ),
        _ => (
            format!("You are on the waitlist: {}", event.title),
            format!(
                "Hello,\n\n“{}” ({start} UTC) is full; you are on the waitlist (place {}). We will write when a seat is free for you.\n",
                event.title,
                registration.waitlist_position.unwrap_or_default()
            ),
        ),
    };
    if registration.status == RegistrationStatus::Registered
        && let Some(url) = &event.join_url
    {
        text_body.push_str(&format!("\nJoin online: {url}\n"));
    }
    if let Some(token) = cancel_token {
        text_body.push_str(&format!(
            "\nIf you cannot come, cancel here so that someone else gets the seat:\n{frontend}/cancel-event-registration?token={token}\n"
        ));
    }
    text_body.push_str("\nThe IMPACT team\n");
    tx.mail(OutgoingEmail { to: registration.email.clone(), subject, text_body, headers: Vec::new() }).await?;
    Ok(())
}

/// Whose registration to cancel: the signed-in caller's for an event, or the one a mailed token names.
pub enum CancelTarget {
    OwnForEvent(Uuid),
    Token(String),
}

/// Cancels a registration (by its registrant). A freed seat goes to the first person on the waitlist. A
/// signed-in user's own registration is the one made with the account, or one made by e-mail for the account's
/// address once that address is verified (confirmed or not: whoever typed the address cannot keep it).
pub async fn cancel(
    services: &Services,
    actor: Option<&Principal>,
    target: CancelTarget,
) -> AppResult<event_registration::Model> {
    let (finder, field) = match &target {
        CancelTarget::OwnForEvent(event_id) => {
            let user_id = actor.and_then(Principal::user_id).ok_or(AppError::Unauthenticated)?;
            let mut own = Condition::any().add(event_registration::Column::UserId.eq(user_id));
            if let Some(user) = app_user::Entity::find_by_id(user_id).one(&services.db).await?
                && user.email_verified_at.is_some()
            {
                own = own.add(
                    Condition::all()
                        .add(event_registration::Column::UserId.is_null())
                        .add(event_registration::Column::Email.eq(user.email)),
                );
            }
            let select = event_registration::Entity::find()
                .filter(event_registration::Column::EventId.eq(*event_id))
                .filter(event_registration::Column::Status.ne(RegistrationStatus::Cancelled))
                .filter(own);
            (select, "eventId")
        }
        CancelTarget::Token(token) => {
            let select = event_registration::Entity::find()
                .filter(event_registration::Column::CancelTokenHash.eq(token_hash(token)));
            (select, "token")
        }
    };
    let not_found = || AppError::rejected(&[field], UserErrorCode::NotFound, "there is no such registration to cancel");
    // Found before the transaction, which must begin by writing (see the module's note).
    let found = finder.clone().one(&services.db).await?.ok_or_else(not_found)?;
    let mut tx = services.write(actor).await?;
    let event = lock_event(&tx, found.event_id, &[field]).await?;
    let registration = finder.one(&*tx).await?.ok_or_else(not_found)?;
    if registration.status == RegistrationStatus::Cancelled {
        return Err(not_found());
    }
    if event.status != EventStatus::Published {
        return Err(AppError::rejected(&[field], UserErrorCode::InvalidState, "the event is cancelled or over"));
    }
    let cancelled = cancel_registration(&mut tx, &event, registration).await?;
    tx.commit().await?;
    Ok(cancelled)
}

/// Cancels an active registration of a published event whose row the unit of work has locked
/// (`lock_event`): a held seat is released and given to the first person on the waitlist, who is mailed.
/// The one path of a cancellation, by its registrant or by the erasure of the person.
pub(crate) async fn cancel_registration(
    tx: &mut Write,
    event: &event::Model,
    registration: event_registration::Model,
) -> AppResult<event_registration::Model> {
    let now = tx.now();
    let held_seat = registration.status == RegistrationStatus::Registered;
    let mut cancelled: event_registration::ActiveModel = registration.into();
    cancelled.status = Set(RegistrationStatus::Cancelled);
    cancelled.cancel_token_hash = Set(None);
    cancelled.confirm_token_hash = Set(None);
    cancelled.cancelled_at = Set(Some(now));
    cancelled.updated_at = Set(now);
    let cancelled = cancelled.update(&**tx).await?;
    tx.emit(registration_event(EventType::RegistrationCancelled, &cancelled));
    if held_seat {
        release_seat(tx, event.id).await?;
        fill_free_seats(tx, event).await?;
    }
    Ok(cancelled)
}

/// The event of a change to a registration, for its registrant and staff: ids and the status, never the
/// name or the address.
fn registration_event(event_type: EventType, registration: &event_registration::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::EventRegistration, registration.id).payload(json!({
        "eventId": ids::encode(NodeType::Event, &registration.event_id.to_string()),
        "status": registration.status.to_value(),
        "waitlistPosition": registration.waitlist_position,
        "attended": registration.attended,
    }))
}

/// Records whether a registered person came (staff).
pub async fn mark_attendance(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    attended: bool,
) -> AppResult<event_registration::Model> {
    let principal = policy::can_manage_registrations(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let registration = event_registration::Entity::find_by_id(id).one(&*tx).await?.ok_or_else(|| {
        AppError::rejected(&["registrationId"], UserErrorCode::NotFound, "there is no such registration")
    })?;
    if registration.status != RegistrationStatus::Registered {
        return Err(AppError::rejected(
            &["registrationId"],
            UserErrorCode::InvalidState,
            "only people holding a seat can be marked as attending",
        ));
    }
    let mut marked: event_registration::ActiveModel = registration.into();
    marked.attended = Set(attended);
    marked.updated_at = Set(tx.now());
    let marked = marked.update(&*tx).await?;
    tx.emit(registration_event(EventType::RegistrationAttendanceMarked, &marked));
    tx.commit().await?;
    Ok(marked)
}

/// Registrations that are not cancelled (registered, waitlisted, pending), oldest first.
pub async fn active_registrations(
    conn: &impl ConnectionTrait,
    event_id: Uuid,
) -> AppResult<Vec<event_registration::Model>> {
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::Status.ne(RegistrationStatus::Cancelled))
        .order_by_asc(event_registration::Column::CreatedAt)
        .order_by_asc(event_registration::Column::Id)
        .all(conn)
        .await?)
}

/// An event's registrations for staff, oldest first, optionally of one status.
pub async fn list_registrations(
    conn: &impl ConnectionTrait,
    actor: Option<&Principal>,
    event_id: Uuid,
    status: Option<RegistrationStatus>,
    page: &PageRequest,
) -> AppResult<Page<event_registration::Model>> {
    policy::can_manage_registrations(actor)?;
    let mut select = event_registration::Entity::find().filter(event_registration::Column::EventId.eq(event_id));
    if let Some(status) = status {
        select = select.filter(event_registration::Column::Status.eq(status));
    }
    paginate(
        conn,
        select,
        (event_registration::Column::CreatedAt, event_registration::Column::Id),
        |r| (r.created_at, r.id),
        SortOrder::Ascending,
        page,
    )
    .await
}

/// Every registration of an event, oldest first (the staff export).
pub async fn all_registrations(
    conn: &impl ConnectionTrait,
    event_id: Uuid,
) -> AppResult<Vec<event_registration::Model>> {
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .order_by_asc(event_registration::Column::CreatedAt)
        .order_by_asc(event_registration::Column::Id)
        .all(conn)
        .await?)
}

pub async fn registrations_by_id(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<event_registration::Model>> {
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

/// A user's registration for each of the events (one query), whatever its status.
pub async fn registrations_of_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    event_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, event_registration::Model>> {
    let rows = event_registration::Entity::find()
        .filter(event_registration::Column::UserId.eq(user_id))
        .filter(event_registration::Column::EventId.is_in(event_ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.event_id, r)).collect())
}
