//! GraphQL of the back office's identity work: users, roles, service accounts, the audit log.

use crate::auth::guard::RoleGuard;
use crate::auth::{ADMIN, STAFF};
use crate::domain::accounts::roles::{self, UserFilter};
use crate::domain::accounts::service_accounts;
use crate::domain::audit::{self, AuditAction, AuditFilter};
use crate::error::{AppError, UserError};
use crate::graphql::accounts::{RoleName, User};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{audit_event, service_account};
use uuid::Uuid;

pub mod service_accounts_gql;

#[derive(InputObject, Default)]
pub struct UsersFilter {
    pub role: Option<RoleName>,
    /// Part of the e-mail address or the display name.
    pub search: Option<String>,
}

#[derive(InputObject)]
pub struct GrantRoleInput {
    pub user_id: ID,
    pub role: RoleName,
    /// For MANAGING_AUTHORITY: the Interreg programmes (IDs) the user works for; replaces earlier ones.
    pub programme_ids: Option<Vec<ID>>,
}

#[derive(InputObject)]
pub struct RevokeRoleInput {
    pub user_id: ID,
    pub role: RoleName,
}

#[derive(SimpleObject)]
pub struct RolePayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct CreateServiceAccountInput {
    /// What the integrator is, e.g. "Interreg Euro-MED data sync".
    pub name: String,
    /// What it may do beyond reading public data; none when absent.
    #[graphql(default)]
    pub scopes: Vec<service_accounts_gql::IntegratorScope>,
}

/// An integrator's account.
pub struct ServiceAccount(pub(crate) service_account::Model);

#[Object]
impl ServiceAccount {
    async fn id(&self) -> ID {
        GlobalId::encode(NodeType::ServiceAccount, &self.0.id.to_string())
    }
    /// What it may do beyond reading public data.
    async fn scopes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<service_accounts_gql::IntegratorScope>> {
        let scopes = crate::domain::accounts::scopes::scopes_of(&ctx.services().db, self.0.id).await?;
        Ok(scopes.into_iter().map(Into::into).collect())
    }
    /// When it was revoked (its tokens stopped working); null while active.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn client_id(&self) -> &str {
        &self.0.client_id
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(SimpleObject, Default)]
pub struct CreateServiceAccountPayload {
    pub service_account: Option<ServiceAccount>,
    /// Shown this once; only a hash is kept.
    pub client_secret: Option<String>,
    pub user_errors: Vec<UserError>,
}

/// Kinds of audit-log entries: security events, and workflow and administrative changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::audit::AuditAction")]
pub enum AuditEventAction {
    AccountRegistered,
    EmailVerified,
    LoginSucceeded,
    LoginFailed,
    LoginRefused,
    Logout,
    RefreshTokenReused,
    PasswordChanged,
    PasswordResetRequested,
    ServiceTokenIssued,
    ExternalUserLinked,
    RoleGranted,
    RoleRevoked,
    ServiceAccountCreated,
    AccountErased,
    SubscriptionErased,
    ProgrammeCreated,
    ProgrammeUpdated,
    CallCreated,
    CallUpdated,
    CallPublished,
    MemberInvited,
    MemberJoined,
    MemberChanged,
    MemberRemoved,
    RegionStatusChanged,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ApplicationReturned,
    ApplicationEligibilityAssessed,
    ApplicationQualityAssessed,
    ApplicationDecided,
    EventPublished,
    EventCancelled,
    EventCompleted,
    NewsletterIssueSent,
    ResourcePublished,
}

/// An entry of the audit log.
pub struct AuditEvent(audit_event::Model);

#[Object]
impl AuditEvent {
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    async fn action(&self) -> Option<AuditEventAction> {
        AuditAction::parse(&self.0.action).map(Into::into)
    }
    /// The user or service account that acted (an ID of a user, or a service account's id).
    async fn actor_id(&self) -> Option<String> {
        self.0.actor_id.map(|id| id.to_string())
    }
    /// What the entry is about, as a global ID: the user concerned for security events, the changed object
    /// (call, application, organisation, ...) for workflow and administrative changes.
    async fn subject_id(&self) -> Option<ID> {
        let node_type = self.0.subject_type.as_deref().and_then(NodeType::parse).unwrap_or(NodeType::User);
        self.0.subject_id.map(|id| GlobalId::encode(node_type, &id.to_string()))
    }
    async fn client_address(&self) -> Option<&str> {
        self.0.client_address.as_deref()
    }
    /// Details as JSON (never secrets).
    async fn detail(&self) -> &str {
        &self.0.detail
    }
}

#[derive(InputObject, Default)]
pub struct AuditEventsFilter {
    pub action: Option<AuditEventAction>,
    /// Only events concerning this user.
    pub subject_id: Option<ID>,
}

fn user_uuid(id: &ID) -> Result<Uuid, AppError> {
    GlobalId::decode_as(id, NodeType::User)
}

#[derive(Default)]
pub struct AdministrationQuery;

#[Object]
impl AdministrationQuery {
    /// The users, by e-mail address (staff and admins).
    #[graphql(
        guard = "RoleGuard(STAFF)",
        complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1"
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        filter: Option<UsersFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<User>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let filter = UserFilter { role: filter.role.map(Into::into), search: filter.search };
        Ok(connection(roles::list_users(&ctx.services().db, ctx.actor(), &filter, &page).await?, User))
    }

    /// The security audit log, newest first (admins).
    #[graphql(
        guard = "RoleGuard(ADMIN)",
        complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1"
    )]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditEventsFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<AuditEvent>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            action: filter.action.map(Into::into),
            subject: filter.subject_id.as_ref().map(user_uuid).transpose()?,
        };
        Ok(connection(audit::list(&ctx.services().db, ctx.actor(), &filter, &page).await?, AuditEvent))
    }
}

#[derive(Default)]
pub struct AdministrationMutation;

#[Object]
impl AdministrationMutation {
    /// Grants a role (admins). MANAGING_AUTHORITY needs `programmeIds`.
    #[graphql(guard = "RoleGuard(ADMIN)")]
    async fn grant_role(&self, ctx: &Context<'_>, input: GrantRoleInput) -> async_graphql::Result<RolePayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = async {
            let user_id = user_uuid(&input.user_id)?;
            let programmes = input
                .programme_ids
                .unwrap_or_default()
                .iter()
                .map(|id| GlobalId::decode_as(id, NodeType::InterregProgramme))
                .collect::<Result<Vec<_>, _>>()?;
            roles::grant_role(services, origin, ctx.actor(), user_id, input.role.into(), programmes).await
        }
        .await;
        let (user, user_errors) = into_payload(result)?;
        Ok(RolePayload { user: user.map(User), user_errors })
    }

    /// Revokes a role (admins). The last admin keeps the admin role.
    #[graphql(guard = "RoleGuard(ADMIN)")]
    async fn revoke_role(&self, ctx: &Context<'_>, input: RevokeRoleInput) -> async_graphql::Result<RolePayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let result = async {
            let user_id = user_uuid(&input.user_id)?;
            roles::revoke_role(services, origin, ctx.actor(), user_id, input.role.into()).await
        }
        .await;
        let (user, user_errors) = into_payload(result)?;
        Ok(RolePayload { user: user.map(User), user_errors })
    }

    /// Creates an integrator's service account; the secret is in the payload, once (admins).
    #[graphql(guard = "RoleGuard(ADMIN)")]
    async fn create_service_account(
        &self,
        ctx: &Context<'_>,
        input: CreateServiceAccountInput,
    ) -> async_graphql::Result<CreateServiceAccountPayload> {
        let (services, origin) = (ctx.services(), ctx.origin());
        let scopes: Vec<_> = input.scopes.into_iter().map(Into::into).collect();
        let created = service_accounts::create_with_scopes(services, origin, ctx.actor(), &input.name, &scopes).await;
        Ok(match into_payload(created)? {
            (Some(created), user_errors) => CreateServiceAccountPayload {
                service_account: Some(ServiceAccount(created.account)),
                client_secret: Some(created.client_secret),
                user_errors,
            },
            (None, user_errors) => CreateServiceAccountPayload { user_errors, ..Default::default() },
        })
    }
}
