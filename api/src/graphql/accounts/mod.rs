//! GraphQL of accounts: the `User` type, `me`, registration, e-mail verification, password reset and
//! change, profile updates; `sessions` holds login, refresh, logout and service tokens.

pub mod sessions;

use crate::auth::Role;
use crate::auth::guard::SignedInUser;
use crate::domain::accounts::{self, ProfileChange, Registration};
use crate::error::UserError;
use crate::graphql::context::ContextExt;
use crate::graphql::newsletter::subscriptions::Subscription;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::app_user;

/// What a principal may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::user_role::Role", name = "Role")]
pub enum RoleName {
    /// A person in a partner organisation applying to calls.
    Applicant,
    /// An expert supporting pilot regions.
    Expert,
    /// Staff of an Interreg programme's managing authority (tied to programmes).
    ManagingAuthority,
    /// The programme secretariat.
    Staff,
    /// Manages users and roles.
    Admin,
    /// Another system (service account).
    Integrator,
}

/// The roles one may choose when registering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum IntendedRole {
    Applicant,
    Expert,
}

/// A person with an account. Visible to the person and to the back office.
#[derive(Clone)]
pub struct User(pub app_user::Model);

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::User, &self.0.id.to_string())
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn email_verified(&self) -> bool {
        self.0.email_verified_at.is_some()
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// ISO 639-1 code.
    async fn preferred_language(&self) -> &str {
        &self.0.preferred_language
    }
    /// The roles in force. For the caller this includes roles mapped from an external identity provider.
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RoleName>> {
        let caller = ctx.actor().filter(|p| p.user_id() == Some(self.0.id));
        let roles = match caller {
            Some(principal) => principal.roles.clone(),
            None => ctx.loaders().user_roles.load_one(self.0.id).await?.unwrap_or_default(),
        };
        Ok(roles.into_iter().map(RoleName::from).collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// For managing authorities: the Interreg programmes they work for (their strategies' regions follow).
    async fn programmes(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::graphql::programmes::InterregProgramme>> {
        let ids = match ctx.actor().filter(|p| p.user_id() == Some(self.0.id)) {
            Some(principal) => principal.programmes.clone(),
            None => crate::domain::accounts::roles::programmes_of(&ctx.services().db, self.0.id).await?,
        };
        let found = ctx.loaders().programmes.load_many(ids.clone()).await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned().map(crate::graphql::programmes::InterregProgramme))
            .collect())
    }
    /// The newsletter subscription of this user's address; only for the user themself (null for others).
    async fn subscription(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Subscription>> {
        let caller = ctx.actor().and_then(|p| p.user_id());
        if caller != Some(self.0.id) {
            return Ok(None);
        }
        let db = &ctx.services().db;
        Ok(crate::domain::newsletter::subscriptions::find_by_email(db, &self.0.email).await?.map(Subscription))
    }
}

#[derive(InputObject)]
pub struct RegisterInput {
    pub email: String,
    /// At least the configured minimum length (`IMPACT_MIN_PASSWORD_LENGTH`, 10 by default), not the e-mail address.
    pub password: String,
    pub display_name: String,
    /// ISO 639-1 code, e.g. `en`.
    pub preferred_language: String,
    pub intended_role: IntendedRole,
}

#[derive(SimpleObject)]
pub struct RegisterPayload {
    /// The new account, unverified until the link in the confirmation mail is followed.
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct VerifyEmailInput {
    /// The token from the confirmation mail.
    pub token: String,
}

#[derive(SimpleObject)]
pub struct VerifyEmailPayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct EmailInput {
    pub email: String,
}

/// Answers the same whether or not the address has an account.
#[derive(SimpleObject)]
pub struct RequestPayload {
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The token from the password-reset mail.
    pub token: String,
    pub new_password: String,
}

#[derive(SimpleObject)]
pub struct ResetPasswordPayload {
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UpdateProfileInput {
    pub display_name: Option<String>,
    pub preferred_language: Option<String>,
}

#[derive(SimpleObject)]
pub struct UpdateProfilePayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(SimpleObject)]
pub struct ChangePasswordPayload {
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user; null when anonymous or a service account.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(user_id) = ctx.actor().and_then(|p| p.user_id()) else {
            return Ok(None);
        };
        Ok(ctx.loaders().users.load_one(user_id).await?.map(User))
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an account (applicant or expert) and mails a confirmation link.
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> async_graphql::Result<RegisterPayload> {
        let registration = Registration {
            email: input.email,
            password: input.password,
            display_name: input.display_name,
            preferred_language: input.preferred_language,
            intended_role: match input.intended_role {
                IntendedRole::Applicant => Role::Applicant,
                IntendedRole::Expert => Role::Expert,
            },
        };
        let (services, origin) = (ctx.services(), ctx.origin());
        let (user, user_errors) = into_payload(accounts::register(services, origin, registration).await)?;
        Ok(RegisterPayload { user: user.map(User), user_errors })
    }

    async fn verify_email(
        &self,
        ctx: &Context<'_>,
        input: VerifyEmailInput,
    ) -> async_graphql::Result<VerifyEmailPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let (user, user_errors) = into_payload(accounts::verify_email(services, origin, &input.token).await)?;
        Ok(VerifyEmailPayload { user: user.map(User), user_errors })
    }

    /// Mails a new confirmation link to an unverified account.
    async fn request_email_verification(
        &self,
        ctx: &Context<'_>,
        input: EmailInput,
    ) -> async_graphql::Result<RequestPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = accounts::request_email_verification(services, origin, &input.email).await;
        let (_, user_errors) = into_payload(result)?;
        Ok(RequestPayload { user_errors })
    }

    /// Mails a password-reset link if the address has an account.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        input: EmailInput,
    ) -> async_graphql::Result<RequestPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let (_, user_errors) = into_payload(accounts::request_password_reset(services, origin, &input.email).await)?;
        Ok(RequestPayload { user_errors })
    }

    /// Sets a new password with the token of a reset mail; ends every session of the account.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> async_graphql::Result<ResetPasswordPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = accounts::reset_password(services, origin, &input.token, &input.new_password).await;
        let (_, user_errors) = into_payload(result)?;
        Ok(ResetPasswordPayload { user_errors })
    }

    #[graphql(guard = "SignedInUser")]
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateProfileInput,
    ) -> async_graphql::Result<UpdateProfilePayload> {
        let change = ProfileChange { display_name: input.display_name, preferred_language: input.preferred_language };
        let (user, user_errors) = into_payload(accounts::update_profile(ctx.services(), ctx.actor(), change).await)?;
        Ok(UpdateProfilePayload { user: user.map(User), user_errors })
    }

    /// Changes the password; the caller's other sessions end.
    #[graphql(guard = "SignedInUser")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> async_graphql::Result<ChangePasswordPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result =
            accounts::change_password(services, origin, ctx.actor(), &input.current_password, &input.new_password)
                .await;
        let (_, user_errors) = into_payload(result)?;
        Ok(ChangePasswordPayload { user_errors })
    }
}
