//! GraphQL of calls: public once published, drafted and published by staff. `status` follows the server clock.

use crate::auth::STAFF;
use crate::auth::guard::RoleGuard;
use crate::domain::calls::{self, CallInput};
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::call;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::call::CallKind")]
pub enum CallKind {
    PilotRegions,
    Experts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::calls::CallStatus")]
pub enum CallStatus {
    /// Not open yet.
    Upcoming,
    /// Open: `opensAt <= now < closesAt` (UTC).
    Open,
    /// The deadline has passed.
    Closed,
}

/// A call for pilot regions or for experts.
#[derive(Clone)]
pub struct Call(pub call::Model);

#[Object]
impl Call {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Call, &self.0.id.to_string())
    }
    async fn kind(&self) -> CallKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn round(&self) -> i32 {
        self.0.round
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn opens_at(&self) -> DateTime<Utc> {
        self.0.opens_at
    }
    /// The deadline (UTC): submissions are accepted before this instant.
    async fn closes_at(&self) -> DateTime<Utc> {
        self.0.closes_at
    }
    async fn max_selections(&self) -> i32 {
        self.0.max_selections
    }
    /// Null while a draft (visible to staff only).
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    async fn status(&self, ctx: &Context<'_>) -> CallStatus {
        calls::status_at(&self.0, ctx.now()).into()
    }
}

#[derive(InputObject)]
pub struct CallFields {
    pub kind: CallKind,
    pub title: String,
    pub round: i32,
    #[graphql(default)]
    pub description: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub max_selections: i32,
}

impl From<CallFields> for CallInput {
    fn from(f: CallFields) -> Self {
        CallInput {
            kind: f.kind.into(),
            title: f.title,
            round: f.round,
            description: f.description,
            opens_at: f.opens_at,
            closes_at: f.closes_at,
            max_selections: f.max_selections,
        }
    }
}

#[derive(InputObject)]
pub struct CreateCallInput {
    #[graphql(flatten)]
    pub fields: CallFields,
}

#[derive(InputObject)]
pub struct UpdateCallInput {
    pub id: ID,
    #[graphql(flatten)]
    pub fields: CallFields,
}

#[derive(InputObject)]
pub struct PublishCallInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct CallPayload {
    pub call: Option<Call>,
    pub user_errors: Vec<UserError>,
}

pub fn call_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::Call)
}

fn payload(result: AppResult<call::Model>) -> async_graphql::Result<CallPayload> {
    let (call, user_errors) = into_payload(result)?;
    Ok(CallPayload { call: call.map(Call), user_errors })
}

#[derive(Default)]
pub struct CallQuery;

#[Object]
impl CallQuery {
    /// Published calls by opening time (staff also see drafts).
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)]
    async fn calls(
        &self,
        ctx: &Context<'_>,
        kind: Option<CallKind>,
        status: Option<CallStatus>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<Call>> {
        let page = page_request(ctx, first, after, last, before)?;
        let services = ctx.services();
        let page = calls::list_calls(
            &services.db,
            ctx.actor(),
            kind.map(Into::into),
            status.map(Into::into),
            ctx.now(),
            &page,
        )
        .await?;
        Ok(connection(page, Call))
    }
}

#[derive(Default)]
pub struct CallMutation;

#[Object]
impl CallMutation {
    /// Drafts a call (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn create_call(&self, ctx: &Context<'_>, input: CreateCallInput) -> async_graphql::Result<CallPayload> {
        payload(calls::create_call(ctx.services(), ctx.actor(), &input.fields.into()).await)
    }

    /// Corrects a call (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn update_call(&self, ctx: &Context<'_>, input: UpdateCallInput) -> async_graphql::Result<CallPayload> {
        let id = call_uuid(&input.id)?;
        payload(calls::update_call(ctx.services(), ctx.actor(), id, &input.fields.into()).await)
    }

    /// Publishes a call (staff): from then on everybody sees it.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn publish_call(&self, ctx: &Context<'_>, input: PublishCallInput) -> async_graphql::Result<CallPayload> {
        let id = call_uuid(&input.id)?;
        payload(calls::publish_call(ctx.services(), ctx.actor(), id).await)
    }
}
