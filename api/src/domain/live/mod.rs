//! Live updates for integrators and frontends: who may receive a domain event (`delivery`), the durable
//! change feed read by position (`feed`), and the fan-out of committed events to live subscribers.
//! Every delivery, pulled or pushed, passes the same read rule: nobody receives what they could not read.

pub mod delivery;
pub mod feed;

pub use delivery::{may_receive, readable};
