//! The one typed configuration, read from the environment (and `.env`) or CLI flags, with every limit in one place.
//!
//! Each flag's value name is its environment variable, so a bad value stops start-up with a message naming it.

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://impact.db?mode=rwc";
pub const DEFAULT_FRONTEND_URL: &str = "http://localhost:3000";
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
const DEFAULT_SUBSCRIPTION_TOKEN_TTL_SECS: u64 = 48 * 3600;
/// The version of the consent wording a subscriber agrees to; recorded with every consent change. Change it
/// whenever the wording the frontends show changes.
pub const CONSENT_WORDING_VERSION: &str = "2026-02-v1";
pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 100;
const DEFAULT_MAX_QUERY_DEPTH: usize = 12;
const DEFAULT_MAX_QUERY_COMPLEXITY: usize = 200_000;
const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
const DEFAULT_MAX_QUERY_BYTES: usize = 64 * 1024;
const DEFAULT_MAX_QUERY_TOKENS: usize = 10_000;
const DEFAULT_MAX_QUERY_FIELDS: usize = 2_000;
const DEFAULT_MAX_ALIASES: usize = 30;
const DEFAULT_MAX_DIRECTIVES: usize = 4;
const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
const DEFAULT_MAX_PASSWORD_CHECKS: u32 = 2;
const DEFAULT_MAX_TEXT_LENGTH: usize = 20_000;
const DEFAULT_MAX_LIST_INPUT: usize = 100;
const DEFAULT_MAIL_MAX_PER_ADDRESS: u32 = 3;
const DEFAULT_MAIL_MAX_PER_CLIENT: u32 = 30;
const DEFAULT_MAIL_LIMIT_WINDOW_SECS: u64 = 3600;
/// Deepest nesting of brackets (`{`, `[`, `(`) a document may have; deeper would strain the parser's stack.
pub const MAX_QUERY_NESTING: usize = 64;
/// What a list without paging counts in the complexity: the items it is assumed to hold.
pub const UNPAGED_LIST_WEIGHT: usize = 10;
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

    /// The frontend that mails link to (`/verify-email?token=...`, `/reset-password?token=...`).
    #[arg(long, env = "IMPACT_FRONTEND_URL", value_name = "IMPACT_FRONTEND_URL", default_value = DEFAULT_FRONTEND_URL, global = true)]
    pub frontend_url: String,

    /// The public base URL of this API, for links served by the API itself (one-click `/unsubscribe/TOKEN`).
    #[arg(long, env = "IMPACT_PUBLIC_URL", value_name = "IMPACT_PUBLIC_URL", default_value = DEFAULT_PUBLIC_URL, global = true)]
    pub public_url: String,

    /// Lifetime of newsletter subscription confirmation links.
    #[arg(long, env = "IMPACT_SUBSCRIPTION_TOKEN_TTL_SECS", value_name = "IMPACT_SUBSCRIPTION_TOKEN_TTL_SECS", default_value_t = DEFAULT_SUBSCRIPTION_TOKEN_TTL_SECS, global = true)]
    pub subscription_token_ttl_secs: u64,

    /// Browser origins allowed to call the API (CORS), comma-separated, e.g. `https://impact.eu,http://localhost:5173`;
    /// `none` allows none. Unset: the origin of IMPACT_FRONTEND_URL.
    #[arg(long, env = "IMPACT_CORS_ORIGINS", value_name = "IMPACT_CORS_ORIGINS", value_parser = parse_cors_origins, global = true)]
    pub cors_origins: Option<CorsOrigins>,

    /// When set, `GET /metrics` requires `Authorization: Bearer <this token>`; unset, it is open. Never logged.
    #[arg(
        long,
        env = "IMPACT_METRICS_TOKEN",
        value_name = "IMPACT_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,

    /// OpenTelemetry traces: the OTLP/HTTP endpoint of a collector (e.g. `http://localhost:4318`; spans go to
    /// its `/v1/traces`). Unset: no traces are exported.
    #[arg(long, env = "IMPACT_OTLP_ENDPOINT", value_name = "IMPACT_OTLP_ENDPOINT", global = true)]
    pub otlp_endpoint: Option<String>,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub mail: Mail,

    #[command(flatten)]
    pub auth: Auth,

    #[command(flatten)]
    pub programme: Programme,

    #[command(flatten)]
    pub live: Live,

    #[command(flatten)]
    pub webhooks: Webhooks,
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

    /// Largest GraphQL document (the `query` text), in bytes; checked before it is parsed.
    #[arg(long, env = "IMPACT_MAX_QUERY_BYTES", value_name = "IMPACT_MAX_QUERY_BYTES", default_value_t = DEFAULT_MAX_QUERY_BYTES, global = true)]
    pub max_query_bytes: usize,

    /// Most tokens (names, punctuation, values) a GraphQL document may have; counted before it is parsed.
    #[arg(long, env = "IMPACT_MAX_QUERY_TOKENS", value_name = "IMPACT_MAX_QUERY_TOKENS", default_value_t = DEFAULT_MAX_QUERY_TOKENS, global = true)]
    pub max_query_tokens: usize,

    /// Most selections (fields and fragments) a document may have once every fragment spread is expanded.
    #[arg(long, env = "IMPACT_MAX_QUERY_FIELDS", value_name = "IMPACT_MAX_QUERY_FIELDS", default_value_t = DEFAULT_MAX_QUERY_FIELDS, global = true)]
    pub max_query_fields: usize,

    /// Most aliases a document may use (fragments expanded), against alias overloading.
    #[arg(long, env = "IMPACT_MAX_ALIASES", value_name = "IMPACT_MAX_ALIASES", default_value_t = DEFAULT_MAX_ALIASES, global = true)]
    pub max_aliases: usize,

    /// Most directives on one field, fragment or operation (unknown and repeated directives are refused anyway).
    #[arg(long, env = "IMPACT_MAX_DIRECTIVES", value_name = "IMPACT_MAX_DIRECTIVES", default_value_t = DEFAULT_MAX_DIRECTIVES, global = true)]
    pub max_directives: usize,

    /// Largest response (`data`) a GraphQL request may produce, in bytes (approximately); execution stops beyond.
    #[arg(long, env = "IMPACT_MAX_RESPONSE_BYTES", value_name = "IMPACT_MAX_RESPONSE_BYTES", default_value_t = DEFAULT_MAX_RESPONSE_BYTES, global = true)]
    pub max_response_bytes: usize,

    /// Most password (or client secret) hashes and checks one request may cause, whatever its aliases.
    #[arg(long, env = "IMPACT_MAX_PASSWORD_CHECKS", value_name = "IMPACT_MAX_PASSWORD_CHECKS", default_value_t = DEFAULT_MAX_PASSWORD_CHECKS, global = true)]
    pub max_password_checks: u32,

    /// Longest text any input value may have, in characters (fields have their own, lower maxima).
    #[arg(long, env = "IMPACT_MAX_TEXT_LENGTH", value_name = "IMPACT_MAX_TEXT_LENGTH", default_value_t = DEFAULT_MAX_TEXT_LENGTH, global = true)]
    pub max_text_length: usize,

    /// Most items any list in the input may have.
    #[arg(long, env = "IMPACT_MAX_LIST_INPUT", value_name = "IMPACT_MAX_LIST_INPUT", default_value_t = DEFAULT_MAX_LIST_INPUT, global = true)]
    pub max_list_input: usize,

    /// Most mails to one address that callers may ask for (subscribe, register, a reset or verification link, an
    /// event registration or an invitation by e-mail), per window, whatever the number of aliases or instances.
    #[arg(long, env = "IMPACT_MAIL_MAX_PER_ADDRESS", value_name = "IMPACT_MAIL_MAX_PER_ADDRESS", default_value_t = DEFAULT_MAIL_MAX_PER_ADDRESS, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub mail_max_per_address: u32,

    /// Most such mails one client address may ask for, to any addresses, per window.
    #[arg(long, env = "IMPACT_MAIL_MAX_PER_CLIENT", value_name = "IMPACT_MAIL_MAX_PER_CLIENT", default_value_t = DEFAULT_MAIL_MAX_PER_CLIENT, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub mail_max_per_client: u32,

    /// The window of the two mail limits above, in seconds (fixed windows, counted in the database).
    #[arg(long, env = "IMPACT_MAIL_LIMIT_WINDOW_SECS", value_name = "IMPACT_MAIL_LIMIT_WINDOW_SECS", default_value_t = DEFAULT_MAIL_LIMIT_WINDOW_SECS, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub mail_limit_window_secs: u64,

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
            max_query_bytes: DEFAULT_MAX_QUERY_BYTES,
            max_query_tokens: DEFAULT_MAX_QUERY_TOKENS,
            max_query_fields: DEFAULT_MAX_QUERY_FIELDS,
            max_aliases: DEFAULT_MAX_ALIASES,
            max_directives: DEFAULT_MAX_DIRECTIVES,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_password_checks: DEFAULT_MAX_PASSWORD_CHECKS,
            max_text_length: DEFAULT_MAX_TEXT_LENGTH,
            max_list_input: DEFAULT_MAX_LIST_INPUT,
            mail_max_per_address: DEFAULT_MAIL_MAX_PER_ADDRESS,
            mail_max_per_client: DEFAULT_MAIL_MAX_PER_CLIENT,
            mail_limit_window_secs: DEFAULT_MAIL_LIMIT_WINDOW_SECS,
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

/// Signing algorithms the server may be pinned to (RFC 8725: the accepted algorithm is configuration, not input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JwtAlgorithm {
    #[value(name = "HS256")]
    Hs256,
    #[value(name = "EdDSA")]
    EdDsa,
    #[value(name = "RS256")]
    Rs256,
}

const DEFAULT_JWT_ISSUER: &str = "impact-api";
const DEFAULT_JWT_AUDIENCE: &str = "impact-api";
const DEFAULT_ACCESS_TOKEN_TTL_SECS: u64 = 15 * 60;
const DEFAULT_REFRESH_TOKEN_TTL_SECS: u64 = 30 * 24 * 3600;
const DEFAULT_VERIFICATION_TOKEN_TTL_SECS: u64 = 48 * 3600;
const DEFAULT_RESET_TOKEN_TTL_SECS: u64 = 3600;
const DEFAULT_LOGIN_MAX_FAILURES: u32 = 5;
const DEFAULT_LOGIN_MAX_CLIENT_FAILURES: u32 = 30;
const DEFAULT_LOGIN_MAX_ACCOUNT_FAILURES: u32 = 25;
const DEFAULT_LOGIN_LOCKOUT_SECS: u64 = 15 * 60;
const DEFAULT_LOGIN_SLOWDOWN_MS: u64 = 250;
const DEFAULT_MIN_PASSWORD_LENGTH: usize = 10;

/// Identity and access: token signing keys, lifetimes, login throttling.
#[derive(Debug, Clone, Args)]
pub struct Auth {
    /// The one algorithm access tokens are signed and accepted with.
    #[arg(
        long,
        env = "IMPACT_JWT_ALGORITHM",
        value_name = "IMPACT_JWT_ALGORITHM",
        value_enum,
        default_value = "HS256",
        global = true
    )]
    pub jwt_algorithm: JwtAlgorithm,

    /// HS256 secret (at least 32 bytes). Never logged.
    #[arg(long, env = "IMPACT_JWT_SECRET", value_name = "IMPACT_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// Earlier HS256 secrets still accepted while tokens signed with them live (comma-separated).
    #[arg(
        long,
        env = "IMPACT_JWT_PREVIOUS_SECRETS",
        value_name = "IMPACT_JWT_PREVIOUS_SECRETS",
        hide_env_values = true,
        value_delimiter = ',',
        global = true
    )]
    pub jwt_previous_secrets: Vec<String>,

    /// PEM private key (Ed25519 for EdDSA, RSA for RS256); its public key is served at /.well-known/jwks.json.
    #[arg(long, env = "IMPACT_JWT_PRIVATE_KEY_FILE", value_name = "IMPACT_JWT_PRIVATE_KEY_FILE", global = true)]
    pub jwt_private_key_file: Option<std::path::PathBuf>,

    /// Key id (`kid`) of the signing key; derived from the key when unset.
    #[arg(long, env = "IMPACT_JWT_KEY_ID", value_name = "IMPACT_JWT_KEY_ID", global = true)]
    pub jwt_key_id: Option<String>,

    /// A JWKS file of earlier public keys still accepted (rotation); they are published too.
    #[arg(long, env = "IMPACT_JWT_PREVIOUS_KEYS_FILE", value_name = "IMPACT_JWT_PREVIOUS_KEYS_FILE", global = true)]
    pub jwt_previous_keys_file: Option<std::path::PathBuf>,

    #[arg(long, env = "IMPACT_JWT_ISSUER", value_name = "IMPACT_JWT_ISSUER", default_value = DEFAULT_JWT_ISSUER, global = true)]
    pub jwt_issuer: String,

    #[arg(long, env = "IMPACT_JWT_AUDIENCE", value_name = "IMPACT_JWT_AUDIENCE", default_value = DEFAULT_JWT_AUDIENCE, global = true)]
    pub jwt_audience: String,

    #[arg(long, env = "IMPACT_ACCESS_TOKEN_TTL_SECS", value_name = "IMPACT_ACCESS_TOKEN_TTL_SECS", default_value_t = DEFAULT_ACCESS_TOKEN_TTL_SECS, global = true)]
    pub access_token_ttl_secs: u64,

    #[arg(long, env = "IMPACT_REFRESH_TOKEN_TTL_SECS", value_name = "IMPACT_REFRESH_TOKEN_TTL_SECS", default_value_t = DEFAULT_REFRESH_TOKEN_TTL_SECS, global = true)]
    pub refresh_token_ttl_secs: u64,

    /// Lifetime of e-mail verification links.
    #[arg(long, env = "IMPACT_VERIFICATION_TOKEN_TTL_SECS", value_name = "IMPACT_VERIFICATION_TOKEN_TTL_SECS", default_value_t = DEFAULT_VERIFICATION_TOKEN_TTL_SECS, global = true)]
    pub verification_token_ttl_secs: u64,

    /// Lifetime of password-reset links.
    #[arg(long, env = "IMPACT_RESET_TOKEN_TTL_SECS", value_name = "IMPACT_RESET_TOKEN_TTL_SECS", default_value_t = DEFAULT_RESET_TOKEN_TTL_SECS, global = true)]
    pub reset_token_ttl_secs: u64,

    /// Failed password checks for one account from one client address, within the lockout window, before that
    /// client is refused for the account (the owner at another address is not).
    #[arg(long, env = "IMPACT_LOGIN_MAX_FAILURES", value_name = "IMPACT_LOGIN_MAX_FAILURES", default_value_t = DEFAULT_LOGIN_MAX_FAILURES, global = true)]
    pub login_max_failures: u32,

    /// Failed logins from one client address, within the window, before it is refused.
    #[arg(long, env = "IMPACT_LOGIN_MAX_CLIENT_FAILURES", value_name = "IMPACT_LOGIN_MAX_CLIENT_FAILURES", default_value_t = DEFAULT_LOGIN_MAX_CLIENT_FAILURES, global = true)]
    pub login_max_client_failures: u32,

    /// Failed logins for one account from all client addresses together, within the window, before the account
    /// is refused everywhere (against guessing spread over many addresses); higher than the per-client limit, so
    /// one client's guessing does not lock the account's owner out.
    #[arg(long, env = "IMPACT_LOGIN_MAX_ACCOUNT_FAILURES", value_name = "IMPACT_LOGIN_MAX_ACCOUNT_FAILURES", default_value_t = DEFAULT_LOGIN_MAX_ACCOUNT_FAILURES, global = true)]
    pub login_max_account_failures: u32,

    /// Proxies whose `X-Forwarded-For` is believed (comma-separated IP addresses or CIDR ranges, e.g.
    /// `10.0.0.0/8,192.0.2.7`). A request from one of them is attributed to the right-most forwarded address
    /// outside this set; from anywhere else, to the connecting address, whatever it forwards. Unset: none.
    #[arg(long, env = "IMPACT_TRUSTED_PROXIES", value_name = "IMPACT_TRUSTED_PROXIES", value_parser = parse_trusted_proxies, default_value = "", global = true)]
    pub trusted_proxies: TrustedProxies,

    #[arg(long, env = "IMPACT_LOGIN_LOCKOUT_SECS", value_name = "IMPACT_LOGIN_LOCKOUT_SECS", default_value_t = DEFAULT_LOGIN_LOCKOUT_SECS, global = true)]
    pub login_lockout_secs: u64,

    /// Extra delay per earlier failure before answering a login (slows guessing down before the lockout).
    #[arg(long, env = "IMPACT_LOGIN_SLOWDOWN_MS", value_name = "IMPACT_LOGIN_SLOWDOWN_MS", default_value_t = DEFAULT_LOGIN_SLOWDOWN_MS, global = true)]
    pub login_slowdown_ms: u64,

    #[arg(long, env = "IMPACT_MIN_PASSWORD_LENGTH", value_name = "IMPACT_MIN_PASSWORD_LENGTH", default_value_t = DEFAULT_MIN_PASSWORD_LENGTH, global = true)]
    pub min_password_length: usize,

    /// External identity providers whose tokens are trusted, as JSON (see README).
    #[arg(long, env = "IMPACT_EXTERNAL_ISSUERS", value_name = "IMPACT_EXTERNAL_ISSUERS", global = true)]
    pub external_issuers: Option<String>,
}

impl Default for Auth {
    fn default() -> Self {
        Self {
            jwt_algorithm: JwtAlgorithm::Hs256,
            jwt_secret: None,
            jwt_previous_secrets: Vec::new(),
            jwt_private_key_file: None,
            jwt_key_id: None,
            jwt_previous_keys_file: None,
            jwt_issuer: DEFAULT_JWT_ISSUER.to_owned(),
            jwt_audience: DEFAULT_JWT_AUDIENCE.to_owned(),
            access_token_ttl_secs: DEFAULT_ACCESS_TOKEN_TTL_SECS,
            refresh_token_ttl_secs: DEFAULT_REFRESH_TOKEN_TTL_SECS,
            verification_token_ttl_secs: DEFAULT_VERIFICATION_TOKEN_TTL_SECS,
            reset_token_ttl_secs: DEFAULT_RESET_TOKEN_TTL_SECS,
            login_max_failures: DEFAULT_LOGIN_MAX_FAILURES,
            login_max_client_failures: DEFAULT_LOGIN_MAX_CLIENT_FAILURES,
            login_max_account_failures: DEFAULT_LOGIN_MAX_ACCOUNT_FAILURES,
            trusted_proxies: TrustedProxies::default(),
            login_lockout_secs: DEFAULT_LOGIN_LOCKOUT_SECS,
            login_slowdown_ms: DEFAULT_LOGIN_SLOWDOWN_MS,
            min_password_length: DEFAULT_MIN_PASSWORD_LENGTH,
            external_issuers: None,
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
            frontend_url: DEFAULT_FRONTEND_URL.to_owned(),
            public_url: DEFAULT_PUBLIC_URL.to_owned(),
            subscription_token_ttl_secs: DEFAULT_SUBSCRIPTION_TOKEN_TTL_SECS,
            cors_origins: None,
            metrics_token: None,
            otlp_endpoint: None,
            limits: Limits::default(),
            mail: Mail::default(),
            auth: Auth::default(),
            programme: Programme::default(),
            live: Live::default(),
            webhooks: Webhooks::default(),
        }
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// The origins browsers may call the API from: IMPACT_CORS_ORIGINS, or else the origin of IMPACT_FRONTEND_URL.
    /// An error names the variable at fault.
    pub fn allowed_origins(&self) -> Result<CorsOrigins, String> {
        if let Some(origins) = &self.cors_origins {
            return Ok(origins.clone());
        }
        let origin = parse_origin(&self.frontend_url, false).map_err(|reason| {
            format!(
                "IMPACT_FRONTEND_URL={} has no origin to allow for CORS ({reason}); set IMPACT_CORS_ORIGINS",
                self.frontend_url
            )
        })?;
        Ok(CorsOrigins(vec![origin]))
    }
}

/// Browser origins (`scheme://host[:port]`, normalised as browsers send them in `Origin`) allowed by CORS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CorsOrigins(pub Vec<String>);

/// `origin,origin` (each `http(s)://host[:port]`, no path) or `none`. `*` is refused: the origins are listed.
pub fn parse_cors_origins(text: &str) -> Result<CorsOrigins, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(CorsOrigins::default());
    }
    let mut origins: Vec<String> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part == "*" {
            return Err(
                "`*` is not accepted; list the origins (e.g. `https://impact.example.eu`), or `none`".to_owned()
            );
        }
        let origin = parse_origin(part, true).map_err(|reason| format!("`{part}` is not an origin: {reason}"))?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    if origins.is_empty() {
        return Err("name at least one origin such as `https://impact.example.eu`, or `none`".to_owned());
    }
    Ok(CorsOrigins(origins))
}

/// The origin of an http(s) URL, as a browser writes it (lower-case host, no default port). With `exact`, the
/// text may hold nothing but the origin (a trailing `/` aside).
fn parse_origin(text: &str, exact: bool) -> Result<String, &'static str> {
    let url = url::Url::parse(text).map_err(|_| "not a URL such as `https://impact.example.eu`")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the scheme must be http or https");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host");
    }
    if exact && (url.path() != "/" || url.query().is_some() || url.fragment().is_some()) {
        return Err("an origin has no path, query or fragment");
    }
    if exact && (!url.username().is_empty() || url.password().is_some()) {
        return Err("an origin has no user name or password");
    }
    Ok(url.origin().ascii_serialization())
}

/// The proxies whose `X-Forwarded-For` is believed (IMPACT_TRUSTED_PROXIES).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    pub fn contains(&self, address: &std::net::IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// `address,cidr,...` (IPv4 or IPv6; a bare address is a range of one); empty for none.
pub fn parse_trusted_proxies(text: &str) -> Result<TrustedProxies, String> {
    let mut proxies = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let net = match part.parse::<ipnet::IpNet>() {
            Ok(net) => net,
            Err(_) => part
                .parse::<std::net::IpAddr>()
                .map(ipnet::IpNet::from)
                .map_err(|_| format!("`{part}` is neither an IP address nor a CIDR range such as 10.0.0.0/8"))?,
        };
        proxies.push(net.trunc());
    }
    Ok(TrustedProxies(proxies))
}

const DEFAULT_MAX_PILOT_REGIONS: u32 = 30;
const DEFAULT_ASSESSMENT_CRITERIA: &str = "relevance:30,partnership:25,feasibility:25,cooperation:20";

/// One criterion of the quality assessment and its highest score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub name: String,
    pub max_score: i32,
}

/// `name:max,name:max`: at least one criterion, names of letters, digits and `_`, maxima from 1.
pub fn parse_criteria(text: &str) -> Result<Criteria, String> {
    let mut criteria: Vec<Criterion> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, max) = part.split_once(':').ok_or_else(|| format!("`{part}` is not `name:max`"))?;
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!("`{name}` is not a criterion name (letters, digits, _)"));
        }
        let max_score: i32 = max.trim().parse().map_err(|_| format!("`{max}` is not a whole number"))?;
        if max_score < 1 {
            return Err(format!("the maximum of `{name}` must be at least 1"));
        }
        if criteria.iter().any(|c| c.name == name) {
            return Err(format!("`{name}` is named twice"));
        }
        criteria.push(Criterion { name, max_score });
    }
    if criteria.is_empty() {
        return Err("name at least one criterion".to_owned());
    }
    Ok(Criteria(criteria))
}

/// The criteria of the quality assessment, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Criteria(pub Vec<Criterion>);

impl std::ops::Deref for Criteria {
    type Target = [Criterion];
    fn deref(&self) -> &[Criterion] {
        &self.0
    }
}

/// The programme's own settings: how many pilot regions it selects and how applications are scored.
#[derive(Debug, Clone, Args)]
pub struct Programme {
    /// Most pilot regions selected across all calls.
    #[arg(long, env = "IMPACT_MAX_PILOT_REGIONS", value_name = "IMPACT_MAX_PILOT_REGIONS", default_value_t = DEFAULT_MAX_PILOT_REGIONS, global = true)]
    pub max_pilot_regions: u32,

    /// Criteria of the quality assessment with their highest score: `name:max,name:max`.
    #[arg(long, env = "IMPACT_ASSESSMENT_CRITERIA", value_name = "IMPACT_ASSESSMENT_CRITERIA", default_value = DEFAULT_ASSESSMENT_CRITERIA, value_parser = parse_criteria, global = true)]
    pub assessment_criteria: Criteria,
}

impl Default for Programme {
    fn default() -> Self {
        Self {
            max_pilot_regions: DEFAULT_MAX_PILOT_REGIONS,
            assessment_criteria: parse_criteria(DEFAULT_ASSESSMENT_CRITERIA).unwrap_or_default(),
        }
    }
}

/// Webhooks: outbound requests and when a failing endpoint is disabled.
#[derive(Debug, Clone, Args)]
pub struct Webhooks {
    /// Allow webhook URLs on private, loopback and link-local addresses (local development and tests only).
    #[arg(long, env = "IMPACT_WEBHOOK_ALLOW_PRIVATE", value_name = "IMPACT_WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub allow_private: bool,

    /// Longest a webhook request may take, in seconds (connection and answer).
    #[arg(
        long,
        env = "IMPACT_WEBHOOK_TIMEOUT_SECS",
        value_name = "IMPACT_WEBHOOK_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub timeout_secs: u64,

    /// An endpoint whose deliveries have all failed for this many hours is disabled.
    #[arg(
        long,
        env = "IMPACT_WEBHOOK_DISABLE_AFTER_HOURS",
        value_name = "IMPACT_WEBHOOK_DISABLE_AFTER_HOURS",
        default_value_t = 120,
        global = true
    )]
    pub disable_after_hours: u32,

    /// Hours the previous secret keeps signing (beside the new one) after a rotation.
    #[arg(
        long,
        env = "IMPACT_WEBHOOK_SECRET_OVERLAP_HOURS",
        value_name = "IMPACT_WEBHOOK_SECRET_OVERLAP_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub secret_overlap_hours: u32,
}

impl Default for Webhooks {
    fn default() -> Self {
        Self { allow_private: false, timeout_secs: 10, disable_after_hours: 120, secret_overlap_hours: 24 }
    }
}

/// Live updates: the change feed's retention.
#[derive(Debug, Clone, Args)]
pub struct Live {
    /// Days the change feed keeps events; older ones are pruned and a cursor older than this is expired.
    #[arg(long, env = "IMPACT_CHANGE_RETENTION_DAYS", value_name = "IMPACT_CHANGE_RETENTION_DAYS", default_value_t = DEFAULT_CHANGE_RETENTION_DAYS, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub change_retention_days: u32,
}

pub const DEFAULT_CHANGE_RETENTION_DAYS: u32 = 90;

impl Default for Live {
    fn default() -> Self {
        Self { change_retention_days: DEFAULT_CHANGE_RETENTION_DAYS }
    }
}

impl Live {
    pub fn change_retention(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::days(i64::from(self.change_retention_days))
    }
}

#[cfg(test)]
mod tests {
    use super::{Config, CorsOrigins, parse_cors_origins, parse_trusted_proxies};

    #[test]
    fn trusted_proxies_are_addresses_and_ranges() {
        let proxies = parse_trusted_proxies(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32").unwrap();
        for inside in ["10.1.2.3", "192.0.2.7", "2001:db8::1", "::ffff:10.9.9.9"] {
            assert!(proxies.contains(&inside.parse().unwrap()), "{inside}");
        }
        for outside in ["11.0.0.1", "192.0.2.8", "2001:db9::1"] {
            assert!(!proxies.contains(&outside.parse().unwrap()), "{outside}");
        }
        assert!(parse_trusted_proxies("").unwrap().0.is_empty());
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("proxy.local").is_err());
    }

    #[test]
    fn cors_origins_are_normalised_like_browsers_send_them() {
        let origins =
            parse_cors_origins(" https://IMPACT.example.eu/ , http://localhost:5173,https://impact.example.eu:443")
                .unwrap();
        assert_eq!(origins.0, ["https://impact.example.eu", "http://localhost:5173"]);
        assert_eq!(parse_cors_origins("none").unwrap(), CorsOrigins::default());
    }

    #[test]
    fn bad_cors_origins_are_refused() {
        for bad in [
            "*",
            "",
            " , ",
            "impact.example.eu",
            "ftp://x.eu",
            "https://x.eu/app",
            "https://x.eu?a=1",
            "https://u:p@x.eu",
        ] {
            assert!(parse_cors_origins(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_default_origin_is_the_frontends() {
        let mut config = Config::for_database("sqlite::memory:");
        config.frontend_url = "https://apply.impact.example.eu/portal/".to_owned();
        assert_eq!(config.allowed_origins().unwrap().0, ["https://apply.impact.example.eu"]);
        config.frontend_url = "not a url".to_owned();
        let error = config.allowed_origins().unwrap_err();
        assert!(error.contains("IMPACT_FRONTEND_URL=not a url"), "{error}");
    }
}
