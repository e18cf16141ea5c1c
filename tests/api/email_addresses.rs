//! One mailbox, one account: addresses are stored in one canonical form (quoted local parts unquoted, case
//! folded, the domain in its IDNA ASCII form), and what cannot be mailed is refused.

use crate::helpers::{PASSWORD, TestApp, each_backend, login, mail_token, register};
use serde_json::{Value, json};

const REGISTER: &str =
    "mutation($i: RegisterInput!) { register(input: $i) { user { email } userErrors { field code } } }";

async fn register_as(app: &TestApp, email: &str) -> Value {
    app.data(
        REGISTER,
        json!({ "i": { "email": email, "password": PASSWORD, "displayName": "Dupe", "preferredLanguage": "en", "intendedRole": "APPLICANT" } }),
    )
    .await["register"]
        .clone()
}

#[tokio::test]
async fn look_alike_spellings_of_one_address_are_one_account() {
    each_backend(|app| async move {
        register(&app, "dupe.person@example.org", "APPLICANT").await;
        let taken = json!([{ "field": ["input", "email"], "code": "TAKEN" }]);
        for look_alike in ["\"dupe.person\"@example.org", "\"Dupe.Person\"@EXAMPLE.ORG", "Dupe.Person@Example.Org"] {
            assert_eq!(register_as(&app, look_alike).await["userErrors"], taken, "{look_alike}");
        }
        register(&app, "Person@EXAMPLE.org", "APPLICANT").await;
        assert_eq!(register_as(&app, "person@example.org").await["userErrors"], taken);
        let db = crate::helpers::db(&app).await;
        let accounts = crate::helpers::count(&db, "SELECT COUNT(*) AS n FROM app_user").await;
        assert_eq!(accounts, 2);

        // Quoted local parts that are not the plain address, and what cannot be mailed, are refused.
        for refused in
            ["\"dupe person\"@example.org", "\"dupe@person\"@example.org", "ana@[192.0.2.1]", "jürgen@example.org"]
        {
            let answer = register_as(&app, refused).await;
            assert_eq!(answer["userErrors"], json!([{ "field": ["input", "email"], "code": "INVALID" }]), "{refused}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_international_domain_is_stored_in_its_ascii_form_and_mailed() {
    each_backend(|app| async move {
        let user = register(&app, "Ana@Bücher.Example", "APPLICANT").await;
        assert_eq!(user["email"], "ana@xn--bcher-kva.example");
        // The confirmation mail goes to the ASCII form; both spellings sign in to the one account.
        let token = mail_token(&app, "ana@xn--bcher-kva.example", "verify-email").await;
        let verified = app
            .data(
                "mutation($t: String!, $p: String) { verifyEmail(input: { token: $t, password: $p }) { userErrors { code } } }",
                json!({ "t": token, "p": PASSWORD }),
            )
            .await;
        assert_eq!(verified["verifyEmail"]["userErrors"], json!([]));
        let session = login(&app, "ana@bücher.example", PASSWORD).await;
        assert_eq!(session["user"]["email"], "ana@xn--bcher-kva.example");
        assert_eq!(register_as(&app, "ana@xn--bcher-kva.example").await["userErrors"][0]["code"], "TAKEN");
    })
    .await;
}
