//! GraphQL of event registrations: registering (signed in, or by e-mail with confirmation), cancelling,
//! the staff's list of an event's registrations, and attendance.

use crate::auth::STAFF;
use crate::auth::guard::{RoleGuard, SignedInUser};
use crate::domain::events::registrations::{self as registrations, CancelTarget};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::events::Event;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::event_registration;

/// Where a registration stands: PENDING (e-mail registrations until confirmed) → REGISTERED or WAITLISTED
/// (→ REGISTERED when a seat frees up); CANCELLED at any point by the registrant, or when the person is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::event_registration::RegistrationStatus")]
pub enum RegistrationStatus {
    /// Registered by e-mail, not confirmed yet: holds no seat.
    Pending,
    /// Holds a seat.
    Registered,
    /// Waiting for a seat, in `waitlistPosition` order.
    Waitlisted,
    /// Cancelled: holds nothing. Registering again revives it.
    Cancelled,
}

#[derive(Clone)]
pub struct EventRegistration(pub event_registration::Model);

/// One person's registration for an event; visible to that person and to staff.
#[Object]
impl EventRegistration {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::EventRegistration, &self.0.id.to_string())
    }
    /// The event registered for.
    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Event>> {
        let loaders = ctx.loaders();
        Ok(loaders.events.load_one(self.0.event_id).await.map_err(AppError::from)?.map(Event))
    }
    /// The registrant's name (for signed-in users, their display name when they registered).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The registrant's e-mail address.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Where the registration stands.
    async fn status(&self) -> RegistrationStatus {
        self.0.status.into()
    }
    /// The place in the waitlist's order (lower goes first); kept after promotion, null for those never waiting.
    async fn waitlist_position(&self) -> Option<i32> {
        self.0.waitlist_position
    }
    /// Whether the person attended, as staff marked it (false until marked).
    async fn attended(&self) -> bool {
        self.0.attended
    }
    /// When the person registered (UTC); a cancelled registration revived by registering again takes the new time.
    async fn registered_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the seat or waitlist place was given (for e-mail registrations: when the address was confirmed).
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
    /// When it was cancelled (UTC); null unless CANCELLED.
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
}

/// The event the signed-in caller registers for.
#[derive(InputObject)]
pub struct RegisterForEventInput {
    /// The event: published, with registration open.
    pub event_id: ID,
}

/// A registration of someone without an account (or not signed in).
#[derive(InputObject)]
pub struct RegisterForEventByEmailInput {
    /// The event: published, with registration open.
    pub event_id: ID,
    /// The address to send the confirmation link to; one registration per address and event.
    pub email: String,
    /// The person's name: required, at most 200 characters.
    pub name: String,
}

/// The token that confirms an e-mail registration.
#[derive(InputObject)]
pub struct ConfirmEventRegistrationInput {
    /// The token of the mailed link.
    pub token: String,
}

/// Either `eventId` (the signed-in caller's own registration) or `token` (from the registration mail).
#[derive(InputObject)]
pub struct CancelEventRegistrationInput {
    /// The event whose registration of the signed-in caller to cancel.
    pub event_id: Option<ID>,
    /// The cancellation token from the mail confirming the seat or waitlist place (works without signing in).
    pub token: Option<String>,
}

/// Whether a person holding a seat attended.
#[derive(InputObject)]
pub struct MarkAttendanceInput {
    /// The registration: REGISTERED (holding a seat).
    pub registration_id: ID,
    /// True: attended; false: did not.
    pub attended: bool,
}

/// The result of a change to a registration.
#[derive(SimpleObject)]
pub struct EventRegistrationPayload {
    /// The registration after the change; null when `userErrors` is not empty.
    pub registration: Option<EventRegistration>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn payload(result: AppResult<event_registration::Model>) -> async_graphql::Result<EventRegistrationPayload> {
    let (registration, user_errors) = into_payload(result)?;
    Ok(EventRegistrationPayload { registration: registration.map(EventRegistration), user_errors })
}

fn event_uuid(id: &ID) -> AppResult<uuid::Uuid> {
    GlobalId::decode_as(id, NodeType::Event)
}

#[derive(Default)]
pub struct EventRegistrationQuery;

#[Object]
impl EventRegistrationQuery {
    /// An event's registrations, oldest first, optionally of one status (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    #[allow(clippy::too_many_arguments)]
    async fn event_registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event.")] event_id: ID,
        #[graphql(desc = "Only registrations in this status; null: all.")] status: Option<RegistrationStatus>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<EventRegistration>> {
        let page = page_request(ctx, first, after, last, before)?;
        let services = ctx.services();
        let principal = ctx.actor();
        let event_id = event_uuid(&event_id)?;
        let page =
            registrations::list_registrations(&services.db, principal, event_id, status.map(Into::into), &page).await?;
        if nodes_select(ctx, &["event"]) {
            // Every registration of the page is for this event: load it once, before the items ask for it.
            let found = crate::domain::events::events_by_id(&services.db, &[event_id]).await?;
            ctx.loaders().events.feed_many(found.into_iter().map(|e| (e.id, e))).await;
        }
        Ok(connection(page, EventRegistration))
    }
}

#[derive(Default)]
pub struct EventRegistrationMutation;

#[Object]
impl EventRegistrationMutation {
    /// Registers the signed-in user: a seat if one is free, else the next place on the waitlist. A registration
    /// by e-mail of the user's address that is still unconfirmed becomes the user's.
    #[graphql(guard = "SignedInUser")]
    async fn register_for_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event.")] input: RegisterForEventInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let event_id = event_uuid(&input.event_id)?;
        payload(registrations::register_user(services, principal, event_id).await)
    }

    /// Registers someone without an account; nothing is held until the mailed link confirms the address. An
    /// unconfirmed registration of the address is replaced (with a new link). Mail to one address and from one
    /// client is limited per hour (`RATE_LIMITED`).
    async fn register_for_event_by_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event, the address and the name.")] input: RegisterForEventByEmailInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        let event_id = event_uuid(&input.event_id)?;
        payload(
            registrations::register_by_email(services, ctx.origin(), ctx.actor(), event_id, &input.email, &input.name)
                .await,
        )
    }

    /// Confirms an e-mail registration: it takes a seat, or a place on the waitlist.
    async fn confirm_event_registration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the mailed link.")] input: ConfirmEventRegistrationInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        payload(registrations::confirm(services, ctx.actor(), &input.token).await)
    }

    /// Cancels a registration: the signed-in caller's own (`eventId`: made with the account, or by e-mail for the
    /// account's verified address), or the one of a mailed link (`token`). A freed seat goes to the first person
    /// on the waitlist.
    async fn cancel_event_registration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Either `eventId` or `token`, not both.")] input: CancelEventRegistrationInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        let caller = ctx.actor();
        let target = match (input.event_id, input.token) {
            (Some(event_id), None) => CancelTarget::OwnForEvent(event_uuid(&event_id)?),
            (None, Some(token)) => CancelTarget::Token(token),
            _ => {
                return payload(Err(AppError::rejected(
                    &[],
                    UserErrorCode::Invalid,
                    "give either `eventId` (signed in) or `token` (from the mail)",
                )));
            }
        };
        payload(registrations::cancel(services, caller, target).await)
    }

    /// Records whether a registered person attended (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn mark_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration and whether the person attended.")] input: MarkAttendanceInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.registration_id, NodeType::EventRegistration)?;
        payload(registrations::mark_attendance(services, principal, id, input.attended).await)
    }
}
