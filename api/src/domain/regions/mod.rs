//! Cross-border regions: a territory of 2 or 3 eligible countries (its sides), the NUTS regions it covers and
//! the Interreg programmes covering it. Applicants create candidates; status changes come from selection (or staff).

pub mod policy;

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate, paginate_as};
use crate::domain::partnerships::{self, PartnershipsOfPage};
use crate::domain::places::eligible_country;
use crate::domain::reference::CountryCode;
use crate::domain::unit_of_work::Write;
use crate::domain::values::{Checks, PersonName};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::cross_border_region::{self, RegionStatus};
use entity::{interreg_programme, nuts_region, region_country, region_nuts, region_programme};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QueryResult, QuerySelect, Select, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct RegionInput {
    pub name: String,
    pub description: String,
    pub countries: Vec<String>,
    pub nuts_regions: Vec<String>,
    pub population: Option<i64>,
    pub area_km2: Option<f64>,
    pub programmes: Vec<Uuid>,
    /// Only staff may set it; applicants' regions are candidates.
    pub status: Option<RegionStatus>,
}

/// The sides and areas of regions, by region id.
#[derive(Debug, Clone, Default)]
pub struct RegionParts {
    pub countries: Vec<String>,
    pub nuts: Vec<String>,
    pub programmes: Vec<Uuid>,
}

struct Checked {
    name: String,
    description: String,
    countries: Vec<String>,
    nuts: Vec<String>,
}

async fn check(db: &impl ConnectionTrait, input: &RegionInput) -> AppResult<Checked> {
    let mut checks = Checks::default();
    let name = checks.take(PersonName::parse_max("name", &input.name, 255).map(PersonName::into_string));
    let description = input.description.trim().to_owned();
    let mut countries: Vec<entity::country::Model> = Vec::new();
    for (index, raw) in input.countries.iter().enumerate() {
        let field = index.to_string();
        if let Some(country) = checks.take(eligible_country(db, &["countries", &field], raw).await?)
            && !countries.iter().any(|c| c.code == country.code)
        {
            countries.push(country);
        }
    }
    if unique_count(&input.countries) != input.countries.len() {
        checks.push(UserError::new(&["countries"], UserErrorCode::Invalid, "name each country once"));
    } else if !(2..=3).contains(&input.countries.len()) {
        checks.push(UserError::new(
            &["countries"],
            UserErrorCode::Invalid,
            "a cross-border region spans two or three distinct countries",
        ));
    }
    let codes: Vec<String> = input.nuts_regions.iter().map(|c| c.trim().to_ascii_uppercase()).collect();
    let found: Vec<nuts_region::Model> =
        nuts_region::Entity::find().filter(nuts_region::Column::Code.is_in(codes.clone())).all(db).await?;
    let mut nuts = Vec::new();
    for (index, code) in codes.iter().enumerate() {
        let field = index.to_string();
        match found.iter().find(|r| &r.code == code) {
            None => checks.push(UserError::new(
                &["nutsRegions", &field],
                UserErrorCode::NotFound,
                format!("there is no NUTS region {code}"),
            )),
            Some(region) if !countries.iter().any(|c| c.nuts_code == region.nuts_country) => {
                checks.push(UserError::new(
                    &["nutsRegions", &field],
                    UserErrorCode::Invalid,
                    format!("{code} does not lie in a country of the region"),
                ))
            }
            Some(_) => {
                if !nuts.contains(code) {
                    nuts.push(code.clone());
                }
            }
        }
    }
    if input.population.is_some_and(|p| p < 0) {
        checks.push(UserError::new(&["population"], UserErrorCode::Invalid, "the population cannot be negative"));
    }
    if input.area_km2.is_some_and(|a| !a.is_finite() || a < 0.0) {
        checks.push(UserError::new(&["areaKm2"], UserErrorCode::Invalid, "the area cannot be negative"));
    }
    let known = interreg_programme::Entity::find()
        .filter(interreg_programme::Column::Id.is_in(input.programmes.iter().copied()))
        .all(db)
        .await?;
    for (index, id) in input.programmes.iter().enumerate() {
        if !known.iter().any(|p| p.id == *id) {
            let field = index.to_string();
            checks.push(UserError::new(
                &["programmeIds", &field],
                UserErrorCode::NotFound,
                "no such Interreg programme",
            ));
        }
    }
    checks.finish()?;
    let Some(name) = name else { return Err(AppError::Internal(anyhow::anyhow!("checked region lost its name"))) };
    Ok(Checked { name, description, countries: countries.into_iter().map(|c| c.code).collect(), nuts })
}

fn unique_count(values: &[String]) -> usize {
    let mut all: Vec<String> = values.iter().map(|v| v.trim().to_ascii_uppercase()).collect();
    all.sort();
    all.dedup();
    all.len()
}

/// Creates a region. Applicants' regions are CANDIDATE; staff may give another status.
pub async fn create_region(
    services: &Services,
    actor: Option<&Principal>,
    input: &RegionInput,
) -> AppResult<cross_border_region::Model> {
    let principal = policy::can_create(actor, input.status)?;
    let status = input.status.unwrap_or(RegionStatus::Candidate);
    let mut tx = services.write(Some(principal)).await?;
    let checked = check(&*tx, input).await?;
    let now = tx.now();
    let region = cross_border_region::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(checked.name),
        description: Set(checked.description),
        population: Set(input.population),
        area_km2: Set(input.area_km2),
        status: Set(status),
        created_by: Set(principal.id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    replace_parts(&*tx, region.id, &checked.countries, &checked.nuts, &input.programmes).await?;
    tx.emit(event(EventType::RegionCreated, &region).payload(json!({
        "status": region.status.to_value(),
        "countries": checked.countries,
    })));
    tx.commit().await?;
    Ok(region)
}

/// Corrects a region: its creator while it is a candidate, staff always. Only staff change the status.
pub async fn update_region(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    input: &RegionInput,
) -> AppResult<cross_border_region::Model> {
    crate::domain::policy::require_principal(actor)?;
    let mut tx = services.write(actor).await?;
    let existing = find(&*tx, id).await?;
    policy::can_update(actor, &existing, input.status)?;
    let checked = check(&*tx, input).await?;
    let mut active: cross_border_region::ActiveModel = existing.clone().into();
    active.name = Set(checked.name);
    active.description = Set(checked.description);
    active.population = Set(input.population);
    active.area_km2 = Set(input.area_km2);
    active.status = Set(input.status.unwrap_or(existing.status));
    active.updated_at = Set(tx.now());
    let region = active.update(&*tx).await?;
    replace_parts(&*tx, id, &checked.countries, &checked.nuts, &input.programmes).await?;
    tx.emit(event(EventType::RegionUpdated, &region).payload(json!({
        "status": region.status.to_value(),
        "countries": checked.countries,
    })));
    if region.status != existing.status {
        tx.emit(status_changed(&region, existing.status));
    }
    tx.commit().await?;
    Ok(region)
}

/// Pilot and alumni regions are public, and so are their events; a candidate's events go to its parties.
fn event(event_type: EventType, region: &cross_border_region::Model) -> DomainEvent {
    let visibility = if policy::is_public(region.status) { Visibility::Public } else { Visibility::Parties };
    DomainEvent::new(event_type, NodeType::CrossBorderRegion, region.id).visibility(visibility)
}

fn status_changed(region: &cross_border_region::Model, from: RegionStatus) -> DomainEvent {
    event(EventType::RegionStatusChanged, region)
        .payload(json!({ "from": from.to_value(), "to": region.status.to_value() }))
}

async fn replace_parts(
    db: &impl ConnectionTrait,
    id: Uuid,
    countries: &[String],
    nuts: &[String],
    programmes: &[Uuid],
) -> AppResult<()> {
    region_country::Entity::delete_many().filter(region_country::Column::RegionId.eq(id)).exec(db).await?;
    region_nuts::Entity::delete_many().filter(region_nuts::Column::RegionId.eq(id)).exec(db).await?;
    region_programme::Entity::delete_many().filter(region_programme::Column::RegionId.eq(id)).exec(db).await?;
    if !countries.is_empty() {
        region_country::Entity::insert_many(
            countries
                .iter()
                .map(|code| region_country::ActiveModel { region_id: Set(id), country_code: Set(code.clone()) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    if !nuts.is_empty() {
        region_nuts::Entity::insert_many(
            nuts.iter().map(|code| region_nuts::ActiveModel { region_id: Set(id), nuts_code: Set(code.clone()) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    let mut unique: Vec<Uuid> = programmes.to_vec();
    unique.sort();
    unique.dedup();
    if !unique.is_empty() {
        region_programme::Entity::insert_many(
            unique.iter().map(|p| region_programme::ActiveModel { region_id: Set(id), programme_id: Set(*p) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<cross_border_region::Model> {
    cross_border_region::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(&["id"], "cross-border region"))
}

/// The regions among `ids` that `actor` may read (see `policy::read_filter`).
pub async fn visible_by_id(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    ids: &[Uuid],
) -> AppResult<Vec<cross_border_region::Model>> {
    Ok(cross_border_region::Entity::find()
        .filter(cross_border_region::Column::Id.is_in(ids.iter().copied()))
        .filter(policy::read_filter(actor))
        .all(db)
        .await?)
}

pub async fn regions_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<cross_border_region::Model>> {
    Ok(cross_border_region::Entity::find()
        .filter(cross_border_region::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The sides, NUTS regions and programmes of several regions, in three statements.
pub async fn parts_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, RegionParts>> {
    let mut parts: HashMap<Uuid, RegionParts> = ids.iter().map(|id| (*id, RegionParts::default())).collect();
    for row in region_country::Entity::find()
        .filter(region_country::Column::RegionId.is_in(ids.iter().copied()))
        .order_by_asc(region_country::Column::CountryCode)
        .all(db)
        .await?
    {
        parts.entry(row.region_id).or_default().countries.push(row.country_code);
    }
    for row in region_nuts::Entity::find()
        .filter(region_nuts::Column::RegionId.is_in(ids.iter().copied()))
        .order_by_asc(region_nuts::Column::NutsCode)
        .all(db)
        .await?
    {
        parts.entry(row.region_id).or_default().nuts.push(row.nuts_code);
    }
    for row in region_programme::Entity::find()
        .filter(region_programme::Column::RegionId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        parts.entry(row.region_id).or_default().programmes.push(row.programme_id);
    }
    Ok(parts)
}

/// What a list of regions is filtered by (each filter when given).
#[derive(Debug, Clone, Default)]
pub struct RegionFilter {
    pub status: Option<RegionStatus>,
    /// A country among the region's sides.
    pub country: Option<CountryCode>,
    /// An Interreg programme covering the region.
    pub programme: Option<Uuid>,
}

/// Regions by name, filtered.
pub async fn list_regions(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    filter: &RegionFilter,
    page: &PageRequest,
) -> AppResult<Page<cross_border_region::Model>> {
    let select = filtered(db, actor, filter).await?;
    paginate(db, select, BY_NAME, |r| (r.name.clone(), r.id), SortOrder::Ascending, page).await
}

/// As `list_regions`, with the partnerships of the page's regions that `actor` may see and their partners: on
/// SQLite in the page's own statement (`partnerships::partnerships_as_json`), on PostgreSQL in three more.
pub async fn list_regions_with_partnerships(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    filter: &RegionFilter,
    page: &PageRequest,
) -> AppResult<(Page<cross_border_region::Model>, PartnershipsOfPage)> {
    if db.get_database_backend() != DbBackend::Sqlite {
        let page = list_regions(db, actor, filter, page).await?;
        let ids: Vec<Uuid> = page.items.iter().map(|(_, r)| r.id).collect();
        return Ok((page, partnerships::partnerships_of_regions_with_partners(db, actor, &ids).await?));
    }
    let select = filtered(db, actor, filter).await?;
    let with_json = |select: Select<cross_border_region::Entity>| {
        select.expr_as(partnerships::partnerships_as_json(actor), "partnerships")
    };
    let key = |r: &WithPartnerships| (r.region.name.clone(), r.region.id);
    let rows = paginate_as(db, select, with_json, BY_NAME, key, SortOrder::Ascending, page).await?;
    let mut partnerships = PartnershipsOfPage::default();
    for (_, row) in &rows.items {
        partnerships.add_region(row.region.id, &row.partnerships)?;
    }
    Ok((rows.map(|row| row.region), partnerships))
}

/// The order of lists of regions (unique).
const BY_NAME: (cross_border_region::Column, cross_border_region::Column) =
    (cross_border_region::Column::Name, cross_border_region::Column::Id);

/// A region's row with its `partnerships::partnerships_as_json`.
struct WithPartnerships {
    region: cross_border_region::Model,
    partnerships: String,
}

impl FromQueryResult for WithPartnerships {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            region: cross_border_region::Model::from_query_result(row, pre)?,
            partnerships: row.try_get(pre, "partnerships")?,
        })
    }
}

/// The regions `actor` may read, filtered.
async fn filtered(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    filter: &RegionFilter,
) -> AppResult<Select<cross_border_region::Entity>> {
    let mut select = cross_border_region::Entity::find().filter(policy::read_filter(actor));
    if let Some(programme) = filter.programme {
        select = select.filter(
            cross_border_region::Column::Id.in_subquery(
                Query::select()
                    .column(region_programme::Column::RegionId)
                    .from(region_programme::Entity)
                    .and_where(region_programme::Column::ProgrammeId.eq(programme))
                    .to_owned(),
            ),
        );
    }
    if let Some(status) = filter.status {
        select = select.filter(cross_border_region::Column::Status.eq(status));
    }
    if let Some(code) = &filter.country {
        let iso = match crate::domain::reference::find_country(db, code).await? {
            Some(country) => country.code,
            None => code.as_str().to_owned(),
        };
        select = select.filter(
            cross_border_region::Column::Id.in_subquery(
                Query::select()
                    .column(region_country::Column::RegionId)
                    .from(region_country::Entity)
                    .and_where(region_country::Column::CountryCode.eq(iso))
                    .to_owned(),
            ),
        );
    }
    Ok(select)
}

/// Sets a region's status inside `tx` (selection makes it a pilot), with its event when it changes.
pub async fn set_status(tx: &mut Write, id: Uuid, status: RegionStatus) -> AppResult<()> {
    let existing = find(&**tx, id).await?;
    if existing.status == status {
        return Ok(());
    }
    let mut active: cross_border_region::ActiveModel = existing.clone().into();
    active.status = Set(status);
    active.updated_at = Set(tx.now());
    let region = active.update(&**tx).await?;
    tx.emit(status_changed(&region, existing.status));
    Ok(())
}
