//! GraphQL of live updates: the `Change` type, the pull-based change feed `changes(after:, types:, first:)`,
//! and (in `subscriptions`) the same changes pushed over WebSocket. Both pass the domain's delivery rule.

pub mod subscriptions;

use crate::domain::domain_events::EventType;
use crate::domain::live::feed;
use crate::error::{AppError, AppResult};
use crate::graphql::connection::{EdgeOf, PageInfo, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{self, GlobalId, Node};
use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use entity::domain_event;
use std::sync::Arc;

#[derive(Clone)]
pub struct Change(pub Arc<domain_event::Model>);

/// One committed change: a domain event (`application.submitted`, `event.published`, ...), delivered only to
/// those who may read its subject.
#[Object]
impl Change {
    /// The event's own identity (also the `webhook-id` of its webhook deliveries).
    async fn event_id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// `area.fact`, e.g. `application.submitted`.
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// The GraphQL type of the subject, e.g. `Application`.
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }
    /// The subject's global ID (`node(id:)` takes it).
    async fn subject_id(&self) -> ID {
        ID(self.0.subject.clone())
    }
    /// The subject as it is now; null when it no longer exists or is not visible to the caller.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        let Some(id) = GlobalId::decode(&ID(self.0.subject.clone())).ok() else { return Ok(None) };
        Ok(node::load(ctx, vec![id]).await?.pop().flatten())
    }
    /// When the change was committed.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// The facts of the change: ids, statuses, counts; never personal data or secrets.
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.payload).unwrap_or_default())
    }
    /// Where this change stands in the feed: pass it as `changes(after:)` to continue from here.
    async fn cursor(&self) -> String {
        feed::cursor_of(&self.0)
    }
}

/// The event types named by `types` (`area.fact`); an unknown name is a `BAD_USER_INPUT`.
pub fn event_types(types: Option<Vec<String>>) -> AppResult<Vec<EventType>> {
    types
        .unwrap_or_default()
        .iter()
        .map(|name| {
            EventType::parse(name).ok_or_else(|| AppError::BadUserInput(format!("`{name}` is not an event type")))
        })
        .collect()
}

#[derive(Default)]
pub struct LiveQuery;

#[Object]
impl LiveQuery {
    /// Committed changes after `after`, oldest first, that the caller may read (the same rule as every
    /// query): the durable change feed for integrators that pull. Keep the last cursor and continue from it;
    /// a cursor older than the retention (`IMPACT_CHANGE_RETENTION_DAYS`) answers `CURSOR_EXPIRED`.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Continue after this cursor (a change's `cursor` or `pageInfo.endCursor`); from the \
                          oldest change kept when absent.")]
        after: Option<String>,
        #[graphql(desc = "Only these event types (`application.submitted`, ...); all when absent.")] types: Option<
            Vec<String>,
        >,
        #[graphql(desc = "At most this many changes: 0 to 100; 20 when absent.")] first: Option<i32>,
    ) -> async_graphql::Result<ChangeConnection> {
        let request = page_request(ctx, first, after.clone(), None, None)?;
        let types = event_types(types)?;
        let page = feed::changes(ctx.services(), ctx.actor(), after.as_deref(), &types, request.size).await?;
        Ok(ChangeConnection {
            edges: page.items.into_iter().map(|(cursor, event)| EdgeOf::new(cursor, Change(Arc::new(event)))).collect(),
            has_previous_page: page.has_previous,
            has_next_page: page.has_next,
        })
    }
}

pub struct ChangeConnection {
    edges: Vec<EdgeOf<Change>>,
    has_previous_page: bool,
    has_next_page: bool,
}

/// A page of the change feed: like a Relay connection, forward only and without `totalCount` (the feed is
/// unbounded and filtered by who may read each change).
#[Object]
impl ChangeConnection {
    /// Whether changes come after this page, and the cursor to continue from (`endCursor`; keep it).
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|edge| edge.cursor.clone()),
            end_cursor: self.edges.last().map(|edge| edge.cursor.clone()),
        }
    }

    /// The changes of this page, oldest first, each with its cursor.
    async fn edges(&self) -> &[EdgeOf<Change>] {
        &self.edges
    }

    /// The changes of this page (the same as `edges { node }`).
    async fn nodes(&self) -> Vec<&Change> {
        self.edges.iter().map(|edge| &edge.node).collect()
    }
}
