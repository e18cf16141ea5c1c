//! Experts selected by the OECD to coach pilot regions: their profiles (`profile`), the fixed vocabularies of
//! expertise and language levels (`vocabulary`), the expert call and vetting (`call`), explainable matching with
//! pilot regions (`matching`) and assignments (`assignments`). Rule 7 of the domain applies: experts are matched
//! only when approved, available, free of conflict of interest and speaking a language of a side of the region.

pub mod assignments;
pub mod call;
pub mod matching;
pub mod personal_data;
pub mod policy;
pub mod profile;
pub mod vocabulary;

pub use vocabulary::{CefrLevel, Expertise, ExpertiseKind};

use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::NodeType;
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entity::expert_assignment::{self, AssignmentStatus};
use entity::{
    expert_conflict, expert_country, expert_expertise, expert_language, expert_profile, expert_unavailability,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// A language an expert speaks, at a CEFR level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageSkill {
    pub language: String,
    pub level: CefrLevel,
}

/// A period (inclusive dates) in which an expert is not available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Period {
    /// Days of `self` that fall in `other`.
    pub fn overlap_days(&self, other: &Period) -> i64 {
        let start = Ord::max(self.starts_on, other.starts_on);
        let end = Ord::min(self.ends_on, other.ends_on);
        if end < start { 0 } else { (end - start).num_days() + 1 }
    }

    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }
}

/// The lists of a profile and the days its active assignments hold.
#[derive(Debug, Clone, Default)]
pub struct ExpertDetails {
    pub expertise: Vec<Expertise>,
    pub countries: Vec<String>,
    pub languages: Vec<LanguageSkill>,
    pub unavailable: Vec<Period>,
    pub conflicts: Vec<Uuid>,
    /// Planned days a month of proposed and accepted assignments.
    pub committed_days: i32,
}

impl ExpertDetails {
    /// The level at which the expert speaks `language`, if at all.
    pub fn level_in(&self, language: &str) -> Option<CefrLevel> {
        self.languages.iter().find(|l| l.language == language).map(|l| l.level)
    }
}

/// The profile of `expert_id`; `NOT_FOUND` on `field` when there is none.
pub async fn find_profile(db: &impl ConnectionTrait, expert_id: Uuid, field: &str) -> AppResult<expert_profile::Model> {
    expert_profile::Entity::find_by_id(expert_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(&[field], "expert profile"))
}

/// Locks the expert's profile row for the rest of the transaction (a no-op update, like `lock_event`), so that
/// commands holding the expert's days run one after the other; the profile as it stands under the lock.
pub async fn lock_profile(txn: &DatabaseTransaction, expert_id: Uuid, field: &str) -> AppResult<expert_profile::Model> {
    let locked = expert_profile::Entity::update_many()
        .col_expr(expert_profile::Column::DaysPerMonth, Expr::col(expert_profile::Column::DaysPerMonth))
        .filter(expert_profile::Column::UserId.eq(expert_id))
        .exec(txn)
        .await?;
    if locked.rows_affected != 1 {
        return Err(AppError::not_found(&[field], "expert profile"));
    }
    find_profile(txn, expert_id, field).await
}

pub async fn profiles_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<expert_profile::Model>> {
    Ok(expert_profile::Entity::find().filter(expert_profile::Column::UserId.is_in(ids.iter().copied())).all(db).await?)
}

/// The details of several profiles in six statements, whatever their number.
pub async fn details_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, ExpertDetails>> {
    let mut details: HashMap<Uuid, ExpertDetails> = ids.iter().map(|id| (*id, ExpertDetails::default())).collect();
    let of = |ids: &[Uuid]| ids.to_vec();
    for row in expert_expertise::Entity::find().filter(expert_expertise::Column::UserId.is_in(of(ids))).all(db).await? {
        if let Some(area) = Expertise::parse(&row.area) {
            details.entry(row.user_id).or_default().expertise.push(area);
        }
    }
    for row in expert_country::Entity::find()
        .filter(expert_country::Column::UserId.is_in(of(ids)))
        .order_by_asc(expert_country::Column::CountryCode)
        .all(db)
        .await?
    {
        details.entry(row.user_id).or_default().countries.push(row.country_code);
    }
    for row in expert_language::Entity::find()
        .filter(expert_language::Column::UserId.is_in(of(ids)))
        .order_by_asc(expert_language::Column::LanguageCode)
        .all(db)
        .await?
    {
        if let Some(level) = CefrLevel::parse(&row.level) {
            details
                .entry(row.user_id)
                .or_default()
                .languages
                .push(LanguageSkill { language: row.language_code, level });
        }
    }
    for row in expert_unavailability::Entity::find()
        .filter(expert_unavailability::Column::UserId.is_in(of(ids)))
        .order_by_asc(expert_unavailability::Column::StartsOn)
        .all(db)
        .await?
    {
        details
            .entry(row.user_id)
            .or_default()
            .unavailable
            .push(Period { starts_on: row.starts_on, ends_on: row.ends_on });
    }
    for row in expert_conflict::Entity::find().filter(expert_conflict::Column::UserId.is_in(of(ids))).all(db).await? {
        details.entry(row.user_id).or_default().conflicts.push(row.organisation_id);
    }
    for (expert_id, days) in committed_days(db, ids).await? {
        details.entry(expert_id).or_default().committed_days = days;
    }
    for detail in details.values_mut() {
        detail.expertise.sort();
    }
    Ok(details)
}

/// The planned days a month held by the active assignments of each expert.
pub async fn committed_days(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, i32>> {
    let rows: Vec<(Uuid, Option<i64>)> = expert_assignment::Entity::find()
        .select_only()
        .column(expert_assignment::Column::ExpertId)
        .column_as(Expr::col(expert_assignment::Column::PlannedDays).sum(), "days")
        .filter(expert_assignment::Column::ExpertId.is_in(ids.iter().copied()))
        .filter(expert_assignment::Column::Status.is_in(AssignmentStatus::ACTIVE))
        .group_by(expert_assignment::Column::ExpertId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, days)| (id, i32::try_from(days.unwrap_or(0)).unwrap_or(i32::MAX))).collect())
}

/// An event about a profile, for the expert and staff.
fn profile_event(event_type: EventType, profile: &expert_profile::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::ExpertProfile, profile.user_id)
        .payload(json!({ "status": profile.status.to_value() }))
}

/// An event about an assignment, for its expert and staff: the expert, region, role, days and status.
fn assignment_event(event_type: EventType, assignment: &expert_assignment::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::ExpertAssignment, assignment.id).payload(json!({
        "expertId": assignment.expert_id.to_string(),
        "regionId": assignment.region_id.to_string(),
        "role": assignment.role.to_value(),
        "plannedDays": assignment.planned_days,
        "status": assignment.status.to_value(),
    }))
}
