//! CORS (tower-http): browsers on the configured origins may call the API; everyone else gets no CORS headers,
//! so their browser keeps the answer from the page. Credentials (cookies) are never allowed: the API takes
//! bearer tokens, which a page sends in `Authorization` itself.

use crate::config::CorsOrigins;
use crate::http::REQUEST_ID_HEADER;
use axum::http::{HeaderName, HeaderValue, Method, header};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may reuse a preflight's answer (browsers cap it lower, e.g. Chromium at 2 h).
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(3600);

/// The layer for these origins (already validated at start-up). No origin: CORS answers nobody.
pub fn layer(origins: &CorsOrigins) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.0.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            REQUEST_ID_HEADER,
        ])
        .expose_headers([
            REQUEST_ID_HEADER,
            header::WWW_AUTHENTICATE,
            header::RETRY_AFTER,
            HeaderName::from_static("allow"),
        ])
        .allow_credentials(false)
        .max_age(PREFLIGHT_MAX_AGE)
}
