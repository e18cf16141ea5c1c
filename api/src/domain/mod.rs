//! Business rules per area: plain functions over a database connection, returning `AppResult`.
//! Nothing here knows about GraphQL; resolvers, subscriptions and webhooks all call into it.

pub mod pagination;
pub mod programmes;
pub mod reference;
