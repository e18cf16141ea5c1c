//! Decisions that must hold under concurrent requests (PostgreSQL's row locks, SQLite's write lock): the last
//! admin stays, an organisation keeps an owner, a refresh token rotates once.

use crate::helpers::{
    PASSWORD, TestApp, admin_session, count, db, each_backend, each_backend_with, grant, login, token, verified_user,
};
use crate::newsletter::tokens_in_mail;
use futures::future::join_all;
use serde_json::{Value, json};

const REVOKE: &str =
    "mutation($u: ID!) { revokeRole(input: { userId: $u, role: ADMIN }) { userErrors { field code } } }";
const CHANGE: &str = "mutation($o: ID!, $u: ID!) { changeOrganisationMember(input: { organisationId: $o, userId: $u, role: EDITOR }) { userErrors { field code } } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken userErrors { field code } } }";

/// The answer's codes: "OK" for success, else the user error's or the top-level error's code.
fn outcome(body: &Value, field: &str) -> String {
    if let Some(code) = body["errors"][0]["extensions"]["code"].as_str() {
        return code.to_owned();
    }
    match body["data"][field]["userErrors"][0]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => "OK".to_owned(),
    }
}

#[tokio::test]
async fn two_admins_revoking_each_other_at_once_leave_an_admin() {
    each_backend(|app| async move {
        let db = db(&app).await;
        let first = admin_session(&app).await;
        let (mut survivor_id, mut survivor) = (first["user"]["id"].clone(), token(&first));
        for round in 0..4 {
            let other = verified_user(&app, &format!("admin{round}@example.org"), "APPLICANT").await;
            grant(&app, &survivor, &other["user"]["id"], "ADMIN", json!(null)).await;
            let other_token = token(&login(&app, &format!("admin{round}@example.org"), PASSWORD).await);
            let other_id = other["user"]["id"].clone();
            let answers = join_all([
                app.graphql_as(&survivor, REVOKE, json!({ "u": other_id })),
                app.graphql_as(&other_token, REVOKE, json!({ "u": survivor_id })),
            ])
            .await;
            let outcomes: Vec<String> = answers.iter().map(|a| outcome(a, "revokeRole")).collect();
            assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM user_role WHERE role = 'ADMIN'").await, 1, "{outcomes:?}");
            assert_eq!(outcomes.iter().filter(|o| *o == "OK").count(), 1, "{outcomes:?}");
            assert!(
                outcomes.iter().all(|o| ["OK", "INVALID_STATE", "FORBIDDEN"].contains(&o.as_str())),
                "{outcomes:?}"
            );
            if outcomes[1] == "OK" {
                (survivor_id, survivor) = (other_id, other_token);
            }
        }
    })
    .await;
}

async fn organisation(app: &TestApp, owner: &str, n: usize) -> Value {
    let data = app
        .data_as(owner, "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } userErrors { code } } }",
            json!({ "i": { "name": format!("Gemeinde {n}"), "organisationType": "LOCAL_AUTHORITY", "country": "AT", "registrationId": format!("AT-{n}") } }))
        .await;
    assert_eq!(data["createOrganisation"]["userErrors"], json!([]));
    data["createOrganisation"]["organisation"]["id"].clone()
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_an_owner() {
    // Every round invites the same member again: more mails to one address than the mail limit allows.
    each_backend_with(|c| c.limits.mail_max_per_address = 100, |app| async move {
        const ROUNDS: usize = 4;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let ben = verified_user(&app, "ben@example.org", "APPLICANT").await;
        let (ana_id, ben_id, ben) = (
            app.data_as(&ana, "{ me { id } }", json!({})).await["me"]["id"].clone(),
            ben["user"]["id"].clone(),
            token(&ben),
        );
        let mut organisations = Vec::new();
        for n in 0..ROUNDS {
            let org = organisation(&app, &ana, n).await;
            let invited = app
                .data_as(&ana, "mutation($o: ID!) { inviteOrganisationMember(input: { organisationId: $o, email: \"ben@example.org\", role: OWNER }) { userErrors { code } } }", json!({ "o": org }))
                .await;
            assert_eq!(invited["inviteOrganisationMember"]["userErrors"], json!([]));
            organisations.push(org);
        }
        for invitation in tokens_in_mail(&app, "ben@example.org", "accept-invitation", ROUNDS).await {
            let accepted = app
                .data_as(&ben, "mutation($t: String!) { acceptOrganisationInvitation(input: { token: $t }) { userErrors { code } } }", json!({ "t": invitation }))
                .await;
            assert_eq!(accepted["acceptOrganisationInvitation"]["userErrors"], json!([]));
        }
        for org in &organisations {
            let answers = join_all([
                app.graphql_as(&ana, CHANGE, json!({ "o": org, "u": ben_id })),
                app.graphql_as(&ben, CHANGE, json!({ "o": org, "u": ana_id })),
            ])
            .await;
            let outcomes: Vec<String> = answers.iter().map(|a| outcome(a, "changeOrganisationMember")).collect();
            let members = app.data_as(&ana, "query($id: ID!) { node(id: $id) { ... on Organisation { members { role } } } }", json!({ "id": org })).await;
            let owners = members["node"]["members"].as_array().unwrap().iter().filter(|m| m["role"] == "OWNER").count();
            assert_eq!(owners, 1, "{outcomes:?}");
            assert_eq!(outcomes.iter().filter(|o| *o == "OK").count(), 1, "{outcomes:?}");
            assert!(outcomes.iter().all(|o| ["OK", "INVALID_STATE", "FORBIDDEN"].contains(&o.as_str())), "{outcomes:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn sixteen_parallel_uses_of_one_refresh_token_rotate_it_once() {
    each_backend(|app| async move {
        verified_user(&app, "ana@example.org", "APPLICANT").await;
        for _ in 0..4 {
            let session = login(&app, "ana@example.org", PASSWORD).await;
            let refresh = session["refreshToken"].clone();
            let answers = join_all((0..16).map(|_| app.graphql(REFRESH, json!({ "t": refresh })))).await;
            let outcomes: Vec<String> = answers.iter().map(|a| outcome(a, "refreshSession")).collect();
            assert_eq!(outcomes.iter().filter(|o| *o == "OK").count(), 1, "{outcomes:?}");
            assert_eq!(outcomes.iter().filter(|o| *o == "INVALID_TOKEN").count(), 15, "{outcomes:?}");
        }
    })
    .await;
}
