//! Countries and NUTS regions as the public reads them.

use crate::helpers::each_backend;
use serde_json::{Value, json};

#[tokio::test]
async fn the_forty_eligible_countries() {
    each_backend(|app| async move {
        let data = app.data("{ countries { code name nutsCode status eligible } }", json!({})).await;
        let countries = data["countries"].as_array().unwrap();
        assert_eq!(countries.len(), 40);
        assert!(countries.iter().all(|c| c["eligible"] == true));
        let names: Vec<&str> = countries.iter().map(|c| c["name"].as_str().unwrap()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "countries come by name");
        let greece = countries.iter().find(|c| c["code"] == "GR").unwrap();
        assert_eq!(greece["nutsCode"], "EL");
        assert_eq!(greece["status"], "EU");
    })
    .await;
}

#[tokio::test]
async fn countries_filter_by_status() {
    each_backend(|app| async move {
        let data = app.data("{ countries(filter: { status: [IPA] }) { code } }", json!({})).await;
        let mut codes: Vec<&str> =
            data["countries"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
        codes.sort();
        assert_eq!(codes, ["AL", "BA", "ME", "MK", "RS", "TR", "XK"]);
        let data = app.data("{ countries(filter: { status: [EFTA, NEXT] }) { code } }", json!({})).await;
        assert_eq!(data["countries"].as_array().unwrap().len(), 5);
        let data = app.data("{ countries(filter: { status: [EU] }) { code } }", json!({})).await;
        assert_eq!(data["countries"].as_array().unwrap().len(), 27);
    })
    .await;
}

#[tokio::test]
async fn country_by_iso_or_nuts_code() {
    each_backend(|app| async move {
        let query = "query($c: String!) { country(code: $c) { code name status } }";
        for code in ["gr", "GR", "EL"] {
            let data = app.data(query, json!({ "c": code })).await;
            assert_eq!(data["country"], json!({ "code": "GR", "name": "Greece", "status": "EU" }), "{code}");
        }
        assert_eq!(app.data(query, json!({ "c": "XK" })).await["country"]["status"], "IPA");
        assert_eq!(app.data(query, json!({ "c": "US" })).await["country"], Value::Null);
        assert_eq!(app.error_code(query, json!({ "c": "USA" })).await, "BAD_USER_INPUT");
    })
    .await;
}

#[tokio::test]
async fn nuts_regions_filter_by_iso_country_level_parent_and_search() {
    each_backend(|app| async move {
        let query = r#"query($country: String, $level: Int, $parent: String, $search: String) {
            nutsRegions(country: $country, level: $level, parent: $parent, search: $search, first: 100) {
                totalCount nodes { code level name parent { code } country { code } }
            }
        }"#;
        let greek = app.data(query, json!({ "country": "GR", "level": 2 })).await;
        let nodes = greek["nutsRegions"]["nodes"].as_array().unwrap();
        assert!(!nodes.is_empty());
        assert!(nodes.iter().all(|n| n["code"].as_str().unwrap().starts_with("EL") && n["level"] == 2));
        assert!(nodes.iter().all(|n| n["country"]["code"] == "GR"));

        let children = app.data(query, json!({ "parent": "AT13" })).await;
        assert_eq!(children["nutsRegions"]["nodes"], json!([{ "code": "AT130", "level": 3, "name": "Wien", "parent": { "code": "AT13" }, "country": { "code": "AT" } }]));

        let by_name = app.data(query, json!({ "search": "wIEN" })).await;
        let codes: Vec<&str> = by_name["nutsRegions"]["nodes"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"AT13") && codes.contains(&"AT130"), "{codes:?}");

        let greek_script = app.data(query, json!({ "search": "αττική" })).await;
        assert!(greek_script["nutsRegions"]["totalCount"].as_u64().unwrap() >= 1, "case-insensitive in Greek");

        let extra_regio = app.data(query, json!({ "search": "Extra-Regio" })).await;
        assert_eq!(extra_regio["nutsRegions"]["totalCount"], 0);

        assert_eq!(app.error_code(query, json!({ "level": 4 })).await, "BAD_USER_INPUT");
        assert_eq!(app.error_code(query, json!({ "country": "Austria" })).await, "BAD_USER_INPUT");
    })
    .await;
}
