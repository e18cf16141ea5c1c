//! GraphiQL in development: served with its assets from the binary (no CDN), its docs built from the standard
//! introspection query (deeper than the depth limit), and a query run from it, checked in headless Chromium.

use crate::browser;
use crate::helpers::{each_backend, each_backend_with, production};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{Html, IntoResponse, Response};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

/// graphql-js 16's `getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true,
/// schemaDescription: true, inputValueDeprecation: true })`, as GraphiQL and codegen tools send it.
pub const INTROSPECTION_QUERY: &str = r#"
    query IntrospectionQuery {
      __schema {
        description
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types {
          ...FullType
        }
        directives {
          name
          description
          isRepeatable
          locations
          args(includeDeprecated: true) {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      specifiedByURL
      fields(includeDeprecated: true) {
        name
        description
        args(includeDeprecated: true) {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields(includeDeprecated: true) {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
      isDeprecated
      deprecationReason
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                    ofType {
                      kind
                      name
                      ofType {
                        kind
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
"#;

#[tokio::test]
async fn the_standard_introspection_query_passes_the_depth_limit_in_development() {
    each_backend(|app| async move {
        let body = app.graphql(INTROSPECTION_QUERY, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
        let schema = &body["data"]["__schema"];
        assert_eq!(schema["queryType"]["name"], "Query");
        let types = schema["types"].as_array().expect("types");
        assert!(types.iter().any(|t| t["name"] == "Call"), "the schema's own types are listed");
        // The same depth outside introspection is still refused.
        let deep = format!(
            "{{ nutsRegions(first: 1) {{ nodes {{ {} code {} }} }} }}",
            "parent { ".repeat(11),
            "} ".repeat(11)
        );
        let body = app.graphql(&deep, json!({})).await;
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("nested too deep"), "{body}");
    })
    .await;
    each_backend_with(production, |app| async move {
        let body = app.graphql(INTROSPECTION_QUERY, json!({})).await;
        assert!(body.get("data").is_none() || body["data"]["__schema"].is_null(), "production answered: {body}");
    })
    .await;
}

#[tokio::test]
async fn graphiql_and_its_assets_come_from_the_server_in_development_only() {
    each_backend(|app| async move {
        let page = app.client.get(app.url("/graphql")).header(ACCEPT, "text/html").send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(!html.contains("unpkg") && !html.contains("jsdelivr") && !html.contains("//cdn"), "{html}");
        let assets: Vec<&str> = html.split('"').filter(|part| part.starts_with("/graphiql/assets/")).collect();
        assert_eq!(assets.len(), 4, "{html}");
        for asset in assets {
            let response = app.client.get(app.url(asset)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{asset}");
            let media_type = response.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
            let expected = if asset.ends_with(".css") { "text/css" } else { "text/javascript" };
            assert!(media_type.starts_with(expected), "{asset}: {media_type}");
            assert!(response.bytes().await.unwrap().len() > 10_000, "{asset}");
        }
        let missing = app.client.get(app.url("/graphiql/assets/nope.js")).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    })
    .await;
    each_backend_with(production, |app| async move {
        let asset = app.client.get(app.url("/graphiql/assets/graphiql-3.8.3.min.js")).send().await.unwrap();
        assert_eq!(asset.status(), StatusCode::NOT_FOUND);
        let page = app.client.get(app.url("/graphql")).header(ACCEPT, "text/html").send().await.unwrap();
        assert_ne!(page.headers()[CONTENT_TYPE].to_str().unwrap().split(';').next(), Some("text/html"));
    })
    .await;
}

/// Drives GraphiQL, loaded in a frame of the same origin: waits for it to render, opens the docs, follows
/// the query type, runs a query, and reports what it saw in `#report` as JSON.
const DRIVER: &str = r#"<!DOCTYPE html>
<html><head><script>
  localStorage.setItem("graphiql:query", "query FromGraphiql { apiInfo { environment } }");
</script></head>
<body>
<pre id="report">pending</pre>
<iframe id="graphiql" src="/graphql" style="width: 1400px; height: 900px"></iframe>
<script>
  const report = {};
  const show = () => { document.getElementById("report").textContent = JSON.stringify(report); };
  const frame = () => document.getElementById("graphiql").contentDocument;
  const until = (what, test, then, tries = 200) => {
    const found = frame() && test(frame());
    if (found) { report[what] = true; show(); then(found); }
    else if (tries > 0) setTimeout(() => until(what, test, then, tries - 1), 100);
    else { report.failedAt = what; report.body = frame() ? frame().body.innerText.slice(0, 500) : null; show(); }
  };
  until("rendered", (d) => d.querySelector(".graphiql-container .graphiql-execute-button"), () => {
    until("docsButton", (d) => d.querySelector('[aria-label="Show Documentation Explorer"]'), (button) => {
      button.click();
      until("docs", (d) => {
        const link = [...d.querySelectorAll(".graphiql-doc-explorer a")].find((a) => a.textContent === "Query");
        return link;
      }, (link) => {
        link.click();
        until("queryFields", (d) => {
          const text = d.querySelector(".graphiql-doc-explorer").innerText;
          return text.includes("apiInfo") && text.includes("nutsRegions") && text;
        }, (text) => {
          report.docsTitle = frame().querySelector(".graphiql-doc-explorer-title").innerText;
          const editor = frame().querySelector(".graphiql-query-editor .CodeMirror");
          if (editor && editor.CodeMirror) editor.CodeMirror.setValue("query FromGraphiql { apiInfo { environment } }");
          frame().querySelector(".graphiql-execute-button").click();
          until("result", (d) => {
            const result = d.querySelector(".graphiql-response .CodeMirror");
            const value = result && result.CodeMirror ? result.CodeMirror.getValue() : "";
            return value.includes("environment") && value;
          }, (value) => { report.result = JSON.parse(value); show(); });
        });
      });
    });
  });
</script></body></html>"#;

/// Forwards every request to the API, so GraphiQL and the driver page share one origin.
async fn proxy(State(api): State<String>, request: Request) -> Response {
    if request.uri().path() == "/driver" {
        return Html(DRIVER).into_response();
    }
    let (parts, body) = request.into_parts();
    let body: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let url = format!("{api}{}", parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let mut forwarded = reqwest::Client::new().request(parts.method, url).body(body);
    for (name, value) in &parts.headers {
        if name != "host" {
            forwarded = forwarded.header(name, value);
        }
    }
    let answer = forwarded.send().await.unwrap();
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "transfer-encoding" && name != "content-length" {
            response = response.header(name, value);
        }
    }
    response.body(axum::body::Body::from(answer.bytes().await.unwrap())).unwrap()
}

#[tokio::test]
async fn graphiql_loads_offline_shows_the_docs_and_runs_a_query_in_chromium() {
    let Some(chromium) = browser::chromium() else { return };
    each_backend(move |app| {
        let chromium = chromium.clone();
        async move {
            let origin = browser::serve(axum::Router::new().fallback(proxy).with_state(app.address.clone())).await;
            let dom = browser::dump_dom(&chromium, &format!("{origin}/driver"), 30_000).await;
            let report: Value = serde_json::from_str(&browser::element_text(&dom, "report"))
                .unwrap_or_else(|e| panic!("no report ({e}):\n{dom}"));
            assert_eq!(report["failedAt"], Value::Null, "GraphiQL stopped: {report}");
            assert_eq!(report["docsTitle"], "Query", "{report}");
            assert_eq!(
                report["result"],
                json!({ "data": { "apiInfo": { "environment": "development" } } }),
                "{report}"
            );
        }
    })
    .await;
}
