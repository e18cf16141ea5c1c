//! GraphQL of personal-data rights: `exportMyData` (a JSON document), `eraseSubscription`, `eraseMyAccount`.

use crate::auth::guard::SignedInUser;
use crate::domain::privacy;
use crate::error::UserError;
use crate::graphql::context::ContextExt;
use crate::graphql::payload::into_payload;
use async_graphql::{Context, InputObject, Json, Object, SimpleObject};

/// The subscription to erase, named by a manage token.
#[derive(InputObject)]
pub struct EraseSubscriptionInput {
    /// A manage token from any newsletter mail.
    pub token: String,
}

/// Confirmation of the caller's wish to erase their account.
#[derive(InputObject)]
pub struct EraseMyAccountInput {
    /// The current password, to confirm.
    pub password: String,
}

/// The result of an erasure.
#[derive(SimpleObject)]
pub struct ErasurePayload {
    /// True when the data is gone.
    pub erased: bool,
    /// Problems with the input (`INVALID_TOKEN` for an unknown token or an erased subscription,
    /// `INVALID_CREDENTIALS` for a wrong password); empty when the data was erased.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct PrivacyQuery;

#[Object]
impl PrivacyQuery {
    /// Everything the service holds about the signed-in caller, as one JSON document: account, roles,
    /// programmes, sessions (without token hashes), external identities, subscription with its consent
    /// history, and the audit events about the caller.
    #[graphql(guard = "SignedInUser")]
    async fn export_my_data(&self, ctx: &Context<'_>) -> async_graphql::Result<Json<serde_json::Value>> {
        Ok(Json(privacy::export_my_data(ctx.services(), ctx.actor()).await?))
    }
}

#[derive(Default)]
pub struct PrivacyMutation;

#[Object]
impl PrivacyMutation {
    /// Erases a subscription's address and personal fields (the anonymous consent history stays). Open to
    /// anybody holding a manage token of the subscription; no sign-in needed.
    async fn erase_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A manage token of the subscription.")] input: EraseSubscriptionInput,
    ) -> async_graphql::Result<ErasurePayload> {
        let result = privacy::erase_subscription(ctx.services(), &input.token).await;
        let (done, user_errors) = into_payload(result)?;
        Ok(ErasurePayload { erased: done.is_some(), user_errors })
    }

    /// Erases the caller's account, its subscription and every mail to its address, and the caller's personal
    /// data in every area (signed-in users). The session ends with it.
    #[graphql(guard = "SignedInUser")]
    async fn erase_my_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The caller's password, to confirm.")] input: EraseMyAccountInput,
    ) -> async_graphql::Result<ErasurePayload> {
        let result = privacy::erase_my_account(ctx.services(), ctx.origin(), ctx.actor(), &input.password).await;
        let (done, user_errors) = into_payload(result)?;
        Ok(ErasurePayload { erased: done.is_some(), user_errors })
    }
}
