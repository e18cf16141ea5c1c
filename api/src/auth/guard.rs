//! Role guards for GraphQL fields: `#[graphql(guard = "RoleGuard(STAFF)")]`. Anonymous callers get
//! `UNAUTHENTICATED`, callers without one of the roles `FORBIDDEN`.

use crate::auth::{Caller, Role};
use crate::error::AppError;
use async_graphql::{Context, Guard};

pub struct RoleGuard(pub &'static [Role]);

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        match caller.0 {
            None => Err(AppError::Unauthenticated.into()),
            Some(principal) if principal.has_any(self.0) => Ok(()),
            Some(_) => Err(AppError::Forbidden.into()),
        }
    }
}

/// Any signed-in user (not a service account).
pub struct SignedInUser;

impl Guard for SignedInUser {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        caller.user_id().map(|_| ()).map_err(Into::into)
    }
}
