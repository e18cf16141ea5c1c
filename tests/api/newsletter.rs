//! Newsletter subscriptions, issues and one-click unsubscribe, as a subscriber, a signed-in user and staff see them.

use crate::helpers::{TestApp, db, each_backend, first_error_code, mails_to, staff_token, verified_user};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub const SUBSCRIBE: &str =
    "mutation($i: SubscribeInput!) { subscribe(input: $i) { userErrors { field code message } } }";
pub const CONFIRM: &str = "mutation($t: String!) { confirmSubscription(input: { token: $t, source: \"impact-website\" }) { subscription { email status topics language consents { action topics wordingVersion source } } userErrors { field code } } }";
const BY_TOKEN: &str = "query($t: String!) { subscriptionByToken(token: $t) { status topics language } }";
const CREATE_ISSUE: &str = "mutation($i: CreateNewsletterIssueInput!) { createNewsletterIssue(input: $i) { newsletterIssue { id } userErrors { field code } } }";
const SEND_ISSUE: &str = "mutation($id: ID!) { sendNewsletterIssue(input: { issueId: $id }) { queued newsletterIssue { deliveryCount sentAt } userErrors { field code } } }";

pub async fn subscribe(app: &TestApp, email: &str, topics: Value, language: &str) -> Value {
    let data = app
        .data(
            SUBSCRIBE,
            json!({ "i": { "email": email, "topics": topics, "language": language, "source": "impact-website" } }),
        )
        .await;
    data["subscribe"].clone()
}

/// Every token of a `/{path}?token=` link in the mails to `to` (waits up to 5 s for at least `at_least`).
pub async fn tokens_in_mail(app: &TestApp, to: &str, path: &str, at_least: usize) -> BTreeSet<String> {
    let marker = format!("/{path}?token=");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let tokens: BTreeSet<String> = mails_to(&app.mail_dir, to)
            .iter()
            .filter_map(|mail| {
                let message = mail_parser::MessageParser::default().parse(mail.as_bytes())?;
                let body = message.body_text(0)?.into_owned();
                let start = body.find(&marker)? + marker.len();
                Some(
                    body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect(),
                )
            })
            .collect();
        if tokens.len() >= at_least || Instant::now() >= deadline {
            return tokens;
        }
        app.mailer.notify();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The mails to `to` with this subject, once there are `expected` of them (or 5 s passed).
pub async fn mails_with_subject(app: &TestApp, to: &str, subject: &str, expected: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mails: Vec<String> = mails_to(&app.mail_dir, to)
            .into_iter()
            .filter(|mail| {
                mail_parser::MessageParser::default()
                    .parse(mail.as_bytes())
                    .and_then(|m| m.subject().map(str::to_owned))
                    == Some(subject.to_owned())
            })
            .collect();
        if mails.len() >= expected || Instant::now() >= deadline {
            return mails;
        }
        app.mailer.notify();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The token of the `List-Unsubscribe: <…/unsubscribe/TOKEN>` header; asserts the RFC 8058 headers are there.
pub fn unsubscribe_token(mail: &str) -> String {
    let message = mail_parser::MessageParser::default().parse(mail.as_bytes()).expect("a MIME message");
    let post = message.header_raw("List-Unsubscribe-Post").expect("a List-Unsubscribe-Post header");
    assert_eq!(post.trim(), "List-Unsubscribe=One-Click");
    let link = message.header_raw("List-Unsubscribe").expect("a List-Unsubscribe header").trim();
    assert!(link.starts_with("<http://127.0.0.1:8080/unsubscribe/") && link.ends_with('>'), "{link}");
    link.trim_end_matches('>').rsplit('/').next().unwrap().to_owned()
}

pub async fn confirmed_subscriber(app: &TestApp, email: &str, topics: Value, language: &str) {
    assert_eq!(subscribe(app, email, topics, language).await["userErrors"], json!([]));
    let token = tokens_in_mail(app, email, "confirm-subscription", 1).await.into_iter().next().expect("a token");
    let data = app.data(CONFIRM, json!({ "t": token })).await;
    assert_eq!(data["confirmSubscription"]["subscription"]["status"], "CONFIRMED");
}

pub async fn new_issue(app: &TestApp, staff: &str, subject: &str, topics: Value, language: &str) -> Value {
    let input = json!({ "subject": subject, "body": "# Hello\n\nNews of the *programme*.", "topics": topics, "language": language });
    let data = app.data_as(staff, CREATE_ISSUE, json!({ "i": input })).await;
    assert_eq!(data["createNewsletterIssue"]["userErrors"], json!([]));
    data["createNewsletterIssue"]["newsletterIssue"]["id"].clone()
}

pub async fn send(app: &TestApp, staff: &str, issue: &Value) -> Value {
    let data = app.data_as(staff, SEND_ISSUE, json!({ "id": issue })).await;
    assert_eq!(data["sendNewsletterIssue"]["userErrors"], json!([]));
    data["sendNewsletterIssue"].clone()
}

/// Outbox rows to `to` with this subject.
pub async fn queued(db: &DatabaseConnection, to: &str, subject: &str) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM outbound_email WHERE to_address = '{to}' AND subject = '{}'",
        subject.replace('\'', "''")
    );
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn subscribe_confirm_receive_an_issue_and_unsubscribe_in_one_click() {
    each_backend(|app| async move {
        let payload = subscribe(&app, "Ana@Example.org", json!(["EVENTS", "NEWS"]), "en").await;
        assert_eq!(payload["userErrors"], json!([]));
        let confirmation = mails_to(&app.mail_dir, "ana@example.org");
        let confirmation = if confirmation.is_empty() { app.mails_to("ana@example.org").await } else { confirmation };
        unsubscribe_token(&confirmation[0]);
        let token = tokens_in_mail(&app, "ana@example.org", "confirm-subscription", 1).await;
        let token = token.into_iter().next().expect("a confirmation token");
        let data = app.data(CONFIRM, json!({ "t": token })).await;
        let subscription = &data["confirmSubscription"]["subscription"];
        assert_eq!(subscription["status"], "CONFIRMED");
        assert_eq!(subscription["email"], "ana@example.org");
        assert_eq!(subscription["topics"], json!(["EVENTS", "NEWS"]));
        let consents = subscription["consents"].as_array().unwrap();
        assert_eq!(
            consents.iter().map(|c| c["action"].as_str().unwrap()).collect::<Vec<_>>(),
            ["SUBSCRIBED", "CONFIRMED"]
        );
        assert!(consents.iter().all(|c| c["wordingVersion"] == api::config::CONSENT_WORDING_VERSION));
        assert!(consents.iter().all(|c| c["source"] == "impact-website" && c["topics"] == json!(["EVENTS", "NEWS"])));

        let staff = staff_token(&app).await;
        let issue = new_issue(&app, &staff, "Webinar on the call", json!(["EVENTS"]), "en").await;
        assert_eq!(send(&app, &staff, &issue).await["queued"], 1);
        let mails = mails_with_subject(&app, "ana@example.org", "Webinar on the call", 1).await;
        assert_eq!(mails.len(), 1);
        let token = unsubscribe_token(&mails[0]);

        // RFC 8058: a POST with the one-click body, no login. Anything else changes nothing.
        let url = app.url(&format!("/unsubscribe/{token}"));
        let form = "application/x-www-form-urlencoded";
        let wrong_body = app.client.post(&url).header("content-type", form).body("x=y").send().await.unwrap();
        assert_eq!(wrong_body.status(), 400);
        let unknown = app
            .client
            .post(app.url("/unsubscribe/nope"))
            .header("content-type", form)
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), 404);
        assert_eq!(app.data(BY_TOKEN, json!({ "t": token })).await["subscriptionByToken"]["status"], "CONFIRMED");
        let response =
            app.client.post(&url).header("content-type", form).body("List-Unsubscribe=One-Click").send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(app.data(BY_TOKEN, json!({ "t": token })).await["subscriptionByToken"]["status"], "UNSUBSCRIBED");
        let again =
            app.client.post(&url).header("content-type", form).body("List-Unsubscribe=One-Click").send().await.unwrap();
        assert_eq!(again.status(), 200, "unsubscribing twice is fine");

        let next = new_issue(&app, &staff, "Second webinar", json!(["EVENTS", "NEWS"]), "en").await;
        assert_eq!(send(&app, &staff, &next).await["queued"], 0);
        let db = db(&app).await;
        assert_eq!(queued(&db, "ana@example.org", "Second webinar").await, 0);
    })
    .await;
}

#[tokio::test]
async fn confirmation_tokens_are_single_use_and_expire() {
    each_backend(|app| async move {
        subscribe(&app, "ana@example.org", json!(["NEWS"]), "en").await;
        let token =
            tokens_in_mail(&app, "ana@example.org", "confirm-subscription", 1).await.into_iter().next().unwrap();
        let first = app.data(CONFIRM, json!({ "t": token })).await;
        assert_eq!(first["confirmSubscription"]["userErrors"], json!([]));
        let reused = app.data(CONFIRM, json!({ "t": token })).await;
        assert_eq!(reused["confirmSubscription"]["subscription"], Value::Null);
        assert_eq!(
            reused["confirmSubscription"]["userErrors"],
            json!([{ "field": ["input", "token"], "code": "INVALID_TOKEN" }])
        );

        subscribe(&app, "bob@example.org", json!(["NEWS"]), "en").await;
        let old = tokens_in_mail(&app, "bob@example.org", "confirm-subscription", 1).await;
        app.clock.advance(chrono::Duration::hours(49));
        let expired = app.data(CONFIRM, json!({ "t": old.iter().next().unwrap() })).await;
        assert_eq!(expired["confirmSubscription"]["userErrors"][0]["code"], "INVALID_TOKEN");
        // Subscribing again sends a new link; the old one stays dead.
        subscribe(&app, "bob@example.org", json!(["NEWS"]), "en").await;
        let all = tokens_in_mail(&app, "bob@example.org", "confirm-subscription", 2).await;
        let fresh = all.difference(&old).next().expect("a new token").clone();
        let confirmed = app.data(CONFIRM, json!({ "t": fresh })).await;
        assert_eq!(confirmed["confirmSubscription"]["subscription"]["status"], "CONFIRMED");
    })
    .await;
}

#[tokio::test]
async fn subscribing_a_known_address_answers_like_a_new_one() {
    each_backend(|app| async move {
        let new = subscribe(&app, "ana@example.org", json!(["NEWS"]), "en").await;
        let pending = subscribe(&app, "ana@example.org", json!(["NEWS"]), "en").await;
        let token = tokens_in_mail(&app, "ana@example.org", "confirm-subscription", 2).await;
        let mut confirmed_one = false;
        for t in &token {
            let data = app.data(CONFIRM, json!({ "t": t })).await;
            confirmed_one |= data["confirmSubscription"]["userErrors"] == json!([]);
        }
        assert!(confirmed_one, "the newest confirmation link works");
        // Someone else tries the confirmed address with other topics: same answer, and a mail to the owner.
        let confirmed = subscribe(&app, "ana@example.org", json!(["EVENTS"]), "fr").await;
        assert_eq!(new, json!({ "userErrors": [] }));
        assert_eq!(new, pending);
        assert_eq!(new, confirmed);
        let manage = tokens_in_mail(&app, "ana@example.org", "manage-subscription", 3).await;
        assert_eq!(mails_to(&app.mail_dir, "ana@example.org").len(), 3, "every subscribe mails the address once");
        let subscription = app.data(BY_TOKEN, json!({ "t": manage.iter().next().unwrap() })).await;
        assert_eq!(
            subscription["subscriptionByToken"],
            json!({ "status": "CONFIRMED", "topics": ["NEWS"], "language": "en" })
        );
        // Broken input is reported the same way for everyone.
        let invalid = subscribe(&app, "not an address", json!([]), "english").await;
        let codes: Vec<&str> =
            invalid["userErrors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["INVALID", "REQUIRED", "INVALID"]);
    })
    .await;
}

#[tokio::test]
async fn issues_go_only_to_confirmed_subscribers_of_their_topics_and_language_and_never_twice() {
    each_backend(|app| async move {
        confirmed_subscriber(&app, "reader@example.org", json!(["EVENTS"]), "en").await;
        confirmed_subscriber(&app, "other.topic@example.org", json!(["NEWS"]), "en").await;
        confirmed_subscriber(&app, "french@example.org", json!(["EVENTS"]), "fr").await;
        subscribe(&app, "pending@example.org", json!(["EVENTS"]), "en").await;
        confirmed_subscriber(&app, "left@example.org", json!(["EVENTS"]), "en").await;
        let manage = tokens_in_mail(&app, "left@example.org", "manage-subscription", 1).await;
        let left = app
            .data("mutation($t: String) { unsubscribe(input: { token: $t }) { subscription { status } userErrors { code } } }", json!({ "t": manage.iter().next().unwrap() }))
            .await;
        assert_eq!(left["unsubscribe"]["subscription"]["status"], "UNSUBSCRIBED");

        let staff = staff_token(&app).await;
        let issue = new_issue(&app, &staff, "Events in March", json!(["EVENTS"]), "en").await;
        let preview = app
            .data_as(&staff, "query($id: ID!) { previewNewsletterIssue(id: $id) { subject text } }", json!({ "id": issue }))
            .await;
        assert!(preview["previewNewsletterIssue"]["text"].as_str().unwrap().contains("/unsubscribe/SAMPLE-TOKEN"));
        let first = send(&app, &staff, &issue).await;
        assert_eq!(first["queued"], 1);
        assert_eq!(first["newsletterIssue"]["deliveryCount"], 1);
        let second = send(&app, &staff, &issue).await;
        assert_eq!(second["queued"], 0);
        assert_eq!(second["newsletterIssue"]["deliveryCount"], 1);

        let db = db(&app).await;
        assert_eq!(queued(&db, "reader@example.org", "Events in March").await, 1);
        for nobody in ["other.topic@example.org", "french@example.org", "pending@example.org", "left@example.org"] {
            assert_eq!(queued(&db, nobody, "Events in March").await, 0, "{nobody}");
        }
        assert_eq!(mails_with_subject(&app, "reader@example.org", "Events in March", 1).await.len(), 1);
        let listed = app
            .data_as(&staff, "{ newsletterIssues(first: 5) { totalCount nodes { id deliveryCount sentCount } } }", json!({}))
            .await;
        assert_eq!(listed["newsletterIssues"]["totalCount"], 1);
        assert_eq!(listed["newsletterIssues"]["nodes"][0]["deliveryCount"], 1);

        let bad = app
            .data_as(&staff, CREATE_ISSUE, json!({ "i": { "subject": " ", "body": "x", "topics": [], "language": "en" } }))
            .await;
        let fields: Vec<Value> = bad["createNewsletterIssue"]["userErrors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert_eq!(fields, [json!(["input", "subject"]), json!(["input", "topics"])]);
    })
    .await;
}

#[tokio::test]
async fn signed_in_users_manage_their_subscription_from_me() {
    each_backend(|app| async move {
        const ME: &str = "{ me { subscription { status topics language consents { action } } } }";
        const UPDATE: &str = "mutation($i: UpdateSubscriptionInput!) { updateSubscription(input: $i) { subscription { topics language } userErrors { field code } } }";
        let session = verified_user(&app, "maria@example.org", "APPLICANT").await;
        let token = session["accessToken"].as_str().unwrap();
        assert_eq!(app.data_as(token, ME, json!({})).await["me"]["subscription"], Value::Null);
        let none = app.data_as(token, UPDATE, json!({ "i": { "topics": ["NEWS"], "language": "en" } })).await;
        assert_eq!(none["updateSubscription"]["userErrors"][0]["code"], "NOT_FOUND");

        confirmed_subscriber(&app, "maria@example.org", json!(["NEWS"]), "sl").await;
        let updated = app.data_as(token, UPDATE, json!({ "i": { "topics": ["CALLS_EXPERTS", "NEWS"], "language": "en" } })).await;
        assert_eq!(updated["updateSubscription"]["subscription"], json!({ "topics": ["CALLS_EXPERTS", "NEWS"], "language": "en" }));
        let anonymous = app.graphql(UPDATE, json!({ "i": { "topics": ["NEWS"], "language": "en" } })).await;
        assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");

        let left = app.data_as(token, "mutation { unsubscribe(input: {}) { subscription { status } } }", json!({})).await;
        assert_eq!(left["unsubscribe"]["subscription"]["status"], "UNSUBSCRIBED");
        let me = app.data_as(token, ME, json!({})).await;
        let actions: Vec<&str> = me["me"]["subscription"]["consents"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["SUBSCRIBED", "CONFIRMED", "UPDATED", "UNSUBSCRIBED"]);
        let closed = app.data_as(token, UPDATE, json!({ "i": { "topics": ["NEWS"], "language": "en" } })).await;
        assert_eq!(closed["updateSubscription"]["userErrors"][0]["code"], "INVALID_STATE");

        // Coming back needs a new confirmation.
        subscribe(&app, "maria@example.org", json!(["EVENTS"]), "en").await;
        assert_eq!(app.data_as(token, ME, json!({})).await["me"]["subscription"]["status"], "PENDING");
    })
    .await;
}
