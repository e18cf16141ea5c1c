//! Business rules per area: plain functions over a database connection, returning `AppResult`.
//! Nothing here knows about GraphQL; resolvers, subscriptions and webhooks all call into it.

pub mod accounts;
pub mod application_check;
pub mod application_workflow;
pub mod applications;
pub mod audit;
pub mod calls;
pub mod event_calendar;
pub mod event_registrations;
pub mod events;
pub mod newsletter;
pub mod organisations;
pub mod pagination;
pub mod partnerships;
pub mod places;
pub mod privacy;
pub mod programmes;
pub mod reference;
pub mod regions;
pub mod resources;
pub mod roles;
pub mod service_accounts;
pub mod sessions;
pub mod values;

use crate::auth::authenticate::Authenticator;
use crate::clock::SharedClock;
use crate::config::Config;
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
    pub authenticator: Arc<Authenticator>,
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
