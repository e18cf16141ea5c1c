//! GraphQL of applications: drafting by applicants, the check, the workflow, assessment and selection by staff.

use crate::auth::STAFF;
use crate::auth::guard::{RoleGuard, SignedInUser};
use crate::domain::applications::check::{self, ProblemCode, Severity};
use crate::domain::applications::workflow;
use crate::domain::applications::{
    self, ApplicationContent, ApplicationFilter, ApplicationSort as DomainSort, Attachment as DomainAttachment,
};
use crate::domain::reference::CountryCode;
use crate::error::{AppError, AppResult, UserError};
use crate::graphql::calls::{Call, call_uuid};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::organisations::OrganisationType;
use crate::graphql::partnerships::{Partnership, partnership_uuid, selects_partners};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{application, application_event};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::application::ApplicationStatus")]
pub enum ApplicationStatus {
    Draft,
    Submitted,
    Returned,
    Eligible,
    Ineligible,
    Selected,
    Reserve,
    NotSelected,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::applications::check::Severity")]
pub enum ProblemSeverity {
    /// Blocks submission.
    Error,
    /// Worth a look; does not block.
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::applications::check::ProblemCode")]
pub enum ApplicationProblemCode {
    SectionMissing,
    SideNotCovered,
    NoLeadPartner,
    SeveralLeadPartners,
    TooFewPartners,
    PartnerNotEligible,
    PartnerOutsideArea,
    InterestGroupOverLimit,
    VotingSharesNot100,
}

#[derive(SimpleObject)]
pub struct ApplicationProblem {
    pub severity: ProblemSeverity,
    pub code: ApplicationProblemCode,
    pub message: String,
    pub field: Vec<String>,
}

#[derive(SimpleObject)]
pub struct ApplicationCheck {
    pub problems: Vec<ApplicationProblem>,
    /// No errors (warnings allowed): the application may be submitted while its call is open.
    pub ready: bool,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "AttachmentInput")]
pub struct Attachment {
    pub title: String,
    pub url: String,
}

#[derive(SimpleObject)]
pub struct QualityScore {
    pub criterion: String,
    pub score: i32,
}

/// The staff's assessment (visible to staff).
#[derive(SimpleObject)]
pub struct Assessment {
    pub eligible: Option<bool>,
    pub eligibility_reasons: Vec<String>,
    pub scores: Vec<QualityScore>,
    pub total_score: Option<i32>,
    pub comment: Option<String>,
}

/// One move of the workflow.
pub struct ApplicationEvent(application_event::Model);

#[Object]
impl ApplicationEvent {
    async fn from_status(&self) -> Option<ApplicationStatus> {
        self.0.from_status.map(Into::into)
    }
    async fn to_status(&self) -> ApplicationStatus {
        self.0.to_status.into()
    }
    /// The user who made the move.
    async fn actor_id(&self) -> ID {
        GlobalId::encode(NodeType::User, &self.0.actor_id.to_string())
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

/// A partnership's application to a call for pilot regions.
#[derive(Clone)]
pub struct Application(pub application::Model);

#[Object]
impl Application {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Application, &self.0.id.to_string())
    }
    async fn status(&self) -> ApplicationStatus {
        self.0.status.into()
    }
    async fn call(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Call>> {
        Ok(ctx.loaders().calls.load_one(self.0.call_id).await?.map(Call))
    }
    async fn partnership(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Partnership>> {
        Ok(ctx.loaders().partnerships.load_one(self.0.partnership_id).await?.map(Partnership))
    }
    async fn motivation(&self) -> Option<&str> {
        self.0.motivation.as_deref()
    }
    /// The region's challenges and needs.
    async fn challenges(&self) -> Option<&str> {
        self.0.challenges.as_deref()
    }
    /// The intended CLLD priorities.
    async fn priorities(&self) -> Option<&str> {
        self.0.priorities.as_deref()
    }
    /// Existing cooperation across the border.
    async fn cooperation(&self) -> Option<&str> {
        self.0.cooperation.as_deref()
    }
    /// Capacity and resources.
    async fn capacity(&self) -> Option<&str> {
        self.0.capacity.as_deref()
    }
    /// Languages of work (ISO 639-1).
    async fn languages(&self) -> Vec<String> {
        applications::languages(&self.0)
    }
    async fn attachments(&self) -> Vec<Attachment> {
        applications::attachments(&self.0).into_iter().map(|a| Attachment { title: a.title, url: a.url }).collect()
    }
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Every move of the workflow, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApplicationEvent>> {
        let services = ctx.services();
        Ok(applications::events_of(&services.db, self.0.id).await?.into_iter().map(ApplicationEvent).collect())
    }
    /// Staff only (null for others).
    async fn assessment(&self, ctx: &Context<'_>) -> Option<Assessment> {
        if !ctx.actor().is_some_and(|p| p.is_staff()) {
            return None;
        }
        let reasons: Vec<String> =
            self.0.eligibility_reasons.as_deref().and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default();
        let scores: std::collections::BTreeMap<String, i32> =
            self.0.quality_scores.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
        Some(Assessment {
            eligible: self.0.eligibility_passed,
            eligibility_reasons: reasons,
            total_score: self.0.quality_scores.as_ref().map(|_| scores.values().sum()),
            scores: scores.into_iter().map(|(criterion, score)| QualityScore { criterion, score }).collect(),
            comment: self.0.quality_comment.clone(),
        })
    }
}

#[derive(InputObject, Default)]
pub struct ApplicationContentInput {
    pub motivation: Option<String>,
    pub challenges: Option<String>,
    pub priorities: Option<String>,
    pub cooperation: Option<String>,
    pub capacity: Option<String>,
    pub languages: Option<Vec<String>>,
    pub attachments: Option<Vec<Attachment>>,
}

impl From<ApplicationContentInput> for ApplicationContent {
    fn from(c: ApplicationContentInput) -> Self {
        ApplicationContent {
            motivation: c.motivation,
            challenges: c.challenges,
            priorities: c.priorities,
            cooperation: c.cooperation,
            capacity: c.capacity,
            languages: c.languages,
            attachments: c
                .attachments
                .map(|list| list.into_iter().map(|a| DomainAttachment { title: a.title, url: a.url }).collect()),
        }
    }
}

#[derive(InputObject)]
pub struct CreateApplicationInput {
    pub call_id: ID,
    pub partnership_id: ID,
    pub content: Option<ApplicationContentInput>,
}

#[derive(InputObject)]
pub struct UpdateApplicationInput {
    pub id: ID,
    pub content: ApplicationContentInput,
}

#[derive(InputObject)]
pub struct ApplicationMoveInput {
    pub id: ID,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ReturnApplicationInput {
    pub id: ID,
    /// What needs to change (required).
    pub note: String,
}

#[derive(InputObject)]
pub struct RecordEligibilityInput {
    pub id: ID,
    pub passed: bool,
    /// Required when it did not pass.
    #[graphql(default)]
    pub reasons: Vec<String>,
}

#[derive(InputObject)]
pub struct QualityScoreInput {
    pub criterion: String,
    pub score: i32,
}

#[derive(InputObject)]
pub struct RecordQualityAssessmentInput {
    pub id: ID,
    /// A score for each criterion of `assessmentCriteria`.
    pub scores: Vec<QualityScoreInput>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum SelectionDecision {
    Selected,
    Reserve,
    NotSelected,
}

#[derive(InputObject)]
pub struct DecideApplicationInput {
    pub id: ID,
    pub decision: SelectionDecision,
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct ApplicationPayload {
    pub application: Option<Application>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ApplicationSort {
    /// Newest first.
    CreatedAt,
    /// Most recently changed first.
    UpdatedAt,
}

#[derive(InputObject, Default)]
pub struct ApplicationsFilter {
    pub call_id: Option<ID>,
    pub status: Option<Vec<ApplicationStatus>>,
    /// A country of one of the partners.
    pub country: Option<String>,
    /// The type of one of the partners.
    pub organisation_type: Option<OrganisationType>,
}

#[derive(SimpleObject)]
pub struct AssessmentCriterion {
    pub name: String,
    pub max_score: i32,
}

pub fn application_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::Application)
}

fn payload(result: AppResult<application::Model>) -> async_graphql::Result<ApplicationPayload> {
    let (application, user_errors) = into_payload(result)?;
    Ok(ApplicationPayload { application: application.map(Application), user_errors })
}

async fn list(
    ctx: &Context<'_>,
    filter: ApplicationFilter,
    sort: Option<ApplicationSort>,
    page: crate::domain::pagination::PageRequest,
) -> async_graphql::Result<ConnectionOf<Application>> {
    let services = ctx.services();
    let sort = sort.map(|s| match s {
        ApplicationSort::CreatedAt => DomainSort::CreatedAt,
        ApplicationSort::UpdatedAt => DomainSort::UpdatedAt,
    });
    let page = applications::list_applications(&services.db, ctx.actor(), &filter, sort, &page).await?;
    if selects_partners(ctx, &["partnership"]) {
        let ids: Vec<Uuid> = page.items.iter().map(|(_, a)| a.partnership_id).collect();
        ctx.loaders().prime_applications(&services.db, &ids).await?;
    }
    Ok(connection(page, Application))
}

#[derive(Default)]
pub struct ApplicationQuery;

#[Object]
impl ApplicationQuery {
    /// The applications of the caller's organisations, newest first.
    #[graphql(
        guard = "SignedInUser",
        complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1"
    )]
    async fn my_applications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<Application>> {
        let page = page_request(ctx, first, after, last, before)?;
        list(ctx, ApplicationFilter { mine: true, ..Default::default() }, None, page).await
    }

    /// Every application (staff), filtered and sorted.
    #[graphql(
        guard = "RoleGuard(STAFF)",
        complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        filter: Option<ApplicationsFilter>,
        sort: Option<ApplicationSort>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<Application>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let country = match filter.country.as_deref() {
            Some(code) => {
                let code = CountryCode::parse(code)?;
                let services = ctx.services();
                Some(
                    crate::domain::reference::find_country(&services.db, &code)
                        .await?
                        .map_or(code.as_str().to_owned(), |c| c.code),
                )
            }
            None => None,
        };
        let filter = ApplicationFilter {
            call: filter.call_id.as_ref().map(call_uuid).transpose()?,
            statuses: filter.status.map(|s| s.into_iter().map(Into::into).collect()),
            country,
            organisation_type: filter.organisation_type.map(Into::into),
            mine: false,
        };
        list(ctx, filter, sort, page).await
    }

    /// Every problem of an application at once (its applicants and staff).
    #[graphql(guard = "SignedInUser")]
    async fn check_application(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApplicationCheck> {
        let services = ctx.services();
        let application = applications::visible_by_id(&services.db, ctx.actor(), &[application_uuid(&id)?])
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound("application".to_owned()))?;
        let problems = check::check(&services.db, &application).await?;
        Ok(ApplicationCheck {
            ready: !problems.iter().any(|p| p.severity == Severity::Error),
            problems: problems
                .into_iter()
                .map(|p| ApplicationProblem {
                    severity: p.severity.into(),
                    code: ProblemCode::into(p.code),
                    message: p.message,
                    field: p.field,
                })
                .collect(),
        })
    }

    /// The criteria of the quality assessment with their highest scores.
    async fn assessment_criteria(&self, ctx: &Context<'_>) -> Vec<AssessmentCriterion> {
        let services = ctx.services();
        services
            .config
            .programme
            .assessment_criteria
            .iter()
            .map(|c| AssessmentCriterion { name: c.name.clone(), max_score: c.max_score })
            .collect()
    }
}

#[derive(Default)]
pub struct ApplicationMutation;

#[Object]
impl ApplicationMutation {
    /// Starts a draft for a partnership to an open (or upcoming) call for pilot regions.
    #[graphql(guard = "SignedInUser")]
    async fn create_application(
        &self,
        ctx: &Context<'_>,
        input: CreateApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let call = call_uuid(&input.call_id)?;
        let partnership = partnership_uuid(&input.partnership_id)?;
        let content: ApplicationContent = input.content.unwrap_or_default().into();
        payload(applications::create_application(services, principal, call, partnership, &content).await)
    }

    /// Edits a draft, or a returned application before the deadline (the sections given are replaced).
    #[graphql(guard = "SignedInUser")]
    async fn update_application(
        &self,
        ctx: &Context<'_>,
        input: UpdateApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = application_uuid(&input.id)?;
        payload(applications::update_application(services, principal, id, &input.content.into()).await)
    }

    /// Submits while the call is open and the check finds no error.
    #[graphql(guard = "SignedInUser")]
    async fn submit_application(
        &self,
        ctx: &Context<'_>,
        input: ApplicationMoveInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        payload(workflow::submit(services, principal, application_uuid(&input.id)?).await)
    }

    /// Withdraws an application before a decision.
    #[graphql(guard = "SignedInUser")]
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        input: ApplicationMoveInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        payload(workflow::withdraw(services, principal, application_uuid(&input.id)?, input.note).await)
    }

    /// Returns a submitted application to its applicants for changes (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn return_application(
        &self,
        ctx: &Context<'_>,
        input: ReturnApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        payload(workflow::return_for_changes(services, principal, application_uuid(&input.id)?, &input.note).await)
    }

    /// Records the eligibility check (staff): ELIGIBLE or INELIGIBLE.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn record_eligibility(
        &self,
        ctx: &Context<'_>,
        input: RecordEligibilityInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = application_uuid(&input.id)?;
        payload(workflow::record_eligibility(services, principal, id, input.passed, &input.reasons).await)
    }

    /// Records the quality assessment (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn record_quality_assessment(
        &self,
        ctx: &Context<'_>,
        input: RecordQualityAssessmentInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let id = application_uuid(&input.id)?;
        let scores: Vec<(String, i32)> = input.scores.into_iter().map(|s| (s.criterion, s.score)).collect();
        payload(workflow::record_quality(services, ctx.actor(), id, &scores, input.comment).await)
    }

    /// Decides on an assessed application (staff); a selection makes its region a pilot.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn decide_application(
        &self,
        ctx: &Context<'_>,
        input: DecideApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let decision = match input.decision {
            SelectionDecision::Selected => entity::application::ApplicationStatus::Selected,
            SelectionDecision::Reserve => entity::application::ApplicationStatus::Reserve,
            SelectionDecision::NotSelected => entity::application::ApplicationStatus::NotSelected,
        };
        payload(workflow::decide(services, principal, application_uuid(&input.id)?, decision, input.note).await)
    }
}
