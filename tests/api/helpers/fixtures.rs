//! The one fixtures API: accounts made as a frontend makes them (register, verify, sign in), the admin made as an
//! operator makes it, and the one staff fixture.

use super::{TestApp, mail_token, services_on};
use api::auth::{Principal, Role, SubjectKind};
use serde_json::{Value, json};
use uuid::Uuid;

/// The password of every test user.
pub const PASSWORD: &str = "correct horse battery staple";
pub const LOGIN: &str = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken expiresAt user { id email } userErrors { field code } } }";

/// Registers through GraphQL (display name from the address: `ana.novak@` → "Ana Novak", language `sl`).
pub async fn register(app: &TestApp, email: &str, role: &str) -> Value {
    let name: Vec<String> = email
        .split('@')
        .next()
        .unwrap_or_default()
        .split('.')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        })
        .collect();
    let data = app
        .data(
            "mutation($i: RegisterInput!) { register(input: $i) { user { id email emailVerified } userErrors { field code } } }",
            json!({ "i": { "email": email, "password": PASSWORD, "displayName": name.join(" "), "preferredLanguage": "sl", "intendedRole": role } }),
        )
        .await;
    assert_eq!(data["register"]["userErrors"], json!([]), "registration of {email}");
    data["register"]["user"].clone()
}

/// Signs in; asserts success and returns the session payload.
pub async fn login(app: &TestApp, email: &str, password: &str) -> Value {
    let data = app.data(LOGIN, json!({ "e": email, "p": password })).await;
    assert_eq!(data["login"]["userErrors"], json!([]), "login of {email}");
    data["login"].clone()
}

/// Registers, confirms the address from the mail (showing the password, so that it stays), and signs in.
pub async fn verified_user(app: &TestApp, email: &str, role: &str) -> Value {
    register(app, email, role).await;
    let token = mail_token(app, &email.trim().to_lowercase(), "verify-email").await;
    let verified = app
        .data(
            "mutation($t: String!, $p: String) { verifyEmail(input: { token: $t, password: $p }) { userErrors { code } } }",
            json!({ "t": token, "p": PASSWORD }),
        )
        .await;
    assert_eq!(verified["verifyEmail"]["userErrors"], json!([]));
    login(app, email, PASSWORD).await
}

/// An admin made the way an operator does (`impact create-admin`'s function), signed in.
pub async fn admin_session(app: &TestApp) -> Value {
    let services = services_on(app).await;
    api::domain::accounts::create_admin(&services, "admin@example.org", PASSWORD).await.expect("admin created");
    services.db.close().await.ok();
    login(app, "admin@example.org", PASSWORD).await
}

pub async fn grant(app: &TestApp, admin_token: &str, user_id: &Value, role: &str, programmes: Value) {
    let data = app
        .data_as(
            admin_token,
            "mutation($u: ID!, $r: Role!, $p: [ID!]) { grantRole(input: { userId: $u, role: $r, programmeIds: $p }) { userErrors { field code } } }",
            json!({ "u": user_id, "r": role, "p": programmes }),
        )
        .await;
    assert_eq!(data["grantRole"]["userErrors"], json!([]), "grant {role}");
}

/// A service account's access token.
pub async fn service_token(app: &TestApp, admin_token: &str) -> String {
    let created = app
        .data_as(admin_token, "mutation { createServiceAccount(input: { name: \"integrator\" }) { serviceAccount { clientId } clientSecret } }", json!({}))
        .await;
    let (id, secret) = (
        &created["createServiceAccount"]["serviceAccount"]["clientId"],
        &created["createServiceAccount"]["clientSecret"],
    );
    let issued = app
        .data("mutation($i: String!, $s: String!) { issueServiceToken(input: { clientId: $i, clientSecret: $s }) { accessToken } }", json!({ "i": id, "s": secret }))
        .await;
    issued["issueServiceToken"]["accessToken"].as_str().expect("service token").to_owned()
}

/// The one staff fixture: `staff@example.org`, a verified account granted STAFF by the admin; its access token.
pub async fn staff_token(app: &TestApp) -> String {
    let admin = admin_session(app).await["accessToken"].as_str().expect("admin token").to_owned();
    let staff = verified_user(app, "staff@example.org", "APPLICANT").await;
    grant(app, &admin, &staff["user"]["id"], "STAFF", json!([])).await;
    staff["accessToken"].as_str().expect("staff token").to_owned()
}

/// The access token of a session payload (`login`'s answer).
pub fn token(session: &Value) -> String {
    session["accessToken"].as_str().expect("an access token").to_owned()
}

/// A principal with these roles that no account backs, for calling domain commands directly.
pub fn principal(roles: Vec<Role>) -> Principal {
    Principal { id: Uuid::new_v4(), kind: SubjectKind::User, roles, programmes: Vec::new(), session: None }
}

/// The key inside a global ID (`User:<uuid>`, base64): the uuid of a user, say.
pub fn key_of(id: &str) -> String {
    api::domain::ids::decode(id).expect("a global ID").1
}
