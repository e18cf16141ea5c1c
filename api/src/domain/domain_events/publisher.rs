//! The event publisher: a task that reads committed domain events by position and hands each to the
//! listeners of this process (live subscriptions). It is woken by the unit of work after every commit that
//! wrote events, and polls as well, so events written by another instance or missed wake-ups arrive too:
//! positions are read, never payloads passed along, so nothing is lost when a wake-up is.

use crate::domain::domain_events;
use crate::error::AppResult;
use entity::domain_event;
use sea_orm::DatabaseConnection;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};
use tracing::Instrument;

/// The PostgreSQL channel a commit that wrote events NOTIFYs; every instance LISTENs on it.
pub const NOTIFY_CHANNEL: &str = "impact_domain_events";

/// Events read at a time.
const BATCH: u64 = 500;
/// Events a slow listener may fall behind before it is told it lagged.
const CHANNEL_CAPACITY: usize = 4096;

/// A cheap handle on the publisher task; the task stops once every handle is gone.
#[derive(Debug, Clone)]
pub struct Publisher {
    wake: Arc<Notify>,
    events: broadcast::Sender<Arc<domain_event::Model>>,
}

impl Publisher {
    /// Wakes the publisher; the unit of work calls this after a commit that wrote events.
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// Every event committed from now on, in position order.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<domain_event::Model>> {
        self.events.subscribe()
    }
}

/// Starts the publisher on the current runtime. It begins after the newest event stored when this returns,
/// so a listener that subscribes afterwards hears of every later commit.
pub async fn spawn_publisher(db: DatabaseConnection, poll_interval: Duration) -> AppResult<Publisher> {
    let position = domain_events::last_position(&db).await?;
    let wake = Arc::new(Notify::new());
    let (events, _) = broadcast::channel(CHANNEL_CAPACITY);
    let publisher = Publisher { wake: wake.clone(), events: events.clone() };
    let span = tracing::info_span!("event_publisher", task_id = %uuid::Uuid::new_v4());
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        let pool = db.get_postgres_connection_pool().clone();
        tokio::spawn(listen(pool, Arc::downgrade(&wake)).instrument(span.clone()));
    }
    tokio::spawn(run(Arc::downgrade(&wake), db, events, position, poll_interval).instrument(span));
    Ok(publisher)
}

/// Wakes the publisher on every NOTIFY of another instance's (or this one's) commit; reconnects after a
/// lost connection. Missed notifications only delay delivery until the next poll.
async fn listen(pool: sea_orm::sqlx::PgPool, wake: Weak<Notify>) {
    loop {
        let listener = async {
            let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await?;
            listener.listen(NOTIFY_CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        match listener.await {
            Ok(mut listener) => loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => match wake.upgrade() {
                        Some(wake) => wake.notify_one(),
                        None => return,
                    },
                    // The connection was lost and is re-established by `try_recv`; poll meanwhile.
                    Ok(None) => {
                        if let Some(wake) = wake.upgrade() {
                            wake.notify_one()
                        } else {
                            return;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "LISTEN connection failed; reconnecting");
                        break;
                    }
                }
            },
            Err(error) => tracing::warn!(%error, "cannot LISTEN for other instances' events; retrying"),
        }
        if wake.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn run(
    wake: Weak<Notify>,
    db: DatabaseConnection,
    events: broadcast::Sender<Arc<domain_event::Model>>,
    mut position: i64,
    poll_interval: Duration,
) {
    loop {
        loop {
            match domain_events::after(&db, position, BATCH).await {
                Ok(batch) => {
                    let full = batch.len() as u64 == BATCH;
                    for event in batch {
                        position = event.position;
                        // No listener is fine: nobody is subscribed right now.
                        let _ = events.send(Arc::new(event));
                    }
                    if !full {
                        break;
                    }
                }
                Err(error) => {
                    tracing::error!(%error, "event publisher pass failed; trying again at the next one");
                    break;
                }
            }
        }
        let Some(wake) = wake.upgrade() else { break };
        tokio::select! {
            () = wake.notified() => {},
            () = tokio::time::sleep(poll_interval) => {},
        }
    }
    tracing::debug!("event publisher stopped");
}
