//! Applications of partnerships to calls for pilot regions: drafting, visibility and lists. The check of
//! the rules is in `check`, the workflow (submission, assessment, selection) in `workflow`.

pub mod check;
pub mod personal_data;
pub mod policy;
pub mod workflow;

pub use policy::visible_to;

use crate::auth::Principal;
use crate::domain::calls::{self, CallStatus};
use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::LanguageCode;
use crate::domain::{Services, partnerships};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::application::{self, ApplicationStatus};
use entity::call::CallKind;
use entity::{application_event, organisation, partner};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// A link attached to an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub title: String,
    pub url: String,
}

/// The content sections; `None` leaves a section as it is.
#[derive(Debug, Clone, Default)]
pub struct ApplicationContent {
    pub motivation: Option<String>,
    pub challenges: Option<String>,
    pub priorities: Option<String>,
    pub cooperation: Option<String>,
    pub capacity: Option<String>,
    pub languages: Option<Vec<String>>,
    pub attachments: Option<Vec<Attachment>>,
}

pub fn languages(application: &application::Model) -> Vec<String> {
    application.languages.split(',').filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

pub fn attachments(application: &application::Model) -> Vec<Attachment> {
    serde_json::from_str(&application.attachments).unwrap_or_default()
}

/// Starts a draft for a partnership the caller may edit, to a published call for pilot regions not yet closed.
pub async fn create_application(
    services: &Services,
    actor: Option<&Principal>,
    call_id: Uuid,
    partnership_id: Uuid,
    content: &ApplicationContent,
) -> AppResult<application::Model> {
    let principal = policy::can_apply(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut tx = services.write(Some(principal)).await?;
    let call = calls::find(&*tx, call_id).await.map_err(|e| relabel(e, "callId"))?;
    if !calls::policy::can_read(Some(principal), &call) {
        return Err(AppError::not_found(&["callId"], "call"));
    }
    if call.kind != CallKind::PilotRegions {
        return Err(AppError::rejected(&["callId"], UserErrorCode::Invalid, "this call is for experts"));
    }
    let now = tx.now();
    if calls::status_at(&call, now) == CallStatus::Closed {
        return Err(AppError::rejected(&["callId"], UserErrorCode::CallClosed, "the deadline of this call has passed"));
    }
    let partnership = partnerships::find(&*tx, partnership_id).await.map_err(|e| relabel(e, "partnershipId"))?;
    policy::can_edit(&*tx, actor, &partnership).await?;
    let mut draft = application::ActiveModel {
        id: Set(Uuid::now_v7()),
        call_id: Set(call_id),
        partnership_id: Set(partnership_id),
        status: Set(ApplicationStatus::Draft),
        motivation: Set(None),
        challenges: Set(None),
        priorities: Set(None),
        cooperation: Set(None),
        capacity: Set(None),
        languages: Set(String::new()),
        attachments: Set("[]".to_owned()),
        submitted_at: Set(None),
        eligibility_passed: Set(None),
        eligibility_reasons: Set(None),
        quality_scores: Set(None),
        quality_comment: Set(None),
        created_by: Set(user_id),
        created_at: Set(now),
        updated_at: Set(now),
    };
    apply_content(&mut draft, content)?;
    let created = draft.insert(&*tx).await.map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::rejected(
            &["partnershipId"],
            UserErrorCode::Taken,
            "this partnership already has an application to this call",
        ),
        _ => e.into(),
    })?;
    application_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(created.id),
        from_status: Set(None),
        to_status: Set(ApplicationStatus::Draft),
        actor_id: Set(user_id),
        note: Set(None),
        occurred_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    tx.emit(event(EventType::ApplicationCreated, &created));
    tx.commit().await?;
    Ok(created)
}

/// A user error about the input's `id` moved to the input's `field` (database errors pass unchanged).
pub(crate) fn relabel(error: AppError, field: &str) -> AppError {
    match error {
        AppError::Rejected(errors) => AppError::Rejected(
            errors
                .into_iter()
                .map(|mut e| {
                    if e.field.first().map(String::as_str) == Some("id") {
                        e.field[0] = field.to_owned();
                    }
                    e
                })
                .collect(),
        ),
        other => other,
    }
}

/// An event about `application` for its parties and staff: its call, partnership and status.
pub(crate) fn event(event_type: EventType, application: &application::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::Application, application.id).payload(json!({
        "callId": application.call_id.to_string(),
        "partnershipId": application.partnership_id.to_string(),
        "status": application.status.to_value(),
    }))
}

fn apply_content(active: &mut application::ActiveModel, content: &ApplicationContent) -> AppResult<()> {
    let mut errors: Vec<UserError> = Vec::new();
    let text =
        |t: &Option<String>| t.as_deref().map(str::trim).map(str::to_owned).map(|t| (!t.is_empty()).then_some(t));
    if let Some(v) = text(&content.motivation) {
        active.motivation = Set(v);
    }
    if let Some(v) = text(&content.challenges) {
        active.challenges = Set(v);
    }
    if let Some(v) = text(&content.priorities) {
        active.priorities = Set(v);
    }
    if let Some(v) = text(&content.cooperation) {
        active.cooperation = Set(v);
    }
    if let Some(v) = text(&content.capacity) {
        active.capacity = Set(v);
    }
    if let Some(list) = &content.languages {
        let mut codes: Vec<String> = Vec::new();
        for (index, raw) in list.iter().enumerate() {
            match LanguageCode::parse("languages", raw) {
                Ok(code) => {
                    let code = code.into_string();
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
                Err(mut e) => {
                    e.field.push(index.to_string());
                    errors.push(e);
                }
            }
        }
        active.languages = Set(codes.join(","));
    }
    if let Some(list) = &content.attachments {
        for (index, attachment) in list.iter().enumerate() {
            let at = index.to_string();
            if attachment.title.trim().is_empty() {
                errors.push(UserError::new(
                    &["attachments", &at, "title"],
                    UserErrorCode::Required,
                    "give the link a title",
                ));
            }
            let url = attachment.url.trim();
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
                errors.push(UserError::new(
                    &["attachments", &at, "url"],
                    UserErrorCode::Invalid,
                    "a link starts with https:// (or http://)",
                ));
            }
        }
        let cleaned: Vec<Attachment> = list
            .iter()
            .map(|a| Attachment { title: a.title.trim().to_owned(), url: a.url.trim().to_owned() })
            .collect();
        active.attachments = Set(serde_json::to_string(&cleaned).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?);
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Rejected(errors)) }
}

/// Edits a draft (or a returned application before the deadline): owners and editors of the lead organisation.
pub async fn update_application(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    content: &ApplicationContent,
) -> AppResult<application::Model> {
    policy::can_apply(actor)?;
    let mut tx = services.write(actor).await?;
    let existing = find_visible(&*tx, actor, id).await?;
    let partnership = partnerships::find(&*tx, existing.partnership_id).await?;
    policy::can_edit(&*tx, actor, &partnership).await?;
    match existing.status {
        ApplicationStatus::Draft => {}
        ApplicationStatus::Returned => {
            let call = calls::find(&*tx, existing.call_id).await?;
            if calls::status_at(&call, tx.now()) == CallStatus::Closed {
                return Err(AppError::rejected(
                    &[],
                    UserErrorCode::CallClosed,
                    "the deadline has passed: submitted content can no longer change",
                ));
            }
        }
        _ => {
            return Err(AppError::rejected(
                &[],
                UserErrorCode::InvalidState,
                "a submitted application is frozen; staff can return it for changes",
            ));
        }
    }
    let mut active: application::ActiveModel = existing.into();
    apply_content(&mut active, content)?;
    active.updated_at = Set(tx.now());
    let updated = active.update(&*tx).await?;
    tx.emit(event(EventType::ApplicationUpdated, &updated));
    tx.commit().await?;
    Ok(updated)
}

/// The application if the caller may see it; `NotFound` otherwise (as if it did not exist).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    id: Uuid,
) -> AppResult<application::Model> {
    let mut select = application::Entity::find_by_id(id);
    if let Some(condition) = visible_to(principal) {
        select = select.filter(condition);
    }
    select.one(db).await?.ok_or_else(|| AppError::not_found(&["id"], "application"))
}

pub async fn visible_by_id(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    ids: &[Uuid],
) -> AppResult<Vec<application::Model>> {
    let mut select = application::Entity::find().filter(application::Column::Id.is_in(ids.iter().copied()));
    if let Some(condition) = visible_to(principal) {
        select = select.filter(condition);
    }
    Ok(select.all(db).await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationSort {
    /// Newest first.
    CreatedAt,
    /// Most recently submitted first (drafts last).
    UpdatedAt,
}

#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub call: Option<Uuid>,
    pub statuses: Option<Vec<ApplicationStatus>>,
    /// ISO code of a country among the partners' organisations.
    pub country: Option<String>,
    pub organisation_type: Option<entity::organisation::OrganisationType>,
    /// Only the caller's own (as a member), even for staff.
    pub mine: bool,
}

/// Applications the caller may see, newest first (or by last change).
pub async fn list_applications(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    filter: &ApplicationFilter,
    sort: Option<ApplicationSort>,
    page: &PageRequest,
) -> AppResult<Page<application::Model>> {
    let mut select = application::Entity::find();
    let visibility = if filter.mine {
        let user = principal.and_then(Principal::user_id).map(|id| Principal {
            id,
            kind: crate::auth::SubjectKind::User,
            roles: Vec::new(),
            programmes: Vec::new(),
            session: None,
        });
        visible_to(user.as_ref())
    } else {
        visible_to(principal)
    };
    if let Some(condition) = visibility {
        select = select.filter(condition);
    }
    if let Some(call) = filter.call {
        select = select.filter(application::Column::CallId.eq(call));
    }
    if let Some(statuses) = &filter.statuses {
        select = select.filter(application::Column::Status.is_in(statuses.iter().copied()));
    }
    if filter.country.is_some() || filter.organisation_type.is_some() {
        let mut organisations = Query::select();
        organisations.column(organisation::Column::Id).from(organisation::Entity);
        if let Some(country) = &filter.country {
            organisations.and_where(organisation::Column::CountryCode.eq(country.clone()));
        }
        if let Some(kind) = filter.organisation_type {
            organisations.and_where(organisation::Column::OrganisationType.eq(kind));
        }
        select = select.filter(
            application::Column::PartnershipId.in_subquery(
                Query::select()
                    .column(partner::Column::PartnershipId)
                    .from(partner::Entity)
                    .and_where(partner::Column::OrganisationId.in_subquery(organisations.to_owned()))
                    .to_owned(),
            ),
        );
    }
    let column = match sort.unwrap_or(ApplicationSort::CreatedAt) {
        ApplicationSort::CreatedAt => application::Column::CreatedAt,
        ApplicationSort::UpdatedAt => application::Column::UpdatedAt,
    };
    let key = move |a: &application::Model| match sort.unwrap_or(ApplicationSort::CreatedAt) {
        ApplicationSort::CreatedAt => (a.created_at, a.id),
        ApplicationSort::UpdatedAt => (a.updated_at, a.id),
    };
    paginate(db, select, (column, application::Column::Id), key, SortOrder::Descending, page).await
}

/// The workflow history of an application, oldest first.
/// The history of several applications, oldest entry first, in one statement however many applications.
/// Every id asked for is in the map.
pub async fn history_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<application_event::Model>>> {
    let rows = application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.is_in(ids.iter().copied()))
        .order_by_asc(application_event::Column::OccurredAt)
        .order_by_asc(application_event::Column::Id)
        .all(db)
        .await?;
    let mut history: HashMap<Uuid, Vec<_>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for entry in rows {
        history.entry(entry.application_id).or_default().push(entry);
    }
    Ok(history)
}
