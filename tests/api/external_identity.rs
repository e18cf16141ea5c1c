//! Tokens of a trusted external identity provider: verified against its JWKS (cached; refetched on an
//! unknown key id at most once a minute), users linked on first sight by verified e-mail, roles mapped.

use crate::helpers::{TestApp, each_backend_with, verified_user};
use api::clock::Clock;
use axum::routing::get;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const ISSUER: &str = "https://login.partner.example";

fn rsa_key() -> EncodingKey {
    let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwt/rsa.pem")).unwrap();
    EncodingKey::from_rsa_pem(&pem).unwrap()
}

/// Serves the provider's JWKS on loopback and counts how often it is fetched.
async fn jwks_server() -> (String, Arc<AtomicUsize>) {
    let mut jwk = Jwk::from_encoding_key(&rsa_key(), Algorithm::RS256).unwrap();
    jwk.common.key_id = Some("partner-1".to_owned());
    let set = JwkSet { keys: vec![jwk] };
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let router = axum::Router::new().route(
        "/jwks",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let set = set.clone();
            async move { axum::Json(set) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{address}/jwks"), fetches)
}

fn token(app: &TestApp, kid: &str, change: impl Fn(&mut Value)) -> String {
    let now = app.clock.now().timestamp();
    let mut claims = json!({
        "iss": ISSUER, "aud": "impact-api", "sub": "partner-user-1", "iat": now, "exp": now + 300,
        "email": "Maria@Partner.example", "email_verified": true, "name": "Maria Rossi",
        "roles": ["impact-staff", "something-else"],
    });
    change(&mut claims);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, &claims, &rsa_key()).unwrap()
}

const ME: &str = "{ me { id email displayName emailVerified roles } }";

#[tokio::test]
async fn external_tokens_link_users_and_map_roles() {
    let (jwks_url, fetches) = jwks_server().await;
    let issuers = json!([{ "issuer": ISSUER, "jwksUrl": jwks_url, "audience": "impact-api", "roleMap": { "impact-staff": "STAFF" } }]).to_string();
    each_backend_with(
        move |config| config.auth.external_issuers = Some(issuers.clone()),
        move |app| {
            let fetches = fetches.clone();
            async move {
                let start = fetches.load(Ordering::SeqCst);
                let first = app.data_as(&token(&app, "partner-1", |_| {}), ME, json!({})).await["me"].clone();
                assert_eq!(first["email"], "maria@partner.example");
                assert_eq!(first["displayName"], "Maria Rossi");
                assert_eq!(first["emailVerified"], true);
                assert_eq!(first["roles"], json!(["STAFF"]), "mapped; unmapped provider roles are ignored");
                let again = app.data_as(&token(&app, "partner-1", |_| {}), ME, json!({})).await["me"].clone();
                assert_eq!(again["id"], first["id"], "the same local user");
                assert_eq!(fetches.load(Ordering::SeqCst) - start, 1, "keys are cached");

                // A local account with the same verified address is linked, not duplicated.
                let local = verified_user(&app, "local@example.org", "APPLICANT").await;
                let linked = app
                    .data_as(
                        &token(&app, "partner-1", |c| {
                            c["sub"] = json!("partner-user-2");
                            c["email"] = json!("LOCAL@example.org");
                            c["roles"] = json!([]);
                        }),
                        ME,
                        json!({}),
                    )
                    .await;
                assert_eq!(linked["me"]["id"], local["user"]["id"]);
                assert_eq!(linked["me"]["roles"], json!(["APPLICANT"]));

                let status = |t: String| {
                    let app = &app;
                    async move { app.post_as(&t, ME).await.status() }
                };
                let unverified = token(&app, "partner-1", |c| {
                    c["sub"] = json!("partner-user-3");
                    c["email"] = json!("new@partner.example");
                    c["email_verified"] = json!(false);
                });
                assert_eq!(status(unverified).await, StatusCode::UNAUTHORIZED, "no verified e-mail, no link");
                assert_eq!(
                    status(token(&app, "partner-1", |c| c["aud"] = json!("someone-else"))).await,
                    StatusCode::UNAUTHORIZED
                );
                assert_eq!(status(token(&app, "partner-1", |c| c["exp"] = json!(0))).await, StatusCode::UNAUTHORIZED);
                let hs = jsonwebtoken::encode(
                    &Header::new(Algorithm::HS256),
                    &json!({ "iss": ISSUER, "aud": "impact-api", "sub": "partner-user-1", "iat": 0, "exp": i64::MAX }),
                    &EncodingKey::from_secret(b"guess"),
                )
                .unwrap();
                assert_eq!(status(hs).await, StatusCode::UNAUTHORIZED);

                // An unknown key id makes one refetch, and no more within the minute.
                let before = fetches.load(Ordering::SeqCst);
                assert_eq!(status(token(&app, "partner-2", |_| {})).await, StatusCode::UNAUTHORIZED);
                assert_eq!(status(token(&app, "partner-3", |_| {})).await, StatusCode::UNAUTHORIZED);
                assert_eq!(fetches.load(Ordering::SeqCst) - before, 1);
                app.clock.advance(chrono::Duration::seconds(61));
                assert_eq!(status(token(&app, "partner-2", |_| {})).await, StatusCode::UNAUTHORIZED);
                assert_eq!(fetches.load(Ordering::SeqCst) - before, 2);
            }
        },
    )
    .await;
}

#[tokio::test]
async fn signing_in_through_a_provider_removes_a_password_chosen_before_the_address_was_proven() {
    let (jwks_url, _) = jwks_server().await;
    let issuers = json!([{ "issuer": ISSUER, "jwksUrl": jwks_url, "audience": "impact-api" }]).to_string();
    each_backend_with(
        move |config| config.auth.external_issuers = Some(issuers.clone()),
        |app| async move {
            // The attacker registered the victim's address first, with a password of their own.
            let attacker_password = "the attacker's own passphrase";
            crate::pre_hijacking::register_with(&app, "maria@partner.example", attacker_password).await;
            // The victim signs in through the provider, which vouches for the address.
            let me = app.data_as(&token(&app, "partner-1", |_| {}), ME, json!({})).await["me"].clone();
            assert_eq!(me["email"], "maria@partner.example");
            assert_eq!(me["emailVerified"], true, "the provider proved the address");
            let attempt =
                app.data(crate::helpers::LOGIN, json!({ "e": "maria@partner.example", "p": attacker_password })).await;
            assert_eq!(attempt["login"]["userErrors"][0]["code"], "INVALID_CREDENTIALS", "{attempt}");

            // A password set after the address was proven stays when the account is linked to a provider.
            let local = verified_user(&app, "local@example.org", "APPLICANT").await;
            let linked = app
                .data_as(
                    &token(&app, "partner-1", |c| {
                        c["sub"] = json!("partner-user-2");
                        c["email"] = json!("local@example.org");
                    }),
                    ME,
                    json!({}),
                )
                .await;
            assert_eq!(linked["me"]["id"], local["user"]["id"]);
            crate::helpers::login(&app, "local@example.org", crate::helpers::PASSWORD).await;
        },
    )
    .await;
}
