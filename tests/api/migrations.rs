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

/// The columns of each foreign key and of each index, as (table, name) -> columns in key order.
type KeyColumns = std::collections::BTreeMap<(String, String), Vec<String>>;

/// Rows of (table, key name, position, column) grouped into `KeyColumns`.
async fn key_columns(db: &sea_orm::DatabaseConnection, sql: &str) -> KeyColumns {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    let mut keys: std::collections::BTreeMap<(String, String), Vec<(i64, String)>> = Default::default();
    for row in rows {
        let key = (row.try_get::<String>("", "tbl").unwrap(), row.try_get::<String>("", "name").unwrap());
        let position = row.try_get::<i64>("", "position").unwrap();
        keys.entry(key).or_default().push((position, row.try_get::<String>("", "col").unwrap()));
    }
    keys.into_iter()
        .map(|(key, mut columns)| {
            columns.sort();
            (key, columns.into_iter().map(|(_, column)| column).collect())
        })
        .collect()
}

/// Every foreign key has a full (not partial) index whose first columns are the key's (neither database creates
/// one by itself; an expression in an index matches no column):
/// otherwise each batched lookup by it (a page's partnerships by region, a version's comments) reads the whole
/// table, and deleting or erasing a referenced row checks every child row (issue 14).
#[tokio::test]
async fn every_foreign_key_has_an_index_that_starts_with_its_columns() {
    each_backend(|app| async move {
        let db = api::db::connect(&Config::for_database(app.database_url.clone())).await.unwrap();
        let (foreign_keys, indexes) = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => (
                "SELECT m.name AS tbl, CAST(f.id AS TEXT) AS name, f.seq AS position, f.\"from\" AS col \
                 FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
                "SELECT m.name AS tbl, l.name AS name, i.seqno AS position, coalesce(i.name, '(expression)') AS col \
                 FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i \
                 WHERE m.type = 'table' AND l.partial = 0",
            ),
            _ => (
                "SELECT t.relname::text AS tbl, c.conname::text AS name, k.position, a.attname::text AS col \
                 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
                 WHERE c.contype = 'f' AND n.nspname = current_schema()",
                "SELECT t.relname::text AS tbl, x.relname::text AS name, k.position, \
                 coalesce(a.attname::text, '(expression)') AS col \
                 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) \
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                 WHERE n.nspname = current_schema() AND i.indpred IS NULL",
            ),
        };
        let foreign_keys = key_columns(&db, foreign_keys).await;
        let indexes = key_columns(&db, indexes).await;
        assert!(foreign_keys.len() > 40, "the foreign keys were not found: {foreign_keys:?}");
        let unindexed: Vec<String> = foreign_keys
            .iter()
            .filter(|((table, _), columns)| {
                !indexes.iter().any(|((indexed, _), index)| indexed == table && index.starts_with(columns))
            })
            .map(|((table, _), columns)| format!("{table}({})", columns.join(", ")))
            .collect();
        assert!(unindexed.is_empty(), "foreign keys without an index: {unindexed:?}");
    })
    .await;
}
