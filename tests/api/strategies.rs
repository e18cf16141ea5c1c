//! CLLD strategies over HTTP: the whole path from draft to publication with its history and events, the check
//! of Article 32 (rules 5 and 6), optimistic concurrency (a stale revision is a CONFLICT and loses nothing), and
//! amendments that keep earlier versions readable.

use crate::helpers::{TestApp, domain_events, each_backend, first_error_code, staff_token, token, verified_user};
use serde_json::{Value, json};

pub(crate) const CREATE_ORGANISATION: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } userErrors { field code } } }";
pub(crate) const CREATE_REGION: &str = "mutation($i: CreateCrossBorderRegionInput!) { createCrossBorderRegion(input: $i) { crossBorderRegion { id } userErrors { field code } } }";
pub(crate) const CREATE_PARTNERSHIP: &str = "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { id } userErrors { field code } } }";
pub(crate) const CREATE: &str = "mutation($r: ID!) { createStrategy(input: { regionId: $r, mainLanguage: \"de\" }) { strategy { id status version revision } userErrors { field code } } }";
const STRATEGY: &str = "fragment S on Strategy { id status version revision title population objectives { id revision title targets { id revision indicator baseline targetValue unit targetDate } actions { id title budget { amount currency } } } lagMembers { id revision interestGroup votingShare } financialPlan { total { amount currency } lines { source year amount { amount } programme { id } } } swot { strengths threats } engagementActivities { kind participants } }";
const CHECK: &str = "query($id: ID!) { checkStrategy(id: $id) { ready problems { severity code field message } } }";

/// Who and what a strategy test needs: staff, an editor (owner of the partners' organisations), the editor's two
/// organisations (AT and SI), and Interreg programmes.
pub(crate) struct Pilot {
    pub staff: String,
    pub editor: String,
    pub organisations: Vec<Value>,
    pub programmes: Vec<Value>,
}

pub(crate) async fn pilot(app: &TestApp) -> Pilot {
    let staff = staff_token(app).await;
    let editor = token(&verified_user(app, "ana.novak@example.org", "APPLICANT").await);
    let mut organisations = Vec::new();
    for (n, (country, nuts)) in [("AT", "AT211"), ("SI", "SI033")].iter().enumerate() {
        let input = json!({ "name": format!("Partner {n}"), "organisationType": "LOCAL_AUTHORITY", "country": country, "nutsRegion": nuts, "registrationId": format!("R{n}") });
        let data = app.data_as(&editor, CREATE_ORGANISATION, json!({ "i": input })).await;
        assert_eq!(data["createOrganisation"]["userErrors"], json!([]));
        organisations.push(data["createOrganisation"]["organisation"]["id"].clone());
    }
    let programmes = app.data("{ interregProgrammes(country: \"AT\", first: 3) { nodes { id } } }", json!({})).await;
    let programmes =
        programmes["interregProgrammes"]["nodes"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect();
    Pilot { staff, editor, organisations, programmes }
}

impl Pilot {
    /// A pilot region covered by `programme` with a partnership of the editor's organisations.
    pub(crate) async fn region(&self, app: &TestApp, name: &str, programme: &Value) -> Value {
        let input = json!({ "name": name, "description": "A border area", "countries": ["AT", "SI"], "nutsRegions": ["AT21", "SI03"], "status": "PILOT", "programmeIds": [programme] });
        let data = app.data_as(&self.staff, CREATE_REGION, json!({ "i": input })).await;
        assert_eq!(data["createCrossBorderRegion"]["userErrors"], json!([]));
        let region = data["createCrossBorderRegion"]["crossBorderRegion"]["id"].clone();
        let partners = json!([
            { "organisationId": self.organisations[0], "side": "AT", "role": "LEAD" },
            { "organisationId": self.organisations[1], "side": "SI", "role": "PARTNER" },
        ]);
        let input = json!({ "regionId": region, "name": format!("Partnership of {name}"), "partners": partners });
        let data = app.data_as(&self.editor, CREATE_PARTNERSHIP, json!({ "i": input })).await;
        assert_eq!(data["createPartnership"]["userErrors"], json!([]));
        region
    }

    /// A region with a fresh strategy; the strategy's id.
    pub(crate) async fn strategy(&self, app: &TestApp, name: &str, programme: &Value) -> Value {
        let region = self.region(app, name, programme).await;
        let data = app.data_as(&self.editor, CREATE, json!({ "r": region })).await;
        assert_eq!(data["createStrategy"]["userErrors"], json!([]), "{data}");
        data["createStrategy"]["strategy"]["id"].clone()
    }

    pub(crate) async fn run(&self, app: &TestApp, who: &str, mutation: &str, input: Value) -> Value {
        let query = format!(
            "mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ strategy {{ ...S }} userErrors {{ field code message }} }} }} {STRATEGY}",
            input_type = input_type(mutation)
        );
        app.data_as(who, &query, json!({ "i": input })).await[mutation].clone()
    }

    /// Runs `mutation` as the editor and asserts it succeeds; the strategy after it.
    pub(crate) async fn edit(&self, app: &TestApp, mutation: &str, input: Value) -> Value {
        let done = self.run(app, &self.editor, mutation, input).await;
        assert_eq!(done["userErrors"], json!([]), "{mutation}: {done}");
        done["strategy"].clone()
    }

    /// Fills every Article 32 element of the draft `id` correctly.
    pub(crate) async fn complete(&self, app: &TestApp, id: &Value) -> Value {
        let revision =
            app.data_as(&self.editor, "query($id: ID!) { strategy(id: $id) { revision } }", json!({ "id": id })).await;
        let texts = json!({
            "id": id, "revision": revision["strategy"]["revision"], "title": "Karawanken together",
            "areaDescription": "Both sides of the Karawanken", "population": 512000, "areaKm2": "9500.5",
            "communityInvolvement": "Open workshops in both languages", "needsAnalysis": "Ageing, tourism, mobility",
            "engagementActivities": [{ "heldOn": "2026-03-10", "kind": "WORKSHOP", "participants": 45, "description": "Kick-off in Villach" }],
            "swot": { "strengths": ["Landscape"], "weaknesses": ["Transport"], "opportunities": ["Cycling"], "threats": ["Depopulation"] },
            "management": "The LAG board meets monthly", "monitoring": "Yearly indicator report",
        });
        self.edit(app, "updateStrategy", texts).await;
        let objective = self
            .edit(
                app,
                "addStrategyObjective",
                json!({ "strategyId": id, "title": "Mobility", "description": "Cross-border buses" }),
            )
            .await;
        let objective = objective["objectives"].as_array().unwrap().last().unwrap()["id"].clone();
        self.edit(app, "addStrategyTarget", json!({ "strategyId": id, "objectiveId": objective, "indicator": "Bus lines", "baseline": "0", "targetValue": "3", "unit": "lines", "targetDate": "2029-12-31" })).await;
        self.edit(app, "addStrategyAction", json!({ "strategyId": id, "objectiveId": objective, "title": "Pilot bus line", "budget": "120000.5", "startsOn": "2027-01-01", "endsOn": "2028-12-31", "responsibleOrganisationId": self.organisations[0] })).await;
        for (group, share) in [("PUBLIC_SECTOR", "40"), ("PRIVATE_SECTOR", "30"), ("CIVIL_SOCIETY", "30")] {
            self.edit(app, "addStrategyLagMember", json!({ "strategyId": id, "name": format!("{group} member"), "interestGroup": group, "votingShare": share })).await;
        }
        self.edit(app, "addStrategyFinanceLine", json!({ "strategyId": id, "source": "INTERREG_PROGRAMME", "programmeId": self.programmes[0], "year": 2027, "amount": "250000" })).await
    }
}

fn input_type(mutation: &str) -> String {
    let mut chars = mutation.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or_default();
    match mutation {
        "submitStrategyForReview" | "adoptStrategy" | "amendStrategy" => "StrategyMoveInput".to_owned(),
        m if m.starts_with("removeStrategy") => "RemoveStrategyItemInput".to_owned(),
        _ => format!("{first}{}Input", chars.as_str()),
    }
}

fn codes(problems: &Value) -> Vec<(String, String)> {
    problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                p["field"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect::<Vec<_>>().join("."),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_strategy_goes_from_draft_to_published_with_its_history() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        let id = pilot.strategy(&app, "Karawanken", &pilot.programmes[0]).await;

        // The check lists every missing Article 32 element at once.
        let check = app.data_as(&pilot.editor, CHECK, json!({ "id": id })).await["checkStrategy"].clone();
        assert_eq!(check["ready"], false);
        let errors: Vec<(String, String)> = codes(&check["problems"]).into_iter().filter(|(_, _)| true).collect();
        for expected in [
            ("ELEMENT_MISSING", "title"),
            ("ELEMENT_MISSING", "areaDescription"),
            ("ELEMENT_MISSING", "population"),
            ("ELEMENT_MISSING", "communityInvolvement"),
            ("ELEMENT_MISSING", "swot"),
            ("ELEMENT_MISSING", "objectives"),
            ("ELEMENT_MISSING", "management"),
            ("ELEMENT_MISSING", "monitoring"),
            ("ELEMENT_MISSING", "lagMembers"),
            ("FINANCIAL_PLAN_EMPTY", "financialPlan"),
        ] {
            assert!(errors.contains(&(expected.0.to_owned(), expected.1.to_owned())), "{expected:?} in {errors:?}");
        }
        let error_count = check["problems"].as_array().unwrap().iter().filter(|p| p["severity"] == "ERROR").count();

        // Submitted incomplete, staff cannot adopt it: the answer lists the check's errors (rule 5).
        let submitted = pilot.edit(&app, "submitStrategyForReview", json!({ "id": id })).await;
        assert_eq!(submitted["status"], "IN_REVIEW");
        let refused = pilot.run(&app, &pilot.staff, "adoptStrategy", json!({ "id": id })).await;
        assert_eq!(refused["strategy"], Value::Null);
        let refused = refused["userErrors"].as_array().unwrap();
        assert_eq!(refused.len(), error_count);
        assert!(refused.iter().all(|e| e["code"] == "CHECK_FAILED" && e["field"][0] == "input" && e["field"][1] == "id"));
        // Frozen while in review.
        let frozen = pilot.run(&app, &pilot.editor, "addStrategyObjective", json!({ "strategyId": id, "title": "Late" })).await;
        assert_eq!(frozen["userErrors"][0]["code"], "INVALID_STATE");
        let sent_back = pilot.run(&app, &pilot.staff, "requestStrategyChanges", json!({ "id": id, "note": "Fill in every element" })).await;
        assert_eq!(sent_back["strategy"]["status"], "CHANGES_REQUESTED");

        // Filled in, but with a target lacking its baseline and a LAG dominated by one group (rule 6).
        let filled = pilot.complete(&app, &id).await;
        assert_eq!(filled["financialPlan"]["total"], json!({ "amount": "250000.00", "currency": "EUR" }));
        assert_eq!(filled["objectives"][0]["actions"][0]["budget"], json!({ "amount": "120000.50", "currency": "EUR" }));
        let target = &filled["objectives"][0]["targets"][0];
        let strategy_after = pilot
            .edit(&app, "updateStrategyTarget", json!({ "strategyId": id, "id": target["id"], "revision": target["revision"], "indicator": "Bus lines", "targetValue": "3", "unit": "lines", "targetDate": "2029-12-31" }))
            .await;
        let member = &strategy_after["lagMembers"][0];
        pilot
            .edit(&app, "updateStrategyLagMember", json!({ "strategyId": id, "id": member["id"], "revision": member["revision"], "name": "Municipalities", "interestGroup": "PUBLIC_SECTOR", "votingShare": "55" }))
            .await;
        let check = app.data_as(&pilot.editor, CHECK, json!({ "id": id })).await["checkStrategy"].clone();
        let problems = codes(&check["problems"]);
        let objective = filled["objectives"][0]["id"].as_str().unwrap().to_owned();
        let target_id = target["id"].as_str().unwrap();
        assert!(problems.contains(&("TARGET_INCOMPLETE".to_owned(), format!("objectives.{objective}.targets.{target_id}.baseline"))), "{problems:?}");
        assert!(problems.contains(&("INTEREST_GROUP_OVER_LIMIT".to_owned(), "lagMembers".to_owned())), "{problems:?}");
        assert!(problems.contains(&("VOTING_SHARES_NOT_100".to_owned(), "lagMembers".to_owned())), "{problems:?}");
        assert_eq!(check["ready"], false);

        // Corrected: the check is clean, and the strategy moves on to adoption and publication.
        let current = app.data_as(&pilot.editor, &format!("query($id: ID!) {{ strategy(id: $id) {{ ...S }} }} {STRATEGY}"), json!({ "id": id })).await;
        let target = &current["strategy"]["objectives"][0]["targets"][0];
        pilot.edit(&app, "updateStrategyTarget", json!({ "strategyId": id, "id": target["id"], "revision": target["revision"], "indicator": "Bus lines", "baseline": "0", "targetValue": "3", "unit": "lines", "targetDate": "2029-12-31" })).await;
        let member = &current["strategy"]["lagMembers"][0];
        pilot.edit(&app, "updateStrategyLagMember", json!({ "strategyId": id, "id": member["id"], "revision": member["revision"], "name": "Municipalities", "interestGroup": "PUBLIC_SECTOR", "votingShare": "40" })).await;
        let check = app.data_as(&pilot.editor, CHECK, json!({ "id": id })).await["checkStrategy"].clone();
        assert_eq!(check["ready"], true, "{check}");
        pilot.edit(&app, "submitStrategyForReview", json!({ "id": id, "note": "Complete now" })).await;
        let adopted = pilot.run(&app, &pilot.staff, "adoptStrategy", json!({ "id": id, "note": "Board decision 12/2026" })).await;
        assert_eq!(adopted["strategy"]["status"], "ADOPTED", "{adopted}");
        assert_eq!(app.graphql("query($id: ID!) { strategy(id: $id) { id } }", json!({ "id": id })).await["data"]["strategy"], Value::Null, "not public before publication");
        let published = pilot.run(&app, &pilot.staff, "publishStrategy", json!({ "id": id })).await;
        assert_eq!(published["strategy"]["status"], "PUBLISHED");

        let history = app
            .data_as(&pilot.editor, "query($id: ID!) { strategy(id: $id) { history { fromStatus toStatus note actorId occurredAt } } }", json!({ "id": id }))
            .await;
        let moves: Vec<(Value, Value, Value)> = history["strategy"]["history"].as_array().unwrap().iter().map(|m| (m["fromStatus"].clone(), m["toStatus"].clone(), m["note"].clone())).collect();
        assert_eq!(
            moves,
            vec![
                (Value::Null, json!("DRAFT"), Value::Null),
                (json!("DRAFT"), json!("IN_REVIEW"), Value::Null),
                (json!("IN_REVIEW"), json!("CHANGES_REQUESTED"), json!("Fill in every element")),
                (json!("CHANGES_REQUESTED"), json!("IN_REVIEW"), json!("Complete now")),
                (json!("IN_REVIEW"), json!("ADOPTED"), json!("Board decision 12/2026")),
                (json!("ADOPTED"), json!("PUBLISHED"), Value::Null),
            ]
        );
        // Editors see which side made each move, their own account, and no staff account's ID.
        let editor_id = app.data_as(&pilot.editor, "{ me { id } }", json!({})).await["me"]["id"].clone();
        let staff_id = app.data_as(&pilot.staff, "{ me { id } }", json!({})).await["me"]["id"].clone();
        let sides = |history: &Value| -> Vec<(Value, Value)> {
            history["strategy"]["history"].as_array().unwrap().iter().map(|m| (m["madeBy"].clone(), m["actorId"].clone())).collect()
        };
        const SIDES: &str = "query($id: ID!) { strategy(id: $id) { history { madeBy actorId } } }";
        let as_editor = app.data_as(&pilot.editor, SIDES, json!({ "id": id })).await;
        let (editors, secretariat) = ((json!("EDITORS"), editor_id.clone()), (json!("SECRETARIAT"), Value::Null));
        assert_eq!(sides(&as_editor), vec![editors.clone(), editors.clone(), secretariat.clone(), editors.clone(), secretariat.clone(), secretariat]);
        assert!(!as_editor.to_string().contains(staff_id.as_str().unwrap()), "no staff ID shown to editors");
        let as_staff = app.data_as(&pilot.staff, SIDES, json!({ "id": id })).await;
        assert_eq!(sides(&as_staff)[4], (json!("SECRETARIAT"), staff_id), "staff see who adopted");

        // Every change is a domain event; the workflow moves are audited.
        let events: Vec<String> = domain_events(&app).await.into_iter().filter(|e| e.0.starts_with("strategy.")).map(|e| e.0).collect();
        for expected in ["strategy.created", "strategy.updated", "strategy.content_changed", "strategy.submitted", "strategy.changes_requested", "strategy.adopted", "strategy.published"] {
            assert!(events.contains(&expected.to_owned()), "{expected} in {events:?}");
        }
        let admin = crate::helpers::admin_session(&app).await;
        let audit = app.data_as(&token(&admin), "{ auditEvents(filter: { action: STRATEGY_ADOPTED }) { totalCount } }", json!({})).await;
        assert_eq!(audit["auditEvents"]["totalCount"], 1);

        // An amendment opens version 2 as a draft with a copy of the content; version 1 stays public.
        let amended = pilot.edit(&app, "amendStrategy", json!({ "id": id, "note": "Mid-term update" })).await;
        assert_eq!((amended["version"].clone(), amended["status"].clone()), (json!(2), json!("DRAFT")));
        assert_eq!(amended["objectives"][0]["targets"][0]["baseline"], "0");
        assert_ne!(amended["objectives"][0]["id"], filled["objectives"][0]["id"], "the copy has its own items");
        let public = app.data("query($id: ID!) { strategy(id: $id) { version status title versions { version status } } }", json!({ "id": id })).await;
        assert_eq!(public["strategy"], json!({ "version": 1, "status": "PUBLISHED", "title": "Karawanken together", "versions": [{ "version": 1, "status": "PUBLISHED" }] }));
        let own = app.data_as(&pilot.editor, "query($id: ID!) { strategy(id: $id) { versions { version status } } }", json!({ "id": id })).await;
        assert_eq!(own["strategy"]["versions"], json!([{ "version": 1, "status": "PUBLISHED" }, { "version": 2, "status": "DRAFT" }]));
    })
    .await;
}

#[tokio::test]
async fn a_stale_revision_is_a_conflict_and_loses_nothing() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        let id = pilot.strategy(&app, "Karawanken", &pilot.programmes[0]).await;
        // Two partners read revision 1; the first saves, the second's save is refused and changes nothing.
        let first = pilot
            .edit(
                &app,
                "updateStrategy",
                json!({ "id": id, "revision": 1, "title": "From Austria", "population": 1000 }),
            )
            .await;
        assert_eq!(first["revision"], 2);
        let second = pilot
            .run(&app, &pilot.editor, "updateStrategy", json!({ "id": id, "revision": 1, "title": "From Slovenia" }))
            .await;
        assert_eq!(second["strategy"], Value::Null);
        assert_eq!(second["userErrors"][0]["code"], "CONFLICT");
        assert_eq!(second["userErrors"][0]["field"], json!(["input", "revision"]));
        let now = app
            .data_as(
                &pilot.editor,
                "query($id: ID!) { strategy(id: $id) { title population revision } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(now["strategy"], json!({ "title": "From Austria", "population": 1000, "revision": 2 }));

        // Items carry revisions of their own: a stale update or removal is a conflict too.
        let added = pilot.edit(&app, "addStrategyObjective", json!({ "strategyId": id, "title": "Mobility" })).await;
        let objective = added["objectives"][0].clone();
        pilot
            .edit(
                &app,
                "updateStrategyObjective",
                json!({ "strategyId": id, "id": objective["id"], "revision": 1, "title": "Mobility for all" }),
            )
            .await;
        let stale = pilot
            .run(
                &app,
                &pilot.editor,
                "updateStrategyObjective",
                json!({ "strategyId": id, "id": objective["id"], "revision": 1, "title": "Buses" }),
            )
            .await;
        assert_eq!(stale["userErrors"][0]["code"], "CONFLICT");
        let stale = pilot
            .run(
                &app,
                &pilot.editor,
                "removeStrategyObjective",
                json!({ "strategyId": id, "id": objective["id"], "revision": 1 }),
            )
            .await;
        assert_eq!(stale["userErrors"][0]["code"], "CONFLICT");
        let missing = pilot
            .run(
                &app,
                &pilot.editor,
                "removeStrategyObjective",
                json!({ "strategyId": id, "id": "00000000-0000-7000-8000-000000000000", "revision": 1 }),
            )
            .await;
        assert_eq!(
            missing["userErrors"],
            json!([{ "field": ["input", "id"], "code": "NOT_FOUND", "message": "there is no such objective" }])
        );
        let kept = app
            .data_as(
                &pilot.editor,
                "query($id: ID!) { strategy(id: $id) { objectives { title revision } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(kept["strategy"]["objectives"], json!([{ "title": "Mobility for all", "revision": 2 }]));
        let removed = pilot
            .edit(&app, "removeStrategyObjective", json!({ "strategyId": id, "id": objective["id"], "revision": 2 }))
            .await;
        assert_eq!(removed["objectives"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn only_the_partners_editors_write_and_bad_input_is_refused() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        let region = pilot.region(&app, "Karawanken", &pilot.programmes[0]).await;
        let outsider = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let refused = app.graphql_as(&outsider, CREATE, json!({ "r": region })).await;
        assert_eq!(first_error_code(&refused), "FORBIDDEN");
        // A candidate region (not selected) has no strategy yet.
        let input = json!({ "name": "Candidate", "description": "A border area", "countries": ["AT", "SI"], "nutsRegions": ["AT21", "SI03"] });
        let candidate = app.data_as(&pilot.editor, CREATE_REGION, json!({ "i": input })).await["createCrossBorderRegion"]["crossBorderRegion"]["id"].clone();
        let partners = json!([{ "organisationId": pilot.organisations[0], "side": "AT", "role": "LEAD" }, { "organisationId": pilot.organisations[1], "side": "SI", "role": "PARTNER" }]);
        let data = app.data_as(&pilot.editor, CREATE_PARTNERSHIP, json!({ "i": { "regionId": candidate, "name": "Candidates", "partners": partners } })).await;
        assert_eq!(data["createPartnership"]["userErrors"], json!([]));
        let early = app.data_as(&pilot.editor, CREATE, json!({ "r": candidate })).await;
        assert_eq!(early["createStrategy"]["userErrors"], json!([{ "field": ["input", "regionId"], "code": "INVALID_STATE" }]));
        let created = app.data_as(&pilot.editor, CREATE, json!({ "r": region })).await;
        let id = created["createStrategy"]["strategy"]["id"].clone();
        assert_eq!(created["createStrategy"]["strategy"]["status"], "DRAFT");
        let again = app.data_as(&pilot.editor, CREATE, json!({ "r": region })).await;
        assert_eq!(again["createStrategy"]["userErrors"], json!([{ "field": ["input", "regionId"], "code": "TAKEN" }]));
        // A draft is invisible to outsiders (NOT_FOUND), and staff review but do not write.
        let hidden = pilot.run(&app, &outsider, "updateStrategy", json!({ "id": id, "revision": 1, "title": "Mine" })).await;
        assert_eq!(hidden["userErrors"][0]["code"], "NOT_FOUND");
        let staff = app.graphql_as(&pilot.staff, "mutation($id: ID!) { updateStrategy(input: { id: $id, revision: 1, title: \"x\" }) { userErrors { code } } }", json!({ "id": id })).await;
        assert_eq!(first_error_code(&staff), "FORBIDDEN");
        // Values are checked: decimals, control characters, an Interreg line without its programme, shares above 100.
        let bad = pilot.run(&app, &pilot.editor, "updateStrategy", json!({ "id": id, "revision": 1, "areaKm2": "12,5", "title": "x".repeat(301) })).await;
        let fields: Vec<Value> = bad["userErrors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert_eq!(fields, vec![json!(["input", "title"]), json!(["input", "areaKm2"])]);
        // A control character is refused for the whole request, before any resolver runs (issue 12).
        let nul = app
            .graphql_as(&pilot.editor, "mutation($i: UpdateStrategyInput!) { updateStrategy(input: $i) { userErrors { code } } }", json!({ "i": { "id": id, "revision": 1, "title": "Bad\u{0000}title" } }))
            .await;
        assert_eq!(first_error_code(&nul), "BAD_USER_INPUT", "{nul}");
        let line = pilot.run(&app, &pilot.editor, "addStrategyFinanceLine", json!({ "strategyId": id, "source": "INTERREG_PROGRAMME", "year": 2027, "amount": "-5" })).await;
        let fields: Vec<Value> = line["userErrors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert_eq!(fields, vec![json!(["input", "amount"]), json!(["input", "programmeId"])]);
        let member = pilot.run(&app, &pilot.editor, "addStrategyLagMember", json!({ "strategyId": id, "interestGroup": "OTHER", "votingShare": "101" })).await;
        let fields: Vec<Value> = member["userErrors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert_eq!(fields, vec![json!(["input", "name"]), json!(["input", "votingShare"])]);
        let staff_move = pilot.run(&app, &pilot.staff, "publishStrategy", json!({ "id": id })).await;
        assert_eq!(staff_move["userErrors"][0]["code"], "INVALID_STATE");
    })
    .await;
}
