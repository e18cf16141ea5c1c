//! The unit of work every state change goes through.
//!
//! `services.write(principal)` opens the write transaction (BEGIN IMMEDIATE on SQLite, so a concurrent writer
//! waits instead of failing); the command reads and writes through it (it derefs to the transaction), queues
//! mail with [`Write::mail`] and domain events with [`Write::emit`], and ends with [`Write::commit`], which
//! writes the events (and the audit entries of workflow events), commits, and only then wakes the mail sender
//! and the event publisher. Dropping a `Write` without committing rolls everything back: no mail, no event.
//!
//! On PostgreSQL the events are inserted under a transaction-level advisory lock taken just before the
//! commit, so event positions become visible in commit order and a reader by position never skips one; the
//! commit also NOTIFYs the other instances, whose publishers then read the new events.

use crate::auth::Principal;
use crate::domain::audit;
use crate::domain::domain_events::{self, DomainEvent};
use crate::domain::{Origin, Services};
use crate::error::AppResult;
use crate::mail::{self, OutgoingEmail};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, SqliteTransactionMode, TransactionOptions};
use sea_orm::{TransactionTrait, Value};
use std::ops::Deref;
use uuid::Uuid;

/// The advisory-lock key that orders event-writing commits on PostgreSQL ("IMPACTEV" in ASCII).
const EVENT_ORDER_LOCK: i64 = 0x494D_5041_4354_4556;

/// An open write transaction with the mail and events it will commit.
pub struct Write {
    txn: DatabaseTransaction,
    services: Services,
    actor: Option<Principal>,
    origin: Origin,
    now: DateTime<Utc>,
    events: Vec<DomainEvent>,
    mails: usize,
}

impl Services {
    /// Opens the unit of work of a command run by `actor` (none for anonymous callers and the system).
    /// On SQLite the write lock is taken at BEGIN (`BEGIN IMMEDIATE`), so a concurrent writer waits (busy
    /// timeout) instead of failing: a deferred transaction that reads first cannot upgrade to a writer once
    /// another connection has committed ("database is locked"). PostgreSQL ignores the mode.
    pub async fn write(&self, actor: Option<&Principal>) -> AppResult<Write> {
        let txn = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        Ok(Write {
            txn,
            services: self.clone(),
            actor: actor.cloned(),
            origin: Origin::default(),
            now: self.now(),
            events: Vec::new(),
            mails: 0,
        })
    }
}

impl Write {
    /// Where the request came from, for the audit log.
    pub fn from_origin(mut self, origin: &Origin) -> Self {
        self.origin = origin.clone();
        self
    }

    /// The instant of this change: one clock reading for everything it writes.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn actor(&self) -> Option<&Principal> {
        self.actor.as_ref()
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Queues a mail; it exists if and only if this unit commits, and the sender is woken after the commit.
    pub async fn mail(&mut self, email: OutgoingEmail) -> AppResult<Uuid> {
        let id = mail::enqueue(&self.txn, self.now, email).await?;
        self.mails += 1;
        Ok(id)
    }

    /// Records a domain event; it is written with the commit, in emission order.
    pub fn emit(&mut self, event: DomainEvent) {
        self.events.push(event);
    }

    /// Writes the events and their audit entries, commits, then wakes the mail sender and the publisher.
    pub async fn commit(self) -> AppResult<()> {
        let Write { txn, services, actor, origin, now, events, mails } = self;
        if !events.is_empty() {
            if txn.get_database_backend() == DatabaseBackend::Postgres {
                txn.execute_raw(sea_orm::Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "SELECT pg_advisory_xact_lock($1)",
                    [Value::from(EVENT_ORDER_LOCK)],
                ))
                .await?;
                // Delivered at the commit to every instance listening (see `domain_events::publisher`); it
                // carries no payload: listeners read the new events by position.
                txn.execute_unprepared(&format!("NOTIFY {}", domain_events::NOTIFY_CHANNEL)).await?;
            }
            domain_events::insert(&txn, actor.as_ref(), now, &events).await?;
            for event in &events {
                if let Some(action) = event.event_type.audit_action() {
                    audit::record_change(&txn, now, &origin, actor.as_ref().map(|p| p.id), action, event).await?;
                }
            }
        }
        txn.commit().await?;
        if mails > 0 {
            services.mailer.notify();
        }
        if !events.is_empty() {
            services.publisher.notify();
        }
        Ok(())
    }
}

impl Deref for Write {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}
