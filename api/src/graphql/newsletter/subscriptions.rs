//! GraphQL of newsletter subscriptions: subscribe, confirm, manage by token or with a session, unsubscribe,
//! and the consent history. No enumeration: `subscribe` answers the same for every address.

use crate::domain::newsletter::subscriptions::{self, SubscriberKey, SubscriptionChange};
use crate::error::{AppError, UserError};
use crate::graphql::context::ContextExt;
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{subscriber, subscription_consent};

/// What one can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::newsletter::Topic")]
pub enum Topic {
    /// Calls for pilot regions.
    CallsPilotRegions,
    /// Calls for experts.
    CallsExperts,
    /// Webinars and in-person events.
    Events,
    /// New practical tools and analysis.
    ToolsAndAnalysis,
    /// General news of the programme.
    News,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::subscriber::SubscriptionStatus")]
pub enum SubscriptionStatus {
    /// Waiting for the confirmation link.
    Pending,
    /// Receives newsletters of its topics.
    Confirmed,
    Unsubscribed,
    /// Personal data erased.
    Erased,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::subscription_consent::ConsentAction")]
pub enum ConsentAction {
    Subscribed,
    Confirmed,
    Updated,
    Unsubscribed,
    Erased,
}

pub(crate) fn topics(stored: &str) -> Vec<Topic> {
    crate::domain::newsletter::topics_of(stored).into_iter().map(Topic::from).collect()
}

pub(crate) fn domain_topics(topics: Vec<Topic>) -> Vec<crate::domain::newsletter::Topic> {
    topics.into_iter().map(Into::into).collect()
}

/// A newsletter subscription, seen by the holder of its manage token or by the account with its address.
/// Named `NewsletterSubscription` in GraphQL, where `Subscription` is the root type of live updates.
pub struct Subscription(pub subscriber::Model);

#[Object(name = "NewsletterSubscription")]
impl Subscription {
    /// Null once erased.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn status(&self) -> SubscriptionStatus {
        self.0.status.into()
    }
    async fn topics(&self) -> Vec<Topic> {
        topics(&self.0.topics)
    }
    /// ISO 639-1 code of the newsletters wanted.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
    async fn unsubscribed_at(&self) -> Option<DateTime<Utc>> {
        self.0.unsubscribed_at
    }
    /// Every consent change, oldest first.
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ConsentRecord>> {
        Ok(subscriptions::consents(&ctx.services().db, self.0.id).await?.into_iter().map(ConsentRecord).collect())
    }
}

/// One entry of the append-only consent history.
pub struct ConsentRecord(pub subscription_consent::Model);

#[Object]
impl ConsentRecord {
    async fn action(&self) -> ConsentAction {
        self.0.action.into()
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    async fn topics(&self) -> Vec<Topic> {
        topics(&self.0.topics)
    }
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// The version of the consent wording the subscriber was shown.
    async fn wording_version(&self) -> &str {
        &self.0.wording_version
    }
    /// The frontend or channel the change came through (`api` when the client did not say, `one-click`).
    async fn source(&self) -> &str {
        &self.0.source
    }
}

#[derive(InputObject)]
pub struct SubscribeInput {
    pub email: String,
    pub topics: Vec<Topic>,
    /// ISO 639-1 code of the newsletters wanted.
    pub language: String,
    /// Which frontend the subscriber uses (e.g. `impact-website`), recorded with the consent; default `api`.
    pub source: Option<String>,
}

/// The same for every address, known or not.
#[derive(SimpleObject)]
pub struct SubscribePayload {
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ConfirmSubscriptionInput {
    /// The token of the confirmation mail.
    pub token: String,
    pub source: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateSubscriptionInput {
    /// A manage token from any newsletter mail; without it, the signed-in caller's own subscription.
    pub token: Option<String>,
    pub topics: Vec<Topic>,
    pub language: String,
    pub source: Option<String>,
}

#[derive(InputObject)]
pub struct UnsubscribeInput {
    /// A manage token from any newsletter mail; without it, the signed-in caller's own subscription.
    pub token: Option<String>,
    pub source: Option<String>,
}

#[derive(SimpleObject)]
pub struct SubscriptionPayload {
    pub subscription: Option<Subscription>,
    pub user_errors: Vec<UserError>,
}

/// The subscription a change is about: by token, or else the signed-in caller's own (`UNAUTHENTICATED` when
/// anonymous; the domain's policy refuses principals that are not users).
fn key<'a>(ctx: &'a Context<'_>, token: Option<&'a str>) -> Result<SubscriberKey<'a>, AppError> {
    match token {
        Some(token) => Ok(SubscriberKey::Token(token)),
        None => Ok(SubscriberKey::Caller(ctx.principal()?)),
    }
}

#[derive(Default)]
pub struct SubscriptionQuery;

#[Object]
impl SubscriptionQuery {
    /// The subscription of a manage token (from any newsletter mail); null when the token is unknown.
    async fn subscription_by_token(
        &self,
        ctx: &Context<'_>,
        token: String,
    ) -> async_graphql::Result<Option<Subscription>> {
        Ok(subscriptions::by_token(&ctx.services().db, &token).await?.map(Subscription))
    }
}

#[derive(Default)]
pub struct SubscriptionMutation;

#[Object]
impl SubscriptionMutation {
    /// Subscribes an address to topics and mails a confirmation link; nothing is sent before it is followed.
    async fn subscribe(&self, ctx: &Context<'_>, input: SubscribeInput) -> async_graphql::Result<SubscribePayload> {
        let services = ctx.services();
        let input = subscriptions::SubscribeInput {
            email: input.email,
            topics: domain_topics(input.topics),
            language: input.language,
            source: input.source,
        };
        let (_, user_errors) = into_payload(subscriptions::subscribe(services, ctx.actor(), input).await)?;
        Ok(SubscribePayload { user_errors })
    }

    /// Confirms a subscription with the single-use token of its confirmation mail (`INVALID_TOKEN` when
    /// unknown, used or expired).
    async fn confirm_subscription(
        &self,
        ctx: &Context<'_>,
        input: ConfirmSubscriptionInput,
    ) -> async_graphql::Result<SubscriptionPayload> {
        let services = ctx.services();
        let result = subscriptions::confirm(services, ctx.actor(), &input.token, input.source.as_deref()).await;
        let (subscription, user_errors) = into_payload(result)?;
        Ok(SubscriptionPayload { subscription: subscription.map(Subscription), user_errors })
    }

    /// Changes topics and language, with a manage token or as the signed-in owner of the address.
    async fn update_subscription(
        &self,
        ctx: &Context<'_>,
        input: UpdateSubscriptionInput,
    ) -> async_graphql::Result<SubscriptionPayload> {
        let services = ctx.services();
        let key = key(ctx, input.token.as_deref())?;
        let change =
            SubscriptionChange { topics: domain_topics(input.topics), language: input.language, source: input.source };
        let (subscription, user_errors) =
            into_payload(subscriptions::update(services, ctx.actor(), key, change).await)?;
        Ok(SubscriptionPayload { subscription: subscription.map(Subscription), user_errors })
    }

    /// Withdraws consent, with a manage token or as the signed-in owner of the address. Mails also carry a
    /// one-click link (`POST /unsubscribe/{token}`) that needs no GraphQL.
    async fn unsubscribe(
        &self,
        ctx: &Context<'_>,
        input: UnsubscribeInput,
    ) -> async_graphql::Result<SubscriptionPayload> {
        let services = ctx.services();
        let key = key(ctx, input.token.as_deref())?;
        let result = subscriptions::unsubscribe(services, ctx.actor(), key, input.source.as_deref()).await;
        let (subscription, user_errors) = into_payload(result)?;
        Ok(SubscriptionPayload { subscription: subscription.map(Subscription), user_errors })
    }
}
