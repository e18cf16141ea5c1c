//! GraphQL of integrators' service accounts beyond their creation: scopes, the list, revocation (admins).

use super::ServiceAccount;
use crate::auth::ADMIN;
use crate::auth::guard::RoleGuard;
use crate::domain::accounts::scopes::Scope;
use crate::domain::accounts::service_accounts;
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::service_account;

/// What an integrator may do beyond reading public data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::accounts::scopes::Scope")]
pub enum IntegratorScope {
    /// `read:strategies`: receive strategies' changes.
    ReadStrategies,
    /// `read:applications`: receive changes of applications and partnerships it may read.
    ReadApplications,
    /// `read:events`: receive changes of events and registrations it may read.
    ReadEvents,
    /// `webhooks:manage`: register and manage webhook endpoints.
    WebhooksManage,
}

/// A service account and its new scopes.
#[derive(InputObject)]
pub struct SetServiceAccountScopesInput {
    /// The account's global ID (`ServiceAccount.id`).
    pub id: ID,
    /// Replaces the earlier scopes.
    pub scopes: Vec<IntegratorScope>,
}

/// The service account to revoke.
#[derive(InputObject)]
pub struct RevokeServiceAccountInput {
    /// The account's global ID (`ServiceAccount.id`).
    pub id: ID,
}

/// The result of changing a service account (`setServiceAccountScopes`, `revokeServiceAccount`).
#[derive(SimpleObject)]
pub struct ServiceAccountPayload {
    /// The account as changed; null when the input was refused.
    pub service_account: Option<ServiceAccount>,
    /// Why the input was refused (account not found); empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(result: AppResult<service_account::Model>) -> async_graphql::Result<ServiceAccountPayload> {
    let (account, user_errors) = into_payload(result)?;
    Ok(ServiceAccountPayload { service_account: account.map(ServiceAccount), user_errors })
}

#[derive(Default)]
pub struct ServiceAccountQuery;

#[Object]
impl ServiceAccountQuery {
    /// Integrators' service accounts, oldest first, revoked ones included (admins).
    #[graphql(guard = "RoleGuard(ADMIN)")]
    async fn service_accounts(
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
    ) -> async_graphql::Result<ConnectionOf<ServiceAccount>> {
        let page = page_request(ctx, first, after, last, before)?;
        let page = service_accounts::list(ctx.services(), ctx.actor(), &page).await?;
        if nodes_select(ctx, &["scopes"]) {
            let ids: Vec<_> = page.items.iter().map(|(_, account)| account.id).collect();
            ctx.loaders().prime_service_account_scopes(&ctx.services().db, &ids).await?;
        }
        Ok(connection(page, ServiceAccount))
    }
}

#[derive(Default)]
pub struct ServiceAccountMutation;

#[Object]
impl ServiceAccountMutation {
    /// Replaces a service account's scopes (admins); they apply to its tokens at once.
    #[graphql(guard = "RoleGuard(ADMIN)")]
    async fn set_service_account_scopes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and its scopes.")] input: SetServiceAccountScopesInput,
    ) -> async_graphql::Result<ServiceAccountPayload> {
        let id = GlobalId::decode_as(&input.id, NodeType::ServiceAccount)?;
        let scopes: Vec<Scope> = input.scopes.into_iter().map(Into::into).collect();
        payload(service_accounts::set_scopes(ctx.services(), ctx.origin(), ctx.actor(), id, &scopes).await)
    }

    /// Revokes a service account (admins): its tokens stop working at once.
    #[graphql(guard = "RoleGuard(ADMIN)")]
    async fn revoke_service_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account.")] input: RevokeServiceAccountInput,
    ) -> async_graphql::Result<ServiceAccountPayload> {
        let id = GlobalId::decode_as(&input.id, NodeType::ServiceAccount)?;
        payload(service_accounts::revoke(ctx.services(), ctx.origin(), ctx.actor(), id).await)
    }
}
