//! Who may read and change the Interreg programmes: everybody reads the reference list; staff add and correct.

use crate::auth::Principal;
use crate::domain::policy::require_staff;
use crate::error::AppResult;
use entity::interreg_programme;
use sea_orm::Condition;

pub fn can_read(_actor: Option<&Principal>, _programme: &interreg_programme::Model) -> bool {
    true
}

/// `can_read` as a query condition, for lists.
pub fn read_filter(_actor: Option<&Principal>) -> Condition {
    Condition::all()
}

/// Adding and correcting programmes.
pub fn can_manage(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}
