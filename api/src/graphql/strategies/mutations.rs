//! Mutations of strategies: creating one, editing its draft (texts, objectives, targets, actions, LAG members,
//! the financial plan, translations) with the revision the editor saw, and the workflow moves.

use super::{EngagementKind, FundingSource, InterestGroup, Strategy, strategy_uuid};
use crate::auth::STAFF;
use crate::auth::guard::{RoleGuard, SignedInUser};
use crate::domain::strategies::content::{
    self, ActionInput, EngagementInput, FinanceLineInput, ItemChange, LagMemberInput, ObjectiveInput, SwotInput,
    TargetInput,
};
use crate::domain::strategies::{self, StrategyTexts, StrategyView, translations, workflow};
use crate::error::{AppError, AppResult, UserError};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use uuid::Uuid;

/// The result of a change to a strategy.
#[derive(SimpleObject)]
pub struct StrategyPayload {
    /// The strategy after the change (its current version).
    pub strategy: Option<Strategy>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn payload(result: AppResult<StrategyView>) -> async_graphql::Result<StrategyPayload> {
    let (view, user_errors) = into_payload(result)?;
    Ok(StrategyPayload { strategy: view.map(|view| Strategy { view, language: None }), user_errors })
}

/// The UUID of a content item (objective, target, ...), as given in its `id`.
fn item_uuid(id: &ID) -> AppResult<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::BadUserInput(format!("`{}` is not an item ID", id.as_str())))
}

fn optional_uuid(id: &Option<ID>, node_type: NodeType) -> AppResult<Option<Uuid>> {
    id.as_ref().map(|id| GlobalId::decode_as(id, node_type)).transpose()
}

/// A new strategy for a region.
#[derive(InputObject)]
pub struct CreateStrategyInput {
    /// The cross-border region (global ID); it must be a pilot (or alumni) region without a strategy.
    pub region_id: ID,
    /// ISO 639-1 code of the language the strategy is written in.
    pub main_language: String,
}

/// An engagement activity of the community involvement process.
#[derive(InputObject)]
pub struct EngagementActivityInput {
    /// The day the activity was held.
    pub held_on: NaiveDate,
    /// The kind of activity.
    pub kind: EngagementKind,
    /// The number of participants (0 or more).
    pub participants: i32,
    /// What was done and with whom.
    pub description: String,
}

/// The SWOT analysis: each list replaces the old one (an omitted list is emptied).
#[derive(InputObject)]
pub struct SwotFields {
    /// Strengths of the area, short texts.
    #[graphql(default)]
    pub strengths: Vec<String>,
    /// Weaknesses of the area, short texts.
    #[graphql(default)]
    pub weaknesses: Vec<String>,
    /// Opportunities for the area, short texts.
    #[graphql(default)]
    pub opportunities: Vec<String>,
    /// Threats to the area, short texts.
    #[graphql(default)]
    pub threats: Vec<String>,
}

/// The texts of the draft: a field left out stays, a blank one is cleared; lists given replace the old ones.
#[derive(InputObject)]
pub struct UpdateStrategyInput {
    /// The strategy's global ID.
    pub id: ID,
    /// The `revision` the editor saw; a stale one answers CONFLICT and nothing changes.
    pub revision: i32,
    /// The title.
    pub title: Option<String>,
    /// Article 32 (a): the geographical area.
    pub area_description: Option<String>,
    /// Article 32 (a): the population covered (0 or more).
    pub population: Option<i64>,
    /// km², a decimal string.
    pub area_km2: Option<String>,
    /// Article 32 (b): the community involvement process.
    pub community_involvement: Option<String>,
    /// Replaces the engagement activities with this list.
    pub engagement_activities: Option<Vec<EngagementActivityInput>>,
    /// Article 32 (c): the development needs and potential.
    pub needs_analysis: Option<String>,
    /// Replaces the SWOT analysis.
    pub swot: Option<SwotFields>,
    /// Article 32 (e): management arrangements.
    pub management: Option<String>,
    /// Article 32 (e): monitoring and evaluation arrangements.
    pub monitoring: Option<String>,
    /// Changes the language the strategy is written in (ISO 639-1 code).
    pub main_language: Option<String>,
}

#[derive(InputObject)]
pub struct ObjectiveFields {
    /// The objective's title, in the main language.
    pub title: String,
    /// The objective's description, in the main language; empty when omitted.
    #[graphql(default)]
    pub description: String,
}

/// A new objective of a draft strategy.
#[derive(InputObject)]
pub struct AddStrategyObjectiveInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    #[graphql(flatten)]
    pub fields: ObjectiveFields,
}

/// New values of an objective of a draft strategy.
#[derive(InputObject)]
pub struct UpdateStrategyObjectiveInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The objective's `id`.
    pub id: ID,
    /// The objective's `revision` the editor saw.
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: ObjectiveFields,
}

/// Removes an item (an objective with its targets and actions, a target, an action, a LAG member, a line).
#[derive(InputObject)]
pub struct RemoveStrategyItemInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The item's `id`.
    pub id: ID,
    /// The item's `revision` the editor saw.
    pub revision: i32,
}

#[derive(InputObject)]
pub struct TargetFields {
    /// What is measured, in the main language.
    pub indicator: String,
    /// Decimal strings.
    pub baseline: Option<String>,
    /// The value to reach, a decimal string.
    pub target_value: Option<String>,
    /// The unit of the baseline and target value (e.g. `jobs`, `ha`, `%`).
    pub unit: Option<String>,
    /// The day by which the target value should be reached.
    pub target_date: Option<NaiveDate>,
}

/// A new measurable target of an objective of a draft strategy.
#[derive(InputObject)]
pub struct AddStrategyTargetInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The objective's `id`.
    pub objective_id: ID,
    #[graphql(flatten)]
    pub fields: TargetFields,
}

/// New values of a target of a draft strategy.
#[derive(InputObject)]
pub struct UpdateStrategyTargetInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The target's `id`.
    pub id: ID,
    /// The target's `revision` the editor saw.
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: TargetFields,
}

#[derive(InputObject)]
pub struct ActionFields {
    /// The action's title, in the main language.
    pub title: String,
    /// The action's description, in the main language; empty when omitted.
    #[graphql(default)]
    pub description: String,
    /// The responsible organisation (global ID).
    pub responsible_organisation_id: Option<ID>,
    /// The planned first day.
    pub starts_on: Option<NaiveDate>,
    /// The planned last day (not before `startsOn`).
    pub ends_on: Option<NaiveDate>,
    /// EUR, a decimal string.
    pub budget: Option<String>,
}

/// A new planned action of an objective of a draft strategy.
#[derive(InputObject)]
pub struct AddStrategyActionInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The objective's `id`.
    pub objective_id: ID,
    #[graphql(flatten)]
    pub fields: ActionFields,
}

/// New values of an action of a draft strategy.
#[derive(InputObject)]
pub struct UpdateStrategyActionInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The action's `id`.
    pub id: ID,
    /// The action's `revision` the editor saw.
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: ActionFields,
}

#[derive(InputObject)]
pub struct LagMemberFields {
    /// The member's organisation (global ID); give it or `name`.
    pub organisation_id: Option<ID>,
    /// The member's name, when not an organisation.
    pub name: Option<String>,
    /// The interest group the member represents.
    pub interest_group: InterestGroup,
    /// Percent, a decimal string (e.g. "12.5").
    pub voting_share: String,
}

/// A new member of the local action group of a draft strategy.
#[derive(InputObject)]
pub struct AddStrategyLagMemberInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    #[graphql(flatten)]
    pub fields: LagMemberFields,
}

/// New values of a member of the local action group of a draft strategy.
#[derive(InputObject)]
pub struct UpdateStrategyLagMemberInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The member's `id`.
    pub id: ID,
    /// The member's `revision` the editor saw.
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: LagMemberFields,
}

#[derive(InputObject)]
pub struct FinanceLineFields {
    /// Where the money comes from.
    pub source: FundingSource,
    /// Required for INTERREG_PROGRAMME, refused otherwise.
    pub programme_id: Option<ID>,
    /// The year of the money (2021 to 2040).
    pub year: i32,
    /// EUR, a decimal string.
    pub amount: String,
}

/// A new line of the financial plan of a draft strategy.
#[derive(InputObject)]
pub struct AddStrategyFinanceLineInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    #[graphql(flatten)]
    pub fields: FinanceLineFields,
}

/// New values of a line of the financial plan of a draft strategy.
#[derive(InputObject)]
pub struct UpdateStrategyFinanceLineInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The line's `id`.
    pub id: ID,
    /// The line's `revision` the editor saw.
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: FinanceLineFields,
}

/// One text of a translation.
#[derive(InputObject)]
pub struct TranslatedText {
    /// `title`, `areaDescription`, `communityInvolvement`, `needsAnalysis`, `management`, `monitoring`; for an
    /// objective or action `title` or `description`.
    pub field: String,
    /// Blank removes the translation.
    pub text: Option<String>,
}

/// Translations of texts of a draft strategy (or of one of its objectives or actions) into one language.
#[derive(InputObject)]
pub struct SetStrategyTranslationInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// An objective or action of the draft; none for the strategy's own texts.
    pub subject_id: Option<ID>,
    /// The language of the translation (ISO 639-1 code), not the main language.
    pub language: String,
    /// The texts to set or remove; texts not listed stay as they are.
    pub texts: Vec<TranslatedText>,
}

/// A workflow move of a strategy, with an optional note.
#[derive(InputObject)]
pub struct StrategyMoveInput {
    /// The strategy's global ID.
    pub id: ID,
    /// A note kept in the strategy's history.
    pub note: Option<String>,
}

/// Sends a strategy under review back to its editors.
#[derive(InputObject)]
pub struct RequestStrategyChangesInput {
    /// The strategy's global ID.
    pub id: ID,
    /// What needs to change.
    pub note: String,
}

/// Publishes an adopted strategy.
#[derive(InputObject)]
pub struct PublishStrategyInput {
    /// The strategy's global ID.
    pub id: ID,
}

impl ObjectiveFields {
    fn into_domain(self) -> ObjectiveInput {
        ObjectiveInput { title: self.title, description: self.description }
    }
}

impl TargetFields {
    fn into_domain(self) -> TargetInput {
        TargetInput {
            indicator: self.indicator,
            baseline: self.baseline,
            target_value: self.target_value,
            unit: self.unit,
            target_date: self.target_date,
        }
    }
}

impl ActionFields {
    fn into_domain(self) -> AppResult<ActionInput> {
        Ok(ActionInput {
            responsible_organisation: optional_uuid(&self.responsible_organisation_id, NodeType::Organisation)?,
            title: self.title,
            description: self.description,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            budget: self.budget,
        })
    }
}

impl LagMemberFields {
    fn into_domain(self) -> AppResult<LagMemberInput> {
        Ok(LagMemberInput {
            organisation: optional_uuid(&self.organisation_id, NodeType::Organisation)?,
            name: self.name,
            interest_group: self.interest_group.into(),
            voting_share: self.voting_share,
        })
    }
}

impl FinanceLineFields {
    fn into_domain(self) -> AppResult<FinanceLineInput> {
        Ok(FinanceLineInput {
            source: self.source.into(),
            programme: optional_uuid(&self.programme_id, NodeType::InterregProgramme)?,
            year: self.year,
            amount: self.amount,
        })
    }
}

fn add<I>(parent: Option<Uuid>, input: I) -> ItemChange<I> {
    ItemChange::Add { parent, input }
}

fn update<I>(id: &ID, revision: i32, input: I) -> AppResult<ItemChange<I>> {
    Ok(ItemChange::Update { id: item_uuid(id)?, revision, input })
}

fn remove<I>(input: &RemoveStrategyItemInput) -> AppResult<ItemChange<I>> {
    Ok(ItemChange::Remove { id: item_uuid(&input.id)?, revision: input.revision })
}

#[derive(Default)]
pub struct StrategyMutation;

#[Object]
impl StrategyMutation {
    /// Starts the strategy of a region (owners and editors of an organisation of one of its partnerships).
    #[graphql(guard = "SignedInUser")]
    async fn create_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region and the main language.")] input: CreateStrategyInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let region = GlobalId::decode_as(&input.region_id, NodeType::CrossBorderRegion)?;
        payload(strategies::create_strategy(ctx.services(), ctx.actor(), region, &input.main_language).await)
    }

    /// Edits the texts (and the engagement activities and SWOT) of the draft, with the revision the editor saw.
    #[graphql(guard = "SignedInUser")]
    async fn update_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy, the revision seen and the texts to change.")] input: UpdateStrategyInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        let texts = StrategyTexts {
            title: input.title,
            area_description: input.area_description,
            population: input.population,
            area_km2: input.area_km2,
            community_involvement: input.community_involvement,
            needs_analysis: input.needs_analysis,
            management: input.management,
            monitoring: input.monitoring,
            main_language: input.main_language,
            engagements: input.engagement_activities.map(|list| {
                list.into_iter()
                    .map(|e| EngagementInput {
                        held_on: e.held_on,
                        kind: e.kind.into(),
                        participants: e.participants,
                        description: e.description,
                    })
                    .collect()
            }),
            swot: input.swot.map(|s| SwotInput {
                strengths: s.strengths,
                weaknesses: s.weaknesses,
                opportunities: s.opportunities,
                threats: s.threats,
            }),
        };
        payload(strategies::update_strategy(ctx.services(), ctx.actor(), id, input.revision, &texts).await)
    }

    /// Adds an objective to the draft. Owners and editors of an organisation of one of the region's partnerships,
    /// while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise)..
    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_objective(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy and the objective.")] input: AddStrategyObjectiveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_objective(ctx.services(), ctx.actor(), id, add(None, input.fields.into_domain())).await)
    }

    /// Changes an objective of the draft. Owners and editors of an organisation of one of the region's partnerships,
    /// while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale `revision` answers
    /// CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_objective(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The objective, its revision seen and its new values.")] input: UpdateStrategyObjectiveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain())?;
        payload(content::change_objective(ctx.services(), ctx.actor(), id, change).await)
    }

    /// Removes an objective with its targets and actions.
    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_objective(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy, the item and its revision seen.")] input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_objective(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    /// Adds a measurable target to an objective of the draft. Owners and editors of an organisation of one of the
    /// region's partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise).
    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The objective and the target.")] input: AddStrategyTargetInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let objective = item_uuid(&input.objective_id)?;
        payload(
            content::change_target(ctx.services(), ctx.actor(), id, add(Some(objective), input.fields.into_domain()))
                .await,
        )
    }

    /// Changes a target of the draft. Owners and editors of an organisation of one of the region's partnerships,
    /// while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale `revision` answers
    /// CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The target, its revision seen and its new values.")] input: UpdateStrategyTargetInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain())?;
        payload(content::change_target(ctx.services(), ctx.actor(), id, change).await)
    }

    /// Removes a target of the draft. Owners and editors of an organisation of one of the region's partnerships,
    /// while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale `revision` answers
    /// CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy, the item and its revision seen.")] input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_target(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    /// Adds a planned action to an objective of the draft. Owners and editors of an organisation of one of the
    /// region's partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise).
    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The objective and the action.")] input: AddStrategyActionInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let objective = item_uuid(&input.objective_id)?;
        payload(
            content::change_action(ctx.services(), ctx.actor(), id, add(Some(objective), input.fields.into_domain()?))
                .await,
        )
    }

    /// Changes an action of the draft. Owners and editors of an organisation of one of the region's partnerships,
    /// while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale `revision` answers
    /// CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action, its revision seen and its new values.")] input: UpdateStrategyActionInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain()?)?;
        payload(content::change_action(ctx.services(), ctx.actor(), id, change).await)
    }

    /// Removes an action of the draft. Owners and editors of an organisation of one of the region's partnerships,
    /// while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale `revision` answers
    /// CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy, the item and its revision seen.")] input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_action(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    /// Adds a member to the local action group of the draft. Owners and editors of an organisation of one of the
    /// region's partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise).
    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_lag_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy and the member.")] input: AddStrategyLagMemberInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(
            content::change_lag_member(ctx.services(), ctx.actor(), id, add(None, input.fields.into_domain()?)).await,
        )
    }

    /// Changes a member of the local action group of the draft. Owners and editors of an organisation of one of the
    /// region's partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale
    /// `revision` answers CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_lag_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member, its revision seen and its new values.")] input: UpdateStrategyLagMemberInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain()?)?;
        payload(content::change_lag_member(ctx.services(), ctx.actor(), id, change).await)
    }

    /// Removes a member of the local action group of the draft. Owners and editors of an organisation of one of the
    /// region's partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale
    /// `revision` answers CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_lag_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy, the item and its revision seen.")] input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_lag_member(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    /// Adds a line to the financial plan of the draft. Owners and editors of an organisation of one of the region's
    /// partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise).
    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_finance_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy and the line.")] input: AddStrategyFinanceLineInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(
            content::change_finance_line(ctx.services(), ctx.actor(), id, add(None, input.fields.into_domain()?)).await,
        )
    }

    /// Changes a line of the financial plan of the draft. Owners and editors of an organisation of one of the
    /// region's partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale
    /// `revision` answers CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_finance_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line, its revision seen and its new values.")] input: UpdateStrategyFinanceLineInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain()?)?;
        payload(content::change_finance_line(ctx.services(), ctx.actor(), id, change).await)
    }

    /// Removes a line of the financial plan of the draft. Owners and editors of an organisation of one of the
    /// region's partnerships, while the version is a DRAFT or CHANGES_REQUESTED (INVALID_STATE otherwise); a stale
    /// `revision` answers CONFLICT and changes nothing.
    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_finance_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy, the item and its revision seen.")] input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_finance_line(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    /// Sets translations of texts of the draft into another language than the main one.
    #[graphql(guard = "SignedInUser")]
    async fn set_strategy_translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy or item, the language and the texts.")] input: SetStrategyTranslationInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let subject = input.subject_id.as_ref().map(item_uuid).transpose()?;
        let texts: Vec<(String, Option<String>)> = input.texts.into_iter().map(|t| (t.field, t.text)).collect();
        payload(translations::set_translations(ctx.services(), ctx.actor(), id, subject, &input.language, &texts).await)
    }

    /// Submits the draft for review (its editors).
    #[graphql(guard = "SignedInUser")]
    async fn submit_strategy_for_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy and an optional note.")] input: StrategyMoveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::submit(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }

    /// Sends the strategy under review back for changes, with a note (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn request_strategy_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy and what needs to change.")] input: RequestStrategyChangesInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::request_changes(ctx.services(), ctx.actor(), id, &input.note).await)
    }

    /// Adopts the strategy under review (staff), only when `checkStrategy` finds no error.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn adopt_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy and an optional note.")] input: StrategyMoveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::adopt(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }

    /// Publishes an adopted strategy (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn publish_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy to publish.")] input: PublishStrategyInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::publish(ctx.services(), ctx.actor(), id).await)
    }

    /// Opens a new draft version of an adopted or published strategy (its editors); earlier versions stay.
    #[graphql(guard = "SignedInUser")]
    async fn amend_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy and an optional note.")] input: StrategyMoveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::amend(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }
}
