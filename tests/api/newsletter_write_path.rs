//! The newsletter on the one write path: each subscription and issue command writes exactly its domain event
//! (type, subject global ID, actor), no payload holds the address or a token, a command that changes nothing
//! or is refused writes none, and `create_issue` run directly with the wrong principal answers FORBIDDEN.

use crate::helpers::*;
use crate::newsletter::{CONFIRM, new_issue, send, subscribe, tokens_in_mail};
use api::auth::Role;
use api::domain::ids::{self, NodeType};
use api::domain::newsletter::Topic;
use api::domain::newsletter::issues::{self, IssueInput};
use api::domain::newsletter::subscriptions::{self, SubscriberKey, SubscriptionChange};
use api::error::AppError;
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const UPDATE: &str = "mutation($i: UpdateSubscriptionInput!) { updateSubscription(input: $i) { subscription { topics } userErrors { code } } }";
const UNSUBSCRIBE: &str =
    "mutation($t: String) { unsubscribe(input: { token: $t }) { subscription { status } userErrors { code } } }";

fn newsletter_events(
    all: Vec<(String, String, Option<String>, Value)>,
) -> Vec<(String, String, Option<String>, Value)> {
    all.into_iter().filter(|e| e.0.starts_with("subscription.") || e.0.starts_with("newsletter_issue.")).collect()
}

async fn subscriber_subject(app: &TestApp, email: &str) -> String {
    let db = Database::connect(&app.database_url).await.expect("database");
    let subscriber = entity::subscriber::Entity::find()
        .filter(entity::subscriber::Column::Email.eq(email))
        .one(&db)
        .await
        .expect("query")
        .expect("a subscriber");
    db.close().await.ok();
    ids::encode(NodeType::NewsletterSubscription, &subscriber.id.to_string())
}

#[tokio::test]
async fn subscription_and_issue_commands_write_exactly_their_events_without_the_address() {
    each_backend(|app| async move {
        let email = "ana@example.org";
        assert_eq!(subscribe(&app, email, json!(["EVENTS", "NEWS"]), "en").await["userErrors"], json!([]));
        let confirm_token =
            tokens_in_mail(&app, email, "confirm-subscription", 1).await.into_iter().next().expect("a token");
        let confirmed = app.data(CONFIRM, json!({ "t": confirm_token })).await;
        assert_eq!(confirmed["confirmSubscription"]["subscription"]["status"], "CONFIRMED");
        // Refused (the token is spent) and no-change commands write nothing.
        let reused = app.data(CONFIRM, json!({ "t": confirm_token })).await;
        assert_eq!(reused["confirmSubscription"]["userErrors"][0]["code"], "INVALID_TOKEN");
        assert_eq!(subscribe(&app, email, json!(["EVENTS"]), "fr").await["userErrors"], json!([]), "no enumeration");
        let manage = tokens_in_mail(&app, email, "manage-subscription", 2).await;
        let manage = manage.into_iter().next().expect("a manage token");

        let staff = staff_token(&app).await;
        let staff_id = app.data_as(&staff, "{ me { id } }", json!({})).await["me"]["id"].as_str().unwrap().to_owned();
        let staff_id = ids::decode(&staff_id).expect("a global ID").1;
        let issue = new_issue(&app, &staff, "Events in March", json!(["EVENTS"]), "en").await;
        assert_eq!(send(&app, &staff, &issue).await["queued"], 1);
        assert_eq!(send(&app, &staff, &issue).await["queued"], 0, "the delivery rows stop a second mail");

        let updated =
            app.data(UPDATE, json!({ "i": { "token": manage, "topics": ["CALLS_EXPERTS"], "language": "sl" } })).await;
        assert_eq!(updated["updateSubscription"]["userErrors"], json!([]));
        let left = app.data(UNSUBSCRIBE, json!({ "t": manage })).await;
        assert_eq!(left["unsubscribe"]["subscription"]["status"], "UNSUBSCRIBED");
        let again = app.data(UNSUBSCRIBE, json!({ "t": manage })).await;
        assert_eq!(again["unsubscribe"]["subscription"]["status"], "UNSUBSCRIBED", "twice is fine, and silent");

        let subscription = subscriber_subject(&app, email).await;
        let issue = issue.as_str().unwrap().to_owned();
        let written = newsletter_events(domain_events(&app).await);
        let seen: Vec<(&str, &str)> = written.iter().map(|e| (e.0.as_str(), e.1.as_str())).collect();
        assert_eq!(
            seen,
            [
                ("subscription.requested", subscription.as_str()),
                ("subscription.confirmed", subscription.as_str()),
                ("newsletter_issue.created", issue.as_str()),
                ("newsletter_issue.sent", issue.as_str()),
                ("newsletter_issue.sent", issue.as_str()),
                ("subscription.updated", subscription.as_str()),
                ("subscription.unsubscribed", subscription.as_str()),
            ]
        );
        // Anonymous subscribers act without a principal; staff act as themselves.
        assert!(written.iter().filter(|e| e.0.starts_with("subscription.")).all(|e| e.2.is_none()), "{written:?}");
        assert!(written.iter().filter(|e| e.0.starts_with("newsletter_")).all(|e| e.2.as_deref() == Some(&*staff_id)));
        assert_eq!(written[0].3, json!({ "topics": ["EVENTS", "NEWS"], "language": "en" }));
        assert_eq!(written[1].3, json!({ "topics": ["EVENTS", "NEWS"], "language": "en" }));
        assert_eq!(written[2].3, json!({ "topics": ["EVENTS"], "language": "en" }));
        assert_eq!(written[3].3, json!({ "topics": ["EVENTS"], "language": "en", "queued": 1 }));
        assert_eq!(written[4].3["queued"], 0);
        assert_eq!(written[5].3, json!({ "topics": ["CALLS_EXPERTS"], "language": "sl" }));
        for event in &written {
            let text = event.3.to_string();
            assert!(!text.to_lowercase().contains(email), "{} holds the address: {text}", event.0);
            assert!(!text.contains(&confirm_token) && !text.contains(&manage), "{} holds a token: {text}", event.0);
            assert!(!text.contains("Events in March"), "{} holds free text: {text}", event.0);
        }
    })
    .await;
}

#[tokio::test]
async fn newsletter_commands_refuse_the_wrong_principal_and_write_no_event() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let input = || IssueInput {
            subject: "Refused".to_owned(),
            body: "Nobody reads this.".to_owned(),
            topics: vec![Topic::News],
            language: "en".to_owned(),
        };
        let applicant = principal(vec![Role::Applicant]);
        let refused = issues::create_issue(&services, Some(&applicant), input()).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        let anonymous = issues::create_issue(&services, None, input()).await;
        assert!(matches!(anonymous, Err(AppError::Unauthenticated)), "{anonymous:?}");

        let staff = principal(vec![Role::Staff]);
        let issue = issues::create_issue(&services, Some(&staff), input()).await.expect("created by staff");
        let send = issues::send_issue(&services, Some(&applicant), issue.id).await;
        assert!(matches!(send, Err(AppError::Forbidden)), "{send:?}");
        let preview = issues::preview_issue(&services, Some(&applicant), issue.id).await;
        assert!(matches!(preview, Err(AppError::Forbidden)), "{preview:?}");
        // Signed-in users change only their own subscription.
        let change = SubscriptionChange { topics: vec![Topic::News], language: "en".to_owned(), source: None };
        let other = subscriptions::update(&services, Some(&staff), SubscriberKey::Caller(&applicant), change).await;
        assert!(matches!(other, Err(AppError::Forbidden)), "{other:?}");
        let nobody = subscriptions::unsubscribe(&services, None, SubscriberKey::Caller(&applicant), None).await;
        assert!(matches!(nobody, Err(AppError::Unauthenticated)), "{nobody:?}");

        let written = newsletter_events(domain_events(&app).await);
        let types: Vec<&str> = written.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(types, ["newsletter_issue.created"], "only the staff's command wrote an event");
        assert_eq!(written[0].1, ids::encode(NodeType::NewsletterIssue, &issue.id.to_string()));
        assert_eq!(written[0].2, Some(staff.id.to_string()));
    })
    .await;
}
