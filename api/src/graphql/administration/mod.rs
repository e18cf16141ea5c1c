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

/// Which users to list; absent fields do not filter.
#[derive(InputObject, Default)]
pub struct UsersFilter {
    /// Only users holding this role.
    pub role: Option<RoleName>,
    /// Part of the e-mail address or the display name.
    pub search: Option<String>,
}

/// A role to grant to a user.
#[derive(InputObject)]
pub struct GrantRoleInput {
    /// The user's global ID.
    pub user_id: ID,
    /// The role to grant; granting a role the user holds already changes nothing (but MANAGING_AUTHORITY's
    /// programmes are replaced).
    pub role: RoleName,
    /// For MANAGING_AUTHORITY: the Interreg programmes (IDs) the user works for; replaces earlier ones.
    pub programme_ids: Option<Vec<ID>>,
}

/// A role to take from a user.
#[derive(InputObject)]
pub struct RevokeRoleInput {
    /// The user's global ID.
    pub user_id: ID,
    /// The role to revoke; revoking MANAGING_AUTHORITY also drops the user's programmes.
    pub role: RoleName,
}

/// The result of `grantRole` or `revokeRole`.
#[derive(SimpleObject)]
pub struct RolePayload {
    /// The user whose roles changed; null when the input was refused.
    pub user: Option<User>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// A new service account for an integrator.
#[derive(InputObject)]
pub struct CreateServiceAccountInput {
    /// What the integrator is, e.g. "Interreg Euro-MED data sync".
    pub name: String,
    /// What it may do beyond reading public data; none when absent.
    #[graphql(default)]
    pub scopes: Vec<service_accounts_gql::IntegratorScope>,
}

pub struct ServiceAccount(pub(crate) service_account::Model);

/// An integrator's account: another system that signs in with a client id and secret (`issueServiceToken`)
/// and acts with the INTEGRATOR role. Visible to admins, in the payload of `createServiceAccount`.
#[Object]
impl ServiceAccount {
    /// The account's global ID (type `ServiceAccount`), the `id` argument of `revokeServiceAccount`.
    async fn id(&self) -> ID {
        GlobalId::encode(NodeType::ServiceAccount, &self.0.id.to_string())
    }
    /// What it may do beyond reading public data.
    async fn scopes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<service_accounts_gql::IntegratorScope>> {
        let scopes = ctx.loaders().service_account_scopes.load_one(self.0.id).await?.unwrap_or_default();
        Ok(scopes.into_iter().map(Into::into).collect())
    }
    /// When it was revoked (its tokens stopped working); null while active.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// What the integrator is, as the admin named it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The client id to pass to `issueServiceToken` (`svc_` and 32 hexadecimal digits).
    async fn client_id(&self) -> &str {
        &self.0.client_id
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// The result of `createServiceAccount`.
#[derive(SimpleObject, Default)]
pub struct CreateServiceAccountPayload {
    /// The new account; null when the input was refused.
    pub service_account: Option<ServiceAccount>,
    /// Shown this once; only a hash is kept.
    pub client_secret: Option<String>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// Kinds of audit-log entries: security events, and workflow and administrative changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::audit::AuditAction")]
pub enum AuditEventAction {
    /// Security: an account was created by self-registration (the subject is the new user).
    AccountRegistered,
    /// Security: an account's e-mail address was confirmed with the link of its confirmation mail.
    EmailVerified,
    /// Security: a user signed in with e-mail and password.
    LoginSucceeded,
    /// Security: a login failed (wrong e-mail or password); no actor or subject is recorded.
    LoginFailed,
    /// Security: a login was refused without checking the password, after too many recent failures for the
    /// account or the client address (`detail` has `retryAfterSeconds`).
    LoginRefused,
    /// Security: a user ended their session, or every session (`detail.everywhere`).
    Logout,
    /// Security: a refresh token was presented a second time, so the whole session was ended (a stolen or
    /// replayed token).
    RefreshTokenReused,
    /// Security: a password was changed, by the user (`detail.via` = `change`) or with a reset link (`reset`).
    PasswordChanged,
    /// Security: a password-reset mail was sent for an existing account.
    PasswordResetRequested,
    /// Security: a service account obtained an access token (the actor is the service account).
    ServiceTokenIssued,
    /// Security: an identity of an external identity provider was linked to a local account.
    ExternalUserLinked,
    /// Administration: an admin granted a role (`detail` has the role and, for MANAGING_AUTHORITY, the
    /// programmes).
    RoleGranted,
    /// Administration: an admin revoked a role.
    RoleRevoked,
    /// Administration: an admin created a service account.
    ServiceAccountCreated,
    /// Personal data: a user erased their account.
    AccountErased,
    /// Personal data: a newsletter subscription's address and personal fields were erased.
    SubscriptionErased,
    /// Reference data: staff added an Interreg programme.
    ProgrammeCreated,
    /// Reference data: staff corrected an Interreg programme.
    ProgrammeUpdated,
    /// Workflow: staff created a call.
    CallCreated,
    /// Workflow: staff changed a call.
    CallUpdated,
    /// Workflow: staff published a call.
    CallPublished,
    /// Workflow: an owner of an organisation invited someone to join it.
    MemberInvited,
    /// Workflow: an invited person joined an organisation.
    MemberJoined,
    /// Workflow: a member's role in an organisation changed (set by an owner, or an heir made owner when the
    /// last owner erased their account).
    MemberChanged,
    /// Workflow: a member was removed from an organisation (by an owner, or on erasing their account).
    MemberRemoved,
    /// Workflow: a cross-border region's status changed (by staff, or to PILOT when its application was
    /// selected).
    RegionStatusChanged,
    /// Workflow: an application was submitted to its call.
    ApplicationSubmitted,
    /// Workflow: an application was withdrawn by its applicants.
    ApplicationWithdrawn,
    /// Workflow: staff returned an application to its applicants for changes.
    ApplicationReturned,
    /// Workflow: staff recorded the eligibility check of an application.
    ApplicationEligibilityAssessed,
    /// Workflow: staff recorded the quality assessment (scores) of an application.
    ApplicationQualityAssessed,
    /// Workflow: staff decided on an application (selected, reserve or not selected).
    ApplicationDecided,
    /// Workflow: an expert applied to an expert call.
    ExpertApplied,
    /// Workflow: staff vetted an expert who applied (approved or rejected).
    ExpertVetted,
    /// Workflow: staff proposed an expert for a pilot region.
    AssignmentProposed,
    /// Workflow: an expert accepted an assignment, declaring no conflict of interest.
    AssignmentAccepted,
    /// Workflow: an expert declined an assignment.
    AssignmentDeclined,
    /// Workflow: staff ended an assignment.
    AssignmentEnded,
    /// Workflow: a strategy version was submitted for review by its editors.
    StrategySubmitted,
    /// Workflow: staff sent a strategy under review back for changes.
    StrategyChangesRequested,
    /// Workflow: staff adopted a strategy version.
    StrategyAdopted,
    /// Workflow: staff published an adopted strategy version.
    StrategyPublished,
    /// Workflow: the editors of a strategy opened a new draft version (an amendment).
    StrategyAmended,
    /// Workflow: staff published an event.
    EventPublished,
    /// Workflow: staff cancelled an event.
    EventCancelled,
    /// Workflow: staff marked an event as completed.
    EventCompleted,
    /// Workflow: staff sent a newsletter issue.
    NewsletterIssueSent,
    /// Workflow: staff published a resource of the library.
    ResourcePublished,
}

pub struct AuditEvent(audit_event::Model);

/// An entry of the audit log: a security event, or a workflow or administrative change. Visible to admins.
#[Object]
impl AuditEvent {
    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// What happened; null for an action this version of the API does not know.
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
    /// The IP address of the client that made the request, when known.
    async fn client_address(&self) -> Option<&str> {
        self.0.client_address.as_deref()
    }
    /// Details as JSON (never secrets).
    async fn detail(&self) -> &str {
        &self.0.detail
    }
}

/// Which audit-log entries to list; absent fields do not filter.
#[derive(InputObject, Default)]
pub struct AuditEventsFilter {
    /// Only entries of this kind.
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
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which users; all when absent.")] filter: Option<UsersFilter>,
        #[graphql(desc = "Page forward: at most this many items (default 20, at most 100); not together with `last`.")]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the item after which the page starts (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Page backward: at most this many items, the last ones before `before` (at most 100); not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor of the item before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<User>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let filter = UserFilter { role: filter.role.map(Into::into), search: filter.search };
        Ok(connection(roles::list_users(&ctx.services().db, ctx.actor(), &filter, &page).await?, User))
    }

    /// The audit log, newest first: security events, and workflow and administrative changes (admins).
    #[graphql(guard = "RoleGuard(ADMIN)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which entries; all when absent.")] filter: Option<AuditEventsFilter>,
        #[graphql(desc = "Page forward: at most this many items (default 20, at most 100); not together with `last`.")]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the item after which the page starts (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Page backward: at most this many items, the last ones before `before` (at most 100); not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor of the item before which the page ends (`pageInfo.startCursor` of the next page).")]
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
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user, the role and, for MANAGING_AUTHORITY, the programmes.")] input: GrantRoleInput,
    ) -> async_graphql::Result<RolePayload> {
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
    async fn revoke_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user and the role.")] input: RevokeRoleInput,
    ) -> async_graphql::Result<RolePayload> {
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
        #[graphql(desc = "The integrator's name.")] input: CreateServiceAccountInput,
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
