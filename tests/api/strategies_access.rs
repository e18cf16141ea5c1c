//! Who sees which strategy (the public, partners, staff, managing authorities of the region's programmes, also
//! through `node(id:)` and regions), pulling them for incremental sync and as CSV/JSON exports, translations
//! with their fallback, and the fixed statement count of a page of strategies.

use crate::helpers::{TestApp, admin_session, each_backend, grant, statements_as, token, verified_user};
use crate::strategies::{Pilot, pilot};
use serde_json::{Value, json};

const IDS: &str = "query($f: StrategyFilter) { strategies(filter: $f, first: 50) { totalCount nodes { id status } } }";

fn ids(data: &Value) -> Vec<Value> {
    data["strategies"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].clone()).collect()
}

/// A managing authority of `programme`: its access token.
pub(crate) async fn managing_authority(app: &TestApp, programme: &Value) -> String {
    let admin = token(&admin_session(app).await);
    let session = verified_user(app, "authority@interreg.example.org", "APPLICANT").await;
    grant(app, &admin, &session["user"]["id"], "MANAGING_AUTHORITY", json!([programme])).await;
    token(&session)
}

pub(crate) async fn publish(app: &TestApp, pilot: &Pilot, id: &Value) {
    pilot.complete(app, id).await;
    review_adopt_publish(app, pilot, id).await;
}

/// Moves the complete draft `id` through review, adoption and publication.
pub(crate) async fn review_adopt_publish(app: &TestApp, pilot: &Pilot, id: &Value) {
    pilot.edit(app, "submitStrategyForReview", json!({ "id": id })).await;
    for mutation in ["adoptStrategy", "publishStrategy"] {
        let input = json!({ "id": id });
        let done = app
            .data_as(
                &pilot.staff,
                &format!(
                    "mutation($i: {}!) {{ {mutation}(input: $i) {{ userErrors {{ code }} }} }}",
                    if mutation == "adoptStrategy" { "StrategyMoveInput" } else { "PublishStrategyInput" }
                ),
                json!({ "i": input }),
            )
            .await;
        assert_eq!(done[mutation]["userErrors"], json!([]), "{mutation}");
    }
}

#[tokio::test]
async fn managing_authorities_see_their_programmes_strategies_from_review_on_and_the_public_sees_published_ones() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        let (p0, p1) = (pilot.programmes[0].clone(), pilot.programmes[1].clone());
        let reviewed = pilot.strategy(&app, "Covered, in review", &p0).await;
        pilot.edit(&app, "submitStrategyForReview", json!({ "id": reviewed })).await;
        let other = pilot.strategy(&app, "Other programme", &p1).await;
        pilot.edit(&app, "submitStrategyForReview", json!({ "id": other })).await;
        let draft = pilot.strategy(&app, "Covered, draft", &p0).await;
        let authority = managing_authority(&app, &p0).await;

        let me = app.data_as(&authority, "{ me { programmes { id } } }", json!({})).await;
        assert_eq!(me["me"]["programmes"], json!([{ "id": p0 }]));
        assert_eq!(ids(&app.data_as(&authority, IDS, json!({})).await), vec![reviewed.clone()]);
        let node = "query($id: ID!) { node(id: $id) { ... on Strategy { status } } }";
        assert_eq!(app.data_as(&authority, node, json!({ "id": reviewed })).await["node"], json!({ "status": "IN_REVIEW" }));
        assert_eq!(app.data_as(&authority, node, json!({ "id": other })).await["node"], Value::Null);
        assert_eq!(app.data_as(&authority, node, json!({ "id": draft })).await["node"], Value::Null);
        let one = "query($id: ID!) { strategy(id: $id) { id } checkStrategy(id: $id) { ready } }";
        assert_eq!(app.data_as(&authority, one, json!({ "id": other })).await, json!({ "strategy": null, "checkStrategy": null }));
        let filtered = app.data_as(&authority, IDS, json!({ "f": { "status": ["PUBLISHED"] } })).await;
        assert_eq!(ids(&filtered), Vec::<Value>::new());

        // The public sees nothing until a strategy is published; partners and staff see their drafts.
        assert_eq!(app.data(IDS, json!({})).await["strategies"]["totalCount"], 0);
        assert_eq!(app.data_as(&pilot.staff, IDS, json!({})).await["strategies"]["totalCount"], 3);
        assert_eq!(app.data_as(&pilot.editor, IDS, json!({})).await["strategies"]["totalCount"], 3);
        let stranger = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        assert_eq!(app.data_as(&stranger, IDS, json!({})).await["strategies"]["totalCount"], 0);

        // Sent back for changes: still visible to the authority, in the version that reached review.
        let sent_back = app
            .data_as(&pilot.staff, "mutation($id: ID!) { requestStrategyChanges(input: { id: $id, note: \"More\" }) { userErrors { code } } }", json!({ "id": other }))
            .await;
        assert_eq!(sent_back["requestStrategyChanges"]["userErrors"], json!([]));
        publish(&app, &pilot, &other).await;
        let public = app.data(IDS, json!({})).await;
        assert_eq!(public["strategies"]["nodes"], json!([{ "id": other, "status": "PUBLISHED" }]));
        assert_eq!(app.data(node, json!({ "id": other })).await["node"], json!({ "status": "PUBLISHED" }));
        assert_eq!(app.data(node, json!({ "id": reviewed })).await["node"], Value::Null);
        let regions = app
            .data("query($p: ID!) { crossBorderRegions(programme: $p) { nodes { name strategy { id status } } } }", json!({ "p": p1 }))
            .await;
        assert_eq!(regions["crossBorderRegions"]["nodes"], json!([{ "name": "Other programme", "strategy": { "id": other, "status": "PUBLISHED" } }]));
        let covered = app.data("query($p: ID!) { crossBorderRegions(programme: $p) { nodes { name strategy { id } } } }", json!({ "p": p0 })).await;
        assert_eq!(covered["crossBorderRegions"]["nodes"], json!([{ "name": "Covered, draft", "strategy": null }, { "name": "Covered, in review", "strategy": null }]));
        let by_programme = app.data_as(&authority, IDS, json!({ "f": { "programmeIds": [p1] } })).await;
        assert_eq!(ids(&by_programme), vec![other.clone()], "published strategies of other programmes are public");
        let by_country = app.data_as(&pilot.staff, IDS, json!({ "f": { "countries": ["SI"], "status": ["DRAFT"] } })).await;
        assert_eq!(ids(&by_country), vec![draft.clone()]);
    })
    .await;
}

#[tokio::test]
async fn paging_by_updated_at_returns_each_change_once_while_edits_happen_between_pages() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        let mut all = Vec::new();
        for name in ["A", "B", "C", "D", "E"] {
            all.push(pilot.strategy(&app, name, &pilot.programmes[0]).await);
        }
        let page = "query($after: String, $f: StrategyFilter) { strategies(first: 2, after: $after, filter: $f) { nodes { id title updatedAt } pageInfo { endCursor hasNextPage } } }";
        let first = app.data_as(&pilot.staff, page, json!({})).await;
        assert_eq!(ids(&first), vec![all[0].clone(), all[1].clone()]);
        // Between two pages, a strategy not yet seen (D) and one already seen (A) change.
        pilot.edit(&app, "updateStrategy", json!({ "id": all[3], "revision": 1, "title": "D changed" })).await;
        pilot.edit(&app, "updateStrategy", json!({ "id": all[0], "revision": 1, "title": "A changed" })).await;
        let mut seen = ids(&first);
        let mut cursor = first["strategies"]["pageInfo"]["endCursor"].clone();
        loop {
            let next = app.data_as(&pilot.staff, page, json!({ "after": cursor })).await;
            seen.extend(ids(&next));
            cursor = next["strategies"]["pageInfo"]["endCursor"].clone();
            if next["strategies"]["pageInfo"]["hasNextPage"] == false {
                break;
            }
        }
        // C and E once, D once (moved behind, not skipped nor repeated), A again for its new change.
        assert_eq!(seen, vec![all[0].clone(), all[1].clone(), all[2].clone(), all[4].clone(), all[3].clone(), all[0].clone()]);
        // Nothing new after the last cursor; a later change shows up after it.
        let after = app.data_as(&pilot.staff, page, json!({ "after": cursor })).await;
        assert_eq!(ids(&after), Vec::<Value>::new());
        pilot.edit(&app, "updateStrategy", json!({ "id": all[1], "revision": 1, "title": "B changed" })).await;
        let after = app.data_as(&pilot.staff, page, json!({ "after": cursor })).await;
        assert_eq!(ids(&after), vec![all[1].clone()]);
        // `updatedSince` starts a sync at an instant.
        let since = after["strategies"]["nodes"][0]["updatedAt"].clone();
        let since = app.data_as(&pilot.staff, page, json!({ "f": { "updatedSince": since } })).await;
        assert_eq!(ids(&since), vec![all[1].clone()]);
    })
    .await;
}

#[tokio::test]
async fn exports_parse_respect_visibility_and_escape_formulas() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        let p0 = pilot.programmes[0].clone();
        let covered = pilot.strategy(&app, "Covered", &p0).await;
        pilot
            .edit(
                &app,
                "updateStrategy",
                json!({ "id": covered, "revision": 1, "title": "=HYPERLINK(\"http://evil\")", "population": 1200 }),
            )
            .await;
        pilot.edit(&app, "submitStrategyForReview", json!({ "id": covered })).await;
        pilot.strategy(&app, "Hidden draft", &p0).await;
        let authority = managing_authority(&app, &p0).await;

        let response = app.client.get(app.url("/strategies/export.csv")).bearer_auth(&authority).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let body = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 1, "only the strategy in review: {body}");
        let cell = |name: &str| rows[0][headers.iter().position(|h| h == name).unwrap()].to_owned();
        assert_eq!(cell("id"), covered.as_str().unwrap());
        assert_eq!(cell("title"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(cell("status"), "IN_REVIEW");
        assert_eq!(cell("countries"), "AT SI");
        assert_eq!(cell("population"), "1200");

        let filtered = app
            .client
            .get(app.url("/strategies/export.csv?status=DRAFT"))
            .bearer_auth(&pilot.staff)
            .send()
            .await
            .unwrap();
        assert_eq!(csv::Reader::from_reader(filtered.text().await.unwrap().as_bytes()).records().count(), 1);
        let json = app.client.get(app.url("/strategies/export.json")).bearer_auth(&pilot.staff).send().await.unwrap();
        let json: Value = json.json().await.unwrap();
        assert_eq!(json.as_array().unwrap().len(), 2);
        assert_eq!(json[0]["region"]["programmeIds"], json!([p0]));
        let anonymous = app.client.get(app.url("/strategies/export.csv")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        let bad = app
            .client
            .get(app.url("/strategies/export.csv?status=DONE"))
            .bearer_auth(&pilot.staff)
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
    })
    .await;
}

#[tokio::test]
async fn readers_ask_for_a_language_and_fall_back_to_the_main_one() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        let id = pilot.strategy(&app, "Karawanken", &pilot.programmes[0]).await;
        let objective = pilot.edit(&app, "addStrategyObjective", json!({ "strategyId": id, "title": "Mobilität", "description": "Busse" })).await;
        let objective = objective["objectives"][0]["id"].clone();
        pilot.edit(&app, "updateStrategy", json!({ "id": id, "revision": 1, "title": "Karawanken gemeinsam", "areaDescription": "Beide Seiten" })).await;
        pilot.edit(&app, "setStrategyTranslation", json!({ "strategyId": id, "language": "sl", "texts": [{ "field": "title", "text": "Karavanke skupaj" }] })).await;
        pilot.edit(&app, "setStrategyTranslation", json!({ "strategyId": id, "subjectId": objective, "language": "sl", "texts": [{ "field": "title", "text": "Mobilnost" }] })).await;
        let bad = pilot.run(&app, &pilot.editor, "setStrategyTranslation", json!({ "strategyId": id, "language": "de", "texts": [{ "field": "title", "text": "x" }] })).await;
        assert_eq!(bad["userErrors"][0]["field"], json!(["input", "language"]));
        let read = "query($id: ID!, $l: String) { strategy(id: $id, language: $l) { mainLanguage language languages title areaDescription objectives { title description } } }";
        let sl = app.data_as(&pilot.editor, read, json!({ "id": id, "l": "sl" })).await;
        assert_eq!(
            sl["strategy"],
            json!({ "mainLanguage": "de", "language": "sl", "languages": ["de", "sl"], "title": "Karavanke skupaj", "areaDescription": "Beide Seiten", "objectives": [{ "title": "Mobilnost", "description": "Busse" }] })
        );
        let en = app.data_as(&pilot.editor, read, json!({ "id": id, "l": "en" })).await;
        assert_eq!(en["strategy"]["title"], "Karawanken gemeinsam");
        let bad_language = app.graphql_as(&pilot.editor, read, json!({ "id": id, "l": "slovene" })).await;
        assert_eq!(crate::helpers::first_error_code(&bad_language), "BAD_USER_INPUT");
    })
    .await;
}

#[tokio::test]
async fn a_page_of_strategies_with_objectives_and_targets_costs_the_same_statements_at_any_size() {
    each_backend(|app| async move {
        let pilot = pilot(&app).await;
        for n in 0..12 {
            let id = pilot.strategy(&app, &format!("Region {n:02}"), &pilot.programmes[0]).await;
            let objective = pilot.edit(&app, "addStrategyObjective", json!({ "strategyId": id, "title": format!("Objective {n}") })).await;
            let objective = objective["objectives"][0]["id"].clone();
            pilot.edit(&app, "addStrategyTarget", json!({ "strategyId": id, "objectiveId": objective, "indicator": "Jobs" })).await;
            pilot.edit(&app, "addStrategyAction", json!({ "strategyId": id, "objectiveId": objective, "title": "Act" })).await;
        }
        let query = |first: usize| {
            format!("{{ strategies(first: {first}) {{ nodes {{ id title status region {{ name }} objectives {{ title targets {{ indicator }} actions {{ title }} }} lagMembers {{ votingShare }} financialPlan {{ total {{ amount }} }} }} }} }}")
        };
        let staff = crate::helpers::principal(vec![api::auth::Role::Staff]);
        let (small, small_statements) = statements_as(&app.database_url, Some(staff.clone()), &query(3)).await;
        let (large, large_statements) = statements_as(&app.database_url, Some(staff), &query(12)).await;
        assert_eq!(small["strategies"]["nodes"].as_array().unwrap().len(), 3);
        assert_eq!(large["strategies"]["nodes"].as_array().unwrap().len(), 12);
        assert_eq!(large["strategies"]["nodes"][11]["objectives"][0]["targets"], json!([{ "indicator": "Jobs" }]));
        assert_eq!(small_statements.len(), large_statements.len(), "{large_statements:#?}");
        eprintln!("strategy page statements: {} for 3 and for 12", large_statements.len());
    })
    .await;
}
