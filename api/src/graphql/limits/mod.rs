//! The limits every GraphQL request runs within (applied by `graphql::execution`, around a schema without
//! extensions): the document is measured before async-graphql validates it ([`document`]; it bounds what
//! validation and execution can cost), off the runtime's other tasks, and a response larger than its limit
//! is refused ([`response`]). The depth limit is async-graphql's own in production, [`depth`] in development;
//! the per-request budget of password checks is kept by `auth::secrets`.

pub mod depth;
pub mod document;
pub mod response;
pub mod shape;

use async_graphql::parser::parse_query;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError};
use document::DocumentLimits;
use shape::SchemaShape;

/// Measures the request's text, parses it once (async-graphql reuses the parse) and measures the document,
/// before async-graphql validates it; hands back the parsed document.
pub fn check_request(
    request: &mut Request,
    schema: &SchemaShape,
    limits: &DocumentLimits,
) -> Result<ExecutableDocument, ServerError> {
    document::check_text(&request.query, limits).map_err(|message| ServerError::new(message, None))?;
    let parsed = parse_query(&request.query)?;
    document::check_document(&parsed, &request.variables, schema, limits)
        .map_err(|message| ServerError::new(message, None))?;
    request.set_parsed_query(parsed.clone());
    Ok(parsed)
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
