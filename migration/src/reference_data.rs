//! Reading the reference data files embedded in this crate and inserting them in batches.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

/// Parses an embedded CSV file (with a header row) into records, failing the migration on a malformed row.
pub fn records(name: &str, csv_text: &str) -> Result<Vec<csv::StringRecord>, DbErr> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DbErr::Migration(format!("reference data {name}: {e}")))
}

/// Inserts rows in batches small enough for SQLite's bound-parameter limit.
pub async fn insert_rows(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    rows: Vec<Vec<SimpleExpr>>,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for chunk in rows.chunks(200) {
        let mut insert = Query::insert();
        insert.into_table(table).columns(columns.iter().copied().map(Alias::new));
        for row in chunk {
            insert.values(row.clone()).map_err(|e| DbErr::Migration(e.to_string()))?;
        }
        db.execute(&insert).await?;
    }
    Ok(())
}
