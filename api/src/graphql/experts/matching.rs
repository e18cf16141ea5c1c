//! GraphQL of matching (staff): `expertMatches` ranks experts for a region and explains each score, listing
//! the excluded experts with their reasons; `suggestExpertTeam` proposes a team covering every side it can.

use super::{ExpertProfile, ExpertiseArea, LanguageSkill};
use crate::auth::STAFF;
use crate::auth::guard::RoleGuard;
use crate::config::MAX_PAGE_SIZE;
use crate::domain::experts::matching::{self, Candidate, Need, SideCoverage};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::regions::CrossBorderRegion;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::NaiveDate;

/// Where a need of a region was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::experts::matching::NeedSource")]
pub enum NeedSourceName {
    /// Every pilot region designs a CLLD strategy with its community.
    ClldBaseline,
    /// Words of the region's description.
    RegionDescription,
    /// The challenges and priorities of its partnerships' applications.
    Application,
    /// Words of the objectives of the region's strategy (its newest adopted version, else its newest version).
    StrategyObjective,
}

/// Why an expert is not matched with a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::experts::matching::ExclusionCode")]
pub enum ExclusionReasonCode {
    /// Not (yet) approved by the programme.
    NotApproved,
    /// No free days, or unavailable in the period.
    Unavailable,
    /// A member of a partner organisation of the region, or a declared conflict.
    ConflictOfInterest,
    /// Speaks no official language of any side at B2 or better.
    NoSharedLanguage,
    /// Already proposed for or assigned to the region.
    AlreadyAssigned,
}

/// A need of the region and where it comes from.
#[derive(SimpleObject)]
pub struct RegionNeed {
    /// The area of expertise needed.
    pub area: ExpertiseArea,
    /// Where the need was found.
    pub source: NeedSourceName,
}

impl From<&Need> for RegionNeed {
    fn from(n: &Need) -> Self {
        Self { area: n.area.into(), source: n.source.into() }
    }
}

/// A side of the region and the expert's languages of it at B2 or better (none: not covered).
#[derive(SimpleObject)]
pub struct SideCoverageResult {
    /// ISO code of the side's country.
    pub country: String,
    /// The country's official languages (ISO 639-1).
    pub official_languages: Vec<String>,
    /// Whether the expert speaks an official language of the side at B2 or better.
    pub covered: bool,
    /// The expert's languages of this side at B2 or better.
    pub languages: Vec<LanguageSkill>,
}

impl From<&SideCoverage> for SideCoverageResult {
    fn from(s: &SideCoverage) -> Self {
        Self {
            country: s.country.clone(),
            official_languages: s.official_languages.clone(),
            covered: s.covered(),
            languages: s.languages.iter().map(Into::into).collect(),
        }
    }
}

/// An expert matched with a region: the score and its parts.
#[derive(SimpleObject)]
pub struct ExpertMatch {
    /// The expert's profile.
    pub expert: ExpertProfile,
    /// The expert's display name.
    pub display_name: String,
    /// 30 per side covered + 10 per need met + available days (at most 20).
    pub score: i32,
    /// The score in one sentence.
    pub explanation: String,
    /// Each side of the region and whether the expert speaks one of its languages.
    pub sides: Vec<SideCoverageResult>,
    /// How many sides the expert covers by language.
    pub sides_covered: i32,
    /// The region's needs this expert's expertise meets.
    pub matched_needs: Vec<RegionNeed>,
    /// Days available in the period (free days a month over the days not unavailable).
    pub available_days: i32,
    /// Days a month not yet planned by proposed or accepted assignments.
    pub free_days_per_month: i32,
}

impl From<Candidate> for ExpertMatch {
    fn from(c: Candidate) -> Self {
        Self {
            display_name: c.display_name.clone(),
            score: c.score(),
            explanation: c.explanation(),
            sides: c.sides.iter().map(Into::into).collect(),
            sides_covered: c.sides_covered() as i32,
            matched_needs: c.areas.iter().map(Into::into).collect(),
            available_days: c.available_days,
            free_days_per_month: c.free_days_per_month,
            expert: ExpertProfile(c.profile),
        }
    }
}

/// One reason why an expert is not matched.
#[derive(SimpleObject)]
pub struct ExclusionReason {
    /// The reason, as a code.
    pub code: ExclusionReasonCode,
    /// The reason in a sentence (English).
    pub message: String,
}

/// An expert who is not matched, with every reason.
#[derive(SimpleObject)]
pub struct ExcludedExpert {
    /// The expert's profile.
    pub expert: ExpertProfile,
    /// The expert's display name.
    pub display_name: String,
    /// Every reason of the exclusion.
    pub reasons: Vec<ExclusionReason>,
}

/// The matching of a region in a period.
#[derive(SimpleObject)]
pub struct ExpertMatching {
    /// The region matched.
    pub region: CrossBorderRegion,
    /// The first day of the period (ISO 8601 date).
    pub period_start: NaiveDate,
    /// The last day of the period (ISO 8601 date).
    pub period_end: NaiveDate,
    /// ISO codes of the region's sides.
    pub sides: Vec<String>,
    /// The region's needs of expertise, each with its source.
    pub needs: Vec<RegionNeed>,
    /// Best first.
    pub matches: Vec<ExpertMatch>,
    /// Every other expert, with the reasons.
    pub excluded: Vec<ExcludedExpert>,
}

/// A proposed team and the sides it covers together.
#[derive(SimpleObject)]
pub struct ExpertTeamSuggestion {
    /// The proposed experts, each with their match.
    pub members: Vec<ExpertMatch>,
    /// ISO codes of the sides the team speaks a language of (B2 or better).
    pub covered_sides: Vec<String>,
    /// ISO codes of the sides nobody in the team speaks a language of.
    pub uncovered_sides: Vec<String>,
    /// Whether the team speaks a language of every side (rule 7's ideal).
    pub covers_every_side: bool,
}

fn limit(name: &str, value: i32, max: usize) -> async_graphql::Result<usize> {
    match usize::try_from(value) {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(AppError::BadUserInput(format!("`{name}` is between 1 and {max}")).into()),
    }
}

#[derive(Default)]
pub struct ExpertMatchingQuery;

#[Object]
impl ExpertMatchingQuery {
    /// Approved, available experts without conflict of interest for a region, best first, each score explained;
    /// every other expert with the reasons of the exclusion. The period defaults to 90 days from today.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn expert_matches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A cross-border region.")] region_id: ID,
        #[graphql(default = 20, desc = "At most this many matches (1 to 100).")] first: i32,
        #[graphql(desc = "The first day of the period (ISO 8601 date); default today.")] from: Option<NaiveDate>,
        #[graphql(
            desc = "The last day of the period (ISO 8601 date); default the 90th day from `from` (90 days, both included)."
        )]
        until: Option<NaiveDate>,
    ) -> async_graphql::Result<ExpertMatching> {
        let first = limit("first", first, MAX_PAGE_SIZE)?;
        let region_id = GlobalId::decode_as(&region_id, NodeType::CrossBorderRegion)?;
        let period = matching::period_or_default(ctx.now().date_naive(), from, until)?;
        let db = &ctx.services().db;
        let found = matching::expert_matches(db, ctx.actor(), region_id, period, first).await?;
        Ok(ExpertMatching {
            region: CrossBorderRegion(found.region),
            period_start: found.period.starts_on,
            period_end: found.period.ends_on,
            sides: found.sides.iter().map(|s| s.country.clone()).collect(),
            needs: found.needs.iter().map(Into::into).collect(),
            matches: found.matches.into_iter().map(Into::into).collect(),
            excluded: found
                .excluded
                .into_iter()
                .map(|c| ExcludedExpert {
                    display_name: c.display_name.clone(),
                    reasons: c
                        .exclusions
                        .iter()
                        .map(|e| ExclusionReason { code: e.code.into(), message: e.message.clone() })
                        .collect(),
                    expert: ExpertProfile(c.profile),
                })
                .collect(),
        })
    }

    /// A team of at most `size` matched experts that together speak a language of every side they can.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn suggest_expert_team(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A cross-border region.")] region_id: ID,
        #[graphql(default = 3, desc = "At most this many experts (1 to 10).")] size: i32,
        #[graphql(desc = "The first day of the period (ISO 8601 date); default today.")] from: Option<NaiveDate>,
        #[graphql(
            desc = "The last day of the period (ISO 8601 date); default the 90th day from `from` (90 days, both included)."
        )]
        until: Option<NaiveDate>,
    ) -> async_graphql::Result<ExpertTeamSuggestion> {
        let size = limit("size", size, 10)?;
        let region_id = GlobalId::decode_as(&region_id, NodeType::CrossBorderRegion)?;
        let period = matching::period_or_default(ctx.now().date_naive(), from, until)?;
        let db = &ctx.services().db;
        let team = matching::suggest_team(db, ctx.actor(), region_id, period, size).await?;
        Ok(ExpertTeamSuggestion {
            covers_every_side: team.uncovered_sides.is_empty(),
            members: team.members.into_iter().map(Into::into).collect(),
            covered_sides: team.covered_sides,
            uncovered_sides: team.uncovered_sides,
        })
    }
}
