//! The resources library: staff drafts, publishing (which tells the TOOLS_AND_ANALYSIS subscribers), the public list.

use crate::helpers::{db, each_backend, staff_token};
use crate::newsletter::{confirmed_subscriber, mails_with_subject, queued, unsubscribe_token};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateResourceInput!) { createResource(input: $i) { resource { id publishedAt } userErrors { field code } } }";
const PUBLISH: &str = "mutation($id: ID!) { publishResource(input: { resourceId: $id }) { resource { publishedAt } userErrors { field code } } }";
const LIST: &str = "query($f: ResourcesFilter) { resources(filter: $f, first: 10) { totalCount nodes { title kind languages topics } } }";

fn titles(data: &Value) -> Vec<String> {
    data["resources"]["nodes"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn published_resources_are_listed_newest_first_and_announced_to_their_topic() {
    each_backend(|app| async move {
        confirmed_subscriber(&app, "tools.fan@example.org", json!(["TOOLS_AND_ANALYSIS"]), "en").await;
        confirmed_subscriber(&app, "events.only@example.org", json!(["EVENTS"]), "en").await;
        let staff = staff_token(&app).await;
        let template = json!({ "title": "CLLD strategy template", "summary": "All Article 32 elements.", "kind": "TEMPLATE",
            "url": "https://example.org/template.docx", "languages": ["en", "fr"], "topics": ["TOOLS_AND_ANALYSIS"] });
        let created = app.data_as(&staff, CREATE, json!({ "i": template })).await;
        let id = created["createResource"]["resource"]["id"].clone();
        assert_eq!(created["createResource"]["resource"]["publishedAt"], Value::Null);
        let bad = json!({ "title": "x", "summary": "x", "kind": "GUIDE", "url": "ftp://example.org", "languages": [], "topics": [] });
        let bad = app.data_as(&staff, CREATE, json!({ "i": bad })).await;
        let fields: Vec<Value> = bad["createResource"]["userErrors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert_eq!(fields, [json!(["input", "url"]), json!(["input", "languages"])]);

        // A draft is for staff only.
        assert_eq!(app.data(LIST, json!({})).await["resources"]["totalCount"], 0);
        const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";
        assert_eq!(app.data(NODE, json!({ "id": id })).await["node"], Value::Null);
        assert_eq!(app.data_as(&staff, NODE, json!({ "id": id })).await["node"]["id"], id);

        let published = app.data_as(&staff, PUBLISH, json!({ "id": id })).await;
        assert!(published["publishResource"]["resource"]["publishedAt"].is_string());
        let twice = app.data_as(&staff, PUBLISH, json!({ "id": id })).await;
        assert_eq!(twice["publishResource"]["userErrors"], json!([{ "field": ["input", "resourceId"], "code": "INVALID_STATE" }]));
        assert_eq!(app.data(NODE, json!({ "id": id })).await["node"]["id"], id);

        app.clock.advance(chrono::Duration::minutes(1));
        let guide = json!({ "title": "Guide to peer learning", "summary": "How pilot teams learn together.", "kind": "GUIDE",
            "url": "https://example.org/guide", "languages": ["sl"], "topics": ["NEWS"] });
        let guide = app.data_as(&staff, CREATE, json!({ "i": guide })).await["createResource"]["resource"]["id"].clone();
        app.data_as(&staff, PUBLISH, json!({ "id": guide })).await;

        assert_eq!(titles(&app.data(LIST, json!({})).await), ["Guide to peer learning", "CLLD strategy template"]);
        assert_eq!(titles(&app.data(LIST, json!({ "f": { "kind": "TEMPLATE" } })).await), ["CLLD strategy template"]);
        assert_eq!(titles(&app.data(LIST, json!({ "f": { "language": "fr" } })).await), ["CLLD strategy template"]);
        assert_eq!(titles(&app.data(LIST, json!({ "f": { "topic": "NEWS" } })).await), ["Guide to peer learning"]);
        assert_eq!(titles(&app.data(LIST, json!({ "f": { "topic": "EVENTS" } })).await), Vec::<String>::new());

        let subject = "New in the IMPACT library: CLLD strategy template";
        let mails = mails_with_subject(&app, "tools.fan@example.org", subject, 1).await;
        assert_eq!(mails.len(), 1);
        unsubscribe_token(&mails[0]);
        let db = db(&app).await;
        assert_eq!(queued(&db, "events.only@example.org", subject).await, 0);
    })
    .await;
}
