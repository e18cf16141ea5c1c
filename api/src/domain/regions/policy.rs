//! Who may read and change cross-border regions: everybody reads them; signed-in people propose candidates;
//! a candidate's creator corrects it while it is a candidate; staff correct any and set statuses.

use crate::auth::Principal;
use crate::domain::policy::{is_staff, require_principal};
use crate::error::{AppError, AppResult};
use entity::cross_border_region::{self, RegionStatus};
use sea_orm::Condition;

pub fn can_read(_actor: Option<&Principal>, _region: &cross_border_region::Model) -> bool {
    true
}

/// `can_read` as a query condition, for lists.
pub fn read_filter(_actor: Option<&Principal>) -> Condition {
    Condition::all()
}

/// Proposing a region: anybody signed in; only staff give it another status than CANDIDATE.
pub fn can_create(actor: Option<&Principal>, status: Option<RegionStatus>) -> AppResult<&Principal> {
    let principal = require_principal(actor)?;
    match status {
        Some(status) if status != RegionStatus::Candidate && !principal.is_staff() => Err(AppError::Forbidden),
        _ => Ok(principal),
    }
}

/// Correcting `region`: staff always, its creator while it is a candidate; only staff change the status.
pub fn can_update<'a>(
    actor: Option<&'a Principal>,
    region: &cross_border_region::Model,
    status: Option<RegionStatus>,
) -> AppResult<&'a Principal> {
    let principal = require_principal(actor)?;
    let may_edit = is_staff(actor) || (region.created_by == principal.id && region.status == RegionStatus::Candidate);
    if !may_edit || (status.is_some_and(|s| s != region.status) && !principal.is_staff()) {
        return Err(AppError::Forbidden);
    }
    Ok(principal)
}
