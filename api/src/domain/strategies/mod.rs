//! CLLD strategies (issue 9): one per cross-border region, with versions. A version holds the Article 32
//! content (texts here; objectives, targets, actions, LAG members and the financial plan in `content`), moves
//! along the workflow in `workflow`, is checked by `check`, and has translations (`translations`).
//! Every change takes a stamp from the strategy clock (`stamp`): `updated_at` strictly increases in commit
//! order, so `(updated_at, id)` is a sync cursor that never misses or repeats a change.

pub mod check;
pub mod comments;
pub mod content;
pub mod export;
pub mod personal_data;
pub mod policy;
pub mod translations;
pub mod workflow;

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::regions;
use crate::domain::unit_of_work::Write;
use crate::domain::values::{LanguageCode, blank_to_none};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::cross_border_region::RegionStatus;
use entity::strategy::{self, StrategyStatus};
use entity::{region_country, strategy_clock, strategy_version};
use policy::Access;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Longest text of a strategy section, in characters.
pub const MAX_TEXT: usize = 20_000;

/// A strategy as one caller sees it: the strategy, the version in view and how much the caller may see.
#[derive(Debug, Clone)]
pub struct StrategyView {
    pub strategy: strategy::Model,
    pub version: strategy_version::Model,
    pub access: Access,
}

/// The texts of a version; `None` leaves a text as it is, a blank text clears it.
#[derive(Debug, Clone, Default)]
pub struct StrategyTexts {
    pub title: Option<String>,
    pub area_description: Option<String>,
    pub population: Option<i64>,
    pub area_km2: Option<String>,
    pub community_involvement: Option<String>,
    pub needs_analysis: Option<String>,
    pub management: Option<String>,
    pub monitoring: Option<String>,
    pub main_language: Option<String>,
    /// Replaces the engagement activities.
    pub engagements: Option<Vec<content::EngagementInput>>,
    /// Replaces the SWOT analysis.
    pub swot: Option<content::SwotInput>,
}

/// A text of at most `max` characters without control characters (line breaks and tabs allowed); blank is absent.
pub fn optional_text(field: &[&str], value: &Option<String>, max: usize) -> Result<Option<String>, UserError> {
    let text = blank_to_none(value);
    if let Some(text) = &text {
        if text.chars().count() > max {
            return Err(UserError::new(field, UserErrorCode::Invalid, format!("longer than {max} characters")));
        }
        if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(UserError::new(field, UserErrorCode::Invalid, "contains control characters"));
        }
    }
    Ok(text)
}

/// A required text (see [`optional_text`]).
pub fn required(field: &[&str], value: &str, max: usize) -> Result<String, UserError> {
    optional_text(field, &Some(value.to_owned()), max)?
        .ok_or_else(|| UserError::new(field, UserErrorCode::Required, "must not be blank"))
}

/// A non-negative decimal with at most `scale` decimals and 12 integer digits, normalised (`"1200.5"` → `"1200.50"`
/// for scale 2); its value in units of 10^-scale.
pub fn decimal(field: &[&str], raw: &str, scale: usize) -> Result<(String, i128), UserError> {
    let invalid = || {
        UserError::new(
            field,
            UserErrorCode::Invalid,
            format!("`{raw}` is not a decimal number with at most {scale} decimals"),
        )
    };
    let text = raw.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || whole.len() > 12
        || fraction.len() > scale
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (text.contains('.') && fraction.is_empty())
    {
        return Err(invalid());
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let padded = format!("{fraction:0<scale$}");
    let normalised = if scale == 0 { whole.to_owned() } else { format!("{whole}.{padded}") };
    let units: i128 = format!("{whole}{padded}").parse().map_err(|_| invalid())?;
    Ok((normalised, units))
}

/// Takes the next stamp of the strategy clock inside `tx`. The clock's row is written first, so strategy changes
/// are serialised (a row lock on PostgreSQL, the write lock on SQLite) and stamps strictly increase in commit order.
pub async fn stamp(tx: &Write) -> AppResult<DateTime<Utc>> {
    strategy_clock::Entity::update_many()
        .col_expr(strategy_clock::Column::Ticks, Expr::col(strategy_clock::Column::Ticks).add(1))
        .filter(strategy_clock::Column::Id.eq(1))
        .exec(&**tx)
        .await?;
    let clock = strategy_clock::Entity::find_by_id(1)
        .one(&**tx)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the strategy clock row is missing")))?;
    let now = tx.now().trunc_subsecs(3);
    let stamp = match clock.last_stamp {
        Some(last) if last >= now => last + Duration::milliseconds(1),
        _ => now,
    };
    strategy_clock::Entity::update_many()
        .col_expr(strategy_clock::Column::LastStamp, Expr::value(stamp))
        .filter(strategy_clock::Column::Id.eq(1))
        .exec(&**tx)
        .await?;
    Ok(stamp)
}

/// The event of a change to `strategy`: public once a version is published (the public sees that version),
/// for its parties otherwise.
pub(crate) fn event(
    event_type: EventType,
    strategy: &strategy::Model,
    version: &strategy_version::Model,
) -> DomainEvent {
    let visibility = if strategy.published_version_id.is_some() && version.status == StrategyStatus::Published {
        Visibility::Public
    } else {
        Visibility::Parties
    };
    DomainEvent::new(event_type, NodeType::Strategy, strategy.id).visibility(visibility).payload(json!({
        "regionId": strategy.region_id.to_string(),
        "versionId": version.id.to_string(),
        "version": version.number,
        "status": version.status.to_value(),
        "revision": version.revision,
    }))
}

/// Starts the strategy of a pilot (or alumni) region (owners and editors of an organisation of one of its
/// partnerships): version 1, a DRAFT in `main_language`.
pub async fn create_strategy(
    services: &Services,
    actor: Option<&Principal>,
    region_id: Uuid,
    main_language: &str,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let language = LanguageCode::parse("mainLanguage", main_language).map_err(|e| AppError::Rejected(vec![e]))?;
    let mut tx = services.write(Some(principal)).await?;
    let region = regions::find(&*tx, region_id).await.map_err(|e| match e {
        AppError::Rejected(_) | AppError::NotFound(_) => AppError::not_found(&["regionId"], "region"),
        other => other,
    })?;
    policy::require_editor(&*tx, principal, region_id).await?;
    if region.status == RegionStatus::Candidate {
        return Err(AppError::invalid_state(
            &["regionId"],
            "strategies are drafted for pilot regions; this region is a candidate",
        ));
    }
    let stamp = stamp(&tx).await?;
    let (strategy_id, version_id) = (Uuid::now_v7(), Uuid::now_v7());
    let strategy = strategy::ActiveModel {
        id: Set(strategy_id),
        region_id: Set(region_id),
        current_version_id: Set(version_id),
        reviewed_version_id: Set(None),
        published_version_id: Set(None),
        status: Set(StrategyStatus::Draft),
        reviewed_status: Set(None),
        created_by: Set(principal.id),
        created_at: Set(stamp),
        updated_at: Set(stamp),
    }
    .insert(&*tx)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            AppError::rejected(&["regionId"], UserErrorCode::Taken, "this region already has a strategy")
        }
        _ => e.into(),
    })?;
    let version = strategy_version::ActiveModel {
        id: Set(version_id),
        strategy_id: Set(strategy_id),
        number: Set(1),
        status: Set(StrategyStatus::Draft),
        revision: Set(1),
        main_language: Set(language.into_string()),
        title: Set(None),
        area_description: Set(None),
        population: Set(None),
        area_km2: Set(None),
        community_involvement: Set(None),
        needs_analysis: Set(None),
        management: Set(None),
        monitoring: Set(None),
        created_by: Set(principal.id),
        created_at: Set(stamp),
        updated_at: Set(stamp),
        submitted_at: Set(None),
        adopted_at: Set(None),
        published_at: Set(None),
    }
    .insert(&*tx)
    .await?;
    workflow::record_move(&tx, &strategy, &version, None, None).await?;
    tx.emit(event(EventType::StrategyCreated, &strategy, &version));
    tx.commit().await?;
    Ok(StrategyView { strategy, version, access: Access::Full })
}

/// The strategy and its current version, for a write by an editor: NOT_FOUND when the caller may not see it,
/// FORBIDDEN when it may see but not edit it, INVALID_STATE unless the version is a DRAFT or CHANGES_REQUESTED.
pub(crate) async fn open_draft(
    tx: &Write,
    principal: &Principal,
    strategy_id: Uuid,
    field: &str,
) -> AppResult<(strategy::Model, strategy_version::Model)> {
    let strategy = find_visible(&**tx, Some(principal), strategy_id)
        .await
        .map_err(|e| crate::domain::applications::relabel(e, field))?
        .strategy;
    policy::require_editor(&**tx, principal, strategy.region_id).await?;
    let version = load_version(&**tx, strategy.current_version_id).await?;
    if !matches!(version.status, StrategyStatus::Draft | StrategyStatus::ChangesRequested) {
        return Err(AppError::invalid_state(
            &["id"],
            "only a draft (or a version sent back for changes) can be edited; amend an adopted strategy first",
        ));
    }
    Ok((strategy, version))
}

/// Records a change of `version` made inside `tx`: the next stamp on the strategy and the version, and its event
/// (with `details` added to the payload).
pub(crate) async fn touch(
    tx: &mut Write,
    strategy: strategy::Model,
    version: strategy_version::Model,
    event_type: EventType,
    details: serde_json::Value,
) -> AppResult<StrategyView> {
    let stamp = stamp(tx).await?;
    let mut active: strategy::ActiveModel = strategy.into();
    active.updated_at = Set(stamp);
    let strategy = active.update(&**tx).await?;
    let mut active: strategy_version::ActiveModel = version.into();
    active.updated_at = Set(stamp);
    let version = active.update(&**tx).await?;
    let mut emitted = event(event_type, &strategy, &version);
    if let (Some(payload), serde_json::Value::Object(details)) = (emitted.payload.as_object_mut(), details) {
        payload.extend(details);
    }
    tx.emit(emitted);
    Ok(StrategyView { strategy, version, access: Access::Full })
}

/// Edits the texts of the current draft, when `revision` is the version's revision (else CONFLICT, nothing written).
pub async fn update_strategy(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    revision: i32,
    texts: &StrategyTexts,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let mut active = <strategy_version::ActiveModel as Default>::default();
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &Option<String>, max: usize| match value {
        None => None,
        Some(_) => match optional_text(&[field], value, max) {
            Ok(text) => Some(text),
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    if let Some(v) = text("title", &texts.title, 300) {
        active.title = Set(v);
    }
    if let Some(v) = text("areaDescription", &texts.area_description, MAX_TEXT) {
        active.area_description = Set(v);
    }
    if let Some(v) = text("communityInvolvement", &texts.community_involvement, MAX_TEXT) {
        active.community_involvement = Set(v);
    }
    if let Some(v) = text("needsAnalysis", &texts.needs_analysis, MAX_TEXT) {
        active.needs_analysis = Set(v);
    }
    if let Some(v) = text("management", &texts.management, MAX_TEXT) {
        active.management = Set(v);
    }
    if let Some(v) = text("monitoring", &texts.monitoring, MAX_TEXT) {
        active.monitoring = Set(v);
    }
    if let Some(population) = texts.population {
        if population < 0 {
            errors.push(UserError::new(&["population"], UserErrorCode::Invalid, "the population cannot be negative"));
        }
        active.population = Set(Some(population));
    }
    if let Some(area) = &texts.area_km2 {
        match blank_to_none(&Some(area.clone())) {
            None => active.area_km2 = Set(None),
            Some(area) => match decimal(&["areaKm2"], &area, 2) {
                Ok((area, _)) => active.area_km2 = Set(Some(area)),
                Err(e) => errors.push(e),
            },
        }
    }
    if let Some(language) = &texts.main_language {
        match LanguageCode::parse("mainLanguage", language) {
            Ok(code) => active.main_language = Set(code.into_string()),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = open_draft(&tx, principal, id, "id").await?;
    active.revision = Set(revision + 1);
    let changed = strategy_version::Entity::update_many()
        .set(active)
        .filter(strategy_version::Column::Id.eq(version.id))
        .filter(strategy_version::Column::Revision.eq(revision))
        .exec(&*tx)
        .await?;
    if changed.rows_affected != 1 {
        return Err(conflict("revision", version.revision));
    }
    content::replace_lists(&tx, version.id, texts.engagements.as_deref(), texts.swot.as_ref()).await?;
    let version = load_version(&*tx, version.id).await?;
    let view = touch(&mut tx, strategy, version, EventType::StrategyUpdated, json!({})).await?;
    tx.commit().await?;
    Ok(view)
}

/// The answer to a write based on a stale revision: nothing was written.
pub fn conflict(field: &str, current: i32) -> AppError {
    AppError::rejected(
        &[field],
        UserErrorCode::Conflict,
        format!("somebody changed this meanwhile (revision {current}); reload, reapply your change and save again"),
    )
}

pub async fn load_version(db: &impl ConnectionTrait, id: Uuid) -> AppResult<strategy_version::Model> {
    strategy_version::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("strategy version {id} is missing")))
}

/// The strategy `id` as the caller sees it; NOT_FOUND on `id` when it does not exist or is not visible.
pub async fn find_visible(db: &impl ConnectionTrait, actor: Option<&Principal>, id: Uuid) -> AppResult<StrategyView> {
    views_by_id(db, actor, &[id]).await?.pop().ok_or_else(|| AppError::not_found(&["id"], "strategy"))
}

/// The strategies with these ids that the caller may see, with their versions in view (three statements).
pub async fn views_by_id(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    ids: &[Uuid],
) -> AppResult<Vec<StrategyView>> {
    let strategies = strategy::Entity::find()
        .filter(strategy::Column::Id.is_in(ids.iter().copied()))
        .filter(policy::read_filter(actor))
        .all(db)
        .await?;
    views(db, actor, strategies).await
}

/// The views of the strategies of these regions the caller may see, by region.
pub async fn views_by_region(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    region_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, StrategyView>> {
    let strategies = strategy::Entity::find()
        .filter(strategy::Column::RegionId.is_in(region_ids.iter().copied()))
        .filter(policy::read_filter(actor))
        .all(db)
        .await?;
    Ok(views(db, actor, strategies).await?.into_iter().map(|v| (v.strategy.region_id, v)).collect())
}

/// Attaches to each strategy the version the caller sees (dropping those it sees nothing of), in order.
pub async fn views(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    strategies: Vec<strategy::Model>,
) -> AppResult<Vec<StrategyView>> {
    if strategies.is_empty() {
        return Ok(Vec::new());
    }
    let access = policy::access_of(db, actor, &strategies).await?;
    let wanted: Vec<Uuid> =
        strategies.iter().filter_map(|s| access.get(&s.id).copied().unwrap_or(Access::None).version_id(s)).collect();
    let mut versions: HashMap<Uuid, strategy_version::Model> = strategy_version::Entity::find()
        .filter(strategy_version::Column::Id.is_in(wanted))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    Ok(strategies
        .into_iter()
        .filter_map(|strategy| {
            let access = access.get(&strategy.id).copied().unwrap_or(Access::None);
            let version = versions.remove(&access.version_id(&strategy)?)?;
            Some(StrategyView { strategy, version, access })
        })
        .collect())
}

/// Every version of a strategy the caller may see (its view's access decides which), oldest first.
pub async fn versions_of(db: &impl ConnectionTrait, view: &StrategyView) -> AppResult<Vec<strategy_version::Model>> {
    let mut select = strategy_version::Entity::find()
        .filter(strategy_version::Column::StrategyId.eq(view.strategy.id))
        .order_by_asc(strategy_version::Column::Number);
    select = match view.access {
        Access::Full => select,
        Access::Reviewed => select
            .filter(strategy_version::Column::Number.lte(view.version.number))
            .filter(strategy_version::Column::SubmittedAt.is_not_null()),
        _ => select.filter(strategy_version::Column::PublishedAt.is_not_null()),
    };
    Ok(select.all(db).await?)
}

/// Filters of the strategy list (and exports).
#[derive(Debug, Clone, Default)]
pub struct StrategyFilter {
    pub programmes: Option<Vec<Uuid>>,
    pub countries: Option<Vec<String>>,
    pub statuses: Option<Vec<StrategyStatus>>,
    /// Changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

/// Strategies the caller may see, by `(updated_at, id)` ascending: a stable sync order.
pub async fn list_strategies(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    filter: &StrategyFilter,
    page: &PageRequest,
) -> AppResult<Page<StrategyView>> {
    let mut select = strategy::Entity::find().filter(policy::read_filter(actor));
    if let Some(programmes) = &filter.programmes {
        select = select.filter(strategy::Column::RegionId.in_subquery(policy::programme_regions(programmes)));
    }
    if let Some(countries) = &filter.countries {
        select = select.filter(
            strategy::Column::RegionId.in_subquery(
                Query::select()
                    .column(region_country::Column::RegionId)
                    .from(region_country::Entity)
                    .and_where(region_country::Column::CountryCode.is_in(countries.iter().cloned()))
                    .to_owned(),
            ),
        );
    }
    if let Some(statuses) = &filter.statuses {
        select = select.filter(status_filter(actor, statuses));
    }
    if let Some(since) = filter.updated_since {
        select = select.filter(strategy::Column::UpdatedAt.gte(since));
    }
    let page = paginate(
        db,
        select,
        (strategy::Column::UpdatedAt, strategy::Column::Id),
        |s| (s.updated_at, s.id),
        SortOrder::Ascending,
        page,
    )
    .await?;
    let (cursors, strategies): (Vec<String>, Vec<strategy::Model>) = page.items.into_iter().unzip();
    let mut viewed: HashMap<Uuid, StrategyView> =
        views(db, actor, strategies.clone()).await?.into_iter().map(|v| (v.strategy.id, v)).collect();
    let items = cursors
        .into_iter()
        .zip(strategies)
        .filter_map(|(cursor, s)| viewed.remove(&s.id).map(|v| (cursor, v)))
        .collect();
    Ok(Page { items, has_previous: page.has_previous, has_next: page.has_next, total: page.total })
}

/// The status filter as a condition: on the current version for staff, members and assigned experts, on the
/// reviewed version for managing authorities, PUBLISHED for everybody.
fn status_filter(actor: Option<&Principal>, statuses: &[StrategyStatus]) -> sea_orm::Condition {
    use sea_orm::Condition;
    if actor.is_some_and(Principal::is_staff) {
        return Condition::all().add(strategy::Column::Status.is_in(statuses.iter().copied()));
    }
    let mut any = Condition::any();
    if statuses.contains(&StrategyStatus::Published) {
        any = any.add(strategy::Column::PublishedVersionId.is_not_null());
    }
    if let Some(user_id) = actor.and_then(Principal::user_id) {
        any = any.add(
            Condition::all()
                .add(policy::full_access_regions(user_id))
                .add(strategy::Column::Status.is_in(statuses.iter().copied())),
        );
    }
    if actor.is_some_and(|p| !p.programmes.is_empty()) {
        any = any.add(strategy::Column::ReviewedStatus.is_in(statuses.iter().copied()));
    }
    any
}
