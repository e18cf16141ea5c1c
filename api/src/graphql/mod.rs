//! The GraphQL schema: the root types merged from each area, the limits, and the per-request context.

pub mod api_info;
pub mod connection;
pub mod errors;
pub mod execution;
pub mod loaders;
pub mod node;
pub mod programmes;
pub mod reference;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::mail::Mailer;
use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(MergedObject, Default)]
pub struct QueryRoot(node::NodeQuery, reference::ReferenceQuery, programmes::ProgrammeQuery, api_info::ApiInfoQuery);

pub type AppSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// What a resolver may know about the request it serves.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
}

fn builder(config: &Config) -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    let mut builder = Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .limit_depth(config.limits.max_query_depth)
        .limit_complexity(config.limits.max_query_complexity)
        .extension(execution::ExecutionMarker);
    if config.is_production() {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder
}

/// The schema with what resolvers reach through `ctx.data`: the database, the clock, the configuration, and the
/// mailer (a mutation that enqueued mail calls `Mailer::notify` after its commit).
pub fn build_schema(config: &Arc<Config>, db: DatabaseConnection, clock: SharedClock, mailer: Mailer) -> AppSchema {
    builder(config).data(db).data(clock).data(config.clone()).data(mailer).finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder(&Config::for_database(crate::config::DEFAULT_DATABASE_URL)).finish().sdl()
}
