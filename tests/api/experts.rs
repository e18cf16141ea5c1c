//! Experts over HTTP: an expert registers, fills the profile, applies to the expert call and is vetted; who
//! may read a profile; staff lists; the official languages of countries; domain commands refuse the wrong
//! principal.

use crate::helpers::*;
use api::auth::Role;
use api::domain::experts::call::{self, VettingDecision};
use api::domain::experts::matching;
use api::domain::experts::profile::{self, ProfileInput};
use api::error::AppError;
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

pub(crate) const SAVE_PROFILE: &str = "mutation($i: SaveExpertProfileInput!) { saveExpertProfile(input: $i) { expertProfile { id status headline expertise languages { language level } availability { daysPerMonth freeDaysPerMonth unavailable { from until } } cvUrl } userErrors { field code } } }";
pub(crate) const APPLY: &str = "mutation($i: ApplyToExpertCallInput!) { applyToExpertCall(input: $i) { expertProfile { id status appliedAt call { kind } } userErrors { field code } } }";
pub(crate) const VET: &str = "mutation($i: VetExpertInput!) { vetExpert(input: $i) { expertProfile { id status vettingReason } userErrors { field code } } }";
const CREATE_CALL: &str =
    "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id status } userErrors { field code } } }";
const PUBLISH_CALL: &str =
    "mutation($i: PublishCallInput!) { publishCall(input: $i) { call { id status } userErrors { field code } } }";

/// A published call for experts, open from a day before the server's start for 30 days.
pub(crate) async fn expert_call(app: &TestApp, staff: &str) -> Value {
    let created = app
        .data_as(
            staff,
            CREATE_CALL,
            json!({ "i": { "kind": "EXPERTS", "title": "Call for experts", "round": 1, "opensAt": server_start() - Duration::days(1), "closesAt": server_start() + Duration::days(30), "maxSelections": 40 } }),
        )
        .await;
    assert_eq!(created["createCall"]["userErrors"], json!([]));
    let id = created["createCall"]["call"]["id"].clone();
    let published = app.data_as(staff, PUBLISH_CALL, json!({ "i": { "id": id } })).await;
    assert_eq!(published["publishCall"]["call"]["status"], "OPEN");
    id
}

/// A complete profile with these languages (`[["sl", "NATIVE"]]`), expertise and days a month.
pub(crate) fn profile(languages: &[(&str, &str)], expertise: &[&str], days: i32) -> Value {
    json!({
        "headline": "Rural development and cross-border cooperation",
        "biography": "Twenty years of LEADER and Interreg projects.",
        "expertise": expertise,
        "yearsOfExperience": 20,
        "countriesOfExperience": ["AT", "SI"],
        "languages": languages.iter().map(|(l, level)| json!({ "language": l, "level": level })).collect::<Vec<_>>(),
        "daysPerMonth": days,
        "cvUrl": "https://example.org/cv.pdf",
    })
}

/// Registers an expert with `profile`; when `call` is given, applies and has staff approve. The session.
pub(crate) async fn expert(app: &TestApp, staff: &str, call: Option<&Value>, email: &str, profile: Value) -> Value {
    let session = verified_user(app, email, "EXPERT").await;
    let saved = app.data_as(&token(&session), SAVE_PROFILE, json!({ "i": profile })).await;
    assert_eq!(saved["saveExpertProfile"]["userErrors"], json!([]), "profile of {email}");
    if let Some(call) = call {
        let applied = app
            .data_as(&token(&session), APPLY, json!({ "i": { "callId": call, "statement": "I coach LAGs." } }))
            .await;
        assert_eq!(applied["applyToExpertCall"]["userErrors"], json!([]), "application of {email}");
        let vetted = app
            .data_as(staff, VET, json!({ "i": { "expertId": session["user"]["id"], "decision": "APPROVED" } }))
            .await;
        assert_eq!(vetted["vetExpert"]["expertProfile"]["status"], "APPROVED");
    }
    session
}

#[tokio::test]
async fn an_expert_registers_fills_the_profile_applies_and_is_approved() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = expert_call(&app, &staff).await;
        let pilot_call = crate::applicant_flow::open_call(&app, &staff, 5).await;
        let eva = verified_user(&app, "eva.kranjc@example.org", "EXPERT").await;
        let eva_token = token(&eva);

        // Applying before there is a profile.
        let early = app.data_as(&eva_token, APPLY, json!({ "i": { "callId": call, "statement": "Hello" } })).await;
        assert_eq!(early["applyToExpertCall"]["userErrors"], json!([{ "field": ["input", "profile"], "code": "REQUIRED" }]));

        // Every broken field at once.
        let broken = app
            .data_as(
                &eva_token,
                SAVE_PROFILE,
                json!({ "i": { "headline": " ", "languages": [{ "language": "slo", "level": "C1" }, { "language": "de", "level": "B2" }, { "language": "DE", "level": "C1" }],
                    "daysPerMonth": 40, "unavailable": [{ "from": "2026-05-10", "until": "2026-05-01" }], "cvUrl": "javascript:alert(1)", "countriesOfExperience": ["GB"] } }),
            )
            .await;
        assert_eq!(
            broken["saveExpertProfile"]["userErrors"],
            json!([
                { "field": ["input", "headline"], "code": "REQUIRED" },
                { "field": ["input", "daysPerMonth"], "code": "INVALID" },
                { "field": ["input", "countries", "0"], "code": "NOT_ELIGIBLE" },
                { "field": ["input", "languages", "0", "language"], "code": "INVALID" },
                { "field": ["input", "languages", "2", "language"], "code": "INVALID" },
                { "field": ["input", "unavailable", "0", "until"], "code": "INVALID" },
                { "field": ["input", "cvUrl"], "code": "INVALID" },
            ])
        );

        // A profile without languages cannot apply.
        let mut incomplete = profile(&[], &["CLLD_STRATEGY_DESIGN"], 8);
        incomplete["biography"] = json!("");
        let saved = app.data_as(&eva_token, SAVE_PROFILE, json!({ "i": incomplete })).await;
        assert_eq!(saved["saveExpertProfile"]["expertProfile"]["status"], "DRAFT");
        let refused = app.data_as(&eva_token, APPLY, json!({ "i": { "callId": call, "statement": "Hello" } })).await;
        assert_eq!(
            refused["applyToExpertCall"]["userErrors"],
            json!([
                { "field": ["input", "profile", "biography"], "code": "REQUIRED" },
                { "field": ["input", "profile", "languages"], "code": "REQUIRED" },
            ])
        );

        let mut full = profile(&[("sl", "NATIVE"), ("de", "C1"), ("en", "B2")], &["CLLD_STRATEGY_DESIGN", "PO4_SOCIAL"], 8);
        full["unavailable"] = json!([{ "from": "2026-08-01", "until": "2026-08-31" }]);
        let saved = app.data_as(&eva_token, SAVE_PROFILE, json!({ "i": full })).await;
        assert_eq!(saved["saveExpertProfile"]["userErrors"], json!([]));
        let saved = &saved["saveExpertProfile"]["expertProfile"];
        assert_eq!(saved["expertise"], json!(["PO4_SOCIAL", "CLLD_STRATEGY_DESIGN"]));
        assert_eq!(saved["languages"], json!([{ "language": "de", "level": "C1" }, { "language": "en", "level": "B2" }, { "language": "sl", "level": "NATIVE" }]));
        assert_eq!(saved["availability"], json!({ "daysPerMonth": 8, "freeDaysPerMonth": 8, "unavailable": [{ "from": "2026-08-01", "until": "2026-08-31" }] }));
        assert_eq!(saved["cvUrl"], "https://example.org/cv.pdf");

        // The call for pilot regions is not for experts; the expert call is not for applications of partnerships.
        let wrong = app.data_as(&eva_token, APPLY, json!({ "i": { "callId": pilot_call, "statement": "Hi" } })).await;
        assert_eq!(wrong["applyToExpertCall"]["userErrors"], json!([{ "field": ["input", "callId"], "code": "INVALID" }]));
        let applied = app.data_as(&eva_token, APPLY, json!({ "i": { "callId": call, "statement": "I coach LAGs." } })).await;
        assert_eq!(applied["applyToExpertCall"]["userErrors"], json!([]));
        assert_eq!(applied["applyToExpertCall"]["expertProfile"]["status"], "APPLIED");
        assert_eq!(applied["applyToExpertCall"]["expertProfile"]["call"]["kind"], "EXPERTS");
        let again = app.data_as(&eva_token, APPLY, json!({ "i": { "callId": call, "statement": "Again" } })).await;
        assert_eq!(again["applyToExpertCall"]["userErrors"], json!([{ "field": ["input", "callId"], "code": "INVALID_STATE" }]));

        // Vetting: a rejection needs a reason; approval is mailed.
        let eva_id = eva["user"]["id"].clone();
        let no_reason = app.data_as(&staff, VET, json!({ "i": { "expertId": eva_id, "decision": "REJECTED" } })).await;
        assert_eq!(no_reason["vetExpert"]["userErrors"], json!([{ "field": ["input", "reason"], "code": "REQUIRED" }]));
        let approved = app.data_as(&staff, VET, json!({ "i": { "expertId": eva_id, "decision": "APPROVED" } })).await;
        assert_eq!(approved["vetExpert"]["expertProfile"]["status"], "APPROVED");
        let twice = app.data_as(&staff, VET, json!({ "i": { "expertId": eva_id, "decision": "APPROVED" } })).await;
        assert_eq!(twice["vetExpert"]["userErrors"], json!([{ "field": ["input", "expertId"], "code": "INVALID_STATE" }]));
        wait_for_mail(&app, "eva.kranjc@example.org", "has selected you as an expert").await;

        let me = app.data_as(&eva_token, "{ me { expertProfile { status statement appliedAt vettedAt } assignments { id } } }", json!({})).await;
        assert_eq!(me["me"]["expertProfile"]["status"], "APPROVED");
        assert_eq!(me["me"]["expertProfile"]["statement"], "I coach LAGs.");
        assert_eq!(me["me"]["assignments"], json!([]));

        let events = domain_events(&app).await;
        let expert_events: Vec<(&str, &Value)> =
            events.iter().filter(|e| e.0.starts_with("expert.")).map(|e| (e.0.as_str(), &e.3)).collect();
        let types: Vec<&str> = expert_events.iter().map(|e| e.0).collect();
        assert_eq!(types, ["expert.profile_saved", "expert.profile_saved", "expert.applied", "expert.vetted"]);
        assert_eq!(expert_events[2].1["status"], "APPLIED");
        assert_eq!(expert_events[3].1, &json!({ "status": "APPROVED" }));
        let audit = app.data_as(&token(&login(&app, "admin@example.org", PASSWORD).await), "{ auditEvents(filter: { action: EXPERT_VETTED }) { totalCount } }", json!({})).await;
        assert_eq!(audit["auditEvents"]["totalCount"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_profile_is_for_its_expert_and_staff_only() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = expert_call(&app, &staff).await;
        let eva = expert(
            &app,
            &staff,
            Some(&call),
            "eva@example.org",
            profile(&[("sl", "NATIVE"), ("de", "B1")], &["PO2_GREENER"], 5),
        )
        .await;
        let bob =
            expert(&app, &staff, None, "bob@example.org", profile(&[("de", "NATIVE")], &["PO3_CONNECTED"], 0)).await;
        let me = app.data_as(&token(&eva), "{ me { expertProfile { id } } }", json!({})).await;
        let profile_id = me["me"]["expertProfile"]["id"].clone();
        let query = "query($id: ID!) { node(id: $id) { ... on ExpertProfile { headline } } }";

        assert_eq!(
            app.data_as(&token(&bob), query, json!({ "id": profile_id })).await["node"],
            Value::Null,
            "another expert"
        );
        assert_eq!(app.data(query, json!({ "id": profile_id })).await["node"], Value::Null, "the public");
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        assert_eq!(app.data_as(&token(&ana), query, json!({ "id": profile_id })).await["node"], Value::Null);
        assert!(app.data_as(&token(&eva), query, json!({ "id": profile_id })).await["node"]["headline"].is_string());
        assert!(app.data_as(&staff, query, json!({ "id": profile_id })).await["node"]["headline"].is_string());
        // Staff reach it through the user too.
        let through_user = "query($id: ID!) { node(id: $id) { ... on User { expertProfile { id } } } }";
        assert_eq!(
            app.data_as(&staff, through_user, json!({ "id": eva["user"]["id"] })).await["node"]["expertProfile"]["id"],
            profile_id
        );
        let denied = app.graphql_as(&token(&bob), "{ experts { totalCount } }", json!({})).await;
        assert_eq!(first_error_code(&denied), "FORBIDDEN");

        // Staff filters.
        let list = |filter: Value| emails(&app, &staff, filter);
        assert_eq!(list(json!({})).await, ["eva@example.org", "bob@example.org"]);
        assert_eq!(list(json!({ "status": "APPROVED" })).await, ["eva@example.org"]);
        assert_eq!(list(json!({ "expertise": "PO3_CONNECTED" })).await, ["bob@example.org"]);
        // German at B1 is not a working language.
        assert_eq!(list(json!({ "language": "de" })).await, ["bob@example.org"]);
        assert_eq!(list(json!({ "language": "SL" })).await, ["eva@example.org"]);
        assert_eq!(list(json!({ "country": "at" })).await, ["eva@example.org", "bob@example.org"]);
        assert_eq!(list(json!({ "available": true })).await, ["eva@example.org"]);
        assert_eq!(list(json!({ "available": false })).await, ["bob@example.org"]);
    })
    .await;
}

async fn emails(app: &TestApp, staff: &str, filter: Value) -> Vec<String> {
    let data = app
        .data_as(
            staff,
            "query($f: ExpertFilter) { experts(filter: $f) { totalCount nodes { user { email } } } }",
            json!({ "f": filter }),
        )
        .await;
    data["experts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["user"]["email"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn countries_name_their_official_languages() {
    each_backend(|app| async move {
        let data = app.data("{ countries { code officialLanguages } }", json!({})).await;
        let countries = data["countries"].as_array().unwrap();
        assert_eq!(countries.len(), 40);
        assert!(countries.iter().all(|c| !c["officialLanguages"].as_array().unwrap().is_empty()), "{countries:?}");
        let of = |code: &str| countries.iter().find(|c| c["code"] == code).unwrap()["officialLanguages"].clone();
        assert_eq!(of("CH"), json!(["de", "fr", "it", "rm"]));
        assert_eq!(of("SI"), json!(["sl"]));
        assert_eq!(of("XK"), json!(["sq", "sr"]));
        assert_eq!(of("IE"), json!(["en", "ga"]));
    })
    .await;
}

#[tokio::test]
async fn expert_commands_refuse_the_wrong_principal() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let applicant = principal(vec![Role::Applicant]);
        let expert = principal(vec![Role::Expert]);
        let staff = principal(vec![Role::Staff]);
        let input = ProfileInput { headline: "x".into(), days_per_month: 1, ..ProfileInput::default() };
        let refused = profile::save_profile(&services, Some(&applicant), &input).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        let refused = profile::save_profile(&services, Some(&staff), &input).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "staff have no profile: {refused:?}");
        let anonymous = profile::save_profile(&services, None, &input).await;
        assert!(matches!(anonymous, Err(AppError::Unauthenticated)), "{anonymous:?}");
        let vet = call::vet(&services, Some(&expert), expert.id, VettingDecision::Approved, None).await;
        assert!(matches!(vet, Err(AppError::Forbidden)), "{vet:?}");
        let apply = call::apply(&services, Some(&staff), uuid::Uuid::nil(), "x").await;
        assert!(matches!(apply, Err(AppError::Forbidden)), "{apply:?}");
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let period = matching::period_or_default(today, None, None).unwrap();
        let matches = matching::expert_matches(&services.db, Some(&expert), uuid::Uuid::nil(), period, 5).await;
        assert!(matches!(matches, Err(AppError::Forbidden)), "{:?}", matches.err());
        let input = api::domain::experts::assignments::AssignmentInput {
            region_id: uuid::Uuid::nil(),
            expert_id: expert.id,
            role: entity::expert_assignment::AssignmentRole::Expert,
            planned_days: 1,
        };
        let assign = api::domain::experts::assignments::assign(&services, Some(&expert), &input).await;
        assert!(matches!(assign, Err(AppError::Forbidden)), "{assign:?}");
        let accept =
            api::domain::experts::assignments::accept(&services, Some(&staff), uuid::Uuid::nil(), true, None).await;
        assert!(matches!(accept, Err(AppError::Forbidden)), "{accept:?}");
        let end = api::domain::experts::assignments::end(&services, Some(&expert), uuid::Uuid::nil(), None).await;
        assert!(matches!(end, Err(AppError::Forbidden)), "{end:?}");
        assert!(domain_events(&app).await.iter().all(|e| !e.0.starts_with("expert") && !e.0.starts_with("assignment")));
    })
    .await;
}

#[tokio::test]
async fn an_expert_exports_and_erases_their_profile() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = expert_call(&app, &staff).await;
        let eva =
            expert(&app, &staff, Some(&call), "eva@example.org", profile(&[("sl", "NATIVE")], &["PO2_GREENER"], 5))
                .await;
        let export = app.data_as(&token(&eva), "{ exportMyData }", json!({})).await["exportMyData"].clone();
        assert_eq!(export["expertProfile"]["status"], "APPROVED");
        assert_eq!(export["expertProfile"]["languages"], json!([{ "language": "sl", "level": "NATIVE" }]));
        assert_eq!(export["expertAssignments"], json!([]));

        let erased = app
            .data_as(
                &token(&eva),
                "mutation($p: String!) { eraseMyAccount(input: { password: $p }) { erased userErrors { code } } }",
                json!({ "p": PASSWORD }),
            )
            .await;
        assert_eq!(erased["eraseMyAccount"]["userErrors"], json!([]));
        let db = db(&app).await;
        for table in ["expert_profile", "expert_expertise", "expert_language", "expert_country"] {
            assert_eq!(count(&db, &format!("SELECT COUNT(*) AS n FROM {table}")).await, 0, "{table}");
        }
        let vetted_by = count(&db, "SELECT COUNT(*) AS n FROM expert_profile WHERE vetted_by IS NOT NULL").await;
        assert_eq!(vetted_by, 0);
    })
    .await;
}

#[tokio::test]
async fn a_page_of_experts_costs_the_same_statements_at_any_size() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        for n in 0..6 {
            expert(&app, &staff, None, &format!("expert{n}@example.org"), profile(&[("sl", "NATIVE"), ("de", "B2")], &["PO2_GREENER"], 5)).await;
        }
        let query = |first: usize| {
            format!("{{ experts(first: {first}) {{ nodes {{ headline expertise languages {{ language level }} availability {{ freeDaysPerMonth unavailable {{ from }} }} countriesOfExperience assignments {{ id }} user {{ email }} }} }} }}")
        };
        let staff_principal = principal(vec![Role::Staff]);
        let (small, small_statements) = statements_as(&app.database_url, Some(staff_principal.clone()), &query(2)).await;
        let (large, large_statements) = statements_as(&app.database_url, Some(staff_principal), &query(6)).await;
        assert_eq!(small["experts"]["nodes"].as_array().unwrap().len(), 2);
        assert_eq!(large["experts"]["nodes"].as_array().unwrap().len(), 6);
        assert_eq!(large["experts"]["nodes"][5]["languages"].as_array().unwrap().len(), 2);
        assert_eq!(small_statements.len(), large_statements.len(), "{large_statements:#?}");
        eprintln!("expert page statements: {} for 2 and for 6", large_statements.len());
    })
    .await;
}
