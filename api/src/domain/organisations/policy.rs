//! Who may read and change organisations: everybody reads the public face (name, type, country); members and
//! staff read the rest; owners and editors correct the details; owners manage members and invitations.

use crate::auth::Principal;
use crate::domain::policy::{is_staff, require_user};
use crate::error::{AppError, AppResult};
use entity::organisation;
use entity::organisation_member::{self, MemberRole};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

/// The public face of every organisation is readable by everybody.
pub fn can_read(_actor: Option<&Principal>, _organisation: &organisation::Model) -> bool {
    true
}

/// Whether `actor` reads the details (address, registration id, members): staff, or one of these roles.
pub fn can_read_details(actor: Option<&Principal>, role: Option<MemberRole>) -> bool {
    is_staff(actor) || role.is_some()
}

/// Creating an organisation (its creator becomes the owner) and accepting an invitation: signed-in people.
pub fn can_create(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_user(actor)
}

/// Correcting an organisation's details: staff, its owners and editors.
pub async fn can_update<'a>(
    db: &impl ConnectionTrait,
    actor: Option<&'a Principal>,
    organisation_id: Uuid,
) -> AppResult<&'a Principal> {
    require_role(db, actor, organisation_id, &[MemberRole::Owner, MemberRole::Editor]).await
}

/// Inviting, changing and removing members: staff and the organisation's owners.
pub async fn can_manage_members<'a>(
    db: &impl ConnectionTrait,
    actor: Option<&'a Principal>,
    organisation_id: Uuid,
) -> AppResult<&'a Principal> {
    require_role(db, actor, organisation_id, &[MemberRole::Owner]).await
}

/// The caller's role in an organisation, if a member.
pub async fn role_of(db: &impl ConnectionTrait, organisation_id: Uuid, user_id: Uuid) -> AppResult<Option<MemberRole>> {
    Ok(organisation_member::Entity::find_by_id((organisation_id, user_id)).one(db).await?.map(|m| m.role))
}

/// Refuses (`FORBIDDEN`) a caller who is neither staff nor a member with one of `roles`.
pub async fn require_role<'a>(
    db: &impl ConnectionTrait,
    actor: Option<&'a Principal>,
    organisation_id: Uuid,
    roles: &[MemberRole],
) -> AppResult<&'a Principal> {
    let principal = crate::domain::policy::require_principal(actor)?;
    if principal.is_staff() {
        return Ok(principal);
    }
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    match role_of(db, organisation_id, user_id).await? {
        Some(role) if roles.contains(&role) => Ok(principal),
        _ => Err(AppError::Forbidden),
    }
}
