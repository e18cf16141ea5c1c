//! Prometheus metrics at `GET /metrics` (text format 0.0.4): HTTP requests by route and status, GraphQL
//! operations by name and outcome, their latencies, the database pool, and the mail outbox.
//!
//! The `prometheus` crate (TiKV's, the most used Rust client) keeps a registry per server rather than one per
//! process, so two servers in one process (tests) never count each other's requests. Counters and histograms
//! move with each request; the pool and outbox gauges are read at scrape time. `/metrics` is open unless
//! `IMPACT_METRICS_TOKEN` is set; then it needs `Authorization: Bearer <token>`.

use crate::app::AppState;
use crate::domain::Services;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use entity::outbound_email::{self, OutboundEmailStatus};
use prometheus::{
    Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseConnectionType, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Distinct operation names counted under their own label; later names count as `other`, so a client cannot
/// grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;
/// Longest operation name kept as a label.
const MAX_OPERATION_NAME_CHARS: usize = 64;
/// Latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// How a GraphQL request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Executed without errors.
    Ok,
    /// Executed, with errors in the response (a field failed, was forbidden, ...).
    Error,
    /// Never executed: not a GraphQL request, unparsable, invalid, over a limit, or a bad token.
    Rejected,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Rejected => "rejected",
        }
    }
}

/// The metrics of one server.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    graphql_requests: IntCounterVec,
    graphql_duration: HistogramVec,
    db_pool: IntGaugeVec,
    db_pool_max: IntGauge,
    outbox: IntGaugeVec,
    outbox_oldest_pending: Gauge,
    operation_names: Mutex<HashSet<String>>,
}

impl Metrics {
    pub fn new(db_max_connections: u32) -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let latency = |name: &str, help: &str| HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec());
        let metrics = Self {
            http_requests: IntCounterVec::new(
                Opts::new("impact_http_requests_total", "HTTP requests answered, by method, route and status code."),
                &["method", "route", "status"],
            )?,
            http_duration: HistogramVec::new(
                latency("impact_http_request_duration_seconds", "Time to answer an HTTP request, by method and route."),
                &["method", "route"],
            )?,
            graphql_requests: IntCounterVec::new(
                Opts::new(
                    "impact_graphql_requests_total",
                    "GraphQL requests by operation name (`anonymous` without one, `other` past the first 200 names) \
                     and outcome (`ok`, `error`: executed with errors, `rejected`: never executed).",
                ),
                &["operation", "outcome"],
            )?,
            graphql_duration: HistogramVec::new(
                latency(
                    "impact_graphql_request_duration_seconds",
                    "Time to answer a GraphQL request, by operation name.",
                ),
                &["operation"],
            )?,
            db_pool: IntGaugeVec::new(
                Opts::new("impact_db_pool_connections", "Open database connections: `idle` or `in_use`."),
                &["state"],
            )?,
            db_pool_max: IntGauge::new("impact_db_pool_max_connections", "Configured size of the connection pool.")?,
            outbox: IntGaugeVec::new(
                Opts::new(
                    "impact_mail_outbox_messages",
                    "Mails in the outbox by status: `pending` (the backlog), `sending`, `sent`, `failed` (gave up).",
                ),
                &["status"],
            )?,
            outbox_oldest_pending: Gauge::new(
                "impact_mail_outbox_oldest_pending_age_seconds",
                "Age of the oldest pending mail (0 when none is pending).",
            )?,
            operation_names: Mutex::new(HashSet::new()),
            registry,
        };
        metrics.db_pool_max.set(i64::from(db_max_connections));
        for collector in [
            Box::new(metrics.http_requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(metrics.http_duration.clone()),
            Box::new(metrics.graphql_requests.clone()),
            Box::new(metrics.graphql_duration.clone()),
            Box::new(metrics.db_pool.clone()),
            Box::new(metrics.db_pool_max.clone()),
            Box::new(metrics.outbox.clone()),
            Box::new(metrics.outbox_oldest_pending.clone()),
        ] {
            metrics.registry.register(collector)?;
        }
        Ok(metrics)
    }

    /// Counts a GraphQL request. `operation` is the name of the operation the document selects, if any.
    pub fn graphql_request(&self, operation: Option<&str>, outcome: Outcome, elapsed: Duration) {
        let label = self.operation_label(operation);
        self.graphql_requests.with_label_values(&[label.as_str(), outcome.as_str()]).inc();
        self.graphql_duration.with_label_values(&[label.as_str()]).observe(elapsed.as_secs_f64());
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation else { return "anonymous".to_owned() };
        let valid = !name.is_empty()
            && name.len() <= MAX_OPERATION_NAME_CHARS
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return "other".to_owned();
        }
        let mut names = self.operation_names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if names.contains(name) || (names.len() < MAX_OPERATION_NAMES && names.insert(name.to_owned())) {
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    /// Reads the pool and the outbox into their gauges.
    async fn observe_database(&self, services: &Services) -> Result<(), DbErr> {
        if let Some((size, idle)) = pool_usage(&services.db) {
            let idle = i64::try_from(idle).unwrap_or(i64::MAX);
            self.db_pool.with_label_values(&["idle"]).set(idle);
            self.db_pool.with_label_values(&["in_use"]).set(i64::from(size).saturating_sub(idle));
        }
        let counts: Vec<(OutboundEmailStatus, i64)> = outbound_email::Entity::find()
            .select_only()
            .column(outbound_email::Column::Status)
            .column_as(outbound_email::Column::Id.count(), "count")
            .group_by(outbound_email::Column::Status)
            .into_tuple()
            .all(&services.db)
            .await?;
        for (status, label) in [
            (OutboundEmailStatus::Pending, "pending"),
            (OutboundEmailStatus::Sending, "sending"),
            (OutboundEmailStatus::Sent, "sent"),
            (OutboundEmailStatus::Failed, "failed"),
        ] {
            let count = counts.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
            self.outbox.with_label_values(&[label]).set(count);
        }
        let oldest: Option<chrono::DateTime<chrono::Utc>> = outbound_email::Entity::find()
            .select_only()
            .column(outbound_email::Column::CreatedAt)
            .filter(outbound_email::Column::Status.eq(OutboundEmailStatus::Pending))
            .order_by_asc(outbound_email::Column::CreatedAt)
            .into_tuple()
            .one(&services.db)
            .await?;
        let age = oldest.map_or(0.0, |created| (services.now() - created).num_milliseconds().max(0) as f64 / 1000.0);
        self.outbox_oldest_pending.set(age);
        Ok(())
    }

    fn render(&self) -> Result<String, prometheus::Error> {
        let mut text = String::new();
        TextEncoder::new().encode_utf8(&self.registry.gather(), &mut text)?;
        Ok(text)
    }
}

/// Open connections and idle ones among them, for the drivers that pool.
fn pool_usage(db: &DatabaseConnection) -> Option<(u32, usize)> {
    match &db.inner {
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            Some((pool.size(), pool.num_idle()))
        }
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            Some((pool.size(), pool.num_idle()))
        }
        _ => None,
    }
}

/// Middleware: counts every request and its latency by method, route (the router's pattern, never the raw
/// path) and status.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics.http_requests.with_label_values(&[method.as_str(), route.as_str(), response.status().as_str()]).inc();
    metrics
        .http_duration
        .with_label_values(&[method.as_str(), route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = state.services.config.metrics_token.as_deref().filter(|t| !t.is_empty())
        && !bearer_matches(&headers, token)
    {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"metrics\""))],
            "send the metrics token as `Authorization: Bearer <token>`\n",
        )
            .into_response();
    }
    if let Err(error) = state.metrics.observe_database(&state.services).await {
        tracing::warn!(%error, "metrics: cannot read the outbox; its gauges keep their last values");
    }
    match state.metrics.render() {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response(),
        Err(error) => {
            tracing::error!(%error, "metrics: cannot encode");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Whether `Authorization` carries `Bearer <token>`; compares digests, so the time taken says nothing of the token.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, given)| given.trim())
    else {
        return false;
    };
    Sha256::digest(given.as_bytes()) == Sha256::digest(token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::{MAX_OPERATION_NAMES, Metrics};

    #[test]
    fn operation_names_are_bounded() {
        let metrics = Metrics::new(10).unwrap();
        assert_eq!(metrics.operation_label(None), "anonymous");
        assert_eq!(metrics.operation_label(Some("ListCalls")), "ListCalls");
        assert_eq!(metrics.operation_label(Some("bad name\n")), "other");
        assert_eq!(metrics.operation_label(Some(&"x".repeat(65))), "other");
        for i in 0..MAX_OPERATION_NAMES {
            metrics.operation_label(Some(&format!("Op{i}")));
        }
        assert_eq!(metrics.operation_label(Some("ListCalls")), "ListCalls", "a known name stays");
        assert_eq!(metrics.operation_label(Some("BrandNew")), "other");
    }
}
