//! Who may read and change resources: everybody reads published resources; staff read drafts and run every
//! command.

use crate::auth::Principal;
use crate::domain::policy::{is_staff, require_staff};
use crate::error::AppResult;
use entity::resource;
use sea_orm::{ColumnTrait, Condition};

pub fn can_read(actor: Option<&Principal>, resource: &resource::Model) -> bool {
    resource.published_at.is_some() || is_staff(actor)
}

/// `can_read` as a query condition, for lists.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    if is_staff(actor) { Condition::all() } else { Condition::all().add(resource::Column::PublishedAt.is_not_null()) }
}

/// Creating, correcting and publishing resources.
pub fn can_manage(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}
