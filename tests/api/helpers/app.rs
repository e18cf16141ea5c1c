//! The server under test: `each_backend(|app| async move { ... })` starts a fresh, migrated server per backend,
//! built by `App::build` like the real one; requests as a frontend sends them.

use api::app::App;
use api::clock::ManualClock;
use api::config::Config;
use api::mail::Mailer;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::oneshot;

pub const POSTGRES_ENV: &str = "IMPACT_TEST_POSTGRES";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the server's clock stands (it moves only when a test moves it).
pub fn server_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap()
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub database_url: String,
    /// The directory the server writes its mail into, as `.eml` files (no SMTP server in tests).
    pub mail_dir: PathBuf,
    /// Wakes the server's mail sender.
    pub mailer: Mailer,
    /// The server's own connection pool (to take the database away from a running server).
    pub server_db: sea_orm::DatabaseConnection,
}

/// What is torn down after the test, whether it passed or not.
struct Teardown {
    shutdown: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
    postgres_database: Option<(String, String)>,
    _sqlite_dir: Option<tempfile::TempDir>,
    _mail_dir: tempfile::TempDir,
}

/// Runs `test` on SQLite, then on PostgreSQL when `IMPACT_TEST_POSTGRES` is set.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    each_backend_with(|_| {}, test).await
}

/// Like `each_backend`, with the server's configuration adjusted first.
pub async fn each_backend_with<C, F, Fut>(configure: C, test: F)
where
    C: Fn(&mut Config),
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut backends = vec![Backend::Sqlite];
    if postgres_url().is_some() {
        backends.push(Backend::Postgres);
    }
    for backend in backends {
        let (app, teardown) = spawn(backend, &configure).await;
        let outcome = tokio::spawn(test(app)).await;
        teardown.run().await;
        if let Err(error) = outcome {
            if error.is_panic() {
                eprintln!("test failed on {backend:?}");
                std::panic::resume_unwind(error.into_panic());
            }
            panic!("test task on {backend:?} was cancelled: {error}");
        }
    }
}

pub(super) fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|v| !v.trim().is_empty())
}

async fn spawn(backend: Backend, configure: &impl Fn(&mut Config)) -> (TestApp, Teardown) {
    let (database_url, postgres_database, sqlite_dir) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("impact.db").display());
            (url, None, Some(dir))
        }
        Backend::Postgres => {
            let (admin_url, name, url) = create_postgres_database().await;
            (url, Some((admin_url, name)), None)
        }
    };
    let mail_dir = tempfile::tempdir().expect("temporary directory");
    let mut config = Config::for_database(database_url.clone());
    config.mail.mail_dir = mail_dir.path().to_path_buf();
    configure(&mut config);
    let clock = ManualClock::new(server_start());
    let app = App::build(config, Arc::new(clock.clone())).await.expect("the server starts");
    let address = format!("http://{}", app.local_addr().expect("bound address"));
    let mailer = app.state().services.mailer.clone();
    let server_db = app.state().services.db.clone();
    let (shutdown, stop) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        app.run_until(async {
            let _ = stop.await;
        })
        .await
        .expect("the server runs");
    });
    let client = reqwest::Client::builder().build().expect("HTTP client");
    let app =
        TestApp { address, client, clock, database_url, mail_dir: mail_dir.path().to_path_buf(), mailer, server_db };
    (app, Teardown { shutdown, server, postgres_database, _sqlite_dir: sqlite_dir, _mail_dir: mail_dir })
}

/// A fresh database on the PostgreSQL server of `IMPACT_TEST_POSTGRES`; fails loudly when it is unreachable.
pub(super) async fn create_postgres_database() -> (String, String, String) {
    let admin_url = postgres_url().expect("IMPACT_TEST_POSTGRES is set");
    let admin = Database::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin_url} is set but PostgreSQL is unreachable: {e}"));
    let name = format!("impact_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    admin.close().await.ok();
    let base = admin_url.split('?').next().unwrap_or(&admin_url);
    let url = match base.rfind('/') {
        Some(slash) if slash > base.find("://").map_or(0, |i| i + 2) => format!("{}/{name}", &base[..slash]),
        _ => format!("{base}/{name}"),
    };
    (admin_url, name, url)
}

impl Teardown {
    async fn run(self) {
        let _ = self.shutdown.send(());
        self.server.abort();
        let _ = self.server.await;
        if let Some((admin_url, name)) = self.postgres_database {
            drop_postgres_database(&admin_url, &name).await;
        }
    }
}

/// Drops the test database `name` (reported, not failed, when it cannot be).
pub(super) async fn drop_postgres_database(admin_url: &str, name: &str) {
    match Database::connect(admin_url).await {
        Ok(admin) => {
            if let Err(e) = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await
            {
                eprintln!("could not drop test database {name}: {e}");
            }
            admin.close().await.ok();
        }
        Err(e) => eprintln!("could not drop test database {name}: {e}"),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs a GraphQL request as `application/json` and returns the whole response body; asserts HTTP 200.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        let status = response.status();
        let body: Value = response.json().await.expect("JSON body");
        assert_eq!(status, 200, "unexpected status; body: {body}");
        body
    }

    /// The `data` of a request that must succeed without errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// The `extensions.code` of the first error of a request that must fail.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let body = self.graphql(query, variables).await;
        first_error_code(&body)
    }
}

pub fn first_error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code, got {body}"))
        .to_owned()
}

impl TestApp {
    /// POSTs a GraphQL request with a bearer token; asserts HTTP 200 and returns the body.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        let status = response.status();
        let body: Value = response.json().await.expect("JSON body");
        assert_eq!(status, 200, "unexpected status; body: {body}");
        body
    }

    /// The `data` of an authenticated request that must succeed without errors.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }
}

pub fn user_errors(payload: &Value) -> Value {
    payload["userErrors"].clone()
}

/// Production mode, with the signing secret production requires.
pub fn production(config: &mut Config) {
    config.environment = api::config::Environment::Production;
    config.auth.jwt_secret = Some("a production-like secret of at least 32 bytes".to_owned());
}

/// The GraphQL schema (as the server runs it) on a connection of the test's own (to count its SQL statements, say), with the
/// services a server has (built the server's way); mail goes to a throwaway directory.
pub async fn schema_on(db: &sea_orm::DatabaseConnection, database_url: &str) -> api::graphql::AppExecutor {
    let mut config = Config::for_database(database_url);
    config.mail.mail_dir = std::env::temp_dir().join("impact-test-mail");
    let clock: api::clock::SharedClock = Arc::new(api::clock::SystemClock);
    // The background tasks poll their own connection, so they do not show among the statements counted on `db`.
    let background = api::db::connect(&config).await.expect("database");
    let services =
        api::app::start_services_with(db.clone(), background, Arc::new(config), clock).await.expect("services start");
    api::graphql::build_executor(&services)
}

/// The services of a server (built the server's way) on the test's database, to call domain commands directly.
pub async fn services_on(app: &TestApp) -> api::domain::Services {
    let mut config = Config::for_database(app.database_url.clone());
    config.mail.mail_dir = app.mail_dir.clone();
    let db = api::db::connect(&config).await.expect("database");
    api::app::start_services(db, Arc::new(config), Arc::new(app.clock.clone())).await.expect("services start")
}
