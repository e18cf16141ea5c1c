//! Input an attacker sends to get INTERNAL or garbage: control characters, over-long texts and lists, LIKE
//! wildcards in searches, formulas in exported cells, and errors that would echo the whole input back.

use crate::helpers::{TestApp, each_backend, first_error_code, mail_token, staff_token, verified_user};
use serde_json::{Value, json};

const REGISTER: &str = "mutation($i: RegisterInput!) { register(input: $i) { user { id } userErrors { field code } } }";
const CREATE_ORGANISATION: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id registrationId } userErrors { field code } } }";

fn registration(display_name: &str) -> Value {
    json!({ "i": { "email": "eve@example.org", "password": "a long enough passphrase", "displayName": display_name, "preferredLanguage": "en", "intendedRole": "APPLICANT" } })
}

fn organisation(overrides: Value) -> Value {
    let mut input = json!({ "name": "Občina Gorica", "organisationType": "LOCAL_AUTHORITY", "country": "SI", "nutsRegion": "SI04", "registrationId": "5880629000" });
    for (key, value) in overrides.as_object().unwrap() {
        input[key] = value.clone();
    }
    json!({ "i": input })
}

#[tokio::test]
async fn control_characters_and_over_long_texts_are_refused_not_internal() {
    each_backend(|app| async move {
        let body = app.graphql(REGISTER, registration("Eve\u{0}Admin")).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("control character"), "{body}");
        // Written into the document instead of sent as a variable: the same.
        let literal = REGISTER.replace("$i: RegisterInput!", "").replace(
            "input: $i",
            r#"input: { email: "eve@example.org", password: "a long enough passphrase", displayName: "Eve\u0000", preferredLanguage: "en", intendedRole: APPLICANT }"#,
        );
        let body = app.graphql(&literal.replace("mutation()", "mutation"), json!({})).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        // A 900 kB text is refused, and the error does not echo it.
        let huge = "x".repeat(900_000);
        let body = app.graphql(REGISTER, registration(&huge)).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        assert!(body.to_string().len() < 2_000, "the error echoes the input: {} bytes", body.to_string().len());
        let data = app.data(REGISTER, registration("Eve Novak")).await;
        assert_eq!(data["register"]["userErrors"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn over_long_list_inputs_are_refused() {
    each_backend(|app| async move {
        let ids: Vec<String> = (0..101).map(|i| format!("id-{i}")).collect();
        let body = app.graphql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": ids })).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("at most 100 are accepted"), "{body}");
    })
    .await;
}

#[tokio::test]
async fn organisation_fields_longer_than_their_columns_are_user_errors() {
    each_backend(|app| async move {
        let session = verified_user(&app, "ana.novak@example.org", "APPLICANT").await;
        let token = session["accessToken"].as_str().unwrap().to_owned();
        let long = organisation(
            json!({ "originalName": "O".repeat(300), "website": format!("https://{}.eu", "w".repeat(600)) }),
        );
        let data = app.data_as(&token, CREATE_ORGANISATION, long).await;
        let fields: Vec<Value> =
            data["createOrganisation"]["userErrors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert!(fields.contains(&json!(["input", "originalName"])), "{data}");
        assert!(fields.contains(&json!(["input", "website"])), "{data}");
        // 100 characters that grow when upper-cased (ß → SS) are refused rather than overflowing the column.
        let growing = organisation(json!({ "registrationId": "ß".repeat(100) }));
        let data = app.data_as(&token, CREATE_ORGANISATION, growing).await;
        assert_eq!(data["createOrganisation"]["userErrors"][0]["field"], json!(["input", "registrationId"]), "{data}");
        let data = app.data_as(&token, CREATE_ORGANISATION, organisation(json!({}))).await;
        assert_eq!(data["createOrganisation"]["userErrors"], json!([]), "{data}");
    })
    .await;
}

#[tokio::test]
async fn searches_are_bounded_and_match_wildcards_literally() {
    each_backend(|app| async move {
        let search = "query($s: String) { nutsRegions(search: $s, first: 5) { totalCount } }";
        let body = app.graphql(search, json!({ "s": "x".repeat(50_000) })).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        let body = app.graphql(search, json!({ "s": "x".repeat(101) })).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("at most 100 characters"), "{body}");
        for wildcard in ["%", "\\", "%%_"] {
            let data = app.data(search, json!({ "s": wildcard })).await;
            assert_eq!(data["nutsRegions"]["totalCount"], 0, "`{wildcard}` matched as a wildcard");
        }
        // `_` finds only the names with an underscore (Ukraine's statistical macro-regions), not every region.
        let data = app.data(search, json!({ "s": "_" })).await;
        assert_eq!(data["nutsRegions"]["totalCount"], 8, "{data}");
        let data = app.data(search, json!({ "s": "wien" })).await;
        assert!(data["nutsRegions"]["totalCount"].as_i64().unwrap() >= 1, "{data}");

        let staff = staff_token(&app).await;
        let users = "query($s: String) { users(filter: { search: $s }) { totalCount } }";
        let all = app.data_as(&staff, users, json!({ "s": null })).await["users"]["totalCount"].as_i64().unwrap();
        assert!(all >= 2);
        for wildcard in ["%", "_"] {
            let data = app.data_as(&staff, users, json!({ "s": wildcard })).await;
            assert_eq!(data["users"]["totalCount"], 0, "`{wildcard}` matched as a wildcard");
        }
    })
    .await;
}

async fn published_event(app: &TestApp, staff: &str) -> String {
    let create =
        "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } userErrors { field code } } }";
    let input = json!({ "kind": "WEBINAR", "title": "Designing CLLD strategies", "description": "How.", "startsAt": "2026-03-01T10:00:00Z", "endsAt": "2026-03-01T12:00:00Z", "timeZone": "Europe/Ljubljana", "joinUrl": "https://meet.example.org/x", "capacity": 10, "registrationOpensAt": "2026-01-01T00:00:00Z", "registrationClosesAt": "2026-03-01T09:00:00Z", "topics": ["EVENTS"], "language": "en" });
    let data = app.data_as(staff, create, json!({ "i": input })).await;
    assert_eq!(data["createEvent"]["userErrors"], json!([]), "{data}");
    let id = data["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
    let publish = "mutation($id: ID!) { publishEvent(input: { id: $id }) { userErrors { code } } }";
    app.data_as(staff, publish, json!({ "id": id })).await;
    id
}

#[tokio::test]
async fn exported_registrations_do_not_run_as_formulas() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let id = published_event(&app, &staff).await;
        let by_email = "mutation($e: ID!, $m: String!, $n: String!) { registerForEventByEmail(input: { eventId: $e, email: $m, name: $n }) { userErrors { field code } } }";
        let data = app.data(by_email, json!({ "e": id, "m": "calc@example.org", "n": "=HYPERLINK(\"https://evil.example\")" })).await;
        assert_eq!(data["registerForEventByEmail"]["userErrors"], json!([]), "{data}");
        let token = mail_token(&app, "calc@example.org", "confirm-event-registration").await;
        let confirm = "mutation($t: String!) { confirmEventRegistration(input: { token: $t }) { userErrors { code } } }";
        app.data(confirm, json!({ "t": token })).await;
        let url = app.url(&format!("/events/{id}/registrations.csv"));
        let body = app.client.get(&url).bearer_auth(&staff).send().await.unwrap().text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(&first[0], "'=HYPERLINK(\"https://evil.example\")", "{body}");
    })
    .await;
}
