//! GraphQL of assignments: the `ExpertAssignment` type (its expert and staff only), the public view of a region's
//! experts, and the commands: staff propose and end, the expert accepts (declaring no conflict of interest) or
//! declines.

use super::{AssignmentRole, AssignmentStatus, ExpertProfile, ExpertiseArea, expert_uuid};
use crate::auth::guard::RoleGuard;
use crate::auth::{Role, STAFF};
use crate::domain::experts::assignments::{self, AssignmentInput};
use crate::domain::experts::policy;
use crate::error::{AppResult, UserError};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use crate::graphql::regions::CrossBorderRegion;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::expert_assignment;
use uuid::Uuid;

/// An expert's assignment to a pilot region: visible to the expert and to staff.
#[derive(Clone)]
pub struct ExpertAssignment(pub expert_assignment::Model);

/// An expert's assignment to a pilot region, proposed by staff and accepted or declined by the expert: visible to
/// the expert and to staff only.
#[Object]
impl ExpertAssignment {
    /// The assignment's global ID.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::ExpertAssignment, &self.0.id.to_string())
    }
    /// The assigned expert's profile.
    async fn expert(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ExpertProfile>> {
        Ok(ctx.loaders().expert_profiles.load_one(self.0.expert_id).await?.map(ExpertProfile))
    }
    /// The pilot region the expert is assigned to.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CrossBorderRegion>> {
        Ok(ctx.loaders().regions.load_one(self.0.region_id).await?.map(CrossBorderRegion))
    }
    /// Lead expert or team member.
    async fn role(&self) -> AssignmentRole {
        self.0.role.into()
    }
    /// Days a month planned for the region.
    async fn planned_days(&self) -> i32 {
        self.0.planned_days
    }
    /// Where the assignment stands.
    async fn status(&self) -> AssignmentStatus {
        self.0.status.into()
    }
    /// When the expert declared having no conflict of interest with the region's partners (on accepting).
    async fn no_conflict_of_interest_declared_at(&self) -> Option<DateTime<Utc>> {
        self.0.no_conflict_declared_at
    }
    /// The expert's note on accepting or declining, or staff's note on ending (which replaces it).
    async fn note(&self) -> Option<&str> {
        self.0.response_note.as_deref()
    }
    /// When staff proposed the assignment.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the expert accepted or declined; null before.
    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }
    /// When staff ended the assignment; null unless ENDED.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
}

/// An expert assigned to a region, as the public sees them: name, role and expertise only.
#[derive(SimpleObject)]
pub struct AssignedExpert {
    /// The expert's display name.
    pub display_name: String,
    /// Lead expert or team member.
    pub role: AssignmentRole,
    /// The expert's areas of expertise.
    pub expertise: Vec<ExpertiseArea>,
}

/// The experts who accepted an assignment to `region_id` (public), lead first.
pub async fn assigned_experts(ctx: &Context<'_>, region_id: Uuid) -> async_graphql::Result<Vec<AssignedExpert>> {
    let rows = ctx.loaders().region_experts.load_one(region_id).await?.unwrap_or_default();
    let ids: Vec<Uuid> = rows.iter().map(|a| a.expert_id).collect();
    let users = ctx.loaders().users.load_many(ids.clone()).await?;
    let details = ctx.loaders().expert_details.load_many(ids).await?;
    Ok(rows
        .iter()
        .map(|a| AssignedExpert {
            display_name: users.get(&a.expert_id).map(|u| u.display_name.clone()).unwrap_or_default(),
            role: a.role.into(),
            expertise: details
                .get(&a.expert_id)
                .map(|d| d.expertise.clone())
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        })
        .collect())
}

/// The assignments of a user, for the user themself and staff (empty for anybody else).
pub async fn assignments_of(ctx: &Context<'_>, user_id: Uuid) -> async_graphql::Result<Vec<ExpertAssignment>> {
    if !policy::can_read_profile(ctx.actor(), user_id) {
        return Ok(Vec::new());
    }
    let rows = ctx.loaders().assignments_of_experts.load_one(user_id).await?.unwrap_or_default();
    Ok(rows.into_iter().map(ExpertAssignment).collect())
}

/// A proposal of an expert for a pilot region.
#[derive(InputObject)]
pub struct AssignExpertInput {
    /// A pilot region.
    pub region_id: ID,
    /// The expert's profile (or user) ID.
    pub expert_id: ID,
    /// Lead expert (one per region) or team member.
    pub role: AssignmentRole,
    /// Days a month planned for the region; never more than the expert's free days.
    pub planned_days: i32,
}

/// The expert's acceptance of a proposed assignment.
#[derive(InputObject)]
pub struct AcceptAssignmentInput {
    /// The proposed assignment (its expert's own).
    pub id: ID,
    /// The declaration of having no conflict of interest with the region's partners; required to accept.
    pub no_conflict_of_interest: bool,
    /// A note for staff (at most 2000 characters).
    pub note: Option<String>,
}

/// An assignment and an optional note (declining or ending it).
#[derive(InputObject)]
pub struct AssignmentNoteInput {
    /// The assignment.
    pub id: ID,
    /// Why (at most 2000 characters); kept as the assignment's `note`.
    pub note: Option<String>,
}

/// The result of a change to an assignment.
#[derive(SimpleObject)]
pub struct ExpertAssignmentPayload {
    /// The assignment as changed; null when the change was not made.
    pub assignment: Option<ExpertAssignment>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn assignment_payload(result: AppResult<expert_assignment::Model>) -> async_graphql::Result<ExpertAssignmentPayload> {
    let (assignment, user_errors) = into_payload(result)?;
    Ok(ExpertAssignmentPayload { assignment: assignment.map(ExpertAssignment), user_errors })
}

fn assignment_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::ExpertAssignment)
}

#[derive(Default)]
pub struct ExpertAssignmentMutation;

#[Object]
impl ExpertAssignmentMutation {
    /// Proposes an approved expert for a pilot region (staff); the expert is mailed and accepts or declines.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn assign_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region, the expert, the role and the planned days.")] input: AssignExpertInput,
    ) -> async_graphql::Result<ExpertAssignmentPayload> {
        let domain = AssignmentInput {
            region_id: GlobalId::decode_as(&input.region_id, NodeType::CrossBorderRegion)?,
            expert_id: expert_uuid(&input.expert_id)?,
            role: input.role.into(),
            planned_days: input.planned_days,
        };
        assignment_payload(assignments::assign(ctx.services(), ctx.actor(), &domain).await)
    }

    /// The expert accepts a proposed assignment, declaring no conflict of interest (recorded).
    #[graphql(guard = "RoleGuard(&[Role::Expert])")]
    async fn accept_assignment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assignment and the declaration.")] input: AcceptAssignmentInput,
    ) -> async_graphql::Result<ExpertAssignmentPayload> {
        let id = assignment_uuid(&input.id)?;
        assignment_payload(
            assignments::accept(ctx.services(), ctx.actor(), id, input.no_conflict_of_interest, input.note.as_deref())
                .await,
        )
    }

    /// The expert declines a proposed assignment.
    #[graphql(guard = "RoleGuard(&[Role::Expert])")]
    async fn decline_assignment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assignment and an optional note.")] input: AssignmentNoteInput,
    ) -> async_graphql::Result<ExpertAssignmentPayload> {
        let id = assignment_uuid(&input.id)?;
        assignment_payload(assignments::decline(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }

    /// Ends a proposed or accepted assignment (staff); the expert's days are free again.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn end_assignment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assignment and an optional note.")] input: AssignmentNoteInput,
    ) -> async_graphql::Result<ExpertAssignmentPayload> {
        let id = assignment_uuid(&input.id)?;
        assignment_payload(assignments::end(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }
}
