//! The sender task: a delivery pass at start-up, then one whenever woken or when the poll interval has passed.

use crate::clock::SharedClock;
use crate::mail::outbox::deliver_due;
use crate::mail::transport::Transport;
use crate::outbox::RetryPolicy;
use sea_orm::DatabaseConnection;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::Notify;
use tracing::Instrument;

/// A cheap handle on the sender task. The task stops once every handle is gone.
#[derive(Debug, Clone)]
pub struct Mailer {
    wake: Arc<Notify>,
}

impl Mailer {
    /// Wakes the sender now, e.g. right after committing a transaction that enqueued mail. A wake-up during a
    /// pass starts another pass when it ends, so no mail waits for the poll interval.
    pub fn notify(&self) {
        self.wake.notify_one();
    }
}

/// Starts the sender task on the current tokio runtime. Its first pass sends what was left from before a
/// restart.
pub fn spawn(
    db: DatabaseConnection,
    transport: Transport,
    clock: SharedClock,
    policy: RetryPolicy,
    poll_interval: Duration,
) -> Mailer {
    let wake = Arc::new(Notify::new());
    // Every line the task logs carries its own id (it serves no request, so it has no request id).
    let span = tracing::info_span!("mail_sender", task_id = %uuid::Uuid::new_v4());
    span.in_scope(|| tracing::info!(transport = %transport.describe(), "mail sender started"));
    tokio::spawn(run(Arc::downgrade(&wake), db, transport, clock, policy, poll_interval).instrument(span));
    Mailer { wake }
}

async fn run(
    wake: Weak<Notify>,
    db: DatabaseConnection,
    transport: Transport,
    clock: SharedClock,
    policy: RetryPolicy,
    poll_interval: Duration,
) {
    loop {
        match deliver_due(&db, &transport, clock.as_ref(), &policy).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "mail sent"),
            Err(error) => tracing::error!(%error, "mail delivery pass failed; trying again at the next one"),
        }
        let Some(wake) = wake.upgrade() else { break };
        tokio::select! {
            () = wake.notified() => {},
            () = tokio::time::sleep(poll_interval) => {},
        }
    }
    tracing::debug!("mail sender stopped");
}
