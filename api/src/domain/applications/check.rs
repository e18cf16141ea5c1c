//! `checkApplication`: every problem of an application and its partnership at once (DOMAIN rules 1 and 6),
//! as errors (which block submission) and warnings.

use crate::domain::applications::languages;
use crate::domain::partnerships::{self, VotingShares};
use crate::domain::regions;
use crate::error::AppResult;
use entity::application;
use entity::partner::{PartnerRole, PartnerStatus};
use entity::{country, partnership};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The most voting rights a single interest group may hold (Article 31 CPR, as the 2014–2020 rule made it concrete).
pub const MAX_GROUP_SHARE: i32 = 49;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemCode {
    SectionMissing,
    SideNotCovered,
    NoLeadPartner,
    SeveralLeadPartners,
    TooFewPartners,
    PartnerNotEligible,
    PartnerOutsideArea,
    InterestGroupOverLimit,
    VotingSharesNot100,
    /// A partner organisation's owners have not accepted the invitation yet.
    PartnerNotConfirmed,
    /// A partner organisation's owners declined the invitation.
    PartnerDeclined,
}

impl ProblemCode {
    /// Whether the problem is a partner's missing consent (submission answers `PARTNER_NOT_CONFIRMED`).
    pub fn is_consent(self) -> bool {
        matches!(self, ProblemCode::PartnerNotConfirmed | ProblemCode::PartnerDeclined)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub code: ProblemCode,
    pub message: String,
    /// Where the problem is: a section of the application, or a part of the partnership.
    pub field: Vec<String>,
}

fn problem(severity: Severity, code: ProblemCode, field: &[&str], message: String) -> Problem {
    Problem { severity, code, message, field: field.iter().map(|f| (*f).to_owned()).collect() }
}

/// Every problem of the application, errors first in a stable order.
pub async fn check(db: &impl ConnectionTrait, application: &application::Model) -> AppResult<Vec<Problem>> {
    let partnership = partnerships::find(db, application.partnership_id).await?;
    let mut problems = section_problems(application);
    problems.extend(partnership_problems(db, &partnership).await?);
    problems.sort_by_key(|p| p.severity == Severity::Warning);
    Ok(problems)
}

fn section_problems(application: &application::Model) -> Vec<Problem> {
    let sections = [
        ("motivation", "the motivation", &application.motivation),
        ("challenges", "the region's challenges and needs", &application.challenges),
        ("priorities", "the intended CLLD priorities", &application.priorities),
        ("cooperation", "the existing cooperation", &application.cooperation),
        ("capacity", "the capacity and resources", &application.capacity),
    ];
    let mut problems: Vec<Problem> = sections
        .iter()
        .filter(|(_, _, text)| text.as_deref().is_none_or(|t| t.trim().is_empty()))
        .map(|(field, label, _)| problems_missing(field, label))
        .collect();
    if languages(application).is_empty() {
        problems.push(problems_missing("languages", "the languages of work"));
    }
    problems
}

fn problems_missing(field: &str, label: &str) -> Problem {
    problem(Severity::Error, ProblemCode::SectionMissing, &[field], format!("Write {label}."))
}

/// The partnership's problems: sides, lead, number, eligibility, area, consent, voting rights.
pub async fn partnership_problems(
    db: &impl ConnectionTrait,
    partnership: &partnership::Model,
) -> AppResult<Vec<Problem>> {
    let mut problems = Vec::new();
    let region = regions::find(db, partnership.region_id).await?;
    let parts = regions::parts_of(db, &[region.id]).await?.remove(&region.id).unwrap_or_default();
    let partners = partnerships::partners_of(db, &[partnership.id]).await?.remove(&partnership.id).unwrap_or_default();
    let organisations = partnerships::organisations_of_partners(db, &partners).await?;
    let countries: Vec<country::Model> = country::Entity::find()
        .filter(country::Column::Code.is_in(organisations.iter().map(|o| o.country_code.clone())))
        .all(db)
        .await?;

    for side in &parts.countries {
        if !partners.iter().any(|p| &p.side == side) {
            problems.push(problem(
                Severity::Error,
                ProblemCode::SideNotCovered,
                &["partnership", "partners"],
                format!("{} has no partner from {side}: every side of the border needs one.", region.name),
            ));
        }
    }
    let leads = partners.iter().filter(|p| p.role == PartnerRole::Lead).count();
    if leads == 0 {
        problems.push(problem(
            Severity::Error,
            ProblemCode::NoLeadPartner,
            &["partnership", "partners"],
            "Name one partner as the lead partner.".to_owned(),
        ));
    } else if leads > 1 {
        problems.push(problem(
            Severity::Error,
            ProblemCode::SeveralLeadPartners,
            &["partnership", "partners"],
            format!("{leads} partners are leads; a partnership has exactly one."),
        ));
    }
    if partners.len() < 2 {
        problems.push(problem(
            Severity::Error,
            ProblemCode::TooFewPartners,
            &["partnership", "partners"],
            format!("A partnership needs at least two partners; it has {}.", partners.len()),
        ));
    }
    for (index, partner) in partners.iter().enumerate() {
        let Some(organisation) = organisations.iter().find(|o| o.id == partner.organisation_id) else { continue };
        let at = index.to_string();
        let eligible = countries.iter().any(|c| c.code == organisation.country_code && c.eligible);
        if !eligible {
            problems.push(problem(
                Severity::Error,
                ProblemCode::PartnerNotEligible,
                &["partnership", "partners", &at],
                format!("{} is in {}, which is not eligible.", organisation.name, organisation.country_code),
            ));
        }
        if let Some(nuts) = &organisation.nuts_code
            && !parts.nuts.is_empty()
            && !parts.nuts.iter().any(|area| nuts.starts_with(area.as_str()) || area.starts_with(nuts.as_str()))
        {
            problems.push(problem(
                Severity::Warning,
                ProblemCode::PartnerOutsideArea,
                &["partnership", "partners", &at],
                format!("{} ({nuts}) lies outside the region's NUTS area.", organisation.name),
            ));
        }
        match partner.status {
            PartnerStatus::Confirmed => {}
            PartnerStatus::Invited => problems.push(problem(
                Severity::Error,
                ProblemCode::PartnerNotConfirmed,
                &["partnership", "partners", &at],
                format!(
                    "{} has not confirmed taking part yet: one of its owners accepts the invitation.",
                    organisation.name
                ),
            )),
            PartnerStatus::Declined => problems.push(problem(
                Severity::Error,
                ProblemCode::PartnerDeclined,
                &["partnership", "partners", &at],
                format!("{} declined to take part: remove it from the partners.", organisation.name),
            )),
        }
    }
    let shares = VotingShares::of(partnership);
    for (field, label, share) in shares.groups() {
        if let Some(share) = share
            && share > MAX_GROUP_SHARE
        {
            problems.push(problem(
                Severity::Error,
                ProblemCode::InterestGroupOverLimit,
                &["partnership", "voting", field],
                format!("{label} holds {share} % of the voting rights; no interest group may hold more than {MAX_GROUP_SHARE} %."),
            ));
        }
    }
    let total: i32 = shares.groups().iter().map(|(_, _, s)| s.unwrap_or(0)).sum();
    if total != 100 {
        problems.push(problem(
            Severity::Error,
            ProblemCode::VotingSharesNot100,
            &["partnership", "voting"],
            format!("The voting shares add up to {total} %, not 100 %."),
        ));
    }
    Ok(problems)
}
