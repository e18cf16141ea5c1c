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

/// What kind of item of the resources library a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::resource::ResourceKind")]
pub enum ResourceKind {
    /// Guidelines on how to go about a task.
    Guide,
    /// A practical tool to work with.
    Tool,
    /// An analytical report or study.
    Report,
    /// A template to fill in.
    Template,
    /// A recording, e.g. of a webinar.
    Recording,
}

#[derive(Clone)]
pub struct Resource(pub resource::Model);

/// An item of the resources library. Published ones are public; drafts are visible to staff.
#[Object]
impl Resource {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Resource, &self.0.id.to_string())
    }
    /// The title, at most 300 characters.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// A short description in plain text, at most 5000 characters.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// What kind of resource it is.
    async fn kind(&self) -> ResourceKind {
        self.0.kind.into()
    }
    /// Where the resource is: an http(s) URL.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// ISO 639-1 codes.
    async fn languages(&self) -> Vec<String> {
        crate::domain::newsletter::split_list(&self.0.languages)
    }
    /// The newsletter topics the resource is about; may be empty.
    async fn topics(&self) -> Vec<Topic> {
        topics(&self.0.topics)
    }
    /// Null while a draft.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// When it was last changed (created, updated or published).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Which resources to list; absent fields do not filter.
#[derive(InputObject, Default)]
pub struct ResourcesFilter {
    /// Only resources of this kind.
    pub kind: Option<ResourceKind>,
    /// Only resources available in this language: an ISO 639-1 code (a malformed one is refused with
    /// `BAD_USER_INPUT`).
    pub language: Option<String>,
    /// Only resources about this topic.
    pub topic: Option<Topic>,
}

/// A new resource (a draft until published).
#[derive(InputObject)]
pub struct CreateResourceInput {
    /// Not blank, at most 300 characters.
    pub title: String,
    /// A short description in plain text; not blank, at most 5000 characters.
    pub summary: String,
    /// What kind of resource it is.
    pub kind: ResourceKind,
    /// Where the resource is: an http(s) URL, at most 2000 characters.
    pub url: String,
    /// ISO 639-1 codes of the languages the resource is available in, at least one.
    pub languages: Vec<String>,
    /// The newsletter topics it is about; may be empty.
    pub topics: Vec<Topic>,
}

/// A resource and its new content: every field replaces the stored one.
#[derive(InputObject)]
pub struct UpdateResourceInput {
    /// The resource's global ID.
    pub resource_id: ID,
    /// Not blank, at most 300 characters.
    pub title: String,
    /// A short description in plain text; not blank, at most 5000 characters.
    pub summary: String,
    /// What kind of resource it is.
    pub kind: ResourceKind,
    /// Where the resource is: an http(s) URL, at most 2000 characters.
    pub url: String,
    /// ISO 639-1 codes of the languages the resource is available in, at least one.
    pub languages: Vec<String>,
    /// The newsletter topics it is about; may be empty.
    pub topics: Vec<Topic>,
}

/// The draft to publish.
#[derive(InputObject)]
pub struct PublishResourceInput {
    /// The resource's global ID.
    pub resource_id: ID,
}

/// The result of a change to a resource.
#[derive(SimpleObject)]
pub struct ResourcePayload {
    /// The resource after the change; null when the input was refused.
    pub resource: Option<Resource>,
    /// Problems with the input (`NOT_FOUND` on `["input", "resourceId"]`, `INVALID_STATE` when published
    /// already, ...); empty when the change was made.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct ResourceQuery;

#[Object]
impl ResourceQuery {
    /// Published resources, newest published first (public; drafts are not listed, for staff neither).
    #[allow(clippy::too_many_arguments)]
    async fn resources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which resources; all published ones when absent.")] filter: Option<ResourcesFilter>,
        #[graphql(desc = "Page forward: at most this many items (default 20, at most 100); not together with `last`.")]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the item after which the page starts (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Page backward: at most this many items, the last ones before `before` (at most 100); not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor of the item before which the page ends (`pageInfo.startCursor` of the next page).")]
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
    /// Creates a draft resource, visible to staff only until published (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn create_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new resource.")] input: CreateResourceInput,
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

    /// Replaces every field of a resource, draft or published (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn update_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The resource and its new content.")] input: UpdateResourceInput,
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
        #[graphql(desc = "The draft to publish.")] input: PublishResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = GlobalId::decode_as(&input.resource_id, NodeType::Resource)?;
        let (resource, user_errors) = into_payload(resources::publish_resource(services, principal, id).await)?;
        Ok(ResourcePayload { resource: resource.map(Resource), user_errors })
    }
}
