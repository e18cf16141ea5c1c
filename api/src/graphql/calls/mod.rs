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

/// Whom a call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::call::CallKind")]
pub enum CallKind {
    /// A call for pilot regions: partnerships of cross-border regions apply with an `Application`.
    PilotRegions,
    /// A call for experts to support the pilot regions.
    Experts,
}

/// Where a call stands now, by the server clock (UTC); computed, never stored.
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

#[derive(Clone)]
pub struct Call(pub call::Model);

/// A call for pilot regions or for experts. Public once published; drafts are visible to staff only.
#[Object]
impl Call {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Call, &self.0.id.to_string())
    }
    /// Whom the call is for.
    async fn kind(&self) -> CallKind {
        self.0.kind.into()
    }
    /// The call's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The call's round, numbered from 1 (e.g. 2 for the second call for pilot regions).
    async fn round(&self) -> i32 {
        self.0.round
    }
    /// What the call is about and how to apply (empty when not given).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// When the call opens (UTC): submissions are accepted from this instant on.
    async fn opens_at(&self) -> DateTime<Utc> {
        self.0.opens_at
    }
    /// The deadline (UTC): submissions are accepted before this instant.
    async fn closes_at(&self) -> DateTime<Utc> {
        self.0.closes_at
    }
    /// The most applications this call selects (at least 1); the programme-wide maximum of pilot regions
    /// applies besides.
    async fn max_selections(&self) -> i32 {
        self.0.max_selections
    }
    /// Null while a draft (visible to staff only).
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// Where the call stands now (server clock, UTC).
    async fn status(&self, ctx: &Context<'_>) -> CallStatus {
        calls::status_at(&self.0, ctx.now()).into()
    }
}

/// The fields of a call, as staff enter them.
#[derive(InputObject)]
pub struct CallFields {
    /// Whom the call is for.
    pub kind: CallKind,
    /// The title: required, at most 255 characters.
    pub title: String,
    /// The round, from 1.
    pub round: i32,
    /// What the call is about and how to apply; empty by default.
    #[graphql(default)]
    pub description: String,
    /// When the call opens (RFC 3339; stored in UTC).
    pub opens_at: DateTime<Utc>,
    /// The deadline (RFC 3339; stored in UTC): after `opensAt`; submissions are accepted before this instant.
    pub closes_at: DateTime<Utc>,
    /// The most applications this call selects: at least 1.
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

/// A new call, created as a draft.
#[derive(InputObject)]
pub struct CreateCallInput {
    #[graphql(flatten)]
    pub fields: CallFields,
}

/// New values for every field of a call (draft or published).
#[derive(InputObject)]
pub struct UpdateCallInput {
    /// The call to correct.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: CallFields,
}

/// A call to publish.
#[derive(InputObject)]
pub struct PublishCallInput {
    /// The call; publishing a published call changes nothing.
    pub id: ID,
}

/// The result of a change to a call.
#[derive(SimpleObject)]
pub struct CallPayload {
    /// The call after the change; null when `userErrors` is not empty.
    pub call: Option<Call>,
    /// Problems with the input; empty when the change was made.
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
    #[allow(clippy::too_many_arguments)]
    async fn calls(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only calls of this kind.")] kind: Option<CallKind>,
        #[graphql(desc = "Only calls that are now upcoming, open or closed (server clock).")] status: Option<
            CallStatus,
        >,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
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
    async fn create_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call's fields.")] input: CreateCallInput,
    ) -> async_graphql::Result<CallPayload> {
        payload(calls::create_call(ctx.services(), ctx.actor(), &input.fields.into()).await)
    }

    /// Replaces every field of a call, draft or published (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn update_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call and all its new values.")] input: UpdateCallInput,
    ) -> async_graphql::Result<CallPayload> {
        let id = call_uuid(&input.id)?;
        payload(calls::update_call(ctx.services(), ctx.actor(), id, &input.fields.into()).await)
    }

    /// Publishes a call (staff): from then on everybody sees it.
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn publish_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call to publish.")] input: PublishCallInput,
    ) -> async_graphql::Result<CallPayload> {
        let id = call_uuid(&input.id)?;
        payload(calls::publish_call(ctx.services(), ctx.actor(), id).await)
    }
}
