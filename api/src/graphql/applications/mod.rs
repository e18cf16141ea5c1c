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
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::organisations::OrganisationType;
use crate::graphql::partnerships::{Partnership, partnership_uuid};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{application, application_event};
use uuid::Uuid;

/// Where an application stands in its workflow: DRAFT → SUBMITTED (→ RETURNED → SUBMITTED) → ELIGIBLE or
/// INELIGIBLE → SELECTED, RESERVE or NOT_SELECTED (RESERVE → SELECTED or NOT_SELECTED); WITHDRAWN from DRAFT,
/// SUBMITTED, RETURNED or ELIGIBLE. Every move is in `Application.history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::application::ApplicationStatus")]
pub enum ApplicationStatus {
    /// Being written by its applicants; not submitted yet.
    Draft,
    /// Submitted while the call was open; its content is frozen until staff check its eligibility or return it.
    Submitted,
    /// Returned by staff for changes: its applicants edit it and submit it again while the call is open.
    Returned,
    /// Passed the eligibility check; next come the quality assessment and the decision.
    Eligible,
    /// Failed the eligibility check (final; the reasons are in the history).
    Ineligible,
    /// Selected (final): its region is a pilot region of IMPACT.
    Selected,
    /// On the reserve list: may still be selected or not selected.
    Reserve,
    /// Not selected (final).
    NotSelected,
    /// Withdrawn by its applicants before a decision (final).
    Withdrawn,
}

/// How serious a problem found by `checkApplication` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::applications::check::Severity")]
pub enum ProblemSeverity {
    /// Blocks submission.
    Error,
    /// Worth a look; does not block.
    Warning,
}

/// What kind of problem `checkApplication` found: a stable code for frontends to act on. All are errors except
/// PARTNER_OUTSIDE_AREA, a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::applications::check::ProblemCode")]
pub enum ApplicationProblemCode {
    /// A content section (motivation, challenges, priorities, cooperation, capacity) is empty, or no language
    /// of work is given.
    SectionMissing,
    /// A side (country) of the region has no partner: every side of the border needs one.
    SideNotCovered,
    /// No partner is the lead partner.
    NoLeadPartner,
    /// More than one partner is a lead partner; a partnership has exactly one.
    SeveralLeadPartners,
    /// The partnership has fewer than two partners.
    TooFewPartners,
    /// A partner organisation is in a country not eligible for IMPACT.
    PartnerNotEligible,
    /// A partner organisation's NUTS region lies outside the region's NUTS area (a warning; does not block).
    PartnerOutsideArea,
    /// One interest group holds more than 49 % of the partnership's voting rights.
    InterestGroupOverLimit,
    /// The voting shares of the interest groups do not add up to 100 % (shares not set count as 0).
    VotingSharesNot100,
    /// A partner organisation has not confirmed taking part yet: one of its owners accepts the invitation
    /// (`acceptPartnershipInvitation`). Submission answers `PARTNER_NOT_CONFIRMED` until then.
    PartnerNotConfirmed,
    /// A partner organisation declined to take part: remove it from the partners (`updatePartnership` or
    /// `withdrawPartnershipInvitation`).
    PartnerDeclined,
}

/// One problem of an application or of its partnership, found by `checkApplication`.
#[derive(SimpleObject)]
pub struct ApplicationProblem {
    /// ERROR blocks submission; WARNING does not.
    pub severity: ProblemSeverity,
    /// What kind of problem it is.
    pub code: ApplicationProblemCode,
    /// What is wrong, as a sentence in English for the applicant (names the section, partner or group).
    pub message: String,
    /// Where the problem is, as a path: a section of the application (`["motivation"]`, `["languages"]`) or a
    /// part of its partnership (`["partnership", "partners", "0"]`, `["partnership", "voting", "publicSector"]`);
    /// partner indexes count from 0 in the order of `Partnership.partners`.
    pub field: Vec<String>,
}

/// Every problem of an application and of its partnership at once, as `checkApplication` finds them now.
#[derive(SimpleObject)]
pub struct ApplicationCheck {
    /// The problems, errors first; empty when nothing is wrong.
    pub problems: Vec<ApplicationProblem>,
    /// No errors (warnings allowed): the application may be submitted while its call is open.
    pub ready: bool,
}

/// A link attached to an application: a title and a web address (the file itself is stored elsewhere).
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "AttachmentInput")]
pub struct Attachment {
    /// What the link is, shown as its text (required, not blank).
    pub title: String,
    /// The address: starts with `https://` (or `http://`), at most 2,000 characters.
    pub url: String,
}

/// The score given to one criterion of the quality assessment.
#[derive(SimpleObject)]
pub struct QualityScore {
    /// The criterion's name, as in `assessmentCriteria`.
    pub criterion: String,
    /// The points given, from 0 to the criterion's `maxScore`.
    pub score: i32,
}

/// The staff's assessment (visible to staff).
#[derive(SimpleObject)]
pub struct Assessment {
    /// The outcome of the eligibility check: true eligible, false ineligible, null not checked yet.
    pub eligible: Option<bool>,
    /// The reasons recorded with the eligibility check (always given when it failed); empty when none.
    pub eligibility_reasons: Vec<String>,
    /// The quality assessment's score for each criterion, by criterion name; empty until it is recorded.
    pub scores: Vec<QualityScore>,
    /// The sum of `scores`; null until the quality assessment is recorded.
    pub total_score: Option<i32>,
    /// The assessor's comment on the quality; null when none.
    pub comment: Option<String>,
}

pub struct ApplicationEvent(application_event::Model);

/// The side of the programme that made a move of an application's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ApplicationMover {
    /// The applicants (drafting, submitting, withdrawing).
    Applicant,
    /// The programme's secretariat (returning, assessing, deciding).
    Secretariat,
}

impl From<workflow::Mover> for ApplicationMover {
    fn from(mover: workflow::Mover) -> Self {
        match mover {
            workflow::Mover::Applicant => ApplicationMover::Applicant,
            workflow::Mover::Secretariat => ApplicationMover::Secretariat,
        }
    }
}

/// One move of an application's workflow: by which side, when, from which status to which, with the note.
/// Seen by everybody who sees the application; which account made it only by staff (and by the mover).
#[Object]
impl ApplicationEvent {
    /// The status before the move; null for the start of the draft.
    async fn from_status(&self) -> Option<ApplicationStatus> {
        self.0.from_status.map(Into::into)
    }
    /// The status after the move.
    async fn to_status(&self) -> ApplicationStatus {
        self.0.to_status.into()
    }
    /// The user who made the move: for staff, and for the user who made it; null for everybody else (who see
    /// `madeBy`).
    async fn actor_id(&self, ctx: &Context<'_>) -> Option<ID> {
        applications::policy::can_see_mover(ctx.actor(), &self.0)
            .then(|| GlobalId::encode(NodeType::User, &self.0.actor_id.to_string()))
    }
    /// The side that made the move: the applicants or the programme's secretariat.
    async fn made_by(&self) -> ApplicationMover {
        workflow::mover_of(self.0.to_status).into()
    }
    /// The note given with the move (what to change when returned, the reasons of an eligibility check, a
    /// decision's or withdrawal's note); also mailed to the lead organisation's members. Null when none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When the move was made (UTC).
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

#[derive(Clone)]
pub struct Application(pub application::Model);

/// A partnership's application to a call for pilot regions. Visible to staff, to the person who started it and
/// to the members of its partner organisations; null (and left out of lists) for anyone else.
#[Object]
impl Application {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Application, &self.0.id.to_string())
    }
    /// Where the application stands in its workflow.
    async fn status(&self) -> ApplicationStatus {
        self.0.status.into()
    }
    /// The call for pilot regions it applies to.
    async fn call(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Call>> {
        Ok(ctx.loaders().calls.load_one(self.0.call_id).await?.map(Call))
    }
    /// The partnership that applies (one application per partnership and call).
    async fn partnership(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Partnership>> {
        Ok(ctx.loaders().partnerships.load_one(self.0.partnership_id).await?.map(Partnership))
    }
    /// Why the partnership applies (free text); null until written.
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
    /// Links attached by the applicants, in the order they gave.
    async fn attachments(&self) -> Vec<Attachment> {
        applications::attachments(&self.0).into_iter().map(|a| Attachment { title: a.title, url: a.url }).collect()
    }
    /// When it was last submitted (UTC); null while never submitted.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// When the draft was started (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the application last changed (UTC): its content, status or assessment.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Every move of the workflow, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApplicationEvent>> {
        let history = ctx.loaders().application_history.load_one(self.0.id).await?.unwrap_or_default();
        Ok(history.into_iter().map(ApplicationEvent).collect())
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

/// The content sections of an application. A section left out (or null) stays as it is; an empty or blank text
/// clears it; a list given replaces the whole list.
#[derive(InputObject, Default)]
pub struct ApplicationContentInput {
    /// Why the partnership applies (free text).
    pub motivation: Option<String>,
    /// The region's challenges and needs.
    pub challenges: Option<String>,
    /// The intended CLLD priorities.
    pub priorities: Option<String>,
    /// The existing cooperation across the border.
    pub cooperation: Option<String>,
    /// The partnership's capacity and resources.
    pub capacity: Option<String>,
    /// The languages of work as ISO 639-1 codes (e.g. `de`, `sl`); duplicates are dropped.
    pub languages: Option<Vec<String>>,
    /// The links to attach, in the order to show them.
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

/// A new draft application of a partnership to a call.
#[derive(InputObject)]
pub struct CreateApplicationInput {
    /// The call for pilot regions: published and not closed (it may still be upcoming).
    pub call_id: ID,
    /// The partnership that applies: the caller must be an owner or editor of its lead organisation (or, while it
    /// has no lead, its creator). It may have one application per call.
    pub partnership_id: ID,
    /// Sections to fill in at once; null starts an empty draft.
    pub content: Option<ApplicationContentInput>,
}

/// Changes to the content of a draft or returned application.
#[derive(InputObject)]
pub struct UpdateApplicationInput {
    /// The application to edit.
    pub id: ID,
    /// The sections to change; the others stay as they are.
    pub content: ApplicationContentInput,
}

/// Names an application to submit or withdraw.
#[derive(InputObject)]
pub struct ApplicationMoveInput {
    /// The application.
    pub id: ID,
    /// A note for the history, mailed to the lead organisation's members; kept by `withdrawApplication`, ignored
    /// by `submitApplication`.
    pub note: Option<String>,
}

/// An application to return to its applicants for changes.
#[derive(InputObject)]
pub struct ReturnApplicationInput {
    /// The application: SUBMITTED.
    pub id: ID,
    /// What needs to change (required).
    pub note: String,
}

/// The outcome of the eligibility check of a submitted application.
#[derive(InputObject)]
pub struct RecordEligibilityInput {
    /// The application: SUBMITTED.
    pub id: ID,
    /// True makes it ELIGIBLE, false INELIGIBLE.
    pub passed: bool,
    /// Required when it did not pass.
    #[graphql(default)]
    pub reasons: Vec<String>,
}

/// The score given to one criterion.
#[derive(InputObject)]
pub struct QualityScoreInput {
    /// The criterion's name, as in `assessmentCriteria`.
    pub criterion: String,
    /// The points, from 0 to the criterion's `maxScore`.
    pub score: i32,
}

/// The quality assessment of an eligible application (or one in reserve); recording it again replaces it.
#[derive(InputObject)]
pub struct RecordQualityAssessmentInput {
    /// The application: ELIGIBLE or RESERVE.
    pub id: ID,
    /// A score for each criterion of `assessmentCriteria`.
    pub scores: Vec<QualityScoreInput>,
    /// The assessor's comment; staff only see it. Null or blank: none.
    pub comment: Option<String>,
}

/// The decision on an assessed application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum SelectionDecision {
    /// Selected: its region becomes a PILOT region. Within the call's `maxSelections` and the programme-wide
    /// maximum of pilot regions (`apiInfo.limits.maxPilotRegions`, 30 by default).
    Selected,
    /// On the reserve list: may be selected or not selected later.
    Reserve,
    /// Not selected.
    NotSelected,
}

/// A decision on an application whose eligibility check passed and whose quality assessment is recorded.
#[derive(InputObject)]
pub struct DecideApplicationInput {
    /// The application: ELIGIBLE, or RESERVE (then only SELECTED or NOT_SELECTED).
    pub id: ID,
    /// The decision.
    pub decision: SelectionDecision,
    /// A note for the history, mailed to the lead organisation's members.
    pub note: Option<String>,
}

/// The result of a change to an application.
#[derive(SimpleObject)]
pub struct ApplicationPayload {
    /// The application after the change; null when `userErrors` is not empty.
    pub application: Option<Application>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// The order of `applications`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ApplicationSort {
    /// Newest first.
    CreatedAt,
    /// Most recently changed first.
    UpdatedAt,
}

/// Narrows `applications`; every condition given must hold.
#[derive(InputObject, Default)]
pub struct ApplicationsFilter {
    /// Only the applications to this call.
    pub call_id: Option<ID>,
    /// Only the applications in one of these statuses.
    pub status: Option<Vec<ApplicationStatus>>,
    /// A country of one of the partners (ISO 3166-1 code; `EL` is taken for Greece).
    pub country: Option<String>,
    /// The type of one of the partners.
    pub organisation_type: Option<OrganisationType>,
}

/// A criterion of the quality assessment, as the programme's configuration sets it.
#[derive(SimpleObject)]
pub struct AssessmentCriterion {
    /// The criterion's name, given as `QualityScoreInput.criterion`.
    pub name: String,
    /// The highest score; scores go from 0 to this.
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
    if nodes_select(ctx, &["partnership"]) {
        let ids: Vec<Uuid> = page.items.iter().map(|(_, a)| a.partnership_id).collect();
        ctx.loaders().prime_applications(&services.db, &ids).await?;
    }
    if nodes_select(ctx, &["history"]) {
        let ids: Vec<Uuid> = page.items.iter().map(|(_, a)| a.id).collect();
        ctx.loaders().prime_application_history(&services.db, &ids).await?;
    }
    Ok(connection(page, Application))
}

#[derive(Default)]
pub struct ApplicationQuery;

#[Object]
impl ApplicationQuery {
    /// The applications of the caller's organisations (as a member of a partner organisation) and those the
    /// caller started, newest first; for staff too, only their own.
    #[graphql(guard = "SignedInUser")]
    async fn my_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<Application>> {
        let page = page_request(ctx, first, after, last, before)?;
        list(ctx, ApplicationFilter { mine: true, ..Default::default() }, None, page).await
    }

    /// Every application (staff), filtered and sorted.
    #[graphql(guard = "RoleGuard(STAFF)")]
    #[allow(clippy::too_many_arguments)]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which applications; null: all.")] filter: Option<ApplicationsFilter>,
        #[graphql(desc = "The order; null: CREATED_AT (newest first).")] sort: Option<ApplicationSort>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<Application>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let country = match filter.country.as_deref() {
            Some(code) => {
                let code = CountryCode::parse(code)?;
                Some(ctx.services().countries.find(&code).map_or(code.as_str().to_owned(), |c| c.code.clone()))
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
    async fn check_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application; an unknown or invisible one is a NOT_FOUND error.")] id: ID,
    ) -> async_graphql::Result<ApplicationCheck> {
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

    /// The criteria of the quality assessment with their highest scores, in the configured order (public).
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
        #[graphql(desc = "The call, the partnership and optionally the first content.")] input: CreateApplicationInput,
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
        #[graphql(desc = "The application and the sections to change.")] input: UpdateApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = application_uuid(&input.id)?;
        payload(applications::update_application(services, principal, id, &input.content.into()).await)
    }

    /// Submits while the call is open and the check finds no error. Every partner must have confirmed taking
    /// part (`Partner.status` CONFIRMED): otherwise the answer is `PARTNER_NOT_CONFIRMED` on the partner.
    #[graphql(guard = "SignedInUser")]
    async fn submit_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application to submit: DRAFT or RETURNED.")] input: ApplicationMoveInput,
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
        #[graphql(desc = "The application to withdraw: DRAFT, SUBMITTED, RETURNED or ELIGIBLE.")]
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
        #[graphql(desc = "The application and what needs to change.")] input: ReturnApplicationInput,
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
        #[graphql(desc = "The application and the outcome of the check.")] input: RecordEligibilityInput,
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
        #[graphql(desc = "The application and its scores.")] input: RecordQualityAssessmentInput,
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
        #[graphql(desc = "The application and the decision.")] input: DecideApplicationInput,
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
