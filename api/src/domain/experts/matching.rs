//! Explainable matching of experts with a region (rule 7): who is excluded and why (not approved, unavailable,
//! a conflict of interest, no language of any side, already assigned), and a score for the others made of
//! three visible parts: the region's sides the expert covers by a language at B2 or better (using the official
//! languages of the sides' countries), the areas of expertise that meet the region's needs, and the days the
//! expert has free in the period. `suggest_team` picks a team that together covers every side it can.

use super::{CefrLevel, ExpertDetails, Expertise, LanguageSkill, Period, details_of, policy};
use crate::auth::Principal;
use crate::domain::applications::relabel;
use crate::domain::regions;
use crate::error::{AppError, AppResult, UserErrorCode};
use entity::expert_assignment::{self, AssignmentStatus};
use entity::expert_profile::{self, ExpertStatus};
use entity::{
    app_user, application, country_language, cross_border_region, organisation, organisation_member, partner,
    partnership, strategy, strategy_objective, strategy_version,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// Points for each side of the region the expert covers by language.
pub const POINTS_PER_SIDE: i32 = 30;
/// Points for each area of expertise that meets a need of the region.
pub const POINTS_PER_AREA: i32 = 10;
/// Available days in the period count one point each, up to this many.
pub const MAX_AVAILABILITY_POINTS: i32 = 20;
/// The period matched when none is given: today and the following days, this many in all.
pub const DEFAULT_PERIOD_DAYS: i64 = 90;

/// Where a need of the region comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NeedSource {
    /// Every pilot region designs a CLLD strategy with its community.
    ClldBaseline,
    /// The region's own description.
    RegionDescription,
    /// The challenges and priorities its partnerships wrote in their applications.
    Application,
    /// The objectives of the region's strategy (see [`strategy_objectives`]).
    StrategyObjective,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub area: Expertise,
    pub source: NeedSource,
}

/// A side of the region and how an expert covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideCoverage {
    pub country: String,
    pub official_languages: Vec<String>,
    /// The expert's languages of this side at B2 or better.
    pub languages: Vec<LanguageSkill>,
}

impl SideCoverage {
    pub fn covered(&self) -> bool {
        !self.languages.is_empty()
    }
}

/// Why an expert is not matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExclusionCode {
    NotApproved,
    Unavailable,
    ConflictOfInterest,
    NoSharedLanguage,
    AlreadyAssigned,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub code: ExclusionCode,
    pub message: String,
}

/// One expert weighed for the region: the explanation of the score, or the reasons of the exclusion.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub profile: expert_profile::Model,
    pub display_name: String,
    pub details: ExpertDetails,
    pub sides: Vec<SideCoverage>,
    pub areas: Vec<Need>,
    pub free_days_per_month: i32,
    pub available_days: i32,
    pub exclusions: Vec<Exclusion>,
}

impl Candidate {
    pub fn sides_covered(&self) -> usize {
        self.sides.iter().filter(|s| s.covered()).count()
    }

    pub fn score(&self) -> i32 {
        POINTS_PER_SIDE * self.sides_covered() as i32
            + POINTS_PER_AREA * self.areas.len() as i32
            + self.available_days.min(MAX_AVAILABILITY_POINTS)
    }

    /// One sentence a person can check: sides, areas, days.
    pub fn explanation(&self) -> String {
        let covered: Vec<String> = self
            .sides
            .iter()
            .filter(|s| s.covered())
            .map(|s| {
                let langs: Vec<String> =
                    s.languages.iter().map(|l| format!("{} {}", l.language, l.level.as_str())).collect();
                format!("{} ({})", s.country, langs.join(", "))
            })
            .collect();
        let missing: Vec<&str> = self.sides.iter().filter(|s| !s.covered()).map(|s| s.country.as_str()).collect();
        let areas: Vec<&str> = self.areas.iter().map(|n| n.area.name()).collect();
        let mut text = format!(
            "Covers {} of {} sides by language at B2 or better: {}",
            self.sides_covered(),
            self.sides.len(),
            if covered.is_empty() { "none".to_owned() } else { covered.join("; ") }
        );
        if !missing.is_empty() {
            text.push_str(&format!(" (not {})", missing.join(", ")));
        }
        text.push_str(&format!(
            ". Meets {} of the region's needs{}. {} days available in the period ({} free days a month). \
             Score {} = {}×{} + {}×{} + {}.",
            self.areas.len(),
            if areas.is_empty() { String::new() } else { format!(": {}", areas.join(", ")) },
            self.available_days,
            self.free_days_per_month,
            self.score(),
            POINTS_PER_SIDE,
            self.sides_covered(),
            POINTS_PER_AREA,
            self.areas.len(),
            self.available_days.min(MAX_AVAILABILITY_POINTS),
        ));
        text
    }
}

/// The matching of one region: its sides and needs, the ranked matches, the excluded experts.
#[derive(Debug, Clone)]
pub struct Matching {
    pub region: cross_border_region::Model,
    pub period: Period,
    pub sides: Vec<SideCoverage>,
    pub needs: Vec<Need>,
    pub matches: Vec<Candidate>,
    pub excluded: Vec<Candidate>,
}

/// The areas of expertise the objectives of the region's strategy mention (titles and descriptions), in
/// vocabulary order: of its newest adopted version (adopted or published), or else of its newest version.
pub async fn strategy_objectives(db: &impl ConnectionTrait, region_id: Uuid) -> AppResult<Vec<Expertise>> {
    let Some(strategy) = strategy::Entity::find().filter(strategy::Column::RegionId.eq(region_id)).one(db).await?
    else {
        return Ok(Vec::new());
    };
    let adopted = strategy_version::Entity::find()
        .filter(strategy_version::Column::StrategyId.eq(strategy.id))
        .filter(strategy_version::Column::AdoptedAt.is_not_null())
        .order_by_desc(strategy_version::Column::Number)
        .one(db)
        .await?;
    let version_id = adopted.map_or(strategy.current_version_id, |v| v.id);
    let text: String = strategy_objective::Entity::find()
        .filter(strategy_objective::Column::VersionId.eq(version_id))
        .all(db)
        .await?
        .iter()
        .map(|o| format!("{}\n{}\n", o.title, o.description))
        .collect();
    Ok(Expertise::mentioned_in(&text))
}

/// The region's needs, each area once, from the strongest source: strategy, applications, description, baseline.
pub async fn region_needs(db: &impl ConnectionTrait, region: &cross_border_region::Model) -> AppResult<Vec<Need>> {
    let mut needs: HashMap<Expertise, NeedSource> = HashMap::new();
    let mut add = |area: Expertise, source: NeedSource| {
        let entry = needs.entry(area).or_insert(source);
        *entry = (*entry).max(source);
    };
    for area in [Expertise::ClldStrategyDesign, Expertise::ClldCommunityEngagement] {
        add(area, NeedSource::ClldBaseline);
    }
    for area in Expertise::mentioned_in(&region.description) {
        add(area, NeedSource::RegionDescription);
    }
    let partnerships: Vec<Uuid> = partnership::Entity::find()
        .filter(partnership::Column::RegionId.eq(region.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for application in
        application::Entity::find().filter(application::Column::PartnershipId.is_in(partnerships)).all(db).await?
    {
        for text in [&application.challenges, &application.priorities].into_iter().flatten() {
            for area in Expertise::mentioned_in(text) {
                add(area, NeedSource::Application);
            }
        }
    }
    for area in strategy_objectives(db, region.id).await? {
        add(area, NeedSource::StrategyObjective);
    }
    let mut list: Vec<Need> = needs.into_iter().map(|(area, source)| Need { area, source }).collect();
    list.sort_by_key(|n| n.area);
    Ok(list)
}

/// The organisations with a conflict of interest for the region: partners of its partnerships, with names.
async fn partner_organisations(db: &impl ConnectionTrait, region_id: Uuid) -> AppResult<HashMap<Uuid, String>> {
    let partnerships: Vec<Uuid> = partnership::Entity::find()
        .filter(partnership::Column::RegionId.eq(region_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let ids: Vec<Uuid> = partner::Entity::find()
        .filter(partner::Column::PartnershipId.is_in(partnerships))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.organisation_id)
        .collect();
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// Weighs the experts `only` (or every expert with a profile) for `region` in `period`.
pub async fn weigh(
    db: &impl ConnectionTrait,
    region: &cross_border_region::Model,
    period: Period,
    only: Option<&[Uuid]>,
) -> AppResult<(Vec<SideCoverage>, Vec<Need>, Vec<Candidate>)> {
    let countries = regions::parts_of(db, &[region.id]).await?.remove(&region.id).unwrap_or_default().countries;
    let mut official: HashMap<String, Vec<String>> = countries.iter().map(|c| (c.clone(), Vec::new())).collect();
    for row in country_language::Entity::find()
        .filter(country_language::Column::CountryCode.is_in(countries.clone()))
        .order_by_asc(country_language::Column::LanguageCode)
        .all(db)
        .await?
    {
        official.entry(row.country_code).or_default().push(row.language_code);
    }
    let sides: Vec<SideCoverage> = countries
        .iter()
        .map(|c| SideCoverage {
            country: c.clone(),
            official_languages: official.get(c).cloned().unwrap_or_default(),
            languages: Vec::new(),
        })
        .collect();
    let needs = region_needs(db, region).await?;
    let partners = partner_organisations(db, region.id).await?;
    let mut select = expert_profile::Entity::find().order_by_asc(expert_profile::Column::UserId);
    if let Some(ids) = only {
        select = select.filter(expert_profile::Column::UserId.is_in(ids.iter().copied()));
    }
    let profiles = select.all(db).await?;
    let ids: Vec<Uuid> = profiles.iter().map(|p| p.user_id).collect();
    let mut details = details_of(db, &ids).await?;
    let names: HashMap<Uuid, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in organisation_member::Entity::find()
        .filter(organisation_member::Column::UserId.is_in(ids.clone()))
        .filter(organisation_member::Column::OrganisationId.is_in(partners.keys().copied()))
        .all(db)
        .await?
    {
        members.entry(row.user_id).or_default().push(row.organisation_id);
    }
    let assigned: BTreeSet<Uuid> = expert_assignment::Entity::find()
        .filter(expert_assignment::Column::RegionId.eq(region.id))
        .filter(expert_assignment::Column::Status.is_in(AssignmentStatus::ACTIVE))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.expert_id)
        .collect();
    let candidates = profiles
        .into_iter()
        .map(|profile| {
            let details = details.remove(&profile.user_id).unwrap_or_default();
            let id = profile.user_id;
            let mut exclusions = Vec::new();
            let mut exclude = |code, message: String| exclusions.push(Exclusion { code, message });
            if profile.status != ExpertStatus::Approved {
                exclude(ExclusionCode::NotApproved, "not approved by the programme".to_owned());
            }
            let free = (profile.days_per_month - details.committed_days).max(0);
            let away: i64 = details.unavailable.iter().map(|p| p.overlap_days(&period)).sum::<i64>().min(period.days());
            let open_days = period.days() - away;
            let available_days = i32::try_from(i64::from(free) * open_days / 30).unwrap_or(i32::MAX);
            if free == 0 {
                exclude(ExclusionCode::Unavailable, "no free days a month: all are planned for other regions".into());
            } else if open_days == 0 {
                exclude(ExclusionCode::Unavailable, "unavailable during the whole period".into());
            } else if available_days == 0 {
                exclude(ExclusionCode::Unavailable, "less than one available day in the period".into());
            }
            for organisation in members.get(&id).into_iter().flatten() {
                let name = partners.get(organisation).cloned().unwrap_or_default();
                exclude(
                    ExclusionCode::ConflictOfInterest,
                    format!("member of {name}, a partner organisation of the region"),
                );
            }
            for organisation in &details.conflicts {
                if let Some(name) = partners.get(organisation) {
                    exclude(
                        ExclusionCode::ConflictOfInterest,
                        format!("declared a conflict of interest with {name}, a partner organisation of the region"),
                    );
                }
            }
            let sides_of_expert: Vec<SideCoverage> = sides
                .iter()
                .map(|side| SideCoverage {
                    languages: details
                        .languages
                        .iter()
                        .filter(|l| l.level >= CefrLevel::WORKING && side.official_languages.contains(&l.language))
                        .cloned()
                        .collect(),
                    ..side.clone()
                })
                .collect();
            if !sides_of_expert.iter().any(SideCoverage::covered) {
                exclude(
                    ExclusionCode::NoSharedLanguage,
                    "speaks no official language of any side at B2 or better".into(),
                );
            }
            if assigned.contains(&id) {
                exclude(ExclusionCode::AlreadyAssigned, "already assigned to this region".into());
            }
            let areas: Vec<Need> = needs.iter().filter(|n| details.expertise.contains(&n.area)).copied().collect();
            Candidate {
                display_name: names.get(&id).cloned().unwrap_or_default(),
                profile,
                details,
                sides: sides_of_expert,
                areas,
                free_days_per_month: free,
                available_days,
                exclusions,
            }
        })
        .collect();
    Ok((sides, needs, candidates))
}

/// The default period: `today` and the following days, [`DEFAULT_PERIOD_DAYS`] in all.
pub fn period_or_default(
    today: chrono::NaiveDate,
    from: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
) -> AppResult<Period> {
    let starts_on = from.unwrap_or(today);
    let ends_on = until.unwrap_or(starts_on + chrono::Duration::days(DEFAULT_PERIOD_DAYS - 1));
    if ends_on < starts_on || (ends_on - starts_on).num_days() > 3 * 366 {
        return Err(AppError::rejected(
            &["until"],
            UserErrorCode::Invalid,
            "the period ends after it starts, within three years",
        ));
    }
    Ok(Period { starts_on, ends_on })
}

/// Staff: the experts for `region_id`, best first (`first` of them), and every excluded expert with the reasons.
pub async fn expert_matches(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    region_id: Uuid,
    period: Period,
    first: usize,
) -> AppResult<Matching> {
    policy::can_list(actor)?;
    let region = regions::find(db, region_id).await.map_err(|e| relabel(e, "regionId"))?;
    let (sides, needs, candidates) = weigh(db, &region, period, None).await?;
    let (mut matches, excluded): (Vec<Candidate>, Vec<Candidate>) =
        candidates.into_iter().partition(|c| c.exclusions.is_empty());
    matches.sort_by(|a, b| {
        b.score()
            .cmp(&a.score())
            .then_with(|| a.display_name.cmp(&b.display_name))
            .then(a.profile.user_id.cmp(&b.profile.user_id))
    });
    matches.truncate(first);
    Ok(Matching { region, period, sides, needs, matches, excluded })
}

/// A proposed team and what it covers.
#[derive(Debug, Clone)]
pub struct TeamSuggestion {
    pub members: Vec<Candidate>,
    pub covered_sides: Vec<String>,
    pub uncovered_sides: Vec<String>,
}

/// Staff: a team of at most `size` matched experts that together cover as many sides as possible (each next
/// member the one adding most uncovered sides, then the best score), filled up by score.
pub async fn suggest_team(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    region_id: Uuid,
    period: Period,
    size: usize,
) -> AppResult<TeamSuggestion> {
    let matching = expert_matches(db, actor, region_id, period, usize::MAX).await?;
    let mut pool = matching.matches;
    let mut members: Vec<Candidate> = Vec::new();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    while members.len() < size && !pool.is_empty() {
        let gain = |c: &Candidate| c.sides.iter().filter(|s| s.covered() && !covered.contains(&s.country)).count();
        // `pool` is ranked by score: the first with the greatest gain wins ties.
        let best = (0..pool.len()).fold(0, |best, i| if gain(&pool[i]) > gain(&pool[best]) { i } else { best });
        let chosen = pool.remove(best);
        covered.extend(chosen.sides.iter().filter(|s| s.covered()).map(|s| s.country.clone()));
        members.push(chosen);
    }
    let uncovered = matching.sides.iter().map(|s| s.country.clone()).filter(|c| !covered.contains(c)).collect();
    Ok(TeamSuggestion { members, covered_sides: covered.into_iter().collect(), uncovered_sides: uncovered })
}
