//! Partnerships: organisations of one region as partners (one side each, one lead), their governance and the
//! voting shares of the interest groups. Rules that a partnership under construction may still break are
//! checked with its application (`applications::check`); inputs that can never be valid are refused at once.

use crate::auth::Principal;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::{Checks, required_text};
use crate::domain::{Services, organisations, regions};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::cross_border_region::RegionStatus;
use entity::organisation_member::{self, MemberRole};
use entity::partner::{self, PartnerRole};
use entity::{cross_border_region, organisation, partnership};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct PartnerInput {
    pub organisation_id: Uuid,
    pub side: String,
    pub role: PartnerRole,
}

/// Voting shares of the interest groups, in whole percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VotingShares {
    pub public_sector: Option<i32>,
    pub private_sector: Option<i32>,
    pub civil_society: Option<i32>,
    pub other: Option<i32>,
}

impl VotingShares {
    pub fn of(p: &partnership::Model) -> Self {
        Self {
            public_sector: p.public_sector_share,
            private_sector: p.private_sector_share,
            civil_society: p.civil_society_share,
            other: p.other_share,
        }
    }

    /// Each group with its field name and share.
    pub fn groups(&self) -> [(&'static str, &'static str, Option<i32>); 4] {
        [
            ("publicSector", "the public sector", self.public_sector),
            ("privateSector", "the private sector", self.private_sector),
            ("civilSociety", "civil society", self.civil_society),
            ("other", "other interests", self.other),
        ]
    }
}

#[derive(Debug, Clone)]
pub struct PartnershipInput {
    pub region_id: Uuid,
    pub name: String,
    pub governance: Option<String>,
    pub partners: Vec<PartnerInput>,
    pub voting: VotingShares,
}

/// Refuses what can never become valid: unknown organisations, sides outside the region, organisations
/// standing for a country that is not theirs, shares outside 0–100.
async fn check(db: &impl ConnectionTrait, input: &PartnershipInput) -> AppResult<String> {
    let mut checks = Checks::default();
    let name = checks.take(required_text("name", &input.name, 255));
    let region = regions::find(db, input.region_id)
        .await
        .map_err(|_| AppError::rejected(&["regionId"], UserErrorCode::NotFound, "no such cross-border region"))?;
    let sides = regions::parts_of(db, &[region.id]).await?.remove(&region.id).unwrap_or_default().countries;
    let ids: Vec<Uuid> = input.partners.iter().map(|p| p.organisation_id).collect();
    let found = organisations::organisations_by_id(db, &ids).await?;
    for (index, partner) in input.partners.iter().enumerate() {
        let at = index.to_string();
        let side = partner.side.trim().to_ascii_uppercase();
        let side = if side == "EL" { "GR".to_owned() } else { side };
        if !sides.contains(&side) {
            checks.push(UserError::new(
                &["partners", &at, "side"],
                UserErrorCode::Invalid,
                format!("{side} is not a side of {} ({})", region.name, sides.join(", ")),
            ));
        }
        match found.iter().find(|o| o.id == partner.organisation_id) {
            None => checks.push(UserError::new(
                &["partners", &at, "organisationId"],
                UserErrorCode::NotFound,
                "no such organisation",
            )),
            Some(organisation) if sides.contains(&side) && organisation.country_code != side => {
                checks.push(UserError::new(
                    &["partners", &at, "side"],
                    UserErrorCode::Invalid,
                    format!("{} is in {}, so it stands for that side", organisation.name, organisation.country_code),
                ))
            }
            Some(_) => {}
        }
        if ids.iter().filter(|id| **id == partner.organisation_id).count() > 1
            && ids.iter().position(|id| *id == partner.organisation_id) != Some(index)
        {
            checks.push(UserError::new(
                &["partners", &at, "organisationId"],
                UserErrorCode::Invalid,
                "each organisation is a partner once",
            ));
        }
    }
    for (field, label, share) in input.voting.groups() {
        if share.is_some_and(|s| !(0..=100).contains(&s)) {
            checks.push(UserError::new(
                &["voting", field],
                UserErrorCode::Invalid,
                format!("the voting share of {label} is a percentage from 0 to 100"),
            ));
        }
    }
    checks.finish()?;
    name.ok_or_else(|| AppError::Internal(anyhow::anyhow!("checked partnership lost its name")))
}

/// Whether the caller may edit a partnership with these partners: staff, owners and editors of a lead
/// organisation, or (while it has no lead) its creator.
async fn may_edit(
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
    let partners = partners_of(db, &[partnership.id]).await?.remove(&partnership.id).unwrap_or_default();
    let roles: Vec<(Uuid, PartnerRole)> = partners.iter().map(|p| (p.organisation_id, p.role)).collect();
    if may_edit(db, principal, partnership.created_by, &roles).await? { Ok(()) } else { Err(AppError::Forbidden) }
}

pub async fn create_partnership(
    services: &Services,
    principal: &Principal,
    input: &PartnershipInput,
) -> AppResult<partnership::Model> {
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let name = check(&services.db, input).await?;
    let roles: Vec<(Uuid, PartnerRole)> = input.partners.iter().map(|p| (p.organisation_id, p.role)).collect();
    if !may_edit(&services.db, principal, user_id, &roles).await? {
        return Err(AppError::rejected(
            &["partners"],
            UserErrorCode::Invalid,
            "you must be an owner or editor of the lead organisation",
        ));
    }
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    let created = partnership::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(input.region_id),
        name: Set(name),
        governance: Set(input.governance.as_deref().map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned)),
        public_sector_share: Set(input.voting.public_sector),
        private_sector_share: Set(input.voting.private_sector),
        civil_society_share: Set(input.voting.civil_society),
        other_share: Set(input.voting.other),
        created_by: Set(user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    replace_partners(&txn, created.id, &input.partners, now).await?;
    txn.commit().await?;
    Ok(created)
}

/// Replaces a partnership's details and partners. Its region stays.
pub async fn update_partnership(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    input: &PartnershipInput,
) -> AppResult<partnership::Model> {
    let existing = find(&services.db, id).await?;
    require_editor(&services.db, principal, &existing).await?;
    if input.region_id != existing.region_id {
        return Err(AppError::rejected(&["regionId"], UserErrorCode::Invalid, "a partnership keeps its region"));
    }
    let name = check(&services.db, input).await?;
    let now = services.now();
    let txn = crate::db::begin_write(&services.db).await?;
    let mut active: partnership::ActiveModel = existing.into();
    active.name = Set(name);
    active.governance = Set(input.governance.as_deref().map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned));
    active.public_sector_share = Set(input.voting.public_sector);
    active.private_sector_share = Set(input.voting.private_sector);
    active.civil_society_share = Set(input.voting.civil_society);
    active.other_share = Set(input.voting.other);
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    replace_partners(&txn, id, &input.partners, now).await?;
    txn.commit().await?;
    Ok(updated)
}

async fn replace_partners(
    db: &impl ConnectionTrait,
    id: Uuid,
    partners: &[PartnerInput],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    partner::Entity::delete_many().filter(partner::Column::PartnershipId.eq(id)).exec(db).await?;
    if !partners.is_empty() {
        partner::Entity::insert_many(partners.iter().map(|p| {
            let side = p.side.trim().to_ascii_uppercase();
            partner::ActiveModel {
                partnership_id: Set(id),
                organisation_id: Set(p.organisation_id),
                side: Set(if side == "EL" { "GR".to_owned() } else { side }),
                role: Set(p.role),
                created_at: Set(now),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<partnership::Model> {
    partnership::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::NotFound("partnership".to_owned()))
}

pub async fn partnerships_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<partnership::Model>> {
    Ok(partnership::Entity::find().filter(partnership::Column::Id.is_in(ids.iter().copied())).all(db).await?)
}

/// The partners of several partnerships in one statement, lead first then by side.
pub async fn partners_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<partner::Model>>> {
    let mut map: HashMap<Uuid, Vec<partner::Model>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in partner::Entity::find()
        .filter(partner::Column::PartnershipId.is_in(ids.iter().copied()))
        .order_by_asc(partner::Column::Role)
        .order_by_asc(partner::Column::Side)
        .order_by_asc(partner::Column::OrganisationId)
        .all(db)
        .await?
    {
        map.entry(row.partnership_id).or_default().push(row);
    }
    Ok(map)
}

/// A filter keeping what a caller may see: staff all; others the partnerships of pilot (and alumni) regions and
/// those in which one of their organisations is a partner, plus the ones they created.
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

/// Partnerships visible to the caller, by name; `mine` keeps only the caller's own.
pub async fn list_partnerships(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    region: Option<Uuid>,
    page: &PageRequest,
) -> AppResult<Page<partnership::Model>> {
    let mut select = partnership::Entity::find();
    if let Some(condition) = visible_to(principal) {
        select = select.filter(condition);
    }
    if let Some(region) = region {
        select = select.filter(partnership::Column::RegionId.eq(region));
    }
    paginate(
        db,
        select,
        (partnership::Column::Name, partnership::Column::Id),
        |p| (p.name.clone(), p.id),
        SortOrder::Ascending,
        page,
    )
    .await
}

/// Of these partnerships, the ones the caller may see.
pub async fn visible_ids(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    let mut select = partnership::Entity::find().filter(partnership::Column::Id.is_in(ids.iter().copied()));
    if let Some(condition) = visible_to(principal) {
        select = select.filter(condition);
    }
    Ok(select.all(db).await?.into_iter().map(|p| p.id).collect())
}

/// The organisations of the partners, for loaders.
pub async fn organisations_of_partners(
    db: &impl ConnectionTrait,
    partners: &[partner::Model],
) -> AppResult<Vec<organisation::Model>> {
    let ids: Vec<Uuid> = partners.iter().map(|p| p.organisation_id).collect();
    organisations::organisations_by_id(db, &ids).await
}
