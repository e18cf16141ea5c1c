//! The change feed `changes(after:, types:, first:)` and the delivery read rule behind it: everybody reads
//! public changes, staff everything, an applicant only the changes of what it reads; expired cursors.

use crate::applicant_flow::{open_call, submitted_application};
use crate::helpers::{PASSWORD, TestApp, each_backend, first_error_code, login, staff_token, token, verified_user};
use chrono::Duration;
use serde_json::{Value, json};

const CHANGES: &str = "query($after: String, $types: [String!], $first: Int) { changes(after: $after, types: $types, first: $first) { edges { cursor node { type subjectType subjectId payload subject { id } } } pageInfo { hasNextPage endCursor } } }";

async fn changes_as(app: &TestApp, who: Option<&str>, variables: Value) -> Value {
    let body = match who {
        Some(token) => app.graphql_as(token, CHANGES, variables).await,
        None => app.graphql(CHANGES, variables).await,
    };
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["changes"].clone()
}

fn types(changes: &Value) -> Vec<String> {
    changes["edges"].as_array().unwrap().iter().map(|e| e["node"]["type"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_feed_shows_each_reader_only_what_it_may_read() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana_session = verified_user(&app, "ana@example.org", "APPLICANT").await;
        let ana = token(&ana_session);
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let (application, _) = submitted_application(&app, &ana, &call, 1).await;
        let all = json!({ "first": 100 });

        let anonymous = types(&changes_as(&app, None, all.clone()).await);
        assert!(anonymous.contains(&"call.published".to_owned()), "{anonymous:?}");
        assert!(!anonymous.contains(&"call.created".to_owned()), "a draft call is staff's: {anonymous:?}");
        assert!(!anonymous.iter().any(|t| t.starts_with("application.")), "{anonymous:?}");
        assert!(!anonymous.iter().any(|t| t.starts_with("account.") || t.starts_with("session.")), "{anonymous:?}");

        let staff_sees = types(&changes_as(&app, Some(&staff), all.clone()).await);
        for expected in ["call.created", "call.published", "application.created", "application.submitted"] {
            assert!(staff_sees.contains(&expected.to_owned()), "{expected} missing for staff: {staff_sees:?}");
        }

        let ana_sees = changes_as(&app, Some(&ana), all.clone()).await;
        let ana_types = types(&ana_sees);
        assert!(ana_types.contains(&"application.submitted".to_owned()), "{ana_types:?}");
        assert!(!ana_types.contains(&"call.created".to_owned()), "{ana_types:?}");
        let submitted = ana_sees["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["type"] == "application.submitted")
            .unwrap();
        assert_eq!(submitted["node"]["subjectId"], application);
        assert_eq!(submitted["node"]["subject"]["id"], application);

        // Ben reads none of Ana's organisations, partnership or application, nor her account's events; his own
        // account's he does, and the public ones (the call, the region).
        let ben_sees = changes_as(&app, Some(&ben), all.clone()).await;
        let ben_types = types(&ben_sees);
        for private in ["application.", "partnership.", "organisation."] {
            assert!(!ben_types.iter().any(|t| t.starts_with(private)), "{private} leaked to ben: {ben_types:?}");
        }
        let ana_user = &ana_session["user"]["id"];
        assert!(ben_sees["edges"].as_array().unwrap().iter().all(|e| &e["node"]["subjectId"] != ana_user));
        assert!(ana_sees["edges"].as_array().unwrap().iter().any(|e| &e["node"]["subjectId"] == ana_user));
        assert!(
            ben_types.contains(&"call.published".to_owned()) && ben_types.contains(&"account.registered".to_owned())
        );
    })
    .await;
}

#[tokio::test]
async fn the_feed_pages_by_position_filters_by_type_and_expires_old_cursors() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        submitted_application(&app, &ana, &call, 1).await;
        submitted_application(&app, &ana, &call, 2).await;

        let submitted = json!({ "types": ["application.submitted"], "first": 1 });
        let first = changes_as(&app, Some(&ana), submitted.clone()).await;
        assert_eq!(types(&first), ["application.submitted"]);
        assert_eq!(first["pageInfo"]["hasNextPage"], true);
        let cursor = first["pageInfo"]["endCursor"].clone();
        let second =
            changes_as(&app, Some(&ana), json!({ "types": ["application.submitted"], "first": 1, "after": cursor }))
                .await;
        assert_eq!(types(&second), ["application.submitted"]);
        assert_eq!(second["pageInfo"]["hasNextPage"], false);
        assert_ne!(second["edges"][0]["node"]["subjectId"], first["edges"][0]["node"]["subjectId"]);
        let end = second["pageInfo"]["endCursor"].clone();
        let none = changes_as(&app, Some(&ana), json!({ "after": end, "types": ["application.submitted"] })).await;
        assert_eq!(none["edges"], json!([]));

        let unknown = app.graphql_as(&ana, CHANGES, json!({ "types": ["application.eaten"] })).await;
        assert_eq!(first_error_code(&unknown), "BAD_USER_INPUT");
        let garbage = app.graphql_as(&ana, CHANGES, json!({ "after": "not-a-cursor" })).await;
        assert_eq!(first_error_code(&garbage), "BAD_USER_INPUT");

        // 91 days later the cursor is past the 90-day retention: a clear error, not a silent gap.
        app.clock.advance(Duration::days(91));
        let ana = token(&login(&app, "ana@example.org", PASSWORD).await);
        let staff = token(&login(&app, "staff@example.org", PASSWORD).await);
        let expired = app.graphql_as(&ana, CHANGES, json!({ "after": cursor })).await;
        assert_eq!(first_error_code(&expired), "CURSOR_EXPIRED", "{expired}");
        // Without a cursor the feed starts at the retention's horizon: the old events are gone from it.
        let recent = types(&changes_as(&app, Some(&staff), json!({ "first": 100 })).await);
        assert_eq!(recent, ["session.started", "session.started"], "only the two logins since");
        // And the prune deletes them.
        let services = crate::helpers::services_on(&app).await;
        let pruned = api::domain::live::feed::prune(&services.db, services.now(), Duration::days(90)).await.unwrap();
        assert!(pruned > 10, "{pruned}");
        assert_eq!(crate::helpers::count(&services.db, "SELECT COUNT(*) AS n FROM domain_event").await, 2);
    })
    .await;
}
