//! Outgoing mail: the outbox (written in the caller's transaction), the delivery pass, and the sender task.
//!
//! A change that causes a mail calls [`enqueue`] inside its own transaction, so the mail exists if and only if
//! the change committed, then wakes the sender with [`Mailer::notify`] after the commit. The sender claims due
//! rows one by one with a conditional update, sends them at least once, and retries failures with backoff.

mod outbox;
mod retry;
mod transport;
mod worker;

pub use outbox::{OutgoingEmail, deliver_due, enqueue};
pub use retry::RetryPolicy;
pub use transport::Transport;
pub use worker::{Mailer, spawn};
