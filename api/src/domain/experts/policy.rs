//! Who may read and change expert data: an expert reads and edits their own profile and answers their own
//! assignments; staff read every profile and assignment, vet, match and assign; the public and other experts
//! see no profile (the public sees only the names and expertise of a region's assigned experts).

use crate::auth::{Principal, Role};
use crate::domain::policy::{is_staff, require_staff, require_user};
use crate::error::{AppError, AppResult};
use entity::expert_assignment;
use uuid::Uuid;

/// The profile of `expert_id`: the expert themself and staff.
pub fn can_read_profile(actor: Option<&Principal>, expert_id: Uuid) -> bool {
    is_staff(actor) || actor.and_then(Principal::user_id) == Some(expert_id)
}

/// An assignment: its expert and staff.
pub fn can_read_assignment(actor: Option<&Principal>, assignment: &expert_assignment::Model) -> bool {
    can_read_profile(actor, assignment.expert_id)
}

/// Lists of experts, matching and team suggestions: staff.
pub fn can_list(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}

/// Filling one's profile and applying to an expert call: a user with the EXPERT role.
pub fn can_act_as_expert(actor: Option<&Principal>) -> AppResult<&Principal> {
    let principal = require_user(actor)?;
    if principal.has_any(&[Role::Expert]) { Ok(principal) } else { Err(AppError::Forbidden) }
}

/// Vetting, assigning and ending assignments: staff.
pub fn can_manage(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}

/// Accepting or declining `assignment`: its expert only; to anybody else it does not exist.
pub fn can_respond<'a>(
    actor: Option<&'a Principal>,
    assignment: &expert_assignment::Model,
) -> AppResult<&'a Principal> {
    let principal = can_act_as_expert(actor)?;
    if principal.user_id() == Some(assignment.expert_id) {
        Ok(principal)
    } else {
        Err(AppError::not_found(&["id"], "assignment"))
    }
}
