//! Who may read and change applications: staff, and members of an organisation of its partnership (or its
//! creator) read it; owners and editors of the lead organisation draft, submit and withdraw it; staff
//! return, assess and decide.

use crate::auth::Principal;
use crate::domain::partnerships;
use crate::domain::policy::{require_staff, require_user};
use crate::error::AppResult;
use entity::{application, organisation_member, partner, partnership};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait};

/// The read rule as a query condition: `None` for staff (everything).
pub fn visible_to(principal: Option<&Principal>) -> Option<Condition> {
    let Some(principal) = principal else { return Some(Condition::all().add(application::Column::Id.is_null())) };
    if principal.is_staff() {
        return None;
    }
    let Some(user_id) = principal.user_id() else {
        return Some(Condition::all().add(application::Column::Id.is_null()));
    };
    Some(
        Condition::any().add(application::Column::CreatedBy.eq(user_id)).add(
            application::Column::PartnershipId.in_subquery(
                Query::select()
                    .column(partner::Column::PartnershipId)
                    .from(partner::Entity)
                    .and_where(
                        partner::Column::OrganisationId.in_subquery(
                            Query::select()
                                .column(organisation_member::Column::OrganisationId)
                                .from(organisation_member::Entity)
                                .and_where(organisation_member::Column::UserId.eq(user_id))
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        ),
    )
}

/// `visible_to` as a condition that is never absent.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    visible_to(actor).unwrap_or_else(Condition::all)
}

/// Drafting, editing, submitting and withdrawing: signed-in people (who must then edit the partnership).
pub fn can_apply(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_user(actor)
}

/// Editing an application of `partnership` as an applicant: owners and editors of its lead organisation.
pub async fn can_edit<'a>(
    db: &impl ConnectionTrait,
    actor: Option<&'a Principal>,
    partnership: &partnership::Model,
) -> AppResult<&'a Principal> {
    partnerships::policy::can_edit(db, actor, partnership).await
}

/// Returning, assessing and deciding: staff.
pub fn can_assess(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}

/// Whether `viewer` may see who (which account) made a move of an application's history: staff always, others
/// only their own moves. Everybody else sees the side that made it (`workflow::mover_of`), never a staff ID.
pub fn can_see_mover(viewer: Option<&Principal>, event: &entity::application_event::Model) -> bool {
    viewer.is_some_and(|v| v.is_staff() || v.user_id() == Some(event.actor_id))
}
