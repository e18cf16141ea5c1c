//! Who may see accounts and run the identity commands: a person sees and changes their own account; the
//! back office (staff and admins) sees every account; only admins grant and revoke roles and create service
//! accounts. Registration, login and the e-mail-token commands need nobody signed in.

use crate::auth::Principal;
use crate::domain::policy::{is_staff, require_admin, require_staff, require_user};
use crate::error::AppResult;
use sea_orm::Condition;
use uuid::Uuid;

/// Whether `actor` may see the account `user_id`: its owner, and the back office.
pub fn can_read(actor: Option<&Principal>, user_id: Uuid) -> bool {
    actor.is_some_and(|p| p.user_id() == Some(user_id)) || is_staff(actor)
}

/// `can_read` as a query condition for the users list (which only the back office reaches).
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    match actor.and_then(Principal::user_id) {
        _ if is_staff(actor) => Condition::all(),
        Some(id) => Condition::all().add(sea_orm::ColumnTrait::eq(&entity::app_user::Column::Id, id)),
        None => Condition::any(),
    }
}

/// The users list of the back office.
pub fn can_list_users(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}

/// Changing one's own password or profile: a signed-in person (not a service account).
pub fn can_change_own_account(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_user(actor)
}

/// Granting and revoking roles.
pub fn can_manage_roles(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_admin(actor)
}

/// Creating service accounts for integrators.
pub fn can_manage_service_accounts(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_admin(actor)
}

/// Ending one's own sessions.
pub fn can_logout(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_user(actor)
}
