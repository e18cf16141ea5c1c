//! Accounts and sessions end to end: register → verify → login → me → refresh → reuse → logout, and
//! every rule around them broken on purpose.

use crate::helpers::{
    PASSWORD, TestApp, each_backend, each_backend_with, first_error_code, login, mail_token, register, run_impact,
    user_errors,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ME: &str = "{ me { email emailVerified displayName preferredLanguage roles } }";
const REFRESH: &str = "mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken userErrors { field code } } }";

#[tokio::test]
async fn register_verify_login_refresh_reuse_logout() {
    each_backend(|app| async move {
        let user = register(&app, "Ana.Novak@Example.org", "APPLICANT").await;
        assert_eq!(user["email"], "ana.novak@example.org", "normalised");
        assert_eq!(user["emailVerified"], false);

        let token = mail_token(&app, "ana.novak@example.org", "verify-email").await;
        let verified = app
            .data("mutation($t: String!, $p: String) { verifyEmail(input: { token: $t, password: $p }) { user { emailVerified } userErrors { code } passwordRemoved } }", json!({ "t": token, "p": PASSWORD }))
            .await;
        assert_eq!(
            verified["verifyEmail"],
            json!({ "user": { "emailVerified": true }, "userErrors": [], "passwordRemoved": false })
        );

        let session = login(&app, "ANA.NOVAK@example.org", PASSWORD).await;
        let access = session["accessToken"].as_str().unwrap().to_owned();
        let me = app.data_as(&access, ME, json!({})).await;
        assert_eq!(
            me["me"],
            json!({ "email": "ana.novak@example.org", "emailVerified": true, "displayName": "Ana Novak", "preferredLanguage": "sl", "roles": ["APPLICANT"] })
        );

        let first_refresh = session["refreshToken"].as_str().unwrap().to_owned();
        let rotated = app.data(REFRESH, json!({ "t": first_refresh })).await["refreshSession"].clone();
        assert_eq!(rotated["userErrors"], json!([]));
        let second_refresh = rotated["refreshToken"].as_str().unwrap().to_owned();
        assert_ne!(second_refresh, first_refresh);
        let rotated_access = rotated["accessToken"].as_str().unwrap().to_owned();
        assert_eq!(app.data_as(&rotated_access, ME, json!({})).await["me"]["email"], "ana.novak@example.org");

        // Replaying the spent refresh token: refused, and the whole family ends with it.
        let replay = app.data(REFRESH, json!({ "t": first_refresh })).await["refreshSession"].clone();
        assert_eq!(replay["userErrors"], json!([{ "field": ["input", "refreshToken"], "code": "INVALID_TOKEN" }]));
        assert_eq!(replay["accessToken"], Value::Null);
        let after_reuse = app.data(REFRESH, json!({ "t": second_refresh })).await["refreshSession"].clone();
        assert_eq!(after_reuse["userErrors"][0]["code"], "INVALID_TOKEN");
        assert_eq!(app.post_as(&rotated_access, ME).await.status(), StatusCode::UNAUTHORIZED);

        let again = login(&app, "ana.novak@example.org", PASSWORD).await;
        let access = again["accessToken"].as_str().unwrap().to_owned();
        let out = app.data_as(&access, "mutation { logout(input: {}) { userErrors { code } } }", json!({})).await;
        assert_eq!(out["logout"]["userErrors"], json!([]));
        let response = app.post_as(&access, ME).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer error=\"invalid_token\"");
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
        let refresh = again["refreshToken"].as_str().unwrap();
        assert_eq!(app.data(REFRESH, json!({ "t": refresh })).await["refreshSession"]["userErrors"][0]["code"], "INVALID_TOKEN");
    })
    .await;
}

#[tokio::test]
async fn registration_rules_each_give_their_user_error() {
    each_backend(|app| async move {
        const REGISTER: &str = r#"mutation($i: RegisterInput!) { register(input: $i) { user { email } userErrors { field code } } }"#;
        let input = |email: &str, password: &str, name: &str, language: &str| {
            json!({ "i": { "email": email, "password": password, "displayName": name, "preferredLanguage": language, "intendedRole": "EXPERT" } })
        };
        let errors = |body: Value| body["register"]["userErrors"].clone();

        let all_wrong = app.data(REGISTER, input("not-an-email", "short", "  ", "english")).await;
        assert_eq!(
            errors(all_wrong),
            json!([
                { "field": ["input", "email"], "code": "INVALID" },
                { "field": ["input", "displayName"], "code": "REQUIRED" },
                { "field": ["input", "preferredLanguage"], "code": "INVALID" },
                { "field": ["input", "password"], "code": "TOO_WEAK" },
            ]),
            "every problem at once"
        );
        let same_as_email = app.data(REGISTER, input("lena@example.org", "LENA@example.org", "Lena", "de")).await;
        assert_eq!(errors(same_as_email), json!([{ "field": ["input", "password"], "code": "TOO_WEAK" }]));

        register(&app, "lena@example.org", "EXPERT").await;
        let taken = app.data(REGISTER, input(" LENA@Example.org", PASSWORD, "Lena", "de")).await;
        assert_eq!(errors(taken.clone()), json!([{ "field": ["input", "email"], "code": "TAKEN" }]));
        assert_eq!(taken["register"]["user"], Value::Null);

        // Staff and other roles cannot be chosen at registration: the enum does not offer them.
        let staff = app.graphql(REGISTER, json!({ "i": { "email": "x@example.org", "password": PASSWORD, "displayName": "X", "preferredLanguage": "en", "intendedRole": "STAFF" } })).await;
        assert_eq!(first_error_code(&staff), "BAD_USER_INPUT");
    })
    .await;
}

#[tokio::test]
async fn verification_tokens_are_single_use_and_expire() {
    each_backend(|app| async move {
        const VERIFY: &str =
            "mutation($t: String!) { verifyEmail(input: { token: $t }) { user { email } userErrors { field code } } }";
        register(&app, "single@example.org", "APPLICANT").await;
        let token = mail_token(&app, "single@example.org", "verify-email").await;

        let unverified = app.data(crate::helpers::LOGIN, json!({ "e": "single@example.org", "p": PASSWORD })).await;
        assert_eq!(unverified["login"]["userErrors"][0]["code"], "EMAIL_NOT_VERIFIED");

        assert_eq!(app.data(VERIFY, json!({ "t": token })).await["verifyEmail"]["userErrors"], json!([]));
        let reused = app.data(VERIFY, json!({ "t": token })).await;
        assert_eq!(
            reused["verifyEmail"]["userErrors"],
            json!([{ "field": ["input", "token"], "code": "INVALID_TOKEN" }])
        );
        let garbage = app.data(VERIFY, json!({ "t": "made-up" })).await;
        assert_eq!(garbage["verifyEmail"]["userErrors"][0]["code"], "INVALID_TOKEN");

        register(&app, "late@example.org", "APPLICANT").await;
        let late = mail_token(&app, "late@example.org", "verify-email").await;
        app.clock.advance(chrono::Duration::hours(49));
        let expired = app.data(VERIFY, json!({ "t": late })).await;
        assert_eq!(expired["verifyEmail"]["userErrors"][0]["code"], "INVALID_TOKEN");
    })
    .await;
}

#[tokio::test]
async fn password_reset_answers_alike_and_ends_sessions() {
    each_backend(|app| async move {
        const REQUEST: &str = "mutation($e: String!) { requestPasswordReset(input: { email: $e }) { userErrors { code } } }";
        const RESET: &str = "mutation($t: String!, $p: String!) { resetPassword(input: { token: $t, newPassword: $p }) { userErrors { field code } } }";
        let session = crate::helpers::verified_user(&app, "reset@example.org", "APPLICANT").await;
        let old_access = session["accessToken"].as_str().unwrap().to_owned();

        let unknown = app.data(REQUEST, json!({ "e": "nobody@example.org" })).await;
        let known = app.data(REQUEST, json!({ "e": "Reset@Example.org" })).await;
        assert_eq!(unknown, known, "the answer does not reveal whether the address has an account");
        let token = mail_token(&app, "reset@example.org", "reset-password").await;
        assert!(app.mails_to("nobody@example.org").await.is_empty());

        let weak = app.data(RESET, json!({ "t": token, "p": "short" })).await;
        assert_eq!(weak["resetPassword"]["userErrors"], json!([{ "field": ["input", "newPassword"], "code": "TOO_WEAK" }]));
        let new_password = "a brand new passphrase";
        assert_eq!(app.data(RESET, json!({ "t": token, "p": new_password })).await["resetPassword"]["userErrors"], json!([]));
        assert_eq!(app.data(RESET, json!({ "t": token, "p": "another new passphrase" })).await["resetPassword"]["userErrors"][0]["code"], "INVALID_TOKEN");

        assert_eq!(app.post_as(&old_access, ME).await.status(), StatusCode::UNAUTHORIZED, "sessions end with a reset");
        let old_password = app.data(crate::helpers::LOGIN, json!({ "e": "reset@example.org", "p": PASSWORD })).await;
        assert_eq!(old_password["login"]["userErrors"][0]["code"], "INVALID_CREDENTIALS");
        login(&app, "reset@example.org", new_password).await;
    })
    .await;
}

#[tokio::test]
async fn change_password_keeps_this_session_and_ends_the_others() {
    each_backend(|app| async move {
        const CHANGE: &str = "mutation($c: String!, $n: String!) { changePassword(input: { currentPassword: $c, newPassword: $n }) { userErrors { field code } } }";
        let here = crate::helpers::verified_user(&app, "change@example.org", "EXPERT").await;
        let elsewhere = login(&app, "change@example.org", PASSWORD).await;
        let (here, elsewhere) = (here["accessToken"].as_str().unwrap(), elsewhere["accessToken"].as_str().unwrap());

        let wrong = app.data_as(here, CHANGE, json!({ "c": "not my password", "n": "a new long passphrase" })).await;
        assert_eq!(wrong["changePassword"]["userErrors"], json!([{ "field": ["input", "currentPassword"], "code": "INVALID_CREDENTIALS" }]));
        let ok = app.data_as(here, CHANGE, json!({ "c": PASSWORD, "n": "a new long passphrase" })).await;
        assert_eq!(ok["changePassword"]["userErrors"], json!([]));

        assert_eq!(app.post_as(here, ME).await.status(), StatusCode::OK);
        assert_eq!(app.post_as(elsewhere, ME).await.status(), StatusCode::UNAUTHORIZED);

        let anonymous = app.graphql(CHANGE, json!({ "c": "x", "n": "y" })).await;
        assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
    })
    .await;
}

#[tokio::test]
async fn profile_updates_are_checked() {
    each_backend(|app| async move {
        const UPDATE: &str = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { displayName preferredLanguage } userErrors { field code } } }";
        let session = crate::helpers::verified_user(&app, "profile@example.org", "APPLICANT").await;
        let token = session["accessToken"].as_str().unwrap();
        let bad = app.data_as(token, UPDATE, json!({ "i": { "displayName": " ", "preferredLanguage": "xx1" } })).await;
        assert_eq!(bad["updateProfile"]["userErrors"].as_array().unwrap().len(), 2);
        let good = app.data_as(token, UPDATE, json!({ "i": { "preferredLanguage": "FR" } })).await;
        assert_eq!(good["updateProfile"], json!({ "user": { "displayName": "Profile", "preferredLanguage": "fr" }, "userErrors": [] }));
    })
    .await;
}

#[tokio::test]
async fn failed_logins_slow_down_then_lock_without_revealing_accounts() {
    each_backend_with(
        |config| {
            config.auth.login_max_failures = 3;
            config.auth.login_slowdown_ms = 1;
        },
        |app| async move {
            crate::helpers::verified_user(&app, "locked@example.org", "APPLICANT").await;
            let attempt = |email: &'static str, password: &'static str| {
                let app = &app;
                async move { app.graphql(crate::helpers::LOGIN, json!({ "e": email, "p": password })).await }
            };
            let mut known = Vec::new();
            let mut unknown = Vec::new();
            for _ in 0..3 {
                known.push(user_errors(&attempt("locked@example.org", "wrong password!").await["data"]["login"]));
                unknown.push(user_errors(&attempt("ghost@example.org", "wrong password!").await["data"]["login"]));
            }
            assert_eq!(known, unknown, "an existing and a missing account fail alike");
            assert!(
                known.iter().all(|e| e == &json!([{ "field": ["input", "email"], "code": "INVALID_CREDENTIALS" }]))
            );

            // Locked: even the right password is refused for now, and so is the missing account.
            let locked = attempt("locked@example.org", PASSWORD).await;
            assert_eq!(first_error_code(&locked), "RATE_LIMITED");
            assert!(locked["errors"][0]["extensions"]["retryAfterSeconds"].as_u64().unwrap() > 0);
            assert_eq!(first_error_code(&attempt("ghost@example.org", PASSWORD).await), "RATE_LIMITED");

            app.clock.advance(chrono::Duration::minutes(16));
            let unlocked = attempt("locked@example.org", PASSWORD).await;
            assert!(unlocked["data"]["login"]["accessToken"].is_string(), "{unlocked}");
        },
    )
    .await;
}

#[tokio::test]
async fn failed_logins_from_one_client_are_limited_across_accounts() {
    each_backend_with(
        |config| {
            config.auth.login_max_client_failures = 4;
            config.auth.login_slowdown_ms = 0;
        },
        |app| async move {
            for i in 0..4 {
                let body = app
                    .graphql(
                        crate::helpers::LOGIN,
                        json!({ "e": format!("user{i}@example.org"), "p": "wrong password!" }),
                    )
                    .await;
                assert_eq!(body["data"]["login"]["userErrors"][0]["code"], "INVALID_CREDENTIALS");
            }
            let fifth = app
                .graphql(crate::helpers::LOGIN, json!({ "e": "someone-else@example.org", "p": "wrong password!" }))
                .await;
            assert_eq!(first_error_code(&fifth), "RATE_LIMITED");
        },
    )
    .await;
}

#[tokio::test]
async fn create_admin_command_makes_and_promotes_admins() {
    each_backend(|app| async move {
        let database = [("DATABASE_URL", app.database_url.as_str())];
        let run = |email: &str| {
            run_impact(&["create-admin", "--email", email, "--password", "admin passphrase 1"], &database)
        };
        let created = run("root@example.org").await;
        assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
        assert!(String::from_utf8_lossy(&created.stdout).starts_with("created admin root@example.org"));
        let session = login(&app, "root@example.org", "admin passphrase 1").await;
        assert_eq!(session["user"]["email"], "root@example.org");
        let me = app.data_as(session["accessToken"].as_str().unwrap(), ME, json!({})).await;
        assert_eq!(me["me"]["roles"], json!(["ADMIN"]));

        crate::helpers::verified_user(&app, "promote@example.org", "APPLICANT").await;
        let started = std::time::Instant::now();
        let promoted = run("promote@example.org").await;
        assert!(
            String::from_utf8_lossy(&promoted.stdout).contains("is now an admin"),
            "{:?} after {:?}: {}",
            promoted.status,
            started.elapsed(),
            String::from_utf8_lossy(&promoted.stderr)
        );
        let session = login(&app, "promote@example.org", PASSWORD).await;
        let me = app.data_as(session["accessToken"].as_str().unwrap(), ME, json!({})).await;
        assert_eq!(me["me"]["roles"], json!(["APPLICANT", "ADMIN"]));

        let bad = run("not an email").await;
        assert!(!bad.status.success());
    })
    .await;
}

impl TestApp {
    pub async fn post_as(&self, token: &str, query: &str) -> reqwest::Response {
        self.client.post(self.url("/graphql")).bearer_auth(token).json(&json!({ "query": query })).send().await.unwrap()
    }
}
