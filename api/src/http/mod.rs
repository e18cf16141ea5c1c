//! The axum router: GraphQL over HTTP, health probes, metrics, and the middleware every request passes
//! (request id, tracing span and access log, CORS, metrics, panic catcher, timeout, body limit).

pub mod client_address;
pub mod cors;
mod events;
mod graphiql;
mod graphql;
mod health;
pub mod metrics;
mod strategies;
pub mod subscriptions;
mod unsubscribe;

use crate::app::AppState;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::header;
use axum::http::{HeaderName, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let limits = state.services.config.limits.clone();
    let cors = cors::layer(&state.cors_origins);
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphiql/assets/{file}", get(graphiql::asset))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(metrics::scrape))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/unsubscribe/{token}", post(unsubscribe::one_click))
        .route("/events.ics", get(events::feed))
        .route("/events/{file}", get(events::single))
        .route("/events/{id}/registrations.csv", get(events::registrations_csv))
        .route("/strategies/export.csv", get(strategies::csv))
        .route("/strategies/export.json", get(strategies::json))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span).on_response(access_log))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
                .layer(cors)
                .layer(CatchPanicLayer::new())
                .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, limits.request_timeout())),
        )
}

/// The public keys access tokens are signed with (none for HS256), for anyone verifying them.
async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    let keys = state.services.authenticator.keys().public_keys().clone();
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(keys))
}

/// Every log line of a request carries its id; `principal` is filled in once the caller is known.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let request_id = request.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id,
        operation = tracing::field::Empty,
        principal = tracing::field::Empty,
    )
}

/// The access log: one `info` line per answered request, inside its span (method, path, request id, GraphQL
/// operation name, principal), with the status and the time taken.
fn access_log<B>(response: &Response<B>, latency: Duration, _span: &tracing::Span) {
    tracing::info!(
        status = response.status().as_u16(),
        // Milliseconds with three decimals (whole microseconds), as a number in JSON logs.
        duration_ms = latency.as_micros() as f64 / 1000.0,
        "request answered"
    );
}
