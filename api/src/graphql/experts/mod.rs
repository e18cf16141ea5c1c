//! GraphQL of experts: the expertise vocabulary (public), the expert's own profile and assignments, the expert
//! call (`applyToExpertCall`, `vetExpert`), staff lists, assignments; matching is in `matching`.

pub mod assignments;
pub mod matching;

pub use assignments::{AssignedExpert, ExpertAssignment, assigned_experts, assignments_of};

use crate::auth::guard::RoleGuard;
use crate::auth::{Role, STAFF};
use crate::domain::experts::call::{self, VettingDecision};
use crate::domain::experts::profile::{self, ExpertFilter as DomainFilter, ProfileInput};
use crate::domain::experts::{self, ExpertDetails, Period, policy};
use crate::error::{AppResult, UserError};
use crate::graphql::accounts::User;
use crate::graphql::calls::{Call, call_uuid};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::organisations::Organisation;
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::expert_profile;
use uuid::Uuid;

/// An area of expertise: an Interreg policy objective or a CLLD theme (`expertiseAreas` describes each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::experts::Expertise")]
pub enum ExpertiseArea {
    #[graphql(name = "PO1_SMARTER")]
    Po1Smarter,
    #[graphql(name = "PO2_GREENER")]
    Po2Greener,
    #[graphql(name = "PO3_CONNECTED")]
    Po3Connected,
    #[graphql(name = "PO4_SOCIAL")]
    Po4Social,
    #[graphql(name = "PO5_CITIZENS")]
    Po5Citizens,
    IsoGovernance,
    IsoSafer,
    ClldStrategyDesign,
    ClldCommunityEngagement,
    ClldLocalActionGroups,
    ClldMonitoringEvaluation,
    ClldFunding,
    ClldRuralDevelopment,
    ClldCoastalFisheries,
    ClldTourismCulture,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::experts::ExpertiseKind")]
pub enum ExpertiseKind {
    /// An Interreg policy objective (or Interreg-specific objective) of 2021–2027.
    PolicyObjective,
    /// A theme of Community-Led Local Development.
    ClldTheme,
}

/// A CEFR level, or a native speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::experts::CefrLevel")]
pub enum CefrLevel {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
    Native,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::expert_profile::ExpertStatus")]
pub enum ExpertStatus {
    /// A profile, not applied to an expert call yet.
    Draft,
    /// Applied to an expert call, waiting for vetting.
    Applied,
    /// Selected: may be matched and assigned.
    Approved,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::expert_assignment::AssignmentRole")]
pub enum AssignmentRole {
    /// Leads the region's expert team (one at a time).
    LeadExpert,
    Expert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::expert_assignment::AssignmentStatus")]
pub enum AssignmentStatus {
    /// Proposed by staff; its days are held until the expert answers.
    Proposed,
    Accepted,
    Declined,
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VettingDecisionName {
    Approved,
    Rejected,
}

/// One term of the expertise vocabulary.
#[derive(SimpleObject)]
pub struct ExpertiseTerm {
    pub area: ExpertiseArea,
    pub kind: ExpertiseKind,
    pub name: &'static str,
    pub description: &'static str,
}

#[derive(SimpleObject, Clone)]
pub struct LanguageSkill {
    /// ISO 639-1 code.
    pub language: String,
    pub level: CefrLevel,
}

impl From<&experts::LanguageSkill> for LanguageSkill {
    fn from(l: &experts::LanguageSkill) -> Self {
        Self { language: l.language.clone(), level: l.level.into() }
    }
}

/// A period of days, both included.
#[derive(SimpleObject, InputObject, Clone, Copy)]
#[graphql(input_name = "PeriodInput")]
pub struct DatePeriod {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// How much of their time an expert gives.
#[derive(SimpleObject)]
pub struct Availability {
    pub days_per_month: i32,
    /// Days a month planned by proposed and accepted assignments.
    pub planned_days_per_month: i32,
    pub free_days_per_month: i32,
    pub unavailable: Vec<DatePeriod>,
}

/// An expert's profile: visible to the expert and to staff only.
#[derive(Clone)]
pub struct ExpertProfile(pub expert_profile::Model);

impl ExpertProfile {
    async fn details(&self, ctx: &Context<'_>) -> AppResult<ExpertDetails> {
        Ok(ctx.loaders().expert_details.load_one(self.0.user_id).await?.unwrap_or_default())
    }
}

#[Object]
impl ExpertProfile {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::ExpertProfile, &self.0.user_id.to_string())
    }
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(ctx.loaders().users.load_one(self.0.user_id).await?.map(User))
    }
    async fn headline(&self) -> &str {
        &self.0.headline
    }
    async fn biography(&self) -> &str {
        &self.0.biography
    }
    async fn expertise(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ExpertiseArea>> {
        Ok(self.details(ctx).await?.expertise.into_iter().map(Into::into).collect())
    }
    async fn years_of_experience(&self) -> i32 {
        self.0.years_experience
    }
    /// ISO codes of the countries the expert has worked in.
    async fn countries_of_experience(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(self.details(ctx).await?.countries)
    }
    async fn languages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LanguageSkill>> {
        Ok(self.details(ctx).await?.languages.iter().map(Into::into).collect())
    }
    async fn availability(&self, ctx: &Context<'_>) -> async_graphql::Result<Availability> {
        let details = self.details(ctx).await?;
        Ok(Availability {
            days_per_month: self.0.days_per_month,
            planned_days_per_month: details.committed_days,
            free_days_per_month: (self.0.days_per_month - details.committed_days).max(0),
            unavailable: details
                .unavailable
                .iter()
                .map(|p| DatePeriod { from: p.starts_on, until: p.ends_on })
                .collect(),
        })
    }
    /// An http(s) link to the expert's CV.
    async fn cv_url(&self) -> Option<&str> {
        self.0.cv_url.as_deref()
    }
    /// Organisations the expert declared a conflict of interest with.
    async fn declared_conflicts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Organisation>> {
        let ids = self.details(ctx).await?.conflicts;
        let found = ctx.loaders().organisations.load_many(ids.clone()).await?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned().map(Organisation)).collect())
    }
    async fn status(&self) -> ExpertStatus {
        self.0.status.into()
    }
    /// The expert call applied to.
    async fn call(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Call>> {
        let Some(id) = self.0.call_id else { return Ok(None) };
        Ok(ctx.loaders().calls.load_one(id).await?.map(Call))
    }
    /// The statement of the application to the expert call.
    async fn statement(&self) -> Option<&str> {
        self.0.statement.as_deref()
    }
    async fn applied_at(&self) -> Option<DateTime<Utc>> {
        self.0.applied_at
    }
    async fn vetted_at(&self) -> Option<DateTime<Utc>> {
        self.0.vetted_at
    }
    /// The reason given with the vetting decision (always given for a rejection).
    async fn vetting_reason(&self) -> Option<&str> {
        self.0.vetting_reason.as_deref()
    }
    async fn assignments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ExpertAssignment>> {
        assignments_of(ctx, self.0.user_id).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The caller's profile (for `me`) or any profile for staff; null for anybody else.
pub async fn profile_of(ctx: &Context<'_>, user_id: Uuid) -> async_graphql::Result<Option<ExpertProfile>> {
    if !policy::can_read_profile(ctx.actor(), user_id) {
        return Ok(None);
    }
    Ok(ctx.loaders().expert_profiles.load_one(user_id).await?.map(ExpertProfile))
}

#[derive(InputObject)]
pub struct LanguageSkillInput {
    /// ISO 639-1 code.
    pub language: String,
    pub level: CefrLevel,
}

/// The whole profile; saving replaces what was there.
#[derive(InputObject)]
pub struct SaveExpertProfileInput {
    pub headline: String,
    #[graphql(default)]
    pub biography: String,
    #[graphql(default)]
    pub expertise: Vec<ExpertiseArea>,
    #[graphql(default)]
    pub years_of_experience: i32,
    /// ISO codes of eligible countries.
    #[graphql(default)]
    pub countries_of_experience: Vec<String>,
    #[graphql(default)]
    pub languages: Vec<LanguageSkillInput>,
    /// Days a month the expert can give (0–31).
    pub days_per_month: i32,
    #[graphql(default)]
    pub unavailable: Vec<DatePeriod>,
    /// An http or https link.
    pub cv_url: Option<String>,
    /// Organisations the expert declares a conflict of interest with.
    #[graphql(default)]
    pub conflict_organisation_ids: Vec<ID>,
}

#[derive(SimpleObject)]
pub struct ExpertProfilePayload {
    pub expert_profile: Option<ExpertProfile>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ApplyToExpertCallInput {
    /// A published, open call of kind EXPERTS.
    pub call_id: ID,
    /// Why the expert applies (at most 2000 characters).
    pub statement: String,
}

#[derive(InputObject)]
pub struct VetExpertInput {
    /// The expert's profile (or user) ID.
    pub expert_id: ID,
    pub decision: VettingDecisionName,
    /// Required for a rejection; mailed to the expert.
    pub reason: Option<String>,
}

/// An expert named by the ID of their profile or of their user account.
pub fn expert_uuid(id: &ID) -> AppResult<Uuid> {
    match GlobalId::decode(id)?.node_type {
        NodeType::User => GlobalId::decode_as(id, NodeType::User),
        _ => GlobalId::decode_as(id, NodeType::ExpertProfile),
    }
}

fn profile_payload(result: AppResult<expert_profile::Model>) -> async_graphql::Result<ExpertProfilePayload> {
    let (profile, user_errors) = into_payload(result)?;
    Ok(ExpertProfilePayload { expert_profile: profile.map(ExpertProfile), user_errors })
}

#[derive(InputObject, Default)]
pub struct ExpertFilter {
    pub expertise: Option<ExpertiseArea>,
    /// Speaks this language (ISO 639-1) at B2 or better.
    pub language: Option<String>,
    /// Has experience in this country (ISO code).
    pub country: Option<String>,
    pub status: Option<ExpertStatus>,
    /// Has free days a month and is not in an unavailable period today (false: the others).
    pub available: Option<bool>,
}

#[derive(Default)]
pub struct ExpertQuery;

#[Object]
impl ExpertQuery {
    /// The vocabulary of expertise: Interreg policy objectives and CLLD themes, with descriptions.
    async fn expertise_areas(&self) -> Vec<ExpertiseTerm> {
        experts::Expertise::ALL
            .iter()
            .map(|e| ExpertiseTerm {
                area: (*e).into(),
                kind: e.kind().into(),
                name: e.name(),
                description: e.description(),
            })
            .collect()
    }

    /// Expert profiles by creation (staff), filtered.
    #[graphql(
        guard = "RoleGuard(STAFF)",
        complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn experts(
        &self,
        ctx: &Context<'_>,
        filter: Option<ExpertFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<ExpertProfile>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let filter = DomainFilter {
            expertise: filter.expertise.map(Into::into),
            language: filter.language,
            country: filter.country,
            status: filter.status.map(Into::into),
            available: filter.available,
        };
        let db = &ctx.services().db;
        let page = profile::list_profiles(db, ctx.actor(), &filter, ctx.now().date_naive(), &page).await?;
        Ok(connection(page, ExpertProfile))
    }
}

#[derive(Default)]
pub struct ExpertMutation;

#[Object]
impl ExpertMutation {
    /// Creates or replaces the caller's expert profile (a user with the EXPERT role).
    #[graphql(guard = "RoleGuard(&[Role::Expert])")]
    async fn save_expert_profile(
        &self,
        ctx: &Context<'_>,
        input: SaveExpertProfileInput,
    ) -> async_graphql::Result<ExpertProfilePayload> {
        let conflicts = input
            .conflict_organisation_ids
            .iter()
            .map(|id| GlobalId::decode_as(id, NodeType::Organisation))
            .collect::<AppResult<Vec<_>>>()?;
        let domain = ProfileInput {
            headline: input.headline,
            biography: input.biography,
            expertise: input.expertise.into_iter().map(Into::into).collect(),
            years_experience: input.years_of_experience,
            countries: input.countries_of_experience,
            languages: input.languages.into_iter().map(|l| (l.language, l.level.into())).collect(),
            days_per_month: input.days_per_month,
            unavailable: input.unavailable.iter().map(|p| Period { starts_on: p.from, ends_on: p.until }).collect(),
            cv_url: input.cv_url,
            conflicts,
        };
        profile_payload(profile::save_profile(ctx.services(), ctx.actor(), &domain).await)
    }

    /// Applies to a published, open expert call with a short statement; the profile must be complete.
    #[graphql(guard = "RoleGuard(&[Role::Expert])")]
    async fn apply_to_expert_call(
        &self,
        ctx: &Context<'_>,
        input: ApplyToExpertCallInput,
    ) -> async_graphql::Result<ExpertProfilePayload> {
        let call_id = call_uuid(&input.call_id)?;
        profile_payload(call::apply(ctx.services(), ctx.actor(), call_id, &input.statement).await)
    }

    /// Vets an applied expert (staff): APPROVED, or REJECTED with a reason; the expert is mailed.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn vet_expert(
        &self,
        ctx: &Context<'_>,
        input: VetExpertInput,
    ) -> async_graphql::Result<ExpertProfilePayload> {
        let id = expert_uuid(&input.expert_id)?;
        let decision = match input.decision {
            VettingDecisionName::Approved => VettingDecision::Approved,
            VettingDecisionName::Rejected => VettingDecision::Rejected,
        };
        profile_payload(call::vet(ctx.services(), ctx.actor(), id, decision, input.reason.as_deref()).await)
    }
}
