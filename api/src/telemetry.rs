//! Logging and traces. Logs: `RUST_LOG` filters; readable lines in development, JSON lines in production;
//! always on standard error, so a command's own output on standard output (`export-schema`, `create-admin`)
//! stays clean. Traces: with `IMPACT_OTLP_ENDPOINT` set, every span (requests, GraphQL operations, background
//! tasks) is also exported to that OpenTelemetry collector over OTLP/HTTP, in batches.

use crate::config::{Config, Environment};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::{EnvFilter, Layer, fmt, prelude::*};

/// What must live as long as the process: the trace exporter, flushed when dropped.
#[must_use = "dropping it stops the trace export"]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.traces.take()
            && let Err(error) = provider.shutdown()
        {
            eprintln!("the trace exporter did not shut down cleanly: {error}");
        }
    }
}

/// Installs the log (and, when configured, trace) subscriber for the process. Traces that cannot be set up
/// (a malformed endpoint) are reported in the log and left off; the service runs without them.
pub fn init(config: &Config) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let logs = match config.environment {
        Environment::Development => fmt::layer().with_writer(std::io::stderr).boxed(),
        Environment::Production => fmt::layer().json().flatten_event(true).with_writer(std::io::stderr).boxed(),
    };
    let (traces, trace_error) = match config.otlp_endpoint.as_deref().map(tracer_provider) {
        Some(Ok(provider)) => (Some(provider), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let trace_layer = traces
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer(env!("CARGO_PKG_NAME"))));
    // Already initialised (e.g. twice in one process): keep the first subscriber.
    let _ = tracing_subscriber::registry().with(filter).with(logs).with(trace_layer).try_init();
    if let Some(error) = trace_error {
        tracing::error!(%error, "IMPACT_OTLP_ENDPOINT is set but traces cannot be exported; running without them");
    }
    Telemetry { traces }
}

/// The OTLP/HTTP URL of traces for a collector's base URL (`http://host:4318` → `http://host:4318/v1/traces`).
pub fn traces_url(endpoint: &str) -> String {
    let base = endpoint.trim().trim_end_matches('/');
    if base.ends_with("/v1/traces") { base.to_owned() } else { format!("{base}/v1/traces") }
}

fn tracer_provider(endpoint: &str) -> Result<SdkTracerProvider, String> {
    let url = url::Url::parse(&traces_url(endpoint)).map_err(|e| format!("{endpoint:?} is not a URL: {e}"))?;
    let exporter =
        SpanExporter::builder().with_http().with_endpoint(url.as_str()).build().map_err(|error| error.to_string())?;
    let resource = Resource::builder().with_service_name("impact-api").build();
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
}

#[cfg(test)]
mod tests {
    use super::traces_url;

    #[test]
    fn the_traces_path_is_added_once() {
        assert_eq!(traces_url("http://collector:4318"), "http://collector:4318/v1/traces");
        assert_eq!(traces_url("http://collector:4318/"), "http://collector:4318/v1/traces");
        assert_eq!(traces_url("http://collector:4318/v1/traces"), "http://collector:4318/v1/traces");
    }
}
