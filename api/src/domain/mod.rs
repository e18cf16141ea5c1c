//! Business rules per area: plain functions over a database connection, returning `AppResult`.
//! Nothing here knows about GraphQL; resolvers, subscriptions and webhooks all call into it.
//!
//! Every state change is a command that opens a unit of work (`services.write(principal)`, see
//! `unit_of_work`), checks the area's `policy` for the principal, writes, queues mail and domain events, and
//! commits. Reads apply the same policy: a predicate for one object and a query condition for lists.

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod calls;
pub mod domain_events;
pub mod events;
pub mod experts;
pub mod ids;
pub mod live;
pub mod mail_quota;
pub mod newsletter;
pub mod organisations;
pub mod pagination;
pub mod partnerships;
pub mod personal_data;
pub mod places;
pub mod policy;
pub mod privacy;
pub mod programmes;
pub mod reference;
pub mod regions;
pub mod resources;
pub mod spreadsheet;
pub mod strategies;
pub mod unit_of_work;
pub mod values;
pub mod webhooks;

use crate::auth::authenticate::Authenticator;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::domain::domain_events::Publisher;
use crate::mail::Mailer;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// What a domain operation may use besides its input.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub config: Arc<Config>,
    pub mailer: Mailer,
    pub publisher: Publisher,
    pub authenticator: Arc<Authenticator>,
    /// The programme's countries, read at start (`reference::Countries`).
    pub countries: reference::Countries,
}

impl Services {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Where a request came from, for throttling and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub client_address: Option<String>,
}
