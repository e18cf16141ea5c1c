//! `apiInfo`: what a frontend needs to know about this server (version, environment, limits).

use crate::config::Config;
use async_graphql::{Context, Object, SimpleObject};
use std::sync::Arc;

/// What a frontend needs to know about this server. Public.
#[derive(SimpleObject)]
pub struct ApiInfo {
    /// The server's version (semver).
    pub version: &'static str,
    /// `development` or `production`.
    pub environment: &'static str,
    /// The limits requests must stay within.
    pub limits: ApiLimits,
}

/// The limits requests must stay within.
#[derive(SimpleObject)]
pub struct ApiLimits {
    /// Deepest nesting of fields an operation may have (introspection documents are exempt outside production).
    pub max_query_depth: usize,
    /// Highest complexity an operation may have: each field counts 1, and a list field's selection counts once
    /// per item: of the page asked for (`first` or `last`, or the default page size), of the IDs given to
    /// `nodes(ids:)`, or 10 for a list without paging.
    pub max_query_complexity: usize,
    /// Most fields and fragments a document may select once its fragments are expanded.
    pub max_query_fields: usize,
    /// Most aliases a document may use.
    pub max_aliases: usize,
    /// Largest response a request may produce, in bytes (approximately).
    pub max_response_bytes: usize,
    /// Longest text any input value may have, in characters (many fields accept less).
    pub max_text_length: usize,
    /// Most items any list in the input may have.
    pub max_list_input: usize,
    /// Items in a page when a list is asked for without `first` or `last`.
    pub default_page_size: usize,
    /// Most items `first` or `last` may ask for, and most IDs `nodes(ids:)` takes.
    pub max_page_size: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest time a request may take, in seconds, before it is answered with HTTP 504.
    pub request_timeout_seconds: u64,
    /// Most pilot regions selected across all calls.
    pub max_pilot_regions: u32,
}

#[derive(Default)]
pub struct ApiInfoQuery;

#[Object]
impl ApiInfoQuery {
    /// The server's version, environment and limits (public).
    async fn api_info(&self, ctx: &Context<'_>) -> ApiInfo {
        let config = ctx.data_unchecked::<Arc<Config>>();
        let limits = &config.limits;
        ApiInfo {
            version: env!("CARGO_PKG_VERSION"),
            environment: config.environment.as_str(),
            limits: ApiLimits {
                max_query_depth: limits.max_query_depth,
                max_query_complexity: limits.max_query_complexity,
                max_query_fields: limits.max_query_fields,
                max_aliases: limits.max_aliases,
                max_response_bytes: limits.max_response_bytes,
                max_text_length: limits.max_text_length,
                max_list_input: limits.max_list_input,
                default_page_size: limits.default_page_size(),
                max_page_size: limits.max_page_size(),
                max_body_bytes: limits.max_body_bytes,
                request_timeout_seconds: limits.request_timeout_secs,
                max_pilot_regions: config.programme.max_pilot_regions,
            },
        }
    }
}
