//! A running server whose database goes away answers 503 SERVICE_UNAVAILABLE (worth retrying), not 500.

use crate::helpers::{TestApp, each_backend, verified_user};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

/// Takes the database away from the running server: on PostgreSQL the database is dropped (its connections
/// terminated); on SQLite, a file the server cannot lose while it holds it open, the server's pool is closed.
async fn take_the_database_away(app: &TestApp) {
    if app.database_url.starts_with("postgres") {
        let admin_url = std::env::var(crate::helpers::POSTGRES_ENV).expect("PostgreSQL URL");
        let name = app.database_url.rsplit('/').next().unwrap().to_owned();
        let admin = Database::connect(&admin_url).await.unwrap();
        admin.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
        admin.close().await.ok();
    } else {
        app.server_db.close_by_ref().await.unwrap();
    }
}

#[tokio::test]
async fn with_the_database_gone_requests_answer_503() {
    each_backend(|app| async move {
        let session = verified_user(&app, "ana.novak@example.org", "APPLICANT").await;
        let token = session["accessToken"].as_str().unwrap().to_owned();
        take_the_database_away(&app).await;

        let signed_in = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": "{ me { email } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), 503);
        let body: Value = signed_in.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE", "{body}");

        let anonymous = app.graphql("{ crossBorderRegions(first: 5) { nodes { id } } }", json!({})).await;
        assert_eq!(anonymous["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE", "{anonymous}");
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), 503);
    })
    .await;
}
