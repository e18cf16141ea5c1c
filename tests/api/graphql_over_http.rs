//! GraphQL over HTTP: media types, status codes, GET and POST, request ids, health probes.

use crate::helpers::{TestApp, each_backend, each_backend_with, first_error_code};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ALLOW, CONTENT_TYPE};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const QUERY: &str = "{ apiInfo { version } }";

async fn post(app: &TestApp, content_type: Option<&str>, accept: Option<&str>, body: Vec<u8>) -> reqwest::Response {
    let mut request = app.client.post(app.url("/graphql")).body(body);
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    request.send().await.expect("request sent")
}

fn json_body(query: &str) -> Vec<u8> {
    json!({ "query": query }).to_string().into_bytes()
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers()[CONTENT_TYPE].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn post_answers_json_or_graphql_response_by_accept() {
    each_backend(|app| async move {
        for (accept, expected) in [
            (None, "application/json"),
            (Some("*/*"), "application/json"),
            (Some("application/json"), "application/json"),
            (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
            (Some("application/graphql-response+json, application/json;q=0.9"), GRAPHQL_RESPONSE),
        ] {
            let response = post(&app, Some("application/json"), accept, json_body(QUERY)).await;
            assert_eq!(response.status(), StatusCode::OK, "Accept {accept:?}");
            assert!(content_type(&response).starts_with(expected), "Accept {accept:?}: {}", content_type(&response));
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["data"]["apiInfo"]["version"], env!("CARGO_PKG_VERSION"));
        }
    })
    .await;
}

#[tokio::test]
async fn nothing_acceptable_is_406() {
    each_backend(|app| async move {
        let response = post(&app, Some("application/json"), Some("text/html"), json_body(QUERY)).await;
        assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
    })
    .await;
}

#[tokio::test]
async fn other_content_types_are_415() {
    each_backend(|app| async move {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/json; charset=iso-8859-1"),
        ] {
            let response = post(&app, content_type, None, json_body(QUERY)).await;
            assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type {content_type:?}");
        }
        let response = post(&app, Some("application/json; charset=UTF-8"), None, json_body(QUERY)).await;
        assert_eq!(response.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn malformed_requests_are_400_with_a_reason() {
    each_backend(|app| async move {
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("not JSON", b"{ query: nope".to_vec()),
            ("not UTF-8", vec![b'{', b'"', 0xff, 0xfe, b'"', b'}']),
            ("an array (batch)", json!([{ "query": QUERY }]).to_string().into_bytes()),
            ("no query", json!({ "variables": {} }).to_string().into_bytes()),
            ("query not a string", json!({ "query": 42 }).to_string().into_bytes()),
            ("variables not an object", json!({ "query": QUERY, "variables": "x" }).to_string().into_bytes()),
            ("operationName not a string", json!({ "query": QUERY, "operationName": 1 }).to_string().into_bytes()),
        ];
        for (case, body) in cases {
            for accept in [None, Some(GRAPHQL_RESPONSE)] {
                let response = post(&app, Some("application/json"), accept, body.clone()).await;
                assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{case}, Accept {accept:?}");
                let body: Value = response.json().await.unwrap();
                assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{case}");
                assert!(body.get("data").is_none(), "{case}: {body}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn request_errors_are_400_with_graphql_response_and_200_with_json() {
    each_backend(|app| async move {
        for document in ["{ apiInfo { ", "{ noSuchField }", "query($n: Int!) { apiInfo { version } }"] {
            let response = post(&app, Some("application/json"), Some(GRAPHQL_RESPONSE), json_body(document)).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{document}");
            let body: Value = response.json().await.unwrap();
            assert!(body.get("data").is_none(), "no data for a request error: {body}");
            assert_eq!(first_error_code(&body), "BAD_USER_INPUT");

            let response = post(&app, Some("application/json"), Some("application/json"), json_body(document)).await;
            assert_eq!(response.status(), StatusCode::OK, "{document}");
            let body: Value = response.json().await.unwrap();
            assert!(body.get("data").is_none(), "{body}");
            assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()));
        }
    })
    .await;
}

#[tokio::test]
async fn field_errors_keep_200_and_partial_data() {
    each_backend(|app| async move {
        let query = r#"{ apiInfo { version } country(code: "not a code") { name } }"#;
        let response = post(&app, Some("application/json"), Some(GRAPHQL_RESPONSE), json_body(query)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["country"], Value::Null);
        assert_eq!(body["data"]["apiInfo"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["path"], json!(["country"]));
    })
    .await;
}

#[tokio::test]
async fn variables_and_operation_name_are_honoured() {
    each_backend(|app| async move {
        let body = json!({
            "query": "query A($c: String!) { country(code: $c) { name } } query B { apiInfo { environment } }",
            "operationName": "A",
            "variables": { "c": "AT" },
            "extensions": {},
        });
        let response = post(&app, Some("application/json"), None, body.to_string().into_bytes()).await;
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"], json!({ "country": { "name": "Austria" } }));
    })
    .await;
}

#[tokio::test]
async fn get_runs_queries_with_url_parameters() {
    each_backend(|app| async move {
        let response = app
            .client
            .get(app.url("/graphql"))
            .query(&[
                ("query", "query C($c: String!) { country(code: $c) { code } }"),
                ("variables", r#"{"c":"gr"}"#),
                ("operationName", "C"),
            ])
            .header(ACCEPT, GRAPHQL_RESPONSE)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(content_type(&response).starts_with(GRAPHQL_RESPONSE));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["country"]["code"], "GR");

        let response = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", QUERY), ("variables", "not json")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);

        let response = app.client.get(app.url("/graphql")).header(ACCEPT, "application/json").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "GET without a query");
    })
    .await;
}

#[tokio::test]
async fn get_refuses_mutations_with_405_and_allow() {
    each_backend(|app| async move {
        for (query, name) in
            [("mutation { logout }", None), ("query A { apiInfo { version } } mutation B { logout }", Some("B"))]
        {
            let mut params = vec![("query", query)];
            if let Some(name) = name {
                params.push(("operationName", name));
            }
            let response = app.client.get(app.url("/graphql")).query(&params).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{query}");
            assert_eq!(response.headers()[ALLOW], "POST");
        }
        let response = app.client.put(app.url("/graphql")).body("{}").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    })
    .await;
}

#[tokio::test]
async fn graphiql_is_served_to_browsers_in_development_only() {
    each_backend(|app| async move {
        let response = app.client.get(app.url("/graphql")).header(ACCEPT, "text/html,*/*;q=0.8").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(content_type(&response).starts_with("text/html"));
        assert!(response.text().await.unwrap().to_lowercase().contains("graphiql"));
    })
    .await;
    each_backend_with(crate::helpers::production, |app| async move {
        let response = app.client.get(app.url("/graphql")).header(ACCEPT, "text/html").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
    })
    .await;
}

#[tokio::test]
async fn every_response_has_a_request_id_and_a_given_one_is_kept() {
    each_backend(|app| async move {
        let response = post(&app, Some("application/json"), None, json_body(QUERY)).await;
        let generated = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");

        let response = app.client.get(app.url("/healthz")).header("x-request-id", "trace-me-123").send().await.unwrap();
        assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    })
    .await;
}

#[tokio::test]
async fn health_and_readiness() {
    each_backend(|app| async move {
        let live = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(live.status(), StatusCode::OK);
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        let body: Value = ready.json().await.unwrap();
        assert_eq!(body["database"], "ok");
    })
    .await;
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    each_backend_with(
        |config| config.limits.max_body_bytes = 2_000,
        |app| async move {
            let padding = " ".repeat(3_000);
            let body = format!(r#"{{"query": "{{ apiInfo {{ version }} }}{padding}"}}"#).into_bytes();
            let response = post(&app, Some("application/json"), None, body).await;
            assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
            let small = post(&app, Some("application/json"), None, json_body(QUERY)).await;
            assert_eq!(small.status(), StatusCode::OK);
        },
    )
    .await;
}

#[tokio::test]
async fn response_fields_keep_the_order_of_the_selection() {
    each_backend(|app| async move {
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&serde_json::json!({ "query": "{ countries { name code } apiInfo { version } }" }))
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        // Alphabetical order would put `apiInfo` first and `code` before `name`.
        let (countries, api_info) = (text.find("\"countries\"").unwrap(), text.find("\"apiInfo\"").unwrap());
        assert!(countries < api_info, "{text}");
        let (name, code) = (text.find("\"name\"").unwrap(), text.find("\"code\"").unwrap());
        assert!(name < code, "{text}");
    })
    .await;
}
