//! A running server whose database goes away answers 503 SERVICE_UNAVAILABLE (worth retrying), not 500; one
//! whose idle connections were cut replaces them before the next request.

use crate::helpers::{TestApp, each_backend, verified_user};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use std::time::Duration;

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

/// Cuts the server's PostgreSQL connections (as a database restart or a proxy's idle timeout does) and returns
/// how many there were.
async fn terminate_server_connections(app: &TestApp) -> i64 {
    let admin_url = std::env::var(crate::helpers::POSTGRES_ENV).expect("PostgreSQL URL");
    let name = app.database_url.rsplit('/').next().unwrap().to_owned();
    let admin = Database::connect(&admin_url).await.unwrap();
    let sql = format!(
        "SELECT count(pg_terminate_backend(pid)) AS cut FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    );
    let row = admin.query_one_raw(Statement::from_string(admin.get_database_backend(), sql)).await.unwrap();
    let cut: i64 = row.expect("one row").try_get("", "cut").unwrap();
    admin.close().await.ok();
    cut
}

/// The pool hands out a connection used within the last second without asking the database first
/// (`db::PING_IF_IDLE_FOR`), and pings one that was idle longer: connections cut while the server was idle are
/// replaced, and the next requests are answered. On SQLite the connections live in the server's process and
/// cannot be cut: there the requests are simply answered.
#[tokio::test]
async fn connections_cut_while_idle_are_replaced_before_the_next_request() {
    each_backend(|app| async move {
        let query = "{ crossBorderRegions(first: 5) { nodes { id } } }";
        app.data(query, json!({})).await;
        if app.database_url.starts_with("postgres") {
            assert!(terminate_server_connections(&app).await > 0, "the server's pool held connections");
        }
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        for _ in 0..3 {
            app.data(query, json!({})).await;
        }
    })
    .await;
}
