//! The demo strategies: each pilot region of the demo has its CLLD strategy at another step of the workflow
//! (DRAFT, IN_REVIEW, CHANGES_REQUESTED, ADOPTED, PUBLISHED), written and moved through the strategies' own
//! commands by the region's partners and by staff, so `checkStrategy`, the history and every reader's view show
//! real data. The draft is incomplete on purpose: its check lists what is missing.

use super::{Border, Demo, language_of};
use crate::auth::Principal;
use crate::domain::programmes;
use crate::domain::strategies::content::{
    self, ActionInput, EngagementInput, FinanceLineInput, ItemChange, LagMemberInput, ObjectiveInput, SwotInput,
    TargetInput,
};
use crate::domain::strategies::{self, StrategyTexts, StrategyView, translations, workflow};
use crate::error::AppResult;
use chrono::{Datelike, NaiveDate};
use entity::strategy;
use entity::strategy::StrategyStatus;
use entity::strategy_engagement::EngagementKind;
use entity::strategy_finance_line::FundingSource;
use entity::strategy_lag_member::InterestGroup;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// An objective of a demo strategy with its one target and one action.
struct DemoObjective {
    title: &'static str,
    description: &'static str,
    indicator: &'static str,
    baseline: &'static str,
    target: &'static str,
    unit: &'static str,
    action: &'static str,
    budget: &'static str,
}

const OBJECTIVES: [DemoObjective; 2] = [
    DemoObjective {
        title: "Cross-border mobility for work and school",
        description: "Connect the towns on both sides with public transport that runs all year, so that people \
                      can commute, study and reach services across the border.",
        indicator: "Daily cross-border bus and rail connections",
        baseline: "6",
        target: "18",
        unit: "connections per day",
        action: "A joint cross-border bus line with one ticket",
        budget: "450000.00",
    },
    DemoObjective {
        title: "Year-round sustainable tourism and local food",
        description: "Extend the tourism season with walking, cycling and cultural routes, and sell local food \
                      through short supply chains on both sides.",
        indicator: "Overnight stays outside the summer season",
        baseline: "42000",
        target: "60000",
        unit: "overnight stays",
        action: "A bilingual network of trails and farm shops",
        budget: "320000.00",
    },
];

impl Demo<'_> {
    /// The strategy of a pilot region, written by `who` (an owner of its partners) and moved to `status`.
    pub(super) async fn strategy(
        &mut self,
        who: &Principal,
        border: &Border,
        region: Uuid,
        partners: &[Uuid],
        status: StrategyStatus,
    ) -> AppResult<()> {
        let existing =
            strategy::Entity::find().filter(strategy::Column::RegionId.eq(region)).one(&self.services.db).await?;
        if existing.is_some() {
            self.report.count(false);
            return Ok(());
        }
        let services = self.services;
        let view = strategies::create_strategy(services, Some(who), region, "en").await?;
        let id = view.strategy.id;
        self.report.count(true);
        if status == StrategyStatus::Draft {
            // A draft begun: a title and a first objective, no target yet (the check lists what is missing).
            let texts = StrategyTexts {
                title: Some(format!("{}: a strategy in the making", border.region)),
                area_description: Some(area_description(border)),
                ..Default::default()
            };
            strategies::update_strategy(services, Some(who), id, view.version.revision, &texts).await?;
            let objective = ObjectiveInput {
                title: OBJECTIVES[0].title.to_owned(),
                description: OBJECTIVES[0].description.to_owned(),
            };
            content::change_objective(services, Some(who), id, ItemChange::Add { parent: None, input: objective })
                .await?;
            return Ok(());
        }
        self.complete(who, border, &view, partners).await?;
        if status == StrategyStatus::Published {
            self.translate(who, border, id).await?;
        }
        workflow::submit(services, Some(who), id, Some("Agreed by the steering board of both sides.")).await?;
        let staff = self.staff().clone();
        match status {
            StrategyStatus::InReview => {}
            StrategyStatus::ChangesRequested => {
                let note = "Please add a target for the share of young people among the LAG members, and the \
                            dates of the second round of public meetings.";
                workflow::request_changes(services, Some(&staff), id, note).await?;
            }
            _ => {
                workflow::adopt(services, Some(&staff), id, Some("Complete; adopted by the programme.")).await?;
                if status == StrategyStatus::Published {
                    workflow::publish(services, Some(&staff), id).await?;
                }
            }
        }
        Ok(())
    }

    /// Every Article 32 element: texts, engagement, SWOT, objectives with targets and actions, the local action
    /// group (no interest group over 49 %) and the financial plan, so the check finds no error.
    async fn complete(
        &mut self,
        who: &Principal,
        border: &Border,
        view: &StrategyView,
        partners: &[Uuid],
    ) -> AppResult<()> {
        let services = self.services;
        let id = view.strategy.id;
        let year = services.now().year();
        let date = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default();
        let lines = |items: &[&str]| items.iter().map(|i| (*i).to_owned()).collect::<Vec<_>>();
        let texts = StrategyTexts {
            title: Some(format!("{}: living and working across the border", border.region)),
            area_description: Some(area_description(border)),
            population: Some(180_000),
            area_km2: Some("2400".to_owned()),
            community_involvement: Some(
                "Residents, businesses and associations of both sides shaped the strategy in public meetings, \
                 workshops in each language and an online survey."
                    .to_owned(),
            ),
            needs_analysis: Some(
                "The area shares a labour market and a landscape but few services: young people leave, jobs are \
                 seasonal and the border still cuts bus lines."
                    .to_owned(),
            ),
            management: Some(
                "The local action group decides on projects; a joint office with staff from both sides runs \
                 the calls and advises applicants."
                    .to_owned(),
            ),
            monitoring: Some(
                "The office reports the indicators every year to the LAG and the programme; an evaluation at \
                 mid-term and at the end."
                    .to_owned(),
            ),
            main_language: None,
            engagements: Some(vec![
                EngagementInput {
                    held_on: date(2, 12),
                    kind: EngagementKind::PublicMeeting,
                    participants: 85,
                    description: "Kick-off meetings in a town on each side.".to_owned(),
                },
                EngagementInput {
                    held_on: date(3, 20),
                    kind: EngagementKind::Survey,
                    participants: 640,
                    description: "An online survey in both languages.".to_owned(),
                },
            ]),
            swot: Some(SwotInput {
                strengths: lines(&["A shared landscape and cultural heritage", "Partners used to working together"]),
                weaknesses: lines(&["Few cross-border bus connections", "Seasonal jobs"]),
                opportunities: lines(&["Growing demand for slow tourism", "Remote work"]),
                threats: lines(&["Young people moving away", "Climate change shortening the winter season"]),
            }),
        };
        strategies::update_strategy(services, Some(who), id, view.version.revision, &texts).await?;
        for (index, demo) in OBJECTIVES.iter().enumerate() {
            let objective = ObjectiveInput { title: demo.title.to_owned(), description: demo.description.to_owned() };
            let changed =
                content::change_objective(services, Some(who), id, ItemChange::Add { parent: None, input: objective })
                    .await?;
            let objective_id = newest_objective(self, &changed).await?;
            let target = TargetInput {
                indicator: demo.indicator.to_owned(),
                baseline: Some(demo.baseline.to_owned()),
                target_value: Some(demo.target.to_owned()),
                unit: Some(demo.unit.to_owned()),
                target_date: NaiveDate::from_ymd_opt(2029, 12, 31),
            };
            let add = ItemChange::Add { parent: Some(objective_id), input: target };
            content::change_target(services, Some(who), id, add).await?;
            let action = ActionInput {
                title: demo.action.to_owned(),
                description: "Planned and financed jointly; each side runs its part.".to_owned(),
                responsible_organisation: partners.get(index % partners.len().max(1)).copied(),
                starts_on: NaiveDate::from_ymd_opt(2027, 3, 1),
                ends_on: NaiveDate::from_ymd_opt(2029, 12, 31),
                budget: Some(demo.budget.to_owned()),
            };
            let add = ItemChange::Add { parent: Some(objective_id), input: action };
            content::change_action(services, Some(who), id, add).await?;
        }
        let members = [
            (partners.first().copied(), None, InterestGroup::PublicSector, "25"),
            (partners.get(1).copied(), None, InterestGroup::PublicSector, "20"),
            (None, Some("Cross-border chamber of commerce"), InterestGroup::PrivateSector, "30"),
            (None, Some("Youth and culture association"), InterestGroup::CivilSociety, "25"),
        ];
        for (organisation, name, interest_group, share) in members {
            let member = LagMemberInput {
                organisation,
                name: name.map(str::to_owned),
                interest_group,
                voting_share: share.to_owned(),
            };
            let add = ItemChange::Add { parent: None, input: member };
            content::change_lag_member(services, Some(who), id, add).await?;
        }
        let countries: Vec<String> = border.countries.iter().map(|c| (*c).to_owned()).collect();
        let programme = programmes::covering(&services.db, &countries).await?.first().copied();
        let eu = match programme {
            Some(_) => FundingSource::InterregProgramme,
            None => FundingSource::OtherEuFund,
        };
        for (source, programme, year, amount) in [
            (eu, programme, 2027, "400000.00"),
            (eu, programme, 2028, "370000.00"),
            (FundingSource::NationalOrRegional, None, 2027, "120000.00"),
            (FundingSource::Private, None, 2028, "45000.00"),
        ] {
            let line = FinanceLineInput { source, programme, year, amount: amount.to_owned() };
            let add = ItemChange::Add { parent: None, input: line };
            content::change_finance_line(services, Some(who), id, add).await?;
        }
        Ok(())
    }

    /// The title of the strategy in the languages of the region's two sides.
    async fn translate(&mut self, who: &Principal, border: &Border, id: Uuid) -> AppResult<()> {
        for country in border.countries {
            let language = language_of(country);
            let Some((_, title)) = TITLES.iter().find(|(code, _)| *code == language) else {
                continue;
            };
            let texts = vec![("title".to_owned(), Some(format!("{}: {title}", border.region)))];
            translations::set_translations(self.services, Some(who), id, None, language, &texts).await?;
        }
        Ok(())
    }
}

/// "Living and working across the border" in the languages of the demo's sides.
const TITLES: &[(&str, &str)] = &[
    ("de", "Leben und Arbeiten über die Grenze"),
    ("sl", "Življenje in delo čez mejo"),
    ("fr", "Vivre et travailler de part et d'autre de la frontière"),
    ("el", "Ζωή και εργασία πέρα από τα σύνορα"),
    ("bg", "Да живееш и работиш отвъд границата"),
    ("pl", "Życie i praca po obu stronach granicy"),
    ("pt", "Viver e trabalhar através da fronteira"),
    ("es", "Vivir y trabajar a través de la frontera"),
    ("sv", "Att leva och arbeta över gränsen"),
    ("fi", "Elämä ja työ rajan yli"),
    ("it", "Vivere e lavorare oltre il confine"),
];

fn area_description(border: &Border) -> String {
    format!(
        "The NUTS areas {} and {} on both sides of the border between {} and {}: valleys, small towns and a \
         shared labour market.",
        border.nuts[0], border.nuts[1], border.countries[0], border.countries[1]
    )
}

/// The objective added last to the version in `view`.
async fn newest_objective(demo: &Demo<'_>, view: &StrategyView) -> AppResult<Uuid> {
    let version = view.version.id;
    let content = content::content_of(&demo.services.db, &[version]).await?.remove(&version).unwrap_or_default();
    let newest = content.objectives.iter().max_by_key(|o| o.position).map(|o| o.id);
    newest.ok_or_else(|| crate::error::AppError::Internal(anyhow::anyhow!("the objective just added is missing")))
}
