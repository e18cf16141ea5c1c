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

#[tokio::test]
async fn stored_addresses_take_the_canonical_form_and_look_alikes_are_left_alone() {
    use sea_orm::{ActiveModelTrait, Set};
    each_backend(|app| async move {
        crate::helpers::register(&app, "dupe.person@example.org", "APPLICANT").await;
        let db = api::db::connect(&Config::for_database(app.database_url.clone())).await.unwrap();
        // Rows as earlier versions stored them (lower-cased, otherwise as typed).
        for email in ["\"dupe.person\"@example.org", "ana@bücher.example", "\"plain\"@example.org"] {
            let now = crate::helpers::server_start();
            entity::app_user::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                email: Set(email.to_owned()),
                email_verified_at: Set(Some(now)),
                password_hash: Set(None),
                display_name: Set("Earlier".to_owned()),
                preferred_language: Set("en".to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&db)
            .await
            .unwrap();
        }
        db.execute_unprepared("DELETE FROM seaql_migrations WHERE version = 'm20261123_000151_canonical_emails'")
            .await
            .unwrap();
        api::db::migrate(&db).await.expect("the migration runs again");
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT email FROM app_user"))
            .await
            .unwrap();
        let mut emails: Vec<String> = rows.iter().map(|row| row.try_get("", "email").unwrap()).collect();
        emails.sort();
        assert_eq!(
            emails,
            [
                "\"dupe.person\"@example.org",
                "ana@xn--bcher-kva.example",
                "dupe.person@example.org",
                "plain@example.org"
            ],
            "the look-alike of an existing address is left for an administrator; the others are canonical"
        );
    })
    .await;
}
