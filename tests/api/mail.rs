//! Outgoing mail: the outbox commits with the change that causes it, and the sender delivers it at least once,
//! retrying with backoff, never twice at the same time.
//!
//! Tests that drive `deliver_due` themselves use a clock a month after the server's, so the server's own sender
//! never finds their rows due.

use crate::helpers::{TestApp, each_backend, mails_to, server_start};
use api::clock::{Clock, ManualClock};
use api::config::{Config, Mail};
use api::mail::{self, OutgoingEmail, RetryPolicy, Transport};
use chrono::{DateTime, Duration, Utc};
use entity::outbound_email::{self, OutboundEmailStatus};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};
use uuid::Uuid;

async fn connect(app: &TestApp) -> DatabaseConnection {
    api::db::connect(&Config::for_database(app.database_url.clone())).await.expect("the test's database")
}

fn email(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: to.to_owned(),
        subject: "Your IMPACT account".to_owned(),
        text_body: "Welcome to IMPACT.".to_owned(),
        headers: Vec::new(),
    }
}

/// A month after the server's clock.
fn later() -> DateTime<Utc> {
    server_start() + Duration::days(30)
}

fn files(app: &TestApp) -> Transport {
    Transport::from_config(&Mail { mail_dir: app.mail_dir.clone(), ..Mail::default() }).expect("file transport")
}

async fn row(db: &DatabaseConnection, id: Uuid) -> outbound_email::Model {
    outbound_email::Entity::find_by_id(id).one(db).await.unwrap().expect("the outbox row")
}

/// Puts the row in the state a sender leaves it in when it dies after claiming it.
async fn claimed(db: &DatabaseConnection, id: Uuid, attempts: i32, lease_until: DateTime<Utc>) {
    outbound_email::ActiveModel {
        id: Set(id),
        status: Set(OutboundEmailStatus::Sending),
        attempts: Set(attempts),
        lease_until: Set(Some(lease_until)),
        ..Default::default()
    }
    .update(db)
    .await
    .unwrap();
}

/// A message as a reader sees it: unfolded headers and the body with plain line ends.
struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn parse(raw: &str) -> Self {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").expect("headers and body");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            match (line.starts_with([' ', '\t']), headers.last_mut()) {
                (true, Some((_, value))) => value.push_str(line),
                _ => {
                    let (name, value) = line.split_once(':').expect("a header line");
                    headers.push((name.to_owned(), value.trim().to_owned()));
                }
            }
        }
        Self { headers, body: body.to_owned() }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[tokio::test]
async fn a_mail_enqueued_in_a_committed_transaction_arrives() {
    each_backend(|app| async move {
        let db = connect(&app).await;
        let transaction = db.begin().await.unwrap();
        let id = mail::enqueue(
            &transaction,
            server_start(),
            OutgoingEmail {
                to: "maria@example.org".to_owned(),
                subject: "Confirm your subscription to IMPACT news".to_owned(),
                text_body: "Hello Maria,\n\nplease confirm your subscription:\nhttps://impact.localhost/confirm/abc"
                    .to_owned(),
                headers: vec![("List-Unsubscribe".to_owned(), "<https://impact.localhost/unsubscribe/xyz>".to_owned())],
            },
        )
        .await
        .unwrap();
        transaction.commit().await.unwrap();
        app.mailer.notify();

        let mails = app.mails_to("maria@example.org").await;
        assert_eq!(mails.len(), 1, "one mail for Maria");
        let mail = Received::parse(&mails[0]);
        assert_eq!(mail.header("To"), Some("maria@example.org"));
        assert_eq!(mail.header("From"), Some("IMPACT <no-reply@impact.localhost>"));
        assert_eq!(mail.header("Subject"), Some("Confirm your subscription to IMPACT news"));
        assert_eq!(mail.header("Content-Type"), Some("text/plain; charset=utf-8"));
        assert_eq!(mail.header("List-Unsubscribe"), Some("<https://impact.localhost/unsubscribe/xyz>"));
        assert_eq!(
            mail.body,
            "Hello Maria,\n\nplease confirm your subscription:\nhttps://impact.localhost/confirm/abc"
        );

        // The outbox knows it went out, at the server's time.
        let sent = row(&db, id).await;
        assert_eq!(sent.status, OutboundEmailStatus::Sent);
        assert_eq!(sent.sent_at, Some(server_start()));
        assert_eq!(sent.attempts, 1);
    })
    .await;
}

#[tokio::test]
async fn a_mail_enqueued_in_a_rolled_back_transaction_is_never_sent() {
    each_backend(|app| async move {
        let db = connect(&app).await;
        let transaction = db.begin().await.unwrap();
        mail::enqueue(&transaction, server_start(), email("ghost@example.org")).await.unwrap();
        transaction.rollback().await.unwrap();

        // A mail committed afterwards goes out; once it has, the sender has had its chance at the other one.
        let transaction = db.begin().await.unwrap();
        mail::enqueue(&transaction, server_start(), email("real@example.org")).await.unwrap();
        transaction.commit().await.unwrap();
        app.mailer.notify();
        assert_eq!(app.mails_to("real@example.org").await.len(), 1);

        assert!(mails_to(&app.mail_dir, "ghost@example.org").is_empty());
        let outbox = outbound_email::Entity::find().all(&db).await.unwrap();
        assert_eq!(outbox.iter().map(|r| r.to_address.as_str()).collect::<Vec<_>>(), ["real@example.org"]);
    })
    .await;
}

#[tokio::test]
async fn an_unreachable_smtp_server_means_retries_with_backoff_then_failed() {
    each_backend(|app| async move {
        let db = connect(&app).await;
        let clock = ManualClock::new(later());
        let smtp = Transport::from_config(&Mail { smtp_url: Some("smtp://127.0.0.1:1".to_owned()), ..Mail::default() })
            .expect("SMTP transport");
        let policy = RetryPolicy::default();
        let id = mail::enqueue(&db, clock.now(), email("erik@example.org")).await.unwrap();

        assert_eq!(mail::deliver_due(&db, &smtp, &clock, &policy).await.unwrap(), 0);
        let first = row(&db, id).await;
        assert_eq!(first.status, OutboundEmailStatus::Pending);
        assert_eq!(first.attempts, 1);
        assert_eq!(first.next_attempt_at, clock.now() + Duration::seconds(30));
        assert!(first.last_error.as_deref().is_some_and(|e| !e.is_empty()), "{first:?}");
        assert_eq!(first.lease_until, None);

        // Not due yet: a pass leaves it alone.
        clock.advance(Duration::seconds(29));
        mail::deliver_due(&db, &smtp, &clock, &policy).await.unwrap();
        assert_eq!(row(&db, id).await.attempts, 1);

        // Each further failure doubles the wait, up to an hour.
        let mut due = first.next_attempt_at;
        for (attempt, delay_secs) in [(2, 60), (3, 120), (4, 240), (5, 480), (6, 960), (7, 1920)] {
            clock.set(due);
            mail::deliver_due(&db, &smtp, &clock, &policy).await.unwrap();
            let retried = row(&db, id).await;
            assert_eq!(retried.status, OutboundEmailStatus::Pending);
            assert_eq!(retried.attempts, attempt);
            assert_eq!(retried.next_attempt_at, due + Duration::seconds(delay_secs), "after attempt {attempt}");
            due = retried.next_attempt_at;
        }

        // The eighth attempt is the last.
        clock.set(due);
        mail::deliver_due(&db, &smtp, &clock, &policy).await.unwrap();
        let failed = row(&db, id).await;
        assert_eq!(failed.status, OutboundEmailStatus::Failed);
        assert_eq!(failed.attempts, 8);
        assert!(failed.last_error.as_deref().is_some_and(|e| !e.is_empty()), "{failed:?}");
        assert_eq!(failed.sent_at, None);

        clock.advance(Duration::days(1));
        mail::deliver_due(&db, &smtp, &clock, &policy).await.unwrap();
        assert_eq!(row(&db, id).await, failed, "a failed mail is left alone");
    })
    .await;
}

#[tokio::test]
async fn a_mail_whose_sender_died_is_sent_once_its_lease_expires() {
    each_backend(|app| async move {
        let db = connect(&app).await;
        let clock = ManualClock::new(later());
        let policy = RetryPolicy::default();
        let transport = files(&app);
        // One sender died between claiming and sending; another is still sending (its lease runs 4 more minutes).
        let orphan = mail::enqueue(&db, clock.now() - Duration::minutes(6), email("orphan@example.org")).await.unwrap();
        claimed(&db, orphan, 1, clock.now() - Duration::seconds(1)).await;
        let busy = mail::enqueue(&db, clock.now() - Duration::minutes(1), email("busy@example.org")).await.unwrap();
        claimed(&db, busy, 1, clock.now() + Duration::minutes(4)).await;

        assert_eq!(mail::deliver_due(&db, &transport, &clock, &policy).await.unwrap(), 1);
        assert_eq!(mails_to(&app.mail_dir, "orphan@example.org").len(), 1);
        let sent = row(&db, orphan).await;
        assert_eq!(sent.status, OutboundEmailStatus::Sent);
        assert_eq!(sent.attempts, 2);
        assert_eq!(sent.sent_at, Some(clock.now()));
        assert_eq!(sent.lease_until, None);

        assert!(mails_to(&app.mail_dir, "busy@example.org").is_empty(), "a live lease keeps other senders away");
        let untouched = row(&db, busy).await;
        assert_eq!((untouched.status, untouched.attempts), (OutboundEmailStatus::Sending, 1));

        // That sender never finishes either: once its lease is over, the mail goes out.
        clock.advance(Duration::minutes(4));
        assert_eq!(mail::deliver_due(&db, &transport, &clock, &policy).await.unwrap(), 1);
        assert_eq!(mails_to(&app.mail_dir, "busy@example.org").len(), 1);
        assert_eq!(row(&db, busy).await.status, OutboundEmailStatus::Sent);
    })
    .await;
}

#[tokio::test]
async fn a_mail_whose_last_allowed_attempt_never_finished_is_failed_not_sent_again() {
    each_backend(|app| async move {
        let db = connect(&app).await;
        let clock = ManualClock::new(later());
        let policy = RetryPolicy::default();
        let id = mail::enqueue(&db, clock.now() - Duration::hours(3), email("poison@example.org")).await.unwrap();
        claimed(&db, id, 8, clock.now() - Duration::seconds(1)).await;

        assert_eq!(mail::deliver_due(&db, &files(&app), &clock, &policy).await.unwrap(), 0);
        let failed = row(&db, id).await;
        assert_eq!((failed.status, failed.attempts), (OutboundEmailStatus::Failed, 8));
        assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("never finished")), "{failed:?}");
        assert!(mails_to(&app.mail_dir, "poison@example.org").is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_invalid_address_fails_its_mail_and_the_others_still_go_out() {
    each_backend(|app| async move {
        let db = connect(&app).await;
        let clock = ManualClock::new(later());
        let policy = RetryPolicy::default();
        let bad = mail::enqueue(&db, clock.now(), email("maria at example.org")).await.unwrap();
        let good = mail::enqueue(&db, clock.now(), email("nikos@example.org")).await.unwrap();

        assert_eq!(mail::deliver_due(&db, &files(&app), &clock, &policy).await.unwrap(), 1);
        let failed = row(&db, bad).await;
        assert_eq!((failed.status, failed.attempts), (OutboundEmailStatus::Failed, 1));
        assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("invalid recipient address")), "{failed:?}");
        assert_eq!(row(&db, good).await.status, OutboundEmailStatus::Sent);
        assert_eq!(mails_to(&app.mail_dir, "nikos@example.org").len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_passes_send_each_mail_once() {
    each_backend(|app| async move {
        // Two server instances: each its own connection pool, both with the same clock.
        let (first, second) = (connect(&app).await, connect(&app).await);
        let clock = ManualClock::new(later());
        let recipients: Vec<String> = (0..10).map(|i| format!("reader{i}@example.org")).collect();
        for to in &recipients {
            mail::enqueue(&first, clock.now(), email(to)).await.unwrap();
        }

        let pass = |db: DatabaseConnection| {
            let (transport, clock) = (files(&app), clock.clone());
            tokio::spawn(async move { mail::deliver_due(&db, &transport, &clock, &RetryPolicy::default()).await })
        };
        let (a, b) = (pass(first.clone()), pass(second));
        let sent = a.await.unwrap().unwrap() + b.await.unwrap().unwrap();

        assert_eq!(sent, recipients.len());
        for to in &recipients {
            assert_eq!(mails_to(&app.mail_dir, to).len(), 1, "{to} gets exactly one mail");
        }
        let outbox = outbound_email::Entity::find().all(&first).await.unwrap();
        assert!(outbox.iter().all(|r| r.status == OutboundEmailStatus::Sent && r.attempts == 1), "{outbox:?}");
    })
    .await;
}
