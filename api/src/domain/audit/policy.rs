//! Who may read the audit log: admins (as the `auditEvents` query always allowed).

use crate::auth::Principal;
use crate::domain::policy::require_admin;
use crate::error::AppResult;

pub fn can_read(actor: Option<&Principal>) -> bool {
    require_admin(actor).is_ok()
}

/// Listing the audit log.
pub fn can_list(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_admin(actor)
}
