//! Operations: `/metrics` in the Prometheus text format, with requests, latencies, the pool and the outbox;
//! the access log line of every request; the mail sender's own span.

use crate::helpers::{TestApp, each_backend, each_backend_with, server_start};
use api::config::Config;
use chrono::Duration;
use entity::outbound_email::{self, OutboundEmailStatus};
use prometheus_parse::{Scrape, Value as Sample};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// `/metrics` as text, after checking each line against the exposition format by hand (the parser below is
/// lenient): `# HELP`/`# TYPE` comments, and samples `name{label="value",...} number`.
async fn scrape_text(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/plain; version=0.0.4; charset=utf-8");
    let text = response.text().await.unwrap();
    let name_ok = |name: &str| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut typed = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            assert!(name_ok(rest.split(' ').next().unwrap()), "bad HELP line: {line}");
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("bad TYPE line: {line}"));
            assert!(name_ok(name) && ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind), "{line}");
            typed.push(name.to_owned());
        } else {
            let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("bad sample line: {line}"));
            assert!(value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value), "bad value: {line}");
            let name = series.split('{').next().unwrap();
            assert!(name_ok(name), "bad metric name: {line}");
            assert!(typed.iter().any(|family| name.starts_with(family.as_str())), "sample before its TYPE: {line}");
            if let Some(labels) = series.strip_prefix(name) {
                assert!(labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')), "bad labels: {line}");
            }
        }
    }
    text
}

async fn scrape(app: &TestApp) -> Scrape {
    let text = scrape_text(app).await;
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("Prometheus text")
}

/// The value of the sample `name` whose labels include `labels`; None when there is none.
fn sample(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape.samples.iter().find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))).map(
        |s| match &s.value {
            Sample::Counter(v) | Sample::Gauge(v) | Sample::Untyped(v) => *v,
            Sample::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Sample::Summary(_) => panic!("no summaries here"),
        },
    )
}

#[tokio::test]
async fn metrics_count_graphql_requests_by_operation_and_outcome() {
    each_backend(|app| async move {
        let before = scrape(&app).await;
        assert_eq!(sample(&before, "impact_graphql_requests_total", &[("operation", "MetricsProbe")]), None);
        app.data("query MetricsProbe { apiInfo { version } }", json!({})).await;
        app.data("query MetricsProbe { apiInfo { version } }", json!({})).await;
        app.graphql("query Broken { noSuchField }", json!({})).await;
        app.graphql("{ apiInfo { version } }", json!({})).await;

        let after = scrape(&app).await;
        let count = |labels: &[(&str, &str)]| sample(&after, "impact_graphql_requests_total", labels);
        assert_eq!(count(&[("operation", "MetricsProbe"), ("outcome", "ok")]), Some(2.0));
        assert_eq!(count(&[("operation", "Broken"), ("outcome", "rejected")]), Some(1.0));
        assert_eq!(count(&[("operation", "anonymous"), ("outcome", "ok")]), Some(1.0));
        let latency = sample(&after, "impact_graphql_request_duration_seconds", &[("operation", "MetricsProbe")]);
        assert_eq!(latency, Some(2.0), "both requests are in the histogram");
        let http = sample(
            &after,
            "impact_http_requests_total",
            &[("route", "/graphql"), ("method", "POST"), ("status", "200")],
        );
        assert_eq!(http, Some(4.0));
        assert_eq!(sample(&after, "impact_db_pool_max_connections", &[]), Some(10.0));
        assert!(sample(&after, "impact_db_pool_connections", &[("state", "idle")]).is_some());
    })
    .await;
}

#[tokio::test]
async fn metrics_show_the_outbox_backlog_its_age_and_failed_mails() {
    each_backend(|app| async move {
        let db = api::db::connect(&Config::for_database(app.database_url.clone())).await.unwrap();
        let row = |status: OutboundEmailStatus, age_minutes: i64| outbound_email::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            to_address: Set("backlog@example.org".to_owned()),
            subject: Set("Waiting".to_owned()),
            text_body: Set("Still here.".to_owned()),
            headers: Set("[]".to_owned()),
            status: Set(status),
            attempts: Set(1),
            // Not due for a year: the server's sender leaves it alone.
            next_attempt_at: Set(server_start() + Duration::days(365)),
            lease_until: Set(None),
            last_error: Set(None),
            created_at: Set(server_start() - Duration::minutes(age_minutes)),
            sent_at: Set(None),
        };
        outbound_email::Entity::insert_many([
            row(OutboundEmailStatus::Pending, 10),
            row(OutboundEmailStatus::Pending, 3),
            row(OutboundEmailStatus::Failed, 60),
        ])
        .exec_without_returning(&db)
        .await
        .unwrap();
        db.close().await.ok();

        let scrape = scrape(&app).await;
        let outbox = |status: &str| sample(&scrape, "impact_mail_outbox_messages", &[("status", status)]);
        assert_eq!(outbox("pending"), Some(2.0));
        assert_eq!(outbox("failed"), Some(1.0));
        assert_eq!(outbox("sent"), Some(0.0));
        assert_eq!(sample(&scrape, "impact_mail_outbox_oldest_pending_age_seconds", &[]), Some(600.0));
    })
    .await;
}

#[tokio::test]
async fn a_metrics_token_protects_the_metrics() {
    each_backend_with(
        |config| config.metrics_token = Some("scraper-secret".to_owned()),
        |app| async move {
            let get = |token: Option<&str>| {
                let mut request = app.client.get(app.url("/metrics"));
                if let Some(token) = token {
                    request = request.header(AUTHORIZATION, format!("Bearer {token}"));
                }
                request.send()
            };
            assert_eq!(get(None).await.unwrap().status(), StatusCode::UNAUTHORIZED);
            assert_eq!(get(Some("wrong")).await.unwrap().status(), StatusCode::UNAUTHORIZED);
            let ok = get(Some("scraper-secret")).await.unwrap();
            assert_eq!(ok.status(), StatusCode::OK);
            assert!(ok.text().await.unwrap().contains("impact_http_requests_total"));
        },
    )
    .await;
}

/// Collects what a subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn every_request_has_an_access_log_line_and_the_mail_sender_its_span() {
    // The test's runtime has one thread, and the server runs on it: a subscriber for this thread sees it all.
    // tracing caches each callsite's interest for the whole process. While only one dispatcher exists (this
    // test's), a callsite first reached by another test's thread, which has no subscriber, is cached as `never`
    // (tracing-core 0.1.36's `has_just_one` path asks that thread's default; tokio-rs/tracing#3611), and this
    // test's own lines were dropped: it failed now and then in the full suite. A second live dispatcher makes
    // tracing combine every dispatcher's interest instead, and registering this test's subscriber after it
    // rebuilds whatever was cached before.
    let _second_dispatcher = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_env_filter("info").with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    each_backend(|app| async move {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("x-request-id", "access-log-probe")
            .json(&json!({ "query": "query AccessProbe { apiInfo { version } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    })
    .await;
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("request_id=\"access-log-probe\"")).collect();
    let answered: Vec<&&str> = lines.iter().filter(|l| l.contains("request answered")).collect();
    assert!(!answered.is_empty(), "no access log line:\n{log}");
    for line in answered {
        assert!(line.contains(" INFO "), "{line}");
        assert!(line.contains("operation=\"AccessProbe\""), "{line}");
        assert!(line.contains("status=200"), "{line}");
        assert!(line.contains("duration_ms="), "{line}");
    }
    let sender: Vec<&str> = log.lines().filter(|l| l.contains("mail sender started")).collect();
    assert!(!sender.is_empty() && sender.iter().all(|l| l.contains("mail_sender{task_id=")), "{log}");
}
