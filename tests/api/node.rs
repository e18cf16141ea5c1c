//! `node(id:)` and `nodes(ids:)` resolve the global IDs the types hand out.

use crate::helpers::each_backend;
use serde_json::{Value, json};

#[tokio::test]
async fn node_round_trips_every_node_type() {
    each_backend(|app| async move {
        let data = app
            .data(r#"{ country(code: "SI") { id } nutsRegions(search: "AT130") { nodes { id } } }"#, json!({}))
            .await;
        let country_id = data["country"]["id"].clone();
        let region_id = data["nutsRegions"]["nodes"][0]["id"].clone();

        let query =
            r#"query($id: ID!) { node(id: $id) { id ... on Country { code } ... on NutsRegion { code level } } }"#;
        let node = app.data(query, json!({ "id": country_id })).await;
        assert_eq!(node["node"], json!({ "id": country_id, "code": "SI" }));
        let node = app.data(query, json!({ "id": region_id })).await;
        assert_eq!(node["node"], json!({ "id": region_id, "code": "AT130", "level": 3 }));
    })
    .await;
}

#[tokio::test]
async fn nodes_keeps_order_and_nulls_the_missing() {
    each_backend(|app| async move {
        let ids = app.data(r#"{ a: country(code: "AT") { id } b: country(code: "UA") { id } }"#, json!({})).await;
        // A well-formed ID of a country that does not exist.
        let missing = base64_url("Country:ZZ");
        let data = app
            .data(
                "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Country { code } } }",
                json!({ "ids": [ids["b"]["id"], missing, ids["a"]["id"]] }),
            )
            .await;
        assert_eq!(data["nodes"], json!([{ "code": "UA" }, Value::Null, { "code": "AT" }]));
    })
    .await;
}

#[tokio::test]
async fn malformed_ids_and_too_many_ids_are_bad_input() {
    each_backend(|app| async move {
        for id in ["garbage!", &base64_url("Nothing:1"), &base64_url("Country:")] {
            let code = app.error_code("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
            assert_eq!(code, "BAD_USER_INPUT", "{id}");
        }
        let ids: Vec<String> = (0..101).map(|i| base64_url(&format!("Country:{i}"))).collect();
        let code = app.error_code("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": ids })).await;
        assert_eq!(code, "BAD_USER_INPUT");
    })
    .await;
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
