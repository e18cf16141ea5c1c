//! `checkStrategy`: every missing Article 32 element (CPR 2021/1060) and every broken rule of a strategy version
//! at once (DOMAIN rules 5 and 6), as errors (which block adoption) and warnings.

use super::content::StrategyContent;
use super::decimal;
use crate::domain::applications::check::{MAX_GROUP_SHARE, Severity};
use entity::strategy_finance_line::FundingSource;
use entity::strategy_lag_member::InterestGroup;
use entity::strategy_swot_item::SwotCategory;
use entity::strategy_version;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemCode {
    /// An Article 32 element is missing.
    ElementMissing,
    /// An objective has no measurable target.
    ObjectiveWithoutTarget,
    /// An objective has no planned action.
    ObjectiveWithoutAction,
    /// A target lacks its baseline, value, unit or date.
    TargetIncomplete,
    /// A LAG interest group holds more than 49 % of the voting rights (rule 6).
    InterestGroupOverLimit,
    /// The LAG's voting shares do not add up to 100 %.
    VotingSharesNot100,
    /// The financial plan has no line.
    FinancialPlanEmpty,
    /// A part of the SWOT analysis is empty.
    SwotIncomplete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub code: ProblemCode,
    pub message: String,
    /// Where: a section of the strategy (`["objectives", "<id>", "targets", "<id>", "baseline"]`).
    pub field: Vec<String>,
}

fn problem(severity: Severity, code: ProblemCode, field: &[&str], message: impl Into<String>) -> Problem {
    Problem { severity, code, message: message.into(), field: field.iter().map(|f| (*f).to_owned()).collect() }
}

fn blank(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(|t| t.trim().is_empty())
}

/// Every problem of the version and its content, errors first in a stable order.
pub fn check(version: &strategy_version::Model, content: &StrategyContent) -> Vec<Problem> {
    use ProblemCode::*;
    use Severity::*;
    let mut problems = Vec::new();
    // 1. The geographical area and the population.
    if blank(&version.title) {
        problems.push(problem(Error, ElementMissing, &["title"], "Give the strategy a title."));
    }
    if blank(&version.area_description) {
        problems.push(problem(Error, ElementMissing, &["areaDescription"], "Describe the geographical area covered."));
    }
    if version.population.is_none() {
        problems.push(problem(Error, ElementMissing, &["population"], "State the population covered."));
    }
    // 2. The community involvement process.
    if blank(&version.community_involvement) {
        problems.push(problem(
            Error,
            ElementMissing,
            &["communityInvolvement"],
            "Describe how the community was involved in developing the strategy.",
        ));
    }
    if content.engagements.is_empty() {
        problems.push(problem(
            Warning,
            ElementMissing,
            &["engagementActivities"],
            "List the engagement activities (workshops, meetings, surveys) held.",
        ));
    }
    // 3. The development needs and potential.
    if blank(&version.needs_analysis) && content.swot.is_empty() {
        problems.push(problem(
            Error,
            ElementMissing,
            &["swot"],
            "Analyse the development needs and potential of the area (a SWOT analysis).",
        ));
    }
    for (field, label, category) in [
        ("strengths", "strengths", SwotCategory::Strength),
        ("weaknesses", "weaknesses", SwotCategory::Weakness),
        ("opportunities", "opportunities", SwotCategory::Opportunity),
        ("threats", "threats", SwotCategory::Threat),
    ] {
        if !content.swot.iter().any(|i| i.category == category) {
            problems.push(problem(Warning, SwotIncomplete, &["swot", field], format!("The SWOT lists no {label}.")));
        }
    }
    // 4. Objectives with measurable targets and planned actions.
    if content.objectives.is_empty() {
        problems.push(problem(Error, ElementMissing, &["objectives"], "Set at least one objective."));
    }
    for objective in &content.objectives {
        let at = objective.id.to_string();
        let targets: Vec<_> = content.targets.iter().filter(|t| t.objective_id == objective.id).collect();
        if targets.is_empty() {
            problems.push(problem(
                Error,
                ObjectiveWithoutTarget,
                &["objectives", &at, "targets"],
                format!("The objective \"{}\" has no measurable target.", objective.title),
            ));
        }
        if !content.actions.iter().any(|a| a.objective_id == objective.id) {
            problems.push(problem(
                Error,
                ObjectiveWithoutAction,
                &["objectives", &at, "actions"],
                format!("The objective \"{}\" has no planned action.", objective.title),
            ));
        }
        for target in targets {
            let target_at = target.id.to_string();
            let missing = [
                ("baseline", "a baseline", target.baseline.is_none()),
                ("targetValue", "a target value", target.target_value.is_none()),
                ("unit", "a unit", blank(&target.unit)),
                ("targetDate", "a target date", target.target_date.is_none()),
            ];
            for (field, label, is_missing) in missing {
                if is_missing {
                    problems.push(problem(
                        Error,
                        TargetIncomplete,
                        &["objectives", &at, "targets", &target_at, field],
                        format!("The target \"{}\" has no {}.", target.indicator, label.trim_start_matches("a ")),
                    ));
                }
            }
        }
    }
    // 5. Management and monitoring, with the local action group.
    if blank(&version.management) {
        problems.push(problem(Error, ElementMissing, &["management"], "Describe the management arrangements."));
    }
    if blank(&version.monitoring) {
        problems.push(problem(
            Error,
            ElementMissing,
            &["monitoring"],
            "Describe the monitoring and evaluation arrangements.",
        ));
    }
    if content.lag_members.is_empty() {
        problems.push(problem(Error, ElementMissing, &["lagMembers"], "List the members of the local action group."));
    } else {
        let mut groups: BTreeMap<&'static str, i128> = BTreeMap::new();
        let mut total = 0i128;
        for member in &content.lag_members {
            let share = decimal(&["votingShare"], &member.voting_share, 2).map(|(_, n)| n).unwrap_or_default();
            total += share;
            *groups.entry(group_name(member.interest_group)).or_default() += share;
        }
        for (group, share) in groups {
            if share > i128::from(MAX_GROUP_SHARE) * 100 {
                problems.push(problem(
                    Error,
                    InterestGroupOverLimit,
                    &["lagMembers"],
                    format!(
                        "The {group} holds {} % of the voting rights; no interest group may hold more than {MAX_GROUP_SHARE} %.",
                        percent(share)
                    ),
                ));
            }
        }
        if total != 10_000 {
            problems.push(problem(
                Error,
                VotingSharesNot100,
                &["lagMembers"],
                format!("The voting shares add up to {} %, not 100 %.", percent(total)),
            ));
        }
    }
    // 6. The financial plan by source and year.
    if content.finance_lines.is_empty() {
        problems.push(problem(
            Error,
            FinancialPlanEmpty,
            &["financialPlan"],
            "Add the financial plan by source and year.",
        ));
    } else if !content.finance_lines.iter().any(|l| l.source == FundingSource::InterregProgramme) {
        problems.push(problem(
            Warning,
            ElementMissing,
            &["financialPlan"],
            "No line of the financial plan comes from an Interreg programme.",
        ));
    }
    problems.sort_by_key(|p| p.severity == Warning);
    problems
}

fn group_name(group: InterestGroup) -> &'static str {
    match group {
        InterestGroup::PublicSector => "public sector",
        InterestGroup::PrivateSector => "private sector",
        InterestGroup::CivilSociety => "civil society",
        InterestGroup::Other => "other interest group",
    }
}

fn percent(hundredths: i128) -> String {
    if hundredths % 100 == 0 {
        (hundredths / 100).to_string()
    } else {
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    }
}
