//! Who may read and change strategies. Staff read all and review; members of the organisations of a
//! partnership of the region read every version, and their owners and editors write drafts; experts with an
//! accepted assignment to the region read every version too (they review with staff); managing authorities
//! read the strategies of the regions their Interreg programmes cover from IN_REVIEW on; everybody reads
//! published versions. Each caller sees one version of a strategy: [`Access::version_id`].
//! Comments ([`Standing`]): whoever has full access reads them; staff and assigned experts write threads,
//! editors reply, all three resolve and reopen.

use crate::auth::Principal;
use crate::domain::policy::{require_staff, require_user};
use crate::error::{AppError, AppResult};
use entity::expert_assignment::{self, AssignmentStatus};
use entity::organisation_member::{self, MemberRole};
use entity::strategy_comment::CommentAuthorRole;
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
    /// The current version, drafts included, and the comments (staff, the partnership's members, the region's
    /// assigned experts).
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

/// The regions to which the user is assigned as an expert (an accepted assignment that has not ended).
pub fn expert_regions(user_id: Uuid) -> SelectStatement {
    Query::select()
        .column(expert_assignment::Column::RegionId)
        .from(expert_assignment::Entity)
        .and_where(expert_assignment::Column::ExpertId.eq(user_id))
        .and_where(expert_assignment::Column::Status.eq(AssignmentStatus::Accepted))
        .to_owned()
}

/// The regions whose strategies the user reads in full: as a member of a partner organisation or as an
/// assigned expert.
pub fn full_access_regions(user_id: Uuid) -> Condition {
    Condition::any()
        .add(strategy::Column::RegionId.in_subquery(member_regions(user_id, None)))
        .add(strategy::Column::RegionId.in_subquery(expert_regions(user_id)))
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
        condition = condition.add(full_access_regions(user_id));
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

/// What `actor` sees of each strategy, in at most three statements for any number of strategies.
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
        let assigned: Vec<Uuid> = expert_assignment::Entity::find()
            .select_only()
            .column(expert_assignment::Column::RegionId)
            .filter(expert_assignment::Column::RegionId.is_in(regions.iter().copied()))
            .filter(expert_assignment::Column::ExpertId.eq(user_id))
            .filter(expert_assignment::Column::Status.eq(AssignmentStatus::Accepted))
            .into_tuple()
            .all(db)
            .await?;
        members.extend(assigned);
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
/// Whether `viewer` may see which account made a move of the history: staff, and the person who made it
/// (everybody else sees only the side, so that staff accounts' IDs do not reach editors).
pub fn can_see_mover(viewer: Option<&Principal>, made: &entity::strategy_move::Model) -> bool {
    viewer.is_some_and(|v| v.is_staff() || v.user_id() == Some(made.actor_id))
}

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

/// A caller's part in the comments of one strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Staff or an assigned expert: writes threads and replies, resolves and reopens.
    Reviewer(CommentAuthorRole),
    /// An owner or editor of a partner organisation: replies, resolves and reopens.
    Editor,
    /// Another member of a partner organisation: reads.
    Reader,
    /// Nobody: sees no comment.
    None,
}

impl Standing {
    /// The role recorded with a comment the caller writes, if the caller may write at all.
    pub fn author_role(self) -> Option<CommentAuthorRole> {
        match self {
            Standing::Reviewer(role) => Some(role),
            Standing::Editor => Some(CommentAuthorRole::Editor),
            Standing::Reader | Standing::None => None,
        }
    }
}

/// The caller's standing in the comments of the strategy of `region_id` (two statements at most): staff first,
/// then an expert with an accepted assignment to the region, then the partner organisations' members by role.
pub async fn standing(db: &impl ConnectionTrait, actor: Option<&Principal>, region_id: Uuid) -> AppResult<Standing> {
    if actor.is_some_and(Principal::is_staff) {
        return Ok(Standing::Reviewer(CommentAuthorRole::Staff));
    }
    let Some(user_id) = actor.and_then(Principal::user_id) else { return Ok(Standing::None) };
    let assigned = expert_assignment::Entity::find()
        .filter(expert_assignment::Column::RegionId.eq(region_id))
        .filter(expert_assignment::Column::ExpertId.eq(user_id))
        .filter(expert_assignment::Column::Status.eq(AssignmentStatus::Accepted))
        .one(db)
        .await?;
    if assigned.is_some() {
        return Ok(Standing::Reviewer(CommentAuthorRole::Expert));
    }
    let roles: Vec<MemberRole> = organisation_member::Entity::find()
        .select_only()
        .column(organisation_member::Column::Role)
        .filter(organisation_member::Column::UserId.eq(user_id))
        .filter(
            organisation_member::Column::OrganisationId.in_subquery(
                Query::select()
                    .column(partner::Column::OrganisationId)
                    .from(partner::Entity)
                    .and_where(
                        partner::Column::PartnershipId.in_subquery(
                            Query::select()
                                .column(partnership::Column::Id)
                                .from(partnership::Entity)
                                .and_where(partnership::Column::RegionId.eq(region_id))
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(if roles.iter().any(|r| matches!(r, MemberRole::Owner | MemberRole::Editor)) {
        Standing::Editor
    } else if roles.is_empty() {
        Standing::None
    } else {
        Standing::Reader
    })
}
