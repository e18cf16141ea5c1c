//! Publishing calls: the subscribers of the call's newsletter topic are told, in the publishing transaction.

use crate::helpers::{db, each_backend, server_start, staff_token};
use crate::newsletter::{confirmed_subscriber, mails_with_subject, queued, unsubscribe_token};
use chrono::Duration;
use serde_json::{Value, json};

const CREATE_CALL: &str =
    "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id } userErrors { field code } } }";
const PUBLISH_CALL: &str =
    "mutation($i: PublishCallInput!) { publishCall(input: $i) { call { status } userErrors { field code } } }";

async fn published_call(app: &crate::helpers::TestApp, staff: &str, kind: &str, title: &str) -> Value {
    let input = json!({ "kind": kind, "title": title, "round": 1, "description": "Who may apply, and how.",
        "opensAt": server_start() + Duration::days(1), "closesAt": server_start() + Duration::days(30), "maxSelections": 5 });
    let created = app.data_as(staff, CREATE_CALL, json!({ "i": input })).await;
    assert_eq!(created["createCall"]["userErrors"], json!([]));
    let id = created["createCall"]["call"]["id"].clone();
    let published = app.data_as(staff, PUBLISH_CALL, json!({ "i": { "id": id } })).await;
    assert_eq!(published["publishCall"]["userErrors"], json!([]));
    id
}

#[tokio::test]
async fn publishing_a_call_tells_the_subscribers_of_its_topic_only() {
    each_backend(|app| async move {
        confirmed_subscriber(&app, "regions.fan@example.org", json!(["CALLS_PILOT_REGIONS"]), "en").await;
        confirmed_subscriber(&app, "experts.fan@example.org", json!(["CALLS_EXPERTS"]), "en").await;
        confirmed_subscriber(&app, "events.only@example.org", json!(["EVENTS"]), "en").await;
        let staff = staff_token(&app).await;
        let regions = "New IMPACT call for pilot regions: Second call for pilot regions";
        let experts = "New IMPACT call for experts: Call for experts";
        let db = db(&app).await;

        // A draft tells nobody.
        let draft = json!({ "kind": "EXPERTS", "title": "Draft call", "round": 1, "description": "",
            "opensAt": server_start(), "closesAt": server_start() + Duration::days(3), "maxSelections": 1 });
        assert_eq!(
            app.data_as(&staff, CREATE_CALL, json!({ "i": draft })).await["createCall"]["userErrors"],
            json!([])
        );
        assert_eq!(
            crate::helpers::count(
                &db,
                "SELECT COUNT(*) AS n FROM outbound_email WHERE subject LIKE 'New IMPACT call%'"
            )
            .await,
            0
        );

        published_call(&app, &staff, "PILOT_REGIONS", "Second call for pilot regions").await;
        let id = published_call(&app, &staff, "EXPERTS", "Call for experts").await;
        // Publishing twice announces once.
        app.data_as(&staff, PUBLISH_CALL, json!({ "i": { "id": id } })).await;

        let mails = mails_with_subject(&app, "regions.fan@example.org", regions, 1).await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0].contains("Who may apply"), "the mail describes the call");
        unsubscribe_token(&mails[0]);
        assert_eq!(mails_with_subject(&app, "experts.fan@example.org", experts, 1).await.len(), 1);
        assert_eq!(queued(&db, "regions.fan@example.org", experts).await, 0);
        assert_eq!(queued(&db, "experts.fan@example.org", regions).await, 0);
        assert_eq!(queued(&db, "experts.fan@example.org", experts).await, 1);
        assert_eq!(
            queued(&db, "events.only@example.org", regions).await
                + queued(&db, "events.only@example.org", experts).await,
            0
        );
    })
    .await;
}
