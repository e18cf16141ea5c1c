//! Who may read and change events and registrations: everybody reads events that are not drafts; staff read
//! drafts and run the event commands; a registration is its registrant's and staff's; the join URL is for staff
//! and for people holding a seat.

use crate::auth::Principal;
use crate::domain::policy::{is_staff, require_staff, require_user};
use crate::error::AppResult;
use entity::event::{self, EventStatus};
use entity::event_registration::{self, RegistrationStatus};
use sea_orm::{ColumnTrait, Condition};

/// Drafts are for staff; published, cancelled and completed events are public.
pub fn can_read(actor: Option<&Principal>, event: &event::Model) -> bool {
    event.status != EventStatus::Draft || is_staff(actor)
}

/// `can_read` as a query condition, for lists.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    if is_staff(actor) { Condition::all() } else { Condition::all().add(event::Column::Status.ne(EventStatus::Draft)) }
}

/// The join URL is for staff and for people holding a seat (REGISTERED); not for the waitlist, pending
/// e-mail confirmations, or anyone else. `own` is the caller's registration for this event, if any.
pub fn can_see_join_url(actor: Option<&Principal>, own: Option<&event_registration::Model>) -> bool {
    is_staff(actor) || own.is_some_and(|r| r.status == RegistrationStatus::Registered)
}

/// Creating, changing, publishing, cancelling and completing events (staff).
pub fn can_manage(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}

/// Registrations are visible to their registrant and to staff.
pub fn can_read_registration(actor: Option<&Principal>, registration: &event_registration::Model) -> bool {
    actor.is_some_and(|p| p.is_staff() || (p.user_id().is_some() && p.user_id() == registration.user_id))
}

/// Registering oneself (a signed-in user; service accounts are not people).
pub fn can_register(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_user(actor)
}

/// Listing and exporting an event's registrations and marking attendance (staff).
pub fn can_manage_registrations(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}
