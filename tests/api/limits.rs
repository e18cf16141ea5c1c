//! Query depth and complexity limits, and what production mode hides.

use crate::helpers::{each_backend, each_backend_with};
use serde_json::json;

const DEEP: &str = "{ nutsRegions(first: 1) { edges { node { parent { parent { code } } } } } }";

#[tokio::test]
async fn too_deep_queries_are_refused() {
    each_backend_with(
        |config| config.limits.max_query_depth = 4,
        |app| async move {
            let body = app.graphql(DEEP, json!({})).await;
            assert!(body.get("data").is_none(), "{body}");
            assert_eq!(crate::helpers::first_error_code(&body), "BAD_USER_INPUT");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{body}");
            // Within the limit, the same shape runs.
            app.data("{ nutsRegions(first: 1) { nodes { code } } }", json!({})).await;
        },
    )
    .await;
}

#[tokio::test]
async fn too_complex_queries_are_refused_and_page_size_counts() {
    each_backend_with(
        |config| config.limits.max_query_complexity = 150,
        |app| async move {
            let big = app.graphql("{ nutsRegions(first: 100) { nodes { code name level } } }", json!({})).await;
            assert!(big.get("data").is_none(), "{big}");
            assert!(big["errors"][0]["message"].as_str().unwrap().contains("too complex"), "{big}");
            app.data("{ nutsRegions(first: 10) { nodes { code name level } } }", json!({})).await;
        },
    )
    .await;
}

#[tokio::test]
async fn api_info_publishes_the_limits() {
    each_backend_with(
        |config| config.limits.max_query_depth = 9,
        |app| async move {
            let data = app
                .data("{ apiInfo { environment limits { maxQueryDepth defaultPageSize maxPageSize } } }", json!({}))
                .await;
            assert_eq!(
                data["apiInfo"],
                json!({ "environment": "development", "limits": { "maxQueryDepth": 9, "defaultPageSize": 20, "maxPageSize": 100 } })
            );
        },
    )
    .await;
}

#[tokio::test]
async fn production_hides_introspection_and_suggestions() {
    let introspection = "{ __schema { queryType { name } } }";
    each_backend(|app| async move {
        let data = app.data(introspection, json!({})).await;
        assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    })
    .await;
    each_backend_with(crate::helpers::production, |app| async move {
        // async-graphql answers disabled introspection with null rather than an error: nothing leaks.
        let body = app.graphql(introspection, json!({})).await;
        assert_eq!(body["data"]["__schema"], serde_json::Value::Null, "{body}");
        let body = app.graphql(r#"{ __type(name: "Country") { fields { name } } }"#, json!({})).await;
        assert_eq!(body["data"]["__type"], serde_json::Value::Null, "{body}");
        let typo = app.graphql("{ countrie { code } }", json!({})).await;
        let message = typo["errors"][0]["message"].as_str().unwrap();
        assert!(!message.contains("Did you mean"), "suggestions leak the schema: {message}");
        let data = app.data("{ apiInfo { environment } }", json!({})).await;
        assert_eq!(data["apiInfo"]["environment"], "production");
    })
    .await;
}
