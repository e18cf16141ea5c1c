//! The `impact` binary as a child process: one-shot commands run to their end ([`run_impact`]), and, for tests
//! about the process itself (a crash, a graceful stop), a server on a database of its own (`fresh_databases`),
//! on a free port, killed when dropped.

use super::app::{Backend, create_postgres_database, drop_postgres_database, postgres_url};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An empty database of one backend that no in-process server uses; `remove` drops a PostgreSQL one.
pub struct FreshDatabase {
    pub backend: Backend,
    pub url: String,
    dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl FreshDatabase {
    /// A directory that lives as long as the database (for the server's mail).
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub async fn remove(self) {
        if let Some((admin_url, name)) = self.postgres {
            drop_postgres_database(&admin_url, &name).await;
        }
    }
}

/// Runs a one-shot `impact` command (`create-admin`, `seed`) to its end, on a blocking thread: a test's
/// runtime also runs its in-process server, and blocking it would freeze that server mid-transaction, leaving
/// the command waiting for SQLite's write lock until its busy timeout ("database is locked").
///
/// The command is built at the call, so the arguments need not outlive the future.
pub fn run_impact(args: &[&str], envs: &[(&str, &str)]) -> impl Future<Output = std::process::Output> + use<> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_impact"));
    command.args(args).env("RUST_LOG", "warn");
    for (name, value) in envs {
        command.env(name, value);
    }
    async move {
        tokio::task::spawn_blocking(move || command.output().expect("impact runs")).await.expect("the command's thread")
    }
}

/// A fresh SQLite database, and a PostgreSQL one when `IMPACT_TEST_POSTGRES` is set.
pub async fn fresh_databases() -> Vec<FreshDatabase> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("impact.db").display());
    let mut databases = vec![FreshDatabase { backend: Backend::Sqlite, url, dir, postgres: None }];
    if postgres_url().is_some() {
        let (admin_url, name, url) = create_postgres_database().await;
        let dir = tempfile::tempdir().expect("temporary directory");
        databases.push(FreshDatabase { backend: Backend::Postgres, url, dir, postgres: Some((admin_url, name)) });
    }
    databases
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `impact serve`; killed (SIGKILL) when dropped.
pub struct ServerProcess {
    pub child: Child,
    /// `http://127.0.0.1:port`.
    pub address: String,
}

impl ServerProcess {
    /// Starts the binary on `database_url` with `envs` added (mail into `mail_dir`) and waits until it answers.
    pub async fn start(database_url: &str, mail_dir: &std::path::Path, envs: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_impact"));
        command
            .env("DATABASE_URL", database_url)
            .env("IMPACT_LISTEN", format!("127.0.0.1:{port}"))
            .env("IMPACT_MAIL_DIR", mail_dir)
            .env("RUST_LOG", "warn")
            .stderr(Stdio::null());
        for (name, value) in envs {
            command.env(name, value);
        }
        let server = ServerProcess {
            child: command.spawn().expect("impact starts"),
            address: format!("http://127.0.0.1:{port}"),
        };
        server.wait_until_ready().await;
        server
    }

    async fn wait_until_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answered = client
                .post(format!("{}/graphql", self.address))
                .json(&serde_json::json!({ "query": "{ __typename }" }))
                .send()
                .await;
            if answered.is_ok_and(|response| response.status().is_success()) {
                return;
            }
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends `signal` (`KILL`, `TERM`) and waits until the process has ended.
    pub async fn signal(&mut self, signal: &str) {
        let sent = Command::new("kill").args([&format!("-{signal}"), &self.child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the server did not stop");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
