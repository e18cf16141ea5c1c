//! GraphQL of webhooks: integrators' endpoints (the secret shown once), their delivery log, secret rotation
//! and replays. Thin: the rules are in `domain::webhooks`.

use crate::domain::webhooks::{self, WithSecret};
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};

/// An integrator's URL receiving signed deliveries (Standard Webhooks) of the event types it chose.
pub struct WebhookEndpoint(pub webhook_endpoint::Model);

#[Object]
impl WebhookEndpoint {
    async fn id(&self) -> ID {
        GlobalId::encode(NodeType::WebhookEndpoint, &self.0.id.to_string())
    }
    async fn url(&self) -> &str {
        &self.0.url
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The event types (`area.fact`) it receives.
    async fn event_types(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(webhooks::event_types_of(&ctx.services().db, self.0.id).await?)
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
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The delivery log, newest first.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<WebhookDelivery>> {
        let page = page_request(ctx, first, after, last, before)?;
        Ok(connection(webhooks::deliveries(&ctx.services().db, self.0.id, &page).await?, WebhookDelivery))
    }
}

/// One event sent (or to be sent) to an endpoint: an entry of its delivery log.
pub struct WebhookDelivery(pub webhook_delivery::Model);

#[Object]
impl WebhookDelivery {
    async fn id(&self) -> ID {
        GlobalId::encode(NodeType::WebhookDelivery, &self.0.id.to_string())
    }
    /// The `webhook-id` header: the domain event's id, the same for every attempt and replay.
    async fn webhook_id(&self) -> String {
        self.0.event_id.to_string()
    }
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
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// The HTTP status of the last answer, if there was one.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == webhook_delivery::WebhookDeliveryStatus::Pending).then_some(self.0.next_attempt_at)
    }
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The JSON body as sent.
    async fn body(&self) -> &str {
        &self.0.body
    }
}

#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// An https URL on a public address.
    pub url: String,
    /// Event types (`application.submitted`, ...) to receive; at least one.
    pub event_types: Vec<String>,
    #[graphql(default)]
    pub description: String,
}

#[derive(InputObject)]
pub struct RotateWebhookSecretInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct ReplayWebhookDeliveryInput {
    pub id: ID,
}

/// The endpoint with its signing secret (`whsec_...`), shown only in this answer.
#[derive(SimpleObject)]
pub struct WebhookEndpointSecretPayload {
    pub webhook_endpoint: Option<WebhookEndpoint>,
    /// Keep it: it is not shown again.
    pub secret: Option<String>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct ReplayWebhookDeliveryPayload {
    pub webhook_delivery: Option<WebhookDelivery>,
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<WebhookEndpoint>> {
        let page = page_request(ctx, first, after, last, before)?;
        Ok(connection(webhooks::endpoints(ctx.services(), ctx.actor(), &page).await?, WebhookEndpoint))
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
        input: CreateWebhookEndpointInput,
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
        input: RotateWebhookSecretInput,
    ) -> async_graphql::Result<WebhookEndpointSecretPayload> {
        let id = GlobalId::decode_as(&input.id, NodeType::WebhookEndpoint)?;
        secret_payload(webhooks::rotate_secret(ctx.services(), ctx.actor(), id).await)
    }

    /// Sends a delivery again (same `webhook-id` and body), as a new entry of the log.
    async fn replay_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        input: ReplayWebhookDeliveryInput,
    ) -> async_graphql::Result<ReplayWebhookDeliveryPayload> {
        let id = GlobalId::decode_as(&input.id, NodeType::WebhookDelivery)?;
        let (delivery, user_errors) = into_payload(webhooks::replay_delivery(ctx.services(), ctx.actor(), id).await)?;
        Ok(ReplayWebhookDeliveryPayload { webhook_delivery: delivery.map(WebhookDelivery), user_errors })
    }
}
