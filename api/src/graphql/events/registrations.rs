//! GraphQL of event registrations: registering (signed in, or by e-mail with confirmation), cancelling,
//! the staff's list of an event's registrations, and attendance.

use crate::auth::STAFF;
use crate::auth::guard::{RoleGuard, SignedInUser};
use crate::domain::events::registrations::{self as registrations, CancelTarget};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::events::Event;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::event_registration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::event_registration::RegistrationStatus")]
pub enum RegistrationStatus {
    /// Registered by e-mail, not confirmed yet: holds no seat.
    Pending,
    /// Holds a seat.
    Registered,
    /// Waiting for a seat, in `waitlistPosition` order.
    Waitlisted,
    Cancelled,
}

/// One person's registration for an event; visible to that person and to staff.
#[derive(Clone)]
pub struct EventRegistration(pub event_registration::Model);

#[Object]
impl EventRegistration {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::EventRegistration, &self.0.id.to_string())
    }
    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Event>> {
        let loaders = ctx.loaders();
        Ok(loaders.events.load_one(self.0.event_id).await.map_err(AppError::from)?.map(Event))
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn status(&self) -> RegistrationStatus {
        self.0.status.into()
    }
    /// The place in the waitlist's order (lower goes first); kept after promotion, null for those never waiting.
    async fn waitlist_position(&self) -> Option<i32> {
        self.0.waitlist_position
    }
    async fn attended(&self) -> bool {
        self.0.attended
    }
    async fn registered_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the seat or waitlist place was given (for e-mail registrations: when the address was confirmed).
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
}

#[derive(InputObject)]
pub struct RegisterForEventInput {
    pub event_id: ID,
}

#[derive(InputObject)]
pub struct RegisterForEventByEmailInput {
    pub event_id: ID,
    pub email: String,
    pub name: String,
}

#[derive(InputObject)]
pub struct ConfirmEventRegistrationInput {
    /// The token of the mailed link.
    pub token: String,
}

/// Either `eventId` (the signed-in caller's own registration) or `token` (from the registration mail).
#[derive(InputObject)]
pub struct CancelEventRegistrationInput {
    pub event_id: Option<ID>,
    pub token: Option<String>,
}

#[derive(InputObject)]
pub struct MarkAttendanceInput {
    pub registration_id: ID,
    pub attended: bool,
}

#[derive(SimpleObject)]
pub struct EventRegistrationPayload {
    pub registration: Option<EventRegistration>,
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
    #[graphql(
        guard = "RoleGuard(STAFF)",
        complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn event_registrations(
        &self,
        ctx: &Context<'_>,
        event_id: ID,
        status: Option<RegistrationStatus>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<EventRegistration>> {
        let page = page_request(ctx, first, after, last, before)?;
        let services = ctx.services();
        let principal = ctx.actor();
        let event_id = event_uuid(&event_id)?;
        let page =
            registrations::list_registrations(&services.db, principal, event_id, status.map(Into::into), &page).await?;
        Ok(connection(page, EventRegistration))
    }
}

#[derive(Default)]
pub struct EventRegistrationMutation;

#[Object]
impl EventRegistrationMutation {
    /// Registers the signed-in user: a seat if one is free, else the next place on the waitlist.
    #[graphql(guard = "SignedInUser")]
    async fn register_for_event(
        &self,
        ctx: &Context<'_>,
        input: RegisterForEventInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let event_id = event_uuid(&input.event_id)?;
        payload(registrations::register_user(services, principal, event_id).await)
    }

    /// Registers someone without an account; nothing is held until the mailed link confirms the address.
    async fn register_for_event_by_email(
        &self,
        ctx: &Context<'_>,
        input: RegisterForEventByEmailInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        let event_id = event_uuid(&input.event_id)?;
        payload(registrations::register_by_email(services, ctx.actor(), event_id, &input.email, &input.name).await)
    }

    /// Confirms an e-mail registration: it takes a seat, or a place on the waitlist.
    async fn confirm_event_registration(
        &self,
        ctx: &Context<'_>,
        input: ConfirmEventRegistrationInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        payload(registrations::confirm(services, ctx.actor(), &input.token).await)
    }

    /// Cancels a registration: the signed-in caller's own (`eventId`), or the one of a mailed link (`token`).
    /// A freed seat goes to the first person on the waitlist.
    async fn cancel_event_registration(
        &self,
        ctx: &Context<'_>,
        input: CancelEventRegistrationInput,
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
        input: MarkAttendanceInput,
    ) -> async_graphql::Result<EventRegistrationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.registration_id, NodeType::EventRegistration)?;
        payload(registrations::mark_attendance(services, principal, id, input.attended).await)
    }
}
