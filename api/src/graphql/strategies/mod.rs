//! GraphQL of CLLD strategies: the `Strategy` type with its Article 32 content, in the language asked for (with a
//! fallback to the main language), the public and managing authorities' list for incremental sync, and the check.
//! The mutations are in `mutations`.

pub mod comments;
pub mod mutations;
pub mod subscriptions;

use crate::domain::applications::check::Severity;
use crate::domain::strategies::check::ProblemCode;
use crate::domain::strategies::content::StrategyContent;
use crate::domain::strategies::policy::Access;
use crate::domain::strategies::translations::{languages, translated};
use crate::domain::strategies::{self, StrategyFilter as DomainFilter, StrategyView, workflow};
use crate::domain::values::LanguageCode;
use crate::error::{AppError, AppResult};
use crate::graphql::applications::ProblemSeverity;
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::organisations::Organisation;
use crate::graphql::programmes::InterregProgramme;
use crate::graphql::regions::CrossBorderRegion;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{strategy_action, strategy_engagement, strategy_finance_line, strategy_lag_member, strategy_move};
use entity::{strategy_objective, strategy_target};
use std::sync::Arc;
use uuid::Uuid;

/// The workflow status of a strategy version: DRAFT → IN_REVIEW → ADOPTED (or back to CHANGES_REQUESTED) → PUBLISHED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::strategy::StrategyStatus")]
pub enum StrategyStatus {
    /// Being written by the region's partners.
    Draft,
    /// Submitted; the programme's staff review it.
    InReview,
    /// Sent back with a note; editable again.
    ChangesRequested,
    /// Adopted: every Article 32 element is present.
    Adopted,
    /// Public.
    Published,
}

/// The kind of a community engagement activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::strategy_engagement::EngagementKind")]
pub enum EngagementKind {
    /// A workshop with local stakeholders.
    Workshop,
    /// A public meeting open to residents.
    PublicMeeting,
    /// A survey (online or on paper).
    Survey,
    /// A consultation on a draft (written comments).
    Consultation,
    /// Another kind of activity (say which in `description`).
    Other,
}

/// The interest group a member of the local action group represents; `checkStrategy` reports an error when one group
/// holds more than 49 % of the voting rights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::strategy_lag_member::InterestGroup")]
pub enum InterestGroup {
    /// Public authorities and bodies.
    PublicSector,
    /// Businesses and their associations.
    PrivateSector,
    /// Associations, NGOs and citizens' groups.
    CivilSociety,
    /// Any other interest.
    Other,
}

/// Where the money of a line of the financial plan comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::strategy_finance_line::FundingSource")]
pub enum FundingSource {
    /// An Interreg programme (named by `programmeId`).
    InterregProgramme,
    /// Another EU fund (e.g. EAFRD, ERDF outside Interreg, ESF+).
    OtherEuFund,
    /// National, regional or local public funds.
    NationalOrRegional,
    /// Private contributions.
    Private,
}

/// What a problem found by `checkStrategy` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::strategies::check::ProblemCode")]
pub enum StrategyProblemCode {
    /// An Article 32 element is missing or empty (the problem's `field` says which).
    ElementMissing,
    /// An objective has no measurable target.
    ObjectiveWithoutTarget,
    /// An objective has no planned action.
    ObjectiveWithoutAction,
    /// A target lacks its baseline, target value, unit or target date.
    TargetIncomplete,
    /// One interest group holds more than 49 % of the voting rights of the local action group.
    InterestGroupOverLimit,
    /// The voting shares of the local action group do not add up to 100 %.
    VotingSharesNot100,
    /// The financial plan has no line.
    FinancialPlanEmpty,
    /// A part of the SWOT analysis (strengths, weaknesses, opportunities or threats) is empty (a warning).
    SwotIncomplete,
}

/// An amount of money: a decimal string and its currency.
#[derive(SimpleObject, Clone)]
pub struct Money {
    /// The amount, a decimal string with two decimals (e.g. `"1200.50"`).
    pub amount: String,
    /// ISO 4217 currency code; always `EUR`.
    pub currency: String,
}

fn eur(amount: String) -> Money {
    Money { amount, currency: "EUR".to_owned() }
}

#[derive(Clone)]
pub struct Strategy {
    pub view: StrategyView,
    /// The language the reader asked for; texts without a translation come in the main language.
    pub language: Option<String>,
}

impl Strategy {
    async fn content(&self, ctx: &Context<'_>) -> AppResult<Arc<StrategyContent>> {
        Ok(ctx.loaders().strategy_content.load_one(self.view.version.id).await?.unwrap_or_default())
    }

    async fn text(&self, ctx: &Context<'_>, field: &str, main: &Option<String>) -> AppResult<Option<String>> {
        if self.language.is_none() || self.language.as_deref() == Some(self.view.version.main_language.as_str()) {
            return Ok(main.clone());
        }
        let content = self.content(ctx).await?;
        Ok(translated(&content, self.view.version.id, self.language.as_deref(), field)
            .map(str::to_owned)
            .or_else(|| main.clone()))
    }
}

/// A strategy of a cross-border region, in the version the caller may see: drafts for its partners and staff,
/// the newest reviewed version for managing authorities of the region's programmes, the newest published one for
/// everybody else.
#[Object]
impl Strategy {
    /// The strategy's global ID (the same for all its versions).
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Strategy, &self.view.strategy.id.to_string())
    }
    /// The cross-border region the strategy is for.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CrossBorderRegion>> {
        Ok(ctx.loaders().regions.load_one(self.view.strategy.region_id).await?.map(CrossBorderRegion))
    }
    /// The status of this version.
    async fn status(&self) -> StrategyStatus {
        self.view.version.status.into()
    }
    /// The number of this version (1, 2, ...); an amendment opens the next.
    async fn version(&self) -> i32 {
        self.view.version.number
    }
    /// Whether this is the newest version (an amendment may be under way: earlier versions stay readable).
    async fn is_current(&self) -> bool {
        self.view.version.id == self.view.strategy.current_version_id
    }
    /// The revision of this version's texts: pass it back with `updateStrategy`.
    async fn revision(&self) -> i32 {
        self.view.version.revision
    }
    /// The language the strategy is written in (ISO 639-1 code).
    async fn main_language(&self) -> &str {
        &self.view.version.main_language
    }
    /// The language the texts were asked in (null: the main language).
    async fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }
    /// The main language first, then every language with a translation.
    async fn languages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(languages(&self.view.version.main_language, &*self.content(ctx).await?))
    }
    /// The title, in the language asked for (the main language when not translated).
    async fn title(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.text(ctx, "title", &self.view.version.title).await?)
    }
    /// Article 32 (a): the geographical area.
    async fn area_description(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.text(ctx, "areaDescription", &self.view.version.area_description).await?)
    }
    /// Article 32 (a): the population covered (the strategy's own figure).
    async fn population(&self) -> Option<i64> {
        self.view.version.population
    }
    /// The area in km², a decimal string.
    async fn area_km2(&self) -> Option<&str> {
        self.view.version.area_km2.as_deref()
    }
    /// Article 32 (b): the community involvement process.
    async fn community_involvement(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.text(ctx, "communityInvolvement", &self.view.version.community_involvement).await?)
    }
    /// Article 32 (b): the engagement activities held (workshops, meetings, surveys...).
    async fn engagement_activities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EngagementActivity>> {
        Ok(self.content(ctx).await?.engagements.iter().cloned().map(EngagementActivity).collect())
    }
    /// Article 32 (c): the development needs and potential, in words.
    async fn needs_analysis(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.text(ctx, "needsAnalysis", &self.view.version.needs_analysis).await?)
    }
    /// Article 32 (c): the SWOT analysis.
    async fn swot(&self, ctx: &Context<'_>) -> async_graphql::Result<Swot> {
        use entity::strategy_swot_item::SwotCategory;
        let content = self.content(ctx).await?;
        let of = |c: SwotCategory| content.swot.iter().filter(|i| i.category == c).map(|i| i.text.clone()).collect();
        Ok(Swot {
            strengths: of(SwotCategory::Strength),
            weaknesses: of(SwotCategory::Weakness),
            opportunities: of(SwotCategory::Opportunity),
            threats: of(SwotCategory::Threat),
        })
    }
    /// Article 32 (d): objectives with their targets and actions.
    async fn objectives(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Objective>> {
        let content = self.content(ctx).await?;
        Ok(content
            .objectives
            .iter()
            .cloned()
            .map(|o| Objective { row: o, content: content.clone(), language: self.language.clone() })
            .collect())
    }
    /// Article 32 (e): management arrangements.
    async fn management(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.text(ctx, "management", &self.view.version.management).await?)
    }
    /// Article 32 (e): monitoring and evaluation arrangements.
    async fn monitoring(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.text(ctx, "monitoring", &self.view.version.monitoring).await?)
    }
    /// Article 32 (e): the local action group.
    async fn lag_members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LagMember>> {
        Ok(self.content(ctx).await?.lag_members.iter().cloned().map(LagMember).collect())
    }
    /// Article 32 (f): the financial plan by source and year.
    async fn financial_plan(&self, ctx: &Context<'_>) -> async_graphql::Result<FinancialPlan> {
        let content = self.content(ctx).await?;
        let total: i128 = content
            .finance_lines
            .iter()
            .filter_map(|l| strategies::decimal(&[], &l.amount, 2).ok().map(|(_, n)| n))
            .sum();
        Ok(FinancialPlan {
            lines: content.finance_lines.iter().cloned().map(FinanceLine).collect(),
            total: eur(format!("{}.{:02}", total / 100, total % 100)),
        })
    }
    /// When this version was started (created or amended).
    async fn created_at(&self) -> DateTime<Utc> {
        self.view.version.created_at
    }
    /// The last change of the strategy (any version): the first key of the sync order.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.view.strategy.updated_at
    }
    /// When this version was last submitted for review; null before.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.view.version.submitted_at
    }
    /// When staff adopted this version; null before.
    async fn adopted_at(&self) -> Option<DateTime<Utc>> {
        self.view.version.adopted_at
    }
    /// When staff published this version; null before.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.view.version.published_at
    }
    /// Every version the caller may read, oldest first (this one included).
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Strategy>> {
        let rows = strategies::versions_of(&ctx.services().db, &self.view).await?;
        Ok(rows
            .into_iter()
            .map(|version| Strategy {
                view: StrategyView { strategy: self.view.strategy.clone(), version, access: self.view.access },
                language: self.language.clone(),
            })
            .collect())
    }
    /// The comment threads (with their replies) written on this version or an earlier one, oldest first; null
    /// unless the caller is staff, an expert assigned to the region or a member of a partner organisation.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n threads (after `after`): 0 to 100; 20 when not given.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "Also the resolved threads; null or false: only the open ones.")] include_resolved: Option<
            bool,
        >,
    ) -> async_graphql::Result<Option<ConnectionOf<comments::StrategyComment>>> {
        Ok(comments::comments_of(ctx, &self.view, first, after, include_resolved.unwrap_or(false)).await?)
    }
    /// The workflow moves of the versions the caller may read, oldest first: who, when, from, to, and the note.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<StrategyMove>> {
        let db = &ctx.services().db;
        let versions: Vec<Uuid> = strategies::versions_of(db, &self.view).await?.iter().map(|v| v.id).collect();
        Ok(workflow::history_of(db, self.view.strategy.id, &versions).await?.into_iter().map(StrategyMove).collect())
    }
}

/// The SWOT analysis of the area, each part a list of short texts in the main language.
#[derive(SimpleObject)]
pub struct Swot {
    /// Strengths of the area.
    pub strengths: Vec<String>,
    /// Weaknesses of the area.
    pub weaknesses: Vec<String>,
    /// Opportunities for the area.
    pub opportunities: Vec<String>,
    /// Threats to the area.
    pub threats: Vec<String>,
}

pub struct EngagementActivity(strategy_engagement::Model);

/// An engagement activity of the community involvement process.
#[Object]
impl EngagementActivity {
    /// The day the activity was held.
    async fn held_on(&self) -> NaiveDate {
        self.0.held_on
    }
    /// The kind of activity.
    async fn kind(&self) -> EngagementKind {
        self.0.kind.into()
    }
    /// The number of participants (0 or more).
    async fn participants(&self) -> i32 {
        self.0.participants
    }
    /// What was done and with whom, in the main language.
    async fn description(&self) -> &str {
        &self.0.description
    }
}

pub struct Objective {
    row: strategy_objective::Model,
    content: Arc<StrategyContent>,
    language: Option<String>,
}

/// An objective of the strategy, with its measurable targets and planned actions.
#[Object]
impl Objective {
    /// The objective's id within this version (an amendment copies it under a new id).
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }
    /// Pass it back with `updateStrategyObjective` and `removeStrategyObjective`.
    async fn revision(&self) -> i32 {
        self.row.revision
    }
    /// The objective's title, in the language asked for (the main language when not translated).
    async fn title(&self) -> String {
        translated(&self.content, self.row.id, self.language.as_deref(), "title").unwrap_or(&self.row.title).to_owned()
    }
    /// The objective's description, in the language asked for (the main language when not translated); may be empty.
    async fn description(&self) -> String {
        translated(&self.content, self.row.id, self.language.as_deref(), "description")
            .unwrap_or(&self.row.description)
            .to_owned()
    }
    /// The measurable targets of this objective, in the order they were added.
    async fn targets(&self) -> Vec<Target> {
        self.content.targets.iter().filter(|t| t.objective_id == self.row.id).cloned().map(Target).collect()
    }
    /// The planned actions of this objective, in the order they were added.
    async fn actions(&self) -> Vec<Action> {
        self.content
            .actions
            .iter()
            .filter(|a| a.objective_id == self.row.id)
            .cloned()
            .map(|a| Action { row: a, content: self.content.clone(), language: self.language.clone() })
            .collect()
    }
}

pub struct Target(strategy_target::Model);

/// A measurable target for results: indicator, baseline, target value, unit and target date.
#[Object]
impl Target {
    /// The target's id within this version (an amendment copies it under a new id).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Pass it back with `updateStrategyTarget` and `removeStrategyTarget`.
    async fn revision(&self) -> i32 {
        self.0.revision
    }
    /// What is measured, in the main language.
    async fn indicator(&self) -> &str {
        &self.0.indicator
    }
    /// A decimal string.
    async fn baseline(&self) -> Option<&str> {
        self.0.baseline.as_deref()
    }
    /// A decimal string.
    async fn target_value(&self) -> Option<&str> {
        self.0.target_value.as_deref()
    }
    /// The unit of the baseline and target value (e.g. `jobs`, `ha`, `%`).
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }
    /// The day by which the target value should be reached.
    async fn target_date(&self) -> Option<NaiveDate> {
        self.0.target_date
    }
}

pub struct Action {
    row: strategy_action::Model,
    content: Arc<StrategyContent>,
    language: Option<String>,
}

/// A planned action of an objective.
#[Object]
impl Action {
    /// The action's id within this version (an amendment copies it under a new id).
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }
    /// Pass it back with `updateStrategyAction` and `removeStrategyAction`.
    async fn revision(&self) -> i32 {
        self.row.revision
    }
    /// The action's title, in the language asked for (the main language when not translated).
    async fn title(&self) -> String {
        translated(&self.content, self.row.id, self.language.as_deref(), "title").unwrap_or(&self.row.title).to_owned()
    }
    /// The action's description, in the language asked for (the main language when not translated); may be empty.
    async fn description(&self) -> String {
        translated(&self.content, self.row.id, self.language.as_deref(), "description")
            .unwrap_or(&self.row.description)
            .to_owned()
    }
    /// The partner organisation responsible.
    async fn responsible_organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.row.responsible_organisation_id else { return Ok(None) };
        Ok(ctx.loaders().organisations.load_one(id).await?.map(Organisation::from))
    }
    /// The planned first day of the action.
    async fn starts_on(&self) -> Option<NaiveDate> {
        self.row.starts_on
    }
    /// The planned last day of the action (not before `startsOn`).
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.row.ends_on
    }
    /// The planned budget in EUR.
    async fn budget(&self) -> Option<Money> {
        self.row.budget.clone().map(eur)
    }
}

pub struct LagMember(strategy_lag_member::Model);

/// A member of the local action group: an organisation or a person, with its interest group and voting share.
#[Object]
impl LagMember {
    /// The member's id within this version (an amendment copies it under a new id).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Pass it back with `updateStrategyLagMember` and `removeStrategyLagMember`.
    async fn revision(&self) -> i32 {
        self.0.revision
    }
    /// The member's organisation, when it is one registered here.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else { return Ok(None) };
        Ok(ctx.loaders().organisations.load_one(id).await?.map(Organisation::from))
    }
    /// The member's name when it is not an organisation of the programme.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    /// The interest group the member represents.
    async fn interest_group(&self) -> InterestGroup {
        self.0.interest_group.into()
    }
    /// Percent of the voting rights, a decimal string.
    async fn voting_share(&self) -> &str {
        &self.0.voting_share
    }
}

/// Article 32 (f): the financial plan of the strategy by source and year, with its total.
#[derive(SimpleObject)]
pub struct FinancialPlan {
    /// The lines of the plan, in the order they were added.
    pub lines: Vec<FinanceLine>,
    /// The sum of the lines.
    pub total: Money,
}

pub struct FinanceLine(strategy_finance_line::Model);

/// A line of the financial plan.
#[Object]
impl FinanceLine {
    /// The line's id within this version (an amendment copies it under a new id).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Pass it back with `updateStrategyFinanceLine` and `removeStrategyFinanceLine`.
    async fn revision(&self) -> i32 {
        self.0.revision
    }
    /// Where the money comes from.
    async fn source(&self) -> FundingSource {
        self.0.source.into()
    }
    /// The Interreg programme, for a line of source INTERREG_PROGRAMME.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<InterregProgramme>> {
        let Some(id) = self.0.programme_id else { return Ok(None) };
        Ok(ctx.loaders().programmes.load_one(id).await?.map(InterregProgramme))
    }
    /// The year of the money (2021 to 2040).
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The amount in EUR.
    async fn amount(&self) -> Money {
        Money { amount: self.0.amount.clone(), currency: self.0.currency.clone() }
    }
}

pub struct StrategyMove(strategy_move::Model);

/// The side of the programme that made a move of a strategy's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum StrategyMover {
    /// The editors of the region's partnership (drafting, submitting, amending).
    Editors,
    /// The programme's secretariat (requesting changes, adopting, publishing).
    Secretariat,
}

impl From<workflow::Mover> for StrategyMover {
    fn from(mover: workflow::Mover) -> Self {
        match mover {
            workflow::Mover::Editors => StrategyMover::Editors,
            workflow::Mover::Secretariat => StrategyMover::Secretariat,
        }
    }
}

/// One move of a strategy version along the workflow: by which side, when, from which status to which, with the
/// note. Which account made it is shown only to staff and to the person who made it.
#[Object]
impl StrategyMove {
    /// Null when the version started (created or amended).
    async fn from_status(&self) -> Option<StrategyStatus> {
        self.0.from_status.map(Into::into)
    }
    /// The status the version moved to.
    async fn to_status(&self) -> StrategyStatus {
        self.0.to_status.into()
    }
    /// The user who made the move: for staff, and for the user who made it; null for everybody else (who see
    /// `madeBy`).
    async fn actor_id(&self, ctx: &Context<'_>) -> Option<ID> {
        strategies::policy::can_see_mover(ctx.actor(), &self.0)
            .then(|| GlobalId::encode(NodeType::User, &self.0.actor_id.to_string()))
    }
    /// The side that made the move: the partnership's editors or the programme's secretariat.
    async fn made_by(&self) -> StrategyMover {
        workflow::mover_of(self.0.to_status).into()
    }
    /// The note given with the move (what needs to change, for CHANGES_REQUESTED); null when none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When the move was made.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

/// A missing Article 32 element or a broken rule of a strategy version.
#[derive(SimpleObject)]
pub struct StrategyProblem {
    /// ERROR blocks adoption; WARNING does not.
    pub severity: ProblemSeverity,
    /// What the problem is about.
    pub code: StrategyProblemCode,
    /// What to do, in English.
    pub message: String,
    /// Where: a section of the strategy, e.g. `["objectives", "<objective id>", "targets"]`.
    pub field: Vec<String>,
}

/// The result of checking a strategy version against Article 32 and the programme's rules.
#[derive(SimpleObject)]
pub struct StrategyCheck {
    /// Every problem found, errors first; empty when the version is complete.
    pub problems: Vec<StrategyProblem>,
    /// No errors (warnings allowed): staff may adopt the strategy.
    pub ready: bool,
}

/// Which strategies `strategies` lists; all conditions must hold.
#[derive(InputObject, Default)]
pub struct StrategyFilter {
    /// Strategies of regions covered by one of these Interreg programmes.
    pub programme_ids: Option<Vec<ID>>,
    /// Strategies of regions with a side in one of these countries (ISO codes).
    pub countries: Option<Vec<String>>,
    /// Only strategies whose version in view has one of these statuses.
    pub status: Option<Vec<StrategyStatus>>,
    /// Changed at or after this instant (for incremental sync; keep the `endCursor` between syncs).
    pub updated_since: Option<DateTime<Utc>>,
}

impl StrategyFilter {
    pub fn into_domain(self) -> AppResult<DomainFilter> {
        let programmes = self
            .programme_ids
            .map(|ids| {
                ids.iter().map(|id| GlobalId::decode_as(id, NodeType::InterregProgramme)).collect::<AppResult<Vec<_>>>()
            })
            .transpose()?;
        let countries = self
            .countries
            .map(|codes| {
                codes
                    .iter()
                    .map(|c| crate::domain::reference::CountryCode::parse(c).map(|c| c.as_str().to_owned()))
                    .collect::<AppResult<Vec<_>>>()
            })
            .transpose()?;
        Ok(DomainFilter {
            programmes,
            countries,
            statuses: self.status.map(|s| s.into_iter().map(Into::into).collect()),
            updated_since: self.updated_since,
        })
    }
}

pub fn strategy_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::Strategy)
}

/// A requested language, checked.
pub fn language_arg(language: Option<String>) -> AppResult<Option<String>> {
    language
        .map(|l| LanguageCode::parse("language", &l).map(LanguageCode::into_string))
        .transpose()
        .map_err(|e| AppError::BadUserInput(e.message))
}

/// Whether the selection of a list's items includes one of the content fields.
fn selects_content(ctx: &Context<'_>) -> bool {
    let look_ahead = ctx.look_ahead();
    [look_ahead.field("nodes"), look_ahead.field("edges").field("node")].iter().any(|item| {
        [
            "objectives",
            "lagMembers",
            "financialPlan",
            "swot",
            "engagementActivities",
            "languages",
            "title",
            "areaDescription",
            "communityInvolvement",
            "needsAnalysis",
            "management",
            "monitoring",
        ]
        .iter()
        .any(|f| item.field(f).exists())
    })
}

#[derive(Default)]
pub struct StrategyQuery;

#[Object]
impl StrategyQuery {
    /// A strategy by its ID, as the caller may see it (null otherwise); texts in `language` where translated.
    async fn strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy's global ID.")] id: ID,
        #[graphql(
            desc = "The language of the texts (ISO 639-1 code); texts not translated into it come in the main language. Null: the main language."
        )]
        language: Option<String>,
    ) -> async_graphql::Result<Option<Strategy>> {
        let id = strategy_uuid(&id)?;
        let language = language_arg(language)?;
        let found = strategies::views_by_id(&ctx.services().db, ctx.actor(), &[id]).await?.pop();
        Ok(found.map(|view| Strategy { view, language }))
    }

    /// The strategies the caller may see, ordered by `(updatedAt, id)`: page forward with `after: endCursor`
    /// to sync incrementally; a strategy changed meanwhile comes again later, none is skipped.
    #[allow(clippy::too_many_arguments)]
    async fn strategies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the strategies matching this filter; all the caller may see when null.")] filter: Option<
            StrategyFilter,
        >,
        #[graphql(
            desc = "The language of the texts (ISO 639-1 code); texts not translated into it come in the main language. Null: the main language."
        )]
        language: Option<String>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<Strategy>> {
        let page = page_request(ctx, first, after, last, before)?;
        let language = language_arg(language)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let db = &ctx.services().db;
        let page = strategies::list_strategies(db, ctx.actor(), &filter, &page).await?;
        if selects_content(ctx) {
            let ids: Vec<Uuid> = page.items.iter().map(|(_, v)| v.version.id).collect();
            ctx.loaders().prime_strategy_content(db, &ids).await?;
        }
        if ctx.look_ahead().field("nodes").field("region").exists()
            || ctx.look_ahead().field("edges").field("node").field("region").exists()
        {
            let ids: Vec<Uuid> = page.items.iter().map(|(_, v)| v.strategy.region_id).collect();
            let regions = crate::domain::regions::regions_by_id(db, &ids).await?;
            ctx.loaders().regions.feed_many(regions.into_iter().map(|r| (r.id, r))).await;
        }
        Ok(connection(page, |view| Strategy { view, language: language.clone() }))
    }

    /// Every missing Article 32 element and broken rule of the strategy's version the caller sees (null when the
    /// caller may not see the strategy).
    async fn check_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy's global ID.")] id: ID,
    ) -> async_graphql::Result<Option<StrategyCheck>> {
        let id = strategy_uuid(&id)?;
        let db = &ctx.services().db;
        let Some(view) = strategies::views_by_id(db, ctx.actor(), &[id]).await?.pop() else { return Ok(None) };
        let problems = workflow::problems(db, &view).await?;
        Ok(Some(StrategyCheck {
            ready: !problems.iter().any(|p| p.severity == Severity::Error),
            problems: problems
                .into_iter()
                .map(|p| StrategyProblem {
                    severity: p.severity.into(),
                    code: ProblemCode::into(p.code),
                    message: p.message,
                    field: p.field,
                })
                .collect(),
        }))
    }
}

/// Whether the caller sees this strategy at all (for `node(id:)`).
pub fn visible(view: &StrategyView) -> bool {
    view.access != Access::None
}
