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

/// E-mail address and password of an account.
#[derive(InputObject)]
pub struct LoginInput {
    /// The account's e-mail address (case does not matter).
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// The refresh token of a session.
#[derive(InputObject)]
pub struct RefreshSessionInput {
    /// The latest refresh token of the session (from `login` or the previous `refreshSession`).
    pub refresh_token: String,
}

/// A session's tokens: send `accessToken` as `Authorization: Bearer`; when it expires (`expiresAt`), exchange
/// `refreshToken` (once) with `refreshSession` for new ones.
#[derive(SimpleObject, Default)]
pub struct SessionPayload {
    /// A signed JWT (15 minutes by default); null when the input was refused.
    pub access_token: Option<String>,
    /// An opaque token that `refreshSession` takes once, within 30 days by default; keep it secret. Null when
    /// the input was refused.
    pub refresh_token: Option<String>,
    /// When the access token expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// The signed-in user.
    pub user: Option<User>,
    /// Problems with the input (`INVALID_CREDENTIALS`, `EMAIL_NOT_VERIFIED`, `INVALID_TOKEN` when the session has
    /// ended); empty when the session was started or continued.
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

/// Which sessions to end.
#[derive(InputObject)]
pub struct LogoutInput {
    /// End every session of the account, not only this one.
    #[graphql(default)]
    pub everywhere: bool,
}

/// The result of `logout`.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// Problems with the input; empty when the sessions were ended.
    pub user_errors: Vec<UserError>,
}

/// The credentials of a service account, as shown once by `createServiceAccount`.
#[derive(InputObject)]
pub struct IssueServiceTokenInput {
    /// The service account's client id (`svc_` and 32 hexadecimal digits).
    pub client_id: String,
    /// The service account's secret.
    pub client_secret: String,
}

/// The result of `issueServiceToken`.
#[derive(SimpleObject, Default)]
pub struct IssueServiceTokenPayload {
    /// A signed JWT with the INTEGRATOR role, to send as `Authorization: Bearer`; there is no refresh token:
    /// ask for a new one when it expires. Null when the credentials were refused.
    pub access_token: Option<String>,
    /// When the access token expires (15 minutes after issue by default).
    pub expires_at: Option<DateTime<Utc>>,
    /// Problems with the input (`INVALID_CREDENTIALS` when the client id or secret is wrong or the account is
    /// revoked); empty when a token was issued.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Signs in with e-mail and password and starts a session; the address must be confirmed. Repeated failures
    /// are slowed down, then refused for a while (`RATE_LIMITED`, with `retryAfterSeconds`). Open to anybody.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The e-mail address and password.")] input: LoginInput,
    ) -> async_graphql::Result<SessionPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = sessions::login(services, origin, &input.email, &input.password).await;
        Ok(SessionPayload::from(into_payload(result)?))
    }

    /// Exchanges a refresh token for new tokens. A refresh token works once; using it again ends the session.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's latest refresh token.")] input: RefreshSessionInput,
    ) -> async_graphql::Result<SessionPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = sessions::refresh(services, origin, &input.refresh_token).await;
        Ok(SessionPayload::from(into_payload(result)?))
    }

    /// Ends the current session (or every session of the account): its refresh token stops working and its
    /// access tokens are refused at once (signed-in users).
    #[graphql(guard = "SignedInUser")]
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whether to end every session of the account.")] input: LogoutInput,
    ) -> async_graphql::Result<LogoutPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let (_, user_errors) = into_payload(sessions::logout(services, origin, ctx.actor(), input.everywhere).await)?;
        Ok(LogoutPayload { user_errors })
    }

    /// An access token for a service account (client-credentials style), for integrators; no sign-in needed.
    async fn issue_service_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service account's client id and secret.")] input: IssueServiceTokenInput,
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
