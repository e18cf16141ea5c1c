//! The expert call: an expert applies to a published, open `EXPERTS` call with a short statement once the
//! profile is complete; staff vet the application (APPROVED, or REJECTED with a reason), and the expert is
//! mailed the decision. Only approved experts are matched and assigned.

use super::{ExpertDetails, details_of, lock_profile, policy, profile_event};
use crate::auth::Principal;
use crate::domain::applications::relabel;
use crate::domain::calls::{self, CallStatus};
use crate::domain::domain_events::EventType;
use crate::domain::values::{Checks, blank_to_none, required_text};
use crate::domain::{Services, accounts};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::{OutgoingEmail, quote};
use entity::call::CallKind;
use entity::expert_profile::{self, ExpertStatus};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

/// What a profile needs before its expert may apply: each problem on the profile's field.
pub fn profile_problems(profile: &expert_profile::Model, details: &ExpertDetails) -> Vec<UserError> {
    let mut problems = Vec::new();
    let mut missing = |field: &str, message: &str| {
        problems.push(UserError::new(&["profile", field], UserErrorCode::Required, message));
    };
    if profile.biography.trim().is_empty() {
        missing("biography", "write a short biography");
    }
    if details.expertise.is_empty() {
        missing("expertise", "name at least one area of expertise");
    }
    if details.languages.is_empty() {
        missing("languages", "name the languages you work in, with their level");
    }
    if profile.days_per_month < 1 {
        missing("daysPerMonth", "say how many days a month you can give");
    }
    problems
}

/// The caller (an expert with a complete profile) applies to the expert call `call_id` with a short statement.
pub async fn apply(
    services: &Services,
    actor: Option<&Principal>,
    call_id: Uuid,
    statement: &str,
) -> AppResult<expert_profile::Model> {
    let principal = policy::can_act_as_expert(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut tx = services.write(Some(principal)).await?;
    let call = calls::find(&*tx, call_id).await.map_err(|e| relabel(e, "callId"))?;
    if !calls::policy::can_read(Some(principal), &call) {
        return Err(AppError::not_found(&["callId"], "call"));
    }
    let mut checks = Checks::default();
    if call.kind != CallKind::Experts {
        checks.push(UserError::new(&["callId"], UserErrorCode::Invalid, "this call is for pilot regions"));
    } else if calls::status_at(&call, tx.now()) != CallStatus::Open {
        checks.push(UserError::new(&["callId"], UserErrorCode::CallClosed, "this call is not open"));
    }
    let statement = checks.take(required_text("statement", statement, 2000));
    let profile = lock_profile(&tx, user_id, "profile")
        .await
        .map_err(|_| AppError::rejected(&["profile"], UserErrorCode::Required, "fill in your expert profile first"))?;
    let details = details_of(&*tx, &[user_id]).await?.remove(&user_id).unwrap_or_default();
    for problem in profile_problems(&profile, &details) {
        checks.push(problem);
    }
    if matches!(profile.status, ExpertStatus::Applied | ExpertStatus::Approved) {
        checks.push(UserError::new(
            &["callId"],
            UserErrorCode::InvalidState,
            "you have already applied (or been approved) as an expert",
        ));
    }
    checks.finish()?;
    let now = tx.now();
    let mut active: expert_profile::ActiveModel = profile.into();
    active.status = Set(ExpertStatus::Applied);
    active.call_id = Set(Some(call_id));
    active.statement = Set(statement);
    active.applied_at = Set(Some(now));
    active.vetted_by = Set(None);
    active.vetted_at = Set(None);
    active.vetting_reason = Set(None);
    active.updated_at = Set(now);
    let profile = active.update(&*tx).await?;
    tx.emit(profile_event(EventType::ExpertApplied, &profile).payload(serde_json::json!({
        "status": "APPLIED",
        "callId": call_id.to_string(),
    })));
    tx.commit().await?;
    Ok(profile)
}

/// The decision of vetting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VettingDecision {
    Approved,
    Rejected,
}

/// Staff vet an applied expert: APPROVED, or REJECTED with a reason; the expert is mailed the decision.
pub async fn vet(
    services: &Services,
    actor: Option<&Principal>,
    expert_id: Uuid,
    decision: VettingDecision,
    reason: Option<&str>,
) -> AppResult<expert_profile::Model> {
    let principal = policy::can_manage(actor)?;
    let reason = blank_to_none(&reason.map(str::to_owned));
    if decision == VettingDecision::Rejected && reason.is_none() {
        return Err(AppError::rejected(&["reason"], UserErrorCode::Required, "give the reason of a rejection"));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        return Err(AppError::rejected(&["reason"], UserErrorCode::Invalid, "at most 2000 characters"));
    }
    let mut tx = services.write(Some(principal)).await?;
    let profile = lock_profile(&tx, expert_id, "expertId").await?;
    if profile.status != ExpertStatus::Applied {
        return Err(AppError::invalid_state(&["expertId"], "only an expert who has applied is vetted"));
    }
    let now = tx.now();
    let status = match decision {
        VettingDecision::Approved => ExpertStatus::Approved,
        VettingDecision::Rejected => ExpertStatus::Rejected,
    };
    let mut active: expert_profile::ActiveModel = profile.into();
    active.status = Set(status);
    active.vetted_by = Set(principal.user_id());
    active.vetted_at = Set(Some(now));
    active.vetting_reason = Set(reason.clone());
    active.updated_at = Set(now);
    let profile = active.update(&*tx).await?;
    let expert = accounts::load(&*tx, expert_id).await?;
    let text_body = match decision {
        VettingDecision::Approved => "Hello,\n\nthe IMPACT programme has selected you as an expert. Programme staff \
             will propose assignments to pilot regions; you accept or decline each one in your account.\n"
            .to_owned(),
        VettingDecision::Rejected => format!(
            "Hello,\n\nthank you for applying as an IMPACT expert. The programme has not selected you this \
             time, for this reason:\n\n{}\n",
            quote(reason.as_deref().unwrap_or_default())
        ),
    };
    tx.mail(OutgoingEmail {
        to: expert.email,
        subject: match decision {
            VettingDecision::Approved => "IMPACT: you are selected as an expert".to_owned(),
            VettingDecision::Rejected => "IMPACT: your application as an expert".to_owned(),
        },
        text_body,
        headers: Vec::new(),
    })
    .await?;
    tx.emit(profile_event(EventType::ExpertVetted, &profile));
    tx.commit().await?;
    Ok(profile)
}
