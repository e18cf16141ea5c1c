//! Identity and administration on the one write path: accounts, sessions, roles, service accounts and
//! programmes emit their domain events, administrative changes reach the audit log, and the domain commands
//! refuse the wrong principal however they are called.

use crate::helpers::*;
use api::auth::Role;
use api::domain::Origin;
use api::domain::accounts::{roles, service_accounts};
use api::domain::programmes::{self, ProgrammeInput};
use api::error::AppError;
use entity::interreg_programme::InterregStrand;
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn identity_commands_refuse_the_wrong_principal() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let origin = Origin::default();
        let ana = register(&app, "ana@example.org", "APPLICANT").await;
        let ana_id = Uuid::parse_str(&key_of(ana["id"].as_str().unwrap())).expect("a user id");
        let before = domain_events(&app).await.len();

        let staff = principal(vec![Role::Staff]);
        let applicant = principal(vec![Role::Applicant]);
        // Granting roles is for admins: staff are refused, anonymous callers must sign in.
        let by_staff = roles::grant_role(&services, &origin, Some(&staff), ana_id, Role::Staff, vec![]).await;
        assert!(matches!(by_staff, Err(AppError::Forbidden)), "{by_staff:?}");
        let anonymous = roles::revoke_role(&services, &origin, None, ana_id, Role::Applicant).await;
        assert!(matches!(anonymous, Err(AppError::Unauthenticated)), "{anonymous:?}");
        let integrator = service_accounts::create(&services, &origin, Some(&staff), "crm").await;
        assert!(matches!(integrator, Err(AppError::Forbidden)), "{:?}", integrator.err());
        let programme = ProgrammeInput {
            cci: None,
            name: "Interreg Nowhere".to_owned(),
            strand: InterregStrand::A,
            countries: vec!["AT".to_owned(), "SI".to_owned()],
        };
        let by_applicant = programmes::create_programme(&services, Some(&applicant), &programme).await;
        assert!(matches!(by_applicant, Err(AppError::Forbidden)), "{by_applicant:?}");

        // Nothing refused left an event.
        assert_eq!(domain_events(&app).await.len(), before);

        // The admin may, and the grant is an event and an audit entry.
        let admin = principal(vec![Role::Admin]);
        roles::grant_role(&services, &origin, Some(&admin), ana_id, Role::Staff, vec![]).await.expect("granted");
        let events = domain_events(&app).await;
        let (kind, subject, actor, payload) = events.last().expect("an event");
        assert_eq!(kind, "role.granted");
        assert_eq!(subject, ana["id"].as_str().unwrap());
        assert_eq!(actor.as_deref(), Some(admin.id.to_string().as_str()));
        assert_eq!(payload["role"], "STAFF");
    })
    .await;
}

#[tokio::test]
async fn the_identity_flow_writes_its_events_and_its_administrative_changes_reach_the_audit_log() {
    each_backend(|app| async move {
        let admin = token(&admin_session(&app).await);
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        grant(&app, &admin, &ana["user"]["id"], "STAFF", json!([])).await;
        let revoked = app
            .data_as(
                &admin,
                "mutation($u: ID!) { revokeRole(input: { userId: $u, role: STAFF }) { userErrors { code } } }",
                json!({ "u": ana["user"]["id"] }),
            )
            .await;
        assert_eq!(revoked["revokeRole"]["userErrors"], json!([]));
        service_token(&app, &admin).await;
        let programme = app
            .data_as(
                &admin,
                "mutation { createInterregProgramme(input: { name: \"Interreg Test\", strand: A, countries: [\"AT\", \"SI\"] }) { userErrors { code } } }",
                json!({}),
            )
            .await;
        assert_eq!(programme["createInterregProgramme"]["userErrors"], json!([]));

        let ana_id = ana["user"]["id"].as_str().unwrap();
        let types: Vec<String> = domain_events(&app).await.into_iter().map(|(kind, ..)| kind).collect();
        for expected in [
            "account.registered",
            "account.email_verified",
            "session.started",
            "role.granted",
            "role.revoked",
            "service_account.created",
            "service_account.token_issued",
            "programme.created",
        ] {
            assert!(types.iter().any(|t| t == expected), "no {expected} in {types:?}");
        }
        let about_ana: Vec<String> = domain_events(&app)
            .await
            .into_iter()
            .filter(|(_, subject, ..)| subject == ana_id)
            .map(|(kind, ..)| kind)
            .collect();
        let order: Vec<&str> = ["account.registered", "account.email_verified", "role.granted", "role.revoked"]
            .into_iter()
            .filter(|kind| about_ana.iter().any(|t| t == kind))
            .collect();
        let positions: Vec<usize> =
            order.iter().map(|kind| about_ana.iter().position(|t| t == kind).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "events about Ana out of order: {about_ana:?}");

        let audit = app
            .data_as(&admin, "{ auditEvents(first: 100) { nodes { action subjectId } } }", json!({}))
            .await;
        let actions: Vec<&str> =
            audit["auditEvents"]["nodes"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        for expected in ["ROLE_GRANTED", "ROLE_REVOKED", "SERVICE_ACCOUNT_CREATED", "PROGRAMME_CREATED"] {
            assert!(actions.contains(&expected), "no {expected} in the audit log: {actions:?}");
        }
    })
    .await;
}
