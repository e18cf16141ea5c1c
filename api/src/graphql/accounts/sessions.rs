//! GraphQL of sessions: login, refresh, logout, and service-account tokens.

use crate::auth::guard::SignedInUser;
use crate::domain::accounts::service_accounts;
use crate::domain::accounts::sessions::{self, IssuedSession};
use crate::error::UserError;
use crate::graphql::accounts::User;
use crate::graphql::context::ContextExt;
use crate::graphql::payload::into_payload;
use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(InputObject)]
pub struct RefreshSessionInput {
    pub refresh_token: String,
}

/// A session's tokens: send `accessToken` as `Authorization: Bearer`; before `expiresAt`, exchange
/// `refreshToken` (once) with `refreshSession` for new ones.
#[derive(SimpleObject, Default)]
pub struct SessionPayload {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    /// When the access token expires.
    pub expires_at: Option<DateTime<Utc>>,
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

impl SessionPayload {
    fn from(result: (Option<IssuedSession>, Vec<UserError>)) -> Self {
        match result {
            (Some(issued), user_errors) => Self {
                access_token: Some(issued.access_token),
                refresh_token: Some(issued.refresh_token),
                expires_at: Some(issued.expires_at),
                user: Some(User(issued.user)),
                user_errors,
            },
            (None, user_errors) => Self { user_errors, ..Self::default() },
        }
    }
}

#[derive(InputObject)]
pub struct LogoutInput {
    /// End every session of the account, not only this one.
    #[graphql(default)]
    pub everywhere: bool,
}

#[derive(SimpleObject)]
pub struct LogoutPayload {
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct IssueServiceTokenInput {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(SimpleObject, Default)]
pub struct IssueServiceTokenPayload {
    pub access_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Signs in. Repeated failures are slowed down, then refused for a while (`RATE_LIMITED`).
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> async_graphql::Result<SessionPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = sessions::login(services, origin, &input.email, &input.password).await;
        Ok(SessionPayload::from(into_payload(result)?))
    }

    /// Exchanges a refresh token for new tokens. A refresh token works once; using it again ends the session.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        input: RefreshSessionInput,
    ) -> async_graphql::Result<SessionPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = sessions::refresh(services, origin, &input.refresh_token).await;
        Ok(SessionPayload::from(into_payload(result)?))
    }

    /// Ends the current session (or every session of the account).
    #[graphql(guard = "SignedInUser")]
    async fn logout(&self, ctx: &Context<'_>, input: LogoutInput) -> async_graphql::Result<LogoutPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let (_, user_errors) = into_payload(sessions::logout(services, origin, ctx.actor(), input.everywhere).await)?;
        Ok(LogoutPayload { user_errors })
    }

    /// An access token for a service account (client-credentials style).
    async fn issue_service_token(
        &self,
        ctx: &Context<'_>,
        input: IssueServiceTokenInput,
    ) -> async_graphql::Result<IssueServiceTokenPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = service_accounts::issue_token(services, origin, &input.client_id, &input.client_secret).await;
        Ok(match into_payload(result)? {
            (Some((token, expires_at)), user_errors) => {
                IssueServiceTokenPayload { access_token: Some(token), expires_at: Some(expires_at), user_errors }
            }
            (None, user_errors) => IssueServiceTokenPayload { user_errors, ..Default::default() },
        })
    }
}
