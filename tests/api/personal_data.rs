//! The personal-data registry is complete: every table that can hold a person's address or name a user is
//! claimed by an area (which exports and erases its part), read from the database's own catalogue so a new
//! table cannot slip past it.

use crate::helpers::{db, each_backend};
use api::domain::privacy::AREAS;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use std::collections::{BTreeMap, BTreeSet};

/// Every table of the schema with its column names (migration bookkeeping left out).
async fn tables(db: &DatabaseConnection) -> BTreeMap<String, Vec<String>> {
    let backend = db.get_database_backend();
    let query = |sql: String| db.query_all_raw(Statement::from_string(backend, sql));
    let mut tables = BTreeMap::<String, Vec<String>>::new();
    match backend {
        DatabaseBackend::Sqlite => {
            let names =
                query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'".into())
                    .await
                    .unwrap();
            for row in names {
                let table: String = row.try_get("", "name").unwrap();
                let columns = query(format!("PRAGMA table_info(\"{table}\")")).await.unwrap();
                tables.insert(table, columns.iter().map(|c| c.try_get::<String>("", "name").unwrap()).collect());
            }
        }
        _ => {
            let rows = query(
                "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
                 WHERE table_schema = 'public'"
                    .into(),
            )
            .await
            .unwrap();
            for row in rows {
                tables.entry(row.try_get("", "t").unwrap()).or_default().push(row.try_get("", "c").unwrap());
            }
        }
    }
    tables.remove("seaql_migrations");
    tables
}

/// A column that holds an e-mail address or names a user (the person's id is personal data too), also as the
/// owner of something (`owner_id`: a webhook endpoint registered by a person).
fn is_personal(column: &str) -> bool {
    column.contains("email")
        || column == "to_address"
        || column.ends_with("user_id")
        || column == "actor_id"
        || column == "owner_id"
        || column.ends_with("_by")
}

#[tokio::test]
async fn every_table_with_an_email_or_user_column_is_claimed_by_an_area() {
    each_backend(|app| async move {
        let db = db(&app).await;
        let tables = tables(&db).await;
        assert!(tables.contains_key("app_user") && tables.contains_key("event_registration"), "{tables:?}");
        let claimed: BTreeSet<&str> = AREAS.iter().flat_map(|claim| claim.tables.iter().copied()).collect();

        let unclaimed: Vec<String> = tables
            .iter()
            .filter(|(table, _)| !claimed.contains(table.as_str()))
            .filter_map(|(table, columns)| {
                let personal: Vec<&str> = columns.iter().map(String::as_str).filter(|c| is_personal(c)).collect();
                (!personal.is_empty()).then(|| format!("{table} ({})", personal.join(", ")))
            })
            .collect();
        assert!(unclaimed.is_empty(), "tables with personal data that no area claims: {unclaimed:?}");

        // A claim names real tables, so a renamed table cannot leave a stale claim behind.
        let unknown: Vec<&&str> = claimed.iter().filter(|table| !tables.contains_key(**table)).collect();
        assert!(unknown.is_empty(), "claims of tables that do not exist: {unknown:?}");

        // Each table is claimed once: one area decides how it is exported and erased.
        let mut seen = BTreeSet::new();
        for claim in AREAS {
            for table in claim.tables {
                assert!(seen.insert(*table), "{table} is claimed by more than one area");
            }
        }
        db.close().await.ok();
    })
    .await;
}

#[test]
fn the_personal_column_rule_recognises_addresses_and_user_references() {
    for personal in ["email", "to_address", "user_id", "invited_user_id", "actor_id", "granted_by", "created_by"] {
        assert!(is_personal(personal), "{personal}");
    }
    for other in ["id", "title", "subject_id", "organisation_id", "status"] {
        assert!(!is_personal(other), "{other}");
    }
}
