//! Who sees cross-border regions: pilot and alumni regions are public; a CANDIDATE only for its creator, the
//! members of its partnerships' partners, and staff — in lists and through `node(id:)` alike.

use crate::helpers::{TestApp, each_backend, staff_token, token, verified_user};
use serde_json::{Value, json};

const CREATE_REGION: &str = "mutation($i: CreateCrossBorderRegionInput!) { createCrossBorderRegion(input: $i) { crossBorderRegion { id } userErrors { field code } } }";
const CREATE_ORGANISATION: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } userErrors { field code } } }";
const CREATE_PARTNERSHIP: &str = "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { id } userErrors { field code } } }";
const LIST: &str = "{ crossBorderRegions(first: 100) { totalCount nodes { name } } }";
const NODE: &str = "query($id: ID!) { node(id: $id) { ... on CrossBorderRegion { name description } } }";

async fn created(app: &TestApp, who: &str, query: &str, input: Value, field: &str, object: &str) -> Value {
    let data = app.data_as(who, query, json!({ "i": input })).await;
    assert_eq!(data[field]["userErrors"], json!([]), "{field}");
    data[field][object]["id"].clone()
}

async fn names(app: &TestApp, who: Option<&str>) -> Vec<String> {
    let data = match who {
        Some(who) => app.data_as(who, LIST, json!({})).await,
        None => app.data(LIST, json!({})).await,
    };
    data["crossBorderRegions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn node_name(app: &TestApp, who: Option<&str>, id: &Value) -> Value {
    let data = match who {
        Some(who) => app.data_as(who, NODE, json!({ "id": id })).await,
        None => app.data(NODE, json!({ "id": id })).await,
    };
    data["node"]["name"].clone()
}

#[tokio::test]
async fn candidate_regions_are_seen_by_their_creator_partners_and_staff_only() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let eve = token(&verified_user(&app, "eve@example.org", "APPLICANT").await);
        let region = |name: &str| json!({ "name": name, "description": "Our plans", "countries": ["AT", "SI"] });
        let candidate = created(&app, &ana, CREATE_REGION, region("Secret candidate"), "createCrossBorderRegion", "crossBorderRegion").await;
        let pilot = created(&app, &staff, CREATE_REGION, json!({ "name": "Known pilot", "description": "", "countries": ["AT", "IT"], "status": "PILOT" }), "createCrossBorderRegion", "crossBorderRegion").await;

        // Anonymous callers and strangers see the pilot only, in the list and by ID.
        assert_eq!(names(&app, None).await, ["Known pilot"]);
        assert_eq!(names(&app, Some(&eve)).await, ["Known pilot"]);
        assert_eq!(node_name(&app, None, &candidate).await, Value::Null);
        assert_eq!(node_name(&app, Some(&eve), &candidate).await, Value::Null);
        assert_eq!(node_name(&app, None, &pilot).await, "Known pilot");
        let filtered = app.data("{ crossBorderRegions(status: CANDIDATE) { totalCount } }", json!({})).await;
        assert_eq!(filtered["crossBorderRegions"]["totalCount"], 0);
        let by_nodes = app.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": [candidate, pilot] })).await;
        assert_eq!(by_nodes["nodes"], json!([null, { "id": pilot }]));

        // Its creator and staff see it.
        assert_eq!(names(&app, Some(&ana)).await, ["Known pilot", "Secret candidate"]);
        assert_eq!(names(&app, Some(&staff)).await, ["Known pilot", "Secret candidate"]);
        assert_eq!(node_name(&app, Some(&staff), &candidate).await, "Secret candidate");

        // Ben's organisation becomes a partner of a partnership in it: Ben sees it.
        let at = created(&app, &ana, CREATE_ORGANISATION, json!({ "name": "Gemeinde", "organisationType": "LOCAL_AUTHORITY", "country": "AT", "registrationId": "AT-1" }), "createOrganisation", "organisation").await;
        let si = created(&app, &ben, CREATE_ORGANISATION, json!({ "name": "Občina", "organisationType": "LOCAL_AUTHORITY", "country": "SI", "registrationId": "SI-1" }), "createOrganisation", "organisation").await;
        assert_eq!(node_name(&app, Some(&ben), &candidate).await, Value::Null);
        created(
            &app,
            &ana,
            CREATE_PARTNERSHIP,
            json!({ "regionId": candidate, "name": "Karawanken", "governance": "A board",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } }),
            "createPartnership",
            "partnership",
        )
        .await;
        assert_eq!(node_name(&app, Some(&ben), &candidate).await, "Secret candidate");
        assert_eq!(names(&app, Some(&ben)).await, ["Known pilot", "Secret candidate"]);
        assert_eq!(names(&app, Some(&eve)).await, ["Known pilot"]);

        // Once a pilot, everybody sees it.
        let promoted = app
            .data_as(&staff, "mutation($i: UpdateCrossBorderRegionInput!) { updateCrossBorderRegion(input: $i) { userErrors { code } } }",
                json!({ "i": { "id": candidate, "name": "Secret candidate", "description": "Our plans", "countries": ["AT", "SI"], "status": "PILOT" } }))
            .await;
        assert_eq!(promoted["updateCrossBorderRegion"]["userErrors"], json!([]));
        assert_eq!(names(&app, None).await, ["Known pilot", "Secret candidate"]);
    })
    .await;
}

/// A region's partnerships, on a page of regions as through the region alone, are the ones the caller may see: in a
/// candidate region, those they created or whose partners they belong to (with or without their partners, which
/// on SQLite the page reads in its own statement).
#[tokio::test]
async fn a_regions_partnerships_on_a_page_are_those_the_caller_may_see() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let region = json!({ "name": "Candidate", "description": "Our plans", "countries": ["AT", "SI"] });
        let candidate = created(&app, &ana, CREATE_REGION, region, "createCrossBorderRegion", "crossBorderRegion").await;
        let at = created(&app, &ana, CREATE_ORGANISATION, json!({ "name": "Gemeinde", "organisationType": "LOCAL_AUTHORITY", "country": "AT", "registrationId": "AT-1" }), "createOrganisation", "organisation").await;
        let si = created(&app, &ben, CREATE_ORGANISATION, json!({ "name": "Občina", "organisationType": "LOCAL_AUTHORITY", "country": "SI", "registrationId": "SI-1" }), "createOrganisation", "organisation").await;
        let with_ben = json!({ "regionId": candidate, "name": "With Ben",
            "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }] });
        created(&app, &ana, CREATE_PARTNERSHIP, with_ben, "createPartnership", "partnership").await;
        let without_ben = json!({ "regionId": candidate, "name": "Ana alone", "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }] });
        created(&app, &ana, CREATE_PARTNERSHIP, without_ben, "createPartnership", "partnership").await;

        let with_partners = "{ crossBorderRegions { nodes { name partnerships { name partners { organisation { name } } } } } }";
        let names_only = "{ crossBorderRegions { nodes { name partnerships { name } } } }";
        let node = "query($id: ID!) { node(id: $id) { ... on CrossBorderRegion { partnerships { name } } } }";
        let seen = |data: &Value, list: bool| -> Vec<String> {
            let partnerships = if list { &data["crossBorderRegions"]["nodes"][0]["partnerships"] } else { &data["node"]["partnerships"] };
            partnerships.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
        };
        for (who, expected) in [(&ana, vec!["Ana alone", "With Ben"]), (&staff, vec!["Ana alone", "With Ben"]), (&ben, vec!["With Ben"])] {
            let page = app.data_as(who, with_partners, json!({})).await;
            assert_eq!(page["crossBorderRegions"]["nodes"].as_array().unwrap().len(), 1, "{page}");
            assert_eq!(seen(&page, true), expected, "{page}");
            let partners = &page["crossBorderRegions"]["nodes"][0]["partnerships"];
            let last = partners.as_array().unwrap().len() - 1;
            assert_eq!(partners[last]["partners"], json!([{ "organisation": { "name": "Gemeinde" } }, { "organisation": { "name": "Občina" } }]), "{page}");
            assert_eq!(seen(&app.data_as(who, names_only, json!({})).await, true), expected);
            assert_eq!(seen(&app.data_as(who, node, json!({ "id": candidate })).await, false), expected);
        }
        let anonymous = app.data(with_partners, json!({})).await;
        assert_eq!(anonymous["crossBorderRegions"]["nodes"], json!([]));
    })
    .await;
}

/// A page of regions whose selection the page's rows answer is built from those rows (`graphql::regions::listed`),
/// not resolved field by field: every field it builds, through fragments and aliases, equals what the resolvers
/// answer for the same regions (the same query with one field that is not built, `countries`, which makes the page
/// resolve each field), with nulls, escapes, enums, timestamps and IDs, as a partner and anonymously.
#[tokio::test]
async fn a_built_page_answers_as_the_resolvers_do() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let at = created(&app, &ana, CREATE_ORGANISATION, json!({ "name": "Gemeinde \"Ost\"", "originalName": "Gemeinde Ost", "organisationType": "LOCAL_AUTHORITY", "country": "AT", "registrationId": "AT-1" }), "createOrganisation", "organisation").await;
        let si = created(&app, &ben, CREATE_ORGANISATION, json!({ "name": "Občina", "organisationType": "NGO", "country": "SI", "registrationId": "SI-1" }), "createOrganisation", "organisation").await;
        let pilot = json!({ "name": "Karawanken\\Karavanke", "description": "Line one\nline two", "countries": ["AT", "SI"], "population": 250000, "areaKm2": 1234.5, "status": "PILOT" });
        let pilot = created(&app, &staff, CREATE_REGION, pilot, "createCrossBorderRegion", "crossBorderRegion").await;
        created(&app, &staff, CREATE_REGION, json!({ "name": "Empty", "description": "", "countries": ["AT", "SI"], "status": "ALUMNI" }), "createCrossBorderRegion", "crossBorderRegion").await;
        let voting = json!({ "publicSector": 40, "privateSector": 30, "civilSociety": 20, "other": 10 });
        let both = json!({ "regionId": pilot, "name": "Both sides", "governance": "A board \"of five\"\t✓", "voting": voting,
            "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }] });
        let both = created(&app, &ana, CREATE_PARTNERSHIP, both, "createPartnership", "partnership").await;
        let alone = json!({ "regionId": pilot, "name": "Alone", "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }] });
        created(&app, &ana, CREATE_PARTNERSHIP, alone, "createPartnership", "partnership").await;
        // Ben's organisation accepts: a partner with an answer (and one, Ana's, without).
        let accept = "mutation($i: PartnershipInvitationInput!) { acceptPartnershipInvitation(input: $i) { userErrors { code } } }";
        let accepted = app.data_as(&ben, accept, json!({ "i": { "partnershipId": both, "organisationId": si } })).await;
        assert_eq!(accepted["acceptPartnershipInvitation"]["userErrors"], json!([]), "{accepted}");

        let region = "__typename id label: name description population areaKm2 status partnerships { ...P }";
        let partnership = "__typename id name governance voting { __typename publicSector privateSector civilSociety other } partners { __typename side role status invitedAt answeredAt organisation { ... on Organisation { __typename id name originalName organisationType country { __typename id code nutsCode name status eligible } } } }";
        let query = |more: &str| {
            format!("{{ crossBorderRegions(first: 10) {{ totalCount nodes {{ ...R {more} }} edges {{ cursor node {{ id name }} }} }} }} fragment R on CrossBorderRegion {{ {region} }} fragment P on Partnership {{ {partnership} }}")
        };
        let without = |mut data: Value, key: &str| {
            for node in data["crossBorderRegions"]["nodes"].as_array_mut().unwrap() {
                node.as_object_mut().unwrap().remove(key);
            }
            data
        };
        let app = &app;
        for who in [Some(&ana), Some(&ben), Some(&staff), None] {
            let ask = |query: String| async move {
                match who {
                    Some(who) => app.data_as(who, &query, json!({})).await,
                    None => app.data(&query, json!({})).await,
                }
            };
            let built = ask(query("")).await;
            let resolved = without(ask(query("countries { code }")).await, "countries");
            assert_eq!(built, resolved, "built:\n{built}\nresolved:\n{resolved}");
            // A directive, too, leaves the page to the resolvers: the same answer.
            let included = without(ask(query("description @include(if: true) countries { code }")).await, "countries");
            assert_eq!(built, included);
            // The page holds what the test wrote, in the selection's order.
            let nodes = built["crossBorderRegions"]["nodes"].as_array().unwrap();
            assert_eq!(nodes.len(), 2, "{built}");
            let first = nodes.iter().find(|n| n["label"] == "Karawanken\\Karavanke").expect("the pilot region");
            assert_eq!([&first["population"], &first["areaKm2"], &first["status"]], [&json!(250000), &json!(1234.5), &json!("PILOT")]);
            let partnerships = first["partnerships"].as_array().unwrap();
            assert_eq!(partnerships.len(), 2, "{built}");
            let both = &partnerships[1];
            assert_eq!(both["governance"], "A board \"of five\"\t✓");
            assert_eq!(both["voting"]["publicSector"], 40);
            assert_eq!(partnerships[0]["voting"]["other"], Value::Null);
            assert_eq!(both["partners"][0]["organisation"]["originalName"], "Gemeinde Ost");
            assert_eq!(both["partners"][1]["organisation"]["originalName"], Value::Null);
            assert_eq!(both["partners"][1]["status"], "CONFIRMED");
            assert!(both["partners"][1]["answeredAt"].is_string(), "{built}");
            assert_eq!(both["partners"][0]["organisation"]["country"]["name"], "Austria");
        }
        // In the selection's order (the JSON as sent: `serde_json::Value` sorts keys): the first node's keys come
        // first in the body, after `totalCount`.
        let response = app.client.post(app.url("/graphql")).json(&json!({ "query": query("") })).send().await.unwrap();
        let text = response.text().await.unwrap();
        let keys = ["totalCount", "__typename", "id", "label", "description", "population", "areaKm2", "status", "partnerships"];
        let at: Vec<usize> = keys.iter().map(|key| text.find(&format!("\"{key}\":")).expect(key)).collect();
        assert!(at.is_sorted(), "{text}");
    })
    .await;
}
