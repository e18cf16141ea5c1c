//! A crash between a commit and its webhook delivery loses nothing: the real binary is killed with SIGKILL while
//! one delivery is in flight (the receiver never answers it) and a later event is committed but not delivered;
//! after a restart on the same database the receiver gets both, each under its event's `webhook-id`.

use crate::helpers::{FreshDatabase, ServerProcess, fresh_databases};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The receiver's state: whether it answers yet, and the `webhook-id`s it answered 2xx / saw at all.
#[derive(Default)]
struct Receiver {
    answering: AtomicBool,
    delivered: Mutex<BTreeSet<String>>,
    seen: Mutex<Vec<String>>,
}

async fn receive(State(receiver): State<Arc<Receiver>>, headers: HeaderMap) -> StatusCode {
    let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    receiver.seen.lock().unwrap().push(id.clone());
    if !receiver.answering.load(Ordering::SeqCst) {
        // Hold the request open: the delivery stays in flight until its sender dies.
        std::future::pending::<()>().await;
    }
    receiver.delivered.lock().unwrap().insert(id);
    StatusCode::NO_CONTENT
}

async fn start_receiver() -> (String, Arc<Receiver>) {
    let receiver: Arc<Receiver> = Arc::default();
    let router = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, receiver)
}

const ENV: &[(&str, &str)] = &[
    ("IMPACT_WEBHOOK_ALLOW_PRIVATE", "true"),
    ("IMPACT_WEBHOOK_TIMEOUT_SECS", "2"),
    ("IMPACT_JWT_SECRET", "the crash test's signing secret, 32+ bytes"),
];
const PASSWORD: &str = "admin passphrase 1";

async fn graphql(server: &ServerProcess, token: &str, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new().post(format!("{}/graphql", server.address));
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    let body: Value =
        request.json(&json!({ "query": query, "variables": variables })).send().await.unwrap().json().await.unwrap();
    assert!(body["errors"].is_null(), "{body}");
    body["data"].clone()
}

/// An admin made with `impact create-admin`, signed in: the access token.
async fn admin(server: &ServerProcess, database: &FreshDatabase) -> String {
    let created = std::process::Command::new(env!("CARGO_BIN_EXE_impact"))
        .args(["create-admin", "--email", "root@example.org", "--password", PASSWORD])
        .env("DATABASE_URL", &database.url)
        .env("IMPACT_MAIL_DIR", database.dir())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(created.status.success() || String::from_utf8_lossy(&created.stdout).contains("admin"), "{created:?}");
    let login = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken userErrors { code } } }";
    let data = graphql(server, "", login, json!({ "e": "root@example.org", "p": PASSWORD })).await;
    data["login"]["accessToken"].as_str().expect("the admin signs in").to_owned()
}

const CREATE: &str = "mutation($u: String!, $t: [String!]!) { createWebhookEndpoint(input: { url: $u, eventTypes: $t }) { webhookEndpoint { id } userErrors { code message } } }";
const LOG: &str =
    "{ webhookEndpoints(first: 10) { nodes { deliveries(first: 10) { nodes { webhookId status attempts } } } } }";

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_kill_between_commit_and_delivery_loses_nothing() {
    for database in fresh_databases().await {
        let (url, receiver) = start_receiver().await;
        let mut server = ServerProcess::start(&database.url, database.dir(), ENV).await;
        let admin_token = admin(&server, &database).await;

        // The endpoint receives its own creation: that delivery hangs at the receiver (in flight).
        let watched = json!({ "u": url, "t": ["webhook_endpoint.created"] });
        let created = graphql(&server, &admin_token, CREATE, watched).await;
        assert_eq!(created["createWebhookEndpoint"]["userErrors"], json!([]), "{created}");
        wait_until("the first delivery is in flight", || !receiver.seen.lock().unwrap().is_empty()).await;
        // A second event is committed while the worker is stuck on the first; then the process dies.
        let other = json!({ "u": format!("{url}?other"), "t": ["call.created"] });
        let second = graphql(&server, &admin_token, CREATE, other).await;
        assert_eq!(second["createWebhookEndpoint"]["userErrors"], json!([]), "{second}");
        server.signal("KILL").await;
        assert!(receiver.delivered.lock().unwrap().is_empty(), "nothing was delivered before the kill");

        receiver.answering.store(true, Ordering::SeqCst);
        let server = ServerProcess::start(&database.url, database.dir(), ENV).await;
        let admin_token = admin(&server, &database).await;
        let mut delivered = BTreeSet::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while delivered.len() < 2 {
            assert!(Instant::now() < deadline, "not every event was delivered after the restart: {delivered:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
            delivered = receiver.delivered.lock().unwrap().clone();
        }
        // The first endpoint's log: both events DELIVERED, the interrupted one on its second attempt.
        let log = graphql(&server, &admin_token, LOG, json!({})).await;
        let first = &log["webhookEndpoints"]["nodes"][0]["deliveries"]["nodes"];
        let statuses: BTreeSet<(String, String)> = first
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["webhookId"].as_str().unwrap().to_owned(), d["status"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(statuses.iter().map(|(id, _)| id.clone()).collect::<BTreeSet<_>>(), delivered, "{log}");
        assert!(statuses.iter().all(|(_, status)| status == "DELIVERED"), "{log}");
        assert!(first.as_array().unwrap().iter().any(|d| d["attempts"] == 2), "the interrupted one was retried: {log}");
        drop(server);
        eprintln!("{:?}: delivered after the restart: {delivered:?}", database.backend);
        database.remove().await;
    }
}
