//! Pre-hijacking: an attacker registers the victim's address with a password of their own, before the victim
//! does. Whoever later proves the address (the confirmation link, a trusted provider) gets an account the
//! attacker's password no longer opens. The provider path is in `external_identity`.

use crate::helpers::{LOGIN, PASSWORD, TestApp, each_backend, login, mail_token};
use serde_json::{Value, json};

const ATTACKER_PASSWORD: &str = "the attacker's own passphrase";
const VERIFY: &str = "mutation($t: String!, $p: String) { verifyEmail(input: { token: $t, password: $p }) { user { emailVerified } userErrors { field code } passwordRemoved } }";

/// Registers `email` with `password` (the attacker's move: the address is not theirs).
pub async fn register_with(app: &TestApp, email: &str, password: &str) {
    let data = app
        .data(
            "mutation($i: RegisterInput!) { register(input: $i) { userErrors { field code } } }",
            json!({ "i": { "email": email, "password": password, "displayName": "Victim", "preferredLanguage": "en", "intendedRole": "APPLICANT" } }),
        )
        .await;
    assert_eq!(data["register"]["userErrors"], json!([]));
}

async fn login_code(app: &TestApp, email: &str, password: &str) -> Value {
    app.data(LOGIN, json!({ "e": email, "p": password })).await["login"]["userErrors"][0]["code"].clone()
}

#[tokio::test]
async fn confirming_an_address_removes_a_password_chosen_before() {
    each_backend(|app| async move {
        register_with(&app, "victim@example.org", ATTACKER_PASSWORD).await;
        // The victim follows the link in the mail they did not ask for; they cannot know the password.
        let token = mail_token(&app, "victim@example.org", "verify-email").await;
        let guessed = app.data(VERIFY, json!({ "t": token, "p": "some guess of theirs" })).await;
        assert_eq!(
            guessed["verifyEmail"]["userErrors"],
            json!([{ "field": ["input", "password"], "code": "INVALID_CREDENTIALS" }]),
            "a wrong password is refused and the link still works"
        );
        let verified = app.data(VERIFY, json!({ "t": token })).await;
        assert_eq!(
            verified["verifyEmail"],
            json!({ "user": { "emailVerified": true }, "userErrors": [], "passwordRemoved": true })
        );

        // The attacker's password opens nothing.
        assert_eq!(login_code(&app, "victim@example.org", ATTACKER_PASSWORD).await, "INVALID_CREDENTIALS");
        // The owner chooses a password by mail and signs in.
        app.data("mutation { requestPasswordReset(input: { email: \"victim@example.org\" }) { userErrors { code } } }", json!({}))
            .await;
        let reset = mail_token(&app, "victim@example.org", "reset-password").await;
        let done = app
            .data(
                "mutation($t: String!) { resetPassword(input: { token: $t, newPassword: \"the victim's own passphrase\" }) { userErrors { code } } }",
                json!({ "t": reset }),
            )
            .await;
        assert_eq!(done["resetPassword"]["userErrors"], json!([]));
        login(&app, "victim@example.org", "the victim's own passphrase").await;
        assert_eq!(login_code(&app, "victim@example.org", ATTACKER_PASSWORD).await, "INVALID_CREDENTIALS");

        // Who registered and confirms with their own password keeps it.
        register_with(&app, "owner@example.org", PASSWORD).await;
        let token = mail_token(&app, "owner@example.org", "verify-email").await;
        let kept = app.data(VERIFY, json!({ "t": token, "p": PASSWORD })).await;
        assert_eq!(kept["verifyEmail"]["passwordRemoved"], false);
        login(&app, "owner@example.org", PASSWORD).await;
    })
    .await;
}
