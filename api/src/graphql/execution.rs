//! How every operation runs, over HTTP and over WebSocket: [`AppExecutor`] wraps the schema and does around
//! it what would otherwise be schema extensions. The schema has none in production: async-graphql resolves
//! each field on its direct path only while no extension is installed (one extension, whatever it does, costs
//! every field a lookup of its type and a boxed future per extension: 24% of the server's instructions for a
//! page query, BENCHMARKS.md).
//!
//! Around each operation:
//! - before: the document's limits (`limits::check_request`), off the runtime's other tasks;
//! - during: the operation's own DataLoaders ([`LoaderScope`]); a subscription renews them before each
//!   delivery, so a long-lived subscription never answers an event from the cache of an earlier one;
//! - after: the fields of `data` in the order of the selection (`response_order`) and, for each subscription
//!   delivery, the response-size limit (HTTP applies it while serialising, `http::graphql`).

use crate::auth::{Caller, Principal};
use crate::domain::Services;
use crate::graphql::limits::shape::SchemaShape;
use crate::graphql::loaders::Loaders;
use crate::graphql::{AppSchema, limits, response_order};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Data, Request, Response, ServerError};
use futures::StreamExt;
use futures::stream::BoxStream;
use sea_orm::DatabaseConnection;
use std::any::{Any, TypeId};
use std::sync::{Arc, RwLock};

/// The schema as the transports run it (see the module's documentation).
#[derive(Clone)]
pub struct AppExecutor {
    schema: AppSchema,
    services: Services,
    /// The types of the schema, for measuring documents before they are validated.
    shape: Arc<SchemaShape>,
    limits: Arc<limits::document::DocumentLimits>,
}

impl AppExecutor {
    pub fn new(schema: AppSchema, services: Services, shape: SchemaShape) -> Self {
        let limits = Arc::new(limits::document::DocumentLimits::from_config(&services.config.limits));
        Self { schema, services, shape: Arc::new(shape), limits }
    }

    /// Runs a query or a mutation: limits, fresh loaders, then the fields of `data` in the selection's order.
    pub async fn execute(&self, request: Request) -> Response {
        let (request, document) = match self.prepare(request, None) {
            Ok(prepared) => prepared,
            Err(error) => return Response::from_errors(vec![error]),
        };
        let operation_name = request.operation_name.clone();
        let mut response = self.schema.execute(request).await;
        if execution_began(&response) {
            response_order::order_by_selection(&mut response.data, &document, operation_name.as_deref());
        }
        response
    }

    /// Checks the request's limits and gives it its loaders; hands back the parsed document (for ordering).
    fn prepare(
        &self,
        mut request: Request,
        session: Option<&Data>,
    ) -> Result<(Request, ExecutableDocument), ServerError> {
        let document = limits::cpu_bound(|| limits::check_request(&mut request, &self.shape, &self.limits))?;
        let actor = data_of::<Caller>(&request.data)
            .or_else(|| session.and_then(data_of::<Caller>))
            .and_then(|caller| caller.0.clone());
        request.data.insert(LoaderScope::new(self.services.db.clone(), actor));
        Ok((request, document))
    }
}

impl async_graphql::Executor for AppExecutor {
    async fn execute(&self, request: Request) -> Response {
        AppExecutor::execute(self, request).await
    }

    /// A subscription (or a query sent over WebSocket): each delivery ordered and measured on its own.
    fn execute_stream(&self, request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let session = session_data.unwrap_or_default();
        let (request, document) = match self.prepare(request, Some(&session)) {
            Ok(prepared) => prepared,
            Err(error) => return futures::stream::once(async move { Response::from_errors(vec![error]) }).boxed(),
        };
        let operation_name = request.operation_name.clone();
        let max_bytes = self.services.config.limits.max_response_bytes;
        self.schema
            .execute_stream_with_session_data(request, session)
            .map(move |mut response| {
                if execution_began(&response) {
                    response_order::order_by_selection(&mut response.data, &document, operation_name.as_deref());
                }
                match limits::response::too_large(&response.data, max_bytes) {
                    Some(error) => Response::from_errors(vec![error]),
                    None => response,
                }
            })
            .boxed()
    }
}

/// Whether execution began: it did when there is data, or when an error belongs to a field (has a path).
/// Parse, validation and limit errors ("request errors" of GraphQL over HTTP) have neither.
pub fn execution_began(response: &Response) -> bool {
    response.data != async_graphql::Value::Null || response.errors.iter().any(|error| !error.path.is_empty())
}

fn data_of<T: Any>(data: &Data) -> Option<&T> {
    data.get(&TypeId::of::<T>()).and_then(|value| value.downcast_ref::<T>())
}

/// The DataLoaders of one operation, for its caller. A query or mutation keeps one set; a subscription
/// [`renew`](LoaderScope::renew)s them before each delivery (async-graphql resolves a subscription's events one
/// after the other, so no delivery is still reading the set it replaces).
#[derive(Clone)]
pub struct LoaderScope {
    current: Arc<RwLock<Arc<Loaders>>>,
    db: DatabaseConnection,
    actor: Option<Principal>,
}

impl LoaderScope {
    pub fn new(db: DatabaseConnection, actor: Option<Principal>) -> Self {
        let loaders = Arc::new(Loaders::new(&db, actor.as_ref()));
        Self { current: Arc::new(RwLock::new(loaders)), db, actor }
    }

    /// The loaders of the current execution.
    pub fn current(&self) -> Arc<Loaders> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Starts a new execution (a subscription's next delivery) with empty caches.
    pub fn renew(&self) {
        let fresh = Arc::new(Loaders::new(&self.db, self.actor.as_ref()));
        match self.current.write() {
            Ok(mut current) => *current = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }
}
