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

/// Where a subscription stands. Only CONFIRMED subscriptions receive newsletters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::subscriber::SubscriptionStatus")]
pub enum SubscriptionStatus {
    /// Waiting for the confirmation link.
    Pending,
    /// Receives newsletters of its topics.
    Confirmed,
    /// Consent withdrawn: receives nothing until the address subscribes and confirms again.
    Unsubscribed,
    /// Personal data erased.
    Erased,
}

/// What a change of consent was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::subscription_consent::ConsentAction")]
pub enum ConsentAction {
    /// The address asked to subscribe (`subscribe`); pending until confirmed.
    Subscribed,
    /// The confirmation link was followed (`confirmSubscription`).
    Confirmed,
    /// Topics or language were changed (`updateSubscription`).
    Updated,
    /// Consent was withdrawn (`unsubscribe` or the one-click link).
    Unsubscribed,
    /// The address and personal fields were erased (`eraseSubscription` or `eraseMyAccount`).
    Erased,
}

pub(crate) fn topics(stored: &str) -> Vec<Topic> {
    crate::domain::newsletter::topics_of(stored).into_iter().map(Topic::from).collect()
}

pub(crate) fn domain_topics(topics: Vec<Topic>) -> Vec<crate::domain::newsletter::Topic> {
    topics.into_iter().map(Into::into).collect()
}

/// Named `NewsletterSubscription` in GraphQL, where `Subscription` is the root type of live updates.
pub struct Subscription(pub subscriber::Model);

/// A newsletter subscription of an e-mail address (with or without an account), seen by the holder of one of
/// its manage tokens (`subscriptionByToken`) or by the signed-in user with its address (`me.subscription`).
#[Object(name = "NewsletterSubscription")]
impl Subscription {
    /// The subscribed address, trimmed and lower-cased. Null once erased.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Where the subscription stands; only CONFIRMED ones receive newsletters.
    async fn status(&self) -> SubscriptionStatus {
        self.0.status.into()
    }
    /// The topics subscribed to; empty once erased.
    async fn topics(&self) -> Vec<Topic> {
        topics(&self.0.topics)
    }
    /// ISO 639-1 code of the newsletters wanted.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// When the subscription was last confirmed; null if never.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
    /// When consent was last withdrawn; null if never, and cleared by a new confirmation.
    async fn unsubscribed_at(&self) -> Option<DateTime<Utc>> {
        self.0.unsubscribed_at
    }
    /// Every consent change, oldest first.
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ConsentRecord>> {
        Ok(subscriptions::consents(&ctx.services().db, self.0.id).await?.into_iter().map(ConsentRecord).collect())
    }
}

pub struct ConsentRecord(pub subscription_consent::Model);

/// One entry of the append-only consent history of a subscription (it never holds the address). Seen with its
/// subscription.
#[Object]
impl ConsentRecord {
    /// What the change was.
    async fn action(&self) -> ConsentAction {
        self.0.action.into()
    }
    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// The topics of the subscription after the change (empty for ERASED).
    async fn topics(&self) -> Vec<Topic> {
        topics(&self.0.topics)
    }
    /// ISO 639-1 code of the newsletters wanted after the change; null for ERASED.
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

/// An address and what it wants to receive.
#[derive(InputObject)]
pub struct SubscribeInput {
    /// The e-mail address to subscribe.
    pub email: String,
    /// The topics wanted, at least one.
    pub topics: Vec<Topic>,
    /// ISO 639-1 code of the newsletters wanted.
    pub language: String,
    /// Which frontend the subscriber uses (e.g. `impact-website`), recorded with the consent; default `api`.
    pub source: Option<String>,
}

/// The result of `subscribe`: the same for every address, known or not.
#[derive(SimpleObject)]
pub struct SubscribePayload {
    /// Problems with the input (a malformed address or language, no topic); empty when the request was taken,
    /// whatever the address.
    pub user_errors: Vec<UserError>,
}

/// The token of a confirmation mail.
#[derive(InputObject)]
pub struct ConfirmSubscriptionInput {
    /// The token of the confirmation mail.
    pub token: String,
    /// Which frontend the confirmation comes through, recorded with the consent (at most 100 characters);
    /// default `api`.
    pub source: Option<String>,
}

/// New topics and language for a subscription.
#[derive(InputObject)]
pub struct UpdateSubscriptionInput {
    /// A manage token from any newsletter mail; without it, the signed-in caller's own subscription.
    pub token: Option<String>,
    /// The topics wanted from now on, at least one; they replace the current ones.
    pub topics: Vec<Topic>,
    /// ISO 639-1 code of the newsletters wanted.
    pub language: String,
    /// Which frontend the change comes through, recorded with the consent (at most 100 characters); default
    /// `api`.
    pub source: Option<String>,
}

/// The subscription to end.
#[derive(InputObject)]
pub struct UnsubscribeInput {
    /// A manage token from any newsletter mail; without it, the signed-in caller's own subscription.
    pub token: Option<String>,
    /// Which frontend the change comes through, recorded with the consent (at most 100 characters); default
    /// `api`.
    pub source: Option<String>,
}

/// The result of a change to a subscription.
#[derive(SimpleObject)]
pub struct SubscriptionPayload {
    /// The subscription after the change; null when the input was refused.
    pub subscription: Option<Subscription>,
    /// Problems with the input (`INVALID_TOKEN` for an unknown, used or expired token); empty when the change was
    /// made.
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
    /// The subscription of a manage token (from any newsletter mail); null when the token is unknown or the
    /// subscription erased. Open to anybody holding the token.
    async fn subscription_by_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A manage token, from the manage link of any newsletter mail.")] token: String,
    ) -> async_graphql::Result<Option<Subscription>> {
        Ok(subscriptions::by_token(&ctx.services().db, &token).await?.map(Subscription))
    }
}

#[derive(Default)]
pub struct SubscriptionMutation;

#[Object]
impl SubscriptionMutation {
    /// Subscribes an address to topics and mails a confirmation link; nothing is sent before it is followed.
    /// Answers the same whether or not the address is subscribed already (a confirmed one gets a manage link
    /// instead). Open to anybody; mail to one address and from one client is limited per hour (`RATE_LIMITED`).
    async fn subscribe(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address, its topics and language.")] input: SubscribeInput,
    ) -> async_graphql::Result<SubscribePayload> {
        let services = ctx.services();
        let input = subscriptions::SubscribeInput {
            email: input.email,
            topics: domain_topics(input.topics),
            language: input.language,
            source: input.source,
        };
        let (_, user_errors) =
            into_payload(subscriptions::subscribe(services, ctx.origin(), ctx.actor(), input).await)?;
        Ok(SubscribePayload { user_errors })
    }

    /// Confirms a subscription with the single-use token of its confirmation mail (`INVALID_TOKEN` when
    /// unknown, used or expired).
    async fn confirm_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the confirmation mail.")] input: ConfirmSubscriptionInput,
    ) -> async_graphql::Result<SubscriptionPayload> {
        let services = ctx.services();
        let result = subscriptions::confirm(services, ctx.actor(), &input.token, input.source.as_deref()).await;
        let (subscription, user_errors) = into_payload(result)?;
        Ok(SubscriptionPayload { subscription: subscription.map(Subscription), user_errors })
    }

    /// Changes topics and language of a pending or confirmed subscription (`INVALID_STATE` once unsubscribed),
    /// with a manage token or as the signed-in owner of the address.
    async fn update_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription (by token, or the caller's own) and its new topics and language.")]
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
        #[graphql(desc = "The subscription, by token or the caller's own.")] input: UnsubscribeInput,
    ) -> async_graphql::Result<SubscriptionPayload> {
        let services = ctx.services();
        let key = key(ctx, input.token.as_deref())?;
        let result = subscriptions::unsubscribe(services, ctx.actor(), key, input.source.as_deref()).await;
        let (subscription, user_errors) = into_payload(result)?;
        Ok(SubscriptionPayload { subscription: subscription.map(Subscription), user_errors })
    }
}
