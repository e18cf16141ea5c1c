//! The login lockout holds under concurrency and tells clients apart: attempts are reserved before the password
//! is checked, and the client is the address a trusted proxy forwards (IMPACT_TRUSTED_PROXIES), never one a
//! client claims for itself.

use crate::helpers::{LOGIN, PASSWORD, TestApp, count, db, each_backend_with, first_error_code, verified_user};
use api::config::{Config, parse_trusted_proxies};
use serde_json::{Value, json};

/// Signs in as a frontend does, through a proxy that forwards `forwarded` when given.
async fn login_from(app: &TestApp, email: &str, password: &str, forwarded: Option<&str>) -> Value {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": LOGIN, "variables": { "e": email, "p": password } }));
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    let response = request.send().await.expect("request sent");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON body")
}

/// `OK` for a session, else the user error's or the error's code.
fn outcome(body: &Value) -> String {
    let login = &body["data"]["login"];
    if login["accessToken"].is_string() {
        return "OK".to_owned();
    }
    match login["userErrors"][0]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => first_error_code(body),
    }
}

fn strict(config: &mut Config) {
    config.auth.login_max_failures = 3;
    config.auth.login_slowdown_ms = 0;
}

#[tokio::test]
async fn parallel_wrong_passwords_are_checked_no_more_than_the_limit() {
    each_backend_with(
        |config| {
            config.auth.login_max_failures = 5;
            config.auth.login_slowdown_ms = 0;
        },
        |app| async move {
            verified_user(&app, "target@example.org", "APPLICANT").await;
            let guesses = (0..40).map(|i| {
                let app = &app;
                async move { outcome(&login_from(app, "target@example.org", &format!("wrong guess {i}"), None).await) }
            });
            let outcomes = futures::future::join_all(guesses).await;
            let checked = outcomes.iter().filter(|o| *o == "INVALID_CREDENTIALS").count();
            let refused = outcomes.iter().filter(|o| *o == "RATE_LIMITED").count();
            assert!((1..=5).contains(&checked), "{checked} passwords checked: {outcomes:?}");
            assert_eq!(checked + refused, 40, "{outcomes:?}");
            let db = db(&app).await;
            let failures =
                count(&db, "SELECT COUNT(*) AS n FROM login_failure WHERE throttle_key LIKE 'account:%'").await;
            assert_eq!(failures, checked as i64, "refused attempts are no failures");

            // Locked: even the right password is refused now.
            assert_eq!(outcome(&login_from(&app, "target@example.org", PASSWORD, None).await), "RATE_LIMITED");
        },
    )
    .await;
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_are_throttled_apart() {
    each_backend_with(
        |config| {
            strict(config);
            config.auth.login_max_client_failures = 5;
            config.auth.trusted_proxies = parse_trusted_proxies("127.0.0.1, ::1").unwrap();
        },
        |app| async move {
            verified_user(&app, "ana.novak@example.org", "APPLICANT").await;
            verified_user(&app, "bystander@example.org", "APPLICANT").await;
            let attacker = Some("203.0.113.5");
            for i in 0..3 {
                let body = login_from(&app, "ana.novak@example.org", &format!("wrong guess {i}"), attacker).await;
                assert_eq!(outcome(&body), "INVALID_CREDENTIALS");
            }
            let locked = login_from(&app, "ana.novak@example.org", PASSWORD, attacker).await;
            assert_eq!(outcome(&locked), "RATE_LIMITED");
            // What the attacker writes left of the proxy's entry is not believed.
            let forged = login_from(&app, "ana.novak@example.org", PASSWORD, Some("198.51.100.1, 203.0.113.5")).await;
            assert_eq!(outcome(&forged), "RATE_LIMITED");

            // The owner, behind the same proxy at another address, signs in meanwhile.
            let owner = login_from(&app, "ana.novak@example.org", PASSWORD, Some("203.0.113.9")).await;
            assert_eq!(outcome(&owner), "OK", "{owner}");

            // Spraying other accounts from the attacker's address meets the per-client limit; a bystander at
            // another address is not affected.
            for i in 0..2 {
                let body = login_from(&app, &format!("user{i}@example.org"), "wrong guess", attacker).await;
                assert_eq!(outcome(&body), "INVALID_CREDENTIALS");
            }
            let sprayed = login_from(&app, "bystander@example.org", PASSWORD, attacker).await;
            assert_eq!(outcome(&sprayed), "RATE_LIMITED");
            let bystander = login_from(&app, "bystander@example.org", PASSWORD, Some("203.0.113.77")).await;
            assert_eq!(outcome(&bystander), "OK", "{bystander}");

            // The audit log names the forwarded client, not the proxy.
            let db = db(&app).await;
            let attributed = count(
                &db,
                "SELECT COUNT(*) AS n FROM audit_event WHERE action = 'LOGIN_FAILED' AND client_address = '203.0.113.5'",
            )
            .await;
            assert_eq!(attributed, 5);
        },
    )
    .await;
}

#[tokio::test]
async fn forwarded_addresses_from_untrusted_peers_are_ignored() {
    for trusted in ["", "10.0.0.0/8"] {
        each_backend_with(
            |config| {
                strict(config);
                config.auth.trusted_proxies = parse_trusted_proxies(trusted).unwrap();
            },
            |app| async move {
                verified_user(&app, "ana.novak@example.org", "APPLICANT").await;
                for i in 0..3 {
                    let forged = format!("203.0.113.{i}");
                    let body = login_from(&app, "ana.novak@example.org", "wrong guess", Some(&forged)).await;
                    assert_eq!(outcome(&body), "INVALID_CREDENTIALS");
                }
                // A new forged address is still the same client: locked.
                let body = login_from(&app, "ana.novak@example.org", PASSWORD, Some("203.0.113.99")).await;
                assert_eq!(outcome(&body), "RATE_LIMITED");
                let db = db(&app).await;
                let forged =
                    count(&db, "SELECT COUNT(*) AS n FROM audit_event WHERE client_address LIKE '203.0.113.%'").await;
                assert_eq!(forged, 0);
            },
        )
        .await;
    }
}
