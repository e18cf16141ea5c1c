//! Who may read and change calls: everybody reads published calls; staff read drafts and run every command.

use crate::auth::Principal;
use crate::domain::policy::{is_staff, require_staff};
use crate::error::AppResult;
use entity::call;
use sea_orm::{ColumnTrait, Condition};

pub fn can_read(actor: Option<&Principal>, call: &call::Model) -> bool {
    call.published_at.is_some() || is_staff(actor)
}

/// `can_read` as a query condition, for lists.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    if is_staff(actor) { Condition::all() } else { Condition::all().add(call::Column::PublishedAt.is_not_null()) }
}

/// Drafting, correcting and publishing calls.
pub fn can_manage(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}
