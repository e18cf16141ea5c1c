//! The applicant flow on the one write path: each command writes its domain event (type, subject, actor) in
//! its transaction, a refused command writes none, and domain commands refuse the wrong principal.

use crate::applicant_flow::{assess, open_call, submitted_application};
use crate::helpers::{domain_events, each_backend, principal, services_on, staff_token, verified_user};
use api::auth::Role;
use api::domain::applications::workflow;
use api::domain::organisations::{self, OrganisationInput};
use api::error::AppError;
use entity::application::ApplicationStatus;
use entity::organisation::OrganisationType;
use serde_json::json;
use uuid::Uuid;

const DECIDE: &str = "mutation($id: ID!) { decideApplication(input: { id: $id, decision: SELECTED }) { application { status } userErrors { field code } } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawApplication(input: { id: $id }) { application { status } userErrors { field code } } }";

#[tokio::test]
async fn each_command_of_the_flow_writes_its_event() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        let ana = ana["accessToken"].as_str().unwrap().to_owned();
        let (id, region) = submitted_application(&app, &ana, &call, 1).await;
        assess(&app, &staff, &id).await;
        let decided = app.data_as(&staff, DECIDE, json!({ "id": id })).await;
        assert_eq!(decided["decideApplication"]["application"]["status"], "SELECTED");

        // The applicant flow's own events (accounts, sessions and calls have theirs, tested elsewhere).
        let flow = ["organisation.", "region.", "partnership.", "application."];
        let events: Vec<_> =
            domain_events(&app).await.into_iter().filter(|e| flow.iter().any(|area| e.0.starts_with(area))).collect();
        let types: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            types,
            [
                "organisation.created",
                "organisation.created",
                "region.created",
                "partnership.created",
                "application.created",
                "application.submitted",
                "application.eligibility_assessed",
                "application.quality_assessed",
                "application.decided",
                "region.status_changed",
            ]
        );
        let applicant = events[0].2.clone().expect("an actor");
        let staff_member = events[6].2.clone().expect("an actor");
        assert_ne!(applicant, staff_member);
        for (event_type, subject, actor, payload) in &events {
            let by = if event_type.starts_with("application.")
                && !event_type.ends_with("created")
                && !event_type.ends_with("submitted")
                || event_type == "region.status_changed"
            {
                &staff_member
            } else {
                &applicant
            };
            assert_eq!(actor.as_ref(), Some(by), "{event_type}");
            if event_type.starts_with("application.") {
                assert_eq!(subject, id.as_str().unwrap(), "{event_type}");
                assert!(payload.get("note").is_none(), "no free text in {event_type}");
            }
        }
        assert_eq!(events[9].1, region.as_str().unwrap());
        assert_eq!(events[9].3, json!({ "from": "CANDIDATE", "to": "PILOT" }));
        assert_eq!(events[8].3["status"], "SELECTED");
        assert_eq!(events[8].3["from"], "ELIGIBLE");

        // A refused command (another applicant's application is invisible) writes no event.
        let ben = verified_user(&app, "ben@example.org", "APPLICANT").await;
        let ben = ben["accessToken"].as_str().unwrap().to_owned();
        let before = domain_events(&app).await.len();
        let refused = app.data_as(&ben, WITHDRAW, json!({ "id": id })).await;
        assert_eq!(refused["withdrawApplication"]["userErrors"][0]["code"], "NOT_FOUND");
        assert_eq!(domain_events(&app).await.len(), before);
    })
    .await;
}

#[tokio::test]
async fn domain_commands_of_the_flow_refuse_the_wrong_principal() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let applicant = principal(vec![Role::Applicant]);
        let decided =
            workflow::decide(&services, Some(&applicant), Uuid::now_v7(), ApplicationStatus::Selected, None).await;
        assert!(matches!(decided, Err(AppError::Forbidden)), "{decided:?}");
        let returned = workflow::return_for_changes(&services, Some(&applicant), Uuid::now_v7(), "redo").await;
        assert!(matches!(returned, Err(AppError::Forbidden)), "{returned:?}");
        let input = OrganisationInput {
            name: "Gemeinde".to_owned(),
            original_name: None,
            organisation_type: OrganisationType::LocalAuthority,
            country: "AT".to_owned(),
            nuts_region: None,
            address: None,
            registration_id: "AT-1".to_owned(),
            website: None,
        };
        let anonymous = organisations::create_organisation(&services, None, &input).await;
        assert!(matches!(anonymous, Err(AppError::Unauthenticated)), "{anonymous:?}");
        let submitted = workflow::submit(&services, None, Uuid::now_v7()).await;
        assert!(matches!(submitted, Err(AppError::Unauthenticated)), "{submitted:?}");
        assert!(domain_events(&app).await.is_empty());
    })
    .await;
}
