//! Who may read and change strategies. Staff read all and review; members of the organisations of a
//! partnership of the region read every version, and their owners and editors write drafts; managing
//! authorities read the strategies of the regions their Interreg programmes cover from IN_REVIEW on; everybody
//! reads published versions. Each caller sees one version of a strategy: [`Access::version_id`].

use crate::auth::Principal;
use crate::domain::policy::{require_staff, require_user};
use crate::error::{AppError, AppResult};
use entity::organisation_member::{self, MemberRole};
use entity::{partner, partnership, region_programme, strategy};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// How much of a strategy a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Nothing: as if it did not exist.
    None,
    /// The newest published version.
    Public,
    /// The newest version that reached review (managing authorities of the region's programmes).
    Reviewed,
    /// The current version, drafts included (staff, the partnership's members).
    Full,
}

impl Access {
    /// The version this access shows, if any.
    pub fn version_id(self, strategy: &strategy::Model) -> Option<Uuid> {
        match self {
            Access::None => None,
            Access::Public => strategy.published_version_id,
            Access::Reviewed => strategy.reviewed_version_id,
            Access::Full => Some(strategy.current_version_id),
        }
    }
}

/// The regions whose partnerships have an organisation the user is a member of (with one of `roles`, if given).
pub fn member_regions(user_id: Uuid, roles: Option<&[MemberRole]>) -> SelectStatement {
    let mut members = Query::select();
    members
        .column(organisation_member::Column::OrganisationId)
        .from(organisation_member::Entity)
        .and_where(organisation_member::Column::UserId.eq(user_id));
    if let Some(roles) = roles {
        members.and_where(organisation_member::Column::Role.is_in(roles.iter().copied()));
    }
    Query::select()
        .column(partnership::Column::RegionId)
        .from(partnership::Entity)
        .and_where(
            partnership::Column::Id.in_subquery(
                Query::select()
                    .column(partner::Column::PartnershipId)
                    .from(partner::Entity)
                    .and_where(partner::Column::OrganisationId.in_subquery(members.to_owned()))
                    .to_owned(),
            ),
        )
        .to_owned()
}

/// The regions covered by one of `programmes`.
pub fn programme_regions(programmes: &[Uuid]) -> SelectStatement {
    Query::select()
        .column(region_programme::Column::RegionId)
        .from(region_programme::Entity)
        .and_where(region_programme::Column::ProgrammeId.is_in(programmes.iter().copied()))
        .to_owned()
}

/// The read rule as a query condition over `strategy`.
pub fn read_filter(actor: Option<&Principal>) -> Condition {
    if actor.is_some_and(Principal::is_staff) {
        return Condition::all();
    }
    let mut condition = Condition::any().add(strategy::Column::PublishedVersionId.is_not_null());
    if let Some(user_id) = actor.and_then(Principal::user_id) {
        condition = condition.add(strategy::Column::RegionId.in_subquery(member_regions(user_id, None)));
    }
    if let Some(programmes) = actor.map(|p| &p.programmes).filter(|p| !p.is_empty()) {
        condition = condition.add(
            Condition::all()
                .add(strategy::Column::ReviewedVersionId.is_not_null())
                .add(strategy::Column::RegionId.in_subquery(programme_regions(programmes))),
        );
    }
    condition
}

/// What `actor` sees of each strategy, in at most two statements for any number of strategies.
pub async fn access_of(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    strategies: &[strategy::Model],
) -> AppResult<HashMap<Uuid, Access>> {
    if actor.is_some_and(Principal::is_staff) {
        return Ok(strategies.iter().map(|s| (s.id, Access::Full)).collect());
    }
    let regions: Vec<Uuid> = strategies.iter().map(|s| s.region_id).collect();
    let mut members: HashSet<Uuid> = HashSet::new();
    if let Some(user_id) = actor.and_then(Principal::user_id)
        && !regions.is_empty()
    {
        let rows: Vec<Uuid> = partnership::Entity::find()
            .select_only()
            .column(partnership::Column::RegionId)
            .filter(partnership::Column::RegionId.is_in(regions.iter().copied()))
            .filter(partnership::Column::RegionId.in_subquery(member_regions(user_id, None)))
            .into_tuple()
            .all(db)
            .await?;
        members.extend(rows);
    }
    let mut covered: HashSet<Uuid> = HashSet::new();
    if let Some(programmes) = actor.map(|p| &p.programmes).filter(|p| !p.is_empty())
        && !regions.is_empty()
    {
        let rows: Vec<Uuid> = region_programme::Entity::find()
            .select_only()
            .column(region_programme::Column::RegionId)
            .filter(region_programme::Column::RegionId.is_in(regions.iter().copied()))
            .filter(region_programme::Column::ProgrammeId.is_in(programmes.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        covered.extend(rows);
    }
    Ok(strategies
        .iter()
        .map(|s| {
            let access = if members.contains(&s.region_id) {
                Access::Full
            } else if covered.contains(&s.region_id) && s.reviewed_version_id.is_some() {
                Access::Reviewed
            } else if s.published_version_id.is_some() {
                Access::Public
            } else {
                Access::None
            };
            (s.id, access)
        })
        .collect())
}

/// Writing strategies (creating, editing drafts, submitting, amending): signed-in people, who must then be
/// owners or editors of an organisation of a partnership of the region ([`require_editor`]).
pub fn can_write(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_user(actor)
}

/// Refuses (`FORBIDDEN`) a caller who is not an owner or editor of an organisation of a partnership of `region_id`.
pub async fn require_editor(db: &impl ConnectionTrait, principal: &Principal, region_id: Uuid) -> AppResult<()> {
    let Some(user_id) = principal.user_id() else { return Err(AppError::Forbidden) };
    let editing = partnership::Entity::find()
        .filter(partnership::Column::RegionId.eq(region_id))
        .filter(
            partnership::Column::RegionId
                .in_subquery(member_regions(user_id, Some(&[MemberRole::Owner, MemberRole::Editor]))),
        )
        .one(db)
        .await?;
    if editing.is_some() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Reviewing: requesting changes, adopting, publishing (staff).
pub fn can_review(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}
