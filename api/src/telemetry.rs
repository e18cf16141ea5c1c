//! Logging: `RUST_LOG` filters; readable lines in development, JSON lines in production; always on standard
//! error, so a command's own output on standard output (`export-schema`, `create-admin`) stays clean.

use crate::config::Environment;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init(environment: Environment) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match environment {
        Environment::Development => registry.with(fmt::layer().with_writer(std::io::stderr)).try_init(),
        Environment::Production => {
            registry.with(fmt::layer().json().flatten_event(true).with_writer(std::io::stderr)).try_init()
        }
    };
    // Already initialised (e.g. twice in one process): keep the first subscriber.
    let _ = result;
}
