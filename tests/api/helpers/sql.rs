//! Looking into the test's database directly: rows, counts, the domain events, and the SQL statements a query
//! costs.

use super::{TestApp, schema_on};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;

/// A connection of the test's own to the server's database.
pub async fn db(app: &TestApp) -> DatabaseConnection {
    Database::connect(&app.database_url).await.expect("database")
}

/// The number in column `n` of a one-row query such as `SELECT COUNT(*) AS n FROM ...`.
pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// The domain events stored so far, oldest first, as (type, subject global ID, actor id, payload).
pub async fn domain_events(app: &TestApp) -> Vec<(String, String, Option<String>, Value)> {
    let db = db(app).await;
    let events = api::domain::domain_events::after(&db, 0, 10_000).await.expect("events");
    db.close().await.ok();
    events
        .into_iter()
        .map(|e| {
            let payload = serde_json::from_str(&e.payload).expect("JSON payload");
            (e.event_type, e.subject, e.actor_id.map(|a| a.to_string()), payload)
        })
        .collect()
}

/// Runs a query as `actor` (anonymous: none) on a connection that records every SQL statement; returns the
/// data and the statements.
pub async fn statements_as(
    database_url: &str,
    actor: Option<api::auth::Principal>,
    query: &str,
) -> (Value, Vec<String>) {
    use std::sync::{Arc, Mutex};
    let mut db = api::db::connect(&api::config::Config::for_database(database_url)).await.unwrap();
    let statements = Arc::new(Mutex::new(Vec::new()));
    let recorded = statements.clone();
    db.set_metric_callback(move |info| recorded.lock().unwrap().push(info.statement.sql.clone()));
    let schema = schema_on(&db, database_url).await;
    // Only the request's statements: starting the services reads the countries once.
    statements.lock().unwrap().clear();
    let request = async_graphql::Request::new(query).data(api::auth::Caller(actor));
    let response = schema.execute(request).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    db.close().await.ok();
    let statements = statements.lock().unwrap().clone();
    (data, statements)
}
