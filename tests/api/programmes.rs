//! The Interreg programmes 2021–2027 as the public reads them: the embedded list, its filters, countries and IDs.

use crate::helpers::{TestApp, each_backend, statements_as};
use serde_json::{Value, json};
use std::collections::HashSet;

const PROGRAMMES: &str = include_str!("../../migration/data/interreg_programmes_2021_2027.csv");

/// One data row of the embedded file (no field of it holds a comma).
struct Row {
    name: String,
    strand: String,
    countries: Vec<String>,
}

fn file_rows() -> Vec<Row> {
    PROGRAMMES
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 4, "{line}");
            Row {
                name: fields[1].trim().to_owned(),
                strand: fields[2].trim().to_owned(),
                countries: fields[3].split(';').map(|c| c.trim().to_owned()).collect(),
            }
        })
        .collect()
}

/// Names of the programmes covering `code`, according to the file.
fn file_names_covering(code: &str) -> HashSet<String> {
    file_rows().into_iter().filter(|r| r.countries.iter().any(|c| c == code)).map(|r| r.name).collect()
}

const LIST: &str = r#"query($strand: InterregStrand, $country: String, $first: Int, $after: String, $last: Int, $before: String) {
  interregProgrammes(strand: $strand, country: $country, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id name strand cci } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

async fn list(app: &TestApp, args: Value) -> Value {
    app.data(LIST, args).await["interregProgrammes"].clone()
}

fn names(page: &Value) -> Vec<String> {
    page["edges"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap().to_owned()).collect()
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

#[tokio::test]
async fn every_programme_of_the_file_is_loaded() {
    each_backend(|app| async move {
        let rows = file_rows();
        let all = list(&app, json!({ "first": 100 })).await;
        assert_eq!(all["totalCount"], rows.len());
        let loaded: HashSet<String> = names(&all).into_iter().collect();
        let expected: HashSet<String> = rows.iter().map(|r| r.name.clone()).collect();
        assert_eq!(loaded, expected);
        assert_eq!(names(&all).len(), rows.len(), "each programme once");

        let europe = all["edges"].as_array().unwrap().iter().find(|e| e["node"]["name"] == "Interreg Europe").unwrap();
        assert_eq!(europe["node"]["cci"], "2021TC16RFIR001");
        assert_eq!(europe["node"]["strand"], "C");
        // Ids come from the names, so every database has the same ones.
        assert_eq!(europe["node"]["id"], base64_url("InterregProgramme:a14cd86f-8290-5ce6-983e-061ef51e314f"));
    })
    .await;
}

#[tokio::test]
async fn programmes_filter_by_strand() {
    each_backend(|app| async move {
        let rows = file_rows();
        let mut seen = 0;
        for strand in ["A", "B", "C", "D", "IPA", "NEXT"] {
            let page = list(&app, json!({ "strand": strand, "first": 100 })).await;
            let expected: HashSet<String> =
                rows.iter().filter(|r| r.strand == strand).map(|r| r.name.clone()).collect();
            assert!(!expected.is_empty(), "the file has strand {strand}");
            assert_eq!(names(&page).into_iter().collect::<HashSet<_>>(), expected, "{strand}");
            assert_eq!(page["totalCount"], expected.len(), "{strand}");
            assert!(page["edges"].as_array().unwrap().iter().all(|e| e["node"]["strand"] == strand));
            seen += expected.len();
        }
        assert_eq!(seen, rows.len(), "every programme has one of the six strands");
        assert_eq!(app.error_code(LIST, json!({ "strand": "E" })).await, "BAD_USER_INPUT");
    })
    .await;
}

#[tokio::test]
async fn programmes_filter_by_country_with_iso_or_eu_code() {
    each_backend(|app| async move {
        let greek = file_names_covering("GR");
        assert!(!greek.is_empty());
        for code in ["GR", "EL", "el"] {
            let page = list(&app, json!({ "country": code, "first": 100 })).await;
            assert_eq!(names(&page).into_iter().collect::<HashSet<_>>(), greek, "{code}");
        }
        // Countries outside IMPACT are covered too (NEXT MED reaches Tunisia).
        let tunisian = list(&app, json!({ "country": "TN", "first": 100 })).await;
        assert_eq!(names(&tunisian).into_iter().collect::<HashSet<_>>(), file_names_covering("TN"));
        assert!(!names(&tunisian).is_empty());
        // With a strand as well: both filters apply.
        let transnational_greek = list(&app, json!({ "country": "EL", "strand": "B", "first": 100 })).await;
        assert!(names(&transnational_greek).iter().all(|n| greek.contains(n)));
        assert!(names(&transnational_greek).contains(&"Interreg VI-B IPA ADRION".to_owned()));

        for uncovered in ["XK", "US"] {
            assert!(file_names_covering(uncovered).is_empty(), "the file covers {uncovered}");
            let page = list(&app, json!({ "country": uncovered })).await;
            assert_eq!(page["totalCount"], 0, "{uncovered}");
            assert_eq!(page["edges"], json!([]), "{uncovered}");
        }
        assert_eq!(app.error_code(LIST, json!({ "country": "Greece" })).await, "BAD_USER_INPUT");
    })
    .await;
}

#[tokio::test]
async fn a_programme_lists_its_countries() {
    each_backend(|app| async move {
        let query = r#"query($country: String) { interregProgrammes(country: $country, first: 100) {
            nodes { name countryCodes countries { code nutsCode } }
        } }"#;
        let find = |data: &Value, name: &str| -> Value {
            data["interregProgrammes"]["nodes"].as_array().unwrap().iter().find(|n| n["name"] == name).unwrap().clone()
        };
        let greek = app.data(query, json!({ "country": "GR" })).await;
        let gr_bg = find(&greek, "Interreg VI-A Greece-Bulgaria");
        assert_eq!(gr_bg["countryCodes"], json!(["BG", "GR"]));
        assert_eq!(gr_bg["countries"], json!([{ "code": "BG", "nutsCode": "BG" }, { "code": "GR", "nutsCode": "EL" }]));

        // NEXT MED also covers countries outside IMPACT: all are in `countryCodes`, only IMPACT's in `countries`.
        let med = find(&greek, "Interreg VI-B NEXT Mediterranean Sea Basin (NEXT MED)");
        let mut all: Vec<String> = file_rows()
            .into_iter()
            .find(|r| r.name == "Interreg VI-B NEXT Mediterranean Sea Basin (NEXT MED)")
            .unwrap()
            .countries;
        all.sort();
        assert_eq!(med["countryCodes"], json!(all));
        let impact: Vec<&str> =
            med["countries"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
        assert_eq!(impact, ["CY", "ES", "FR", "GR", "IT", "MT", "PT"]);
    })
    .await;
}

#[tokio::test]
async fn node_round_trips_a_programme_id() {
    each_backend(|app| async move {
        let page = list(&app, json!({ "country": "MD", "strand": "NEXT" })).await;
        let programme = page["edges"][0]["node"].clone();
        assert_eq!(programme["name"], "Interreg VI-A NEXT Romania-Moldova");

        let query = r#"query($id: ID!) { node(id: $id) { id ... on InterregProgramme { name strand countryCodes } } }"#;
        let node = app.data(query, json!({ "id": programme["id"] })).await;
        assert_eq!(
            node["node"],
            json!({ "id": programme["id"], "name": "Interreg VI-A NEXT Romania-Moldova", "strand": "NEXT", "countryCodes": ["MD", "RO"] })
        );

        let country = app.data(r#"{ country(code: "RO") { id } }"#, json!({})).await["country"]["id"].clone();
        let missing = base64_url("InterregProgramme:00000000-0000-4000-8000-000000000000");
        let nodes = app
            .data(
                r#"query($ids: [ID!]!) { nodes(ids: $ids) { ... on InterregProgramme { name } ... on Country { code } } }"#,
                json!({ "ids": [programme["id"], missing, country] }),
            )
            .await;
        assert_eq!(nodes["nodes"], json!([{ "name": "Interreg VI-A NEXT Romania-Moldova" }, Value::Null, { "code": "RO" }]));

        let not_a_uuid = base64_url("InterregProgramme:RO-MD");
        assert_eq!(app.error_code(query, json!({ "id": not_a_uuid })).await, "BAD_USER_INPUT");
    })
    .await;
}

#[tokio::test]
async fn two_pages_hold_the_whole_list_without_gap_or_overlap() {
    each_backend(|app| async move {
        let all = list(&app, json!({ "first": 100 })).await;
        let all_names = names(&all);
        assert!(all_names.len() > 20, "enough programmes for two pages");
        let split = all_names.len() / 2;

        let first = list(&app, json!({ "first": split })).await;
        assert_eq!(first["pageInfo"]["hasNextPage"], true);
        assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
        let second = list(&app, json!({ "first": 100, "after": first["pageInfo"]["endCursor"] })).await;
        assert_eq!(second["pageInfo"]["hasNextPage"], false);
        assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
        assert_eq!([names(&first), names(&second)].concat(), all_names);

        // And backwards from the end of the first page.
        let back = list(&app, json!({ "last": split, "before": second["pageInfo"]["startCursor"] })).await;
        assert_eq!(names(&back), names(&first));
        assert_eq!(back["pageInfo"]["hasPreviousPage"], false);
    })
    .await;
}

#[tokio::test]
async fn a_page_of_programmes_with_countries_costs_the_same_few_statements_at_any_size() {
    each_backend(|app| async move {
        let query = |first: usize| {
            format!("{{ interregProgrammes(first: {first}) {{ totalCount nodes {{ name countryCodes countries {{ code name }} }} }} }}")
        };
        let (small, small_statements) = statements_as(&app.database_url, None, &query(2)).await;
        let (large, large_statements) = statements_as(&app.database_url, None, &query(100)).await;
        assert_eq!(small["interregProgrammes"]["nodes"].as_array().unwrap().len(), 2);
        let large_len = large["interregProgrammes"]["nodes"].as_array().unwrap().len();
        assert_eq!(large_len, file_rows().len());
        assert!(large["interregProgrammes"]["nodes"].as_array().unwrap().iter().all(|n| n["countryCodes"] != json!([])));
        // The count, the page, the programmes' country codes: three, however long the page (the countries are
        // read when the server starts).
        assert_eq!(large_statements.len(), small_statements.len(), "{large_statements:#?}");
        assert!(large_statements.len() <= 3, "{large_statements:#?}");
    })
    .await;
}
