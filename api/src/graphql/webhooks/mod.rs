//! GraphQL of webhooks: integrators' endpoints (the secret shown once), their delivery log, secret rotation
//! and replays. Thin: the rules are in `domain::webhooks`.

use crate::domain::webhooks::{self, WithSecret};
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};

pub struct WebhookEndpoint(pub webhook_endpoint::Model);

/// An integrator's URL receiving signed deliveries (Standard Webhooks) of the event types it chose: only events
/// its owner may read. Visible to its owner and staff (`webhookEndpoints`).
#[Object]
impl WebhookEndpoint {
    /// The endpoint's global ID (type `WebhookEndpoint`), the `id` of `rotateWebhookSecret`.
    async fn id(&self) -> ID {
        GlobalId::encode(NodeType::WebhookEndpoint, &self.0.id.to_string())
    }
    /// Where deliveries are POSTed: an https URL on a public address (http and private addresses only when the
    /// server allows them, in development).
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What the endpoint is for, as its owner wrote it; may be empty.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The event types (`area.fact`) it receives.
    async fn event_types(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(ctx.loaders().webhook_event_types.load_one(self.0.id).await?.unwrap_or_default())
    }
    /// `ACTIVE`, or `DISABLED` after failing longer than the configured time (a replay enables it again).
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// Since when every delivery has failed; null while deliveries succeed.
    async fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.0.failing_since
    }
    /// Until when the secret before the last rotation still signs (beside the current one).
    async fn previous_secret_valid_until(&self) -> Option<DateTime<Utc>> {
        self.0.previous_secret_until.filter(|_| self.0.previous_secret.is_some())
    }
    /// When the endpoint was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The delivery log, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<WebhookDelivery>> {
        let page = page_request(ctx, first, after, last, before)?;
        Ok(connection(webhooks::deliveries(&ctx.services().db, self.0.id, &page).await?, WebhookDelivery))
    }
}

pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One event sent (or to be sent) to an endpoint: an entry of its delivery log, with its attempts and the last
/// answer. Visible with its endpoint.
#[Object]
impl WebhookDelivery {
    /// The delivery's global ID (type `WebhookDelivery`), the `id` of `replayWebhookDelivery`.
    async fn id(&self) -> ID {
        GlobalId::encode(NodeType::WebhookDelivery, &self.0.id.to_string())
    }
    /// The `webhook-id` header: the domain event's id, the same for every attempt and replay.
    async fn webhook_id(&self) -> String {
        self.0.event_id.to_string()
    }
    /// The domain event's type, `area.fact` (e.g. `application.submitted`).
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// `PENDING`, `SENDING`, `DELIVERED` or `FAILED` (every attempt of the schedule failed).
    async fn status(&self) -> &str {
        match self.0.status {
            webhook_delivery::WebhookDeliveryStatus::Pending => "PENDING",
            webhook_delivery::WebhookDeliveryStatus::Sending => "SENDING",
            webhook_delivery::WebhookDeliveryStatus::Delivered => "DELIVERED",
            webhook_delivery::WebhookDeliveryStatus::Failed => "FAILED",
        }
    }
    /// Attempts made so far (0 before the first).
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// The HTTP status of the last answer, if there was one.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    /// Why the last attempt failed (a status code or a network error); null after a success or before any.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When the next attempt is due, while `PENDING`; null otherwise.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == webhook_delivery::WebhookDeliveryStatus::Pending).then_some(self.0.next_attempt_at)
    }
    /// When the receiver answered 2xx; null until then.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    /// When the delivery was queued (the event's dispatch, or the replay).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The JSON body as sent.
    async fn body(&self) -> &str {
        &self.0.body
    }
}

/// A webhook endpoint to register.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// An https URL on a public address.
    pub url: String,
    /// Event types (`application.submitted`, ...) to receive; at least one.
    pub event_types: Vec<String>,
    /// What the endpoint is for (at most 500 characters); empty when absent.
    #[graphql(default)]
    pub description: String,
}

/// The endpoint whose signing secret to replace.
#[derive(InputObject)]
pub struct RotateWebhookSecretInput {
    /// The endpoint's global ID (`WebhookEndpoint.id`).
    pub id: ID,
}

/// The delivery to send again.
#[derive(InputObject)]
pub struct ReplayWebhookDeliveryInput {
    /// The delivery's global ID (`WebhookDelivery.id`).
    pub id: ID,
}

/// The endpoint with its signing secret (`whsec_...`), shown only in this answer.
#[derive(SimpleObject)]
pub struct WebhookEndpointSecretPayload {
    /// The endpoint; null when the input was refused.
    pub webhook_endpoint: Option<WebhookEndpoint>,
    /// Keep it: it is not shown again.
    pub secret: Option<String>,
    /// Why the input was refused (bad URL, unknown event type, endpoint not found); empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `replayWebhookDelivery`.
#[derive(SimpleObject)]
pub struct ReplayWebhookDeliveryPayload {
    /// The new entry of the delivery log, pending; null when the input was refused.
    pub webhook_delivery: Option<WebhookDelivery>,
    /// Why the input was refused (delivery not found); empty on success.
    pub user_errors: Vec<UserError>,
}

fn secret_payload(result: AppResult<WithSecret>) -> async_graphql::Result<WebhookEndpointSecretPayload> {
    let (created, user_errors) = into_payload(result)?;
    let (webhook_endpoint, secret) = match created {
        Some(WithSecret { endpoint, secret }) => (Some(WebhookEndpoint(endpoint)), Some(secret)),
        None => (None, None),
    };
    Ok(WebhookEndpointSecretPayload { webhook_endpoint, secret, user_errors })
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// The caller's webhook endpoints (staff: all), oldest first. Integrators and staff.
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<WebhookEndpoint>> {
        let page = page_request(ctx, first, after, last, before)?;
        let page = webhooks::endpoints(ctx.services(), ctx.actor(), &page).await?;
        if nodes_select(ctx, &["eventTypes"]) {
            let ids: Vec<_> = page.items.iter().map(|(_, endpoint)| endpoint.id).collect();
            ctx.loaders().prime_webhook_event_types(&ctx.services().db, &ids).await?;
        }
        Ok(connection(page, WebhookEndpoint))
    }
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint (integrators and staff); the answer holds its secret, shown this once.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The URL, the event types and a description.")] input: CreateWebhookEndpointInput,
    ) -> async_graphql::Result<WebhookEndpointSecretPayload> {
        secret_payload(
            webhooks::create_endpoint(ctx.services(), ctx.actor(), &input.url, &input.event_types, &input.description)
                .await,
        )
    }

    /// A new secret (shown this once); the previous one keeps signing beside it for the configured overlap.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: RotateWebhookSecretInput,
    ) -> async_graphql::Result<WebhookEndpointSecretPayload> {
        let id = GlobalId::decode_as(&input.id, NodeType::WebhookEndpoint)?;
        secret_payload(webhooks::rotate_secret(ctx.services(), ctx.actor(), id).await)
    }

    /// Sends a delivery again (same `webhook-id` and body), as a new entry of the log.
    async fn replay_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery.")] input: ReplayWebhookDeliveryInput,
    ) -> async_graphql::Result<ReplayWebhookDeliveryPayload> {
        let id = GlobalId::decode_as(&input.id, NodeType::WebhookDelivery)?;
        let (delivery, user_errors) = into_payload(webhooks::replay_delivery(ctx.services(), ctx.actor(), id).await)?;
        Ok(ReplayWebhookDeliveryPayload { webhook_delivery: delivery.map(WebhookDelivery), user_errors })
    }
}
