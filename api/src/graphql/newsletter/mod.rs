//! GraphQL of the newsletter: subscriptions with consent (`subscriptions`) and the issues staff write (`issues`).

pub mod issues;
pub mod subscriptions;
