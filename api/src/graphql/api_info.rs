//! `apiInfo`: what a frontend needs to know about this server (version, environment, limits).

use crate::config::Config;
use async_graphql::{Context, Object, SimpleObject};
use std::sync::Arc;

#[derive(SimpleObject)]
pub struct ApiInfo {
    /// The server's version (semver).
    pub version: &'static str,
    /// `development` or `production`.
    pub environment: &'static str,
    pub limits: ApiLimits,
}

/// The limits requests must stay within.
#[derive(SimpleObject)]
pub struct ApiLimits {
    pub max_query_depth: usize,
    pub max_query_complexity: usize,
    pub default_page_size: usize,
    pub max_page_size: usize,
    pub max_body_bytes: usize,
    pub request_timeout_seconds: u64,
    /// Most pilot regions selected across all calls.
    pub max_pilot_regions: u32,
}

#[derive(Default)]
pub struct ApiInfoQuery;

#[Object]
impl ApiInfoQuery {
    async fn api_info(&self, ctx: &Context<'_>) -> ApiInfo {
        let config = ctx.data_unchecked::<Arc<Config>>();
        let limits = &config.limits;
        ApiInfo {
            version: env!("CARGO_PKG_VERSION"),
            environment: config.environment.as_str(),
            limits: ApiLimits {
                max_query_depth: limits.max_query_depth,
                max_query_complexity: limits.max_query_complexity,
                default_page_size: limits.default_page_size(),
                max_page_size: limits.max_page_size(),
                max_body_bytes: limits.max_body_bytes,
                request_timeout_seconds: limits.request_timeout_secs,
                max_pilot_regions: config.programme.max_pilot_regions,
            },
        }
    }
}
