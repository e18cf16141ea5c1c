//! Assignments of experts to pilot regions: staff propose one (LEAD_EXPERT or EXPERT, with planned days a
//! month), the expert accepts (declaring no conflict of interest, which is recorded) or declines, staff end it.
//! Proposed and accepted assignments hold the expert's days; the expert's profile row is locked first in every
//! command that holds days, so concurrent assignments never plan more days than the expert has.

use super::matching::{ExclusionCode, period_or_default, weigh};
use super::{assignment_event, lock_profile, policy};
use crate::auth::Principal;
use crate::domain::applications::relabel;
use crate::domain::domain_events::EventType;
use crate::domain::unit_of_work::Write;
use crate::domain::values::blank_to_none;
use crate::domain::{Services, accounts, regions};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::{OutgoingEmail, quote};
use entity::cross_border_region::{self, RegionStatus};
use entity::expert_assignment::{self, AssignmentRole, AssignmentStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct AssignmentInput {
    pub region_id: Uuid,
    pub expert_id: Uuid,
    pub role: AssignmentRole,
    /// Days a month planned for the region.
    pub planned_days: i32,
}

/// Staff propose `input.expert_id` for a pilot region. Rule 7 is checked again under the expert's lock:
/// approved, free of conflict of interest, speaking a language of a side, with enough free days.
pub async fn assign(
    services: &Services,
    actor: Option<&Principal>,
    input: &AssignmentInput,
) -> AppResult<expert_assignment::Model> {
    let principal = policy::can_manage(actor)?;
    if !(1..=31).contains(&input.planned_days) {
        return Err(AppError::rejected(&["plannedDays"], UserErrorCode::Invalid, "between 1 and 31 days a month"));
    }
    let mut tx = services.write(Some(principal)).await?;
    let region = regions::find(&*tx, input.region_id).await.map_err(|e| relabel(e, "regionId"))?;
    // The lock first: whoever assigns this expert next waits until this commits, then sees these days.
    let profile = lock_profile(&tx, input.expert_id, "expertId").await?;
    if region.status != RegionStatus::Pilot {
        return Err(AppError::invalid_state(&["regionId"], "experts are assigned to pilot regions"));
    }
    let today = tx.now().date_naive();
    let (_, _, mut weighed) =
        weigh(&*tx, &region, period_or_default(today, None, None)?, Some(&[input.expert_id])).await?;
    let candidate = weighed.pop().ok_or_else(|| AppError::not_found(&["expertId"], "expert profile"))?;
    let mut errors = Vec::new();
    for exclusion in &candidate.exclusions {
        let (field, code) = match exclusion.code {
            ExclusionCode::NotApproved => ("expertId", UserErrorCode::InvalidState),
            ExclusionCode::ConflictOfInterest => ("expertId", UserErrorCode::ConflictOfInterest),
            ExclusionCode::NoSharedLanguage => ("expertId", UserErrorCode::Invalid),
            ExclusionCode::AlreadyAssigned => ("expertId", UserErrorCode::Taken),
            // Days are checked below against the planned days; unavailable periods do not block a proposal.
            ExclusionCode::Unavailable => continue,
        };
        errors.push(UserError::new(&[field], code, exclusion.message.clone()));
    }
    if candidate.free_days_per_month < input.planned_days {
        errors.push(UserError::new(
            &["plannedDays"],
            UserErrorCode::Overbooked,
            format!(
                "the expert has {} free days a month ({} planned of {})",
                candidate.free_days_per_month, candidate.details.committed_days, profile.days_per_month
            ),
        ));
    }
    if input.role == AssignmentRole::LeadExpert && has_lead(&*tx, &region).await? {
        errors.push(UserError::new(&["role"], UserErrorCode::Taken, "the region already has a lead expert"));
    }
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let now = tx.now();
    let assignment = expert_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        expert_id: Set(input.expert_id),
        region_id: Set(region.id),
        role: Set(input.role),
        planned_days: Set(input.planned_days),
        status: Set(AssignmentStatus::Proposed),
        no_conflict_declared_at: Set(None),
        response_note: Set(None),
        assigned_by: Set(principal.user_id()),
        created_at: Set(now),
        responded_at: Set(None),
        ended_at: Set(None),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    let expert = accounts::load(&*tx, input.expert_id).await?;
    tx.mail(OutgoingEmail {
        to: expert.email,
        subject: "IMPACT: you are proposed as an expert for a pilot region".to_owned(),
        text_body: format!(
            "Hello,\n\nprogramme staff propose you as {} for the pilot region below, {} days a month:\n\n{}\n\n\
             Accept (declaring that you have no conflict of interest with the region's partners) or decline \
             in your account.\n",
            role_name(input.role),
            input.planned_days,
            quote(&region.name),
        ),
        headers: Vec::new(),
    })
    .await?;
    tx.emit(assignment_event(EventType::AssignmentProposed, &assignment));
    tx.commit().await?;
    Ok(assignment)
}

fn role_name(role: AssignmentRole) -> &'static str {
    match role {
        AssignmentRole::LeadExpert => "lead expert",
        AssignmentRole::Expert => "expert",
    }
}

async fn has_lead(db: &impl ConnectionTrait, region: &cross_border_region::Model) -> AppResult<bool> {
    Ok(expert_assignment::Entity::find()
        .filter(expert_assignment::Column::RegionId.eq(region.id))
        .filter(expert_assignment::Column::Role.eq(AssignmentRole::LeadExpert))
        .filter(expert_assignment::Column::Status.is_in(AssignmentStatus::ACTIVE))
        .one(db)
        .await?
        .is_some())
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<expert_assignment::Model> {
    expert_assignment::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found(&["id"], "assignment"))
}

/// The assignment `id` read again under its expert's lock; `INVALID_STATE` unless it is in one of `states`.
async fn load_for_change(tx: &Write, id: Uuid, states: &[AssignmentStatus]) -> AppResult<expert_assignment::Model> {
    let found = find(&**tx, id).await?;
    lock_profile(tx, found.expert_id, "id").await?;
    let assignment = find(&**tx, id).await?;
    if !states.contains(&assignment.status) {
        return Err(AppError::invalid_state(&["id"], "this assignment has already been answered or ended"));
    }
    Ok(assignment)
}

/// The expert accepts a proposed assignment, declaring no conflict of interest with the region (recorded).
pub async fn accept(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    no_conflict_of_interest: bool,
    note: Option<&str>,
) -> AppResult<expert_assignment::Model> {
    policy::can_act_as_expert(actor)?;
    let mut tx = services.write(actor).await?;
    let found = find(&*tx, id).await?;
    policy::can_respond(actor, &found)?;
    let assignment = load_for_change(&tx, id, &[AssignmentStatus::Proposed]).await?;
    if !no_conflict_of_interest {
        return Err(AppError::rejected(
            &["noConflictOfInterest"],
            UserErrorCode::Required,
            "declare that you have no conflict of interest with the region's partners to accept",
        ));
    }
    let region = regions::find(&*tx, assignment.region_id).await?;
    let today = tx.now().date_naive();
    let (_, _, mut weighed) =
        weigh(&*tx, &region, period_or_default(today, None, None)?, Some(&[assignment.expert_id])).await?;
    if let Some(conflict) =
        weighed.pop().and_then(|c| c.exclusions.into_iter().find(|e| e.code == ExclusionCode::ConflictOfInterest))
    {
        return Err(AppError::rejected(&["noConflictOfInterest"], UserErrorCode::ConflictOfInterest, conflict.message));
    }
    let assignment = respond(&mut tx, assignment, AssignmentStatus::Accepted, note).await?;
    tx.emit(assignment_event(EventType::AssignmentAccepted, &assignment).payload(with_declaration(&assignment)));
    tx.commit().await?;
    Ok(assignment)
}

fn with_declaration(assignment: &expert_assignment::Model) -> serde_json::Value {
    let mut payload = assignment_event(EventType::AssignmentAccepted, assignment).payload;
    payload["noConflictOfInterestDeclared"] = serde_json::Value::Bool(assignment.no_conflict_declared_at.is_some());
    payload
}

/// The expert declines a proposed assignment; its days are free again.
pub async fn decline(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: Option<&str>,
) -> AppResult<expert_assignment::Model> {
    policy::can_act_as_expert(actor)?;
    let mut tx = services.write(actor).await?;
    let found = find(&*tx, id).await?;
    policy::can_respond(actor, &found)?;
    let assignment = load_for_change(&tx, id, &[AssignmentStatus::Proposed]).await?;
    let assignment = respond(&mut tx, assignment, AssignmentStatus::Declined, note).await?;
    tx.emit(assignment_event(EventType::AssignmentDeclined, &assignment));
    tx.commit().await?;
    Ok(assignment)
}

/// Records the expert's answer and mails it to the staff member who proposed the assignment.
async fn respond(
    tx: &mut Write,
    assignment: expert_assignment::Model,
    status: AssignmentStatus,
    note: Option<&str>,
) -> AppResult<expert_assignment::Model> {
    let note = blank_to_none(&note.map(str::to_owned));
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(AppError::rejected(&["note"], UserErrorCode::Invalid, "at most 2000 characters"));
    }
    let now = tx.now();
    let assigned_by = assignment.assigned_by;
    let mut active: expert_assignment::ActiveModel = assignment.into();
    active.status = Set(status);
    active.response_note = Set(note);
    active.responded_at = Set(Some(now));
    if status == AssignmentStatus::Accepted {
        active.no_conflict_declared_at = Set(Some(now));
    }
    active.updated_at = Set(now);
    let assignment = active.update(&**tx).await?;
    if let Some(staff_id) = assigned_by {
        let staff = accounts::load(&**tx, staff_id).await?;
        let expert = accounts::load(&**tx, assignment.expert_id).await?;
        let region = regions::find(&**tx, assignment.region_id).await?;
        let answer = if status == AssignmentStatus::Accepted { "accepted" } else { "declined" };
        tx.mail(OutgoingEmail {
            to: staff.email,
            subject: format!("IMPACT: an expert has {answer} an assignment"),
            text_body: format!(
                "This expert:\n\n{}\n\nhas {answer} the assignment to this pilot region{}:\n\n{}\n",
                quote(&expert.display_name),
                if status == AssignmentStatus::Accepted { ", declaring no conflict of interest" } else { "" },
                quote(&region.name),
            ),
            headers: Vec::new(),
        })
        .await?;
    }
    Ok(assignment)
}

/// Staff end a proposed or accepted assignment; its days are free again and the expert is mailed.
pub async fn end(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: Option<&str>,
) -> AppResult<expert_assignment::Model> {
    let principal = policy::can_manage(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let assignment = load_for_change(&tx, id, &AssignmentStatus::ACTIVE).await?;
    let now = tx.now();
    let mut active: expert_assignment::ActiveModel = assignment.into();
    active.status = Set(AssignmentStatus::Ended);
    active.ended_at = Set(Some(now));
    if let Some(note) = blank_to_none(&note.map(str::to_owned)) {
        active.response_note = Set(Some(note));
    }
    active.updated_at = Set(now);
    let assignment = active.update(&*tx).await?;
    let expert = accounts::load(&*tx, assignment.expert_id).await?;
    let region = regions::find(&*tx, assignment.region_id).await?;
    tx.mail(OutgoingEmail {
        to: expert.email,
        subject: "IMPACT: your assignment to a pilot region has ended".to_owned(),
        text_body: format!(
            "Hello,\n\nyour assignment to this pilot region has ended. Thank you.\n\n{}\n",
            quote(&region.name)
        ),
        headers: Vec::new(),
    })
    .await?;
    tx.emit(assignment_event(EventType::AssignmentEnded, &assignment));
    tx.commit().await?;
    Ok(assignment)
}

/// The assignments of experts, newest first (their expert's and staff's view).
pub async fn of_experts(db: &impl ConnectionTrait, expert_ids: &[Uuid]) -> AppResult<Vec<expert_assignment::Model>> {
    Ok(expert_assignment::Entity::find()
        .filter(expert_assignment::Column::ExpertId.is_in(expert_ids.iter().copied()))
        .order_by_desc(expert_assignment::Column::CreatedAt)
        .order_by_desc(expert_assignment::Column::Id)
        .all(db)
        .await?)
}

/// The accepted assignments of regions, lead first (public: who coaches a region).
pub async fn accepted_in_regions(
    db: &impl ConnectionTrait,
    region_ids: &[Uuid],
) -> AppResult<Vec<expert_assignment::Model>> {
    Ok(expert_assignment::Entity::find()
        .filter(expert_assignment::Column::RegionId.is_in(region_ids.iter().copied()))
        .filter(expert_assignment::Column::Status.eq(AssignmentStatus::Accepted))
        .order_by_desc(expert_assignment::Column::Role)
        .order_by_asc(expert_assignment::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn assignments_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<expert_assignment::Model>> {
    Ok(expert_assignment::Entity::find()
        .filter(expert_assignment::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}
