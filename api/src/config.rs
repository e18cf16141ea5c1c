//! The one typed configuration, read from the environment (and `.env`) or CLI flags, with every limit in one place.
//!
//! Each flag's value name is its environment variable, so a bad value stops start-up with a message naming it.

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://impact.db?mode=rwc";
pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 100;
const DEFAULT_MAX_QUERY_DEPTH: usize = 12;
const DEFAULT_MAX_QUERY_COMPLEXITY: usize = 5000;
const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
const DEFAULT_DB_MAX_CONNECTIONS: u32 = 10;
const DEFAULT_MAIL_DIR: &str = "mail";
const DEFAULT_MAIL_FROM: &str = "IMPACT <no-reply@impact.localhost>";
const DEFAULT_MAIL_POLL_SECS: u64 = 5;
const DEFAULT_MAIL_MAX_ATTEMPTS: u32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Production => "production",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database: `sqlite://FILE?mode=rwc` (embedded default) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "DATABASE_URL", value_name = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Address the HTTP server listens on.
    #[arg(long, env = "IMPACT_LISTEN", value_name = "IMPACT_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: SocketAddr,

    /// `development` (GraphiQL, introspection, readable logs) or `production` (none of those, JSON logs).
    #[arg(
        long = "env",
        env = "IMPACT_ENV",
        value_name = "IMPACT_ENV",
        value_enum,
        default_value = "development",
        global = true
    )]
    pub environment: Environment,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub mail: Mail,
}

/// Every limit the server enforces; `apiInfo.limits` publishes them to frontends.
#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Deepest selection set a GraphQL operation may have.
    #[arg(long, env = "IMPACT_MAX_QUERY_DEPTH", value_name = "IMPACT_MAX_QUERY_DEPTH", default_value_t = DEFAULT_MAX_QUERY_DEPTH, global = true)]
    pub max_query_depth: usize,

    /// Highest complexity (fields, multiplied by page sizes) an operation may have.
    #[arg(long, env = "IMPACT_MAX_QUERY_COMPLEXITY", value_name = "IMPACT_MAX_QUERY_COMPLEXITY", default_value_t = DEFAULT_MAX_QUERY_COMPLEXITY, global = true)]
    pub max_query_complexity: usize,

    /// Largest request body, in bytes.
    #[arg(long, env = "IMPACT_MAX_BODY_BYTES", value_name = "IMPACT_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES, global = true)]
    pub max_body_bytes: usize,

    /// Longest time a request may take, in seconds, before it is answered 504.
    #[arg(long, env = "IMPACT_REQUEST_TIMEOUT_SECS", value_name = "IMPACT_REQUEST_TIMEOUT_SECS", default_value_t = DEFAULT_REQUEST_TIMEOUT_SECS, global = true)]
    pub request_timeout_secs: u64,

    /// Database connection pool size.
    #[arg(long, env = "IMPACT_DB_MAX_CONNECTIONS", value_name = "IMPACT_DB_MAX_CONNECTIONS", default_value_t = DEFAULT_DB_MAX_CONNECTIONS, global = true)]
    pub db_max_connections: u32,
}

impl Limits {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
    pub fn default_page_size(&self) -> usize {
        DEFAULT_PAGE_SIZE
    }
    pub fn max_page_size(&self) -> usize {
        MAX_PAGE_SIZE
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_query_depth: DEFAULT_MAX_QUERY_DEPTH,
            max_query_complexity: DEFAULT_MAX_QUERY_COMPLEXITY,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout_secs: DEFAULT_REQUEST_TIMEOUT_SECS,
            db_max_connections: DEFAULT_DB_MAX_CONNECTIONS,
        }
    }
}

/// How outgoing mail leaves: by SMTP when `IMPACT_SMTP_URL` is set, otherwise as `.eml` files in a directory.
#[derive(Debug, Clone, Args)]
pub struct Mail {
    /// SMTP server, e.g. `smtp://host:25`, `smtp://user:pass@host:587?tls=required` or `smtps://user:pass@host`.
    /// Unset: every mail is written as an `.eml` file into IMPACT_MAIL_DIR instead.
    #[arg(long, env = "IMPACT_SMTP_URL", value_name = "IMPACT_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Directory that receives the `.eml` files when no SMTP server is configured (created if missing).
    #[arg(long, env = "IMPACT_MAIL_DIR", value_name = "IMPACT_MAIL_DIR", default_value = DEFAULT_MAIL_DIR, global = true)]
    pub mail_dir: PathBuf,

    /// Sender of every mail, e.g. `IMPACT <no-reply@example.org>`.
    #[arg(long, env = "IMPACT_MAIL_FROM", value_name = "IMPACT_MAIL_FROM", default_value = DEFAULT_MAIL_FROM, global = true)]
    pub mail_from: String,

    /// Seconds between two looks at the outbox (a commit that enqueues mail wakes the sender at once).
    #[arg(long = "mail-poll-secs", env = "IMPACT_MAIL_POLL_SECS", value_name = "IMPACT_MAIL_POLL_SECS", default_value_t = DEFAULT_MAIL_POLL_SECS, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub poll_secs: u64,

    /// Delivery attempts per mail before it is marked FAILED.
    #[arg(long = "mail-max-attempts", env = "IMPACT_MAIL_MAX_ATTEMPTS", value_name = "IMPACT_MAIL_MAX_ATTEMPTS", default_value_t = DEFAULT_MAIL_MAX_ATTEMPTS, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_attempts: u32,
}

impl Mail {
    pub fn poll_interval(&self) -> Duration {
        Duration::from_secs(self.poll_secs)
    }
}

impl Default for Mail {
    fn default() -> Self {
        Self {
            smtp_url: None,
            mail_dir: PathBuf::from(DEFAULT_MAIL_DIR),
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            poll_secs: DEFAULT_MAIL_POLL_SECS,
            max_attempts: DEFAULT_MAIL_MAX_ATTEMPTS,
        }
    }
}

impl Config {
    /// A development configuration for `database_url`, listening on an ephemeral port (tests, tools).
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            environment: Environment::Development,
            limits: Limits::default(),
            mail: Mail::default(),
        }
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }
}
