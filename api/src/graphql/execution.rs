//! What every execution starts with: its own DataLoaders. An execution is one query or mutation request, or
//! one event a subscription delivers; a long-lived subscription therefore never answers an event from the
//! cache of an earlier one (a status, a partner list or a strategy as they were then).

use crate::auth::Caller;
use crate::domain::Services;
use crate::graphql::loaders::Loaders;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{Data, Response};
use std::sync::Arc;

/// The extension factory that gives each execution fresh loaders for its caller.
pub struct FreshLoaders;

impl ExtensionFactory for FreshLoaders {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FreshLoaders)
    }
}

#[async_trait::async_trait]
impl Extension for FreshLoaders {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let Some(services) = ctx.data_opt::<Services>() else {
            return next.run(ctx, operation_name).await;
        };
        let actor = ctx.data_opt::<Caller>().and_then(|caller| caller.0.as_ref());
        let mut data = Data::default();
        data.insert(Loaders::new(&services.db, actor));
        next.run_with_data(ctx, operation_name, data).await
    }
}
