//! OpenTelemetry traces: with `IMPACT_OTLP_ENDPOINT` set, the real binary exports its request spans to the
//! collector over OTLP/HTTP; a collector stand-in records what arrives at `/v1/traces`.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Received = Arc<Mutex<Vec<Vec<u8>>>>;

async fn collect(State(received): State<Received>, body: Bytes) -> &'static str {
    received.lock().unwrap().push(body.to_vec());
    ""
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn request_spans_reach_the_configured_collector() {
    let received: Received = Arc::default();
    let collector = axum::Router::new().route("/v1/traces", post(collect)).with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let collector_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, collector).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_impact"))
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.path().join("impact.db").display()))
        .env("IMPACT_LISTEN", format!("127.0.0.1:{port}"))
        .env("IMPACT_OTLP_ENDPOINT", &collector_url)
        .env("IMPACT_MAIL_DIR", dir.path())
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("impact starts");

    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/graphql");
    let deadline = Instant::now() + Duration::from_secs(30);
    let answered = loop {
        let sent = client.post(&url).json(&serde_json::json!({ "query": "query TracedProbe { __typename }" })).send();
        if let Ok(response) = sent.await {
            break response.status();
        }
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(answered, 200);

    // A graceful stop flushes the batch of spans.
    let stopped = std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the server did not stop");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = server.wait();

    let bodies = received.lock().unwrap().clone();
    assert!(!bodies.is_empty(), "no OTLP export reached the collector");
    // OTLP protobuf keeps strings as UTF-8 bytes: the service name, the span name and the operation name.
    let all: Vec<u8> = bodies.concat();
    let contains = |needle: &str| all.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(contains("impact-api"), "the service name is in the export");
    assert!(contains("request"), "the request span is in the export");
    assert!(contains("TracedProbe"), "the GraphQL operation name is on the span");
}
