//! Who may read and change cross-border regions: everybody reads pilot and alumni regions; a CANDIDATE is read
//! by its creator, by those who see a partnership in it (its partners' members and the partnership's creator) and
//! by staff. Signed-in people propose candidates; a candidate's creator corrects it while it is a candidate; staff
//! correct any and set statuses.

use crate::auth::Principal;
use crate::domain::policy::{is_staff, require_principal};
use crate::error::{AppError, AppResult};
use entity::cross_border_region::{self, RegionStatus};
use entity::partnership;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

/// The statuses everybody may read.
pub const PUBLIC_STATUSES: [RegionStatus; 2] = [RegionStatus::Pilot, RegionStatus::Alumni];

/// Whether a region with this status is public.
pub fn is_public(status: RegionStatus) -> bool {
    PUBLIC_STATUSES.contains(&status)
}

/// The read rule as a query condition, for lists and `node(id:)`: pilot and alumni regions for everybody;
/// candidates for their creator, for whoever sees one of their partnerships, and for staff.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    if is_staff(actor) {
        return Condition::all();
    }
    let mut condition = Condition::any().add(cross_border_region::Column::Status.is_in(PUBLIC_STATUSES));
    if let Some(user_id) = actor.and_then(Principal::user_id) {
        condition = condition.add(cross_border_region::Column::CreatedBy.eq(user_id)).add(
            cross_border_region::Column::Id.in_subquery(
                Query::select()
                    .column(partnership::Column::RegionId)
                    .from(partnership::Entity)
                    .cond_where(crate::domain::partnerships::policy::read_filter(actor))
                    .to_owned(),
            ),
        );
    }
    condition
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
