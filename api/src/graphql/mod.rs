//! The GraphQL schema: the root types merged from each area, the limits, and the per-request context.

pub mod accounts;
pub mod administration;
pub mod api_info;
pub mod applications;
pub mod calls;
pub mod connection;
pub mod context;
pub mod errors;
pub mod events;
pub mod execution;
pub mod experts;
pub mod limits;
pub mod live;
pub mod loaders;
pub mod newsletter;
pub mod node;
pub mod organisations;
pub mod partnerships;
pub mod payload;
pub mod privacy;
pub mod programmes;
pub mod reference;
pub mod regions;
pub mod resources;
pub mod response_order;
pub mod strategies;
pub mod webhooks;

use crate::config::Config;
use crate::domain::Services;
use async_graphql::registry::Registry;
use async_graphql::{MergedObject, MergedSubscription, OutputType, Schema, SchemaBuilder, SubscriptionType};
pub use execution::AppExecutor;
use limits::shape::SchemaShape;

/// Everything a client can read. Anonymous callers see public data (published calls, pilot regions, events,
/// resources, reference data); a bearer token adds what the caller's roles allow.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    node::NodeQuery,
    reference::ReferenceQuery,
    programmes::ProgrammeQuery,
    api_info::ApiInfoQuery,
    accounts::AccountQuery,
    administration::AdministrationQuery,
    newsletter::subscriptions::SubscriptionQuery,
    newsletter::issues::NewsletterIssueQuery,
    resources::ResourceQuery,
    privacy::PrivacyQuery,
    events::EventQuery,
    events::registrations::EventRegistrationQuery,
    organisations::OrganisationQuery,
    regions::RegionQuery,
    partnerships::PartnershipQuery,
    calls::CallQuery,
    applications::ApplicationQuery,
    experts::ExpertQuery,
    experts::matching::ExpertMatchingQuery,
    strategies::StrategyQuery,
    live::LiveQuery,
    webhooks::WebhookQuery,
    administration::service_accounts_gql::ServiceAccountQuery,
);

/// Every change a client can make. Each answers a payload with `userErrors` for input it cannot accept.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    accounts::AccountMutation,
    accounts::sessions::SessionMutation,
    administration::AdministrationMutation,
    newsletter::subscriptions::SubscriptionMutation,
    newsletter::issues::NewsletterIssueMutation,
    resources::ResourceMutation,
    privacy::PrivacyMutation,
    events::EventMutation,
    events::registrations::EventRegistrationMutation,
    programmes::ProgrammeMutation,
    organisations::OrganisationMutation,
    regions::RegionMutation,
    partnerships::PartnershipMutation,
    calls::CallMutation,
    applications::ApplicationMutation,
    experts::ExpertMutation,
    experts::assignments::ExpertAssignmentMutation,
    strategies::mutations::StrategyMutation,
    strategies::comments::StrategyCommentMutation,
    webhooks::WebhookMutation,
    administration::service_accounts_gql::ServiceAccountMutation,
);

/// Changes pushed over WebSocket (`graphql-transport-ws` at `/graphql`, the token in `connection_init`). Each
/// delivery passes the same read policy as the query of its subject: nobody receives what they could not read.
#[derive(MergedSubscription, Default)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(live::subscriptions::LiveSubscription, strategies::subscriptions::StrategySubscription);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What a resolver may know about the request it serves.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
}

fn builder(config: &Config) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    // No extension in production: the limits, loaders and ordering run around the schema (`execution`).
    let builder = Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot::default());
    if config.is_production() {
        builder.limit_depth(config.limits.max_query_depth).disable_introspection().disable_suggestions()
    } else {
        // Development lets introspection-only documents (GraphiQL's docs, codegen) past the depth limit.
        builder.extension(limits::depth::DepthLimit { max_depth: config.limits.max_query_depth })
    }
}

/// The schema as HTTP and WebSocket run it, with what resolvers reach through `ctx.data`: the database, the
/// configuration, and the `Services` of domain operations (every mutation runs a domain command through
/// `services.write`).
pub fn build_executor(services: &Services) -> AppExecutor {
    let schema = builder(&services.config)
        .data(services.db.clone())
        .data(services.config.clone())
        .data(services.clone())
        .finish();
    AppExecutor::new(schema, services.clone(), SchemaShape::of(type_registry()))
}

/// The schema's types, for the shape `limits` measures documents by (the schema keeps its own copy private).
fn type_registry() -> Registry {
    let mut registry = Registry {
        query_type: QueryRoot::type_name().into_owned(),
        mutation_type: Some(MutationRoot::type_name().into_owned()),
        subscription_type: Some(SubscriptionRoot::type_name().into_owned()),
        ..Registry::default()
    };
    QueryRoot::create_type_info(&mut registry);
    MutationRoot::create_type_info(&mut registry);
    SubscriptionRoot::create_type_info(&mut registry);
    registry
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder(&Config::for_database(crate::config::DEFAULT_DATABASE_URL)).finish().sdl()
}
