//! `ContextExt`: the one way resolvers reach the request's services, caller, origin and DataLoaders.

use crate::auth::{Caller, Principal};
use crate::domain::{Origin, Services};
use crate::error::AppResult;
use crate::graphql::loaders::Loaders;
use async_graphql::Context;
use chrono::{DateTime, Utc};

pub trait ContextExt {
    fn services(&self) -> &Services;
    /// The caller, if signed in.
    fn actor(&self) -> Option<&Principal>;
    /// The caller; `UNAUTHENTICATED` when anonymous.
    fn principal(&self) -> AppResult<&Principal>;
    fn loaders(&self) -> &Loaders;
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

    fn loaders(&self) -> &Loaders {
        self.data_unchecked::<Loaders>()
    }

    fn now(&self) -> DateTime<Utc> {
        self.services().now()
    }

    fn origin(&self) -> &Origin {
        self.data_unchecked::<Origin>()
    }
}
