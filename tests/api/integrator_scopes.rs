//! Integrator scopes chosen by admins: `read:events` opens the events area of the change feed to a service
//! account, `webhooks:manage` its webhooks; admins list service accounts and revoke them (tokens end at once).

use crate::helpers::*;
use crate::webhooks::integrator_token;
use api::auth::Role;
use api::domain::events::{self, EventInput};
use chrono::{Duration, TimeZone, Utc};
use entity::event::EventKind;
use serde_json::json;

const FEED: &str = "{ changes(first: 100) { nodes { type } } }";

async fn feed_types(app: &TestApp, token: &str) -> Vec<String> {
    let data = app.data_as(token, FEED, json!({})).await;
    data["changes"]["nodes"].as_array().unwrap().iter().map(|n| n["type"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn scopes_open_areas_of_the_feed_and_revoked_accounts_stop_at_once() {
    each_backend(|app| async move {
        let admin = token(&admin_session(&app).await);
        let (account, reader) = integrator_token(&app, &admin, json!(["READ_EVENTS"])).await;
        let unscoped = service_token(&app, &admin).await;
        let services = services_on(&app).await;
        let staff = principal(vec![Role::Staff]);
        let starts = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let input = EventInput {
            kind: EventKind::Webinar,
            title: "Scoped".to_owned(),
            description: "Scopes.".to_owned(),
            starts_at: starts,
            ends_at: starts + Duration::hours(1),
            time_zone: "Europe/Vienna".to_owned(),
            venue: None,
            join_url: Some("https://meet.example.org/x".to_owned()),
            capacity: 5,
            registration_opens_at: server_start() - Duration::days(1),
            registration_closes_at: starts,
            topics: Vec::new(),
            language: "en".to_owned(),
            country: None,
        };
        let event = events::create_event(&services, Some(&staff), &input).await.unwrap();
        events::publish_event(&services, Some(&staff), event.id).await.unwrap();

        assert!(feed_types(&app, &reader).await.contains(&"event.published".to_owned()));
        assert!(!feed_types(&app, &unscoped).await.contains(&"event.published".to_owned()), "no read:events");
        // Anonymous readers and people are not bound by scopes: the published event is public.
        let anonymous = app.data(FEED, json!({})).await;
        assert!(anonymous.to_string().contains("event.published"));

        // Admins list the accounts with their scopes and change them; the change applies at once.
        let list = app.data_as(&admin, "{ serviceAccounts(first: 10) { nodes { id scopes revokedAt } } }", json!({})).await;
        let listed = &list["serviceAccounts"]["nodes"];
        assert_eq!(listed.as_array().unwrap().len(), 2, "{list}");
        assert_eq!(listed[0]["scopes"], json!(["READ_EVENTS"]));
        let set = "mutation($id: ID!) { setServiceAccountScopes(input: { id: $id, scopes: [WEBHOOKS_MANAGE] }) { serviceAccount { scopes } userErrors { code } } }";
        let changed = app.data_as(&admin, set, json!({ "id": account })).await;
        assert_eq!(changed["setServiceAccountScopes"]["serviceAccount"]["scopes"], json!(["WEBHOOKS_MANAGE"]));
        assert!(!feed_types(&app, &reader).await.contains(&"event.published".to_owned()));

        let revoke = "mutation($id: ID!) { revokeServiceAccount(input: { id: $id }) { serviceAccount { revokedAt } userErrors { code } } }";
        let revoked = app.data_as(&admin, revoke, json!({ "id": account })).await;
        assert!(revoked["revokeServiceAccount"]["serviceAccount"]["revokedAt"].is_string(), "{revoked}");
        let after = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&reader)
            .json(&json!({ "query": FEED }))
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), 401, "a revoked account's token stops working");
        let again = app.data_as(&admin, revoke, json!({ "id": account })).await;
        assert_eq!(again["revokeServiceAccount"]["userErrors"][0]["code"], "INVALID_STATE");
    })
    .await;
}
