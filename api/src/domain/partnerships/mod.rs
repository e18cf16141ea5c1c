//! Partnerships: organisations of one region as partners (one side each, one lead), their governance and the
//! voting shares of the interest groups. Rules that a partnership under construction may still break are
//! checked with its application (`applications::check`); inputs that can never be valid are refused at once.
//! An organisation named as a partner takes part only once its owners confirm (`invitations`).

pub mod invitations;
mod listing;
pub mod policy;

pub use listing::{
    PartnersOfPage, PartnershipsOfPage, listed_partners_with_organisations_of, partnerships_as_json,
    partnerships_of_regions_with_partners,
};
pub use policy::{require_editor, visible_to};

use crate::auth::Principal;
use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::{Checks, PersonName};
use crate::domain::{Services, organisations, regions};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::partner::{self, PartnerRole, PartnerStatus};
use entity::{organisation, partnership};
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DerivePartialModel, EntityTrait, PartialModelTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;
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
    let name = checks.take(PersonName::parse_max("name", &input.name, 255).map(PersonName::into_string));
    let region = entity::cross_border_region::Entity::find_by_id(input.region_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::rejected(&["regionId"], UserErrorCode::NotFound, "no such cross-border region"))?;
    let sides = regions::parts_of(db, &[region.id]).await?.remove(&region.id).unwrap_or_default().countries;
    let ids: Vec<Uuid> = input.partners.iter().map(|p| p.organisation_id).collect();
    let found = organisations::organisations_by_id(db, &ids).await?;
    for (index, partner) in input.partners.iter().enumerate() {
        let at = index.to_string();
        let side = normalised_side(&partner.side);
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

/// Creates a partnership; the caller must be able to edit it (an owner or editor of the lead organisation).
pub async fn create_partnership(
    services: &Services,
    actor: Option<&Principal>,
    input: &PartnershipInput,
) -> AppResult<partnership::Model> {
    let principal = policy::can_create(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut tx = services.write(Some(principal)).await?;
    let name = check(&*tx, input).await?;
    let roles: Vec<(Uuid, PartnerRole)> = input.partners.iter().map(|p| (p.organisation_id, p.role)).collect();
    if !policy::may_edit(&*tx, principal, user_id, &roles).await? {
        return Err(AppError::rejected(
            &["partners"],
            UserErrorCode::Invalid,
            "you must be an owner or editor of the lead organisation",
        ));
    }
    let now = tx.now();
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
    .insert(&*tx)
    .await?;
    let named = replace_partners(&*tx, principal, created.id, &input.partners, now).await?;
    let partners = partners_of(&*tx, &[created.id]).await?.remove(&created.id).unwrap_or_default();
    tx.emit(event(EventType::PartnershipCreated, &created, &partners));
    invitations::invite(&mut tx, &created, &named).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces a partnership's details and partners. Its region stays.
pub async fn update_partnership(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    input: &PartnershipInput,
) -> AppResult<partnership::Model> {
    policy::can_create(actor)?;
    let mut tx = services.write(actor).await?;
    let existing = find_visible(&*tx, actor, id).await?;
    let principal = policy::can_edit(&*tx, actor, &existing).await?;
    if input.region_id != existing.region_id {
        return Err(AppError::rejected(&["regionId"], UserErrorCode::Invalid, "a partnership keeps its region"));
    }
    let name = check(&*tx, input).await?;
    let now = tx.now();
    let mut active: partnership::ActiveModel = existing.into();
    active.name = Set(name);
    active.governance = Set(input.governance.as_deref().map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned));
    active.public_sector_share = Set(input.voting.public_sector);
    active.private_sector_share = Set(input.voting.private_sector);
    active.civil_society_share = Set(input.voting.civil_society);
    active.other_share = Set(input.voting.other);
    active.updated_at = Set(now);
    let updated = active.update(&*tx).await?;
    let named = replace_partners(&*tx, principal, id, &input.partners, now).await?;
    let partners = partners_of(&*tx, &[id]).await?.remove(&id).unwrap_or_default();
    tx.emit(event(EventType::PartnershipUpdated, &updated, &partners));
    invitations::invite(&mut tx, &updated, &named).await?;
    tx.commit().await?;
    Ok(updated)
}

/// An event about a partnership, for its parties and staff: its region and partners by id, with whether each
/// confirmed taking part.
fn event(event_type: EventType, partnership: &partnership::Model, partners: &[partner::Model]) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::Partnership, partnership.id).payload(json!({
        "regionId": partnership.region_id.to_string(),
        "partners": partners.iter().map(|p| json!({
            "organisationId": p.organisation_id.to_string(),
            "side": p.side,
            "role": p.role.to_value(),
            "status": p.status.to_value(),
        })).collect::<Vec<_>>(),
    }))
}

/// The partnership `id` if the caller may see it; `NOT_FOUND` on the input's `id` otherwise.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    id: Uuid,
) -> AppResult<partnership::Model> {
    let mut select = partnership::Entity::find_by_id(id);
    if let Some(condition) = policy::visible_to(actor) {
        select = select.filter(condition);
    }
    select.one(db).await?.ok_or_else(|| AppError::not_found(&["id"], "partnership"))
}

/// The side as stored: upper case, `EL` taken for Greece.
fn normalised_side(side: &str) -> String {
    let side = side.trim().to_ascii_uppercase();
    if side == "EL" { "GR".to_owned() } else { side }
}

/// Makes the partners of partnership `id` the ones of `partners`: partners no longer named are removed, the
/// ones still named keep their confirmation (a change of side or role asks nothing again), and organisations
/// named for the first time start INVITED unless `principal` may confirm for them at once
/// (`invitations::confirms_at_once`). Returns the newly named partners.
async fn replace_partners(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    partners: &[PartnerInput],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<partner::Model>> {
    let existing = partner::Entity::find().filter(partner::Column::PartnershipId.eq(id)).all(db).await?;
    let named_ids: Vec<Uuid> = partners.iter().map(|p| p.organisation_id).collect();
    partner::Entity::delete_many()
        .filter(partner::Column::PartnershipId.eq(id))
        .filter(partner::Column::OrganisationId.is_not_in(named_ids.iter().copied()))
        .exec(db)
        .await?;
    let new_ids: Vec<Uuid> = named_ids
        .iter()
        .copied()
        .filter(|organisation_id| !existing.iter().any(|e| e.organisation_id == *organisation_id))
        .collect();
    let roles = organisations::roles_of_user(db, principal.user_id(), &new_ids).await?;
    let mut named = Vec::new();
    for input in partners {
        let side = normalised_side(&input.side);
        match existing.iter().find(|e| e.organisation_id == input.organisation_id) {
            Some(current) if current.side == side && current.role == input.role => {}
            Some(current) => {
                let mut active: partner::ActiveModel = current.clone().into();
                active.side = Set(side);
                active.role = Set(input.role);
                active.update(db).await?;
            }
            None => {
                let at_once = invitations::confirms_at_once(roles.get(&input.organisation_id).copied(), input.role);
                let answered_by = if at_once { principal.user_id() } else { None };
                let row = partner::ActiveModel {
                    partnership_id: Set(id),
                    organisation_id: Set(input.organisation_id),
                    side: Set(side),
                    role: Set(input.role),
                    created_at: Set(now),
                    status: Set(if at_once { PartnerStatus::Confirmed } else { PartnerStatus::Invited }),
                    invited_by: Set(principal.user_id()),
                    answered_by: Set(answered_by),
                    answered_at: Set(at_once.then_some(now)),
                };
                named.push(row.insert(db).await?);
            }
        }
    }
    Ok(named)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<partnership::Model> {
    partnership::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found(&["id"], "partnership"))
}

pub async fn partnerships_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<partnership::Model>> {
    Ok(partnership::Entity::find().filter(partnership::Column::Id.is_in(ids.iter().copied())).all(db).await?)
}

/// The partnerships of several regions that `actor` may see, in one statement, each region's by name; every
/// region asked for has an entry (empty when none is visible).
pub async fn partnerships_of_regions(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    region_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<partnership::Model>>> {
    let mut map: HashMap<Uuid, Vec<partnership::Model>> = region_ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in partnership::Entity::find()
        .filter(partnership::Column::RegionId.is_in(region_ids.iter().copied()))
        .filter(policy::read_filter(actor))
        .order_by_asc(partnership::Column::Name)
        .order_by_asc(partnership::Column::Id)
        .all(db)
        .await?
    {
        map.entry(row.region_id).or_default().push(row);
    }
    Ok(map)
}

/// The partners of several partnerships in one statement, lead first then by side.
pub async fn partners_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<partner::Model>>> {
    partners_as(db, ids, |p: &partner::Model| p.partnership_id).await
}

/// A partner as the API shows it: who stands for which side in what role, and where the invitation stands; not who
/// invited or answered (what the write path reads). Pages of partnerships read partners this way, seven columns of
/// nine.
#[derive(Debug, Clone, DerivePartialModel)]
#[sea_orm(entity = "partner::Entity")]
pub struct ListedPartner {
    pub partnership_id: Uuid,
    pub organisation_id: Uuid,
    pub side: String,
    pub role: PartnerRole,
    pub status: PartnerStatus,
    pub created_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
}

impl From<partner::Model> for ListedPartner {
    fn from(p: partner::Model) -> Self {
        Self {
            partnership_id: p.partnership_id,
            organisation_id: p.organisation_id,
            side: p.side,
            role: p.role,
            status: p.status,
            created_at: p.created_at,
            answered_at: p.answered_at,
        }
    }
}

/// As `partners_of`, with the columns the API shows.
pub async fn listed_partners_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<ListedPartner>>> {
    partners_as(db, ids, |p: &ListedPartner| p.partnership_id).await
}

/// The partners of several partnerships as `P` (the whole row or fewer columns), grouped by `partnership_of`.
async fn partners_as<P: PartialModelTrait + Send + Sync>(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    partnership_of: fn(&P) -> Uuid,
) -> AppResult<HashMap<Uuid, Vec<P>>> {
    let mut map: HashMap<Uuid, Vec<P>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in partner::Entity::find()
        .filter(partner::Column::PartnershipId.is_in(ids.iter().copied()))
        .order_by_asc(partner::Column::Role)
        .order_by_asc(partner::Column::Side)
        .order_by_asc(partner::Column::OrganisationId)
        .into_partial_model::<P>()
        .all(db)
        .await?
    {
        map.entry(partnership_of(&row)).or_default().push(row);
    }
    Ok(map)
}

/// Partnerships visible to the caller, by name; `mine` keeps only the caller's own.
pub async fn list_partnerships(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    region: Option<Uuid>,
    page: &PageRequest,
) -> AppResult<Page<partnership::Model>> {
    let mut select = partnership::Entity::find();
    if let Some(condition) = policy::visible_to(principal) {
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
    if let Some(condition) = policy::visible_to(principal) {
        select = select.filter(condition);
    }
    Ok(select.all(db).await?.into_iter().map(|p| p.id).collect())
}

/// The organisations of the partners, whole (the application check reads their NUTS areas).
pub async fn organisations_of_partners(
    db: &impl ConnectionTrait,
    partners: &[partner::Model],
) -> AppResult<Vec<organisation::Model>> {
    let ids: Vec<Uuid> = partners.iter().map(|p| p.organisation_id).collect();
    organisations::organisations_by_id(db, &ids).await
}
