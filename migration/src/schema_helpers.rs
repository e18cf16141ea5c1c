//! Small builders shared by the schema migrations: named foreign keys and indexes.

use sea_orm_migration::prelude::*;

/// A foreign key `fk_{table}_{column}` from `table.column` to `to.to_column`.
pub fn foreign_key(
    table: &'static str,
    column: &'static str,
    to: &'static str,
    to_column: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(to, to_column)
        .on_delete(on_delete)
        .to_owned()
}

/// The name `index` gives an index on `columns` of `table`: `idx_{table}_{columns...}`.
pub fn index_name(table: &str, columns: &[&str]) -> String {
    format!("idx_{table}_{}", columns.join("_"))
}

/// An index `index_name(table, columns)` on `columns` in order.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(index_name(table, columns)).table(table);
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}
