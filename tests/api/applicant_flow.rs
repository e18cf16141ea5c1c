//! The applicant flow over HTTP: organisations, a region, a partnership, a draft, its check, submission,
//! assessment and selection, with the rules broken on purpose.

use crate::helpers::{
    PASSWORD, TestApp, each_backend, each_backend_with, first_error_code, login, server_start, staff_token,
    statements_as, token, verified_user,
};
use chrono::Duration;
use serde_json::{Value, json};

const CREATE_ORGANISATION: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id name registrationId } userErrors { field code } } }";
const CREATE_REGION: &str = "mutation($i: CreateCrossBorderRegionInput!) { createCrossBorderRegion(input: $i) { crossBorderRegion { id status countries { code } } userErrors { field code } } }";
pub(crate) const CREATE_PARTNERSHIP: &str = "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { id } userErrors { field code } } }";
pub(crate) const UPDATE_PARTNERSHIP: &str = "mutation($i: UpdatePartnershipInput!) { updatePartnership(input: $i) { partnership { id partners { side role organisation { name } } } userErrors { field code } } }";
const CREATE_CALL: &str =
    "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id status } userErrors { field code } } }";
const PUBLISH_CALL: &str = "mutation($i: PublishCallInput!) { publishCall(input: $i) { call { id status publishedAt } userErrors { field code } } }";
pub(crate) const CREATE_APPLICATION: &str = "mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id status } userErrors { field code } } }";
const UPDATE_APPLICATION: &str = "mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id status languages } userErrors { field code } } }";
pub(crate) const CHECK: &str =
    "query($id: ID!) { checkApplication(id: $id) { ready problems { severity code field } } }";
pub(crate) const SUBMIT: &str = "mutation($id: ID!) { submitApplication(input: { id: $id }) { application { status submittedAt } userErrors { field code } } }";
const ELIGIBILITY: &str = "mutation($id: ID!, $p: Boolean!) { recordEligibility(input: { id: $id, passed: $p, reasons: [\"complete\"] }) { application { status } userErrors { field code } } }";
const QUALITY: &str = "mutation($id: ID!) { recordQualityAssessment(input: { id: $id, scores: [{ criterion: \"relevance\", score: 25 }, { criterion: \"partnership\", score: 20 }, { criterion: \"feasibility\", score: 20 }, { criterion: \"cooperation\", score: 15 }], comment: \"solid\" }) { application { status assessment { totalScore } } userErrors { field code } } }";
const DECIDE: &str = "mutation($id: ID!, $d: SelectionDecision!) { decideApplication(input: { id: $id, decision: $d }) { application { status } userErrors { field code } } }";

pub(crate) async fn organisation(
    app: &TestApp,
    who: &str,
    name: &str,
    country: &str,
    nuts: &str,
    registration: &str,
) -> Value {
    let data = app
        .data_as(
            who,
            CREATE_ORGANISATION,
            json!({ "i": { "name": name, "organisationType": "LOCAL_AUTHORITY", "country": country, "nutsRegion": nuts, "registrationId": registration } }),
        )
        .await;
    assert_eq!(data["createOrganisation"]["userErrors"], json!([]), "{name}");
    data["createOrganisation"]["organisation"]["id"].clone()
}

pub(crate) async fn region(app: &TestApp, who: &str, name: &str, countries: Value, nuts: Value) -> Value {
    let data = app
        .data_as(who, CREATE_REGION, json!({ "i": { "name": name, "description": "A border area", "countries": countries, "nutsRegions": nuts, "population": 500000, "areaKm2": 9500.5 } }))
        .await;
    assert_eq!(data["createCrossBorderRegion"]["userErrors"], json!([]), "{name}");
    data["createCrossBorderRegion"]["crossBorderRegion"]["id"].clone()
}

/// A published call for pilot regions, open from a day before the server's start for 30 days.
pub(crate) async fn open_call(app: &TestApp, staff: &str, max: i32) -> Value {
    let opens = server_start() - Duration::days(1);
    let closes = server_start() + Duration::days(30);
    let created = app
        .data_as(
            staff,
            CREATE_CALL,
            json!({ "i": { "kind": "PILOT_REGIONS", "title": "First call for pilot regions", "round": 1, "description": "", "opensAt": opens, "closesAt": closes, "maxSelections": max } }),
        )
        .await;
    assert_eq!(created["createCall"]["userErrors"], json!([]));
    let id = created["createCall"]["call"]["id"].clone();
    let published = app.data_as(staff, PUBLISH_CALL, json!({ "i": { "id": id } })).await;
    assert_eq!(published["publishCall"]["call"]["status"], "OPEN");
    id
}

pub(crate) fn content() -> Value {
    json!({ "motivation": "We want a joint strategy.", "challenges": "Ageing, transport.", "priorities": "Mobility, tourism.",
            "cooperation": "Since 2008 in an Interreg project.", "capacity": "Two staff, a budget.", "languages": ["de", "SL"],
            "attachments": [{ "title": "Letter of intent", "url": "https://example.org/letter.pdf" }] })
}

pub(crate) fn codes(check: &Value) -> Vec<String> {
    check["checkApplication"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A ready, submitted application of a fresh partnership (two organisations, an AT–SI region), as `who`.
pub(crate) async fn submitted_application(app: &TestApp, who: &str, call: &Value, n: usize) -> (Value, Value) {
    let at = organisation(app, who, &format!("Gemeinde {n}"), "AT", "AT211", &format!("AT-{n}")).await;
    let si = organisation(app, who, &format!("Občina {n}"), "SI", "SI033", &format!("SI-{n}")).await;
    let region = region(app, who, &format!("Karawanken {n}"), json!(["AT", "SI"]), json!(["AT21", "SI03"])).await;
    let partnership = app
        .data_as(
            who,
            CREATE_PARTNERSHIP,
            json!({ "i": { "regionId": region, "name": format!("Karawanken partnership {n}"), "governance": "A board",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }),
        )
        .await;
    assert_eq!(partnership["createPartnership"]["userErrors"], json!([]));
    let partnership = partnership["createPartnership"]["partnership"]["id"].clone();
    let draft = app
        .data_as(
            who,
            CREATE_APPLICATION,
            json!({ "i": { "callId": call, "partnershipId": partnership, "content": content() } }),
        )
        .await;
    assert_eq!(draft["createApplication"]["userErrors"], json!([]));
    let id = draft["createApplication"]["application"]["id"].clone();
    let submitted = app.data_as(who, SUBMIT, json!({ "id": id })).await;
    assert_eq!(submitted["submitApplication"]["userErrors"], json!([]));
    (id, region)
}

pub(crate) async fn assess(app: &TestApp, staff: &str, id: &Value) {
    let eligible = app.data_as(staff, ELIGIBILITY, json!({ "id": id, "p": true })).await;
    assert_eq!(eligible["recordEligibility"]["application"]["status"], "ELIGIBLE");
    let quality = app.data_as(staff, QUALITY, json!({ "id": id })).await;
    assert_eq!(quality["recordQualityAssessment"]["userErrors"], json!([]));
}

#[tokio::test]
async fn an_applicant_goes_from_registration_to_a_pilot_region() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        let ana = token(&ana);

        let at = organisation(&app, &ana, "Gemeinde Arnoldstein", "AT", "AT211", "fn-1234").await;
        let si = organisation(&app, &ana, "Občina Kranjska Gora", "SI", "SI033", "5883555").await;
        // One organisation per registration id in a country.
        let duplicate = app
            .data_as(&ana, CREATE_ORGANISATION, json!({ "i": { "name": "Copy", "organisationType": "NGO", "country": "AT", "registrationId": "FN-1234" } }))
            .await;
        assert_eq!(duplicate["createOrganisation"]["userErrors"], json!([{ "field": ["input", "registrationId"], "code": "TAKEN" }]));
        // Not an eligible country; a NUTS region of another country.
        let broken = app
            .data_as(&ana, CREATE_ORGANISATION, json!({ "i": { "name": "X", "organisationType": "NGO", "country": "GB", "registrationId": "1" } }))
            .await;
        assert_eq!(broken["createOrganisation"]["userErrors"], json!([{ "field": ["input", "country"], "code": "NOT_ELIGIBLE" }]));
        let broken = app
            .data_as(&ana, CREATE_ORGANISATION, json!({ "i": { "name": "X", "organisationType": "NGO", "country": "AT", "nutsRegion": "SI03", "registrationId": "2" } }))
            .await;
        assert_eq!(broken["createOrganisation"]["userErrors"], json!([{ "field": ["input", "nutsRegion"], "code": "INVALID" }]));

        // Regions: 2 or 3 distinct sides, NUTS regions inside them.
        let one_side = app
            .data_as(&ana, CREATE_REGION, json!({ "i": { "name": "X", "description": "", "countries": ["AT"], "nutsRegions": ["SI03"] } }))
            .await;
        assert_eq!(
            one_side["createCrossBorderRegion"]["userErrors"],
            json!([{ "field": ["input", "countries"], "code": "INVALID" }, { "field": ["input", "nutsRegions", "0"], "code": "INVALID" }])
        );
        let region = region(&app, &ana, "Karawanken", json!(["AT", "SI"]), json!(["AT21", "SI03"])).await;

        // Inputs that can never be valid are refused at once.
        let never = app
            .data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": { "regionId": region, "name": "P",
                "partners": [{ "organisationId": at, "side": "IT", "role": "LEAD" }], "voting": { "publicSector": 120 } } }))
            .await;
        assert_eq!(
            never["createPartnership"]["userErrors"],
            json!([{ "field": ["input", "partners", "0", "side"], "code": "INVALID" }, { "field": ["input", "voting", "publicSector"], "code": "INVALID" }])
        );
        // An incomplete partnership is fine while under construction.
        let partnership = app
            .data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": { "regionId": region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }], "voting": { "publicSector": 60, "privateSector": 20 } } }))
            .await;
        assert_eq!(partnership["createPartnership"]["userErrors"], json!([]));
        let partnership = partnership["createPartnership"]["partnership"]["id"].clone();

        let draft = app.data_as(&ana, CREATE_APPLICATION, json!({ "i": { "callId": call, "partnershipId": partnership } })).await;
        assert_eq!(draft["createApplication"]["application"]["status"], "DRAFT");
        let id = draft["createApplication"]["application"]["id"].clone();

        let check = app.data_as(&ana, CHECK, json!({ "id": id })).await;
        assert_eq!(check["checkApplication"]["ready"], false);
        let found = codes(&check);
        for expected in ["SECTION_MISSING", "SIDE_NOT_COVERED", "TOO_FEW_PARTNERS", "INTEREST_GROUP_OVER_LIMIT", "VOTING_SHARES_NOT_100"] {
            assert!(found.contains(&expected.to_owned()), "{expected} in {found:?}");
        }
        assert_eq!(found.iter().filter(|c| *c == "SECTION_MISSING").count(), 6, "five sections and the languages");
        let refused = app.data_as(&ana, SUBMIT, json!({ "id": id })).await;
        assert!(refused["submitApplication"]["userErrors"].as_array().unwrap().iter().all(|e| e["code"] == "CHECK_FAILED"));

        // Two leads, and a partner outside the NUTS area (a warning only).
        let far = organisation(&app, &ana, "Občina Piran", "SI", "SI04", "5874696").await;
        let fixed = app
            .data_as(&ana, UPDATE_PARTNERSHIP, json!({ "i": { "id": partnership, "regionId": region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "LEAD" }, { "organisationId": far, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }))
            .await;
        assert_eq!(fixed["updatePartnership"]["userErrors"], json!([]));
        let updated = app.data_as(&ana, UPDATE_APPLICATION, json!({ "i": { "id": id, "content": content() } })).await;
        assert_eq!(updated["updateApplication"]["application"]["languages"], json!(["de", "sl"]));
        let check = app.data_as(&ana, CHECK, json!({ "id": id })).await;
        assert_eq!(codes(&check), ["SEVERAL_LEAD_PARTNERS", "PARTNER_OUTSIDE_AREA"]);
        assert_eq!(check["checkApplication"]["problems"][1]["severity"], "WARNING");

        let fixed = app
            .data_as(&ana, UPDATE_PARTNERSHIP, json!({ "i": { "id": partnership, "regionId": region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }))
            .await;
        assert_eq!(fixed["updatePartnership"]["userErrors"], json!([]));
        let check = app.data_as(&ana, CHECK, json!({ "id": id })).await;
        assert_eq!(check["checkApplication"], json!({ "ready": true, "problems": [] }));

        // No decision without an assessment; no move outside the workflow.
        let submitted = app.data_as(&ana, SUBMIT, json!({ "id": id })).await;
        assert_eq!(submitted["submitApplication"]["application"]["status"], "SUBMITTED");
        let frozen = app.data_as(&ana, UPDATE_APPLICATION, json!({ "i": { "id": id, "content": { "motivation": "changed" } } })).await;
        assert_eq!(frozen["updateApplication"]["userErrors"][0]["code"], "INVALID_STATE");
        let again = app.data_as(&ana, SUBMIT, json!({ "id": id })).await;
        assert_eq!(again["submitApplication"]["userErrors"][0]["code"], "INVALID_STATE");
        let early = app.data_as(&staff, DECIDE, json!({ "id": id, "d": "SELECTED" })).await;
        assert_eq!(early["decideApplication"]["userErrors"][0]["code"], "INVALID_STATE");

        assess(&app, &staff, &id).await;
        let selected = app.data_as(&staff, DECIDE, json!({ "id": id, "d": "SELECTED" })).await;
        assert_eq!(selected["decideApplication"]["application"]["status"], "SELECTED");

        let pilots = app.data(r#"{ crossBorderRegions(status: PILOT) { nodes { id name status partnerships { name partners { side organisation { name } } } } } }"#, json!({})).await;
        assert_eq!(pilots["crossBorderRegions"]["nodes"][0]["id"], region);
        assert_eq!(pilots["crossBorderRegions"]["nodes"][0]["partnerships"][0]["partners"][0]["organisation"]["name"], "Gemeinde Arnoldstein");

        // The applicant follows the history, and was told of each move by mail.
        let mine = app.data_as(&ana, "{ myApplications { nodes { status history { fromStatus toStatus } assessment { totalScore } } } }", json!({})).await;
        let history: Vec<&str> = mine["myApplications"]["nodes"][0]["history"].as_array().unwrap().iter().map(|e| e["toStatus"].as_str().unwrap()).collect();
        assert_eq!(history, ["DRAFT", "SUBMITTED", "ELIGIBLE", "SELECTED"]);
        assert_eq!(mine["myApplications"]["nodes"][0]["assessment"], Value::Null, "the assessment is for staff");
        let mails = app.mails_to("ana@example.org").await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut selected_mail = mails.iter().any(|m| m.contains("SELECTED"));
        while !selected_mail && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            selected_mail = crate::helpers::mails_to(&app.mail_dir, "ana@example.org").iter().any(|m| m.contains("SELECTED"));
        }
        assert!(selected_mail, "a mail tells of the selection");
    })
    .await;
}

#[tokio::test]
async fn submitting_one_second_after_the_deadline_fails() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let (first, _) = submitted_application(&app, &ana, &call, 1).await;
        const RETURN: &str = "mutation($id: ID!) { returnApplication(input: { id: $id, note: \"add the budget\" }) { application { status } userErrors { code } } }";
        let returned = app.data_as(&staff, RETURN, json!({ "id": first })).await;
        assert_eq!(returned["returnApplication"]["application"]["status"], "RETURNED");
        // One second before the deadline (sessions expire meanwhile: sign in again).
        let deadline = server_start() + Duration::days(30);
        app.clock.set(deadline - Duration::seconds(1));
        let ana = token(&login(&app, "ana@example.org", PASSWORD).await);
        let staff = token(&login(&app, "staff@example.org", PASSWORD).await);
        let in_time = app.data_as(&ana, SUBMIT, json!({ "id": first })).await;
        assert_eq!(in_time["submitApplication"]["application"]["status"], "SUBMITTED");
        let returned = app.data_as(&staff, RETURN, json!({ "id": first })).await;
        assert_eq!(returned["returnApplication"]["application"]["status"], "RETURNED");
        // One second after it: no submission, no edit of the submitted content.
        app.clock.set(deadline + Duration::seconds(1));
        let late = app.data_as(&ana, SUBMIT, json!({ "id": first })).await;
        assert_eq!(late["submitApplication"]["userErrors"], json!([{ "field": ["input", "id"], "code": "CALL_CLOSED" }]));
        let edit = app.data_as(&ana, UPDATE_APPLICATION, json!({ "i": { "id": first, "content": { "motivation": "late" } } })).await;
        assert_eq!(edit["updateApplication"]["userErrors"][0]["code"], "CALL_CLOSED");
        let calls = app.data("{ calls(status: CLOSED) { totalCount } }", json!({})).await;
        assert_eq!(calls["calls"]["totalCount"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_tri_border_region_needs_partners_from_all_three_sides() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let at = organisation(&app, &ana, "Gemeinde", "AT", "AT211", "1").await;
        let si = organisation(&app, &ana, "Občina", "SI", "SI033", "2").await;
        let region = region(&app, &ana, "Dreiländereck", json!(["AT", "SI", "IT"]), json!([])).await;
        let partnership = app
            .data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": { "regionId": region, "name": "Three borders",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30 } } }))
            .await["createPartnership"]["partnership"]["id"]
            .clone();
        let draft = app.data_as(&ana, CREATE_APPLICATION, json!({ "i": { "callId": call, "partnershipId": partnership, "content": content() } })).await;
        let id = draft["createApplication"]["application"]["id"].clone();
        let check = app.data_as(&ana, CHECK, json!({ "id": id })).await;
        assert_eq!(codes(&check), ["SIDE_NOT_COVERED"]);
        let submitted = app.data_as(&ana, SUBMIT, json!({ "id": id })).await;
        assert_eq!(submitted["submitApplication"]["userErrors"][0]["code"], "CHECK_FAILED");
    })
    .await;
}

#[tokio::test]
async fn an_applicant_cannot_read_or_edit_another_applicants_draft() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let (id, _) = submitted_application(&app, &ana, &call, 1).await;
        let query = "query($id: ID!) { node(id: $id) { ... on Application { status motivation } } }";
        assert_eq!(app.data_as(&ben, query, json!({ "id": id })).await["node"], Value::Null);
        assert_eq!(app.data(query, json!({ "id": id })).await["node"], Value::Null);
        assert_eq!(app.data_as(&ana, query, json!({ "id": id })).await["node"]["status"], "SUBMITTED");
        assert_eq!(app.data_as(&staff, query, json!({ "id": id })).await["node"]["status"], "SUBMITTED");
        let edit = app
            .graphql_as(&ben, UPDATE_APPLICATION, json!({ "i": { "id": id, "content": { "motivation": "mine" } } }))
            .await;
        // A mutation on an invisible target answers a user error, as if the application did not exist.
        assert_eq!(
            edit["data"]["updateApplication"],
            json!({ "application": null, "userErrors": [{ "field": ["input", "id"], "code": "NOT_FOUND" }] })
        );
        let check = app.graphql_as(&ben, CHECK, json!({ "id": id })).await;
        assert_eq!(crate::helpers::first_error_code(&check), "NOT_FOUND");
        assert_eq!(
            app.data_as(&ben, "{ myApplications { totalCount } }", json!({})).await["myApplications"]["totalCount"],
            0
        );
    })
    .await;
}

#[tokio::test]
async fn selections_stop_at_the_programme_maximum() {
    each_backend(|app| async move {
        // The default is 30.
        let info = app.data("{ apiInfo { limits { maxPilotRegions } } }", json!({})).await;
        assert_eq!(info["apiInfo"]["limits"]["maxPilotRegions"], 30);
    })
    .await;
    each_backend_with(
        |config| config.programme.max_pilot_regions = 2,
        |app| async move {
            let staff = staff_token(&app).await;
            let call = open_call(&app, &staff, 10).await;
            let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
            let mut ids = Vec::new();
            for n in 0..4 {
                let (id, _) = submitted_application(&app, &ana, &call, n).await;
                assess(&app, &staff, &id).await;
                ids.push(id);
            }
            let first = app.data_as(&staff, DECIDE, json!({ "id": ids[0], "d": "SELECTED" })).await;
            assert_eq!(first["decideApplication"]["application"]["status"], "SELECTED");
            // Two selections at once at the limit: exactly one succeeds.
            let (a, b) = tokio::join!(
                app.data_as(&staff, DECIDE, json!({ "id": ids[1], "d": "SELECTED" })),
                app.data_as(&staff, DECIDE, json!({ "id": ids[2], "d": "SELECTED" })),
            );
            let outcomes =
                [&a, &b].map(|r| r["decideApplication"]["application"]["status"].as_str().map(str::to_owned));
            assert_eq!(outcomes.iter().filter(|o| o.as_deref() == Some("SELECTED")).count(), 1, "{a} {b}");
            let refused = if outcomes[0].is_some() { &b } else { &a };
            assert_eq!(refused["decideApplication"]["userErrors"][0]["code"], "LIMIT_REACHED");
            let third = app.data_as(&staff, DECIDE, json!({ "id": ids[3], "d": "SELECTED" })).await;
            assert_eq!(
                third["decideApplication"]["userErrors"],
                json!([{ "field": ["input", "decision"], "code": "LIMIT_REACHED" }])
            );
            // Other decisions are still possible.
            let reserve = app.data_as(&staff, DECIDE, json!({ "id": ids[3], "d": "RESERVE" })).await;
            assert_eq!(reserve["decideApplication"]["application"]["status"], "RESERVE");
            let pilots = app.data("{ crossBorderRegions(status: PILOT) { totalCount } }", json!({})).await;
            assert_eq!(pilots["crossBorderRegions"]["totalCount"], 2);
        },
    )
    .await;
}

/// Runs a query as staff on a connection that records every SQL statement; returns the data and the statements.
async fn statements_as_staff(database_url: &str, query: &str) -> (Value, Vec<String>) {
    let staff = api::auth::Principal {
        id: uuid::Uuid::now_v7(),
        kind: api::auth::SubjectKind::User,
        roles: vec![api::auth::Role::Staff],
        programmes: Vec::new(),
        session: None,
    };
    statements_as(database_url, Some(staff), query).await
}

#[tokio::test]
async fn a_page_of_partnerships_or_applications_costs_the_same_statements_at_any_size() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let at = organisation(&app, &ana, "Gemeinde", "AT", "AT211", "1").await;
        let si = organisation(&app, &ana, "Občina", "SI", "SI033", "2").await;
        let region = region(&app, &ana, "Karawanken", json!(["AT", "SI"]), json!(["AT21", "SI03"])).await;
        for n in 0..100 {
            let created = app
                .data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": { "regionId": region, "name": format!("Partnership {n:03}"),
                    "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }] } }))
                .await;
            let partnership = created["createPartnership"]["partnership"]["id"].clone();
            let draft = app.data_as(&ana, CREATE_APPLICATION, json!({ "i": { "callId": call, "partnershipId": partnership } })).await;
            assert_eq!(draft["createApplication"]["userErrors"], json!([]));
        }
        let partnerships = |first: usize| {
            format!("{{ partnerships(first: {first}) {{ nodes {{ name partners {{ side role organisation {{ name country {{ code name }} }} }} }} }} }}")
        };
        let applications = |first: usize| {
            format!("{{ applications(first: {first}) {{ nodes {{ status call {{ title status }} history {{ toStatus occurredAt }} partnership {{ name region {{ name countries {{ name }} }} partners {{ side organisation {{ name country {{ code }} }} }} }} }} }} }}")
        };
        let mut lines = Vec::new();
        let queries = [
            ("partnerships", partnerships(20), partnerships(100)),
            ("applications", applications(20), applications(100)),
        ];
        for (label, small_query, large_query) in queries {
            let (small, small_statements) = statements_as_staff(&app.database_url, &small_query).await;
            let (large, large_statements) = statements_as_staff(&app.database_url, &large_query).await;
            assert_eq!(small[label]["nodes"].as_array().unwrap().len(), 20);
            assert_eq!(large[label]["nodes"].as_array().unwrap().len(), 100);
            assert_eq!(small_statements.len(), large_statements.len(), "{label}: {large_statements:#?}");
            lines.push(format!("{label}: {} statements for 20, {} for 100", small_statements.len(), large_statements.len()));
        }
        eprintln!("statements per page: {lines:?}");
    })
    .await;
}

#[tokio::test]
async fn owners_invite_members_who_then_see_the_details() {
    each_backend(|app| async move {
        const INVITE: &str = "mutation($o: ID!, $e: String!) { inviteOrganisationMember(input: { organisationId: $o, email: $e, role: EDITOR }) { invitedEmail userErrors { field code } } }";
        const ACCEPT: &str = "mutation($t: String!) { acceptOrganisationInvitation(input: { token: $t }) { organisation { name myRole } userErrors { field code } } }";
        const DETAILS: &str = "query($id: ID!) { node(id: $id) { ... on Organisation { name registrationId members { role user { email } } } } }";
        const CHANGE: &str = "mutation($o: ID!, $u: ID!, $r: OrganisationRole) { changeOrganisationMember(input: { organisationId: $o, userId: $u, role: $r }) { userErrors { field code } } }";
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        let ben = verified_user(&app, "ben@example.org", "APPLICANT").await;
        let cal = token(&verified_user(&app, "cal@example.org", "APPLICANT").await);
        let (ana_id, ana, ben) = (ana["user"]["id"].clone(), token(&ana), token(&ben));
        let org = organisation(&app, &ana, "Gemeinde", "AT", "AT211", "1").await;

        let invited = app.data_as(&ana, INVITE, json!({ "o": org, "e": "Ben@Example.org" })).await;
        assert_eq!(invited["inviteOrganisationMember"]["invitedEmail"], "ben@example.org");
        let invitation = crate::helpers::mail_token(&app, "ben@example.org", "accept-invitation").await;
        // Only the invited address may accept, and only once.
        let wrong = app.data_as(&cal, ACCEPT, json!({ "t": invitation })).await;
        assert_eq!(wrong["acceptOrganisationInvitation"]["userErrors"][0]["code"], "INVALID_TOKEN");
        let accepted = app.data_as(&ben, ACCEPT, json!({ "t": invitation })).await;
        assert_eq!(accepted["acceptOrganisationInvitation"]["organisation"], json!({ "name": "Gemeinde", "myRole": "EDITOR" }));
        let again = app.data_as(&ben, ACCEPT, json!({ "t": invitation })).await;
        assert_eq!(again["acceptOrganisationInvitation"]["userErrors"][0]["code"], "INVALID_TOKEN");

        // Members see the details; others only the public face.
        let as_ben = app.data_as(&ben, DETAILS, json!({ "id": org })).await;
        assert_eq!(as_ben["node"]["registrationId"], "1");
        assert_eq!(as_ben["node"]["members"].as_array().unwrap().len(), 2);
        let as_cal = app.data_as(&cal, DETAILS, json!({ "id": org })).await;
        assert_eq!(as_cal["node"], json!({ "name": "Gemeinde", "registrationId": null, "members": [] }));
        assert_eq!(app.data(DETAILS, json!({ "id": org })).await["node"]["registrationId"], Value::Null);

        // Editors do not invite; the last owner stays.
        let by_editor = app.graphql_as(&ben, INVITE, json!({ "o": org, "e": "dan@example.org" })).await;
        assert_eq!(crate::helpers::first_error_code(&by_editor), "FORBIDDEN");
        let last_owner = app.data_as(&ana, CHANGE, json!({ "o": org, "u": ana_id, "r": "VIEWER" })).await;
        assert_eq!(last_owner["changeOrganisationMember"]["userErrors"], json!([{ "field": ["input", "userId"], "code": "INVALID_STATE" }]));
        let removed = app.data_as(&ana, CHANGE, json!({ "o": org, "u": accepted_user(&app, &ben).await, "r": null })).await;
        assert_eq!(removed["changeOrganisationMember"]["userErrors"], json!([]));
        assert_eq!(app.data_as(&ben, "{ myOrganisations { totalCount } }", json!({})).await["myOrganisations"]["totalCount"], 0);
    })
    .await;
}

async fn accepted_user(app: &TestApp, token: &str) -> Value {
    app.data_as(token, "{ me { id } }", json!({})).await["me"]["id"].clone()
}

#[tokio::test]
async fn staff_filter_and_sort_applications_and_applicants_withdraw_before_a_decision() {
    each_backend(|app| async move {
        const LIST: &str = "query($f: ApplicationsFilter, $s: ApplicationSort) { applications(filter: $f, sort: $s) { totalCount nodes { id status } } }";
        const WITHDRAW: &str = "mutation($id: ID!) { withdrawApplication(input: { id: $id, note: \"merged with another region\" }) { application { status } userErrors { field code } } }";
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 10).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let (first, _) = submitted_application(&app, &ana, &call, 0).await;
        app.clock.advance(Duration::minutes(5));
        let (second, _) = submitted_application(&app, &ana, &call, 1).await;
        assess(&app, &staff, &second).await;

        let list = |filter: Value, sort: Value| {
            let (app, staff) = (&app, &staff);
            async move { app.data_as(staff, LIST, json!({ "f": filter, "s": sort })).await["applications"].clone() }
        };
        let eligible = list(json!({ "status": ["ELIGIBLE"] }), Value::Null).await;
        assert_eq!(eligible["nodes"], json!([{ "id": second, "status": "ELIGIBLE" }]));
        assert_eq!(list(json!({ "callId": call }), Value::Null).await["totalCount"], 2);
        assert_eq!(list(json!({ "country": "SI" }), Value::Null).await["totalCount"], 2);
        assert_eq!(list(json!({ "country": "HR" }), Value::Null).await["totalCount"], 0);
        assert_eq!(list(json!({ "organisationType": "LOCAL_AUTHORITY" }), Value::Null).await["totalCount"], 2);
        assert_eq!(list(json!({ "organisationType": "NGO" }), Value::Null).await["totalCount"], 0);
        let newest_first = list(Value::Null, json!("CREATED_AT")).await;
        let ids: Vec<&Value> = newest_first["nodes"].as_array().unwrap().iter().map(|n| &n["id"]).collect();
        assert_eq!(ids, [&second, &first]);
        assert_eq!(first_error_code(&app.graphql_as(&ana, LIST, json!({})).await), "FORBIDDEN");

        // Another applicant cannot withdraw it; its owner can, before a decision.
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let foreign = app.data_as(&ben, WITHDRAW, json!({ "id": first })).await;
        assert_eq!(
            foreign["withdrawApplication"],
            json!({ "application": null, "userErrors": [{ "field": ["input", "id"], "code": "NOT_FOUND" }] }),
            "another applicant's application is as good as missing"
        );
        let withdrawn = app.data_as(&ana, WITHDRAW, json!({ "id": first })).await;
        assert_eq!(withdrawn["withdrawApplication"], json!({ "application": { "status": "WITHDRAWN" }, "userErrors": [] }));
        let decided = app.data_as(&staff, DECIDE, json!({ "id": second, "d": "NOT_SELECTED" })).await;
        assert_eq!(decided["decideApplication"]["application"]["status"], "NOT_SELECTED");
        let too_late = app.data_as(&ana, WITHDRAW, json!({ "id": second })).await;
        assert_eq!(too_late["withdrawApplication"]["userErrors"][0]["code"], "INVALID_STATE");
    })
    .await;
}

#[tokio::test]
async fn applicants_see_which_side_moved_their_application_but_no_staff_ids() {
    each_backend(|app| async move {
        const HISTORY: &str =
            "query($id: ID!) { node(id: $id) { ... on Application { history { toStatus madeBy actorId } } } }";
        let staff = staff_token(&app).await;
        let staff_id = app.data_as(&staff, "{ me { id } }", json!({})).await["me"]["id"].clone();
        let call = open_call(&app, &staff, 5).await;
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        let (ana_id, ana) = (ana["user"]["id"].clone(), token(&ana));
        let (id, _) = submitted_application(&app, &ana, &call, 1).await;
        assess(&app, &staff, &id).await;

        let as_ana = app.data_as(&ana, HISTORY, json!({ "id": id })).await;
        assert_eq!(
            as_ana["node"]["history"],
            json!([
                { "toStatus": "DRAFT", "madeBy": "APPLICANT", "actorId": ana_id },
                { "toStatus": "SUBMITTED", "madeBy": "APPLICANT", "actorId": ana_id },
                { "toStatus": "ELIGIBLE", "madeBy": "SECRETARIAT", "actorId": null },
            ])
        );
        assert!(!as_ana.to_string().contains(staff_id.as_str().unwrap()), "no staff ID shown to applicants");
        let as_staff = app.data_as(&staff, HISTORY, json!({ "id": id })).await;
        assert_eq!(
            as_staff["node"]["history"][2],
            json!({ "toStatus": "ELIGIBLE", "madeBy": "SECRETARIAT", "actorId": staff_id })
        );
    })
    .await;
}
