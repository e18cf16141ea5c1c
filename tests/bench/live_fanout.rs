//! The live-updates benchmark (issue 11), run on demand: `cargo bench --bench live_fanout` (see BENCHMARKS.md).
//!
//! For each backend (SQLite, and PostgreSQL when `IMPACT_BENCH_POSTGRES` or `IMPACT_TEST_POSTGRES` is set; one of
//! them with `IMPACT_BENCH_BACKENDS=sqlite` or `=postgres`) it starts
//! the real `impact` binary in production mode, opens `IMPACT_BENCH_SUBSCRIBERS` (default 10,000) WebSocket
//! connections with the `graphql-transport-ws` protocol, each authenticated in `connection_init` and subscribed
//! to `changes(types: ["account.profile_updated"])`, and reports:
//! - how many subscribers the instance holds (acknowledged and subscribed) and how long connecting them took;
//! - the server's resident memory before and after, and the difference per subscriber;
//! - for `IMPACT_BENCH_EVENTS` (default 20) committed changes, one every 500 ms, the fan-out latency from the
//!   event's time (`occurredAt`, taken inside the committing transaction) to its arrival at each subscriber:
//!   p50, p99 and the maximum, and whether every subscriber received every change.
//!
//! Nothing is asserted: the numbers go into BENCHMARKS.md. The process needs a file-descriptor limit above the
//! number of subscribers (`ulimit -n`), as does the server it starts.

use chrono::{DateTime, Utc};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[path = "common.rs"]
mod common;

use common::{SECRET, Server, create_postgres_database, env_u64, remove_database, sqlite_url};

const SUBSCRIPTION: &str = "subscription { changes(types: [\"account.profile_updated\"]) { type occurredAt } }";
const PASSWORD: &str = "benchmark passphrase 1";

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let subscribers = env_u64("IMPACT_BENCH_SUBSCRIBERS", 10_000) as usize;
    let events = env_u64("IMPACT_BENCH_EVENTS", 20) as usize;
    // `IMPACT_BENCH_BACKENDS=postgres` (or `sqlite`) runs one backend only.
    let backends = std::env::var("IMPACT_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".to_owned());
    if backends.contains("sqlite") {
        let url = sqlite_url();
        run_backend("SQLite", &url, subscribers, events).await;
        remove_database(&url, None).await;
    }
    let postgres = std::env::var("IMPACT_BENCH_POSTGRES").or_else(|_| std::env::var("IMPACT_TEST_POSTGRES"));
    if let (true, Ok(admin_url)) = (backends.contains("postgres"), postgres.as_deref()) {
        let url = create_postgres_database(admin_url).await;
        run_backend("PostgreSQL", &url, subscribers, events).await;
        remove_database(&url, Some(admin_url)).await;
    }
}

async fn run_backend(name: &str, database_url: &str, subscribers: usize, events: usize) {
    let server = Server::start_with(database_url, &[("IMPACT_ACCESS_TOKEN_TTL_SECS", "3600")]);
    let token = admin_token(&server, database_url).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_kb = server.rss_kb();

    // Latencies (ms) of every delivery, and how many subscribers are listening.
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::default();
    let listening = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(subscribers);
    for batch in (0..subscribers).collect::<Vec<_>>().chunks(200) {
        let mut connecting = Vec::new();
        for _ in batch {
            connecting.push(tokio::spawn(subscriber(
                server.ws_url(),
                token.clone(),
                latencies.clone(),
                listening.clone(),
            )));
        }
        tasks.extend(connecting);
        // Let each batch finish its handshakes before the next (the accept backlog is finite).
        let deadline = Instant::now() + Duration::from_secs(30);
        while listening.load(Ordering::SeqCst) < tasks.len() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let connected = listening.load(Ordering::SeqCst);
    let connect_seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let loaded_kb = server.rss_kb();
    println!("\n== {name}: {connected} of {subscribers} subscribers listening after {connect_seconds:.1} s");
    println!(
        "server RSS idle {idle_kb} kB, with the subscribers {loaded_kb} kB: {:.1} kB per subscriber",
        (loaded_kb.saturating_sub(idle_kb)) as f64 / connected.max(1) as f64
    );

    let client = reqwest::Client::new();
    for n in 0..events {
        let update = "mutation($n: String!) { updateProfile(input: { displayName: $n }) { userErrors { code } } }";
        let body = json!({ "query": update, "variables": { "n": format!("Bench admin {n}") } });
        let answer: Value =
            client.post(server.http_url()).bearer_auth(&token).json(&body).send().await.unwrap().json().await.unwrap();
        assert_eq!(answer["data"]["updateProfile"]["userErrors"], json!([]), "{answer}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let expected = connected * events;
    let deadline = Instant::now() + Duration::from_secs(30);
    while latencies.lock().await.len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut all = latencies.lock().await.clone();
    all.sort_by(f64::total_cmp);
    let at =
        |q: f64| all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or(0.0);
    println!(
        "{events} changes: {} of {expected} deliveries; commit to delivery p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        at(0.5),
        at(0.99),
        all.last().copied().unwrap_or(0.0)
    );
    println!("server RSS after the changes: {} kB", server.rss_kb());
    for task in tasks {
        task.abort();
    }
}

/// One subscriber: connects, authenticates, subscribes, then records the latency of each change it receives.
async fn subscriber(url: String, token: String, latencies: Arc<Mutex<Vec<f64>>>, listening: Arc<AtomicUsize>) {
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else { return };
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    if socket.send(Message::Text(init.to_string().into())).await.is_err() {
        return;
    }
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": SUBSCRIPTION } });
    let mut subscribed = false;
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else { continue };
        let received = Utc::now();
        let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
        match value["type"].as_str() {
            Some("connection_ack") if !subscribed => {
                subscribed = true;
                if socket.send(Message::Text(subscribe.to_string().into())).await.is_err() {
                    return;
                }
                listening.fetch_add(1, Ordering::SeqCst);
            }
            Some("ping") => {
                let _ = socket.send(Message::Text(json!({ "type": "pong" }).to_string().into())).await;
            }
            Some("next") => {
                let occurred = value["payload"]["data"]["changes"]["occurredAt"].as_str().unwrap_or_default();
                if let Ok(occurred) = occurred.parse::<DateTime<Utc>>() {
                    let ms = (received - occurred).num_microseconds().unwrap_or(0) as f64 / 1000.0;
                    latencies.lock().await.push(ms);
                }
            }
            _ => {}
        }
    }
}

/// An admin (`impact create-admin`), signed in with a token that outlives the benchmark.
async fn admin_token(server: &Server, database_url: &str) -> String {
    let created = Command::new(env!("CARGO_BIN_EXE_impact"))
        .args(["create-admin", "--email", "bench@example.org", "--password", PASSWORD])
        .env("DATABASE_URL", database_url)
        .env("IMPACT_ENV", "production")
        .env("IMPACT_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .output()
        .expect("impact create-admin runs");
    assert!(created.status.success(), "{created:?}");
    let login = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }";
    let body = json!({ "query": login, "variables": { "e": "bench@example.org", "p": PASSWORD } });
    let answer: Value =
        reqwest::Client::new().post(server.http_url()).json(&body).send().await.unwrap().json().await.unwrap();
    answer["data"]["login"]["accessToken"].as_str().expect("the admin signs in").to_owned()
}
