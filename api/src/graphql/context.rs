//! `ContextExt`: the one way resolvers reach the request's services, caller, origin and DataLoaders.

use crate::auth::{Caller, Principal};
use crate::domain::{Origin, Services};
use crate::error::AppResult;
use crate::graphql::execution::LoaderScope;
use crate::graphql::loaders::Loaders;
use async_graphql::Context;
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub trait ContextExt {
    fn services(&self) -> &Services;
    /// The caller, if signed in.
    fn actor(&self) -> Option<&Principal>;
    /// The caller; `UNAUTHENTICATED` when anonymous.
    fn principal(&self) -> AppResult<&Principal>;
    /// The DataLoaders of this execution.
    fn loaders(&self) -> Arc<Loaders>;
    /// Where this operation's loaders live (a subscription renews them before each delivery).
    fn loader_scope(&self) -> &LoaderScope;
    /// The server clock.
    fn now(&self) -> DateTime<Utc>;
    /// Where the request came from (client address), for throttling and the audit log.
    fn origin(&self) -> &Origin;
}

impl ContextExt for Context<'_> {
    fn services(&self) -> &Services {
        self.data_unchecked::<Services>()
    }

    fn actor(&self) -> Option<&Principal> {
        self.data_opt::<Caller>().and_then(|caller| caller.0.as_ref())
    }

    fn principal(&self) -> AppResult<&Principal> {
        self.data_opt::<Caller>().map_or(Err(crate::error::AppError::Unauthenticated), Caller::principal)
    }

    fn loaders(&self) -> Arc<Loaders> {
        self.loader_scope().current()
    }

    fn loader_scope(&self) -> &LoaderScope {
        self.data_unchecked::<LoaderScope>()
    }

    fn now(&self) -> DateTime<Utc> {
        self.services().now()
    }

    fn origin(&self) -> &Origin {
        self.data_unchecked::<Origin>()
    }
}
