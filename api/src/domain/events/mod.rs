//! Events: webinars, in-person and hybrid meetings, their rules (times, zone, venue, join URL, capacity), the
//! status moves DRAFT → PUBLISHED → CANCELLED | COMPLETED, who sees what (drafts, the join URL), and the list.

pub mod calendar;
pub mod personal_data;
pub mod policy;
pub mod registrations;

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::events::registrations::{self as event_registrations, active_registrations};
use crate::domain::ids::NodeType;
use crate::domain::newsletter::{self, Topic};
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::reference::CountryCode;
use crate::domain::unit_of_work::Write;
use crate::domain::values::{Checks, LanguageCode, blank_to_none, required_text};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::OutgoingEmail;
use chrono::{DateTime, Utc};
use entity::event::{self, EventKind, EventStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use std::str::FromStr;
use uuid::Uuid;

const MAX_TITLE_CHARS: usize = 300;
const MAX_DESCRIPTION_CHARS: usize = 20_000;
const MAX_VENUE_CHARS: usize = 500;
const MAX_URL_CHARS: usize = 1000;

/// The topics stored on an event (`,EVENTS,NEWS,`, as the newsletter stores them), in the order of `Topic::ALL`.
pub fn topics_of(event: &event::Model) -> Vec<Topic> {
    newsletter::topics_of(&event.topics)
}

fn stored_topics(topics: &[Topic]) -> String {
    let mut topics = topics.to_vec();
    topics.sort();
    topics.dedup();
    newsletter::topics_column(&topics)
}

/// What staff enter to create an event; `update_event` replaces every field with these.
#[derive(Debug, Clone)]
pub struct EventInput {
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub venue: Option<String>,
    pub join_url: Option<String>,
    pub capacity: i32,
    pub registration_opens_at: DateTime<Utc>,
    pub registration_closes_at: DateTime<Utc>,
    pub topics: Vec<Topic>,
    pub language: String,
    pub country: Option<String>,
}

struct Checked {
    title: String,
    description: String,
    time_zone: String,
    venue: Option<String>,
    join_url: Option<String>,
    topics: String,
    language: String,
    country: Option<String>,
}

/// Checks every rule of an event's fields and reports all the broken ones at once.
fn check(input: &EventInput) -> AppResult<Checked> {
    let mut checks = Checks::default();
    let title = checks.take(required_text("title", &input.title, MAX_TITLE_CHARS));
    let description = checks.take(required_text("description", &input.description, MAX_DESCRIPTION_CHARS));
    if input.ends_at <= input.starts_at {
        checks.push(UserError::new(&["endsAt"], UserErrorCode::Invalid, "the event must end after it starts"));
    }
    let time_zone = input.time_zone.trim().to_owned();
    if chrono_tz::Tz::from_str(&time_zone).is_err() {
        checks.push(UserError::new(
            &["timeZone"],
            UserErrorCode::Invalid,
            format!("`{time_zone}` is not an IANA time zone (e.g. Europe/Ljubljana)"),
        ));
    }
    let venue = blank_to_none(&input.venue);
    let needs_venue = matches!(input.kind, EventKind::InPerson | EventKind::Hybrid);
    if needs_venue && venue.is_none() {
        checks.push(UserError::new(&["venue"], UserErrorCode::Required, "in-person and hybrid events need a venue"));
    } else if venue.as_ref().is_some_and(|v| v.chars().count() > MAX_VENUE_CHARS) {
        checks.push(UserError::new(&["venue"], UserErrorCode::Invalid, "the venue is too long"));
    }
    let join_url = blank_to_none(&input.join_url);
    let needs_url = matches!(input.kind, EventKind::Webinar | EventKind::Hybrid);
    match &join_url {
        None if needs_url => checks.push(UserError::new(
            &["joinUrl"],
            UserErrorCode::Required,
            "webinars and hybrid events need a join URL",
        )),
        Some(url) if !is_web_url(url) => {
            checks.push(UserError::new(&["joinUrl"], UserErrorCode::Invalid, "the join URL must be an http(s) address"))
        }
        _ => {}
    }
    if input.capacity <= 0 {
        checks.push(UserError::new(&["capacity"], UserErrorCode::Invalid, "the capacity must be at least 1"));
    }
    if input.registration_closes_at <= input.registration_opens_at {
        checks.push(UserError::new(
            &["registrationClosesAt"],
            UserErrorCode::Invalid,
            "registration must close after it opens",
        ));
    } else if input.registration_closes_at > input.ends_at {
        checks.push(UserError::new(
            &["registrationClosesAt"],
            UserErrorCode::Invalid,
            "registration must close by the end of the event",
        ));
    }
    let language = checks.take(LanguageCode::parse("language", &input.language));
    let country = match blank_to_none(&input.country) {
        None => None,
        Some(raw) => match CountryCode::parse(&raw) {
            Ok(code) => Some(code.as_str().to_owned()),
            Err(error) => {
                checks.push(UserError::new(&["country"], UserErrorCode::Invalid, error.to_string()));
                None
            }
        },
    };
    checks.finish()?;
    let (Some(title), Some(description), Some(language)) = (title, description, language) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked event lost a value")));
    };
    Ok(Checked {
        title,
        description,
        time_zone,
        venue,
        join_url,
        topics: stored_topics(&input.topics),
        language: language.into_string(),
        country,
    })
}

fn is_web_url(url: &str) -> bool {
    url.chars().count() <= MAX_URL_CHARS
        && reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Creates a DRAFT event (staff).
pub async fn create_event(
    services: &Services,
    actor: Option<&Principal>,
    input: &EventInput,
) -> AppResult<event::Model> {
    let principal = policy::can_manage(actor)?;
    let checked = check(input)?;
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let event = event::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(input.kind),
        title: Set(checked.title),
        description: Set(checked.description),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        time_zone: Set(checked.time_zone),
        venue: Set(checked.venue),
        join_url: Set(checked.join_url),
        capacity: Set(input.capacity),
        seats_taken: Set(0),
        registration_opens_at: Set(input.registration_opens_at),
        registration_closes_at: Set(input.registration_closes_at),
        topics: Set(checked.topics),
        language: Set(checked.language),
        country_code: Set(checked.country),
        status: Set(EventStatus::Draft),
        created_by: Set(principal.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let event = event.insert(&*tx).await?;
    tx.emit(domain_event(EventType::EventCreated, &event));
    tx.commit().await?;
    Ok(event)
}

/// Replaces every field of a DRAFT or PUBLISHED event (staff). The capacity may not drop below the seats taken;
/// a larger one fills the new seats from the waitlist.
pub async fn update_event(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    input: &EventInput,
) -> AppResult<event::Model> {
    let principal = policy::can_manage(actor)?;
    let checked = check(input)?;
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let existing = event_registrations::lock_event(&tx, id, &["id"]).await?;
    if !matches!(existing.status, EventStatus::Draft | EventStatus::Published) {
        return Err(AppError::invalid_state(&[], "only draft and published events can be changed"));
    }
    if input.capacity < existing.seats_taken {
        return Err(AppError::rejected(
            &["capacity"],
            UserErrorCode::Invalid,
            format!("{} people hold a seat; the capacity cannot be lower", existing.seats_taken),
        ));
    }
    let mut event: event::ActiveModel = existing.into();
    event.kind = Set(input.kind);
    event.title = Set(checked.title);
    event.description = Set(checked.description);
    event.starts_at = Set(input.starts_at);
    event.ends_at = Set(input.ends_at);
    event.time_zone = Set(checked.time_zone);
    event.venue = Set(checked.venue);
    event.join_url = Set(checked.join_url);
    event.capacity = Set(input.capacity);
    event.registration_opens_at = Set(input.registration_opens_at);
    event.registration_closes_at = Set(input.registration_closes_at);
    event.topics = Set(checked.topics);
    event.language = Set(checked.language);
    event.country_code = Set(checked.country);
    event.updated_at = Set(now);
    let event = event.update(&*tx).await?;
    event_registrations::fill_free_seats(&mut tx, &event).await?;
    let event = load(&*tx, id).await?;
    tx.emit(domain_event(EventType::EventUpdated, &event));
    tx.commit().await?;
    Ok(event)
}

/// The event of a change to `event`: public unless a draft (then staff-only).
fn domain_event(event_type: EventType, event: &event::Model) -> DomainEvent {
    let visibility = if event.status == EventStatus::Draft { Visibility::Staff } else { Visibility::Public };
    DomainEvent::new(event_type, NodeType::Event, event.id).visibility(visibility).payload(json!({
        "kind": event.kind.to_value(),
        "status": event.status.to_value(),
        "startsAt": event.starts_at,
        "endsAt": event.ends_at,
        "capacity": event.capacity,
        "seatsTaken": event.seats_taken,
    }))
}

/// Moves an event from `from` to `to` with a conditional update (the transaction's first statement), so two
/// concurrent moves cannot both succeed. A move from any other status is `INVALID_STATE`.
async fn move_status(
    txn: &impl ConnectionTrait,
    id: Uuid,
    from: EventStatus,
    to: EventStatus,
    now: DateTime<Utc>,
) -> AppResult<event::Model> {
    let moved = event::Entity::update_many()
        .col_expr(event::Column::Status, Expr::value(to))
        .col_expr(event::Column::UpdatedAt, Expr::value(now))
        .filter(event::Column::Id.eq(id))
        .filter(event::Column::Status.eq(from))
        .exec(txn)
        .await?;
    let event = load(txn, id).await?;
    if moved.rows_affected != 1 {
        return Err(AppError::invalid_state(
            &[],
            format!("an event that is {} cannot become {}", status_name(event.status), status_name(to)),
        ));
    }
    Ok(event)
}

fn status_name(status: EventStatus) -> &'static str {
    match status {
        EventStatus::Draft => "a draft",
        EventStatus::Published => "published",
        EventStatus::Cancelled => "cancelled",
        EventStatus::Completed => "completed",
    }
}

/// DRAFT → PUBLISHED (staff); tells the subscribers of the EVENTS topic in the same transaction.
pub async fn publish_event(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<event::Model> {
    let principal = policy::can_manage(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let event = move_status(&*tx, id, EventStatus::Draft, EventStatus::Published, tx.now()).await?;
    notify_event_subscribers(&mut tx, &event).await?;
    tx.emit(domain_event(EventType::EventPublished, &event));
    tx.commit().await?;
    Ok(event)
}

/// Announces a newly published event to the confirmed newsletter subscribers of the EVENTS topic, in the
/// publishing transaction (so nobody is told of an event whose publication failed).
pub async fn notify_event_subscribers(tx: &mut Write, event: &event::Model) -> AppResult<()> {
    let local = |at: DateTime<Utc>| match chrono_tz::Tz::from_str(&event.time_zone) {
        Ok(zone) => at.with_timezone(&zone).format("%A %-d %B %Y, %H:%M %Z").to_string(),
        Err(_) => at.format("%A %-d %B %Y, %H:%M UTC").to_string(),
    };
    let frontend = tx.services().config.frontend_url.trim_end_matches('/').to_owned();
    let venue = event.venue.as_deref().map(|v| format!("Where: {v}\n")).unwrap_or_default();
    let text = format!(
        "{title}\n\nWhen: {starts} to {ends}\n{venue}\n{description}\n\nDetails and registration: {frontend}/events/{id}\n",
        id = event.id,
        title = event.title,
        starts = local(event.starts_at),
        ends = local(event.ends_at),
        description = event.description,
    );
    newsletter::notify_topic(tx, Topic::Events, &format!("New IMPACT event: {}", event.title), &text).await?;
    Ok(())
}

/// PUBLISHED → CANCELLED (staff); mails everyone registered, waitlisted or pending, in the same transaction.
pub async fn cancel_event(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<event::Model> {
    let principal = policy::can_manage(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let event = move_status(&*tx, id, EventStatus::Published, EventStatus::Cancelled, tx.now()).await?;
    for registration in active_registrations(&*tx, id).await? {
        let text_body = format!(
            "Hello,\n\nwe are sorry: the event “{title}” ({start} UTC) is cancelled.\n\nThe IMPACT team\n",
            title = event.title,
            start = event.starts_at.format("%Y-%m-%d %H:%M"),
        );
        let subject = format!("Cancelled: {}", event.title);
        tx.mail(OutgoingEmail { to: registration.email, subject, text_body, headers: Vec::new() }).await?;
    }
    tx.emit(domain_event(EventType::EventCancelled, &event));
    tx.commit().await?;
    Ok(event)
}

/// PUBLISHED → COMPLETED (staff).
pub async fn complete_event(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<event::Model> {
    let principal = policy::can_manage(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let event = move_status(&*tx, id, EventStatus::Published, EventStatus::Completed, tx.now()).await?;
    tx.emit(domain_event(EventType::EventCompleted, &event));
    tx.commit().await?;
    Ok(event)
}

pub async fn load(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<event::Model> {
    event::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::NotFound("event".to_owned()))
}

pub async fn events_by_id(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<event::Model>> {
    Ok(event::Entity::find().filter(event::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events that have not ended yet.
    pub upcoming: bool,
    /// Events that have ended.
    pub past: bool,
    pub kind: Option<EventKind>,
    pub topic: Option<Topic>,
    pub language: Option<String>,
    pub country: Option<String>,
}

/// Events by start time (then id): everything for staff, all but drafts for everyone else.
pub async fn list_events(
    conn: &impl ConnectionTrait,
    principal: Option<&Principal>,
    now: DateTime<Utc>,
    filter: &EventFilter,
    page: &PageRequest,
) -> AppResult<Page<event::Model>> {
    let mut select = event::Entity::find().filter(policy::read_filter(principal));
    if filter.upcoming {
        select = select.filter(event::Column::EndsAt.gt(now));
    }
    if filter.past {
        select = select.filter(event::Column::EndsAt.lte(now));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(event::Column::Kind.eq(kind));
    }
    if let Some(topic) = filter.topic {
        select = select.filter(event::Column::Topics.contains(format!(",{},", topic.as_str())));
    }
    if let Some(language) = &filter.language {
        select = select.filter(event::Column::Language.eq(language.trim().to_ascii_lowercase()));
    }
    if let Some(country) = &filter.country {
        select = select.filter(event::Column::CountryCode.eq(country.trim().to_ascii_uppercase()));
    }
    paginate(
        conn,
        select,
        (event::Column::StartsAt, event::Column::Id),
        |e| (e.starts_at, e.id),
        SortOrder::Ascending,
        page,
    )
    .await
}

/// Published events that have not ended, by start time: the public calendar feed.
pub async fn upcoming_published(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<Vec<event::Model>> {
    use sea_orm::QueryOrder;
    Ok(event::Entity::find()
        .filter(event::Column::Status.eq(EventStatus::Published))
        .filter(event::Column::EndsAt.gt(now))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Role, SubjectKind};
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    fn webinar() -> EventInput {
        EventInput {
            kind: EventKind::Webinar,
            title: " Webinar ".to_owned(),
            description: "About **CLLD**".to_owned(),
            starts_at: at(2, 10),
            ends_at: at(2, 12),
            time_zone: "Europe/Vienna".to_owned(),
            venue: None,
            join_url: Some("https://meet.example.org/x".to_owned()),
            capacity: 10,
            registration_opens_at: at(1, 0),
            registration_closes_at: at(2, 9),
            topics: vec![Topic::News, Topic::Events, Topic::News],
            language: "EN".to_owned(),
            country: None,
        }
    }

    fn rejected_fields(result: AppResult<Checked>) -> Vec<String> {
        match result {
            Err(AppError::Rejected(errors)) => errors.into_iter().map(|e| e.field.join(".")).collect(),
            Err(other) => panic!("expected user errors, got {other:?}"),
            Ok(_) => panic!("expected user errors"),
        }
    }

    #[test]
    fn a_valid_event_is_normalised() {
        let Ok(checked) = check(&webinar()) else { panic!("valid") };
        assert_eq!(checked.title, "Webinar");
        assert_eq!(checked.language, "en");
        assert_eq!(checked.topics, ",EVENTS,NEWS,");
    }

    #[test]
    fn broken_rules_are_reported() {
        let mut input = webinar();
        input.ends_at = input.starts_at;
        input.time_zone = "CET+1".to_owned();
        input.capacity = 0;
        input.registration_closes_at = at(3, 0);
        assert_eq!(rejected_fields(check(&input)), ["endsAt", "timeZone", "capacity", "registrationClosesAt"]);
        let mut hybrid = webinar();
        hybrid.kind = EventKind::Hybrid;
        hybrid.join_url = Some("javascript:alert(1)".to_owned());
        hybrid.country = Some("Slovenia".to_owned());
        assert_eq!(rejected_fields(check(&hybrid)), ["venue", "joinUrl", "country"]);
        let mut opens_late = webinar();
        opens_late.registration_opens_at = at(2, 9);
        assert_eq!(rejected_fields(check(&opens_late)), ["registrationClosesAt"]);
    }

    #[test]
    fn stored_topics_read_back() {
        let model = event::Model {
            id: Uuid::nil(),
            kind: EventKind::Webinar,
            title: String::new(),
            description: String::new(),
            starts_at: at(2, 10),
            ends_at: at(2, 12),
            time_zone: String::new(),
            venue: None,
            join_url: None,
            capacity: 1,
            seats_taken: 0,
            registration_opens_at: at(1, 0),
            registration_closes_at: at(2, 9),
            topics: stored_topics(&[Topic::CallsExperts, Topic::CallsPilotRegions]),
            language: "en".to_owned(),
            country_code: None,
            status: EventStatus::Draft,
            created_by: None,
            created_at: at(1, 0),
            updated_at: at(1, 0),
        };
        assert_eq!(topics_of(&model), [Topic::CallsPilotRegions, Topic::CallsExperts]);
        let staff = Principal {
            id: Uuid::nil(),
            kind: SubjectKind::User,
            roles: vec![Role::Staff],
            programmes: vec![],
            session: None,
        };
        let applicant = Principal { roles: vec![Role::Applicant], ..staff.clone() };
        assert!(policy::can_read(Some(&staff), &model));
        assert!(!policy::can_read(Some(&applicant), &model));
        assert!(!policy::can_read(None, &model));
        assert!(policy::can_see_join_url(Some(&staff), None));
        assert!(!policy::can_see_join_url(Some(&applicant), None));
    }
}
