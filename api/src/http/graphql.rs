//! GraphQL over HTTP (graphql.github.io/graphql-over-http) in front of async-graphql, which alone does not
//! follow the spec's media types and status codes:
//!
//! - the response type by `Accept`: `application/graphql-response+json` when asked for, otherwise
//!   `application/json` (also for `*/*` and no `Accept` at all); 406 when neither is acceptable;
//! - POST takes `application/json` bodies only (UTF-8), else 415; GET takes the URL parameters and refuses
//!   mutations with 405 and `Allow: POST`;
//! - a body or URL that is not a GraphQL request is 400; a request error (unparsable or invalid document)
//!   is 400 with `application/graphql-response+json` and 200 with `application/json`, without `data`;
//! - GraphiQL for browsers (`Accept: text/html`) on GET, in development only.

use crate::app::AppState;
use crate::auth::Caller;
use crate::auth::secrets::with_password_check_budget;
use crate::config::Limits;
use crate::error::{AppError, ErrorCode};
use crate::graphql::execution::execution_began;
use crate::graphql::limits::document::{DocumentLimits, check_text};
use crate::graphql::limits::response as response_limit;
use crate::graphql::{RequestContext, errors};
use crate::http::REQUEST_ID_HEADER;
use crate::http::metrics::Outcome;
use async_graphql::Variables;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Instant;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const APPLICATION_JSON: &str = "application/json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// The parameters of a GraphQL-over-HTTP request, from a JSON body or URL query parameters.
#[derive(Debug, Default)]
struct Params {
    query: String,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
    extensions: Option<Map<String, Value>>,
}

pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(media) = negotiate(&headers) else { return not_acceptable() };
    if let Err(message) = check_content_type(&headers) {
        return request_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, media, ErrorCode::BadUserInput, message);
    }
    match params_from_body(&body) {
        Ok(params) => execute(&state, peer, &headers, media, params).await,
        Err(message) => request_error(StatusCode::BAD_REQUEST, media, ErrorCode::BadUserInput, message),
    }
}

/// GET: a WebSocket upgrade (subscriptions), GraphiQL for browsers, or a query in the URL.
pub async fn get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    let (parts, _) = request.into_parts();
    if super::subscriptions::is_upgrade(&parts) {
        return super::subscriptions::upgrade(state, peer, parts).await;
    }
    let raw = parts.uri.query().map(str::to_owned);
    let headers = parts.headers;
    if !state.services.config.is_production() && raw.is_none() && accepts_html(&headers) {
        return super::graphiql::page().into_response();
    }
    let Some(media) = negotiate(&headers) else { return not_acceptable() };
    let params = match params_from_url(raw.as_deref()) {
        Ok(params) => params,
        Err(message) => return request_error(StatusCode::BAD_REQUEST, media, ErrorCode::BadUserInput, message),
    };
    if !selected(&params, &state.services.config.limits).is_none_or(|operation| operation.is_query) {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            ErrorCode::BadUserInput,
            "only queries may be sent with GET; send mutations with POST".to_owned(),
        );
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, peer, &headers, media, params).await
}

/// Runs the request, names its operation on the request's span (for the access log) and counts it in the metrics.
async fn execute(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    media: MediaType,
    params: Params,
) -> Response {
    let started = Instant::now();
    let operation = selected(&params, &state.services.config.limits).and_then(|operation| operation.name);
    if let Some(name) = &operation {
        tracing::Span::current().record("operation", name.as_str());
    }
    let (response, outcome) = run(state, peer, headers, media, params).await;
    state.metrics.graphql_request(operation.as_deref(), outcome, started.elapsed());
    response
}

async fn run(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    media: MediaType,
    params: Params,
) -> (Response, Outcome) {
    let request_id = headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let caller = match caller(state, headers).await {
        Ok(caller) => caller,
        Err(AppError::Unauthenticated) => {
            let message = "the access token is invalid or expired; refresh the session or sign in again";
            let mut response =
                request_error(StatusCode::UNAUTHORIZED, media, ErrorCode::Unauthenticated, message.to_owned());
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
            return (response, Outcome::Rejected);
        }
        Err(error) => {
            // An unreachable database is 503 SERVICE_UNAVAILABLE (worth retrying), anything else 500.
            error.log_if_internal();
            let response = request_error(error.code().status(), media, error.code(), error.public_message());
            return (response, Outcome::Error);
        }
    };
    if let Some(principal) = &caller.0 {
        tracing::Span::current().record("principal", tracing::field::display(principal.id));
    }
    let mut request = async_graphql::Request::new(params.query)
        .data(RequestContext { request_id: request_id.clone() })
        .data(caller)
        .data(super::client_address::origin(&state.services.config.auth.trusted_proxies, peer, headers));
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables {
        request = request.variables(Variables::from_json(Value::Object(variables)));
    }
    if let Some(extensions) = params.extensions {
        request.extensions = async_graphql::Extensions(
            extensions
                .into_iter()
                .filter_map(|(k, v)| async_graphql::Value::from_json(v).ok().map(|v| (k, v)))
                .collect::<HashMap<_, _>>(),
        );
    }

    let max_password_checks = state.services.config.limits.max_password_checks;
    let mut response = with_password_check_budget(max_password_checks, state.graphql.execute(request)).await;
    errors::present(&mut response.errors, &request_id);
    let executed = execution_began(&response);
    let mut outcome = match (executed, response.errors.is_empty()) {
        (false, _) => Outcome::Rejected,
        (true, true) => Outcome::Ok,
        (true, false) => Outcome::Error,
    };
    let status = if executed || media == MediaType::Json { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let max_bytes = state.services.config.limits.max_response_bytes;
    let mut http = match serialise(&response, executed, max_bytes) {
        Ok(bytes) => (status, bytes).into_response(),
        Err(_) => {
            // Larger than the limit: the one error that says so, instead of the data.
            outcome = Outcome::Error;
            let error = response_limit::too_large(&response.data, max_bytes)
                .unwrap_or_else(|| response_limit::error(max_bytes, None));
            let mut refused = async_graphql::Response::from_errors(vec![error]);
            errors::present(&mut refused.errors, &request_id);
            match serialise(&refused, true, usize::MAX) {
                Ok(bytes) => (status, bytes).into_response(),
                Err(error) => {
                    let error = AppError::Internal(anyhow::anyhow!("cannot serialise a GraphQL response: {error}"));
                    error.log_if_internal();
                    return (
                        request_error(StatusCode::INTERNAL_SERVER_ERROR, media, error.code(), error.public_message()),
                        Outcome::Error,
                    );
                }
            }
        }
    };
    http.headers_mut().extend(response.http_headers);
    http.headers_mut().insert(header::CONTENT_TYPE, media.header_value());
    (http, outcome)
}

/// The body of a GraphQL response: `errors` first when there are any (as the spec suggests), `data` unless
/// the request never reached execution, `extensions` when there are any.
#[derive(serde::Serialize)]
struct ResponseBody<'a> {
    #[serde(skip_serializing_if = "no_errors")]
    errors: &'a Vec<async_graphql::ServerError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "no_extensions")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

fn no_errors(errors: &&Vec<async_graphql::ServerError>) -> bool {
    errors.is_empty()
}

fn no_extensions(extensions: &&std::collections::BTreeMap<String, async_graphql::Value>) -> bool {
    extensions.is_empty()
}

/// The response's JSON, at most `max_bytes` of it (an error past that): serialised straight from the response
/// (no `serde_json::Value`, whose maps would sort the keys, in between), so the fields of `data` keep the
/// order of the selection; `data` only when execution began.
fn serialise(response: &async_graphql::Response, executed: bool, max_bytes: usize) -> serde_json::Result<Vec<u8>> {
    let body = ResponseBody {
        errors: &response.errors,
        data: executed.then_some(&response.data),
        extensions: &response.extensions,
    };
    let mut capped = response_limit::Capped::new(Vec::with_capacity(4096), max_bytes);
    serde_json::to_writer(&mut capped, &body)?;
    Ok(capped.into_inner())
}

/// The caller named by `Authorization: Bearer`; anonymous without the header. A header that is present
/// but not a valid, live token is refused rather than treated as anonymous.
pub(super) async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(Caller::default()) };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or(AppError::Unauthenticated)?;
    let services = &state.services;
    let principal = services.authenticator.authenticate(services, token).await?;
    Ok(Caller(Some(principal)))
}

/// The response type for this `Accept` (RFC 9110): the acceptable one with the higher weight, the GraphQL
/// media type on a tie; wildcards and a missing header mean `application/json`. None: nothing acceptable.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let mut ranges = accepted_ranges(headers).peekable();
    if ranges.peek().is_none() {
        return Some(MediaType::Json);
    }
    let (mut graphql, mut json) = (0.0f32, 0.0f32);
    for (essence, q) in ranges {
        match essence.as_str() {
            GRAPHQL_RESPONSE_JSON => graphql = graphql.max(q),
            APPLICATION_JSON | "application/*" | "*/*" => json = json.max(q),
            _ => {}
        }
    }
    if graphql > 0.0 && graphql >= json {
        Some(MediaType::GraphqlResponse)
    } else if json > 0.0 {
        Some(MediaType::Json)
    } else {
        None
    }
}

fn accepts_html(headers: &HeaderMap) -> bool {
    accepted_ranges(headers).any(|(essence, q)| essence == "text/html" && q > 0.0)
}

/// The media ranges of every `Accept` header with their weights (q), skipping unparsable ones.
fn accepted_ranges(headers: &HeaderMap) -> impl Iterator<Item = (String, f32)> + '_ {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|range| range.trim().parse::<mime::Mime>().ok())
        .map(|mime| {
            let q = mime.get_param("q").and_then(|q| q.as_str().parse::<f32>().ok()).unwrap_or(1.0);
            (mime.essence_str().to_ascii_lowercase(), q)
        })
}

fn check_content_type(headers: &HeaderMap) -> Result<(), String> {
    let expected = || "send the request body as application/json".to_owned();
    let content_type = headers.get(header::CONTENT_TYPE).ok_or_else(expected)?;
    let mime: mime::Mime = content_type.to_str().ok().and_then(|v| v.parse().ok()).ok_or_else(expected)?;
    if mime.essence_str() != APPLICATION_JSON {
        return Err(expected());
    }
    match mime.get_param(mime::CHARSET) {
        Some(charset) if !charset.as_str().eq_ignore_ascii_case("utf-8") => {
            Err(format!("charset {charset} is not supported; send UTF-8"))
        }
        _ => Ok(()),
    }
}

fn params_from_body(body: &[u8]) -> Result<Params, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    match value {
        Value::Object(map) => params_from_map(map, false),
        Value::Array(_) => Err("batched requests are not supported; send one operation per request".to_owned()),
        _ => Err("the body must be a JSON object with a `query`".to_owned()),
    }
}

fn params_from_url(raw: Option<&str>) -> Result<Params, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or_default()).map_err(|e| format!("unreadable URL parameters: {e}"))?;
    let map = pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    params_from_map(map, true)
}

/// Reads the four parameters; in a URL, `variables` and `extensions` are JSON-encoded strings.
fn params_from_map(mut map: Map<String, Value>, from_url: bool) -> Result<Params, String> {
    let query = match map.remove("query") {
        Some(Value::String(query)) => query,
        None | Some(Value::Null) => return Err("the request has no `query`".to_owned()),
        Some(_) => return Err("`query` must be a string".to_owned()),
    };
    let operation_name = match map.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err("`operationName` must be a string".to_owned()),
    };
    let mut object = |name: &str| -> Result<Option<Map<String, Value>>, String> {
        let value = match map.remove(name) {
            Some(Value::String(text)) if from_url => {
                serde_json::from_str(&text).map_err(|e| format!("`{name}` is not valid JSON: {e}"))?
            }
            Some(value) => value,
            None => Value::Null,
        };
        match value {
            Value::Null => Ok(None),
            Value::Object(object) => Ok(Some(object)),
            _ => Err(format!("`{name}` must be a JSON object")),
        }
    };
    let variables = object("variables")?;
    let extensions = object("extensions")?;
    Ok(Params { query, operation_name, variables, extensions })
}

/// The operation a request selects, as its document says.
struct Selected {
    /// Its name; none for an anonymous operation.
    name: Option<String>,
    is_query: bool,
}

/// The operation the request selects: whether it is a query (GET may run nothing else) and its name (for logs
/// and metrics). None for a document that does not parse, passes the limits of its text (it is not parsed
/// then) or names no operation that exists; execution reports those.
fn selected(params: &Params, limits: &Limits) -> Option<Selected> {
    check_text(&params.query, &DocumentLimits::from_config(limits)).ok()?;
    let document = async_graphql::parser::parse_query(&params.query).ok()?;
    let (name, operation) = match (&document.operations, params.operation_name.as_deref()) {
        (DocumentOperations::Single(operation), _) => (None, operation),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get_key_value(name).map(|(name, operation)| (Some(name), operation))?
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.iter().next().map(|(name, operation)| (Some(name), operation))?
        }
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some(Selected { name: name.map(ToString::to_string), is_query: operation.node.ty == OperationType::Query })
}

fn request_error(status: StatusCode, media: MediaType, code: ErrorCode, message: String) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    (status, [(header::CONTENT_TYPE, media.header_value())], body.to_string()).into_response()
}

fn not_acceptable() -> Response {
    let message = format!("the response can be {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}; `Accept` allows neither");
    request_error(StatusCode::NOT_ACCEPTABLE, MediaType::Json, ErrorCode::BadUserInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn negotiation_follows_weights() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(negotiate(&accept("*/*")), Some(MediaType::Json));
        assert_eq!(negotiate(&accept(GRAPHQL_RESPONSE_JSON)), Some(MediaType::GraphqlResponse));
        assert_eq!(
            negotiate(&accept("application/graphql-response+json, application/json;q=0.9")),
            Some(MediaType::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept("application/graphql-response+json;q=0.5, application/json")),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
        assert_eq!(negotiate(&accept("application/json;q=0")), None);
    }

    #[test]
    fn get_allows_only_queries() {
        let params = |query: &str, name: Option<&str>| Params {
            query: query.to_owned(),
            operation_name: name.map(str::to_owned),
            ..Params::default()
        };
        let selects_query = |p: Params| selected(&p, &Limits::default()).is_none_or(|operation| operation.is_query);
        assert!(selects_query(params("{ apiInfo { version } }", None)));
        assert!(!selects_query(params("mutation { x }", None)));
        assert!(!selects_query(params("query A { a } mutation B { b }", Some("B"))));
        assert!(selects_query(params("query A { a } mutation B { b }", Some("A"))));
        assert!(selects_query(params("{ broken", None)));
        let name = |p: Params| selected(&p, &Limits::default()).and_then(|operation| operation.name);
        assert_eq!(name(params("query ListCalls { calls { totalCount } }", None)).as_deref(), Some("ListCalls"));
        assert_eq!(name(params("query A { a } query B { b }", Some("B"))).as_deref(), Some("B"));
        assert_eq!(name(params("query A { a } query B { b }", Some("C"))), None);
        assert_eq!(name(params("{ a }", None)), None);
    }
}
