//! The application: shared state, start-up (connect, migrate, bind) and serving until shutdown.

use crate::auth::authenticate::Authenticator;
use crate::clock::SharedClock;
use crate::config::{Config, CorsOrigins};
use crate::domain::Services;
use crate::domain::domain_events::spawn_publisher;
use crate::domain::reference::Countries;
use crate::graphql::{self, AppExecutor};
use crate::http::metrics::Metrics;
use crate::mail::{self, RetryPolicy};
use crate::{db, http};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// How often the event publisher looks for events without being woken (events of other instances).
const EVENT_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    /// The GraphQL schema as HTTP and WebSocket run it.
    pub graphql: AppExecutor,
    pub metrics: Arc<Metrics>,
    /// Browser origins allowed by CORS (checked at start-up).
    pub cors_origins: CorsOrigins,
}

/// A started (migrated, bound) but not yet serving application.
pub struct App {
    state: AppState,
    listener: TcpListener,
}

impl App {
    /// Loads the signing keys, connects to the database, applies pending migrations, binds the listener
    /// (port 0 picks a free port) and starts the mail sender, the event publisher and the change feed's prune.
    pub async fn build(config: Config, clock: SharedClock) -> anyhow::Result<Self> {
        let cors_origins = config.allowed_origins().map_err(anyhow::Error::msg)?;
        let metrics = Arc::new(Metrics::new(config.limits.db_max_connections).context("cannot set up the metrics")?);
        let db = db::connect(&config).await.with_context(|| {
            format!("cannot connect to the database (DATABASE_URL={})", redact(&config.database_url))
        })?;
        db::migrate(&db).await.context("database migrations failed")?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on IMPACT_LISTEN={}", config.listen))?;
        let services = start_services(db, Arc::new(config), clock).await?;
        let retention = services.config.live.change_retention();
        crate::domain::live::feed::spawn_prune(services.db.clone(), services.clock.clone(), retention);
        crate::domain::webhooks::dispatch::spawn(services.clone());
        let graphql = graphql::build_executor(&services);
        Ok(Self { state: AppState { services, graphql, metrics, cors_origins }, listener })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let router = http::router(self.state);
        axum::serve(self.listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// The services of a running server on a migrated database: the signing keys, and the mail sender and the
/// event publisher started on the current runtime (each with its own connection pool when `background_db`
/// differs). The server and the tests build them this one way.
pub async fn start_services(
    db: DatabaseConnection,
    config: Arc<Config>,
    clock: SharedClock,
) -> anyhow::Result<Services> {
    let background = db.clone();
    start_services_with(db, background, config, clock).await
}

/// Like [`start_services`], with the background tasks on `background_db` (tests that count the statements
/// of a request keep the tasks' polling off the counted connection).
pub async fn start_services_with(
    db: DatabaseConnection,
    background_db: DatabaseConnection,
    config: Arc<Config>,
    clock: SharedClock,
) -> anyhow::Result<Services> {
    let authenticator = Arc::new(Authenticator::from_config(&config)?);
    let transport = mail::Transport::from_config(&config.mail)?;
    let mailer = mail::spawn(
        background_db.clone(),
        transport,
        clock.clone(),
        RetryPolicy::from_config(&config.mail),
        config.mail.poll_interval(),
    );
    let publisher = spawn_publisher(background_db, EVENT_POLL_INTERVAL).await?;
    let countries = Countries::load(&db).await.context("cannot read the countries")?;
    Ok(Services { db, clock, config, mailer, publisher, authenticator, countries })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing requests in flight");
}

/// The database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/impact"), "postgres://app:***@db:5432/impact");
        assert_eq!(redact("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
        assert_eq!(redact("sqlite://impact.db?mode=rwc"), "sqlite://impact.db?mode=rwc");
    }
}
