//! GraphQL of accounts: the `User` type, `me`, registration, e-mail verification, password reset and
//! change, profile updates; `sessions` holds login, refresh, logout and service tokens.

pub mod sessions;

use crate::auth::Role;
use crate::auth::guard::SignedInUser;
use crate::domain::accounts::{self, ProfileChange, Registration};
use crate::error::UserError;
use crate::graphql::context::ContextExt;
use crate::graphql::experts::{ExpertAssignment, ExpertProfile};
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

/// The roles one may choose when registering; an admin grants the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum IntendedRole {
    /// A person in a partner organisation who applies to calls for pilot regions.
    Applicant,
    /// An expert who offers support to pilot regions.
    Expert,
}

#[derive(Clone)]
pub struct User(pub app_user::Model);

/// A person with an account. Visible to the person themself, to the back office (staff and admins), and to
/// the other members of an organisation the person belongs to (`Organisation.members`).
#[Object]
impl User {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::User, &self.0.id.to_string())
    }
    /// The e-mail address the person signs in with, trimmed and lower-cased.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Whether the address is confirmed (by the link of the confirmation mail, a password reset, or an external
    /// identity provider); login needs it.
    async fn email_verified(&self) -> bool {
        self.0.email_verified_at.is_some()
    }
    /// The name the person chose to be shown under (at most 200 characters).
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
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The user's expert profile; only for the user themself and staff (null for others, and for non-experts).
    async fn expert_profile(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ExpertProfile>> {
        crate::graphql::experts::profile_of(ctx, self.0.id).await
    }
    /// The user's assignments as an expert, newest first; only for the user themself and staff.
    async fn assignments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ExpertAssignment>> {
        crate::graphql::experts::assignments_of(ctx, self.0.id).await
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

/// A new account: who the person is and which self-service role they take.
#[derive(InputObject)]
pub struct RegisterInput {
    /// The e-mail address to sign in with; it must not belong to another account.
    pub email: String,
    /// At least the configured minimum length (`IMPACT_MIN_PASSWORD_LENGTH`, 10 by default), not the e-mail address.
    pub password: String,
    /// The name to be shown under; not blank, at most 200 characters.
    pub display_name: String,
    /// ISO 639-1 code, e.g. `en`.
    pub preferred_language: String,
    /// APPLICANT or EXPERT.
    pub intended_role: IntendedRole,
}

/// The result of `register`.
#[derive(SimpleObject)]
pub struct RegisterPayload {
    /// The new account, unverified until the link in the confirmation mail is followed.
    pub user: Option<User>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// The token of a confirmation mail.
#[derive(InputObject)]
pub struct VerifyEmailInput {
    /// The token from the confirmation mail.
    pub token: String,
    /// The password chosen at registration, to keep it. The link proves the mailbox, not who chose the
    /// password: without it, a password set before this confirmation is removed (someone else may have
    /// registered the address), and the owner chooses a new one with `requestPasswordReset` or signs in through
    /// a provider. Given but not right: `INVALID_CREDENTIALS`, and the token stays valid.
    pub password: Option<String>,
}

/// The result of `verifyEmail`.
#[derive(SimpleObject)]
pub struct VerifyEmailPayload {
    /// The account whose address is now confirmed; null when the token was refused.
    pub user: Option<User>,
    /// Problems with the input (`INVALID_TOKEN` when the token is unknown, used or expired,
    /// `INVALID_CREDENTIALS` when the password given is not the account's); empty when the change was made.
    pub user_errors: Vec<UserError>,
    /// Whether a password set before the confirmation was removed (no password was given): the account then
    /// signs in after `requestPasswordReset` or through a provider.
    pub password_removed: bool,
}

/// An e-mail address to send a link to.
#[derive(InputObject)]
pub struct EmailInput {
    /// The account's e-mail address.
    pub email: String,
}

/// The result of a request for a mail. Answers the same whether or not the address has an account.
#[derive(SimpleObject)]
pub struct RequestPayload {
    /// Always empty, so that the answer reveals nothing about which addresses have an account (a malformed
    /// address is ignored too).
    pub user_errors: Vec<UserError>,
}

/// A new password set with the token of a password-reset mail.
#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The token from the password-reset mail.
    pub token: String,
    /// At least the configured minimum length (10 characters by default), at most 256, not the e-mail address.
    pub new_password: String,
}

/// The result of `resetPassword`.
#[derive(SimpleObject)]
pub struct ResetPasswordPayload {
    /// Problems with the input (`INVALID_TOKEN`, `TOO_WEAK`, ...); empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// Changes to the caller's profile; an absent field stays as it is.
#[derive(InputObject)]
pub struct UpdateProfileInput {
    /// The name to be shown under; not blank, at most 200 characters.
    pub display_name: Option<String>,
    /// ISO 639-1 code, e.g. `fr`.
    pub preferred_language: Option<String>,
}

/// The result of `updateProfile`.
#[derive(SimpleObject)]
pub struct UpdateProfilePayload {
    /// The caller's account after the change; null when the input was refused.
    pub user: Option<User>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// The caller's current password and the new one.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password in force, to confirm that the caller is the account's owner.
    pub current_password: String,
    /// At least the configured minimum length (10 characters by default), at most 256, not the e-mail address.
    pub new_password: String,
}

/// The result of `changePassword`.
#[derive(SimpleObject)]
pub struct ChangePasswordPayload {
    /// Problems with the input (`INVALID_CREDENTIALS` for a wrong current password, `TOO_WEAK`, ...); empty when
    /// the change was made.
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
    /// Creates an account (applicant or expert) and mails a confirmation link; the account can sign in once the
    /// address is confirmed. Open to anybody.
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: RegisterInput,
    ) -> async_graphql::Result<RegisterPayload> {
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

    /// Confirms the address of an account with the token of its confirmation mail; the token works once, before
    /// it expires (48 hours by default). A password chosen before the confirmation stays only when it is given
    /// (see `VerifyEmailInput.password`). Open to anybody holding the token.
    async fn verify_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the confirmation mail, and the password to keep.")] input: VerifyEmailInput,
    ) -> async_graphql::Result<VerifyEmailPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let verified = accounts::verify_email(services, origin, &input.token, input.password.as_deref()).await;
        let (verified, user_errors) = into_payload(verified)?;
        let password_removed = verified.as_ref().is_some_and(|v| v.password_removed);
        Ok(VerifyEmailPayload { user: verified.map(|v| User(v.user)), user_errors, password_removed })
    }

    /// Mails a new confirmation link to an unverified account. Answers the same whether or not the address has
    /// an account, also when requests for the address or from the client exceed the hourly mail limit
    /// (`RATE_LIMITED`). Open to anybody.
    async fn request_email_verification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address of the unverified account.")] input: EmailInput,
    ) -> async_graphql::Result<RequestPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = accounts::request_email_verification(services, origin, &input.email).await;
        let (_, user_errors) = into_payload(result)?;
        Ok(RequestPayload { user_errors })
    }

    /// Mails a password-reset link (valid one hour by default) if the address has an account; answers the same
    /// either way, also when requests for the address or from the client exceed the hourly mail limit
    /// (`RATE_LIMITED`). Open to anybody.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address of the account.")] input: EmailInput,
    ) -> async_graphql::Result<RequestPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let (_, user_errors) = into_payload(accounts::request_password_reset(services, origin, &input.email).await)?;
        Ok(RequestPayload { user_errors })
    }

    /// Sets a new password with the token of a reset mail; ends every session of the account and confirms its
    /// address. Open to anybody holding the token; a refused password does not spend the token.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the reset mail and the new password.")] input: ResetPasswordInput,
    ) -> async_graphql::Result<ResetPasswordPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = accounts::reset_password(services, origin, &input.token, &input.new_password).await;
        let (_, user_errors) = into_payload(result)?;
        Ok(ResetPasswordPayload { user_errors })
    }

    /// Changes the caller's display name or preferred language (signed-in users, not service accounts).
    #[graphql(guard = "SignedInUser")]
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to change.")] input: UpdateProfileInput,
    ) -> async_graphql::Result<UpdateProfilePayload> {
        let change = ProfileChange { display_name: input.display_name, preferred_language: input.preferred_language };
        let (user, user_errors) = into_payload(accounts::update_profile(ctx.services(), ctx.actor(), change).await)?;
        Ok(UpdateProfilePayload { user: user.map(User), user_errors })
    }

    /// Changes the caller's password (signed-in users); the caller's other sessions end, the current one stays.
    #[graphql(guard = "SignedInUser")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current password and the new one.")] input: ChangePasswordInput,
    ) -> async_graphql::Result<ChangePasswordPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result =
            accounts::change_password(services, origin, ctx.actor(), &input.current_password, &input.new_password)
                .await;
        let (_, user_errors) = into_payload(result)?;
        Ok(ChangePasswordPayload { user_errors })
    }
}
