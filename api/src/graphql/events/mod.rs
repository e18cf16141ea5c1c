//! GraphQL of events: the `Event` type (its join URL shown only to registered people and staff), the public
//! `events` list, and the staff's create, update, publish, cancel and complete.

pub mod registrations;

use crate::auth::STAFF;
use crate::auth::guard::RoleGuard;
use crate::domain::events::{self, EventFilter, EventInput};
use crate::domain::newsletter::Topic as DomainTopic;
use crate::error::UserError;
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::events::registrations::EventRegistration;
use crate::graphql::newsletter::subscriptions::Topic;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::event;

/// How people take part in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::event::EventKind")]
pub enum EventKind {
    /// Online only.
    Webinar,
    /// At a venue only.
    InPerson,
    /// At a venue and online.
    Hybrid,
}

/// DRAFT → PUBLISHED → CANCELLED or COMPLETED; every move is made by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::event::EventStatus")]
pub enum EventStatus {
    /// Being prepared; visible to staff only.
    Draft,
    /// Public; people register while registration is open.
    Published,
    /// Called off after publication; registrants were told by e-mail. Still listed publicly.
    Cancelled,
    /// Marked as held by staff; still listed publicly.
    Completed,
}

#[derive(Clone)]
pub struct Event(pub event::Model);

/// A webinar, in-person or hybrid event of the programme. Public unless a draft (drafts: staff only); the join
/// URL only for people holding a seat and staff.
#[Object]
impl Event {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Event, &self.0.id.to_string())
    }
    /// How people take part.
    async fn kind(&self) -> EventKind {
        self.0.kind.into()
    }
    /// The event's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Markdown.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// When the event starts (UTC); show it in `timeZone`.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    /// When the event ends (UTC), after `startsAt`.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }
    /// The IANA time zone to show the times in, e.g. `Europe/Ljubljana`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    /// Venue and address (in-person and hybrid events).
    async fn venue(&self) -> Option<&str> {
        self.0.venue.as_deref()
    }
    /// The online join URL: only for people holding a seat (REGISTERED, not waitlisted) and staff; null otherwise.
    async fn join_url(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let caller = ctx.actor();
        let own = if caller.is_some_and(|p| p.is_staff()) { None } else { self.own_registration(ctx).await? };
        Ok(events::policy::can_see_join_url(caller, own.as_ref()).then_some(self.0.join_url.as_deref()).flatten())
    }
    /// The number of seats (at least 1); registrations beyond it go to the waitlist.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }
    /// Seats taken by registered people.
    async fn seats_taken(&self) -> i32 {
        self.0.seats_taken
    }
    /// Free seats: `capacity` minus `seatsTaken`, never below 0.
    async fn seats_left(&self) -> i32 {
        (self.0.capacity - self.0.seats_taken).max(0)
    }
    /// When registration opens (UTC).
    async fn registration_opens_at(&self) -> DateTime<Utc> {
        self.0.registration_opens_at
    }
    /// When registration closes (UTC): registrations are accepted before this instant, which is no later than
    /// `endsAt`.
    async fn registration_closes_at(&self) -> DateTime<Utc> {
        self.0.registration_closes_at
    }
    /// Whether registration is open now: published, and between its opening and closing times.
    async fn registration_open(&self, ctx: &Context<'_>) -> bool {
        let now = ctx.services().now();
        self.0.status == event::EventStatus::Published
            && self.0.registration_opens_at <= now
            && now < self.0.registration_closes_at
    }
    /// The newsletter topics the event belongs to (may be empty).
    async fn topics(&self) -> Vec<Topic> {
        events::topics_of(&self.0).into_iter().map(Into::into).collect()
    }
    /// ISO 639-1 code of the event's language.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// ISO 3166-1 code of the country of an in-person event.
    async fn country_code(&self) -> Option<&str> {
        self.0.country_code.as_deref()
    }
    /// Where the event stands: draft, published, cancelled or completed.
    async fn status(&self) -> EventStatus {
        self.0.status.into()
    }
    /// The signed-in caller's registration, if any (whatever its status).
    async fn my_registration(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EventRegistration>> {
        Ok(self.own_registration(ctx).await?.map(EventRegistration))
    }
    /// When the event was created (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the event last changed (UTC): its fields or its status.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

impl Event {
    async fn own_registration(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<entity::event_registration::Model>> {
        let Some(user_id) = ctx.actor().and_then(|p| p.user_id()) else {
            return Ok(None);
        };
        let loaders = ctx.loaders();
        let found = loaders.user_registrations.load_one((self.0.id, user_id)).await;
        Ok(found.map_err(crate::error::AppError::from)?.flatten())
    }
}

/// Narrows `events`; every condition given must hold.
#[derive(InputObject, Default)]
pub struct EventsFilter {
    /// Only events that have not ended.
    #[graphql(default)]
    pub upcoming: bool,
    /// Only events that have ended.
    #[graphql(default)]
    pub past: bool,
    /// Only events of this kind.
    pub kind: Option<EventKind>,
    /// Only events of this newsletter topic.
    pub topic: Option<Topic>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    /// ISO 3166-1 code.
    pub country: Option<String>,
}

#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// Events by start time: published, cancelled and completed ones for everyone; drafts too for staff.
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events; null: all the caller may see.")] filter: Option<EventsFilter>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<Event>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let filter = EventFilter {
            upcoming: filter.upcoming,
            past: filter.past,
            kind: filter.kind.map(Into::into),
            topic: filter.topic.map(Into::into),
            language: filter.language,
            country: filter.country,
        };
        let services = ctx.services();
        let caller = ctx.actor();
        let page = events::list_events(&services.db, caller, services.now(), &filter, &page).await?;
        if let Some(user_id) = caller.and_then(|p| p.user_id())
            && nodes_select(ctx, &["myRegistration"])
        {
            let ids: Vec<uuid::Uuid> = page.items.iter().map(|(_, e)| e.id).collect();
            ctx.loaders().prime_user_registrations(&services.db, user_id, &ids).await?;
        }
        Ok(connection(page, Event))
    }
}

/// The fields of an event, as staff enter them.
#[derive(InputObject)]
pub struct EventFields {
    /// How people take part; decides whether `venue` and `joinUrl` are required.
    pub kind: EventKind,
    /// The title: required, at most 300 characters.
    pub title: String,
    /// Markdown; required, at most 20,000 characters.
    pub description: String,
    /// When the event starts (RFC 3339; stored in UTC).
    pub starts_at: DateTime<Utc>,
    /// After `startsAt`.
    pub ends_at: DateTime<Utc>,
    /// IANA time zone, e.g. `Europe/Ljubljana`.
    pub time_zone: String,
    /// Required for IN_PERSON and HYBRID.
    pub venue: Option<String>,
    /// Required for WEBINAR and HYBRID.
    pub join_url: Option<String>,
    /// The number of seats: at least 1; on an update, no fewer than the seats taken (more seats go to the
    /// waitlist in order).
    pub capacity: i32,
    /// When registration opens (RFC 3339; stored in UTC).
    pub registration_opens_at: DateTime<Utc>,
    /// After `registrationOpensAt`, and no later than `endsAt`.
    pub registration_closes_at: DateTime<Utc>,
    /// The newsletter topics it belongs to; duplicates are dropped. Empty by default.
    #[graphql(default)]
    pub topics: Vec<Topic>,
    /// ISO 639-1 code.
    pub language: String,
    /// ISO 3166-1 code (for in-person events).
    pub country: Option<String>,
}

impl From<EventFields> for EventInput {
    fn from(f: EventFields) -> Self {
        EventInput {
            kind: f.kind.into(),
            title: f.title,
            description: f.description,
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            time_zone: f.time_zone,
            venue: f.venue,
            join_url: f.join_url,
            capacity: f.capacity,
            registration_opens_at: f.registration_opens_at,
            registration_closes_at: f.registration_closes_at,
            topics: f.topics.into_iter().map(DomainTopic::from).collect(),
            language: f.language,
            country: f.country,
        }
    }
}

/// A new event, created as a DRAFT.
#[derive(InputObject)]
pub struct CreateEventInput {
    #[graphql(flatten)]
    pub fields: EventFields,
}

/// New values for every field of a draft or published event.
#[derive(InputObject)]
pub struct UpdateEventInput {
    /// The event to change.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: EventFields,
}

/// Names an event to publish, cancel or complete.
#[derive(InputObject)]
pub struct EventIdInput {
    /// The event.
    pub id: ID,
}

/// The result of a change to an event.
#[derive(SimpleObject)]
pub struct EventPayload {
    /// The event after the change; null when `userErrors` is not empty.
    pub event: Option<Event>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn payload(result: crate::error::AppResult<event::Model>) -> async_graphql::Result<EventPayload> {
    let (event, user_errors) = into_payload(result)?;
    Ok(EventPayload { event: event.map(Event), user_errors })
}

#[derive(Default)]
pub struct EventMutation;

#[Object]
impl EventMutation {
    /// Creates a DRAFT event (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's fields.")] input: CreateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        payload(events::create_event(services, principal, &input.fields.into()).await)
    }

    /// Replaces every field of a draft or published event (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and all its new values.")] input: UpdateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.id, NodeType::Event)?;
        payload(events::update_event(services, principal, id, &input.fields.into()).await)
    }

    /// DRAFT → PUBLISHED (staff); announced to the newsletter's EVENTS subscribers.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn publish_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The DRAFT event to publish.")] input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.id, NodeType::Event)?;
        payload(events::publish_event(services, principal, id).await)
    }

    /// PUBLISHED → CANCELLED (staff); every registrant is told by e-mail.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn cancel_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The PUBLISHED event to cancel.")] input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.id, NodeType::Event)?;
        payload(events::cancel_event(services, principal, id).await)
    }

    /// PUBLISHED → COMPLETED (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn complete_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The PUBLISHED event to mark as held.")] input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.id, NodeType::Event)?;
        payload(events::complete_event(services, principal, id).await)
    }
}
