//! The structured Article 32 content of a strategy version: engagement activities and the SWOT (replaced as
//! lists with the version's texts), and objectives with their targets and actions, LAG members and the lines of
//! the financial plan, each added, updated (with the revision the editor saw) and removed one by one.

use super::{StrategyView, conflict, decimal, open_draft, optional_text, policy, required, touch};
use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::EventType;
use crate::domain::unit_of_work::Write;
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use chrono::NaiveDate;
use entity::strategy_engagement::{self, EngagementKind};
use entity::strategy_finance_line::{self, FundingSource};
use entity::strategy_lag_member::{self, InterestGroup};
use entity::strategy_swot_item::{self, SwotCategory};
use entity::{
    interreg_programme, organisation, strategy_action, strategy_objective, strategy_target, strategy_translation,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Everything a version holds besides its texts, each list in order.
#[derive(Debug, Clone, Default)]
pub struct StrategyContent {
    pub engagements: Vec<strategy_engagement::Model>,
    pub swot: Vec<strategy_swot_item::Model>,
    pub objectives: Vec<strategy_objective::Model>,
    pub targets: Vec<strategy_target::Model>,
    pub actions: Vec<strategy_action::Model>,
    pub lag_members: Vec<strategy_lag_member::Model>,
    pub finance_lines: Vec<strategy_finance_line::Model>,
    pub translations: Vec<strategy_translation::Model>,
}

macro_rules! by_version {
    ($db:expr, $ids:expr, $m:ident) => {
        $m::Entity::find()
            .filter($m::Column::VersionId.is_in($ids.iter().copied()))
            .order_by_asc($m::Column::Position)
            .order_by_asc($m::Column::Id)
            .all($db)
            .await?
    };
}

/// The content of these versions: one statement per table, whatever their number.
pub async fn content_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, StrategyContent>> {
    let mut all: HashMap<Uuid, StrategyContent> = ids.iter().map(|id| (*id, StrategyContent::default())).collect();
    if ids.is_empty() {
        return Ok(all);
    }
    for row in by_version!(db, ids, strategy_engagement) {
        all.entry(row.version_id).or_default().engagements.push(row);
    }
    for row in by_version!(db, ids, strategy_swot_item) {
        all.entry(row.version_id).or_default().swot.push(row);
    }
    for row in by_version!(db, ids, strategy_objective) {
        all.entry(row.version_id).or_default().objectives.push(row);
    }
    for row in by_version!(db, ids, strategy_target) {
        all.entry(row.version_id).or_default().targets.push(row);
    }
    for row in by_version!(db, ids, strategy_action) {
        all.entry(row.version_id).or_default().actions.push(row);
    }
    for row in by_version!(db, ids, strategy_lag_member) {
        all.entry(row.version_id).or_default().lag_members.push(row);
    }
    for row in by_version!(db, ids, strategy_finance_line) {
        all.entry(row.version_id).or_default().finance_lines.push(row);
    }
    let translations = strategy_translation::Entity::find()
        .filter(strategy_translation::Column::VersionId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for row in translations {
        all.entry(row.version_id).or_default().translations.push(row);
    }
    Ok(all)
}

#[derive(Debug, Clone)]
pub struct EngagementInput {
    pub held_on: NaiveDate,
    pub kind: EngagementKind,
    pub participants: i32,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct SwotInput {
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    pub opportunities: Vec<String>,
    pub threats: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ObjectiveInput {
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct TargetInput {
    pub indicator: String,
    pub baseline: Option<String>,
    pub target_value: Option<String>,
    pub unit: Option<String>,
    pub target_date: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct ActionInput {
    pub title: String,
    pub description: String,
    pub responsible_organisation: Option<Uuid>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub budget: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LagMemberInput {
    pub organisation: Option<Uuid>,
    pub name: Option<String>,
    pub interest_group: InterestGroup,
    pub voting_share: String,
}

#[derive(Debug, Clone)]
pub struct FinanceLineInput {
    pub source: FundingSource,
    pub programme: Option<Uuid>,
    pub year: i32,
    pub amount: String,
}

/// Replaces the engagement activities and the SWOT of a version inside `tx` (after its texts' revision check).
pub(crate) async fn replace_lists(
    tx: &Write,
    version_id: Uuid,
    engagements: Option<&[EngagementInput]>,
    swot: Option<&SwotInput>,
) -> AppResult<()> {
    if let Some(list) = engagements {
        let mut errors = Vec::new();
        for (index, item) in list.iter().enumerate() {
            let at = index.to_string();
            if item.participants < 0 {
                errors.push(UserError::new(
                    &["engagementActivities", &at, "participants"],
                    UserErrorCode::Invalid,
                    "cannot be negative",
                ));
            }
            if let Err(e) = required(&["engagementActivities", &at, "description"], &item.description, 2000) {
                errors.push(e);
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Rejected(errors));
        }
        strategy_engagement::Entity::delete_many()
            .filter(strategy_engagement::Column::VersionId.eq(version_id))
            .exec(&**tx)
            .await?;
        for (index, item) in list.iter().enumerate() {
            strategy_engagement::ActiveModel {
                id: Set(Uuid::now_v7()),
                version_id: Set(version_id),
                position: Set(index as i32),
                revision: Set(1),
                held_on: Set(item.held_on),
                kind: Set(item.kind),
                participants: Set(item.participants),
                description: Set(item.description.trim().to_owned()),
            }
            .insert(&**tx)
            .await?;
        }
    }
    if let Some(swot) = swot {
        let lists = [
            ("strengths", SwotCategory::Strength, &swot.strengths),
            ("weaknesses", SwotCategory::Weakness, &swot.weaknesses),
            ("opportunities", SwotCategory::Opportunity, &swot.opportunities),
            ("threats", SwotCategory::Threat, &swot.threats),
        ];
        let mut errors = Vec::new();
        let mut rows = Vec::new();
        for (field, category, items) in lists {
            for (index, text) in items.iter().enumerate() {
                match required(&["swot", field, &index.to_string()], text, 2000) {
                    Ok(text) => rows.push((category, index, text)),
                    Err(e) => errors.push(e),
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Rejected(errors));
        }
        strategy_swot_item::Entity::delete_many()
            .filter(strategy_swot_item::Column::VersionId.eq(version_id))
            .exec(&**tx)
            .await?;
        for (category, index, text) in rows {
            strategy_swot_item::ActiveModel {
                id: Set(Uuid::now_v7()),
                version_id: Set(version_id),
                position: Set(index as i32),
                revision: Set(1),
                category: Set(category),
                text: Set(text),
            }
            .insert(&**tx)
            .await?;
        }
    }
    Ok(())
}

fn check_objective(input: &ObjectiveInput) -> AppResult<(String, String)> {
    let mut errors = Vec::new();
    let title = required(&["title"], &input.title, 300).map_err(|e| errors.push(e)).ok();
    let description = optional_text(&["description"], &Some(input.description.clone()), super::MAX_TEXT)
        .map_err(|e| errors.push(e))
        .ok();
    match (title, description) {
        (Some(title), Some(description)) if errors.is_empty() => Ok((title, description.unwrap_or_default())),
        _ => Err(AppError::Rejected(errors)),
    }
}

struct CheckedTarget {
    indicator: String,
    baseline: Option<String>,
    target_value: Option<String>,
    unit: Option<String>,
}

fn check_target(input: &TargetInput) -> AppResult<CheckedTarget> {
    let mut errors = Vec::new();
    let indicator = required(&["indicator"], &input.indicator, 300).map_err(|e| errors.push(e)).ok();
    let mut number = |field: &str, value: &Option<String>| match crate::domain::values::blank_to_none(value) {
        None => None,
        // Indicator values keep the precision they are given in: "3" stays "3", "2.50" becomes "2.5".
        Some(v) => decimal(&[field], &v, 4)
            .map(|(n, _)| n.trim_end_matches('0').trim_end_matches('.').to_owned())
            .map_err(|e| errors.push(e))
            .ok(),
    };
    let baseline = number("baseline", &input.baseline);
    let target_value = number("targetValue", &input.target_value);
    let unit = optional_text(&["unit"], &input.unit, 50).map_err(|e| errors.push(e)).ok().flatten();
    match indicator {
        Some(indicator) if errors.is_empty() => Ok(CheckedTarget { indicator, baseline, target_value, unit }),
        _ => Err(AppError::Rejected(errors)),
    }
}

struct CheckedAction {
    title: String,
    description: String,
    budget: Option<String>,
}

async fn check_action(db: &impl ConnectionTrait, input: &ActionInput) -> AppResult<CheckedAction> {
    let mut errors = Vec::new();
    let title = required(&["title"], &input.title, 300).map_err(|e| errors.push(e)).ok();
    let description = optional_text(&["description"], &Some(input.description.clone()), super::MAX_TEXT)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let budget = match crate::domain::values::blank_to_none(&input.budget) {
        None => None,
        Some(v) => decimal(&["budget"], &v, 2).map(|(n, _)| n).map_err(|e| errors.push(e)).ok(),
    };
    if let (Some(start), Some(end)) = (input.starts_on, input.ends_on)
        && end < start
    {
        errors.push(UserError::new(&["endsOn"], UserErrorCode::Invalid, "an action ends after it starts"));
    }
    if let Some(id) = input.responsible_organisation
        && organisation::Entity::find_by_id(id).one(db).await?.is_none()
    {
        errors.push(UserError::new(&["responsibleOrganisationId"], UserErrorCode::NotFound, "no such organisation"));
    }
    match title {
        Some(title) if errors.is_empty() => {
            Ok(CheckedAction { title, description: description.unwrap_or_default(), budget })
        }
        _ => Err(AppError::Rejected(errors)),
    }
}

async fn check_member(db: &impl ConnectionTrait, input: &LagMemberInput) -> AppResult<(Option<String>, String)> {
    let mut errors = Vec::new();
    let name = optional_text(&["name"], &input.name, 300).map_err(|e| errors.push(e)).ok().flatten();
    if name.is_none() && input.organisation.is_none() {
        errors.push(UserError::new(&["name"], UserErrorCode::Required, "name the member or give its organisation"));
    }
    if let Some(id) = input.organisation
        && organisation::Entity::find_by_id(id).one(db).await?.is_none()
    {
        errors.push(UserError::new(&["organisationId"], UserErrorCode::NotFound, "no such organisation"));
    }
    let share = decimal(&["votingShare"], &input.voting_share, 2).map_err(|e| errors.push(e)).ok();
    if let Some((_, hundredths)) = share
        && hundredths > 10_000
    {
        errors.push(UserError::new(&["votingShare"], UserErrorCode::Invalid, "a voting share is at most 100 %"));
    }
    match share {
        Some((share, _)) if errors.is_empty() => Ok((name, share)),
        _ => Err(AppError::Rejected(errors)),
    }
}

async fn check_line(db: &impl ConnectionTrait, input: &FinanceLineInput) -> AppResult<String> {
    let mut errors = Vec::new();
    let amount = decimal(&["amount"], &input.amount, 2).map_err(|e| errors.push(e)).ok();
    if !(2021..=2040).contains(&input.year) {
        errors.push(UserError::new(&["year"], UserErrorCode::Invalid, "a year between 2021 and 2040"));
    }
    match (input.source, input.programme) {
        (FundingSource::InterregProgramme, None) => {
            errors.push(UserError::new(&["programmeId"], UserErrorCode::Required, "name the Interreg programme"))
        }
        (FundingSource::InterregProgramme, Some(id)) => {
            if interreg_programme::Entity::find_by_id(id).one(db).await?.is_none() {
                errors.push(UserError::new(&["programmeId"], UserErrorCode::NotFound, "no such Interreg programme"));
            }
        }
        (_, Some(_)) => errors.push(UserError::new(
            &["programmeId"],
            UserErrorCode::Invalid,
            "only a line funded by an Interreg programme names one",
        )),
        (_, None) => {}
    }
    match amount {
        Some((amount, _)) if errors.is_empty() => Ok(amount),
        _ => Err(AppError::Rejected(errors)),
    }
}

/// Applies a guarded update of a content row: only the row of this version still at `revision` changes;
/// otherwise NOT_FOUND (no such row in the draft) or CONFLICT (somebody changed it meanwhile).
macro_rules! guarded_update {
    ($m:ident, $tx:expr, $active:expr, $id:expr, $version:expr, $revision:expr, $what:literal) => {{
        let mut active = $active;
        active.revision = Set($revision + 1);
        let changed = $m::Entity::update_many()
            .set(active)
            .filter($m::Column::Id.eq($id))
            .filter($m::Column::VersionId.eq($version))
            .filter($m::Column::Revision.eq($revision))
            .exec(&*$tx)
            .await?;
        if changed.rows_affected != 1 {
            return Err(stale_or_missing(
                $m::Entity::find_by_id($id)
                    .filter($m::Column::VersionId.eq($version))
                    .one(&*$tx)
                    .await?
                    .map(|r| r.revision),
                $what,
            ));
        }
    }};
}

macro_rules! guarded_delete {
    ($m:ident, $tx:expr, $id:expr, $version:expr, $revision:expr, $what:literal) => {{
        let removed = $m::Entity::delete_many()
            .filter($m::Column::Id.eq($id))
            .filter($m::Column::VersionId.eq($version))
            .filter($m::Column::Revision.eq($revision))
            .exec(&*$tx)
            .await?;
        if removed.rows_affected != 1 {
            return Err(stale_or_missing(
                $m::Entity::find_by_id($id)
                    .filter($m::Column::VersionId.eq($version))
                    .one(&*$tx)
                    .await?
                    .map(|r| r.revision),
                $what,
            ));
        }
    }};
}

fn stale_or_missing(current: Option<i32>, what: &str) -> AppError {
    match current {
        None => AppError::not_found(&["id"], what),
        Some(revision) => conflict("revision", revision),
    }
}

/// The next position in a list of a version.
macro_rules! next_position {
    ($m:ident, $tx:expr, $version:expr) => {
        $m::Entity::find().filter($m::Column::VersionId.eq($version)).count(&*$tx).await? as i32
    };
}

/// The objective `id` of the draft `version_id`; NOT_FOUND on `field` otherwise.
async fn objective_in(tx: &Write, version_id: Uuid, id: Uuid, field: &str) -> AppResult<strategy_objective::Model> {
    strategy_objective::Entity::find_by_id(id)
        .filter(strategy_objective::Column::VersionId.eq(version_id))
        .one(&**tx)
        .await?
        .ok_or_else(|| AppError::not_found(&[field], "objective"))
}

fn changed(part: &str, change: &str, item: Uuid) -> serde_json::Value {
    json!({ "part": part, "change": change, "itemId": item.to_string() })
}

/// What an item command does to the draft of `strategy_id`.
pub enum ItemChange<I> {
    Add { parent: Option<Uuid>, input: I },
    Update { id: Uuid, revision: i32, input: I },
    Remove { id: Uuid, revision: i32 },
}

impl<I> ItemChange<I> {
    fn name(&self) -> &'static str {
        match self {
            ItemChange::Add { .. } => "added",
            ItemChange::Update { .. } => "updated",
            ItemChange::Remove { .. } => "removed",
        }
    }
}

/// Adds, updates or removes an objective (removing one removes its targets and actions).
pub async fn change_objective(
    services: &Services,
    actor: Option<&Principal>,
    strategy_id: Uuid,
    change: ItemChange<ObjectiveInput>,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let checked = match &change {
        ItemChange::Add { input, .. } | ItemChange::Update { input, .. } => Some(check_objective(input)?),
        ItemChange::Remove { .. } => None,
    };
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = open_draft(&tx, principal, strategy_id, "strategyId").await?;
    let item = match (&change, checked) {
        (ItemChange::Add { .. }, Some((title, description))) => {
            let id = Uuid::now_v7();
            strategy_objective::ActiveModel {
                id: Set(id),
                version_id: Set(version.id),
                position: Set(next_position!(strategy_objective, tx, version.id)),
                revision: Set(1),
                title: Set(title),
                description: Set(description),
            }
            .insert(&*tx)
            .await?;
            id
        }
        (ItemChange::Update { id, revision, .. }, Some((title, description))) => {
            let active = strategy_objective::ActiveModel {
                title: Set(title),
                description: Set(description),
                ..Default::default()
            };
            guarded_update!(strategy_objective, tx, active, *id, version.id, *revision, "objective");
            *id
        }
        (ItemChange::Remove { id, revision }, _) => {
            strategy_target::Entity::delete_many()
                .filter(strategy_target::Column::ObjectiveId.eq(*id))
                .exec(&*tx)
                .await?;
            strategy_action::Entity::delete_many()
                .filter(strategy_action::Column::ObjectiveId.eq(*id))
                .exec(&*tx)
                .await?;
            guarded_delete!(strategy_objective, tx, *id, version.id, *revision, "objective");
            *id
        }
        _ => return Err(AppError::Internal(anyhow::anyhow!("objective input lost"))),
    };
    let details = changed("objective", change.name(), item);
    let view = touch(&mut tx, strategy, version, EventType::StrategyContentChanged, details).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adds (to the objective `parent`), updates or removes a target.
pub async fn change_target(
    services: &Services,
    actor: Option<&Principal>,
    strategy_id: Uuid,
    change: ItemChange<TargetInput>,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let checked = match &change {
        ItemChange::Add { input, .. } | ItemChange::Update { input, .. } => Some(check_target(input)?),
        ItemChange::Remove { .. } => None,
    };
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = open_draft(&tx, principal, strategy_id, "strategyId").await?;
    let date = match &change {
        ItemChange::Add { input, .. } | ItemChange::Update { input, .. } => input.target_date,
        ItemChange::Remove { .. } => None,
    };
    let item = match (&change, checked) {
        (ItemChange::Add { parent, .. }, Some(t)) => {
            let objective = objective_in(&tx, version.id, parent.unwrap_or_default(), "objectiveId").await?;
            let id = Uuid::now_v7();
            strategy_target::ActiveModel {
                id: Set(id),
                version_id: Set(version.id),
                position: Set(next_position!(strategy_target, tx, version.id)),
                revision: Set(1),
                objective_id: Set(objective.id),
                indicator: Set(t.indicator),
                baseline: Set(t.baseline),
                target_value: Set(t.target_value),
                unit: Set(t.unit),
                target_date: Set(date),
            }
            .insert(&*tx)
            .await?;
            id
        }
        (ItemChange::Update { id, revision, .. }, Some(t)) => {
            let active = strategy_target::ActiveModel {
                indicator: Set(t.indicator),
                baseline: Set(t.baseline),
                target_value: Set(t.target_value),
                unit: Set(t.unit),
                target_date: Set(date),
                ..Default::default()
            };
            guarded_update!(strategy_target, tx, active, *id, version.id, *revision, "target");
            *id
        }
        (ItemChange::Remove { id, revision }, _) => {
            guarded_delete!(strategy_target, tx, *id, version.id, *revision, "target");
            *id
        }
        _ => return Err(AppError::Internal(anyhow::anyhow!("target input lost"))),
    };
    let details = changed("target", change.name(), item);
    let view = touch(&mut tx, strategy, version, EventType::StrategyContentChanged, details).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adds (to the objective `parent`), updates or removes a planned action.
pub async fn change_action(
    services: &Services,
    actor: Option<&Principal>,
    strategy_id: Uuid,
    change: ItemChange<ActionInput>,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let checked = match &change {
        ItemChange::Add { input, .. } | ItemChange::Update { input, .. } => {
            Some((check_action(&*tx, input).await?, input.clone()))
        }
        ItemChange::Remove { .. } => None,
    };
    let (strategy, version) = open_draft(&tx, principal, strategy_id, "strategyId").await?;
    let item = match (&change, checked) {
        (ItemChange::Add { parent, .. }, Some((a, input))) => {
            let objective = objective_in(&tx, version.id, parent.unwrap_or_default(), "objectiveId").await?;
            let id = Uuid::now_v7();
            strategy_action::ActiveModel {
                id: Set(id),
                version_id: Set(version.id),
                position: Set(next_position!(strategy_action, tx, version.id)),
                revision: Set(1),
                objective_id: Set(objective.id),
                title: Set(a.title),
                description: Set(a.description),
                responsible_organisation_id: Set(input.responsible_organisation),
                starts_on: Set(input.starts_on),
                ends_on: Set(input.ends_on),
                budget: Set(a.budget),
            }
            .insert(&*tx)
            .await?;
            id
        }
        (ItemChange::Update { id, revision, .. }, Some((a, input))) => {
            let active = strategy_action::ActiveModel {
                title: Set(a.title),
                description: Set(a.description),
                responsible_organisation_id: Set(input.responsible_organisation),
                starts_on: Set(input.starts_on),
                ends_on: Set(input.ends_on),
                budget: Set(a.budget),
                ..Default::default()
            };
            guarded_update!(strategy_action, tx, active, *id, version.id, *revision, "action");
            *id
        }
        (ItemChange::Remove { id, revision }, _) => {
            guarded_delete!(strategy_action, tx, *id, version.id, *revision, "action");
            *id
        }
        _ => return Err(AppError::Internal(anyhow::anyhow!("action input lost"))),
    };
    let details = changed("action", change.name(), item);
    let view = touch(&mut tx, strategy, version, EventType::StrategyContentChanged, details).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adds, updates or removes a member of the local action group.
pub async fn change_lag_member(
    services: &Services,
    actor: Option<&Principal>,
    strategy_id: Uuid,
    change: ItemChange<LagMemberInput>,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let checked = match &change {
        ItemChange::Add { input, .. } | ItemChange::Update { input, .. } => {
            Some((check_member(&*tx, input).await?, input.clone()))
        }
        ItemChange::Remove { .. } => None,
    };
    let (strategy, version) = open_draft(&tx, principal, strategy_id, "strategyId").await?;
    let item = match (&change, checked) {
        (ItemChange::Add { .. }, Some(((name, share), input))) => {
            let id = Uuid::now_v7();
            strategy_lag_member::ActiveModel {
                id: Set(id),
                version_id: Set(version.id),
                position: Set(next_position!(strategy_lag_member, tx, version.id)),
                revision: Set(1),
                organisation_id: Set(input.organisation),
                name: Set(name),
                interest_group: Set(input.interest_group),
                voting_share: Set(share),
            }
            .insert(&*tx)
            .await?;
            id
        }
        (ItemChange::Update { id, revision, .. }, Some(((name, share), input))) => {
            let active = strategy_lag_member::ActiveModel {
                organisation_id: Set(input.organisation),
                name: Set(name),
                interest_group: Set(input.interest_group),
                voting_share: Set(share),
                ..Default::default()
            };
            guarded_update!(strategy_lag_member, tx, active, *id, version.id, *revision, "LAG member");
            *id
        }
        (ItemChange::Remove { id, revision }, _) => {
            guarded_delete!(strategy_lag_member, tx, *id, version.id, *revision, "LAG member");
            *id
        }
        _ => return Err(AppError::Internal(anyhow::anyhow!("member input lost"))),
    };
    let details = changed("lagMember", change.name(), item);
    let view = touch(&mut tx, strategy, version, EventType::StrategyContentChanged, details).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adds, updates or removes a line of the financial plan (EUR).
pub async fn change_finance_line(
    services: &Services,
    actor: Option<&Principal>,
    strategy_id: Uuid,
    change: ItemChange<FinanceLineInput>,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let checked = match &change {
        ItemChange::Add { input, .. } | ItemChange::Update { input, .. } => {
            Some((check_line(&*tx, input).await?, input.clone()))
        }
        ItemChange::Remove { .. } => None,
    };
    let (strategy, version) = open_draft(&tx, principal, strategy_id, "strategyId").await?;
    let item = match (&change, checked) {
        (ItemChange::Add { .. }, Some((amount, input))) => {
            let id = Uuid::now_v7();
            strategy_finance_line::ActiveModel {
                id: Set(id),
                version_id: Set(version.id),
                position: Set(next_position!(strategy_finance_line, tx, version.id)),
                revision: Set(1),
                source: Set(input.source),
                programme_id: Set(input.programme),
                year: Set(input.year),
                amount: Set(amount),
                currency: Set("EUR".to_owned()),
            }
            .insert(&*tx)
            .await?;
            id
        }
        (ItemChange::Update { id, revision, .. }, Some((amount, input))) => {
            let active = strategy_finance_line::ActiveModel {
                source: Set(input.source),
                programme_id: Set(input.programme),
                year: Set(input.year),
                amount: Set(amount),
                ..Default::default()
            };
            guarded_update!(strategy_finance_line, tx, active, *id, version.id, *revision, "financial plan line");
            *id
        }
        (ItemChange::Remove { id, revision }, _) => {
            guarded_delete!(strategy_finance_line, tx, *id, version.id, *revision, "financial plan line");
            *id
        }
        _ => return Err(AppError::Internal(anyhow::anyhow!("line input lost"))),
    };
    let details = changed("financeLine", change.name(), item);
    let view = touch(&mut tx, strategy, version, EventType::StrategyContentChanged, details).await?;
    tx.commit().await?;
    Ok(view)
}

/// Copies the content of version `from` into the new version `to` (an amendment), with new ids.
pub(crate) async fn copy_content(tx: &Write, from: Uuid, to: Uuid) -> AppResult<()> {
    let content = content_of(&**tx, &[from]).await?.remove(&from).unwrap_or_default();
    let mut ids: HashMap<Uuid, Uuid> = HashMap::from([(from, to)]);
    for row in content.engagements {
        strategy_engagement::ActiveModel {
            id: Set(Uuid::now_v7()),
            version_id: Set(to),
            revision: Set(1),
            ..row.into()
        }
        .insert(&**tx)
        .await?;
    }
    for row in content.swot {
        strategy_swot_item::ActiveModel {
            id: Set(Uuid::now_v7()),
            version_id: Set(to),
            revision: Set(1),
            ..row.into()
        }
        .insert(&**tx)
        .await?;
    }
    for row in content.objectives {
        let id = Uuid::now_v7();
        ids.insert(row.id, id);
        strategy_objective::ActiveModel { id: Set(id), version_id: Set(to), revision: Set(1), ..row.into() }
            .insert(&**tx)
            .await?;
    }
    for row in content.targets {
        let objective = ids.get(&row.objective_id).copied().unwrap_or(row.objective_id);
        strategy_target::ActiveModel {
            id: Set(Uuid::now_v7()),
            version_id: Set(to),
            revision: Set(1),
            objective_id: Set(objective),
            ..row.into()
        }
        .insert(&**tx)
        .await?;
    }
    for row in content.actions {
        let id = Uuid::now_v7();
        ids.insert(row.id, id);
        let objective = ids.get(&row.objective_id).copied().unwrap_or(row.objective_id);
        strategy_action::ActiveModel {
            id: Set(id),
            version_id: Set(to),
            revision: Set(1),
            objective_id: Set(objective),
            ..row.into()
        }
        .insert(&**tx)
        .await?;
    }
    for row in content.lag_members {
        strategy_lag_member::ActiveModel {
            id: Set(Uuid::now_v7()),
            version_id: Set(to),
            revision: Set(1),
            ..row.into()
        }
        .insert(&**tx)
        .await?;
    }
    for row in content.finance_lines {
        strategy_finance_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            version_id: Set(to),
            revision: Set(1),
            ..row.into()
        }
        .insert(&**tx)
        .await?;
    }
    for row in content.translations {
        let subject = ids.get(&row.subject_id).copied().unwrap_or(row.subject_id);
        strategy_translation::ActiveModel { version_id: Set(to), subject_id: Set(subject), ..row.into() }
            .insert(&**tx)
            .await?;
    }
    Ok(())
}
