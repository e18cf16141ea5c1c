//! Who may read and change partnerships: staff all; others those of pilot (and alumni) regions, those in which
//! one of their organisations is a partner, and the ones they created. Owners and editors of a lead
//! organisation (or, while there is no lead, its creator) edit it; staff edit all.

use crate::auth::Principal;
use crate::domain::policy::require_user;
use crate::error::{AppError, AppResult};
use entity::cross_border_region::{self, RegionStatus};
use entity::organisation_member::{self, MemberRole};
use entity::partner::{self, PartnerRole};
use entity::partnership;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Creating partnerships (and anything that edits them): signed-in people.
pub fn can_create(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_user(actor)
}

/// Editing `partnership`: refuses (`FORBIDDEN`) a caller who may not.
pub async fn can_edit<'a>(
    db: &impl ConnectionTrait,
    actor: Option<&'a Principal>,
    partnership: &partnership::Model,
) -> AppResult<&'a Principal> {
    let principal = crate::domain::policy::require_principal(actor)?;
    require_editor(db, principal, partnership).await?;
    Ok(principal)
}

/// Whether the caller may edit a partnership with these partners: staff, owners and editors of a lead
/// organisation, or (while it has no lead) its creator.
pub async fn may_edit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    created_by: Uuid,
    partners: &[(Uuid, PartnerRole)],
) -> AppResult<bool> {
    if principal.is_staff() {
        return Ok(true);
    }
    let Some(user_id) = principal.user_id() else { return Ok(false) };
    let leads: Vec<Uuid> = partners.iter().filter(|(_, r)| *r == PartnerRole::Lead).map(|(id, _)| *id).collect();
    if leads.is_empty() {
        return Ok(created_by == user_id);
    }
    let editing = organisation_member::Entity::find()
        .filter(organisation_member::Column::UserId.eq(user_id))
        .filter(organisation_member::Column::OrganisationId.is_in(leads))
        .filter(organisation_member::Column::Role.is_in([MemberRole::Owner, MemberRole::Editor]))
        .one(db)
        .await?;
    Ok(editing.is_some())
}

/// Refuses (`FORBIDDEN`) a caller who may not edit the partnership.
pub async fn require_editor(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partnership: &partnership::Model,
) -> AppResult<()> {
    let partners = super::partners_of(db, &[partnership.id]).await?.remove(&partnership.id).unwrap_or_default();
    let roles: Vec<(Uuid, PartnerRole)> = partners.iter().map(|p| (p.organisation_id, p.role)).collect();
    if may_edit(db, principal, partnership.created_by, &roles).await? { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The read rule as a query condition: `None` for staff (everything).
pub fn visible_to(principal: Option<&Principal>) -> Option<Condition> {
    if principal.is_some_and(Principal::is_staff) {
        return None;
    }
    let public = partnership::Column::RegionId.in_subquery(
        Query::select()
            .column(cross_border_region::Column::Id)
            .from(cross_border_region::Entity)
            .and_where(cross_border_region::Column::Status.is_in([RegionStatus::Pilot, RegionStatus::Alumni]))
            .to_owned(),
    );
    let mut condition = Condition::any().add(public);
    if let Some(user_id) = principal.and_then(Principal::user_id) {
        condition = condition.add(partnership::Column::CreatedBy.eq(user_id)).add(
            partnership::Column::Id.in_subquery(
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
        );
    }
    Some(condition)
}

/// `visible_to` as a condition that is never absent.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    visible_to(actor).unwrap_or_else(Condition::all)
}
