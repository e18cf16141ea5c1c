//! The one write path: commands go through the unit of work, which writes their domain events (and audit
//! entries) in the same transaction, wakes the publisher after the commit, and refuses the wrong principal.

use crate::helpers::*;
use api::auth::Role;
use api::domain::calls::{self, CallInput};
use api::domain::domain_events::{self, DomainEvent, EventType};
use api::domain::ids::NodeType;
use api::error::AppError;
use chrono::Duration;
use entity::call::CallKind;
use serde_json::json;
use uuid::Uuid;

const CREATE_CALL: &str =
    "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id } userErrors { field code } } }";
const PUBLISH_CALL: &str =
    "mutation($i: PublishCallInput!) { publishCall(input: $i) { call { id } userErrors { field code } } }";

fn call_input(title: &str) -> CallInput {
    CallInput {
        kind: CallKind::PilotRegions,
        title: title.to_owned(),
        round: 1,
        description: String::new(),
        opens_at: server_start(),
        closes_at: server_start() + Duration::days(30),
        max_selections: 30,
    }
}

#[tokio::test]
async fn domain_commands_refuse_the_wrong_principal() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let applicant = principal(vec![Role::Applicant]);
        let refused = calls::create_call(&services, Some(&applicant), &call_input("Not mine to make")).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        let anonymous = calls::create_call(&services, None, &call_input("Nobody's")).await;
        assert!(matches!(anonymous, Err(AppError::Unauthenticated)), "{anonymous:?}");
        let staff = principal(vec![Role::Staff]);
        let created = calls::create_call(&services, Some(&staff), &call_input("A real call")).await.expect("created");
        let publish = calls::publish_call(&services, Some(&applicant), created.id).await;
        assert!(matches!(publish, Err(AppError::Forbidden)), "{publish:?}");
        // Nothing refused left a trace: one event, the staff member's creation.
        let events = domain_events(&app).await;
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].0, "call.created");
        assert_eq!(events[0].2, Some(staff.id.to_string()));
    })
    .await;
}

#[tokio::test]
async fn each_change_writes_its_event_and_audit_entry_in_its_transaction() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let input = json!({ "kind": "PILOT_REGIONS", "title": "First call", "round": 1, "description": "", "opensAt": server_start(), "closesAt": server_start() + Duration::days(30), "maxSelections": 30 });
        let created = app.data_as(&staff, CREATE_CALL, json!({ "i": input })).await;
        let id = created["createCall"]["call"]["id"].as_str().unwrap().to_owned();
        app.data_as(&staff, PUBLISH_CALL, json!({ "i": { "id": id } })).await;
        // A command whose input is refused writes nothing.
        let bad = json!({ "kind": "PILOT_REGIONS", "title": " ", "round": 0, "description": "", "opensAt": server_start(), "closesAt": server_start(), "maxSelections": 0 });
        let refused = app.data_as(&staff, CREATE_CALL, json!({ "i": bad })).await;
        assert_ne!(refused["createCall"]["userErrors"], json!([]));

        let calls: Vec<_> = domain_events(&app).await.into_iter().filter(|e| e.0.starts_with("call.")).collect();
        let types: Vec<&str> = calls.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(types, ["call.created", "call.published"]);
        assert!(calls.iter().all(|e| e.1 == id), "the subject is the call's global ID: {calls:?}");
        assert_eq!(calls[1].3["published"], true);
        assert_eq!(calls[1].3["kind"], "PILOT_REGIONS");

        // Publishing is an administrative change: it is in the audit log, about the call.
        let admin = admin_session(&app).await["accessToken"].as_str().unwrap().to_owned();
        let audit = app
            .data_as(&admin, "{ auditEvents(filter: { action: CALL_PUBLISHED }) { nodes { action subjectId detail } } }", json!({}))
            .await;
        let nodes = audit["auditEvents"]["nodes"].as_array().unwrap().clone();
        assert_eq!(nodes.len(), 1, "{audit}");
        assert_eq!(nodes[0]["subjectId"], id);
        assert!(nodes[0]["detail"].as_str().unwrap().contains("call.published"));
    })
    .await;
}

#[tokio::test]
async fn a_unit_of_work_that_does_not_commit_leaves_no_event_and_no_mail() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let staff = principal(vec![Role::Staff]);
        {
            let mut tx = services.write(Some(&staff)).await.expect("write");
            tx.emit(DomainEvent::new(EventType::CallCreated, NodeType::Call, Uuid::new_v4()));
            tx.mail(api::mail::OutgoingEmail {
                to: "nobody@example.org".to_owned(),
                subject: "never".to_owned(),
                text_body: "never sent".to_owned(),
                headers: Vec::new(),
            })
            .await
            .expect("queued");
            // Dropped here without commit: rolled back.
        }
        assert!(domain_events(&app).await.is_empty());
        let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
        use sea_orm::EntityTrait;
        assert_eq!(entity::outbound_email::Entity::find().all(&db).await.unwrap().len(), 0);
    })
    .await;
}

#[tokio::test]
async fn the_publisher_hands_committed_events_to_listeners_in_order() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let mut listener = services.publisher.subscribe();
        let staff = principal(vec![Role::Staff]);
        let call = calls::create_call(&services, Some(&staff), &call_input("Heard live")).await.expect("created");
        calls::publish_call(&services, Some(&staff), call.id).await.expect("published");
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let event = tokio::time::timeout(std::time::Duration::from_secs(10), listener.recv())
                .await
                .expect("an event within 10 s")
                .expect("the channel is open");
            seen.push((event.position, event.event_type.clone()));
        }
        assert_eq!(seen[0].1, "call.created");
        assert_eq!(seen[1].1, "call.published");
        assert!(seen[0].0 < seen[1].0);
        assert_eq!(domain_events::last_position(&services.db).await.unwrap(), seen[1].0);
    })
    .await;
}
