//! Access tokens by the book: every malformed, foreign, expired or confused token is `UNAUTHENTICATED`;
//! keys rotate; the public keys are served as JWKS.

use crate::helpers::{TestApp, each_backend_with, first_error_code, verified_user};
use api::config::{Config, JwtAlgorithm};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SECRET: &str = "a test secret that is at least 32 bytes long";
const ME: &str = "{ me { email } }";

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jwt").join(name)
}

fn with_secret(config: &mut Config) {
    config.auth.jwt_secret = Some(SECRET.to_owned());
}

fn with_ed25519(config: &mut Config) {
    config.auth.jwt_algorithm = JwtAlgorithm::EdDsa;
    config.auth.jwt_private_key_file = Some(fixture("ed25519-current.pem"));
    config.auth.jwt_key_id = Some("current-key".to_owned());
    config.auth.jwt_previous_keys_file = Some(fixture("previous-keys.jwks.json"));
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(alg: Algorithm, kid: Option<&str>, typ: Option<&str>, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    header.typ = typ.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

async fn status(app: &TestApp, token: &str) -> StatusCode {
    let response = app.post_as(token, ME).await;
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
    }
    status
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_unauthenticated() {
    each_backend_with(with_secret, |app| async move {
        let session = verified_user(&app, "tokens@example.org", "APPLICANT").await;
        let real = session["accessToken"].as_str().unwrap().to_owned();
        let kid = jsonwebtoken::decode_header(&real).unwrap().kid;
        let claims = claims_of(&real);
        let key = EncodingKey::from_secret(SECRET.as_bytes());
        let resign = |change: &dyn Fn(&mut Value)| {
            let mut c = claims.clone();
            change(&mut c);
            sign(Algorithm::HS256, kid.as_deref(), Some("at+jwt"), &c, &key)
        };
        let now = claims["iat"].as_i64().unwrap();

        // The control: the same claims signed again with the right key are accepted.
        assert_eq!(status(&app, &resign(&|_| {})).await, StatusCode::OK);

        let cases: Vec<(&str, String)> = vec![
            ("expired", resign(&|c| c["exp"] = json!(now - 120))),
            ("not yet valid", resign(&|c| c["nbf"] = json!(now + 600))),
            ("issued in the future", resign(&|c| c["iat"] = json!(now + 600))),
            ("wrong issuer", resign(&|c| c["iss"] = json!("https://evil.example"))),
            ("wrong audience", resign(&|c| c["aud"] = json!("another-api"))),
            (
                "no subject",
                resign(&|c| {
                    c.as_object_mut().unwrap().remove("sub");
                }),
            ),
            (
                "no expiry",
                resign(&|c| {
                    c.as_object_mut().unwrap().remove("exp");
                }),
            ),
            ("unknown session", resign(&|c| c["sid"] = json!(uuid::Uuid::new_v4()))),
            ("wrong type", sign(Algorithm::HS256, kid.as_deref(), Some("JWT"), &claims, &key)),
            ("no type", sign(Algorithm::HS256, kid.as_deref(), None, &claims, &key)),
            ("unknown key id", sign(Algorithm::HS256, Some("someone-elses"), Some("at+jwt"), &claims, &key)),
            (
                "other secret",
                sign(
                    Algorithm::HS256,
                    kid.as_deref(),
                    Some("at+jwt"),
                    &claims,
                    &EncodingKey::from_secret(b"another secret, also 32 bytes or more"),
                ),
            ),
            ("tampered", {
                let mut parts: Vec<String> = real.split('.').map(str::to_owned).collect();
                let mut c = claims.clone();
                c["roles"] = json!(["ADMIN"]);
                c["sub"] = json!(uuid::Uuid::new_v4());
                parts[1] = URL_SAFE_NO_PAD.encode(c.to_string());
                parts.join(".")
            }),
            (
                "alg none",
                format!(
                    "{}.{}.",
                    URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "at+jwt", "kid": kid }).to_string()),
                    URL_SAFE_NO_PAD.encode(claims.to_string())
                ),
            ),
            ("refresh token as access token", session["refreshToken"].as_str().unwrap().to_owned()),
            ("garbage", "not.a.token".to_owned()),
        ];
        for (case, token) in cases {
            assert_eq!(status(&app, &token).await, StatusCode::UNAUTHORIZED, "{case}");
        }

        let basic = app
            .client
            .post(app.url("/graphql"))
            .header("authorization", "Basic dXNlcjpwYXNz")
            .json(&json!({ "query": ME }))
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), StatusCode::UNAUTHORIZED, "only Bearer is accepted");

        // Time passes: the real token expires after 15 minutes.
        assert_eq!(status(&app, &real).await, StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(16));
        assert_eq!(status(&app, &real).await, StatusCode::UNAUTHORIZED, "expired by the clock");
    })
    .await;
}

#[tokio::test]
async fn ed25519_keys_rotate_and_algorithm_confusion_fails() {
    each_backend_with(with_ed25519, |app| async move {
        let session = verified_user(&app, "rotation@example.org", "EXPERT").await;
        let real = session["accessToken"].as_str().unwrap().to_owned();
        let header = jsonwebtoken::decode_header(&real).unwrap();
        assert_eq!(
            (header.alg, header.kid.as_deref(), header.typ.as_deref()),
            (Algorithm::EdDSA, Some("current-key"), Some("at+jwt"))
        );
        assert_eq!(status(&app, &real).await, StatusCode::OK);

        let jwks: Value = app.client.get(app.url("/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
        let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
        assert_eq!(kids, ["current-key", "previous-key"]);
        assert!(jwks["keys"].as_array().unwrap().iter().all(|k| k.get("d").is_none()), "no private parts");

        let claims = claims_of(&real);
        let pem = |name: &str| std::fs::read(fixture(name)).unwrap();
        let previous = EncodingKey::from_ed_pem(&pem("ed25519-previous.pem")).unwrap();
        let unlisted = EncodingKey::from_ed_pem(&pem("ed25519-unlisted.pem")).unwrap();
        assert_eq!(
            status(&app, &sign(Algorithm::EdDSA, Some("previous-key"), Some("at+jwt"), &claims, &previous)).await,
            StatusCode::OK,
            "an old key still listed verifies"
        );
        assert_eq!(
            status(&app, &sign(Algorithm::EdDSA, Some("previous-key"), Some("at+jwt"), &claims, &unlisted)).await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(&app, &sign(Algorithm::EdDSA, Some("unlisted"), Some("at+jwt"), &claims, &unlisted)).await,
            StatusCode::UNAUTHORIZED
        );

        // Algorithm confusion: HS256 "signed" with the public key (PEM text, or the raw key) as the secret.
        let public_pem = pem("ed25519-current.pub.pem");
        let raw_public = URL_SAFE_NO_PAD.decode(jwks["keys"][0]["x"].as_str().unwrap()).unwrap();
        for secret in [public_pem, raw_public] {
            let forged = sign(
                Algorithm::HS256,
                Some("current-key"),
                Some("at+jwt"),
                &claims,
                &EncodingKey::from_secret(&secret),
            );
            assert_eq!(status(&app, &forged).await, StatusCode::UNAUTHORIZED);
        }
        let rsa = EncodingKey::from_rsa_pem(&pem("rsa.pem")).unwrap();
        assert_eq!(
            status(&app, &sign(Algorithm::RS256, Some("current-key"), Some("at+jwt"), &claims, &rsa)).await,
            StatusCode::UNAUTHORIZED
        );
    })
    .await;
}

#[tokio::test]
async fn rs256_is_supported() {
    each_backend_with(
        |config| {
            config.auth.jwt_algorithm = JwtAlgorithm::Rs256;
            config.auth.jwt_private_key_file = Some(fixture("rsa.pem"));
        },
        |app| async move {
            let session = verified_user(&app, "rsa@example.org", "APPLICANT").await;
            let token = session["accessToken"].as_str().unwrap();
            assert_eq!(jsonwebtoken::decode_header(token).unwrap().alg, Algorithm::RS256);
            assert_eq!(status(&app, token).await, StatusCode::OK);
            let jwks: Value =
                app.client.get(app.url("/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
            assert_eq!(jwks["keys"][0]["kty"], "RSA");
        },
    )
    .await;
}

#[tokio::test]
async fn production_refuses_to_start_without_keys() {
    let mut config = Config::for_database("sqlite::memory:");
    config.environment = api::config::Environment::Production;
    let error =
        api::app::App::build(config, std::sync::Arc::new(api::clock::SystemClock)).await.err().expect("refused");
    assert!(error.to_string().contains("IMPACT_JWT_SECRET"), "{error}");

    let mut config = Config::for_database("sqlite::memory:");
    config.auth.jwt_secret = Some("too short".to_owned());
    let error =
        api::app::App::build(config, std::sync::Arc::new(api::clock::SystemClock)).await.err().expect("refused");
    assert!(error.to_string().contains("at least 32 bytes"), "{error}");
}

#[tokio::test]
async fn service_accounts_get_tokens_with_their_secret() {
    each_backend_with(with_secret, |app| async move {
        const CREATE: &str = "mutation($n: String!) { createServiceAccount(input: { name: $n }) { serviceAccount { name clientId } clientSecret userErrors { field code } } }";
        const ISSUE: &str = "mutation($i: String!, $s: String!) { issueServiceToken(input: { clientId: $i, clientSecret: $s }) { accessToken expiresAt userErrors { field code } } }";
        let admin = crate::helpers::admin_session(&app).await;
        let admin = admin["accessToken"].as_str().unwrap();
        let blank = app.data_as(admin, CREATE, json!({ "n": " " })).await;
        assert_eq!(blank["createServiceAccount"]["userErrors"], json!([{ "field": ["input", "name"], "code": "REQUIRED" }]));
        let created = app.data_as(admin, CREATE, json!({ "n": "Euro-MED sync" })).await["createServiceAccount"].clone();
        let client_id = created["serviceAccount"]["clientId"].as_str().unwrap().to_owned();
        let secret = created["clientSecret"].as_str().unwrap().to_owned();

        let wrong = app.data(ISSUE, json!({ "i": client_id, "s": "guess" })).await;
        assert_eq!(wrong["issueServiceToken"]["userErrors"], json!([{ "field": ["input", "clientSecret"], "code": "INVALID_CREDENTIALS" }]));
        assert_eq!(wrong["issueServiceToken"]["accessToken"], Value::Null);
        let unknown = app.data(ISSUE, json!({ "i": "svc_nobody", "s": secret })).await;
        assert_eq!(unknown["issueServiceToken"]["userErrors"][0]["code"], "INVALID_CREDENTIALS");

        let issued = app.data(ISSUE, json!({ "i": client_id, "s": secret })).await;
        let token = issued["issueServiceToken"]["accessToken"].as_str().unwrap().to_owned();
        assert_eq!(claims_of(&token)["roles"], json!(["INTEGRATOR"]));
        assert_eq!(app.data_as(&token, ME, json!({})).await["me"], Value::Null, "a service account is not a user");
        let profile = app.graphql_as(&token, "mutation { updateProfile(input: { displayName: \"x\" }) { userErrors { code } } }", json!({})).await;
        assert_eq!(first_error_code(&profile), "FORBIDDEN");
    })
    .await;
}
