//! Mail to addresses a caller typed is limited per address and per client (issue 12): aliases in one request,
//! requests one after the other and every instance count alike, and for the mutations that answer the same for
//! known and unknown addresses the limit answers the same too.

use crate::helpers::{TestApp, count, db, each_backend, each_backend_with, register, staff_token};
use chrono::Duration;
use serde_json::{Value, json};

/// The default limit per address and window (`IMPACT_MAIL_MAX_PER_ADDRESS`).
const PER_ADDRESS: i64 = 3;

/// A mutation document running `field(input: ...)` under `count` aliases.
fn aliased(count: usize, field: &str, input: impl Fn(usize) -> String) -> String {
    let fields: Vec<String> =
        (0..count).map(|i| format!("m{i}: {field}(input: {}) {{ userErrors {{ code }} }}", input(i))).collect();
    format!("mutation {{ {} }}", fields.join(" "))
}

/// How many aliases answered, and the codes of the errors (in order).
fn outcome(body: &Value) -> (usize, Vec<String>) {
    let answered = body["data"].as_object().map_or(0, |data| data.values().filter(|v| !v.is_null()).count());
    let codes = body["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| e["extensions"]["code"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default();
    (answered, codes)
}

/// Mails in the outbox to `to` (with `subject`, if given): every mail the server queued, sent or not.
async fn queued(app: &TestApp, to: &str, subject: Option<&str>) -> i64 {
    let db = db(app).await;
    let subject = subject.map(|s| format!(" AND subject = '{s}'")).unwrap_or_default();
    let n = count(&db, &format!("SELECT COUNT(*) AS n FROM outbound_email WHERE to_address = '{to}'{subject}")).await;
    db.close().await.ok();
    n
}

fn rate_limited(n: usize) -> Vec<String> {
    vec!["RATE_LIMITED".to_owned(); n]
}

#[tokio::test]
async fn fifteen_aliased_subscribes_mail_the_victim_at_most_the_limit() {
    each_backend(|app| async move {
        let document =
            aliased(15, "subscribe", |_| r#"{ email: "victim@example.org", topics: [NEWS], language: "en" }"#.into());
        let body = app.graphql(&document, json!({})).await;
        assert_eq!(outcome(&body), (PER_ADDRESS as usize, rate_limited(15 - PER_ADDRESS as usize)), "{body}");
        assert_eq!(queued(&app, "victim@example.org", None).await, PER_ADDRESS);
        // The mail directory agrees once the sender is done.
        app.mailer.notify();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while crate::helpers::mails_to(&app.mail_dir, "victim@example.org").len() < PER_ADDRESS as usize
            && std::time::Instant::now() < deadline
        {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(crate::helpers::mails_to(&app.mail_dir, "victim@example.org").len(), PER_ADDRESS as usize);

        // A later request is refused as well; the next window allows mail again.
        let again = app
            .graphql(
                &aliased(1, "subscribe", |_| {
                    r#"{ email: "victim@example.org", topics: [NEWS], language: "en" }"#.into()
                }),
                json!({}),
            )
            .await;
        assert_eq!(outcome(&again), (0, rate_limited(1)), "{again}");
        app.clock.advance(Duration::hours(1));
        let later = app
            .graphql(
                &aliased(1, "subscribe", |_| {
                    r#"{ email: "victim@example.org", topics: [NEWS], language: "en" }"#.into()
                }),
                json!({}),
            )
            .await;
        assert_eq!(outcome(&later), (1, vec![]), "{later}");
        assert_eq!(queued(&app, "victim@example.org", None).await, PER_ADDRESS + 1);
    })
    .await;
}

/// 15 aliased requests for a known address and for an unknown one answer alike, and the known one gets at most
/// the limit of mails.
async fn known_and_unknown_answer_alike(app: &TestApp, field: &str, subject: &str) {
    let before = queued(app, "victim@example.org", Some(subject)).await;
    let known = app.graphql(&aliased(15, field, |_| r#"{ email: "victim@example.org" }"#.into()), json!({})).await;
    let unknown = app.graphql(&aliased(15, field, |_| r#"{ email: "nobody@example.org" }"#.into()), json!({})).await;
    assert_eq!(outcome(&known), (PER_ADDRESS as usize, rate_limited(15 - PER_ADDRESS as usize)), "{known}");
    assert_eq!(outcome(&known), outcome(&unknown), "the limit reveals nothing about the account");
    assert_eq!(known["data"], unknown["data"]);
    assert_eq!(queued(app, "victim@example.org", Some(subject)).await, before + PER_ADDRESS);
    assert_eq!(queued(app, "nobody@example.org", None).await, 0);
}

#[tokio::test]
async fn fifteen_aliased_password_resets_mail_the_account_at_most_the_limit() {
    each_backend(|app| async move {
        register(&app, "victim@example.org", "APPLICANT").await;
        app.clock.advance(Duration::hours(1)); // The registration's mail counted in the window before.
        known_and_unknown_answer_alike(&app, "requestPasswordReset", "Reset your IMPACT password").await;
    })
    .await;
}

#[tokio::test]
async fn fifteen_aliased_verification_requests_mail_the_account_at_most_the_limit() {
    each_backend(|app| async move {
        register(&app, "victim@example.org", "APPLICANT").await;
        app.clock.advance(Duration::hours(1));
        let subject = "Confirm your e-mail address for IMPACT";
        known_and_unknown_answer_alike(&app, "requestEmailVerification", subject).await;
    })
    .await;
}

#[tokio::test]
async fn fifteen_aliased_event_registrations_by_email_mail_the_victim_at_most_the_limit() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let mut events = Vec::new();
        for n in 0..5 {
            events.push(crate::event_squatting::published_webinar(&app, &staff, &format!("Webinar {n}"), 10).await);
        }
        let document = aliased(15, "registerForEventByEmail", |i| {
            format!(r#"{{ eventId: "{}", email: "victim@example.org", name: "Someone" }}"#, events[i % events.len()])
        });
        let body = app.graphql(&document, json!({})).await;
        assert_eq!(outcome(&body), (PER_ADDRESS as usize, rate_limited(15 - PER_ADDRESS as usize)), "{body}");
        assert_eq!(queued(&app, "victim@example.org", None).await, PER_ADDRESS);
    })
    .await;
}

#[tokio::test]
async fn one_client_mails_at_most_its_limit_across_addresses() {
    each_backend_with(
        |config| config.limits.mail_max_per_client = 5,
        |app| async move {
            let document = aliased(15, "subscribe", |i| {
                format!(r#"{{ email: "reader{i}@example.org", topics: [NEWS], language: "en" }}"#)
            });
            let body = app.graphql(&document, json!({})).await;
            assert_eq!(outcome(&body), (5, rate_limited(10)), "{body}");
            let db = db(&app).await;
            assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM outbound_email").await, 5);
            // Other mutations that mail a typed address share the client's budget.
            let reset = app.graphql(&aliased(1, "requestPasswordReset", |_| r#"{ email: "x@example.org" }"#.into()), json!({})).await;
            assert_eq!(outcome(&reset), (0, rate_limited(1)), "{reset}");
            let registered = app
                .graphql(
                    "mutation { register(input: { email: \"new@example.org\", password: \"correct horse battery staple\", displayName: \"New\", preferredLanguage: \"en\", intendedRole: APPLICANT }) { user { id } userErrors { code } } }",
                    json!({}),
                )
                .await;
            assert_eq!(outcome(&registered), (0, rate_limited(1)), "{registered}");
            assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM app_user WHERE email = 'new@example.org'").await, 0);
            assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM outbound_email").await, 5);
            db.close().await.ok();
        },
    )
    .await;
}
