//! CORS: browsers on the configured origins may call the API (preflight and the real request), others may not.

use crate::browser;
use crate::helpers::{each_backend, each_backend_with};
use axum::response::Html;
use axum::routing::get;
use reqwest::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, HeaderMap, ORIGIN,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

const FRONTEND: &str = "https://apply.impact.example.eu";

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> String {
    headers.get(name).map(|v| v.to_str().unwrap().to_ascii_lowercase()).unwrap_or_default()
}

async fn preflight(app: &crate::helpers::TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url("/graphql"))
        .header(ORIGIN, origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,authorization")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn preflight_and_request_from_an_allowed_origin_are_answered() {
    each_backend_with(
        |config| {
            config.cors_origins =
                Some(api::config::parse_cors_origins(&format!("{FRONTEND},http://localhost:5173")).unwrap())
        },
        |app| async move {
            let response = preflight(&app, FRONTEND).await;
            assert!(response.status().is_success(), "preflight answered {}", response.status());
            let headers = response.headers();
            assert_eq!(header(headers, ACCESS_CONTROL_ALLOW_ORIGIN), FRONTEND);
            assert!(header(headers, ACCESS_CONTROL_ALLOW_METHODS).contains("post"));
            let allowed = header(headers, ACCESS_CONTROL_ALLOW_HEADERS);
            assert!(allowed.contains("content-type") && allowed.contains("authorization"), "{allowed}");
            assert_eq!(header(headers, ACCESS_CONTROL_MAX_AGE), "3600");
            assert!(headers.get(ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none(), "credentials are never allowed");

            let response = app
                .client
                .post(app.url("/graphql"))
                .header(ORIGIN, "http://localhost:5173")
                .json(&json!({ "query": "{ apiInfo { environment } }" }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let headers = response.headers().clone();
            assert_eq!(header(&headers, ACCESS_CONTROL_ALLOW_ORIGIN), "http://localhost:5173");
            assert!(header(&headers, ACCESS_CONTROL_EXPOSE_HEADERS).contains("x-request-id"));
            assert!(header(&headers, reqwest::header::VARY).contains("origin"));
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["data"]["apiInfo"]["environment"], "development");
        },
    )
    .await;
}

#[tokio::test]
async fn other_origins_get_no_cors_headers_and_the_default_is_the_frontend() {
    each_backend(|app| async move {
        // No IMPACT_CORS_ORIGINS: the origin of IMPACT_FRONTEND_URL (http://localhost:3000 by default).
        let response = preflight(&app, "http://localhost:3000").await;
        assert_eq!(header(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN), "http://localhost:3000");
        for origin in ["https://evil.example", "http://localhost:3001", "null"] {
            let response = preflight(&app, origin).await;
            assert!(response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "{origin} was allowed");
            let response = app
                .client
                .post(app.url("/graphql"))
                .header(ORIGIN, origin)
                .json(&json!({ "query": "{ apiInfo { environment } }" }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "the server answers; the browser withholds it");
            assert!(response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none(), "{origin} was allowed");
        }
    })
    .await;
}

#[tokio::test]
async fn bad_origins_stop_start_up_naming_the_variable() {
    use clap::Parser;
    for bad in ["*", "apply.impact.example.eu", "https://x.eu/path"] {
        let error = api::cli::Cli::try_parse_from(["impact", "--cors-origins", bad]).unwrap_err().to_string();
        assert!(error.contains("IMPACT_CORS_ORIGINS"), "{bad}: {error}");
    }
    let mut config = api::config::Config::for_database("sqlite::memory:");
    config.frontend_url = "localhost:3000".to_owned();
    let clock = std::sync::Arc::new(api::clock::SystemClock);
    let error = api::app::App::build(config, clock).await.err().expect("start-up fails").to_string();
    assert!(error.contains("IMPACT_FRONTEND_URL") && error.contains("IMPACT_CORS_ORIGINS"), "{error}");
}

/// A page on another origin calls the API with `fetch` and writes what it could read into the page.
const PAGE: &str = r#"<!DOCTYPE html>
<html><body><pre id="result">pending</pre>
<script>
  const api = new URLSearchParams(location.search).get("api");
  fetch(api + "/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/graphql-response+json" },
    body: JSON.stringify({ query: "query FromBrowser { apiInfo { environment } }" }),
  })
    .then(async (response) => {
      const body = await response.json();
      const requestId = response.headers.get("x-request-id") ? "exposed" : "hidden";
      document.getElementById("result").textContent =
        "status=" + response.status + " request-id=" + requestId + " body=" + JSON.stringify(body);
    })
    .catch((error) => { document.getElementById("result").textContent = "failed: " + error; });
</script></body></html>"#;

#[tokio::test]
async fn a_browser_page_on_another_origin_calls_the_api() {
    let Some(chromium) = browser::chromium() else { return };
    let page_origin = browser::serve(axum::Router::new().route("/", get(|| async { Html(PAGE) }))).await;
    let allowed = page_origin.clone();
    let chromium_for_allowed = chromium.clone();
    each_backend_with(
        move |config| config.cors_origins = Some(api::config::parse_cors_origins(&allowed).unwrap()),
        move |app| {
            let (chromium, page_origin) = (chromium_for_allowed.clone(), page_origin.clone());
            async move {
                let dom = browser::dump_dom(&chromium, &format!("{page_origin}/?api={}", app.address), 5000).await;
                let result = browser::element_text(&dom, "result");
                assert_eq!(
                    result,
                    r#"status=200 request-id=exposed body={"data":{"apiInfo":{"environment":"development"}}}"#
                );
            }
        },
    )
    .await;
}

#[tokio::test]
async fn a_browser_page_on_an_origin_not_listed_cannot_read_the_api() {
    let Some(chromium) = browser::chromium() else { return };
    let page_origin = browser::serve(axum::Router::new().route("/", get(|| async { Html(PAGE) }))).await;
    each_backend(move |app| {
        let (chromium, page_origin) = (chromium.clone(), page_origin.clone());
        async move {
            let dom = browser::dump_dom(&chromium, &format!("{page_origin}/?api={}", app.address), 5000).await;
            let result = browser::element_text(&dom, "result");
            assert!(result.starts_with("failed: TypeError"), "the browser let the page read the answer: {result}");
        }
    })
    .await;
}
