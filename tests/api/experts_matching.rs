//! Matching experts with a tri-border pilot region over HTTP (rule 7): ranking with explanations, exclusions
//! with reasons, team suggestions that cover every side, and assignments that never overbook an expert.

use crate::experts::{SAVE_PROFILE, expert, expert_call, profile};
use crate::helpers::*;
use chrono::Duration;
use serde_json::{Value, json};

const CREATE_REGION: &str = "mutation($i: CreateCrossBorderRegionInput!) { createCrossBorderRegion(input: $i) { crossBorderRegion { id } userErrors { field code } } }";
const CREATE_ORGANISATION: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } userErrors { field code } } }";
const CREATE_PARTNERSHIP: &str = "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { id } userErrors { field code } } }";
const MATCHES: &str = "query($r: ID!) { expertMatches(regionId: $r) { sides needs { area source } matches { displayName score explanation sidesCovered sides { country covered languages { language level } } matchedNeeds { area source } availableDays } excluded { displayName reasons { code message } } } }";
const TEAM: &str = "query($r: ID!, $n: Int!) { suggestExpertTeam(regionId: $r, size: $n) { members { displayName } coveredSides uncoveredSides coversEverySide } }";
const ASSIGN: &str = "mutation($i: AssignExpertInput!) { assignExpert(input: $i) { assignment { id status role plannedDays } userErrors { field code } } }";
const ACCEPT: &str = "mutation($i: AcceptAssignmentInput!) { acceptAssignment(input: $i) { assignment { id status noConflictOfInterestDeclaredAt } userErrors { field code } } }";
const DECLINE: &str = "mutation($i: AssignmentNoteInput!) { declineAssignment(input: $i) { assignment { status note } userErrors { field code } } }";
const END: &str = "mutation($i: AssignmentNoteInput!) { endAssignment(input: $i) { assignment { status endedAt } userErrors { field code } } }";

async fn pilot_region(app: &TestApp, staff: &str, name: &str, countries: Value, nuts: Value) -> Value {
    let data = app
        .data_as(staff, CREATE_REGION, json!({ "i": { "name": name, "description": "Ageing villages, cross-border bus mobility and hiking tourism.", "countries": countries, "nutsRegions": nuts, "status": "PILOT" } }))
        .await;
    assert_eq!(data["createCrossBorderRegion"]["userErrors"], json!([]), "{name}");
    data["createCrossBorderRegion"]["crossBorderRegion"]["id"].clone()
}

async fn organisation(app: &TestApp, who: &str, name: &str, country: &str, nuts: &str) -> Value {
    let data = app
        .data_as(who, CREATE_ORGANISATION, json!({ "i": { "name": name, "organisationType": "LOCAL_AUTHORITY", "country": country, "nutsRegion": nuts, "registrationId": name } }))
        .await;
    assert_eq!(data["createOrganisation"]["userErrors"], json!([]), "{name}");
    data["createOrganisation"]["organisation"]["id"].clone()
}

/// The people of the tri-border scenario.
struct Alps {
    staff: String,
    region: Value,
    /// Experts' sessions by first name.
    experts: std::collections::HashMap<&'static str, Value>,
}

impl Alps {
    fn token(&self, name: &str) -> String {
        token(&self.experts[name])
    }
    fn id(&self, name: &str) -> Value {
        self.experts[name]["user"]["id"].clone()
    }
}

/// An AT–IT–SI pilot region whose partnership has Mara's organisation as the Slovenian partner, and experts:
/// Tina (de, sl, it), Otto (de), Luka (sl), Ivo (it) approved; Mara (sl, a partner's member), Alma (it, away
/// for the whole period), Dora (sl, declared a conflict with the Austrian lead partner) approved; Dana (sl) not.
async fn alps(app: &TestApp) -> Alps {
    let staff = staff_token(app).await;
    let call = expert_call(app, &staff).await;
    let region =
        pilot_region(app, &staff, "Three-border Alps", json!(["AT", "SI", "IT"]), json!(["AT21", "SI04", "ITH4"]))
            .await;
    let ana = token(&verified_user(app, "ana@example.org", "APPLICANT").await);
    let social = ["PO4_SOCIAL", "CLLD_TOURISM_CULTURE"];
    let mut experts = std::collections::HashMap::new();
    experts.insert(
        "tina",
        expert(
            app,
            &staff,
            Some(&call),
            "tina@example.org",
            profile(&[("de", "C1"), ("sl", "NATIVE"), ("it", "B2"), ("en", "C1")], &social, 10),
        )
        .await,
    );
    experts.insert(
        "otto",
        expert(
            app,
            &staff,
            Some(&call),
            "otto@example.org",
            profile(
                &[("de", "NATIVE"), ("en", "C2"), ("it", "B1")],
                &["PO4_SOCIAL", "CLLD_TOURISM_CULTURE", "PO3_CONNECTED"],
                10,
            ),
        )
        .await,
    );
    experts.insert(
        "luka",
        expert(
            app,
            &staff,
            Some(&call),
            "luka@example.org",
            profile(&[("sl", "NATIVE")], &["CLLD_STRATEGY_DESIGN"], 4),
        )
        .await,
    );
    experts.insert(
        "ivo",
        expert(app, &staff, Some(&call), "ivo@example.org", profile(&[("it", "NATIVE")], &["PO4_SOCIAL"], 6)).await,
    );
    experts.insert(
        "mara",
        expert(app, &staff, Some(&call), "mara@example.org", profile(&[("sl", "NATIVE")], &social, 10)).await,
    );
    let mut away = profile(&[("it", "NATIVE")], &social, 10);
    away["unavailable"] = json!([{ "from": (server_start() - Duration::days(1)).date_naive(), "until": (server_start() + Duration::days(200)).date_naive() }]);
    experts.insert("alma", expert(app, &staff, Some(&call), "alma@example.org", away).await);
    experts
        .insert("dana", expert(app, &staff, None, "dana@example.org", profile(&[("sl", "NATIVE")], &social, 10)).await);

    let at = organisation(app, &ana, "Gemeinde Arnoldstein", "AT", "AT211").await;
    let it = organisation(app, &ana, "Comune di Tarvisio", "IT", "ITH42").await;
    let si = organisation(app, &token(&experts["mara"]), "Občina Bovec", "SI", "SI043").await;
    let partnership = app
        .data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": { "regionId": region, "name": "Three-border partnership", "governance": "A board",
            "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }, { "organisationId": it, "side": "IT", "role": "PARTNER" }],
            "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }))
        .await;
    assert_eq!(partnership["createPartnership"]["userErrors"], json!([]));
    let mut conflicted = profile(&[("sl", "NATIVE")], &social, 10);
    conflicted["conflictOrganisationIds"] = json!([at]);
    experts.insert("dora", expert(app, &staff, Some(&call), "dora@example.org", conflicted).await);
    Alps { staff, region, experts }
}

fn names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|m| m["displayName"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn matching_ranks_explains_and_excludes_with_reasons() {
    each_backend(|app| async move {
        let alps = alps(&app).await;
        let data = app.data_as(&alps.staff, MATCHES, json!({ "r": alps.region })).await;
        let matching = &data["expertMatches"];
        assert_eq!(matching["sides"], json!(["AT", "IT", "SI"]));
        let needs = matching["needs"].as_array().unwrap();
        assert!(needs.contains(&json!({ "area": "PO4_SOCIAL", "source": "REGION_DESCRIPTION" })), "{needs:?}");
        assert!(needs.contains(&json!({ "area": "CLLD_STRATEGY_DESIGN", "source": "CLLD_BASELINE" })), "{needs:?}");

        // The speaker of all three sides' languages first, the speaker of one side's after.
        assert_eq!(names(&matching["matches"]), ["Tina", "Otto", "Ivo", "Luka"]);
        let tina = &matching["matches"][0];
        let otto = &matching["matches"][1];
        assert_eq!(tina["sidesCovered"], 3);
        assert_eq!(otto["sidesCovered"], 1);
        assert!(tina["score"].as_i64() > otto["score"].as_i64());
        assert_eq!(tina["sides"][1], json!({ "country": "IT", "covered": true, "languages": [{ "language": "it", "level": "B2" }] }));
        // Italian at B1 is not enough to work with the Italian side.
        assert_eq!(otto["sides"][1], json!({ "country": "IT", "covered": false, "languages": [] }));
        assert_eq!(tina["availableDays"], 30, "10 free days a month over 90 days");
        assert!(tina["explanation"].as_str().unwrap().starts_with("Covers 3 of 3 sides by language at B2 or better: AT (de C1); IT (it B2); SI (sl NATIVE)"), "{tina}");
        assert!(otto["explanation"].as_str().unwrap().contains("(not IT, SI)"), "{otto}");
        let tina_needs: Vec<&str> = tina["matchedNeeds"].as_array().unwrap().iter().map(|n| n["area"].as_str().unwrap()).collect();
        assert_eq!(tina_needs, ["PO4_SOCIAL", "CLLD_TOURISM_CULTURE"]);

        let excluded: Vec<(String, Vec<String>)> = matching["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["displayName"].as_str().unwrap().to_owned(), e["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap().to_owned()).collect()))
            .collect();
        let reasons_of = |name: &str| excluded.iter().find(|e| e.0 == name).map(|e| e.1.clone()).unwrap_or_default();
        assert_eq!(reasons_of("Mara"), ["CONFLICT_OF_INTEREST"]);
        assert_eq!(reasons_of("Dora"), ["CONFLICT_OF_INTEREST"]);
        assert_eq!(reasons_of("Alma"), ["UNAVAILABLE"]);
        assert_eq!(reasons_of("Dana"), ["NOT_APPROVED"]);
        assert_eq!(excluded.len(), 4);
        let mara = matching["excluded"].as_array().unwrap().iter().find(|e| e["displayName"] == "Mara").unwrap();
        assert!(mara["reasons"][0]["message"].as_str().unwrap().contains("member of Občina Bovec"), "{mara}");

        let team = app.data_as(&alps.staff, TEAM, json!({ "r": alps.region, "n": 1 })).await;
        assert_eq!(team["suggestExpertTeam"], json!({ "members": [{ "displayName": "Tina" }], "coveredSides": ["AT", "IT", "SI"], "uncoveredSides": [], "coversEverySide": true }));
    })
    .await;
}

#[tokio::test]
async fn assignments_are_proposed_accepted_with_a_declaration_declined_and_ended() {
    each_backend(|app| async move {
        let alps = alps(&app).await;
        let staff = &alps.staff;
        let assign = |expert: Value, role: &str, days: i32| json!({ "i": { "regionId": alps.region, "expertId": expert, "role": role, "plannedDays": days } });

        let proposed = app.data_as(staff, ASSIGN, assign(alps.id("tina"), "LEAD_EXPERT", 6)).await;
        assert_eq!(proposed["assignExpert"]["userErrors"], json!([]));
        let tina_assignment = proposed["assignExpert"]["assignment"]["id"].clone();
        assert_eq!(proposed["assignExpert"]["assignment"]["status"], "PROPOSED");
        wait_for_mail(&app, "tina@example.org", "> Three-border Alps").await;

        // Rule 7 and the team's rules, each broken on purpose.
        for (who, role, days, field, code) in [
            ("otto", "LEAD_EXPERT", 2, "role", "TAKEN"),
            ("otto", "EXPERT", 11, "plannedDays", "OVERBOOKED"),
            ("mara", "EXPERT", 2, "expertId", "CONFLICT_OF_INTEREST"),
            ("dora", "EXPERT", 2, "expertId", "CONFLICT_OF_INTEREST"),
            ("dana", "EXPERT", 2, "expertId", "INVALID_STATE"),
            ("tina", "EXPERT", 2, "expertId", "TAKEN"),
        ] {
            let refused = app.data_as(staff, ASSIGN, assign(alps.id(who), role, days)).await;
            assert_eq!(refused["assignExpert"]["userErrors"], json!([{ "field": ["input", field], "code": code }]), "{who}");
        }

        // With Tina proposed, two experts cannot cover the three sides; three can.
        let two = app.data_as(staff, TEAM, json!({ "r": alps.region, "n": 2 })).await;
        assert_eq!(two["suggestExpertTeam"]["coversEverySide"], false);
        assert_eq!(two["suggestExpertTeam"]["uncoveredSides"].as_array().unwrap().len(), 1);
        let three = app.data_as(staff, TEAM, json!({ "r": alps.region, "n": 3 })).await;
        assert_eq!(three["suggestExpertTeam"]["coversEverySide"], true, "{three}");
        let mut members = names(&three["suggestExpertTeam"]["members"]);
        members.sort();
        assert_eq!(members, ["Ivo", "Luka", "Otto"]);

        // Only Tina answers her assignment, and only with the declaration.
        let not_hers = app.data_as(&alps.token("otto"), ACCEPT, json!({ "i": { "id": tina_assignment, "noConflictOfInterest": true } })).await;
        assert_eq!(not_hers["acceptAssignment"]["userErrors"], json!([{ "field": ["input", "id"], "code": "NOT_FOUND" }]));
        let undeclared = app.data_as(&alps.token("tina"), ACCEPT, json!({ "i": { "id": tina_assignment, "noConflictOfInterest": false } })).await;
        assert_eq!(undeclared["acceptAssignment"]["userErrors"], json!([{ "field": ["input", "noConflictOfInterest"], "code": "REQUIRED" }]));
        let accepted = app.data_as(&alps.token("tina"), ACCEPT, json!({ "i": { "id": tina_assignment, "noConflictOfInterest": true } })).await;
        assert_eq!(accepted["acceptAssignment"]["assignment"]["status"], "ACCEPTED");
        assert!(accepted["acceptAssignment"]["assignment"]["noConflictOfInterestDeclaredAt"].is_string(), "the declaration is recorded");
        wait_for_mail(&app, "staff@example.org", "has accepted the assignment").await;

        // The assignment itself is for its expert and staff.
        let node = "query($id: ID!) { node(id: $id) { ... on ExpertAssignment { status } } }";
        assert_eq!(app.data_as(&alps.token("otto"), node, json!({ "id": tina_assignment })).await["node"], Value::Null);
        assert_eq!(app.data(node, json!({ "id": tina_assignment })).await["node"], Value::Null);
        assert_eq!(app.data_as(&alps.token("tina"), node, json!({ "id": tina_assignment })).await["node"]["status"], "ACCEPTED");
        assert_eq!(app.data_as(staff, node, json!({ "id": tina_assignment })).await["node"]["status"], "ACCEPTED");
        // The public sees who coaches the region: names, roles and expertise only.
        let public = app.data("query($id: ID!) { node(id: $id) { ... on CrossBorderRegion { experts { displayName role expertise } } } }", json!({ "id": alps.region })).await;
        assert_eq!(public["node"]["experts"], json!([{ "displayName": "Tina", "role": "LEAD_EXPERT", "expertise": ["PO4_SOCIAL", "CLLD_TOURISM_CULTURE"] }]));
        let me = app.data_as(&alps.token("tina"), "{ me { assignments { status plannedDays region { name } } expertProfile { availability { freeDaysPerMonth } } } }", json!({})).await;
        assert_eq!(me["me"]["assignments"], json!([{ "status": "ACCEPTED", "plannedDays": 6, "region": { "name": "Three-border Alps" } }]));
        assert_eq!(me["me"]["expertProfile"]["availability"]["freeDaysPerMonth"], 4);
        // Her days cannot shrink below what is planned.
        let shrink = app.data_as(&alps.token("tina"), SAVE_PROFILE, json!({ "i": profile(&[("sl", "NATIVE")], &[], 5) })).await;
        assert_eq!(shrink["saveExpertProfile"]["userErrors"], json!([{ "field": ["input", "daysPerMonth"], "code": "OVERBOOKED" }]));

        let otto = app.data_as(staff, ASSIGN, assign(alps.id("otto"), "EXPERT", 3)).await;
        let otto_assignment = otto["assignExpert"]["assignment"]["id"].clone();
        let declined = app.data_as(&alps.token("otto"), DECLINE, json!({ "i": { "id": otto_assignment, "note": "Busy" } })).await;
        assert_eq!(declined["declineAssignment"]["assignment"], json!({ "status": "DECLINED", "note": "Busy" }));
        let late = app.data_as(&alps.token("otto"), ACCEPT, json!({ "i": { "id": otto_assignment, "noConflictOfInterest": true } })).await;
        assert_eq!(late["acceptAssignment"]["userErrors"], json!([{ "field": ["input", "id"], "code": "INVALID_STATE" }]));

        let ended = app.data_as(staff, END, json!({ "i": { "id": tina_assignment } })).await;
        assert_eq!(ended["endAssignment"]["assignment"]["status"], "ENDED");
        let me = app.data_as(&alps.token("tina"), "{ me { expertProfile { availability { freeDaysPerMonth } } } }", json!({})).await;
        assert_eq!(me["me"]["expertProfile"]["availability"]["freeDaysPerMonth"], 10, "ending frees the days");

        let events: Vec<(String, Value)> = domain_events(&app).await.into_iter().filter(|e| e.0.starts_with("assignment.")).map(|e| (e.0, e.3)).collect();
        let types: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(types, ["assignment.proposed", "assignment.accepted", "assignment.proposed", "assignment.declined", "assignment.ended"]);
        assert_eq!(events[0].1["role"], "LEAD_EXPERT");
        assert_eq!(events[0].1["plannedDays"], 6);
        assert_eq!(events[1].1["noConflictOfInterestDeclared"], true);
        assert_eq!(events[4].1["status"], "ENDED");
    })
    .await;
}

#[tokio::test]
async fn concurrent_assignments_cannot_overbook_an_expert() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = expert_call(&app, &staff).await;
        let eva = expert(&app, &staff, Some(&call), "eva@example.org", profile(&[("sl", "NATIVE"), ("de", "C2")], &["PO4_SOCIAL"], 10)).await;
        let mut regions = Vec::new();
        for n in 0..3 {
            regions.push(pilot_region(&app, &staff, &format!("Karawanken {n}"), json!(["AT", "SI"]), json!(["AT21", "SI04"])).await);
        }
        // Three assignments of 4 days each at once, to an expert with 10 days a month: two fit.
        let request = |region: &Value| {
            app.data_as(&staff, ASSIGN, json!({ "i": { "regionId": region, "expertId": eva["user"]["id"], "role": "EXPERT", "plannedDays": 4 } }))
        };
        let (a, b, c) = tokio::join!(request(&regions[0]), request(&regions[1]), request(&regions[2]));
        let results = [a, b, c];
        let accepted = results.iter().filter(|r| r["assignExpert"]["userErrors"] == json!([])).count();
        let overbooked = results
            .iter()
            .filter(|r| r["assignExpert"]["userErrors"] == json!([{ "field": ["input", "plannedDays"], "code": "OVERBOOKED" }]))
            .count();
        assert_eq!((accepted, overbooked), (2, 1), "{results:?}");
        let db = db(&app).await;
        assert_eq!(count(&db, "SELECT COALESCE(SUM(planned_days), 0) AS n FROM expert_assignment").await, 8);
    })
    .await;
}

#[tokio::test]
async fn the_objectives_of_the_regions_strategy_are_needs_that_explain_a_match() {
    each_backend(|app| async move {
        let pilot = crate::strategies::pilot(&app).await;
        let call = expert_call(&app, &pilot.staff).await;
        expert(&app, &pilot.staff, Some(&call), "fina@example.org", profile(&[("sl", "NATIVE")], &["CLLD_COASTAL_FISHERIES"], 8)).await;
        let region = pilot.region(&app, "Adriatic coast", &pilot.programmes[0]).await;
        let need = json!({ "area": "CLLD_COASTAL_FISHERIES", "source": "STRATEGY_OBJECTIVE" });
        let before = app.data_as(&pilot.staff, MATCHES, json!({ "r": region })).await;
        assert!(!before["expertMatches"]["needs"].as_array().unwrap().contains(&need), "{before}");
        assert_eq!(before["expertMatches"]["matches"][0]["matchedNeeds"], json!([]));

        let created = app.data_as(&pilot.editor, crate::strategies::CREATE, json!({ "r": region })).await;
        let strategy = created["createStrategy"]["strategy"]["id"].clone();
        pilot.edit(&app, "addStrategyObjective", json!({ "strategyId": strategy, "title": "Small-scale fisheries", "description": "Keep the harbours alive" })).await;

        let after = app.data_as(&pilot.staff, MATCHES, json!({ "r": region })).await;
        assert!(after["expertMatches"]["needs"].as_array().unwrap().contains(&need), "{after}");
        let fina = &after["expertMatches"]["matches"][0];
        assert_eq!(fina["displayName"], "Fina");
        assert_eq!(fina["matchedNeeds"], json!([need]));
        assert!(fina["explanation"].as_str().unwrap().contains("Meets 1 of the region's needs: Coastal and fisheries areas"), "{fina}");
    })
    .await;
}
