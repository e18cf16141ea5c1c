//! Staff add and correct Interreg programmes; the rules of the reference list apply, as user errors.

use crate::helpers::{admin_session, each_backend, grant, verified_user};
use serde_json::json;

const CREATE: &str = "mutation($i: CreateInterregProgrammeInput!) { createInterregProgramme(input: $i) { interregProgramme { id name cci strand countryCodes } userErrors { field code } } }";
const UPDATE: &str = "mutation($i: UpdateInterregProgrammeInput!) { updateInterregProgramme(input: $i) { interregProgramme { id name cci strand countryCodes } userErrors { field code } } }";

#[tokio::test]
async fn staff_add_and_correct_a_programme() {
    each_backend(|app| async move {
        let admin = admin_session(&app).await["accessToken"].as_str().unwrap().to_owned();
        let staff = verified_user(&app, "staff@example.org", "APPLICANT").await;
        grant(&app, &admin, &staff["user"]["id"], "STAFF", json!([])).await;
        let staff = staff["accessToken"].as_str().unwrap().to_owned();

        let created = app
            .data_as(
                &staff,
                CREATE,
                json!({ "i": { "name": "Interreg VI-A IPA Hungary-Serbia", "strand": "IPA", "countries": ["hu", "RS"], "cci": "2021tc16ipcb098" } }),
            )
            .await["createInterregProgramme"]
            .clone();
        assert_eq!(created["userErrors"], json!([]));
        let programme = &created["interregProgramme"];
        assert_eq!(programme["cci"], "2021TC16IPCB098");
        assert_eq!(programme["countryCodes"], json!(["HU", "RS"]));

        let updated = app
            .data_as(
                &staff,
                UPDATE,
                json!({ "i": { "id": programme["id"], "name": "Interreg VI-A IPA Hungary–Serbia", "strand": "IPA", "countries": ["HU", "RS", "EL"] } }),
            )
            .await["updateInterregProgramme"]
            .clone();
        assert_eq!(updated["userErrors"], json!([]));
        assert_eq!(updated["interregProgramme"]["countryCodes"], json!(["GR", "HU", "RS"]));
        assert_eq!(updated["interregProgramme"]["cci"], json!(null));

        // Broken rules come back together, with paths under `input`.
        let broken = app
            .data_as(&staff, CREATE, json!({ "i": { "name": "Interreg Europe", "strand": "C", "countries": ["France"], "cci": "X" } }))
            .await["createInterregProgramme"]
            .clone();
        assert_eq!(broken["interregProgramme"], json!(null));
        assert_eq!(
            broken["userErrors"],
            json!([
                { "field": ["input", "name"], "code": "TAKEN" },
                { "field": ["input", "cci"], "code": "INVALID" },
                { "field": ["input", "countries", "0"], "code": "INVALID" },
            ])
        );
        let clash = app
            .data_as(&staff, UPDATE, json!({ "i": { "id": programme["id"], "name": "Interreg Europe", "strand": "C", "countries": ["FR"] } }))
            .await["updateInterregProgramme"]
            .clone();
        assert_eq!(clash["userErrors"], json!([{ "field": ["input", "name"], "code": "TAKEN" }]));

        // Applicants may not edit the list.
        let applicant = verified_user(&app, "ana@example.org", "APPLICANT").await["accessToken"].as_str().unwrap().to_owned();
        let refused = app
            .graphql_as(&applicant, CREATE, json!({ "i": { "name": "X", "strand": "C", "countries": ["FR"] } }))
            .await;
        assert_eq!(crate::helpers::first_error_code(&refused), "FORBIDDEN");
    })
    .await;
}
