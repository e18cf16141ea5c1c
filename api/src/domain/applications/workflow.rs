//! The application workflow (DOMAIN rules 2–4): DRAFT → SUBMITTED → (RETURNED → SUBMITTED) → ELIGIBLE |
//! INELIGIBLE → SELECTED | RESERVE | NOT_SELECTED, and WITHDRAWN before a decision. Every move is recorded
//! with actor, time and note, and mailed to the lead organisation's members, in the same transaction.

use crate::auth::Principal;
use crate::domain::applications::check::{self as application_check, Severity};
use crate::domain::applications::{event, find_visible, policy};
use crate::domain::calls::{self, CallStatus};
use crate::domain::domain_events::EventType;
use crate::domain::unit_of_work::Write;
use crate::domain::{Services, organisations, partnerships, regions};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::{OutgoingEmail, quote};
use entity::application::{self, ApplicationStatus};
use entity::cross_border_region::RegionStatus;
use entity::partner::PartnerRole;
use entity::{application_event, selection_lock};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

use ApplicationStatus::*;

/// Whether the workflow has a move from `from` to `to`.
pub fn allowed(from: ApplicationStatus, to: ApplicationStatus) -> bool {
    matches!(
        (from, to),
        (Draft | Returned, Submitted)
            | (Submitted, Returned | Eligible | Ineligible)
            | (Eligible | Reserve, Selected | NotSelected)
            | (Eligible, Reserve)
            | (Draft | Submitted | Returned | Eligible, Withdrawn)
    )
}

/// Which side of the programme makes a move to `to`: applicants draft, submit and withdraw; the secretariat
/// returns, assesses and decides (a move staff make for applicants is still the applicants' move).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    Applicant,
    Secretariat,
}

pub fn mover_of(to: ApplicationStatus) -> Mover {
    match to {
        Draft | Submitted | Withdrawn => Mover::Applicant,
        Returned | Eligible | Ineligible | Selected | Reserve | NotSelected => Mover::Secretariat,
    }
}

fn status_name(status: ApplicationStatus) -> &'static str {
    match status {
        Draft => "DRAFT",
        Submitted => "SUBMITTED",
        Returned => "RETURNED",
        Eligible => "ELIGIBLE",
        Ineligible => "INELIGIBLE",
        Selected => "SELECTED",
        Reserve => "RESERVE",
        NotSelected => "NOT_SELECTED",
        Withdrawn => "WITHDRAWN",
    }
}

fn invalid_state(from: ApplicationStatus, to: ApplicationStatus) -> AppError {
    AppError::rejected(
        &["id"],
        UserErrorCode::InvalidState,
        format!("an application that is {} cannot become {}", status_name(from), status_name(to)),
    )
}

/// The event type of a move to `to`.
fn event_type(to: ApplicationStatus) -> EventType {
    match to {
        Draft => EventType::ApplicationCreated,
        Submitted => EventType::ApplicationSubmitted,
        Returned => EventType::ApplicationReturned,
        Eligible | Ineligible => EventType::ApplicationEligibilityAssessed,
        Selected | Reserve | NotSelected => EventType::ApplicationDecided,
        Withdrawn => EventType::ApplicationWithdrawn,
    }
}

/// Moves an application inside `tx`: the status, a history row, the domain event, and a mail to the lead
/// organisation's members.
async fn move_to(
    tx: &mut Write,
    existing: application::Model,
    to: ApplicationStatus,
    note: Option<String>,
    change: impl FnOnce(&mut application::ActiveModel),
) -> AppResult<application::Model> {
    let from = existing.status;
    if !allowed(from, to) {
        return Err(invalid_state(from, to));
    }
    let actor = tx.actor().map(|p| p.id).ok_or(AppError::Unauthenticated)?;
    let now = tx.now();
    let id = existing.id;
    let partnership_id = existing.partnership_id;
    // Only the row still in `from` moves: two concurrent moves of one application cannot both succeed.
    let mut active: application::ActiveModel = existing.into();
    active.status = Set(to);
    active.updated_at = Set(now);
    change(&mut active);
    let moved = application::Entity::update_many()
        .set(active)
        .filter(application::Column::Id.eq(id))
        .filter(application::Column::Status.eq(from))
        .exec(&**tx)
        .await?;
    if moved.rows_affected != 1 {
        return Err(invalid_state(from, to));
    }
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    application_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(id),
        from_status: Set(Some(from)),
        to_status: Set(to),
        actor_id: Set(actor),
        note: Set(note.clone()),
        occurred_at: Set(now),
    }
    .insert(&**tx)
    .await?;
    notify_lead(tx, partnership_id, to, note.as_deref()).await?;
    let moved = load_any(&**tx, id).await?;
    let mut emitted = event(event_type(to), &moved);
    if let Some(payload) = emitted.payload.as_object_mut() {
        payload.insert("from".to_owned(), serde_json::Value::from(status_name(from)));
    }
    tx.emit(emitted);
    Ok(moved)
}

async fn notify_lead(tx: &mut Write, partnership_id: Uuid, to: ApplicationStatus, note: Option<&str>) -> AppResult<()> {
    let partnership = partnerships::find(&**tx, partnership_id).await?;
    let partners =
        partnerships::partners_of(&**tx, &[partnership_id]).await?.remove(&partnership_id).unwrap_or_default();
    let leads: Vec<Uuid> = partners.iter().filter(|p| p.role == PartnerRole::Lead).map(|p| p.organisation_id).collect();
    let frontend = tx.services().config.frontend_url.trim_end_matches('/').to_owned();
    for address in organisations::member_addresses(&**tx, &leads).await? {
        let note = note.map(|n| format!("\nThe programme's note:\n\n{}\n", quote(n))).unwrap_or_default();
        let text_body = format!(
            "Hello,\n\nthe application of this partnership is now {status}:\n\n{name}\n{note}\nFollow it at {frontend}/applications\n",
            name = quote(&partnership.name),
            status = status_name(to),
        );
        let mail = OutgoingEmail {
            to: address,
            subject: format!("IMPACT: your application is {}", status_name(to)),
            text_body,
            headers: Vec::new(),
        };
        tx.mail(mail).await?;
    }
    Ok(())
}

/// Loads an application the caller may edit as an applicant (owner or editor of the lead organisation);
/// `NOT_FOUND` when the caller may not see it.
async fn load_for_applicant(tx: &Write, actor: Option<&Principal>, id: Uuid) -> AppResult<application::Model> {
    let application = find_visible(&**tx, actor, id).await?;
    let partnership = partnerships::find(&**tx, application.partnership_id).await?;
    policy::can_edit(&**tx, actor, &partnership).await?;
    Ok(application)
}

async fn load_any(db: &impl ConnectionTrait, id: Uuid) -> AppResult<application::Model> {
    application::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found(&["id"], "application"))
}

/// Submits a draft or a returned application while its call is open and its check finds no error: a partner
/// whose organisation has not confirmed taking part answers `PARTNER_NOT_CONFIRMED`, any other error
/// `CHECK_FAILED`.
pub async fn submit(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<application::Model> {
    policy::can_apply(actor)?;
    let mut tx = services.write(actor).await?;
    let application = load_for_applicant(&tx, actor, id).await?;
    if !allowed(application.status, Submitted) {
        return Err(invalid_state(application.status, Submitted));
    }
    let call = calls::find(&*tx, application.call_id).await?;
    let now = tx.now();
    match calls::status_at(&call, now) {
        CallStatus::Open => {}
        CallStatus::Upcoming => {
            return Err(AppError::rejected(&["id"], UserErrorCode::CallClosed, "the call is not open yet"));
        }
        CallStatus::Closed => {
            return Err(AppError::rejected(
                &["id"],
                UserErrorCode::CallClosed,
                format!("the call closed at {} (UTC)", call.closes_at.format("%Y-%m-%d %H:%M:%S")),
            ));
        }
    }
    let problems = application_check::check(&*tx, &application).await?;
    let errors: Vec<UserError> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| UserError {
            field: std::iter::once("id".to_owned()).chain(p.field.iter().cloned()).collect(),
            message: p.message.clone(),
            code: if p.code.is_consent() { UserErrorCode::PartnerNotConfirmed } else { UserErrorCode::CheckFailed },
        })
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let moved = move_to(&mut tx, application, Submitted, None, |a| a.submitted_at = Set(Some(now))).await?;
    tx.commit().await?;
    Ok(moved)
}

/// Withdraws an application before a decision (its applicants).
pub async fn withdraw(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: Option<String>,
) -> AppResult<application::Model> {
    policy::can_apply(actor)?;
    let mut tx = services.write(actor).await?;
    let application = load_for_applicant(&tx, actor, id).await?;
    let moved = move_to(&mut tx, application, Withdrawn, note, |_| {}).await?;
    tx.commit().await?;
    Ok(moved)
}

/// Returns a submitted application for changes (staff, with a note).
pub async fn return_for_changes(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: &str,
) -> AppResult<application::Model> {
    let principal = policy::can_assess(actor)?;
    if note.trim().is_empty() {
        return Err(AppError::rejected(&["note"], UserErrorCode::Required, "say what needs to change"));
    }
    let mut tx = services.write(Some(principal)).await?;
    let application = load_any(&*tx, id).await?;
    let moved = move_to(&mut tx, application, Returned, Some(note.to_owned()), |_| {}).await?;
    tx.commit().await?;
    Ok(moved)
}

/// Records the eligibility check (staff): SUBMITTED → ELIGIBLE or INELIGIBLE, with the reasons.
pub async fn record_eligibility(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    passed: bool,
    reasons: &[String],
) -> AppResult<application::Model> {
    let principal = policy::can_assess(actor)?;
    let reasons: Vec<String> = reasons.iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
    if !passed && reasons.is_empty() {
        return Err(AppError::rejected(&["reasons"], UserErrorCode::Required, "give the reasons of an ineligibility"));
    }
    let mut tx = services.write(Some(principal)).await?;
    let application = load_any(&*tx, id).await?;
    let to = if passed { Eligible } else { Ineligible };
    let note = (!reasons.is_empty()).then(|| reasons.join("; "));
    let stored = serde_json::to_string(&reasons).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let moved = move_to(&mut tx, application, to, note, |a| {
        a.eligibility_passed = Set(Some(passed));
        a.eligibility_reasons = Set(Some(stored));
    })
    .await?;
    tx.commit().await?;
    Ok(moved)
}

/// Records the quality assessment (staff) of an eligible application: a score for each configured criterion.
pub async fn record_quality(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    scores: &[(String, i32)],
    comment: Option<String>,
) -> AppResult<application::Model> {
    let principal = policy::can_assess(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let application = load_any(&*tx, id).await?;
    if !matches!(application.status, Eligible | Reserve) {
        return Err(AppError::rejected(
            &["id"],
            UserErrorCode::InvalidState,
            "only an eligible application (or one in reserve) is assessed for quality",
        ));
    }
    let criteria = &services.config.programme.assessment_criteria;
    let mut errors = Vec::new();
    let mut recorded = BTreeMap::new();
    for (index, (name, score)) in scores.iter().enumerate() {
        let at = index.to_string();
        match criteria.iter().find(|c| c.name == *name) {
            None => errors.push(UserError::new(
                &["scores", &at, "criterion"],
                UserErrorCode::Invalid,
                format!("{name} is not a criterion"),
            )),
            Some(c) if !(0..=c.max_score).contains(score) => errors.push(UserError::new(
                &["scores", &at, "score"],
                UserErrorCode::Invalid,
                format!("{name} is scored from 0 to {}", c.max_score),
            )),
            Some(_) => {
                recorded.insert(name.clone(), *score);
            }
        }
    }
    for criterion in criteria.iter() {
        if !scores.iter().any(|(name, _)| *name == criterion.name) {
            errors.push(UserError::new(&["scores"], UserErrorCode::Required, format!("score {}", criterion.name)));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let mut active: application::ActiveModel = application.into();
    active.quality_scores =
        Set(Some(serde_json::to_string(&recorded).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?));
    active.quality_comment = Set(comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()));
    active.updated_at = Set(tx.now());
    let assessed = active.update(&*tx).await?;
    let mut emitted = event(EventType::ApplicationQualityAssessed, &assessed);
    if let Some(payload) = emitted.payload.as_object_mut() {
        payload.insert("total".to_owned(), serde_json::Value::from(recorded.values().sum::<i32>()));
    }
    tx.emit(emitted);
    tx.commit().await?;
    Ok(assessed)
}

/// Decides on an assessed application (staff): SELECTED, RESERVE or NOT_SELECTED. Selections stay within
/// the call's maximum and the programme-wide maximum, even when staff decide at the same moment: the
/// decision first updates the one `selection_lock` row (a row lock on PostgreSQL, the write lock on SQLite),
/// then counts and moves in the same transaction. A selected application makes its region a pilot.
pub async fn decide(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    decision: ApplicationStatus,
    note: Option<String>,
) -> AppResult<application::Model> {
    let principal = policy::can_assess(actor)?;
    if !matches!(decision, Selected | Reserve | NotSelected) {
        return Err(AppError::rejected(
            &["decision"],
            UserErrorCode::Invalid,
            "decide SELECTED, RESERVE or NOT_SELECTED",
        ));
    }
    let mut tx = services.write(Some(principal)).await?;
    if decision == Selected {
        selection_lock::Entity::update_many()
            .col_expr(selection_lock::Column::Decisions, Expr::col(selection_lock::Column::Decisions).add(1))
            .filter(selection_lock::Column::Id.eq(1))
            .exec(&*tx)
            .await?;
    }
    let application = load_any(&*tx, id).await?;
    if !allowed(application.status, decision) {
        return Err(invalid_state(application.status, decision));
    }
    if application.eligibility_passed != Some(true) || application.quality_scores.is_none() {
        return Err(AppError::rejected(
            &["id"],
            UserErrorCode::AssessmentMissing,
            "record the eligibility check and the quality assessment first",
        ));
    }
    if decision == Selected {
        let maximum = services.config.programme.max_pilot_regions;
        let selected = application::Entity::find().filter(application::Column::Status.eq(Selected)).count(&*tx).await?;
        if selected >= u64::from(maximum) {
            return Err(AppError::rejected(
                &["decision"],
                UserErrorCode::LimitReached,
                format!("{selected} pilot regions are selected: the programme takes at most {maximum}"),
            ));
        }
        let call = calls::find(&*tx, application.call_id).await?;
        let in_call = application::Entity::find()
            .filter(application::Column::Status.eq(Selected))
            .filter(application::Column::CallId.eq(call.id))
            .count(&*tx)
            .await?;
        if in_call >= u64::try_from(call.max_selections).unwrap_or(0) {
            return Err(AppError::rejected(
                &["decision"],
                UserErrorCode::LimitReached,
                format!("this call selects at most {}", call.max_selections),
            ));
        }
    }
    let partnership_id = application.partnership_id;
    let moved = move_to(&mut tx, application, decision, note, |_| {}).await?;
    if decision == Selected {
        let partnership = partnerships::find(&*tx, partnership_id).await?;
        regions::set_status(&mut tx, partnership.region_id, RegionStatus::Pilot).await?;
    }
    tx.commit().await?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_only_its_moves() {
        assert!(allowed(Draft, Submitted));
        assert!(allowed(Returned, Submitted));
        assert!(allowed(Submitted, Returned));
        assert!(allowed(Eligible, Selected));
        assert!(allowed(Reserve, Selected));
        assert!(!allowed(Draft, Eligible));
        assert!(!allowed(Submitted, Selected));
        assert!(!allowed(Selected, Withdrawn));
        assert!(!allowed(Ineligible, Selected));
        assert!(!allowed(Withdrawn, Submitted));
    }
}
