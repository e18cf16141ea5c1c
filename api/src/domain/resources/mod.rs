//! The resources library: practical tools, guidelines, analytical reports, templates and recordings. Staff
//! create, edit and publish them; the public lists the published ones. Publishing one tells the subscribers of
//! `TOOLS_AND_ANALYSIS`, in the same transaction.

pub mod personal_data;
pub mod policy;

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::newsletter::{self, Topic, join_list, topics_column};
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::{Checks, LanguageCode, required_text};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::resource::{self, ResourceKind};
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

const MAX_TITLE_CHARS: usize = 300;
const MAX_SUMMARY_CHARS: usize = 5000;
const MAX_URL_CHARS: usize = 2000;

pub struct ResourceInput {
    pub title: String,
    pub summary: String,
    pub kind: ResourceKind,
    pub url: String,
    /// ISO 639-1 codes the resource is available in; at least one.
    pub languages: Vec<String>,
    pub topics: Vec<Topic>,
}

struct CheckedResource {
    title: String,
    summary: String,
    url: String,
    languages: String,
    topics: String,
}

fn check(input: &ResourceInput) -> AppResult<CheckedResource> {
    let mut checks = Checks::default();
    let title = checks.take(required_text("title", &input.title, MAX_TITLE_CHARS));
    let summary = checks.take(required_text("summary", &input.summary, MAX_SUMMARY_CHARS));
    let url = checks.take(check_url("url", &input.url));
    let mut languages: Vec<String> = input
        .languages
        .iter()
        .filter_map(|l| checks.take(LanguageCode::parse("languages", l)).map(LanguageCode::into_string))
        .collect();
    languages.sort();
    languages.dedup();
    if input.languages.is_empty() {
        checks.push(UserError::new(&["languages"], UserErrorCode::Required, "give at least one language"));
    }
    let mut topics = input.topics.clone();
    topics.sort();
    topics.dedup();
    checks.finish()?;
    let (Some(title), Some(summary), Some(url)) = (title, summary, url) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked resource lost a value")));
    };
    Ok(CheckedResource {
        title,
        summary,
        url,
        languages: join_list(languages.iter().map(String::as_str)),
        topics: topics_column(&topics),
    })
}

fn check_url(field: &str, input: &str) -> Result<String, UserError> {
    let url = input.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > MAX_URL_CHARS || url.contains(char::is_whitespace) || url.ends_with("//") {
        return Err(UserError::new(&[field], UserErrorCode::Invalid, "give an http(s) URL"));
    }
    Ok(url.to_owned())
}

/// A draft resource; the public sees it once published.
pub async fn create_resource(
    services: &Services,
    actor: Option<&Principal>,
    input: ResourceInput,
) -> AppResult<resource::Model> {
    let principal = policy::can_manage(actor)?;
    let checked = check(&input)?;
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let resource = resource::ActiveModel {
        id: Set(Uuid::now_v7()),
        title: Set(checked.title),
        summary: Set(checked.summary),
        kind: Set(input.kind),
        url: Set(checked.url),
        languages: Set(checked.languages),
        topics: Set(checked.topics),
        published_at: Set(None),
        created_by: Set(principal.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    tx.emit(event(EventType::ResourceCreated, &resource));
    tx.commit().await?;
    Ok(resource)
}

/// Replaces every field of a resource (published or not).
pub async fn update_resource(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    input: ResourceInput,
) -> AppResult<resource::Model> {
    let principal = policy::can_manage(actor)?;
    let checked = check(&input)?;
    let mut tx = services.write(Some(principal)).await?;
    let mut active: resource::ActiveModel = load(&*tx, id).await?.into();
    active.title = Set(checked.title);
    active.summary = Set(checked.summary);
    active.kind = Set(input.kind);
    active.url = Set(checked.url);
    active.languages = Set(checked.languages);
    active.topics = Set(checked.topics);
    active.updated_at = Set(tx.now());
    let resource = active.update(&*tx).await?;
    tx.emit(event(EventType::ResourceUpdated, &resource));
    tx.commit().await?;
    Ok(resource)
}

/// Publishes a draft and mails the `TOOLS_AND_ANALYSIS` subscribers about it (one transaction).
pub async fn publish_resource(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<resource::Model> {
    let principal = policy::can_manage(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let found = load(&*tx, id).await?;
    if found.published_at.is_some() {
        return Err(AppError::rejected(
            &["resourceId"],
            UserErrorCode::InvalidState,
            "this resource is published already",
        ));
    }
    let mut active: resource::ActiveModel = found.into();
    active.published_at = Set(Some(now));
    active.updated_at = Set(now);
    let published = active.update(&*tx).await?;
    let subject = format!("New in the IMPACT library: {}", published.title);
    let text = format!(
        "Hello,\n\na new resource is available in the IMPACT library:\n\n{}\n\n{}\n\n{}",
        published.title, published.summary, published.url
    );
    newsletter::notify_topic(&mut tx, Topic::ToolsAndAnalysis, &subject, &text).await?;
    tx.emit(event(EventType::ResourcePublished, &published));
    tx.commit().await?;
    Ok(published)
}

/// The event of a change to `resource`: public once published, staff-only while a draft.
fn event(event_type: EventType, resource: &resource::Model) -> DomainEvent {
    let visibility = if resource.published_at.is_some() { Visibility::Public } else { Visibility::Staff };
    DomainEvent::new(event_type, NodeType::Resource, resource.id).visibility(visibility).payload(json!({
        "kind": resource.kind.to_value(),
        "published": resource.published_at.is_some(),
    }))
}

async fn load(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<resource::Model> {
    resource::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| {
        AppError::rejected(&["resourceId"], UserErrorCode::NotFound, "there is no resource with this ID")
    })
}

#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub kind: Option<ResourceKind>,
    pub language: Option<LanguageCode>,
    pub topic: Option<Topic>,
}

/// Published resources, newest first.
pub async fn list_published(
    conn: &impl ConnectionTrait,
    filter: &ResourceFilter,
    page: &PageRequest,
) -> AppResult<Page<resource::Model>> {
    let mut select = resource::Entity::find().filter(policy::read_filter(None));
    if let Some(kind) = filter.kind {
        select = select.filter(resource::Column::Kind.eq(kind));
    }
    if let Some(language) = &filter.language {
        select = select.filter(resource::Column::Languages.like(format!("%,{},%", language.as_str())));
    }
    if let Some(topic) = filter.topic {
        select = select.filter(topic.is_in(resource::Column::Topics));
    }
    paginate(
        conn,
        select,
        (resource::Column::PublishedAt, resource::Column::Id),
        |r| (r.published_at, r.id),
        SortOrder::Descending,
        page,
    )
    .await
}

pub async fn resources_by_id(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<resource::Model>> {
    Ok(resource::Entity::find().filter(resource::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}
