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
    /// Policy objective 1: a more competitive and smarter Europe.
    #[graphql(name = "PO1_SMARTER")]
    Po1Smarter,
    /// Policy objective 2: a greener, low-carbon Europe.
    #[graphql(name = "PO2_GREENER")]
    Po2Greener,
    /// Policy objective 3: a more connected Europe.
    #[graphql(name = "PO3_CONNECTED")]
    Po3Connected,
    /// Policy objective 4: a more social and inclusive Europe.
    #[graphql(name = "PO4_SOCIAL")]
    Po4Social,
    /// Policy objective 5: a Europe closer to citizens.
    #[graphql(name = "PO5_CITIZENS")]
    Po5Citizens,
    /// Interreg-specific objective: a better cooperation governance.
    IsoGovernance,
    /// Interreg-specific objective: a safer and more secure Europe.
    IsoSafer,
    /// CLLD theme: designing a CLLD strategy.
    ClldStrategyDesign,
    /// CLLD theme: involving the community.
    ClldCommunityEngagement,
    /// CLLD theme: local action groups and partnership building.
    ClldLocalActionGroups,
    /// CLLD theme: monitoring and evaluation.
    ClldMonitoringEvaluation,
    /// CLLD theme: funding and project development.
    ClldFunding,
    /// CLLD theme: rural development (LEADER).
    ClldRuralDevelopment,
    /// CLLD theme: coastal and fisheries areas.
    ClldCoastalFisheries,
    /// CLLD theme: tourism and cultural heritage.
    ClldTourismCulture,
}

/// Whether an area of expertise is an Interreg policy objective or a CLLD theme.
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
    /// CEFR A1: breakthrough (beginner).
    A1,
    /// CEFR A2: waystage (elementary).
    A2,
    /// CEFR B1: threshold (intermediate).
    B1,
    /// CEFR B2: vantage (upper intermediate); the level matching counts as speaking a language.
    B2,
    /// CEFR C1: effective operational proficiency (advanced).
    C1,
    /// CEFR C2: mastery (proficient).
    C2,
    /// A native speaker (counts as above C2).
    Native,
}

/// Where an expert's profile stands in the expert call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::expert_profile::ExpertStatus")]
pub enum ExpertStatus {
    /// A profile, not applied to an expert call yet.
    Draft,
    /// Applied to an expert call, waiting for vetting.
    Applied,
    /// Selected: may be matched and assigned.
    Approved,
    /// Not selected by staff (`vettingReason` says why); the expert may apply again.
    Rejected,
}

/// The role of an expert in a region's expert team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::expert_assignment::AssignmentRole")]
pub enum AssignmentRole {
    /// Leads the region's expert team (one at a time).
    LeadExpert,
    /// A member of the region's expert team.
    Expert,
}

/// Where an assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::expert_assignment::AssignmentStatus")]
pub enum AssignmentStatus {
    /// Proposed by staff; its days are held until the expert answers.
    Proposed,
    /// Accepted by the expert with a declaration of no conflict of interest; its days stay held.
    Accepted,
    /// Declined by the expert; its days are free again.
    Declined,
    /// Ended by staff; its days are free again.
    Ended,
}

/// The decision of staff on an expert who applied to an expert call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VettingDecisionName {
    /// Selected: the expert may be matched and assigned.
    Approved,
    /// Not selected; a reason is required and mailed to the expert.
    Rejected,
}

/// One term of the expertise vocabulary.
#[derive(SimpleObject)]
pub struct ExpertiseTerm {
    /// The code of the area.
    pub area: ExpertiseArea,
    /// A policy objective or a CLLD theme.
    pub kind: ExpertiseKind,
    /// Its short name, in English.
    pub name: &'static str,
    /// What it covers, in one or two English sentences.
    pub description: &'static str,
}

/// A language an expert speaks and how well.
#[derive(SimpleObject, Clone)]
pub struct LanguageSkill {
    /// ISO 639-1 code.
    pub language: String,
    /// How well, on the CEFR scale.
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
    /// The first day (ISO 8601 date).
    pub from: NaiveDate,
    /// The last day (ISO 8601 date), not before `from`.
    pub until: NaiveDate,
}

/// How much of their time an expert gives.
#[derive(SimpleObject)]
pub struct Availability {
    /// Days a month the expert can give (0–31), as declared in the profile.
    pub days_per_month: i32,
    /// Days a month planned by proposed and accepted assignments.
    pub planned_days_per_month: i32,
    /// Days a month still free: `daysPerMonth` less `plannedDaysPerMonth`, never below 0.
    pub free_days_per_month: i32,
    /// Periods in which the expert cannot work.
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

/// An expert's profile and their application to an expert call: visible to the expert themself and to staff only
/// (null for anybody else). The public sees only a region's assigned experts (`AssignedExpert`).
#[Object]
impl ExpertProfile {
    /// The profile's global ID.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::ExpertProfile, &self.0.user_id.to_string())
    }
    /// The expert's user account.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(ctx.loaders().users.load_one(self.0.user_id).await?.map(User))
    }
    /// A one-line summary of the expert's profile.
    async fn headline(&self) -> &str {
        &self.0.headline
    }
    /// A longer presentation of the expert (plain text; may be empty).
    async fn biography(&self) -> &str {
        &self.0.biography
    }
    /// The expert's areas of expertise.
    async fn expertise(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ExpertiseArea>> {
        Ok(self.details(ctx).await?.expertise.into_iter().map(Into::into).collect())
    }
    /// Years of professional experience.
    async fn years_of_experience(&self) -> i32 {
        self.0.years_experience
    }
    /// ISO codes of the countries the expert has worked in.
    async fn countries_of_experience(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(self.details(ctx).await?.countries)
    }
    /// The languages the expert speaks, with their CEFR levels.
    async fn languages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LanguageSkill>> {
        Ok(self.details(ctx).await?.languages.iter().map(Into::into).collect())
    }
    /// The days a month the expert gives, those already planned by assignments, and unavailable periods.
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
        Ok(ids.iter().filter_map(|id| found.get(id).cloned().map(Organisation::from)).collect())
    }
    /// Where the profile stands in the expert call.
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
    /// When the expert applied to the expert call; null before.
    async fn applied_at(&self) -> Option<DateTime<Utc>> {
        self.0.applied_at
    }
    /// When staff vetted the application; null before.
    async fn vetted_at(&self) -> Option<DateTime<Utc>> {
        self.0.vetted_at
    }
    /// The reason given with the vetting decision (always given for a rejection).
    async fn vetting_reason(&self) -> Option<&str> {
        self.0.vetting_reason.as_deref()
    }
    /// The expert's assignments to regions, newest first.
    async fn assignments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ExpertAssignment>> {
        assignments_of(ctx, self.0.user_id).await
    }
    /// When the profile was first saved.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the profile last changed.
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

/// A language the expert speaks and how well.
#[derive(InputObject)]
pub struct LanguageSkillInput {
    /// ISO 639-1 code.
    pub language: String,
    /// How well, on the CEFR scale.
    pub level: CefrLevel,
}

/// The whole profile; saving replaces what was there.
#[derive(InputObject)]
pub struct SaveExpertProfileInput {
    /// A one-line summary of the expert's profile; required.
    pub headline: String,
    /// A longer presentation (plain text).
    #[graphql(default)]
    pub biography: String,
    /// Areas of expertise.
    #[graphql(default)]
    pub expertise: Vec<ExpertiseArea>,
    /// Years of professional experience.
    #[graphql(default)]
    pub years_of_experience: i32,
    /// ISO codes of eligible countries.
    #[graphql(default)]
    pub countries_of_experience: Vec<String>,
    /// Languages spoken, each with its CEFR level.
    #[graphql(default)]
    pub languages: Vec<LanguageSkillInput>,
    /// Days a month the expert can give (0–31).
    pub days_per_month: i32,
    /// Periods in which the expert cannot work.
    #[graphql(default)]
    pub unavailable: Vec<DatePeriod>,
    /// An http or https link.
    pub cv_url: Option<String>,
    /// Organisations the expert declares a conflict of interest with.
    #[graphql(default)]
    pub conflict_organisation_ids: Vec<ID>,
}

/// The result of a change to an expert profile.
#[derive(SimpleObject)]
pub struct ExpertProfilePayload {
    /// The profile as changed; null when the change was not made.
    pub expert_profile: Option<ExpertProfile>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// An application of the caller to an expert call.
#[derive(InputObject)]
pub struct ApplyToExpertCallInput {
    /// A published, open call of kind EXPERTS.
    pub call_id: ID,
    /// Why the expert applies (at most 2000 characters).
    pub statement: String,
}

/// The vetting decision on an expert who applied.
#[derive(InputObject)]
pub struct VetExpertInput {
    /// The expert's profile (or user) ID.
    pub expert_id: ID,
    /// Approve or reject.
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

/// Conditions on the listed experts; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ExpertFilter {
    /// Has this area of expertise.
    pub expertise: Option<ExpertiseArea>,
    /// Speaks this language (ISO 639-1) at B2 or better.
    pub language: Option<String>,
    /// Has experience in this country (ISO code).
    pub country: Option<String>,
    /// Is in this status.
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
    #[graphql(guard = "RoleGuard(STAFF)")]
    #[allow(clippy::too_many_arguments)]
    async fn experts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only experts meeting these conditions.")] filter: Option<ExpertFilter>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
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
        #[graphql(desc = "The whole profile.")] input: SaveExpertProfileInput,
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
        #[graphql(desc = "The expert call and the statement.")] input: ApplyToExpertCallInput,
    ) -> async_graphql::Result<ExpertProfilePayload> {
        let call_id = call_uuid(&input.call_id)?;
        profile_payload(call::apply(ctx.services(), ctx.actor(), call_id, &input.statement).await)
    }

    /// Vets an applied expert (staff): APPROVED, or REJECTED with a reason; the expert is mailed.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn vet_expert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The expert and the decision.")] input: VetExpertInput,
    ) -> async_graphql::Result<ExpertProfilePayload> {
        let id = expert_uuid(&input.expert_id)?;
        let decision = match input.decision {
            VettingDecisionName::Approved => VettingDecision::Approved,
            VettingDecisionName::Rejected => VettingDecision::Rejected,
        };
        profile_payload(call::vet(ctx.services(), ctx.actor(), id, decision, input.reason.as_deref()).await)
    }
}
