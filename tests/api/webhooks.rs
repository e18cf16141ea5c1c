//! Webhooks over HTTP: an integrator registers an endpoint (secret shown once), a receiver that fails twice
//! gets the third try on the retry schedule, every request is signed as Standard Webhooks says (checked here
//! with an implementation of the scheme of the test's own), staff-only events never go out, rotation signs
//! with both secrets during the overlap, replays; private addresses are refused.

use crate::applicant_flow::open_call;
use crate::helpers::*;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

const CREATE: &str = "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id url eventTypes status } secret userErrors { field code message } } }";
const LOG: &str = "{ webhookEndpoints(first: 10) { nodes { id status failingSince deliveries(first: 10) { nodes { id webhookId eventType status attempts lastStatusCode } } } } }";

/// What the receiver saw: each request's headers and body.
type Seen = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on 127.0.0.1 answering 500 to its first `failures` requests, then 204.
async fn receiver(failures: usize) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let router = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |State((seen, failures)): State<(Seen, usize)>, headers: HeaderMap, body: String| async move {
                    let mut seen = seen.lock().unwrap();
                    seen.push((headers, body));
                    if seen.len() <= failures { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::NO_CONTENT }
                },
            ),
        )
        .with_state((seen.clone(), failures));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, seen)
}

async fn wait_for(seen: &Seen, count: usize) {
    for _ in 0..150 {
        if seen.lock().unwrap().len() >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the receiver got {} requests, not {count}", seen.lock().unwrap().len());
}

/// A service account with `scopes` (chosen by the admin at creation): its global ID and an access token.
pub(crate) async fn integrator_token(app: &TestApp, admin: &str, scopes: Value) -> (Value, String) {
    let create = "mutation($s: [IntegratorScope!]!) { createServiceAccount(input: { name: \"crm\", scopes: $s }) { serviceAccount { id clientId scopes } clientSecret userErrors { code } } }";
    let created = app.data_as(admin, create, json!({ "s": scopes })).await["createServiceAccount"].clone();
    assert_eq!(created["serviceAccount"]["scopes"], scopes, "{created}");
    let issue = "mutation($i: String!, $s: String!) { issueServiceToken(input: { clientId: $i, clientSecret: $s }) { accessToken } }";
    let issued =
        app.data(issue, json!({ "i": created["serviceAccount"]["clientId"], "s": created["clientSecret"] })).await;
    (created["serviceAccount"]["id"].clone(), issued["issueServiceToken"]["accessToken"].as_str().unwrap().to_owned())
}

/// Waits until the worker has recorded the failure of attempt `attempts` (so moving the clock afterwards
/// does not move the retry itself).
async fn retry_recorded(app: &TestApp, attempts: i32) {
    let db = db(app).await;
    let sql = format!("SELECT COUNT(*) AS n FROM webhook_delivery WHERE status = 'PENDING' AND attempts = {attempts}");
    for _ in 0..100 {
        if count(&db, &sql).await == 1 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("attempt {attempts} was not recorded as failed");
}

/// The Standard Webhooks check, written here from the specification: base64 HMAC-SHA256 keyed with the
/// base64 after `whsec_`, over `{webhook-id}.{webhook-timestamp}.{body}`; the header may hold several
/// space-separated `v1,<signature>` entries, any of which may match.
fn verifies(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let key = STANDARD.decode(secret.trim_start_matches("whsec_")).unwrap();
    let signed = format!("{}.{}.{}", header("webhook-id"), header("webhook-timestamp"), body);
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(signed.as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    header("webhook-signature").split(' ').filter_map(|s| s.strip_prefix("v1,")).any(|s| s == expected)
}

fn allow_private(config: &mut api::config::Config) {
    config.webhooks.allow_private = true;
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_third_try_signed_and_replays_overlap_rotated_secrets() {
    each_backend_with(allow_private, |app| async move {
        let staff = staff_token(&app).await;
        let admin = token(&admin_session(&app).await);
        let integrator = integrator_token(&app, &admin, json!(["WEBHOOKS_MANAGE"])).await.1;
        let (url, seen) = receiver(2).await;
        let created = app
            .data_as(&integrator, CREATE, json!({ "i": { "url": url, "eventTypes": ["call.published", "call.created"], "description": "CRM" } }))
            .await["createWebhookEndpoint"]
            .clone();
        assert_eq!(created["userErrors"], json!([]), "{created}");
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"));
        let endpoint = created["webhookEndpoint"]["id"].clone();
        // The secret is not readable afterwards.
        assert!(app.graphql_as(&integrator, "{ webhookEndpoints { nodes { secret } } }", json!({})).await["errors"].is_array());

        open_call(&app, &staff, 5).await;
        wait_for(&seen, 1).await;
        retry_recorded(&app, 1).await;
        app.clock.advance(Duration::seconds(6));
        wait_for(&seen, 2).await;
        retry_recorded(&app, 2).await;
        app.clock.advance(Duration::seconds(301));
        wait_for(&seen, 3).await;
        {
            let seen = seen.lock().unwrap();
            assert_eq!(seen.len(), 3, "delivered once it succeeded");
            let id = seen[0].0["webhook-id"].clone();
            for (headers, body) in seen.iter() {
                assert!(verifies(&secret, headers, body), "the signature verifies: {headers:?}");
                assert_eq!(headers["webhook-id"], id, "every attempt carries the same webhook-id");
                let body: Value = serde_json::from_str(body).unwrap();
                assert_eq!(body["type"], "call.published", "the draft's call.created is staff's: never sent");
                assert!(body["data"]["subjectId"].is_string());
            }
            assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &seen[0].0, &seen[0].1));
        }
        // The worker records the outcome (and the endpoint's health) just after the answer: wait for it.
        let mut log = app.data_as(&integrator, LOG, json!({})).await;
        for _ in 0..50 {
            let endpoint = &log["webhookEndpoints"]["nodes"][0];
            if endpoint["failingSince"].is_null() && endpoint["deliveries"]["nodes"][0]["status"] == "DELIVERED" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            log = app.data_as(&integrator, LOG, json!({})).await;
        }
        let delivery = log["webhookEndpoints"]["nodes"][0]["deliveries"]["nodes"][0].clone();
        assert_eq!(delivery["status"], "DELIVERED", "{log}");
        assert_eq!(delivery["attempts"], 3);
        assert_eq!(delivery["lastStatusCode"], 204);
        assert_eq!(log["webhookEndpoints"]["nodes"][0]["failingSince"], Value::Null);

        // Rotation: the replay is signed with the new secret and, during the overlap, the old one as well.
        let rotate = "mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret userErrors { code } } }";
        let rotated = app.data_as(&integrator, rotate, json!({ "id": endpoint })).await["rotateWebhookSecret"]["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_ne!(rotated, secret);
        let replay = "mutation($id: ID!) { replayWebhookDelivery(input: { id: $id }) { webhookDelivery { status webhookId } userErrors { field code } } }";
        let replayed = app.data_as(&integrator, replay, json!({ "id": delivery["id"] })).await["replayWebhookDelivery"].clone();
        assert_eq!(replayed["userErrors"], json!([]));
        assert_eq!(replayed["webhookDelivery"]["webhookId"], delivery["webhookId"]);
        wait_for(&seen, 4).await;
        let (headers, body) = seen.lock().unwrap()[3].clone();
        assert!(verifies(&rotated, &headers, &body) && verifies(&secret, &headers, &body), "{headers:?}");

        // Somebody else's delivery is not found, as if it did not exist.
        let other = integrator_token(&app, &admin, json!(["WEBHOOKS_MANAGE"])).await.1;
        let foreign = app.data_as(&other, replay, json!({ "id": delivery["id"] })).await;
        assert_eq!(foreign["replayWebhookDelivery"]["userErrors"], json!([{ "field": ["input", "id"], "code": "NOT_FOUND" }]));
    })
    .await;
}

#[tokio::test]
async fn private_addresses_bad_types_and_applicants_are_refused() {
    each_backend(|app| async move {
        let admin = token(&admin_session(&app).await);
        let integrator = integrator_token(&app, &admin, json!(["WEBHOOKS_MANAGE"])).await.1;
        for url in [
            "http://127.0.0.1:8080/hook",
            "https://10.0.0.5/hook",
            "https://localhost/hook",
            "https://[::1]/x",
            "https://169.254.169.254/latest",
            "ftp://example.org/x",
        ] {
            let answer = app
                .data_as(&integrator, CREATE, json!({ "i": { "url": url, "eventTypes": ["call.published"] } }))
                .await;
            let errors = &answer["createWebhookEndpoint"]["userErrors"];
            assert_eq!(errors[0]["field"], json!(["input", "url"]), "{url}: {answer}");
            assert_eq!(errors[0]["code"], "INVALID", "{url}");
        }
        let answer = app
            .data_as(&integrator, CREATE, json!({ "i": { "url": "https://10.0.0.5/", "eventTypes": ["call.eaten"] } }))
            .await;
        let fields: Vec<&Value> =
            answer["createWebhookEndpoint"]["userErrors"].as_array().unwrap().iter().map(|e| &e["field"]).collect();
        assert_eq!(fields, [&json!(["input", "url"]), &json!(["input", "eventTypes"])], "all problems at once");
        assert_eq!(count(&db(&app).await, "SELECT COUNT(*) AS n FROM webhook_endpoint").await, 0);

        // Without the webhooks:manage scope an integrator may not register endpoints; neither may applicants.
        let unscoped = service_token(&app, &admin).await;
        let refused = app
            .graphql_as(
                &unscoped,
                CREATE,
                json!({ "i": { "url": "https://example.org/x", "eventTypes": ["call.published"] } }),
            )
            .await;
        assert_eq!(first_error_code(&refused), "FORBIDDEN");
        let applicant = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let refused = app
            .graphql_as(
                &applicant,
                CREATE,
                json!({ "i": { "url": "https://example.org/x", "eventTypes": ["call.published"] } }),
            )
            .await;
        assert_eq!(first_error_code(&refused), "FORBIDDEN");
    })
    .await;
}

#[tokio::test]
async fn a_persons_endpoints_are_exported_and_erased_with_the_account_and_an_integrators_stay() {
    each_backend_with(allow_private, |app| async move {
        let admin = token(&admin_session(&app).await);
        let integrator = integrator_token(&app, &admin, json!(["WEBHOOKS_MANAGE"])).await.1;
        let staff = staff_token(&app).await;
        for (who, url) in [(&staff, "http://127.0.0.1:9/staff-hook"), (&integrator, "http://127.0.0.1:9/crm")] {
            let input = json!({ "i": { "url": url, "eventTypes": ["call.published"], "description": "mine" } });
            let created = app.data_as(who, CREATE, input).await;
            assert_eq!(created["createWebhookEndpoint"]["userErrors"], json!([]), "{created}");
        }
        let exported = app.data_as(&staff, "{ exportMyData }", json!({})).await["exportMyData"].clone();
        let endpoints = &exported["webhookEndpoints"];
        assert_eq!(endpoints.as_array().map(Vec::len), Some(1), "{exported}");
        assert_eq!(endpoints[0]["url"], "http://127.0.0.1:9/staff-hook");
        assert_eq!(endpoints[0]["eventTypes"], json!(["call.published"]));
        assert!(!exported.to_string().contains("whsec_"), "no secret in the export");

        let erase = "mutation($p: String!) { eraseMyAccount(input: { password: $p }) { userErrors { code } } }";
        let erased = app.data_as(&staff, erase, json!({ "p": PASSWORD })).await;
        assert_eq!(erased["eraseMyAccount"]["userErrors"], json!([]));
        let db = db(&app).await;
        let left = "SELECT COUNT(*) AS n FROM webhook_endpoint WHERE url LIKE '%staff-hook'";
        assert_eq!(count(&db, left).await, 0, "the person's endpoint is gone");
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM webhook_endpoint").await, 1, "the integrator's stays");
    })
    .await;
}
