//! Black-box tests: the real server on port 0 with a fresh database per test, driven over HTTP like a frontend.
//! Every test runs on SQLite; with `IMPACT_TEST_POSTGRES` set, on PostgreSQL as well.

mod helpers;

mod applicant_events;
mod applicant_flow;
mod authorization;
mod browser;
mod cors;
mod demo;
mod event_erasure;
mod events;
mod events_write_path;
mod experts;
mod experts_matching;
mod external_identity;
mod graphiql;
mod graphql_over_http;
mod identity;
mod identity_events;
mod integrator_scopes;
mod limits;
mod live;
mod live_subscriptions;
mod mail;
mod metrics;
mod migrations;
mod newsletter;
mod newsletter_write_path;
mod node;
mod pagination;
mod personal_data;
mod privacy;
mod programme_edits;
mod programmes;
mod reference;
mod resources;
mod schema;
mod statement_counts;
mod strategies;
mod strategies_access;
mod tokens;
mod traces;
mod webhooks;
mod webhooks_crash;
mod write_path;
