//! The demo expert flow: an open expert call, the demo expert's profile, applied and approved, assigned as lead
//! expert to the pilot region whose strategy is in review (accepted, with the conflict-of-interest declaration),
//! and a comment thread on that strategy: the expert's remark on an objective and the lead partner's reply.

use super::Demo;
use crate::auth::Principal;
use crate::domain::calls::{self, CallInput};
use crate::domain::experts::assignments::{self, AssignmentInput};
use crate::domain::experts::call::{self as expert_call, VettingDecision};
use crate::domain::experts::profile::{self, ProfileInput};
use crate::domain::experts::vocabulary::{CefrLevel, Expertise};
use crate::domain::strategies::{comments, content};
use crate::error::{AppError, AppResult};
use chrono::Duration;
use entity::call::CallKind;
use entity::expert_assignment::AssignmentRole;
use entity::expert_profile::{self, ExpertStatus};
use entity::{call, cross_border_region, expert_assignment, strategy, strategy_comment};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

const EXPERT_CALL: &str = "Experts for the pilot regions, 2026–2027";

impl Demo<'_> {
    /// The expert (the sixth demo account) through the expert call to a comment on the strategy in review of
    /// the region `region_name`, whose lead partner `editor` replies.
    pub(super) async fn expert_flow(&mut self, region_name: &str, editor: &Principal) -> AppResult<()> {
        let services = self.services;
        let region = cross_border_region::Entity::find()
            .filter(cross_border_region::Column::Name.eq(region_name))
            .one(&services.db)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the demo region {region_name} is missing")))?
            .id;
        let staff = self.staff().clone();
        let expert = self.users[5].clone();
        let call_id = self.expert_call().await?;
        let existing = expert_profile::Entity::find_by_id(expert.id).one(&services.db).await?;
        if existing.as_ref().is_none_or(|p| p.status == ExpertStatus::Draft) {
            let input = ProfileInput {
                headline: "Rural development and cross-border cooperation on the Iberian border".to_owned(),
                biography: "Twenty years with local action groups in Galicia and northern Portugal: strategy design, \
                            community involvement and monitoring of LEADER programmes."
                    .to_owned(),
                expertise: vec![
                    Expertise::ClldStrategyDesign,
                    Expertise::ClldCommunityEngagement,
                    Expertise::ClldRuralDevelopment,
                    Expertise::Po3Connected,
                ],
                years_experience: 20,
                countries: vec!["ES".to_owned(), "PT".to_owned()],
                languages: vec![
                    ("es".to_owned(), CefrLevel::Native),
                    ("pt".to_owned(), CefrLevel::C1),
                    ("en".to_owned(), CefrLevel::C2),
                ],
                days_per_month: 8,
                unavailable: Vec::new(),
                cv_url: Some("https://example.org/cv/erik-expert.pdf".to_owned()),
                conflicts: Vec::new(),
            };
            profile::save_profile(services, Some(&expert), &input).await?;
            let statement = "I would like to coach a pilot region on the Spanish-Portuguese border.";
            expert_call::apply(services, Some(&expert), call_id, statement).await?;
            expert_call::vet(services, Some(&staff), expert.id, VettingDecision::Approved, None).await?;
            self.report.count(true);
        } else {
            self.report.count(false);
        }
        let assigned = expert_assignment::Entity::find()
            .filter(expert_assignment::Column::ExpertId.eq(expert.id))
            .filter(expert_assignment::Column::RegionId.eq(region))
            .one(&services.db)
            .await?;
        if assigned.is_none() {
            let input = AssignmentInput {
                region_id: region,
                expert_id: expert.id,
                role: AssignmentRole::LeadExpert,
                planned_days: 4,
            };
            let assignment = assignments::assign(services, Some(&staff), &input).await?;
            let note = Some("No tie to any partner of the region.");
            assignments::accept(services, Some(&expert), assignment.id, true, note).await?;
        }
        self.report.count(assigned.is_none());
        self.comment(region, &expert, editor).await
    }

    /// The open expert call (published by staff).
    async fn expert_call(&mut self) -> AppResult<Uuid> {
        let services = self.services;
        let existing = call::Entity::find().filter(call::Column::Title.eq(EXPERT_CALL)).one(&services.db).await?;
        self.report.count(existing.is_none());
        if let Some(found) = existing {
            return Ok(found.id);
        }
        let now = services.now();
        let input = CallInput {
            kind: CallKind::Experts,
            title: EXPERT_CALL.to_owned(),
            round: 1,
            description: "Experts in CLLD and cross-border cooperation coach the pilot regions.".to_owned(),
            opens_at: now - Duration::days(30),
            closes_at: now + Duration::days(60),
            max_selections: 30,
        };
        let created = calls::create_call(services, Some(self.staff()), &input).await?;
        calls::publish_call(services, Some(self.staff()), created.id).await?;
        Ok(created.id)
    }

    /// The expert's remark on the first objective of the region's strategy, and the editor's reply.
    async fn comment(&mut self, region: Uuid, expert: &Principal, editor: &Principal) -> AppResult<()> {
        let services = self.services;
        let Some(strategy) =
            strategy::Entity::find().filter(strategy::Column::RegionId.eq(region)).one(&services.db).await?
        else {
            return Ok(());
        };
        let existing = strategy_comment::Entity::find()
            .filter(strategy_comment::Column::StrategyId.eq(strategy.id))
            .one(&services.db)
            .await?;
        self.report.count(existing.is_none());
        if existing.is_some() {
            return Ok(());
        }
        let version = strategy.current_version_id;
        let content = content::content_of(&services.db, &[version]).await?.remove(&version).unwrap_or_default();
        let objective = content.objectives.first().map(|o| o.id);
        let remark = "The target for daily connections is clear. Could you add a target for the passengers who \
                      actually cross, so the LAG sees whether the new line is used?";
        let thread = comments::add_comment(services, Some(expert), strategy.id, objective, remark).await?;
        let answer = "Good point: the bus operators on both sides count passengers; we will add it as a second target.";
        comments::reply(services, Some(editor), thread.id, answer).await?;
        Ok(())
    }
}
