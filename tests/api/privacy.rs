//! Personal-data rights: the export of one's data, and erasure that leaves no trace of the address anywhere.

use crate::helpers::{LOGIN, PASSWORD, TestApp, count, db, each_backend, staff_token, verified_user};
use crate::newsletter::{confirmed_subscriber, new_issue, send, tokens_in_mail};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde_json::{Value, json};

/// Every (table, column) that can hold text, from the database's own catalogue.
async fn text_columns(db: &DatabaseConnection) -> Vec<(String, String)> {
    let backend = db.get_database_backend();
    let query = |sql: &str| db.query_all_raw(Statement::from_string(backend, sql.to_owned()));
    match backend {
        DatabaseBackend::Sqlite => {
            let tables = query("SELECT name FROM sqlite_master WHERE type = 'table'").await.unwrap();
            let mut columns = Vec::new();
            for table in tables {
                let table: String = table.try_get("", "name").unwrap();
                // SQLite stores any value in any column: every column is looked at.
                for column in query(&format!("PRAGMA table_info(\"{table}\")")).await.unwrap() {
                    columns.push((table.clone(), column.try_get::<String>("", "name").unwrap()));
                }
            }
            columns
        }
        _ => query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')",
        )
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.try_get("", "t").unwrap(), row.try_get("", "c").unwrap()))
        .collect(),
    }
}

/// The `table.column`s holding `needle` (case-insensitive) in some row.
async fn traces(db: &DatabaseConnection, needle: &str) -> Vec<String> {
    let columns = text_columns(db).await;
    let tables: Vec<&str> = columns.iter().map(|(t, _)| t.as_str()).collect();
    for expected in ["app_user", "subscriber", "subscription_consent", "outbound_email", "audit_event", "login_failure"]
    {
        assert!(tables.contains(&expected), "the catalogue lists {expected}");
    }
    let mut found = Vec::new();
    for (table, column) in columns {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{table}\" WHERE LOWER(CAST(\"{column}\" AS TEXT)) LIKE '%{}%'",
            needle.to_lowercase()
        );
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

async fn erase_account(app: &TestApp, token: &str, password: &str) -> Value {
    app.data_as(
        token,
        "mutation($p: String!) { eraseMyAccount(input: { password: $p }) { erased userErrors { field code } } }",
        json!({ "p": password }),
    )
    .await["eraseMyAccount"]
        .clone()
}

#[tokio::test]
async fn export_holds_the_callers_data_and_erasure_leaves_no_trace_of_the_address() {
    each_backend(|app| async move {
        let eve = "eve.erased@example.org";
        let session = verified_user(&app, eve, "EXPERT").await;
        let token = session["accessToken"].as_str().unwrap().to_owned();
        app.graphql(LOGIN, json!({ "e": eve, "p": "not the password" })).await;
        confirmed_subscriber(&app, eve, json!(["EVENTS"]), "en").await;
        let zoe = "zoe.gone@example.org";
        confirmed_subscriber(&app, zoe, json!(["EVENTS"]), "en").await;
        let staff = staff_token(&app).await;
        let issue = new_issue(&app, &staff, "Erasure week", json!(["EVENTS"]), "en").await;
        assert_eq!(send(&app, &staff, &issue).await["queued"], 2);

        let export = app.data_as(&token, "{ exportMyData }", json!({})).await["exportMyData"].clone();
        assert_eq!(export["account"]["email"], eve);
        assert_eq!(export["roles"][0]["role"], "EXPERT");
        assert!(!export["sessions"].as_array().unwrap().is_empty());
        assert_eq!(export["subscription"]["status"], "CONFIRMED");
        assert_eq!(export["subscription"]["consents"].as_array().unwrap().len(), 2);
        assert!(export["auditEvents"].as_array().unwrap().iter().any(|e| e["action"] == "ACCOUNT_REGISTERED"));
        let text = export.to_string();
        assert!(!text.to_lowercase().contains("hash"), "no token or password hashes: {text}");

        let db = db(&app).await;
        assert!(!traces(&db, eve).await.is_empty(), "the address is stored before erasure");
        assert!(!traces(&db, zoe).await.is_empty());

        let wrong = erase_account(&app, &token, "not the password").await;
        assert_eq!(wrong, json!({ "erased": false, "userErrors": [{ "field": ["input", "password"], "code": "INVALID_CREDENTIALS" }] }));
        assert_eq!(erase_account(&app, &token, PASSWORD).await, json!({ "erased": true, "userErrors": [] }));

        let manage = tokens_in_mail(&app, zoe, "manage-subscription", 1).await.into_iter().next().unwrap();
        let erased = app
            .data("mutation($t: String!) { eraseSubscription(input: { token: $t }) { erased userErrors { code } } }", json!({ "t": manage }))
            .await;
        assert_eq!(erased["eraseSubscription"], json!({ "erased": true, "userErrors": [] }));
        let gone = app.data("query($t: String!) { subscriptionByToken(token: $t) { status } }", json!({ "t": manage })).await;
        assert_eq!(gone["subscriptionByToken"], Value::Null);

        assert_eq!(traces(&db, eve).await, Vec::<String>::new(), "no trace of {eve}");
        assert_eq!(traces(&db, zoe).await, Vec::<String>::new(), "no trace of {zoe}");
        // What stays is anonymous: the consent history and the delivery counts.
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM subscription_consent WHERE action = 'ERASED'").await, 2);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM newsletter_delivery").await, 2);
        let login = app.graphql(LOGIN, json!({ "e": eve, "p": PASSWORD })).await;
        assert_eq!(login["data"]["login"]["userErrors"][0]["code"], "INVALID_CREDENTIALS");
    })
    .await;
}
