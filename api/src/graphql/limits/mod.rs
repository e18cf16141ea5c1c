//! The limits every GraphQL request runs within, in one extension: the document is measured before it is
//! validated ([`document`]), the CPU-bound steps (parsing, measuring, validating) leave the runtime's other
//! tasks running, and execution stops once the response passes its size limit ([`response`]). The depth
//! limit of development mode is in [`depth`]; the per-request budget of password checks is kept by
//! `auth::secrets`.

pub mod depth;
pub mod document;
pub mod response;

use crate::config::Limits;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest, NextResolve, NextValidation,
    ResolveInfo,
};
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Value};
use document::DocumentLimits;
use std::sync::Arc;

/// The extension factory of the query limits.
pub struct QueryLimits {
    document: Arc<DocumentLimits>,
    max_response_bytes: usize,
}

impl QueryLimits {
    pub fn new(limits: &Limits) -> Self {
        Self { document: Arc::new(DocumentLimits::from_config(limits)), max_response_bytes: limits.max_response_bytes }
    }
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryLimitsExtension {
            document: self.document.clone(),
            response: response::ResponseBudget::new(self.max_response_bytes),
        })
    }
}

/// One request's limits and the size of its response so far.
struct QueryLimitsExtension {
    document: Arc<DocumentLimits>,
    response: response::ResponseBudget,
}

#[async_trait::async_trait]
impl Extension for QueryLimitsExtension {
    /// Measures the text, parses it once and measures the document, before async-graphql validates it.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let registry = &ctx.schema_env.registry;
        cpu_bound(|| {
            document::check_text(&request.query, &self.document).map_err(|message| ServerError::new(message, None))?;
            let variables = request.variables.clone();
            let parsed = request.parsed_query()?;
            document::check_document(parsed, &variables, registry, &self.document)
                .map_err(|message| ServerError::new(message, None))
        })?;
        next.run(ctx, request).await
    }

    /// Validation walks the whole (bounded) document; it runs where it cannot hold up other requests.
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validation = next.run(ctx);
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| handle.block_on(validation))
            }
            _ => validation.await,
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        // A subscription executes once per event it delivers, with this one extension: each delivery is a
        // response of its own, measured from zero.
        self.response.restart();
        let response = next.run(ctx, operation_name).await;
        match self.response.exceeded() {
            Some(error) => Response::from_errors(vec![error]),
            None => response,
        }
    }

    /// Counts what each field adds to the response; past the limit, no further field is resolved.
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        self.response.refuse_if_exceeded()?;
        let key = info.alias.unwrap_or(info.name).len();
        let composite =
            ctx.schema_env.registry.concrete_type_by_name(info.return_type).is_some_and(|ty| ty.is_composite());
        let node = info.path_node;
        let value = next.run(ctx, info).await?;
        self.response.add(key, composite, value.as_ref(), || root_field(node))?;
        Ok(value)
    }
}

/// The top-level field a path starts at.
fn root_field(mut node: &async_graphql::QueryPathNode<'_>) -> String {
    while let Some(parent) = node.parent {
        node = parent;
    }
    match node.segment {
        async_graphql::QueryPathSegment::Name(name) => name.to_owned(),
        async_graphql::QueryPathSegment::Index(index) => index.to_string(),
    }
}

/// Runs CPU-bound work without holding up the runtime's other tasks: on a multi-threaded runtime the worker
/// hands its other tasks over first (a current-thread runtime, as in unit tests, simply runs it).
pub fn cpu_bound<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}
