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

#[derive(SimpleObject)]
pub struct StrategyPayload {
    /// The strategy after the change (its current version).
    pub strategy: Option<Strategy>,
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

#[derive(InputObject)]
pub struct CreateStrategyInput {
    pub region_id: ID,
    /// ISO 639-1 code of the language the strategy is written in.
    pub main_language: String,
}

#[derive(InputObject)]
pub struct EngagementActivityInput {
    pub held_on: NaiveDate,
    pub kind: EngagementKind,
    pub participants: i32,
    pub description: String,
}

#[derive(InputObject)]
pub struct SwotFields {
    #[graphql(default)]
    pub strengths: Vec<String>,
    #[graphql(default)]
    pub weaknesses: Vec<String>,
    #[graphql(default)]
    pub opportunities: Vec<String>,
    #[graphql(default)]
    pub threats: Vec<String>,
}

/// The texts of the draft: a field left out stays, a blank one is cleared; lists given replace the old ones.
#[derive(InputObject)]
pub struct UpdateStrategyInput {
    pub id: ID,
    /// The `revision` the editor saw; a stale one answers CONFLICT and nothing changes.
    pub revision: i32,
    pub title: Option<String>,
    pub area_description: Option<String>,
    pub population: Option<i64>,
    /// km², a decimal string.
    pub area_km2: Option<String>,
    pub community_involvement: Option<String>,
    pub engagement_activities: Option<Vec<EngagementActivityInput>>,
    pub needs_analysis: Option<String>,
    pub swot: Option<SwotFields>,
    pub management: Option<String>,
    pub monitoring: Option<String>,
    pub main_language: Option<String>,
}

#[derive(InputObject)]
pub struct ObjectiveFields {
    pub title: String,
    #[graphql(default)]
    pub description: String,
}

#[derive(InputObject)]
pub struct AddStrategyObjectiveInput {
    pub strategy_id: ID,
    #[graphql(flatten)]
    pub fields: ObjectiveFields,
}

#[derive(InputObject)]
pub struct UpdateStrategyObjectiveInput {
    pub strategy_id: ID,
    pub id: ID,
    /// The objective's `revision` the editor saw.
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: ObjectiveFields,
}

/// Removes an item (an objective with its targets and actions, a target, an action, a LAG member, a line).
#[derive(InputObject)]
pub struct RemoveStrategyItemInput {
    pub strategy_id: ID,
    pub id: ID,
    /// The item's `revision` the editor saw.
    pub revision: i32,
}

#[derive(InputObject)]
pub struct TargetFields {
    pub indicator: String,
    /// Decimal strings.
    pub baseline: Option<String>,
    pub target_value: Option<String>,
    pub unit: Option<String>,
    pub target_date: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct AddStrategyTargetInput {
    pub strategy_id: ID,
    pub objective_id: ID,
    #[graphql(flatten)]
    pub fields: TargetFields,
}

#[derive(InputObject)]
pub struct UpdateStrategyTargetInput {
    pub strategy_id: ID,
    pub id: ID,
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: TargetFields,
}

#[derive(InputObject)]
pub struct ActionFields {
    pub title: String,
    #[graphql(default)]
    pub description: String,
    pub responsible_organisation_id: Option<ID>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// EUR, a decimal string.
    pub budget: Option<String>,
}

#[derive(InputObject)]
pub struct AddStrategyActionInput {
    pub strategy_id: ID,
    pub objective_id: ID,
    #[graphql(flatten)]
    pub fields: ActionFields,
}

#[derive(InputObject)]
pub struct UpdateStrategyActionInput {
    pub strategy_id: ID,
    pub id: ID,
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: ActionFields,
}

#[derive(InputObject)]
pub struct LagMemberFields {
    pub organisation_id: Option<ID>,
    /// The member's name, when not an organisation.
    pub name: Option<String>,
    pub interest_group: InterestGroup,
    /// Percent, a decimal string (e.g. "12.5").
    pub voting_share: String,
}

#[derive(InputObject)]
pub struct AddStrategyLagMemberInput {
    pub strategy_id: ID,
    #[graphql(flatten)]
    pub fields: LagMemberFields,
}

#[derive(InputObject)]
pub struct UpdateStrategyLagMemberInput {
    pub strategy_id: ID,
    pub id: ID,
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: LagMemberFields,
}

#[derive(InputObject)]
pub struct FinanceLineFields {
    pub source: FundingSource,
    /// Required for INTERREG_PROGRAMME, refused otherwise.
    pub programme_id: Option<ID>,
    pub year: i32,
    /// EUR, a decimal string.
    pub amount: String,
}

#[derive(InputObject)]
pub struct AddStrategyFinanceLineInput {
    pub strategy_id: ID,
    #[graphql(flatten)]
    pub fields: FinanceLineFields,
}

#[derive(InputObject)]
pub struct UpdateStrategyFinanceLineInput {
    pub strategy_id: ID,
    pub id: ID,
    pub revision: i32,
    #[graphql(flatten)]
    pub fields: FinanceLineFields,
}

#[derive(InputObject)]
pub struct TranslatedText {
    /// `title`, `areaDescription`, `communityInvolvement`, `needsAnalysis`, `management`, `monitoring`; for an
    /// objective or action `title` or `description`.
    pub field: String,
    /// Blank removes the translation.
    pub text: Option<String>,
}

#[derive(InputObject)]
pub struct SetStrategyTranslationInput {
    pub strategy_id: ID,
    /// An objective or action of the draft; none for the strategy's own texts.
    pub subject_id: Option<ID>,
    pub language: String,
    pub texts: Vec<TranslatedText>,
}

#[derive(InputObject)]
pub struct StrategyMoveInput {
    pub id: ID,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct RequestStrategyChangesInput {
    pub id: ID,
    /// What needs to change.
    pub note: String,
}

#[derive(InputObject)]
pub struct PublishStrategyInput {
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
        input: CreateStrategyInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let region = GlobalId::decode_as(&input.region_id, NodeType::CrossBorderRegion)?;
        payload(strategies::create_strategy(ctx.services(), ctx.actor(), region, &input.main_language).await)
    }

    /// Edits the texts (and the engagement activities and SWOT) of the draft, with the revision the editor saw.
    #[graphql(guard = "SignedInUser")]
    async fn update_strategy(
        &self,
        ctx: &Context<'_>,
        input: UpdateStrategyInput,
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

    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_objective(
        &self,
        ctx: &Context<'_>,
        input: AddStrategyObjectiveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_objective(ctx.services(), ctx.actor(), id, add(None, input.fields.into_domain())).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_objective(
        &self,
        ctx: &Context<'_>,
        input: UpdateStrategyObjectiveInput,
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
        input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_objective(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_target(
        &self,
        ctx: &Context<'_>,
        input: AddStrategyTargetInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let objective = item_uuid(&input.objective_id)?;
        payload(
            content::change_target(ctx.services(), ctx.actor(), id, add(Some(objective), input.fields.into_domain()))
                .await,
        )
    }

    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_target(
        &self,
        ctx: &Context<'_>,
        input: UpdateStrategyTargetInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain())?;
        payload(content::change_target(ctx.services(), ctx.actor(), id, change).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_target(
        &self,
        ctx: &Context<'_>,
        input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_target(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_action(
        &self,
        ctx: &Context<'_>,
        input: AddStrategyActionInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let objective = item_uuid(&input.objective_id)?;
        payload(
            content::change_action(ctx.services(), ctx.actor(), id, add(Some(objective), input.fields.into_domain()?))
                .await,
        )
    }

    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_action(
        &self,
        ctx: &Context<'_>,
        input: UpdateStrategyActionInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain()?)?;
        payload(content::change_action(ctx.services(), ctx.actor(), id, change).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_action(
        &self,
        ctx: &Context<'_>,
        input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_action(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_lag_member(
        &self,
        ctx: &Context<'_>,
        input: AddStrategyLagMemberInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(
            content::change_lag_member(ctx.services(), ctx.actor(), id, add(None, input.fields.into_domain()?)).await,
        )
    }

    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_lag_member(
        &self,
        ctx: &Context<'_>,
        input: UpdateStrategyLagMemberInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain()?)?;
        payload(content::change_lag_member(ctx.services(), ctx.actor(), id, change).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_lag_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_lag_member(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_finance_line(
        &self,
        ctx: &Context<'_>,
        input: AddStrategyFinanceLineInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(
            content::change_finance_line(ctx.services(), ctx.actor(), id, add(None, input.fields.into_domain()?)).await,
        )
    }

    #[graphql(guard = "SignedInUser")]
    async fn update_strategy_finance_line(
        &self,
        ctx: &Context<'_>,
        input: UpdateStrategyFinanceLineInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        let change = update(&input.id, input.revision, input.fields.into_domain()?)?;
        payload(content::change_finance_line(ctx.services(), ctx.actor(), id, change).await)
    }

    #[graphql(guard = "SignedInUser")]
    async fn remove_strategy_finance_line(
        &self,
        ctx: &Context<'_>,
        input: RemoveStrategyItemInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.strategy_id)?;
        payload(content::change_finance_line(ctx.services(), ctx.actor(), id, remove(&input)?).await)
    }

    /// Sets translations of texts of the draft into another language than the main one.
    #[graphql(guard = "SignedInUser")]
    async fn set_strategy_translation(
        &self,
        ctx: &Context<'_>,
        input: SetStrategyTranslationInput,
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
        input: StrategyMoveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::submit(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }

    /// Sends the strategy under review back for changes, with a note (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn request_strategy_changes(
        &self,
        ctx: &Context<'_>,
        input: RequestStrategyChangesInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::request_changes(ctx.services(), ctx.actor(), id, &input.note).await)
    }

    /// Adopts the strategy under review (staff), only when `checkStrategy` finds no error.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn adopt_strategy(
        &self,
        ctx: &Context<'_>,
        input: StrategyMoveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::adopt(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }

    /// Publishes an adopted strategy (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn publish_strategy(
        &self,
        ctx: &Context<'_>,
        input: PublishStrategyInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::publish(ctx.services(), ctx.actor(), id).await)
    }

    /// Opens a new draft version of an adopted or published strategy (its editors); earlier versions stay.
    #[graphql(guard = "SignedInUser")]
    async fn amend_strategy(
        &self,
        ctx: &Context<'_>,
        input: StrategyMoveInput,
    ) -> async_graphql::Result<StrategyPayload> {
        let id = strategy_uuid(&input.id)?;
        payload(workflow::amend(ctx.services(), ctx.actor(), id, input.note.as_deref()).await)
    }
}
