//! What every area's `policy` module builds on: who the principal is and which programme-wide roles it has.
//! Each area's own `policy.rs` says who may read its objects (a predicate and a query condition) and who may
//! run each of its commands; commands call it first, so a command run with the wrong principal refuses.

use crate::auth::{ADMIN, Principal, STAFF};
use crate::error::{AppError, AppResult};

/// Anybody signed in (a user or a service account).
pub fn require_principal(actor: Option<&Principal>) -> AppResult<&Principal> {
    actor.ok_or(AppError::Unauthenticated)
}

/// A signed-in user (service accounts are not people).
pub fn require_user(actor: Option<&Principal>) -> AppResult<&Principal> {
    let principal = require_principal(actor)?;
    principal.user_id().map(|_| principal).ok_or(AppError::Forbidden)
}

/// The programme's staff (staff or admins).
pub fn require_staff(actor: Option<&Principal>) -> AppResult<&Principal> {
    let principal = require_principal(actor)?;
    if principal.has_any(STAFF) { Ok(principal) } else { Err(AppError::Forbidden) }
}

/// Admins only.
pub fn require_admin(actor: Option<&Principal>) -> AppResult<&Principal> {
    let principal = require_principal(actor)?;
    if principal.has_any(ADMIN) { Ok(principal) } else { Err(AppError::Forbidden) }
}

pub fn is_staff(actor: Option<&Principal>) -> bool {
    actor.is_some_and(Principal::is_staff)
}
