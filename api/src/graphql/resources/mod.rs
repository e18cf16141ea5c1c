//! GraphQL of the resources library: the public list of published resources, staff create/update/publish.

use crate::auth::STAFF;
use crate::auth::guard::RoleGuard;
use crate::domain::resources::{self, ResourceFilter, ResourceInput};
use crate::domain::values::LanguageCode;
use crate::error::{AppError, UserError};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::newsletter::subscriptions::{Topic, domain_topics, topics};
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::resource;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::resource::ResourceKind")]
pub enum ResourceKind {
    Guide,
    Tool,
    Report,
    Template,
    Recording,
}

/// An item of the resources library. Published ones are public; drafts are visible to staff.
#[derive(Clone)]
pub struct Resource(pub resource::Model);

#[Object]
impl Resource {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Resource, &self.0.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn kind(&self) -> ResourceKind {
        self.0.kind.into()
    }
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// ISO 639-1 codes.
    async fn languages(&self) -> Vec<String> {
        crate::domain::newsletter::split_list(&self.0.languages)
    }
    async fn topics(&self) -> Vec<Topic> {
        topics(&self.0.topics)
    }
    /// Null while a draft.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(InputObject, Default)]
pub struct ResourcesFilter {
    pub kind: Option<ResourceKind>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    pub topic: Option<Topic>,
}

#[derive(InputObject)]
pub struct CreateResourceInput {
    pub title: String,
    pub summary: String,
    pub kind: ResourceKind,
    pub url: String,
    pub languages: Vec<String>,
    pub topics: Vec<Topic>,
}

#[derive(InputObject)]
pub struct UpdateResourceInput {
    pub resource_id: ID,
    pub title: String,
    pub summary: String,
    pub kind: ResourceKind,
    pub url: String,
    pub languages: Vec<String>,
    pub topics: Vec<Topic>,
}

#[derive(InputObject)]
pub struct PublishResourceInput {
    pub resource_id: ID,
}

#[derive(SimpleObject)]
pub struct ResourcePayload {
    pub resource: Option<Resource>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct ResourceQuery;

#[Object]
impl ResourceQuery {
    /// Published resources, newest first.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)]
    async fn resources(
        &self,
        ctx: &Context<'_>,
        filter: Option<ResourcesFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<Resource>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let language = filter
            .language
            .as_deref()
            .map(|l| LanguageCode::parse("language", l).map_err(|e| AppError::BadUserInput(e.message)))
            .transpose()?;
        let filter =
            ResourceFilter { kind: filter.kind.map(Into::into), language, topic: filter.topic.map(Into::into) };
        let page = resources::list_published(&ctx.services().db, &filter, &page).await?;
        Ok(connection(page, Resource))
    }
}

#[derive(Default)]
pub struct ResourceMutation;

#[Object]
impl ResourceMutation {
    /// A draft resource (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn create_resource(
        &self,
        ctx: &Context<'_>,
        input: CreateResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let input = ResourceInput {
            title: input.title,
            summary: input.summary,
            kind: input.kind.into(),
            url: input.url,
            languages: input.languages,
            topics: domain_topics(input.topics),
        };
        let (resource, user_errors) = into_payload(resources::create_resource(services, principal, input).await)?;
        Ok(ResourcePayload { resource: resource.map(Resource), user_errors })
    }

    /// Replaces every field of a resource (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn update_resource(
        &self,
        ctx: &Context<'_>,
        input: UpdateResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.resource_id, NodeType::Resource)?;
        let change = ResourceInput {
            title: input.title,
            summary: input.summary,
            kind: input.kind.into(),
            url: input.url,
            languages: input.languages,
            topics: domain_topics(input.topics),
        };
        let (resource, user_errors) = into_payload(resources::update_resource(services, principal, id, change).await)?;
        Ok(ResourcePayload { resource: resource.map(Resource), user_errors })
    }

    /// Publishes a draft and mails the subscribers of `TOOLS_AND_ANALYSIS` (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn publish_resource(
        &self,
        ctx: &Context<'_>,
        input: PublishResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.resource_id, NodeType::Resource)?;
        let (resource, user_errors) = into_payload(resources::publish_resource(services, principal, id).await)?;
        Ok(ResourcePayload { resource: resource.map(Resource), user_errors })
    }
}
