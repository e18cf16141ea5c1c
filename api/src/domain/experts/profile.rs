//! The expert's own profile: saved whole by the expert (headline, biography, expertise, experience, countries,
//! languages with CEFR levels, availability, CV link, declared conflicts), read by the expert and staff; staff
//! list and filter profiles.

use super::{CefrLevel, Expertise, LanguageSkill, Period, lock_profile, policy, profile_event};
use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::EventType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::places::eligible_country;
use crate::domain::values::{Checks, LanguageCode, required_text};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use chrono::NaiveDate;
use entity::expert_profile::{self, ExpertStatus};
use entity::{expert_conflict, expert_country, expert_expertise, expert_language, expert_unavailability, organisation};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Everything the expert states about themself; saving replaces the whole profile.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub headline: String,
    pub biography: String,
    pub expertise: Vec<Expertise>,
    pub years_experience: i32,
    pub countries: Vec<String>,
    pub languages: Vec<(String, CefrLevel)>,
    pub days_per_month: i32,
    pub unavailable: Vec<Period>,
    pub cv_url: Option<String>,
    /// Organisations the expert declares a conflict of interest with.
    pub conflicts: Vec<Uuid>,
}

struct Checked {
    headline: String,
    biography: String,
    countries: Vec<String>,
    languages: Vec<LanguageSkill>,
    cv_url: Option<String>,
}

/// The longest biography, in characters.
const MAX_BIOGRAPHY: usize = 5000;

/// A CV link: an absolute http(s) URL of at most 1000 characters; blank means none.
pub fn cv_link(field: &str, raw: Option<&str>) -> Result<Option<String>, UserError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() && raw.len() <= 1000 => {
            Ok(Some(url.to_string()))
        }
        _ => Err(UserError::new(&[field], UserErrorCode::Invalid, "give the CV as an http or https link")),
    }
}

async fn check(db: &impl ConnectionTrait, input: &ProfileInput) -> AppResult<Checked> {
    let mut checks = Checks::default();
    let headline = checks.take(required_text("headline", &input.headline, 200));
    let biography = input.biography.trim().to_owned();
    if biography.chars().count() > MAX_BIOGRAPHY || biography.contains('\0') {
        checks.push(UserError::new(
            &["biography"],
            UserErrorCode::Invalid,
            format!("the biography has at most {MAX_BIOGRAPHY} characters of text"),
        ));
    }
    if !(0..=70).contains(&input.years_experience) {
        checks.push(UserError::new(&["yearsOfExperience"], UserErrorCode::Invalid, "between 0 and 70 years"));
    }
    if !(0..=31).contains(&input.days_per_month) {
        checks.push(UserError::new(&["daysPerMonth"], UserErrorCode::Invalid, "between 0 and 31 days a month"));
    }
    let mut countries: Vec<String> = Vec::new();
    for (index, raw) in input.countries.iter().enumerate() {
        let at = index.to_string();
        if let Some(country) = checks.take(eligible_country(db, &["countries", &at], raw).await?)
            && !countries.contains(&country.code)
        {
            countries.push(country.code);
        }
    }
    let mut languages: Vec<LanguageSkill> = Vec::new();
    for (index, (raw, level)) in input.languages.iter().enumerate() {
        let at = index.to_string();
        match LanguageCode::parse("languages", raw) {
            Ok(code) if languages.iter().any(|l| l.language == code.as_str()) => checks.push(UserError::new(
                &["languages", &at, "language"],
                UserErrorCode::Invalid,
                format!("{} is listed twice", code.as_str()),
            )),
            Ok(code) => languages.push(LanguageSkill { language: code.into_string(), level: *level }),
            Err(mut e) => {
                e.field.extend([at, "language".to_owned()]);
                checks.push(e);
            }
        }
    }
    for (index, period) in input.unavailable.iter().enumerate() {
        if period.ends_on < period.starts_on {
            checks.push(UserError::new(
                &["unavailable", &index.to_string(), "until"],
                UserErrorCode::Invalid,
                "a period ends on or after its first day",
            ));
        }
    }
    if input.unavailable.len() > 50 {
        checks.push(UserError::new(&["unavailable"], UserErrorCode::Invalid, "at most 50 periods"));
    }
    let known = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(input.conflicts.iter().copied()))
        .all(db)
        .await?;
    for (index, id) in input.conflicts.iter().enumerate() {
        if !known.iter().any(|o| o.id == *id) {
            checks.push(UserError::new(
                &["conflictOrganisationIds", &index.to_string()],
                UserErrorCode::NotFound,
                "there is no such organisation",
            ));
        }
    }
    let cv_url = checks.take(cv_link("cvUrl", input.cv_url.as_deref()));
    checks.finish()?;
    let (Some(headline), Some(cv_url)) = (headline, cv_url) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked profile lost a field")));
    };
    Ok(Checked { headline, biography, countries, languages, cv_url })
}

/// Creates or replaces the caller's profile (an expert). Lowering the days a month below what assignments
/// already hold is refused.
pub async fn save_profile(
    services: &Services,
    actor: Option<&Principal>,
    input: &ProfileInput,
) -> AppResult<expert_profile::Model> {
    let principal = policy::can_act_as_expert(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut tx = services.write(Some(principal)).await?;
    let checked = check(&*tx, input).await?;
    let now = tx.now();
    let existing = match lock_profile(&tx, user_id, "id").await {
        Ok(profile) => Some(profile),
        Err(AppError::Rejected(_)) => None,
        Err(other) => return Err(other),
    };
    let profile = match existing {
        Some(existing) => {
            let held = super::committed_days(&*tx, &[user_id]).await?.get(&user_id).copied().unwrap_or(0);
            if input.days_per_month < held {
                return Err(AppError::rejected(
                    &["daysPerMonth"],
                    UserErrorCode::Overbooked,
                    format!("your assignments already plan {held} days a month"),
                ));
            }
            let mut active: expert_profile::ActiveModel = existing.into();
            active.headline = Set(checked.headline);
            active.biography = Set(checked.biography);
            active.years_experience = Set(input.years_experience);
            active.days_per_month = Set(input.days_per_month);
            active.cv_url = Set(checked.cv_url);
            active.updated_at = Set(now);
            active.update(&*tx).await?
        }
        None => {
            expert_profile::ActiveModel {
                user_id: Set(user_id),
                headline: Set(checked.headline),
                biography: Set(checked.biography),
                years_experience: Set(input.years_experience),
                days_per_month: Set(input.days_per_month),
                cv_url: Set(checked.cv_url),
                status: Set(ExpertStatus::Draft),
                call_id: Set(None),
                statement: Set(None),
                applied_at: Set(None),
                vetted_by: Set(None),
                vetted_at: Set(None),
                vetting_reason: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&*tx)
            .await?
        }
    };
    replace_lists(&*tx, user_id, input, &checked.countries, &checked.languages).await?;
    tx.emit(profile_event(EventType::ExpertProfileSaved, &profile));
    tx.commit().await?;
    Ok(profile)
}

async fn replace_lists(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    input: &ProfileInput,
    countries: &[String],
    languages: &[LanguageSkill],
) -> AppResult<()> {
    expert_expertise::Entity::delete_many().filter(expert_expertise::Column::UserId.eq(user_id)).exec(db).await?;
    expert_country::Entity::delete_many().filter(expert_country::Column::UserId.eq(user_id)).exec(db).await?;
    expert_language::Entity::delete_many().filter(expert_language::Column::UserId.eq(user_id)).exec(db).await?;
    expert_unavailability::Entity::delete_many()
        .filter(expert_unavailability::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    expert_conflict::Entity::delete_many().filter(expert_conflict::Column::UserId.eq(user_id)).exec(db).await?;
    let mut areas = input.expertise.clone();
    areas.sort();
    areas.dedup();
    if !areas.is_empty() {
        expert_expertise::Entity::insert_many(
            areas.iter().map(|area| expert_expertise::ActiveModel {
                user_id: Set(user_id),
                area: Set(area.as_str().to_owned()),
            }),
        )
        .exec_without_returning(db)
        .await?;
    }
    if !countries.is_empty() {
        expert_country::Entity::insert_many(
            countries
                .iter()
                .map(|code| expert_country::ActiveModel { user_id: Set(user_id), country_code: Set(code.clone()) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    if !languages.is_empty() {
        expert_language::Entity::insert_many(languages.iter().map(|l| expert_language::ActiveModel {
            user_id: Set(user_id),
            language_code: Set(l.language.clone()),
            level: Set(l.level.as_str().to_owned()),
        }))
        .exec_without_returning(db)
        .await?;
    }
    if !input.unavailable.is_empty() {
        expert_unavailability::Entity::insert_many(input.unavailable.iter().map(|p| {
            expert_unavailability::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(user_id),
                starts_on: Set(p.starts_on),
                ends_on: Set(p.ends_on),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    let mut conflicts = input.conflicts.clone();
    conflicts.sort();
    conflicts.dedup();
    if !conflicts.is_empty() {
        expert_conflict::Entity::insert_many(
            conflicts
                .iter()
                .map(|id| expert_conflict::ActiveModel { user_id: Set(user_id), organisation_id: Set(*id) }),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// What staff filter the list of experts by.
#[derive(Debug, Clone, Default)]
pub struct ExpertFilter {
    pub expertise: Option<Expertise>,
    /// Speaks this language at B2 or better.
    pub language: Option<String>,
    /// Has experience in this country.
    pub country: Option<String>,
    pub status: Option<ExpertStatus>,
    /// Has free days a month and is not in an unavailable period `today` (or, when false, the opposite).
    pub available: Option<bool>,
}

/// Profiles by creation (staff), filtered in SQL.
pub async fn list_profiles(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    filter: &ExpertFilter,
    today: NaiveDate,
    page: &PageRequest,
) -> AppResult<Page<expert_profile::Model>> {
    policy::can_list(actor)?;
    let mut select = expert_profile::Entity::find();
    if let Some(status) = filter.status {
        select = select.filter(expert_profile::Column::Status.eq(status));
    }
    if let Some(area) = filter.expertise {
        select = select.filter(
            expert_profile::Column::UserId.in_subquery(
                Query::select()
                    .column(expert_expertise::Column::UserId)
                    .from(expert_expertise::Entity)
                    .and_where(expert_expertise::Column::Area.eq(area.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(language) = &filter.language {
        let working: Vec<&str> =
            CefrLevel::ALL.into_iter().filter(|l| *l >= CefrLevel::WORKING).map(CefrLevel::as_str).collect();
        select = select.filter(
            expert_profile::Column::UserId.in_subquery(
                Query::select()
                    .column(expert_language::Column::UserId)
                    .from(expert_language::Entity)
                    .and_where(expert_language::Column::LanguageCode.eq(language.trim().to_ascii_lowercase()))
                    .and_where(expert_language::Column::Level.is_in(working))
                    .to_owned(),
            ),
        );
    }
    if let Some(country) = &filter.country {
        select = select.filter(
            expert_profile::Column::UserId.in_subquery(
                Query::select()
                    .column(expert_country::Column::UserId)
                    .from(expert_country::Entity)
                    .and_where(expert_country::Column::CountryCode.eq(country.trim().to_ascii_uppercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(available) = filter.available {
        let away = Query::select()
            .column(expert_unavailability::Column::UserId)
            .from(expert_unavailability::Entity)
            .and_where(expert_unavailability::Column::StartsOn.lte(today))
            .and_where(expert_unavailability::Column::EndsOn.gte(today))
            .to_owned();
        // Free days a month: more than the proposed and accepted assignments plan.
        let has_days = Expr::cust(
            "expert_profile.days_per_month > (SELECT COALESCE(SUM(a.planned_days), 0) FROM expert_assignment a \
             WHERE a.expert_id = expert_profile.user_id AND a.status IN ('PROPOSED', 'ACCEPTED'))",
        );
        let is_available =
            sea_orm::Condition::all().add(has_days).add(expert_profile::Column::UserId.not_in_subquery(away));
        select = select.filter(if available { is_available } else { is_available.not() });
    }
    paginate(
        db,
        select,
        (expert_profile::Column::CreatedAt, expert_profile::Column::UserId),
        |p| (p.created_at, p.user_id),
        SortOrder::Ascending,
        page,
    )
    .await
}
