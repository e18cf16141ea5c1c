//! Migrations bring an empty database to the current schema on both backends, and are idempotent.

use crate::helpers::each_backend;
use api::config::Config;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

fn nuts_rows_without_extra_regio() -> u64 {
    let csv = include_str!("../../migration/data/nuts2024.csv");
    csv.lines().skip(1).filter(|line| !line.split(',').next().unwrap_or("").ends_with('Z')).count() as u64
}

#[tokio::test]
async fn migrations_load_reference_data_and_run_again_without_change() {
    each_backend(|app| async move {
        let db = api::db::connect(&Config::for_database(app.database_url.clone())).await.unwrap();
        // The server already migrated on start-up; a second run must be a no-op, not an error or a duplicate.
        api::db::migrate(&db).await.expect("migrations are idempotent");
        let count = |table: &'static str| {
            let db = db.clone();
            async move {
                let row = db
                    .query_one_raw(Statement::from_string(
                        db.get_database_backend(),
                        format!("SELECT COUNT(*) AS n FROM {table}"),
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                row.try_get::<i64>("", "n").unwrap() as u64
            }
        };
        assert_eq!(count("country").await, 40);
        assert_eq!(count("nuts_region").await, nuts_rows_without_extra_regio());

        let data = app.data("{ nutsRegions { totalCount } }", json!({})).await;
        assert_eq!(data["nutsRegions"]["totalCount"], nuts_rows_without_extra_regio());
    })
    .await;
}
