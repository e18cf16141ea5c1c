//! Who may manage webhooks: integrators (service accounts) and staff register endpoints; each endpoint and
//! its delivery log are its owner's, and staff's.

use crate::auth::{Principal, Role};
use crate::domain::policy::require_principal;
use crate::error::{AppError, AppResult};
use entity::webhook_endpoint;
use sea_orm::{ColumnTrait, Condition};

/// Registering, rotating and replaying: service accounts of integrators and staff.
pub fn can_manage(actor: Option<&Principal>) -> AppResult<&Principal> {
    let principal = require_principal(actor)?;
    if principal.is_staff() || principal.has_any(&[Role::Integrator]) {
        Ok(principal)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether `actor` reads (and manages) `endpoint`: its owner and staff.
pub fn can_read(actor: Option<&Principal>, endpoint: &webhook_endpoint::Model) -> bool {
    actor.is_some_and(|p| p.is_staff() || p.id == endpoint.owner_id)
}

/// `can_read` as a query condition.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    match actor {
        Some(p) if p.is_staff() => Condition::all(),
        Some(p) => Condition::all().add(webhook_endpoint::Column::OwnerId.eq(p.id)),
        None => Condition::any(),
    }
}
