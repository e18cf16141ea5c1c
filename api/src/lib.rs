//! impact-api: the GraphQL backend of the IMPACT programme, as a library the `impact` binary and the tests drive.

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod mail;
pub mod outbox;
pub mod telemetry;
