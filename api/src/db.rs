//! Connecting to SQLite (embedded default) or PostgreSQL, and bringing the schema up to date.

use crate::config::Config;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

/// A pooled connection idle for at least this long is pinged before it is handed out, and replaced when the
/// database dropped it (a restart, a proxy's or firewall's idle timeout); one used more recently is handed out
/// as it is. sqlx's default pings on every checkout: a round trip to PostgreSQL (or to SQLite's connection
/// thread) before every statement, five per page of the public region list (BENCHMARKS.md). HikariCP skips the
/// same check for connections used within the last 500 ms.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// How many rows a SQLite connection's thread may read ahead of the request that asked for them. sqlx hands
/// every row from that thread to the request's task over a channel of this size (50 by default); when the
/// thread is faster, a full channel puts it to sleep and every row the request takes wakes it again: 188 context
/// switches per page query of the bench (about 490 rows in 4 statements), 16 with room for whole statements, and
/// 16% less CPU per request (BENCHMARKS.md). 1,024 also holds the partners of a page of 100 partnerships at the
/// bench's eight each. Every read collects its rows anyway, so the channel holds nothing the result would not.
const SQLITE_ROW_BUFFER: usize = 1024;

/// Opens the connection pool. SQLite gets WAL, a busy timeout and foreign keys, so concurrent requests wait
/// for each other instead of failing with "database is locked".
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.limits.db_max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .row_buffer_size(SQLITE_ROW_BUFFER)
        });
    Database::connect(options).await
}

/// Applies every pending migration; running it again changes nothing.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Statement};

    /// `.cargo/config.toml` builds the bundled SQLite without its process-wide locks and without re-planning a
    /// statement for each bound value (BENCHMARKS.md, issue 14): a cargo command that does not pick the file up
    /// (run from outside the repository) fails here.
    #[tokio::test]
    async fn the_bundled_sqlite_is_built_without_process_wide_locks_or_replanning() {
        let db = connect(&Config::for_database("sqlite::memory:")).await.expect("in-memory SQLite");
        let statement =
            Statement::from_string(db.get_database_backend(), "SELECT compile_options FROM pragma_compile_options");
        let options: Vec<String> = db
            .query_all_raw(statement)
            .await
            .expect("compile options")
            .iter()
            .map(|row| row.try_get::<String>("", "compile_options").expect("text"))
            .collect();
        assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    }
}
