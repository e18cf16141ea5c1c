//! The test harness: `each_backend(|app| async move { ... })` starts a fresh, migrated server per backend.

use api::app::App;
use api::clock::ManualClock;
use api::config::Config;
use api::mail::Mailer;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
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
    pub database_url: String,
    /// The directory the server writes its mail into, as `.eml` files (no SMTP server in tests).
    pub mail_dir: PathBuf,
    /// Wakes the server's mail sender.
    pub mailer: Mailer,
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

fn postgres_url() -> Option<String> {
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
    let app = App::build(config, Arc::new(clock)).await.expect("the server starts");
    let address = format!("http://{}", app.local_addr().expect("bound address"));
    let mailer = app.state().mailer.clone();
    let (shutdown, stop) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        app.run_until(async {
            let _ = stop.await;
        })
        .await
        .expect("the server runs");
    });
    let client = reqwest::Client::builder().build().expect("HTTP client");
    let app = TestApp { address, client, database_url, mail_dir: mail_dir.path().to_path_buf(), mailer };
    (app, Teardown { shutdown, server, postgres_database, _sqlite_dir: sqlite_dir, _mail_dir: mail_dir })
}

/// A fresh database on the PostgreSQL server of `IMPACT_TEST_POSTGRES`; fails loudly when it is unreachable.
async fn create_postgres_database() -> (String, String, String) {
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
            match Database::connect(&admin_url).await {
                Ok(admin) => {
                    if let Err(e) =
                        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await
                    {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                    admin.close().await.ok();
                }
                Err(e) => eprintln!("could not drop test database {name}: {e}"),
            }
        }
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

    /// The raw messages (.eml) delivered to `address`, waiting up to 5 s for the first to arrive (the sender
    /// works in the background); empty if none came.
    pub async fn mails_to(&self, address: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let mails = mails_to(&self.mail_dir, address);
            if !mails.is_empty() || Instant::now() >= deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
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

/// The `.eml` files in `dir` whose recipient (`To:`) is `address`, as they are now.
pub fn mails_to(dir: &Path, address: &str) -> Vec<String> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read mail directory {}: {e}", dir.display()));
    entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        // A file being written may still be empty; it has no `To:` yet and is read on the next look.
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter(|mail| {
            mail.lines().map(|line| line.trim_end_matches('\r')).take_while(|line| !line.is_empty()).any(|line| {
                line.split_once(':').is_some_and(|(name, value)| {
                    name.eq_ignore_ascii_case("to") && recipient(value).eq_ignore_ascii_case(address)
                })
            })
        })
        .collect()
}

/// The address of a header value such as `maria@example.org` or `Maria <maria@example.org>`.
fn recipient(value: &str) -> &str {
    let value = value.trim();
    match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value,
    }
}
