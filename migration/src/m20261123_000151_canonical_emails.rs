//! Stored e-mail addresses in the canonical form the API parses them into from now on (`Email` in the api's
//! `domain::values`): a quoted local part unquoted when the quotes add nothing (`"ana"@x.eu` → `ana@x.eu`), the
//! domain in its IDNA ASCII form (`bücher.example` → `xn--bcher-kva.example`). Earlier versions kept both as
//! typed (lower-cased), so a look-alike could become a second account and an IDN address could no longer be found.
//!
//! Collisions: where the canonical form is already taken in a table whose addresses are unique (`app_user`,
//! `subscriber`, one event's registrations), the look-alike row is left as it is and named in the log, for an
//! administrator to resolve: the API finds the row holding the canonical form for every spelling, so the
//! look-alike can no longer be signed into or mailed by its address. Addresses that have no canonical form
//! (quoted local parts with spaces, say) are left too. This is a frozen copy of the rule as of this migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables holding addresses, and the columns that, with `email`, must stay unique (None: not unique).
const TABLES: [(&str, Option<&str>); 4] = [
    ("app_user", Some("")),
    ("subscriber", Some("")),
    ("event_registration", Some("event_id")),
    ("organisation_invitation", None),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for (table, unique_with) in TABLES {
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT DISTINCT email FROM {table} WHERE email IS NOT NULL"),
                ))
                .await?;
            for row in rows {
                let stored: String = row.try_get("", "email")?;
                let Some(canonical) = canonical(&stored).filter(|c| *c != stored) else { continue };
                let (old, new) = placeholders(backend);
                let sql = match unique_with {
                    None => format!("UPDATE {table} SET email = {new} WHERE email = {old}"),
                    Some("") => format!(
                        "UPDATE {table} SET email = {new} WHERE email = {old} \
                         AND NOT EXISTS (SELECT 1 FROM {table} other WHERE other.email = {new})"
                    ),
                    Some(column) => format!(
                        "UPDATE {table} SET email = {new} WHERE email = {old} AND NOT EXISTS \
                         (SELECT 1 FROM {table} other WHERE other.email = {new} AND other.{column} = {table}.{column})"
                    ),
                };
                let mut values = match backend {
                    DbBackend::Postgres => vec![stored.clone().into(), canonical.clone().into()],
                    _ => vec![canonical.clone().into(), stored.clone().into()],
                };
                if backend != DbBackend::Postgres && unique_with.is_some() {
                    values.push(canonical.clone().into());
                }
                db.execute_raw(Statement::from_sql_and_values(backend, &sql, values)).await?;
                let left = db
                    .query_one_raw(Statement::from_sql_and_values(
                        backend,
                        format!("SELECT COUNT(*) AS n FROM {table} WHERE email = {}", placeholders(backend).0),
                        vec![stored.clone().into()],
                    ))
                    .await?
                    .map(|row| row.try_get::<i64>("", "n"))
                    .transpose()?
                    .unwrap_or(0);
                if left > 0 {
                    tracing::warn!(
                        table,
                        rows = left,
                        "an e-mail address could not take its canonical form, which another row holds; left as it is"
                    );
                }
            }
        }
        Ok(())
    }

    /// Canonical addresses stay: the earlier spellings are not kept anywhere.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

/// `(stored, canonical)` placeholders: PostgreSQL numbers them, SQLite takes the values in order of appearance
/// (canonical, stored, and canonical again for the collision check).
fn placeholders(backend: DbBackend) -> (&'static str, &'static str) {
    match backend {
        DbBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    }
}

/// The canonical form of a stored (already lower-cased) address, if it has one.
fn canonical(stored: &str) -> Option<String> {
    let (local, domain) = stored.rsplit_once('@')?;
    let local = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')).unwrap_or(local);
    let atom_chars = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
    let dot_atom =
        |text: &str| !text.is_empty() && text.split('.').all(|atom| !atom.is_empty() && atom.bytes().all(atom_chars));
    if !dot_atom(local) || domain.starts_with('[') {
        return None;
    }
    let domain = idna::domain_to_ascii_strict(domain).ok()?;
    Some(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn stored_addresses_take_the_canonical_form() {
        assert_eq!(canonical("\"dupe.person\"@example.org").as_deref(), Some("dupe.person@example.org"));
        assert_eq!(canonical("ana@bücher.example").as_deref(), Some("ana@xn--bcher-kva.example"));
        assert_eq!(canonical("ana@example.org").as_deref(), Some("ana@example.org"));
        assert_eq!(canonical("\"dupe person\"@example.org"), None);
    }
}
