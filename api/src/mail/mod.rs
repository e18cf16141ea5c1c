//! Outgoing mail: the outbox (written in the caller's transaction), the delivery pass, and the sender task.
//!
//! A command queues mail through its unit of work (`Write::mail`), so the mail exists if and only if the change
//! committed; the unit wakes the sender after the commit. The sender claims due
//! rows one by one with a conditional update, sends them at least once, and retries failures with backoff.

mod outbox;
mod transport;
mod worker;

pub use crate::outbox::RetryPolicy;
pub use outbox::{OutgoingEmail, deliver_due, enqueue};
pub use transport::Transport;
pub use worker::{Mailer, spawn};
